// 30-epub-check.java - run epubcheck over many books in one JVM (its start-up costs ~5 s).
// Usage: java -cp /usr/share/java/epubcheck.jar tests/e2e/30-epub-check.java BOOK.epub...
// For each book it prints "== BOOK", epubcheck's own report, and "== rc N".
import com.adobe.epubcheck.tool.EpubChecker;

public class EpubCheckMany {
    public static void main(String[] args) {
        int failed = 0;
        for (String book : args) {
            System.out.println("== " + book);
            System.out.flush();
            int rc;
            try {
                rc = new EpubChecker().run(new String[] {book});
            } catch (RuntimeException ex) {
                System.out.println("FATAL: " + ex);
                rc = 99;
            }
            System.out.flush();
            System.err.flush();
            System.out.println("== rc " + rc);
            if (rc != 0) failed++;
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}

#!/bin/sh
# 61-hostile-html.sh - hostile HTML against parse, pdf and epub: active content and remote
# resources (none may reach the EPUB), XXE and entity expansion, 100,000-deep nesting,
# 100,000 links, images that point outside the page's folder, at devices, FIFOs, folders,
# or that are corrupt or claim 100,000 x 100,000 pixels. Every run bounded in time.
. tests/lib.sh
. tests/e2e/hostile.inc
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
G=$OUT/gen; mkdir -p "$G"
py() { python3 -c "$@"; }

# every text entry of an EPUB, concatenated (python: no dependency on unzip)
epub_text() { py "
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    if n.endswith(('.xhtml', '.html', '.opf', '.ncx', '.css', '.xml', '.smil', '.svg')):
        sys.stdout.write('== ' + n + '\n' + z.read(n).decode('utf-8', 'replace') + '\n')
" "$1"; }
# what no EPUB may contain: active content, handlers, javascript: URLs, remote resources
ACTIVE='<script|<iframe|<object|<embed|<form|<input|<button|<base |<meta http-equiv|[[:space:]]on[a-z]+[[:space:]]*=|javascript:|evil\.example|SCRIPTTEXT|SVGSCRIPT|SCRIPTINBODY|IFRAMETEXT|OBJECTTEXT|FORMTEXT'

# --- active content ---------------------------------------------------------------------
f=$HFIX/active-content.html
accepted "active content: parse" parse "$f"
if grep -qE 'SCRIPTTEXT|SVGSCRIPT|SCRIPTINBODY|javascript:' "$OUT/res"; then
    fail "active content: no script text or javascript: URL in the model"
else pass "active content: no script text or javascript: URL in the model"; fi
grep -q 'Đoạn cuối cùng' "$OUT/res" && pass "active content: article text kept" \
    || fail "active content: article text kept"
rm -f "$OUT/a.epub"
accepted "active content: epub" epub "$f" -o "$OUT/a.epub"
if [ -s "$OUT/a.epub" ]; then
    epub_text "$OUT/a.epub" >"$OUT/a.txt"
    bad=$(grep -inE "$ACTIVE" "$OUT/a.txt" | head -3)
    [ -z "$bad" ] && pass "active content: none reaches the EPUB" \
        || fail "active content: none reaches the EPUB ($bad)"
    grep -q 'Đoạn cuối cùng' "$OUT/a.txt" && pass "active content: EPUB keeps the article" \
        || fail "active content: EPUB keeps the article"
    grep -qiE '(src|href)="(https?:)?//' "$OUT/a.txt" && fail "active content: no remote src/href in the EPUB" \
        || pass "active content: no remote src/href in the EPUB"
fi
accepted "active content: pdf" pdf "$f" -o "$OUT/a.pdf"
if have pdftotext && [ -s "$OUT/a.pdf" ]; then
    pdftotext "$OUT/a.pdf" - | grep -qE 'SCRIPTTEXT|SVGSCRIPT|SCRIPTINBODY|FORMTEXT' \
        && fail "active content: no script text in the PDF" || pass "active content: no script text in the PDF"
fi

# content after an <embed> (a void element libxml2's HTML parser does not know) must survive
accepted "embed: parse" parse "$HFIX/embed-swallows.html"
grep -q 'Đoạn văn hai sau thẻ embed' "$OUT/res" && pass "embed: the paragraph after <embed> is kept" \
    || fail "embed: the paragraph after <embed> is kept (dropped with the embed)"

# --- XXE and entity expansion ------------------------------------------------------------
f=$HFIX/xxe.html
survived "XXE + billion laughs: parse" parse "$f"
grep -q 'root:' "$OUT/res" && fail "XXE: /etc/passwd not read" || pass "XXE: /etc/passwd not read"
[ "$(wc -c <"$OUT/res")" -lt 100000 ] && pass "billion laughs: not expanded ($(wc -c <"$OUT/res") bytes)" \
    || fail "billion laughs: not expanded ($(wc -c <"$OUT/res") bytes)"
survived "XXE + billion laughs: epub" epub "$f" -o "$OUT/x.epub"
if [ -s "$OUT/x.epub" ]; then
    epub_text "$OUT/x.epub" | grep -qE 'root:|lollollol|evil\.example' \
        && fail "XXE: nothing of it in the EPUB" || pass "XXE: nothing of it in the EPUB"
fi
survived "XXE + billion laughs: pdf" pdf "$f" -o "$OUT/x.pdf"
# the same declarations without the XML prolog, read as HTML
sed 1d "$f" >"$G/xxe2.html"
survived "XXE without prolog: parse" parse "$G/xxe2.html"
grep -qE 'root:|lollollollol' "$OUT/res" && fail "XXE without prolog: no expansion" \
    || pass "XXE without prolog: no expansion"

# --- 100,000 deep, 100,000 links ---------------------------------------------------------
py "import sys; sys.stdout.write('<html><head><meta charset=utf-8><title>Tiêu đề lồng sâu</title></head><body>' + '<div>' * 100000 + '<p>Đoạn văn ở tận đáy của cây lồng nhau rất sâu.</p>' + '</div>' * 100000 + '</body></html>')" >"$G/deep.html"
forall_accepted "HTML nested 100,000 deep" "$G/deep.html"
py "import sys; sys.stdout.write('<html><body>' + '<b><i><span>' * 40000 + 'Chữ')" >"$G/deep-open.html"
survived "100,000+ unclosed elements: parse" parse "$G/deep-open.html"
survived "100,000+ unclosed elements: pdf" pdf "$G/deep-open.html" -o "$OUT/d.pdf"
py "import sys; sys.stdout.write('<html><head><meta charset=utf-8><title>Nhiều liên kết</title></head><body><article><h1>Nhiều liên kết</h1><p>Đoạn văn mở đầu của bài báo có rất nhiều liên kết ở dưới.</p>' + ''.join('<a href=\"/tin/%d.html\">Liên kết số %d</a> ' % (i, i) for i in range(100000)) + '</article></body></html>')" >"$G/links.html"
survived "100,000 links: parse" parse "$G/links.html"
survived "100,000 links: pdf" pdf "$G/links.html" -o "$OUT/l.pdf"
survived "100,000 links: epub" epub "$G/links.html" -o "$OUT/l.epub"
rm -f "$G/deep.html" "$G/deep-open.html" "$G/links.html"

# --- images that must not be read ---------------------------------------------------------
S=$OUT/site/news; mkdir -p "$S/img" "$S/dir.jpg"
cp "$HFIX/corrupt.png" "$HFIX/corrupt.jpg" "$HFIX/huge-dims.png" "$S/img/"
ln -sf /etc/passwd "$S/img/link.jpg"
mkfifo "$S/img/fifo.jpg" 2>/dev/null
ln -sf /dev/zero "$S/img/zero.png"
img() { printf '<figure><img src="%s" alt="ảnh %s"><figcaption>Chú thích %s</figcaption></figure>\n' "$1" "$1" "$1"; }
{
    printf '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Ảnh độc hại</title></head><body><article><h1>Ảnh độc hại</h1>\n'
    printf '<p>Đoạn văn đầu tiên của bài báo với nhiều ảnh nguy hiểm ở dưới đây.</p>\n'
    for s in ../../etc/passwd ../../../../../../../../etc/passwd /etc/passwd file:///etc/passwd \
             file://localhost/etc/passwd img/link.jpg img/fifo.jpg dir.jpg img/zero.png \
             img/corrupt.png img/corrupt.jpg img/huge-dims.png /dev/zero 'img/%2e%2e/%2e%2e/%2e%2e/etc/passwd' \
             'data:image/png;base64,AAAA' 'http://evil.example/x.png'; do
        img "$s"
    done
    printf '<p>Đoạn văn cuối cùng của bài báo có ảnh.</p></article></body></html>\n'
} >"$S/page.html"
accepted "hostile images: parse" parse "$S/page.html"
grep -q 'root:' "$OUT/res" && fail "hostile images: /etc/passwd not read" || pass "hostile images: /etc/passwd not read"
n=$(grep -c 'warning' "$OUT/err")
[ "$n" -ge 10 ] && pass "hostile images: each refused image warned ($n warnings)" \
    || fail "hostile images: each refused image warned ($n warnings)"
rm -f "$OUT/i.epub" "$OUT/i.pdf"
accepted "hostile images: epub" epub "$S/page.html" -o "$OUT/i.epub"
if [ -s "$OUT/i.epub" ]; then
    py "
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
bad = [n for n in z.namelist() if b'root:' in z.read(n) or z.getinfo(n).file_size > 50 * 1024 * 1024]
sys.exit(1 if bad else 0)" "$OUT/i.epub" && pass "hostile images: nothing of them in the EPUB" \
        || fail "hostile images: nothing of them in the EPUB"
fi
accepted "hostile images: pdf" pdf "$S/page.html" -o "$OUT/i.pdf"
if [ -s "$OUT/i.pdf" ] && have qpdf; then check "hostile images: pdf passes qpdf --check" qpdf --check "$OUT/i.pdf"; fi
rm -f "$S/img/fifo.jpg"

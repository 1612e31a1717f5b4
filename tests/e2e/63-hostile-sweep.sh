#!/bin/sh
# 63-hostile-sweep.sh - hostile inputs a sweep of every command found breaking, one check per
# class so that each stays fixed: a 100 KB title (libharu refused the document's strings and the
# whole batch failed), a flood of combining marks (text shaping took seconds per letter), a feed
# or sitemap that lists nothing (exit 3 with no message; parse said nothing and exited 0), a
# 50,000-URL sitemap (its items were checked for duplicates one against all: minutes), an output
# that is an input (overwritten), a bag inside its source folder (its own files archived), a
# merge into a folder inside a bag it reads (the bag damaged), UTF-16 without a byte order mark
# (refused as binary, even when the HTTP header said utf-16).
. tests/lib.sh
. tests/e2e/hostile.inc
. tests/e2e/web.inc
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
have python3 || { skip "hostile sweep (python3 missing)"; exit 0; }
G=$OUT/gen; mkdir -p "$G"
py() { python3 -c "$@"; }
cp "$FIX/text/001.txt" "$G/good.txt"
page() { # page TITLE BODY-HTML : an article page on stdout
    printf '<html><head><meta charset="utf-8"><title>%s</title></head><body><article><h1>%s</h1>' "$1" "$1"
    printf '<p>Đoạn mở đầu của bài viết, đủ dài để được giữ lại làm nội dung chính của trang.</p>%s' "$2"
    printf '<p>Đoạn cuối cùng của bài viết.</p></article></body></html>\n'
}

# --- a 100 KB title: the PDF's title strings are cut, the batch is written -------------------
page "$(py "print('Tiêu đề rất dài ' * 6000, end='')")" "" >"$G/longtitle.html"
accepted "100 KB title: pdf -o of a batch" pdf "$G/good.txt" "$G/longtitle.html" -o "$OUT/lt.pdf"
[ -s "$OUT/lt.pdf" ] && pass "100 KB title: the batch's PDF written" || fail "100 KB title: the batch's PDF written"
accepted "100 KB title: pdf --pdfa" pdf --pdfa "$G/longtitle.html" "$G/good.txt" -o "$OUT/lta.pdf"
if have qpdf && [ -s "$OUT/lta.pdf" ]; then check "100 KB title: qpdf --check" qpdf --check "$OUT/lta.pdf"; fi
if have pdfinfo && [ -s "$OUT/lta.pdf" ]; then
    n=$(pdfinfo "$OUT/lta.pdf" 2>/dev/null | awk '/^Title:/ { print length($0) }')
    [ "${n:-0}" -gt 1000 ] && [ "${n:-0}" -lt 40000 ] && pass "100 KB title: the document title cut to a PDF string ($n chars)" \
        || fail "100 KB title: the document title cut to a PDF string (${n:-none} chars)"
fi
accepted "100 KB title: pdf -d" pdf "$G/good.txt" "$G/longtitle.html" -d "$OUT/ltd"
[ -s "$OUT/ltd/longtitle.pdf" ] && pass "100 KB title: its own PDF written" || fail "100 KB title: its own PDF written"
accepted "100 KB title: epub" epub "$G/good.txt" "$G/longtitle.html" -o "$OUT/lt.epub"

# --- combining marks: 50 letters with 5,000 marks each, in text, title and HTML --------------
py "print('Tiêu đề\n\n' + ('a' + '\u0301' * 5000 + ' ') * 50 + '\n\nĐoạn cuối cùng của bài viết.')" >"$G/marks.txt"
page "$(py "print('T' + '\u0308' * 20000, end='')")" "<p>$(py "print(('e' + '\u0323\u0302' * 2500 + ' ') * 50, end='')")</p>" \
    >"$G/marks.html"
for f in marks.txt marks.html; do
    for cmd in pdf epub; do
        timed timeout -k 5 "$HT" "$BANTIN" $cmd -q "$G/$f" -o "$OUT/m.$cmd" >/dev/null 2>"$OUT/err"
        why=$(hbad); [ -z "$why" ] && [ "$rc" -ne 0 ] && why="exit $rc"
        [ -z "$why" ] && [ "$cpu_ms" -gt 5000 ] && why="$cpu_ms ms CPU"
        if [ -z "$why" ]; then pass "combining-mark flood: $cmd $f in $cpu_ms ms CPU"
        else fail "combining-mark flood: $cmd $f ($why)"; fi
    done
done
hrun parse --json "$G/marks.txt"
py "
import json, sys, unicodedata
a = json.load(open(sys.argv[1]))
run = worst = 0
for ch in ''.join(b.get('text', '') for b in a['blocks']):
    run = run + 1 if unicodedata.category(ch).startswith('M') else 0
    worst = max(worst, run)
sys.exit(0 if 0 < worst <= 30 else 1)
" "$OUT/res" && pass "combining-mark flood: at most 30 marks kept on a letter" \
    || fail "combining-mark flood: at most 30 marks kept on a letter"

# --- web: a feed or sitemap with nothing in it, a sitemap of 50,003 URLs ---------------------
W=$OUT/site; mkdir -p "$W"
page "Bài tốt" "" >"$W/good.html"
printf '<?xml version="1.0"?><rss version="2.0"><channel><title>Trống</title></channel></rss>\n' >"$W/empty.rss"
printf '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>x</title></item></channel></rss>\n' >"$W/nolink.rss"
printf '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n' >"$W/empty.xml"
# every URL on a port where nothing listens: each is refused at once, no server does the work
py "print('<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">' + ''.join('<url><loc>http://127.0.0.1:9/%d.html</loc></url>' % i for i in range(50003)) + '</urlset>')" >"$W/big.xml"
if web_start "$W"; then
    E=$OUT/empty; mkdir -p "$E" # (refused looks for temp files beside its output)
    for feed in empty.rss nolink.rss empty.xml; do
        refused "a feed that lists nothing ($feed): parse" "$U/$feed" - parse "$U/$feed"
        refused "a feed that lists nothing ($feed): pdf" "$U/$feed" "$E/e.pdf" pdf "$U/$feed" -o "$E/e.pdf"
        refused "a feed that lists nothing ($feed): epub" "$U/$feed" "$E/e.epub" epub "$U/$feed" -o "$E/e.epub"
    done
    hrun pdf "$U/empty.rss" "$U/good.html" -o "$OUT/e1.pdf"
    [ "$rc" -eq 1 ] && [ -s "$OUT/e1.pdf" ] && grep -qF "bantin: $U/empty.rss: " "$OUT/err" \
        && pass "an empty feed in a batch: named, the rest converted (exit 1)" \
        || fail "an empty feed in a batch: named, the rest converted (exit $rc: $(head -c 200 "$OUT/err"))"
    timed timeout -k 5 "$WT" "$BANTIN" parse --ignore-robots "$U/big.xml" >/dev/null 2>"$OUT/big.err"
    n=$(grep -c '^bantin: http://127.0.0.1:9/' "$OUT/big.err")
    lim=9000; [ -n "${BANTIN_SANITIZED:-}" ] && lim=40000
    [ "$rc" -eq 3 ] && [ "$n" -eq 50000 ] && [ "$cpu_ms" -lt "$lim" ] \
        && pass "a sitemap of 50,000 URLs: each tried and named in $cpu_ms ms CPU (exit 3)" \
        || fail "a sitemap of 50,000 URLs (exit $rc, $n named, $cpu_ms ms CPU, limit $lim)"
    grep -q 'warning: .*big.xml: 3 items past the first 50000 left out' "$OUT/big.err" \
        && pass "a sitemap of 50,003 URLs: the 3 past the limit are reported" \
        || fail "a sitemap of 50,003 URLs: the 3 past the limit are reported ($(grep -v '127.0.0.1:9/' "$OUT/big.err" | head -c 200))"
else
    fail "hostile sweep: the test server did not start ($(head -c 200 "$OUT/httpd.err"))"
fi

# --- the output is an input: refused before anything is written, the input intact ------------
I=$OUT/same; mkdir -p "$I"
cp "$G/good.txt" "$I/a.txt"; cp "$G/good.txt" "$I/keep.txt"; ln -sf a.txt "$I/link.pdf"
same_refused() { # NAME CMD... : exit 2, one line naming the output, a.txt unchanged
    n=$1; shift
    hrun "$@"
    why=$(hbad)
    [ -z "$why" ] && [ "$rc" -ne 2 ] && why="exit $rc, wanted 2"
    [ -z "$why" ] && ! grep -q 'is also an input\|is the input itself' "$OUT/err" && why="message: $(head -c 200 "$OUT/err")"
    [ -z "$why" ] && ! cmp -s "$I/a.txt" "$I/keep.txt" && why="the input was overwritten"
    if [ -z "$why" ]; then pass "$n"; else fail "$n ($why)"; fi
    cp "$I/keep.txt" "$I/a.txt"
}
same_refused "output = input: pdf -o" pdf "$I/a.txt" -o "$I/a.txt"
same_refused "output = input by another path: pdf -o" pdf "$G/good.txt" "$I/a.txt" -o "$I/../same/a.txt"
same_refused "output = input through a link: pdf -o" pdf "$I/a.txt" -o "$I/link.pdf"
same_refused "output = input: epub -o" epub "$I/a.txt" -o "$I/a.txt"
cp "$G/good.txt" "$I/b.pdf"
hrun pdf "$I/b.pdf" -d "$I"
[ "$rc" -eq 3 ] && cmp -s "$I/b.pdf" "$G/good.txt" && pass "output = input: pdf -d (an article named .pdf) left as it was" \
    || fail "output = input: pdf -d (exit $rc; $(head -c 200 "$OUT/err"))"

# --- a bag inside its own source folder: its files are not archived as articles ---------------
A=$OUT/arc; mkdir -p "$A/src"
cp "$G/good.txt" "$A/src/a.txt"
for run in 1 2; do hrun archive -q "$A/src" -o "$A/src/bag" -j 1; done
n=$(find "$A/src/bag/data/articles" -name '*.pdf' | wc -l)
[ "$rc" -eq 0 ] && [ "$n" -eq 1 ] && pass "a bag inside its source folder: re-run archives only the article (1 PDF)" \
    || fail "a bag inside its source folder: re-run (exit $rc, $n PDFs: the bag's own files archived)"

# --- a merge into a folder inside one of the bags it reads: refused, the bag left valid --------
hrun archive -q "$A/src" --shard 1/1 -o "$A/s1" -j 1
hrun archive --merge "$A/s1" -o "$A/s1/merged"
[ "$rc" -eq 2 ] && [ ! -e "$A/s1/merged" ] && grep -q 'inside the bag' "$OUT/err" \
    && pass "merge into a folder inside an input bag: refused (exit 2), nothing made there" \
    || fail "merge into a folder inside an input bag (exit $rc: $(head -c 200 "$OUT/err"))"
hrun verify "$A/s1"
[ "$rc" -eq 0 ] && pass "merge into a folder inside an input bag: the bag still verifies" \
    || fail "merge into a folder inside an input bag: the bag still verifies (exit $rc: $(head -c 200 "$OUT/err"))"

# --- UTF-16 without a byte order mark: read as text, not refused as binary -------------------
py "
import sys
open(sys.argv[1], 'wb').write('Tiêu đề UTF-16BE không BOM\n\nĐoạn văn đầu tiên của bài viết, đủ dài để được giữ lại.\n'.encode('utf-16-be'))
" "$G/u16be.txt"
page "Bài UTF-16 không BOM" "" | python3 -c "import sys; sys.stdout.buffer.write(sys.stdin.read().encode('utf-16-le'))" >"$G/u16.html"
accepted "UTF-16LE HTML without a BOM: parse" parse "$G/u16.html"
grep -q 'Bài UTF-16 không BOM' "$OUT/res" && pass "UTF-16LE HTML without a BOM: title read" \
    || fail "UTF-16LE HTML without a BOM: title read ($(head -c 200 "$OUT/res"))"
accepted "UTF-16BE text without a BOM: parse" parse "$G/u16be.txt"
grep -q 'Tiêu đề UTF-16BE không BOM' "$OUT/res" && pass "UTF-16BE text without a BOM: title read" \
    || fail "UTF-16BE text without a BOM: title read ($(head -c 200 "$OUT/res"))"
if [ -n "${U:-}" ]; then
    cp "$G/u16.html" "$W/u16.html"
    for cs in utf-16le utf-16; do
        accepted "UTF-16 page served as $cs without a BOM: parse" parse "$U/h/$cs/u16.html"
        grep -q 'Bài UTF-16 không BOM' "$OUT/res" && pass "UTF-16 page served as $cs: title read" \
            || fail "UTF-16 page served as $cs: title read ($(head -c 200 "$OUT/res"))"
    done
fi

# --- a template whose stylesheet would load something: refused (exit 4), naming the file ------
T=$OUT/tpl
mk_tpl() { mkdir -p "$T/$1"; echo '{}' >"$T/$1/template.json"; printf '%s\n' "$2" >"$T/$1/epub.css"; }
mk_tpl import '@import "http://evil.example/x.css"; p { color: red }'
mk_tpl url 'body { background: URL( "https://evil.example/x.png" ) }'
mk_tpl escaped 'body { background: u\72 l(//evil.example/x.png) }'
mk_tpl imageset 'body { background: image-set("http://evil.example/x.png" 1x) }'
for k in import url escaped imageset; do
    for cmd in epub pdf; do
        hrun $cmd "$G/good.txt" --template "$T/$k" -o "$T/o.$cmd"
        why=$(hbad)
        [ -z "$why" ] && [ "$rc" -ne 4 ] && why="exit $rc, wanted 4"
        [ -z "$why" ] && [ "$(grep -cF "bantin: $T/$k/epub.css: " "$OUT/err")" -ne 1 ] && why="$(head -c 200 "$OUT/err")"
        [ -z "$why" ] && [ -e "$T/o.$cmd" ] && why="output written"
        if [ -z "$why" ]; then pass "template stylesheet with $k: $cmd refuses it (exit 4)"
        else fail "template stylesheet with $k: $cmd refuses it ($why)"; fi
    done
done
mk_tpl plain '/* no url( and no @import in a comment */ q::before { content: "\201C" } p { margin: 0 }'
accepted "template stylesheet without anything to load: epub" epub "$G/good.txt" --template "$T/plain" -o "$T/p.epub"
mkdir -p "$T/big"; cp "$T/plain/epub.css" "$T/big/"
py "print('{\"org\": \"' + 'x' * 2000000 + '\"}')" >"$T/big/template.json"
hrun pdf "$G/good.txt" --template "$T/big" -o "$T/b.pdf"
[ "$rc" -eq 4 ] && grep -qF "$T/big/template.json" "$OUT/err" && pass "a 2 MB template.json: refused naming the file (exit 4)" \
    || fail "a 2 MB template.json: refused naming the file (exit $rc: $(head -c 200 "$OUT/err"))"

# --- --max-input: a negative or overflowing size is a usage error, not an unlimited input -----
for v in -5 99999999999999999999999 17179869184G; do
    hrun parse --max-input "$v" "$G/good.txt"
    [ "$rc" -eq 2 ] && grep -q 'max-input' "$OUT/err" && pass "--max-input '$v': usage error (exit 2)" \
        || fail "--max-input '$v': usage error (exit $rc: $(head -c 200 "$OUT/err"))"
done

# --- epub DIR: a symbolic link in the folder that leads out of it is not followed -------------
D=$OUT/linkdir; mkdir -p "$D/sub"
cp "$G/good.txt" "$D/a.txt"; cp "$G/good.txt" "$D/sub/b.txt"
printf 'Bí mật ngoài thư mục\n\nNội dung không được vào sách.\n' >"$OUT/secret.txt"
ln -sf "$(cd "$OUT" && pwd)/secret.txt" "$D/out.txt"; ln -sf sub/b.txt "$D/in.txt"
hrun epub "$D" -o "$OUT/linkdir.epub"
n=$(python3 -c "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(sum(1 for i in z.namelist() if i.startswith('OEBPS/a0')), int(any('Bí mật' in z.read(i).decode('utf-8', 'replace') for i in z.namelist())))" "$OUT/linkdir.epub" 2>/dev/null)
[ "$rc" -eq 0 ] && [ "$n" = "2 0" ] && grep -qF "bantin: $D/out.txt: warning:" "$OUT/err" \
    && pass "epub DIR: a link leading out of the folder is skipped with a warning, one inside is read" \
    || fail "epub DIR: links (exit $rc, articles and leak: ${n:-?}; $(head -c 200 "$OUT/err"))"

# --- a template file named through a symbolic link that leads out of its folder: refused -------
mkdir -p "$T/logo"; cp "$T/plain/epub.css" "$T/logo/"
echo '{ "masthead": { "title": "X", "logo": "logo.png" } }' >"$T/logo/template.json"
cp "$FIX/pdf/tiny.png" "$OUT/outside.png"
ln -sf "$(cd "$OUT" && pwd)/outside.png" "$T/logo/logo.png"
hrun pdf "$G/good.txt" --template "$T/logo" -o "$T/logo.pdf"
[ "$rc" -eq 4 ] && grep -q 'masthead.logo.*leads out of the template folder' "$OUT/err" && [ ! -e "$T/logo.pdf" ] \
    && pass "template logo through a link leading out of its folder: refused (exit 4)" \
    || fail "template logo through a link leading out of its folder (exit $rc: $(head -c 200 "$OUT/err"))"

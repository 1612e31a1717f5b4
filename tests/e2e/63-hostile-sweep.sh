#!/bin/sh
# 63-hostile-sweep.sh - hostile inputs a sweep of every command found breaking, one check per
# class so that each stays fixed: a 100 KB title (libharu refused the document's strings and the
# whole batch failed), a flood of combining marks (text shaping took seconds per letter), a feed
# or sitemap that lists nothing (exit 3 with no message; parse said nothing and exited 0), a
# 50,000-URL sitemap (its items were checked for duplicates one against all: minutes).
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

# --- web: a feed or sitemap with nothing in it, a sitemap of 50,000 URLs ---------------------
W=$OUT/site; mkdir -p "$W"
page "Bài tốt" "" >"$W/good.html"
printf '<?xml version="1.0"?><rss version="2.0"><channel><title>Trống</title></channel></rss>\n' >"$W/empty.rss"
printf '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>x</title></item></channel></rss>\n' >"$W/nolink.rss"
printf '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n' >"$W/empty.xml"
# every URL on a port where nothing listens: each is refused at once, no server does the work
py "print('<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">' + ''.join('<url><loc>http://127.0.0.1:9/%d.html</loc></url>' % i for i in range(50000)) + '</urlset>')" >"$W/big.xml"
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
    timed timeout -k 5 "$WT" "$BANTIN" parse -q --ignore-robots "$U/big.xml" >/dev/null 2>"$OUT/big.err"
    n=$(grep -c '^bantin: http://127.0.0.1:9/' "$OUT/big.err")
    lim=9000; [ -n "${BANTIN_SANITIZED:-}" ] && lim=40000
    [ "$rc" -eq 3 ] && [ "$n" -eq 50000 ] && [ "$cpu_ms" -lt "$lim" ] \
        && pass "a sitemap of 50,000 URLs: each tried and named in $cpu_ms ms CPU (exit 3)" \
        || fail "a sitemap of 50,000 URLs (exit $rc, $n named, $cpu_ms ms CPU, limit $lim)"
else
    fail "hostile sweep: the test server did not start ($(head -c 200 "$OUT/httpd.err"))"
fi

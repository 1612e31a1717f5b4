#!/bin/sh
# 71-web-archive.sh - `bantin archive` on web sources (tests/httpd.py on 127.0.0.1): a feed's
# pages archived with their HTTP evidence as WARC/1.1 in the bag, index.json pointing at each
# response record, a re-run that sends only conditional requests and renders nothing, a changed
# page re-rendered alone, permanent and transient failures, --sources with a WARC from wget.
. tests/lib.sh
. tests/e2e/web.inc
have python3 || { skip "web archive tests (python3 missing)"; exit 0; }
S=$OUT/site; mkdir -p "$S"
cp "$FIX"/html/pages/vi-*.html "$FIX"/html/pages/sh-*.html "$S/"
web_start "$S" || { fail "web archive: the test server did not start"; exit 0; }
python3 - "$S" <<'PY'
import sys
S = sys.argv[1]
items = ['/vi-vnexpress-2022-02-13-thoi-su.html', '/vi-genk-apple-qua-tang-sinh-vien.html',
         '/redirect/1/sh-0ec95c7261d1.html', '/gz/sh-c82b3d1d540b.html', '/sh-e372e42c0a3d.html',
         '/status/404', '/status/500']
x = ''.join(f'<item><title>Bài {i}</title><link>{p}</link><pubDate>Sat, 27 May 2023 0{i}:00:00 +0700</pubDate></item>'
            for i, p in enumerate(items))
open(f'{S}/feed.rss', 'w', encoding='utf-8').write(f'<rss version="2.0"><channel><title>Tin</title>{x}</channel></rss>')
PY
B=$OUT/bag
wbt archive --no-images "$U/feed.rss" -o "$B" --jobs 2 -q >"$OUT/a1.out" 2>&1; rc=$?
n=$(find "$B/data" -name '*.pdf' | wc -l)
[ "$rc" = 1 ] && [ "$n" = 5 ] && pass "web archive: feed of 7 items -> 5 PDFs, exit 1 for the 404 and the 500" ||
    fail "web archive: first run (exit $rc, $n PDFs; $(tr '\n' '|' <"$OUT/a1.out" | head -c 300))"
grep -q "status/404: .*HTTP 404 Not Found" "$OUT/a1.out" && grep -q "status/500: .*HTTP 500" "$OUT/a1.out" &&
    pass "web archive: failures named with their URL and status" || fail "web archive: failure lines"
check "web archive: bantin verify passes" wbt verify "$B"
python3 - "$B" <<'PY' && pass "web archive: index.json points at each article's WARC response record" || fail "web archive: WARC evidence"
import gzip, io, json, sys, zlib
B = sys.argv[1]
idx = json.load(open(f'{B}/data/index.json'))
arts = idx['articles'] if isinstance(idx, dict) else idx
ok = 0
for a in arts:
    w = a.get('warc')
    if a.get('status') != 'ok': continue
    if not w: sys.exit(1)
    raw = open(f"{B}/data/{w['file']}", 'rb').read()
    d = zlib.decompressobj(31)
    rec = d.decompress(raw[w['offset']:])           # one gzip member: one record
    head = rec.split(b'\r\n\r\n', 1)[0].decode()
    h = dict(l.split(': ', 1) for l in head.split('\r\n')[1:])
    if h['WARC-Type'] != 'response' or h['WARC-Record-ID'] != w['record_id']: sys.exit(1)
    if not a['url'] or h['WARC-Target-URI'] != a.get('source', {}).get('path', '') and '127.0.0.1' not in h['WARC-Target-URI']: sys.exit(1)
    ok += 1
man = open(f'{B}/manifest-sha256.txt').read()
sys.exit(0 if ok == 5 and 'data/warc/' in man else 1)
PY
python3 - "$B" <<'PY' && pass "web archive: the bag's WARC holds request/response pairs, redirects included" || fail "web archive: WARC content"
import glob, gzip, sys
types, uris = [], []
for f in glob.glob(sys.argv[1] + '/data/warc/*.warc.gz'):
    data = gzip.open(f).read()
    for rec in data.split(b'WARC/1.1\r\n')[1:]:
        h = dict(l.split(': ', 1) for l in rec.split(b'\r\n\r\n', 1)[0].decode('utf-8', 'replace').split('\r\n') if ': ' in l)
        types.append(h['WARC-Type']); uris.append(h.get('WARC-Target-URI', ''))
sys.exit(0 if types[0] == 'warcinfo' and types.count('response') == 6 and types.count('request') == 6 and
         any('/redirect/1/' in u for u in uris) else 1)
PY

# --- a re-run: only conditional requests, nothing rendered, the 404 not asked again ------------
find "$B/data" -name '*.pdf' -printf '%p %T@ %i\n' | sort >"$OUT/before"
: >"$WLOG"
wbt archive --no-images "$U/feed.rss" -o "$B" --jobs 2 -q >"$OUT/a2.out" 2>&1
find "$B/data" -name '*.pdf' -printf '%p %T@ %i\n' | sort >"$OUT/after"
cmp -s "$OUT/before" "$OUT/after" && pass "web archive: re-run rewrites no PDF" || fail "web archive: re-run rewrote PDFs"
u=$(awk -F'\t' '$1=="GET" && $2 ~ /\.html$/ && $4==0' "$WLOG" | wc -l)
c=$(awk -F'\t' '$1=="GET" && $2 ~ /\.html$/ && $3==304' "$WLOG" | wc -l)
[ "$u" = 0 ] && [ "$c" -ge 4 ] && pass "web archive: re-run sends only conditional GETs ($c answered 304)" ||
    fail "web archive: re-run made $u unconditional page requests, $c 304s"
grep -q "	/status/404	" "$WLOG" && fail "web archive: the 404 was asked again" || pass "web archive: a 404 is permanent (not asked again)"
grep -q "	/status/500	" "$WLOG" && pass "web archive: a 500 is retried on the next run" || fail "web archive: the 500 was not retried"
check "web archive: verify after the re-run" wbt verify "$B"

# --- a changed page: re-rendered alone ---------------------------------------------------------
sed -i 's/<\/body>/<p>Đoạn mới thêm vào sau khi đăng bài, đủ dài để được giữ lại trong bài báo.<\/p><\/body>/' "$S/sh-e372e42c0a3d.html"
wbt archive --no-images "$U/feed.rss" -o "$B" --jobs 2 -v >"$OUT/a3.out" 2>&1
find "$B/data" -name '*.pdf' -printf '%p %T@ %i\n' | sort >"$OUT/after3"
changed=$(diff "$OUT/after" "$OUT/after3" | grep -c '^>')
[ "$changed" = 1 ] && pass "web archive: a changed page is re-rendered alone" || fail "web archive: $changed PDFs changed"
[ "$(ls "$B/data/warc" | wc -l)" = 2 ] && pass "web archive: each run that fetched keeps its own WARC file" || fail "web archive: WARC files $(ls "$B/data/warc" | tr '\n' ' ')"
check "web archive: verify after the change" wbt verify "$B"

# --- --sources: a feed, a page, a WARC written by wget, comments ---------------------------------
if have wget; then
    (cd "$OUT" && timeout 60 wget -q --warc-file=crawl -O /dev/null "$U/sh-0ec95c7261d1.html" "$U/vi-genk-apple-qua-tang-sinh-vien.html" 2>/dev/null)
    printf '# sources of the test\n%s/vi-vnexpress-2022-02-13-thoi-su.html\n\n  %s  # a crawl\n' "$U" "$OUT/crawl.warc.gz" >"$OUT/sources.txt"
    wbt archive --no-images --sources "$OUT/sources.txt" -o "$OUT/bag2" -q >"$OUT/s.out" 2>&1; rc=$?
    n=$(find "$OUT/bag2/data" -name '*.pdf' | wc -l)
    [ "$rc" = 0 ] && [ "$n" = 3 ] && pass "web archive: --sources with a URL and a wget WARC -> 3 PDFs" ||
        fail "web archive: --sources (exit $rc, $n PDFs; $(tr '\n' '|' <"$OUT/s.out" | head -c 300))"
    check "web archive: verify the --sources bag" wbt verify "$OUT/bag2"
else
    skip "web archive: --sources with a WARC (wget missing)"
fi
one_line_error "web archive: --offline refuses a feed URL" 1 "feed.rss: refused: --offline" wbt archive --offline -q "$U/feed.rss" -o "$OUT/bag3"
exit 0

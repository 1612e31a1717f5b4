#!/bin/sh
# 71-web-archive.sh - `bantin archive` on web sources (tests/httpd.py on 127.0.0.1): a feed's
# pages archived with their HTTP evidence as WARC/1.1 in the bag, index.json pointing at each
# response record, a re-run that sends only conditional requests and renders nothing, a changed
# page re-rendered alone, permanent and transient failures, --sources with a WARC from wget.
. tests/lib.sh
. tests/e2e/web.inc
have python3 || { skip "web archive tests (python3 missing)"; exit 0; }
S=$OUT/site; mkdir -p "$S/img"
cp "$FIX"/html/pages/vi-*.html "$FIX"/html/pages/sh-*.html "$S/"
cp "$FIX/pdf/tiny.png" "$S/img/a.png"; cp "$FIX/pdf/tiny.jpg" "$S/img/unused.jpg"
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
paras = ''.join(f'<p>Đây là đoạn văn số {i}, đủ dài để được giữ lại trong bài báo thử nghiệm của chúng tôi.</p>' for i in range(6))
open(f'{S}/img.html', 'w', encoding='utf-8').write(f'<html><head><meta charset="utf-8"><title>Ảnh</title></head><body><article>'
    f'<h1>Bài có ảnh</h1>{paras}<figure><img src="/img/a.png" alt="Ảnh một"><figcaption>Chú thích</figcaption></figure>{paras}</article></body></html>')
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
python3 - "$B" <<'PY' && pass "web archive: the bag's WARC holds request/response pairs, redirects and the feed included" || fail "web archive: WARC content"
import glob, gzip, sys
types, uris = [], []
for f in glob.glob(sys.argv[1] + '/data/warc/*.warc.gz'):
    data = gzip.open(f).read()
    for rec in data.split(b'WARC/1.1\r\n')[1:]:
        h = dict(l.split(': ', 1) for l in rec.split(b'\r\n\r\n', 1)[0].decode('utf-8', 'replace').split('\r\n') if ': ' in l)
        types.append(h['WARC-Type']); uris.append(h.get('WARC-Target-URI', ''))
sys.exit(0 if types[0] == 'warcinfo' and types.count('response') == 7 and types.count('request') == 7 and
         any('/redirect/1/' in u for u in uris) and any(u.endswith('/feed.rss') for u in uris) else 1)
PY

# --- a re-run: only conditional requests, nothing rendered, the 404 not asked again ------------
find "$B/data" -name '*.pdf' -printf '%p %T@ %i\n' | sort >"$OUT/before"
: >"$WLOG"
wbt archive --no-images "$U/feed.rss" -o "$B" --jobs 2 >"$OUT/a2.out" 2>&1
find "$B/data" -name '*.pdf' -printf '%p %T@ %i\n' | sort >"$OUT/after"
cmp -s "$OUT/before" "$OUT/after" && pass "web archive: re-run rewrites no PDF" || fail "web archive: re-run rewrote PDFs"
u=$(awk -F'\t' '$1=="GET" && $2 ~ /\.html$/ && $4==0' "$WLOG" | wc -l)
c=$(awk -F'\t' '$1=="GET" && $2 ~ /\.html$/ && $3==304' "$WLOG" | wc -l)
[ "$u" = 0 ] && [ "$c" -ge 4 ] && pass "web archive: re-run sends only conditional GETs ($c answered 304)" ||
    fail "web archive: re-run made $u unconditional page requests, $c 304s"
f=$(awk -F'\t' '$2=="/feed.rss" && $4==1 && $3==304' "$WLOG" | wc -l)
u=$(awk -F'\t' '$4==0 && $2!="/robots.txt" && $2!="/status/500"' "$WLOG" | wc -l)
[ "$f" = 1 ] && [ "$u" = 0 ] && grep -q "5 articles archived (1 parsed now, 6 unchanged)" "$OUT/a2.out" &&
    pass "web archive: the feed itself asked conditionally (304): its items kept from the bag's copy, no other unconditional request" ||
    fail "web archive: feed 304 ($f), $u unconditional requests; $(tr '\n' '|' <"$OUT/a2.out" | head -c 300)"
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

# --- a feed day after day: every answer 304, a new item, an item that drops off ----------------
python3 - "$S" <<'PY'
import sys
S = sys.argv[1]
for n in 'abcd':
    paras = ''.join(f'<p>Bài {n}, đoạn {i}: nội dung đủ dài để được giữ lại trong bài báo thử nghiệm của chúng tôi.</p>' for i in range(5))
    open(f'{S}/d-{n}.html', 'w', encoding='utf-8').write(f'<html><head><meta charset="utf-8"><title>Bài {n}</title></head>'
        f'<body><article><h1>Tin {n}</h1>{paras}</article></body></html>')
x = ''.join(f'<item><title>Tin {n}</title><link>/d-{n}.html</link><pubDate>Sat, 27 May 2023 0{i}:00:00 +0700</pubDate></item>'
            for i, n in enumerate('ab'))
x += '<item><title>Đã gỡ</title><link>/status/410</link></item>'
open(f'{S}/daily.rss', 'w', encoding='utf-8').write(f'<rss version="2.0"><channel><title>Ngày</title>{x}</channel></rss>')
PY
D=$OUT/daily; P1="$U/d-d.html"
wbt archive --no-images "$U/daily.rss" "$P1" -o "$D" -q >"$OUT/d1.out" 2>&1; rc=$?
[ "$rc" = 1 ] && [ "$(find "$D/data" -name '*.pdf' | wc -l)" = 3 ] && grep -q "/status/410: .*HTTP 410 Gone" "$OUT/d1.out" &&
    pass "web archive: a feed and a page URL archived; the feed's item that is gone: exit 1 on the run that finds it" ||
    fail "web archive: daily run 1 (exit $rc; $(tr '\n' '|' <"$OUT/d1.out" | head -c 300))"
cp "$D/bantin-state.jsonl" "$OUT/d-state1"; ls "$D/data/warc" >"$OUT/d-warc1"
: >"$WLOG"
wbt archive --no-images "$U/daily.rss" "$P1" -o "$D" >"$OUT/d2.out" 2>&1; rc=$?
u=$(awk -F'\t' '$4==0 && $2!="/robots.txt"' "$WLOG" | wc -l); n304=$(awk -F'\t' '$3==304' "$WLOG" | wc -l)
[ "$rc" = 0 ] && [ "$u" = 0 ] && [ "$n304" = 4 ] && grep -q "nothing changed" "$OUT/d2.out" && cmp -s "$D/bantin-state.jsonl" "$OUT/d-state1" &&
    ls "$D/data/warc" | cmp -s - "$OUT/d-warc1" && ! grep -q "/status/410" "$WLOG" &&
    pass "web archive: every answer 304 (feed, items, the page once; the 410 not asked): a valid incremental run, nothing written, exit 0" ||
    fail "web archive: all-304 run (exit $rc, $u unconditional, $n304 304s; $(tr '\n' '|' <"$OUT/d2.out" | head -c 300))"
grep -q "0 failed, 1 gone," "$OUT/d2.out" && pass "web archive: the summary counts the item gone in an earlier run apart from failures" ||
    fail "web archive: summary of gone items ($(tail -1 "$OUT/d2.out"))"
[ "$(grep -c "	/d-d.html	" "$WLOG")" = 1 ] && pass "web archive: a page given as a source is asked once per re-run" ||
    fail "web archive: the page URL was asked $(grep -c "	/d-d.html	" "$WLOG") times"
check "web archive: verify after the all-304 run" wbt verify "$D"
wbt archive --no-images --strict -q "$U/daily.rss" "$P1" -o "$D" >"$OUT/d2s.out" 2>&1; rc=$?
[ "$rc" = 1 ] && pass "web archive: --strict: an item gone in an earlier run keeps the exit status at 1" || fail "web archive: --strict (exit $rc)"
python3 - "$S" <<'PY'
import sys
S = sys.argv[1]
x = ''.join(f'<item><title>Tin {n}</title><link>/d-{n}.html</link><pubDate>Sat, 27 May 2023 0{i}:00:00 +0700</pubDate></item>'
            for i, n in enumerate('bc'))
open(f'{S}/daily.rss', 'w', encoding='utf-8').write(f'<rss version="2.0"><channel><title>Ngày</title>{x}</channel></rss>')
PY
: >"$WLOG"
wbt archive --no-images "$U/daily.rss" "$P1" -o "$D" >"$OUT/d3.out" 2>&1; rc=$?
[ "$rc" = 0 ] && grep -q "	/daily.rss	200	1" "$WLOG" && grep -q "	/d-c.html	200	0" "$WLOG" && ! grep -q "	/d-a.html	" "$WLOG" &&
    grep -q "4 articles archived (1 parsed now, 2 unchanged).*1 with their source removed" "$OUT/d3.out" &&
    pass "web archive: a changed feed: the new item fetched, the one that dropped off kept (source removed)" ||
    fail "web archive: changed feed (exit $rc; $(tr '\n' '|' <"$OUT/d3.out" | head -c 300))"
python3 - "$D" <<'PY' && pass "web archive: the month's digest keeps the item that dropped off the feed (read from the bag's WARC)" || fail "web archive: digest after an item dropped off"
import glob, re, sys, zipfile
heads = []
for f in glob.glob(sys.argv[1] + '/data/digests/*.epub'):
    z = zipfile.ZipFile(f)
    heads += [re.search(r'<h1[^>]*>(.*?)</h1>', z.read(n).decode(), re.S).group(1) for n in z.namelist() if re.search(r'/a\d+\.xhtml$', n)]
sys.exit(0 if sorted(h for h in heads if h.startswith('Tin ')) == ['Tin a', 'Tin b', 'Tin c', 'Tin d'] else 1)
PY
python3 - "$D" <<'PY' && pass "web archive: the changed feed's new body is kept in this run's WARC, the state points at it" || fail "web archive: feed evidence"
import glob, gzip, json, sys, zlib
D = sys.argv[1]
feeds = [json.loads(l) for l in open(D + '/bantin-state.jsonl') if '"kind":"feed"' in l]
f = feeds[0] if len(feeds) == 1 else sys.exit(1)
raw = open(f"{D}/data/{f['warc_file']}", 'rb').read()
rec = zlib.decompressobj(31).decompress(raw[f['warc_offset']:])
sys.exit(0 if f['url'].endswith('/daily.rss') and f['warc_record_id'].encode() in rec and b'/d-c.html' in rec and f.get('etag') else 1)
PY
check "web archive: verify after the changed feed" wbt verify "$D"
# the site loses pages: one gone (410), the page URL given as a source gone (404), one in
# trouble (500): every archived copy stays, the gone ones marked as removed from their source
mkdir -p "$S/_status"; echo 410 >"$S/_status/d-b.html"; echo 404 >"$S/_status/d-d.html"; echo 500 >"$S/_status/d-c.html"
ls "$D"/data/articles/*/*/*.pdf | sort >"$OUT/d-pdfs4"
wbt archive --no-images -v "$U/daily.rss" "$P1" -o "$D" >"$OUT/d4.out" 2>&1; rc=$?
[ "$rc" = 0 ] && ls "$D"/data/articles/*/*/*.pdf | sort | cmp -s - "$OUT/d-pdfs4" &&
    grep -q "d-b.html: warning: gone from the site (HTTP 410 Gone): the archived copy stays" "$OUT/d4.out" &&
    grep -q "d-d.html: warning: gone from the site (HTTP 404 Not Found): the archived copy stays" "$OUT/d4.out" &&
    grep -q "d-c.html: warning: cannot be checked (HTTP 500 Internal Server Error): the archived copy stays" "$OUT/d4.out" &&
    grep -q "4 articles archived (0 parsed now, 1 unchanged), 0 failed, 0 duplicates, 0 filtered out, 3 with their source removed" "$OUT/d4.out" &&
    pass "web archive: pages gone from the site (410, 404) or failing (500) keep their archived copies (exit 0)" ||
    fail "web archive: lost pages (exit $rc; $(tr '\n' '|' <"$OUT/d4.out" | head -c 600))"
python3 - "$D" <<'PY' && pass "web archive: index.json marks the gone pages as removed from their source" || fail "web archive: removed marks"
import json, sys
idx = json.load(open(sys.argv[1] + '/data/index.json'))['articles']
rm = sorted(a['source']['path'].rsplit('/', 1)[1] for a in idx if a['source'].get('removed'))
sys.exit(0 if rm == ['d-a.html', 'd-b.html', 'd-d.html'] and all(a['status'] == 'ok' for a in idx) else 1)
PY
check "web archive: verify after pages went away" wbt verify "$D"
rm -r "$S/_status"
wbt archive --no-images "$U/daily.rss" "$P1" -o "$D" >"$OUT/d5.out" 2>&1; rc=$?
[ "$rc" = 0 ] && grep -q "4 articles archived (0 parsed now, 3 unchanged).* 1 with their source removed" "$OUT/d5.out" &&
    pass "web archive: pages that come back are no longer marked removed" || fail "web archive: pages back (exit $rc; $(tail -1 "$OUT/d5.out"))"

# --- --sources: a feed, a page, a WARC written by wget, comments ---------------------------------
# The articles taken from the crawl carry their evidence into the bag: the page's response, the
# request concurrent to it, the crawl's warcinfo and the records of the image used are copied as
# they are, and index.json points at the copies; the crawl can then go away.
if have wget; then
    (cd "$OUT" && timeout 60 wget -q --warc-file=crawl -O /dev/null "$U/sh-0ec95c7261d1.html" "$U/vi-genk-apple-qua-tang-sinh-vien.html" \
        "$U/img.html" "$U/img/a.png" "$U/img/unused.jpg" 2>/dev/null)
    printf '# sources of the test\n%s/vi-vnexpress-2022-02-13-thoi-su.html\n\n  %s  # a crawl\n' "$U" "$OUT/crawl.warc.gz" >"$OUT/sources.txt"
    wbt archive --sources "$OUT/sources.txt" -o "$OUT/bag2" -q >"$OUT/s.out" 2>&1; rc=$?
    n=$(find "$OUT/bag2/data" -name '*.pdf' | wc -l)
    [ "$rc" = 0 ] && [ "$n" = 4 ] && pass "web archive: --sources with a URL and a wget WARC -> 4 PDFs" ||
        fail "web archive: --sources (exit $rc, $n PDFs; $(tr '\n' '|' <"$OUT/s.out" | head -c 300))"
    check "web archive: verify the --sources bag" wbt verify "$OUT/bag2"
    python3 - "$OUT/bag2" "$OUT/crawl.warc.gz" <<'PY' && pass "web archive: a crawl's records copied into the bag (response, request, warcinfo, image), index.json points at the copies" || fail "web archive: crawl evidence in the bag"
import glob, gzip, io, json, sys, zlib
B, crawl = sys.argv[1:3]
def records(data):
    out, i = [], 0
    while i < len(data):
        end = data.index(b'\r\n\r\n', i)
        head = data[i:end].decode()
        h = {}
        for l in head.split('\r\n')[1:]:
            k, v = l.split(': ', 1); h.setdefault(k, []).append(v)
        n = int(h['Content-Length'][0]); blk = data[end + 4:end + 4 + n]
        out.append((h, blk)); i = end + 4 + n + 4
    return out
one = lambda h, k: h.get(k, [None])[0]
src = records(gzip.open(crawl).read())
byid = {one(h, 'WARC-Record-ID'): (h, b) for h, b in src}
copies = []
for f in sorted(glob.glob(B + '/data/warc/*.warc.gz')):
    copies += records(gzip.open(f).read())
got = {one(h, 'WARC-Record-ID'): (h, b) for h, b in copies}
idx = json.load(open(B + '/data/index.json'))['articles']
warc_arts = [a for a in idx if a.get('source', {}).get('origin') == 'warc' or '#' in str(a.get('source', {}).get('path', ''))]
if len(warc_arts) != 3: print('crawl articles', len(warc_arts), [a.get('source') for a in idx]); sys.exit(1)
want = set()
for a in warc_arts:
    w = a['warc']
    if not w['file'].startswith('warc/'): print('outside the bag', w); sys.exit(1)
    raw = open(f"{B}/data/{w['file']}", 'rb').read()
    h, blk = records(zlib.decompressobj(31).decompress(raw[w['offset']:]))[0]
    rid = one(h, 'WARC-Record-ID')
    if rid != w['record_id'] or rid not in byid or byid[rid][1] != blk or one(h, 'WARC-Type') != 'response':
        print('not the crawl record', w); sys.exit(1)
    want.add(rid); want.update(one(byid[rid][0], 'WARC-Concurrent-To') and byid[rid][0]['WARC-Concurrent-To'] or [])
    want.add(one(h, 'WARC-Warcinfo-ID'))
uri = {one(h, 'WARC-Target-URI').strip('<>'): one(h, 'WARC-Record-ID') for h, b in src if one(h, 'WARC-Type') == 'response'}
img = [u for u in uri if u.endswith('/img/a.png')][0]
req = [one(h, 'WARC-Record-ID') for h, b in src if one(h, 'WARC-Type') == 'request' and one(h, 'WARC-Target-URI').strip('<>') == img]
want.add(uri[img]); want.update(req)
missing = [r for r in want if r not in got or got[r][1] != byid[r][1]]
unused = [u for u in uri if u.endswith('unused.jpg')][0]
if missing or uri[unused] in got: print('missing', missing, 'unused copied', uri[unused] in got); sys.exit(1)
PY
    wbt parse --json "$OUT"/bag2/data/warc/*.warc.gz >"$OUT/copies.json" 2>/dev/null
    python3 - "$OUT/copies.json" <<'PY' && pass "web archive: our WARC reader reads the copies back (the page's image from the bag)" || fail "web archive: copies not readable"
import json, sys
j = [json.loads(l) for l in open(sys.argv[1])]
img = [x for x in j if x['title'] == 'Bài có ảnh']
sys.exit(0 if len(j) == 4 and img and [b['text'] for b in img[0]['blocks'] if b['type'] == 'image'] == ['Ảnh một'] else 1)
PY
    # the crawl goes away; the digests are rebuilt from the bag's own copies
    mv "$OUT/crawl.warc.gz" "$OUT/crawl-gone.warc.gz"
    rm -f "$OUT"/bag2/data/digests/*.epub
    printf '%s/vi-vnexpress-2022-02-13-thoi-su.html\n' "$U" >"$OUT/sources2.txt"
    wbt archive --sources "$OUT/sources2.txt" -o "$OUT/bag2" -q >"$OUT/s2.out" 2>&1; rc=$?
    n=$(for e in "$OUT"/bag2/data/digests/*.epub; do unzip -l "$e" | grep -c '/a[0-9]*\.xhtml'; done | awk '{s += $1} END {print s + 0}')
    [ "$rc" = 0 ] && [ "$n" = 4 ] && pass "web archive: with the crawl gone, digests rebuilt from the bag's copies (4 articles)" ||
        fail "web archive: digests without the crawl (exit $rc, $n articles; $(tr '\n' '|' <"$OUT/s2.out" | head -c 300))"
    check "web archive: verify after the crawl is gone" wbt verify "$OUT/bag2"
    # a crawl holding a feed: its items' fields fill the pages (through the crawl's redirects), and
    # the feed's records and the redirects' records are copied into the bag with the page
    python3 - "$S" <<'PY'
import sys
S = sys.argv[1]
open(f'{S}/crawlfeed.rss', 'w', encoding='utf-8').write(
    '<rss version="2.0"><channel><title>Kênh của crawl</title>'
    '<item><title>Ảnh</title><link>/redirect/2/img.html</link><pubDate>Sun, 28 May 2023 09:30:00 +0700</pubDate>'
    '<category>Ảnh thời sự</category><author>Phóng viên crawl</author><description>Lời dẫn của feed</description></item></channel></rss>')
PY
    (cd "$OUT" && timeout 60 wget -q --warc-file=fcrawl -O /dev/null "$U/crawlfeed.rss" "$U/redirect/2/img.html" "$U/img/a.png" 2>/dev/null)
    wbt archive "$OUT/fcrawl.warc.gz" -o "$OUT/bag4" -q >"$OUT/f4.out" 2>&1; rc=$?
    python3 - "$OUT/bag4" "$OUT/fcrawl.warc.gz" "$S/img.html" <<'PY' && [ "$rc" = 0 ] && pass "web archive: a crawl's feed fills its page's fields; the feed's and the redirects' records are copied into the bag with the page" || fail "web archive: crawl with a feed (exit $rc; $(tr '\n' '|' <"$OUT/f4.out" | head -c 300))"
import glob, gzip, json, sys
B, crawl, page = sys.argv[1:4]
def records(data):
    out, i = [], 0
    while i < len(data):
        end = data.index(b'\r\n\r\n', i)
        h = dict(l.split(': ', 1) for l in data[i:end].decode().split('\r\n')[1:])
        n = int(h['Content-Length']); out.append((h, data[end + 4:end + 4 + n])); i = end + 4 + n + 4
    return out
src = records(gzip.open(crawl).read())
got = {}
for f in glob.glob(B + '/data/warc/*.warc.gz'):
    got.update({h['WARC-Record-ID']: b for h, b in records(gzip.open(f).read())})
want = [h['WARC-Record-ID'] for h, b in src if h['WARC-Type'] in ('request', 'response') and
        any(h['WARC-Target-URI'].strip('<>').endswith(p) for p in ('/crawlfeed.rss', '/redirect/2/img.html', '/redirect/1/img.html', '/img.html', '/img/a.png'))]
byid = {h['WARC-Record-ID']: b for h, b in src}
idx = json.load(open(B + '/data/index.json'))['articles']
a = idx[0] if len(idx) == 1 else {}
ok = len(want) == 10 and all(r in got and got[r] == byid[r] for r in want) and a.get('date') == '2023-05-28T09:30:00+07:00' and \
     a.get('category') == 'Ảnh thời sự' and a.get('author') == 'Phóng viên crawl' and a['source']['size'] == len(open(page, 'rb').read())
if not ok: print(len(want), [r in got for r in want], {k: a.get(k) for k in ('date', 'category', 'author', 'source')})
sys.exit(0 if ok else 1)
PY
    check "web archive: verify the bag of a crawl with a feed" wbt verify "$OUT/bag4"
    # the digests reload pages from the bag's WARC: the lead the feed gave stays (crawl and web)
    wbt archive --no-images -q "$U/crawlfeed.rss" -o "$OUT/bag8" >/dev/null 2>&1
    [ "$(cat "$OUT"/bag4/data/digests/*.epub | wc -c)" -gt 0 ] && for e in "$OUT"/bag4/data/digests/*.epub "$OUT"/bag8/data/digests/*.epub; do
        unzip -p "$e" 2>/dev/null | grep -q "Lời dẫn của feed" || echo "$e"; done >"$OUT/nolead" &&
        [ ! -s "$OUT/nolead" ] && [ "$(ls "$OUT"/bag8/data/digests/*.epub | wc -l)" = 1 ] &&
        pass "web archive: a digest keeps the lead a feed gave a page (a crawl's feed and a fetched one)" ||
        fail "web archive: feed lead lost in the digests: $(cat "$OUT/nolead" 2>/dev/null | tr '\n' ' ')"
else
    skip "web archive: --sources with a WARC (wget missing)"
fi
one_line_error "web archive: --offline refuses a feed URL" 1 "feed.rss: refused: --offline" wbt archive --offline -q "$U/feed.rss" -o "$OUT/bag3"
# the filters work on web sources as on files: dates (the page's, else the feed item's) and the
# category (accents and case ignored)
wbt archive --no-images -q "$U/feed.rss" -o "$OUT/bag6" --since 2018-01-01 --until 2019-12-31 >"$OUT/f6.out" 2>&1
n6=$(find "$OUT/bag6/data" -name '*.pdf' -printf '%f\n' | sort | tr '\n' ' ')
wbt archive --no-images "$U/feed.rss" -o "$OUT/bag7" --category "giao thong" >"$OUT/f7.out" 2>&1
n7=$(find "$OUT/bag7/data" -name '*.pdf' -printf '%f\n' | tr '\n' ' ')
case "$n6" in 2018-10-11-*.pdf\ 2019-11-20-*.pdf\ ) ok6=1 ;; *) ok6=0 ;; esac
[ "$ok6" = 1 ] && case "$n7" in 2022-02-13-*.pdf\ ) true ;; *) false ;; esac && grep -q "4 filtered out" "$OUT/f7.out" &&
    pass "web archive: --since/--until and --category filter a feed's articles" ||
    fail "web archive: filters on a feed (since/until: $n6; category: $n7; $(tail -1 "$OUT/f7.out"))"
# gzip files that are no WARC among the sources: a gzip of text, gzip data cut in its header;
# each a failed entry named with its reason, the others archived, the bag valid (exit 1)
echo "chỉ là văn bản" | gzip >"$OUT/plain.txt.gz"; printf '\037\213\010\000garbage' >"$OUT/garbage.gz"
wbt archive -q "$OUT/plain.txt.gz" "$OUT/garbage.gz" "$S/sh-e372e42c0a3d.html" -o "$OUT/bag5" >"$OUT/g5.out" 2>&1; rc=$?
[ "$rc" = 1 ] && grep -q "plain.txt.gz: .*looks like a gzip file" "$OUT/g5.out" && grep -q "garbage.gz: at offset 0: gzip data cut short" "$OUT/g5.out" &&
    [ "$(find "$OUT/bag5/data" -name '*.pdf' | wc -l)" = 1 ] && wbt verify "$OUT/bag5" >/dev/null 2>&1 &&
    pass "web archive: a gzip file that is no WARC and a broken gzip: failed entries named with the reason, the rest archived (exit 1)" ||
    fail "web archive: gzip sources (exit $rc; $(tr '\n' '|' <"$OUT/g5.out" | head -c 300))"
exit 0

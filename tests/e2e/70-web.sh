#!/bin/sh
# 70-web.sh - web sources for parse, pdf and epub against the tests' own server on 127.0.0.1:
# pages read exactly as from disk (plain, gzip, deflate, br, chunked, redirected), the HTTP
# header's charset, feeds and sitemaps (order, titles, metadata filling, robots.txt), images of a
# fetched page, WARC files written by wget, and every failure class with a one-line message.
. tests/lib.sh
. tests/e2e/web.inc
have python3 || { skip "web tests (python3 missing)"; exit 0; }
S=$OUT/site; mkdir -p "$S/img" "$S/private"
cp "$FIX"/html/pages/*.html "$S/"
cp "$FIX/pdf/tiny.png" "$S/img/a.png"; cp "$FIX/pdf/tiny.jpg" "$S/img/b.jpg"
cp "$FIX/pdf/tiny.jpg" "$S/doc.pdf.jpg"
printf '%%PDF-1.4\n%% not an article\n' >"$S/doc.pdf"
printf 'this is not XML at all\n' >"$S/notxml.txt"
web_start "$S" || { fail "web: the test server did not start ($(head -c 200 "$OUT/httpd.err"))"; exit 0; }

# pages written for these tests: images, a page without a date (the feed gives it), charsets
python3 - "$S" "$U" "$FIX/html/encoding/vi-utf-8.txt" <<'PY'
import sys
S, U, vi = sys.argv[1:4]
body = open(vi, encoding='utf-8').read().strip()
paras = ''.join(f'<p>{l.strip()} Đây là đoạn văn đủ dài để được giữ lại trong bài báo thử nghiệm.</p>' for l in body.splitlines() if l.strip())
def w(name, html, enc='utf-8'):
    open(f'{S}/{name}', 'wb').write(html.encode(enc))
w('img.html', f'<html><head><meta charset="utf-8"><title>Ảnh</title></head><body><article><h1>Bài có ảnh</h1>{paras}'
  f'<figure><img src="/img/a.png" alt="Ảnh một"><figcaption>Chú thích một</figcaption></figure>'
  f'<figure><img src="{U}/img/b.jpg" alt="Ảnh hai"></figure><img src="/img/missing.png" alt="x">'
  f'<img src="/notxml.txt" alt="y"><img src="ftp://127.0.0.1/x.png" alt="z">{paras}</article></body></html>')
w('nodate.html', f'<html><head><title>Không ngày</title></head><body><article><h1>Bài không có ngày</h1>{paras}</article></body></html>')
# (converted to windows-1258 by iconv below: python's codec does not decompose tone marks)
w('h1258-utf8.html', f'<html><head><title>Mã</title></head><body><article><h1>Tiếng Việt có dấu</h1>{paras}</article></body></html>')
items = ['/nodate.html', '/vi-vnexpress-2022-02-13-thoi-su.html', '/private/secret.html', '/redirect/2/sh-0ec95c7261d1.html', '/status/404']
x = ''.join(f'<item><title>Bài {i}</title><link>{p}</link><pubDate>Sat, 27 May 2023 0{i}:00:00 +0700</pubDate>'
            f'<category>Thử nghiệm</category><author>Phóng viên {i}</author><description>Tóm tắt {i}</description></item>' for i, p in enumerate(items))
x += '<item><title>Không có link</title></item>'
w('feed.rss', f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin thử nghiệm</title><link>{U}/</link>{x}</channel></rss>')
w('sitemap.xml', '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
  '<url><loc>/nodate.html</loc></url><url><loc>/sh-c82b3d1d540b.html</loc></url></urlset>')
w('index.xml', '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
  '<sitemap><loc>/sitemap.xml</loc></sitemap><sitemap><loc>/gz/sitemap.xml</loc></sitemap></sitemapindex>')
w('robots.txt', 'User-agent: *\nDisallow: /private/\n')
w('private/secret.html', f'<html><body><article><h1>Bí mật</h1>{paras}</article></body></html>')
PY
iconv -f utf-8 -t cp1258 "$S/h1258-utf8.html" >"$S/h1258.html" && cp "$S/h1258.html" "$S/undeclared1258.html" ||
    fail "web: iconv cannot write windows-1258"

# --- pages: the same article as from disk -------------------------------------------------
same_json() { # URL FILE : parse --json of both agree (source_url aside when the page has none)
    wbt parse --json --no-images "$1" >"$OUT/u.json" 2>/dev/null && wbt parse --json "$2" >"$OUT/f.json" 2>/dev/null &&
    python3 - "$OUT/u.json" "$OUT/f.json" <<'PY'
import json, sys
u, f = (json.load(open(p)) for p in sys.argv[1:3])
if f.get('source_url') is None: u['source_url'] = None
drop = lambda d: [b for b in d['blocks'] if b['type'] != 'image']
u['blocks'], f['blocks'] = drop(u), drop(f)
sys.exit(0 if u == f else 1)
PY
}
n=0; ok=0; bad=""
for f in "$FIX"/html/pages/*.html; do
    b=$(basename "$f"); n=$((n + 1))
    if same_json "$U/$b" "$f"; then ok=$((ok + 1)); else bad="$bad $b"; fi
done
[ "$ok" = "$n" ] && pass "web: $n pages read from the server exactly as from disk" || fail "web: pages differ from disk:$bad"
f=$FIX/html/pages/vi-vnexpress-2022-02-13-thoi-su.html; b=$(basename "$f")
for m in gz deflate br chunked redirect/3; do
    if [ "$m" = br ] && ! python3 -c 'import brotli' 2>/dev/null && ! have brotli; then
        skip "web: br body (no brotli encoder for the test server: install the brotli package)"; continue
    fi
    check "web: $m body gives the same article" same_json "$U/$m/$b" "$f"
done
grep "	/$b	" "$WLOG" | head -1 | grep -q "	bantin/" && pass "web: default User-Agent names bantin" || fail "web: default User-Agent"
wbt parse --json --no-images --user-agent "Thu-vien/1.0 (luu tru)" "$U/$b" >/dev/null 2>&1
grep -q "	Thu-vien/1.0 (luu tru)	" "$WLOG" && pass "web: --user-agent" || fail "web: --user-agent not sent"

# --- the HTTP header's charset ------------------------------------------------------------
wbt parse --json "$U/h/windows-1258/h1258.html" >"$OUT/h.json" 2>"$OUT/h.err"
wbt parse --json "$S/h1258-utf8.html" >"$OUT/h8.json" 2>/dev/null
python3 - "$OUT/h.json" "$OUT/h8.json" <<'PY' && pass "web: windows-1258 named only by the HTTP header: text exact" || fail "web: header charset ($(cat "$OUT/h.err"))"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if a['title'] == b['title'] and a['blocks'] == b['blocks'] and 'Tiếng Việt có dấu' in a['title'] + str(a['blocks']) else 1)
PY
wbt parse --json "$U/undeclared1258.html" >"$OUT/u1258.json" 2>"$OUT/u1258.err"; rc=$?
python3 - "$OUT/u1258.json" "$OUT/h8.json" <<'PY' && pass "web: a page in an undeclared legacy charset is detected (exit $rc)" || fail "web: undeclared windows-1258 ($(cat "$OUT/u1258.err"))"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if a['blocks'] == b['blocks'] else 1)
PY
# the precedence: a BOM beats the header, the header beats the page's own (wrong) declaration
python3 - "$S" <<'PY'
import sys
S = sys.argv[1]
t = ('<html><head><title>Mã</title>{meta}</head><body><article><h1>Tiếng Việt có dấu: Hà Nội, Đà Nẵng</h1>'
     '<p>Người dân đã trở về quê hương sau những ngày làm việc vất vả ở thành phố lớn, mang theo nhiều quà.</p>'
     '<p>Đây là đoạn văn thứ hai để bài báo đủ dài, được giữ lại trong bài báo thử nghiệm của chúng tôi.</p></article></body></html>')
open(f'{S}/prec-ref.html', 'wb').write(t.format(meta='').encode())
open(f'{S}/prec-bom.html', 'wb').write(b'\xef\xbb\xbf' + t.format(meta='<meta charset="windows-1258">').encode())
open(f'{S}/prec-meta-utf8.html', 'wb').write(t.format(meta='<meta charset="utf-8">').encode())
PY
iconv -f utf-8 -t cp1258 "$S/prec-meta-utf8.html" >"$S/prec-wrongmeta.html"
wbt parse --json "$S/prec-ref.html" >"$OUT/prec-ref.json" 2>/dev/null
for c in "bom:a UTF-8 BOM beats a windows-1258 header (and meta)" "wrongmeta:the header's windows-1258 beats a wrong <meta charset=utf-8>"; do
    f=${c%%:*}; what=${c#*:}
    wbt parse --json "$U/h/windows-1258/prec-$f.html" >"$OUT/prec-$f.json" 2>"$OUT/prec-$f.err"
    python3 - "$OUT/prec-$f.json" "$OUT/prec-ref.json" <<'PY' && pass "web: charset precedence: $what" || fail "web: charset precedence: $what ($(head -c 200 "$OUT/prec-$f.err"))"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if a['title'] == b['title'] and a['blocks'] == b['blocks'] and 'Đà Nẵng' in a['title'] else 1)
PY
done

# --- images of a fetched page --------------------------------------------------------------
wbt parse --json "$U/img.html" >"$OUT/img.json" 2>"$OUT/img.err"; rc=$?
python3 - "$OUT/img.json" <<'PY' && [ "$rc" = 0 ] && pass "web: a page's images fetched (relative and absolute URL)" || fail "web: images (exit $rc; $(tr '\n' '|' <"$OUT/img.err" | head -c 300))"
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if [b['text'] for b in j['blocks'] if b['type'] == 'image'] == ['Ảnh một', 'Ảnh hai'] else 1)
PY
grep -q "missing.png.*404" "$OUT/img.err" && grep -q "notxml.txt.*not an image" "$OUT/img.err" && grep -q "ftp://.*only http and https" "$OUT/img.err" &&
    pass "web: image failures are warnings naming the image" || fail "web: image warnings ($(tr '\n' '|' <"$OUT/img.err" | head -c 400))"
wbt pdf "$U/img.html" -o "$OUT/img.pdf" 2>/dev/null && have pdfimages && [ "$(pdfimages -list "$OUT/img.pdf" 2>/dev/null | tail -n +3 | wc -l)" -ge 2 ] &&
    pass "web: pdf URL embeds the fetched images" || fail "web: pdf URL with images"

# the count cap: 55 images on a page, 50 fetched, one warning for the rest
python3 - "$S" <<'PY'
import sys
S = sys.argv[1]
paras = ''.join(f'<p>Đoạn {i}: nội dung đủ dài để được giữ lại trong bài báo thử nghiệm của chúng tôi hôm nay.</p>' for i in range(4))
imgs = ''.join(f'<figure><img src="/img/a.png?n={i}" alt="Ảnh {i}"></figure>' for i in range(55))
open(f'{S}/many.html', 'w', encoding='utf-8').write(f'<html><head><meta charset="utf-8"><title>Nhiều ảnh</title></head>'
                                                     f'<body><article><h1>Nhiều ảnh</h1>{paras}{imgs}{paras}</article></body></html>')
PY
wbt parse --json "$U/many.html" >"$OUT/many.json" 2>"$OUT/many.err"; rc=$?
n=$(grep -c "	/img/a.png?n=" "$WLOG")
[ "$rc" = 0 ] && [ "$n" = 50 ] && [ "$(grep -c "more than 50 images: the rest are not loaded" "$OUT/many.err")" = 1 ] &&
    pass "web: a page's images are capped at 50 (one warning, the rest never asked)" ||
    fail "web: image count cap (exit $rc, $n asked; $(tr '\n' '|' <"$OUT/many.err" | head -c 300))"
# --- pdf URL, epub FEED ----------------------------------------------------------------------
(cd "$OUT" && BANTIN=$BANTIN_ABS wbt pdf --no-images "$U/$b" 2>/dev/null) && [ -s "$OUT/vi-vnexpress-2022-02-13-thoi-su.pdf" ] &&
    pass "web: pdf URL without -o names the PDF after the URL" || fail "web: pdf URL default name"
if have pdftotext; then
    pdftotext "$OUT/vi-vnexpress-2022-02-13-thoi-su.pdf" - 2>/dev/null | grep -q "Cục Hàng không Việt Nam" &&
        pass "web: the PDF of a URL has the article's text" || fail "web: PDF text"
fi
wbt epub --no-images "$U/feed.rss" -o "$OUT/feed.epub" 2>"$OUT/feed.err"; rc=$?
python3 - "$OUT/feed.epub" <<'PY' && [ "$rc" = 1 ] && pass "web: epub FEED: digest titled like the feed, items in feed order, robots.txt and 404 reported (exit 1)" || fail "web: epub FEED (exit $rc; $(tr '\n' '|' <"$OUT/feed.err" | head -c 400))"
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
opf = z.read([n for n in z.namelist() if n.endswith('.opf')][0]).decode()
title = re.search(r'<dc:title[^>]*>([^<]*)', opf).group(1)
arts = sorted(n for n in z.namelist() if re.search(r'/a\d+\.xhtml$', n))
heads = [re.search(r'<h1[^>]*>(.*?)</h1>', z.read(n).decode(), re.S).group(1) for n in arts]
ok = title == 'Tin thử nghiệm' and len(arts) == 3 and 'Bài không có ngày' in heads[0] and 'mở lại' in heads[1] and '엘제이' in heads[2]
sys.exit(0 if ok else 1)
PY
grep -q "private/secret.html: skipped: disallowed by the site's robots.txt" "$OUT/feed.err" && grep -q "status/404: HTTP 404 Not Found" "$OUT/feed.err" &&
    grep -q "1 item without a link left out" "$OUT/feed.err" && pass "web: feed problems named one line each" || fail "web: feed messages ($(tr '\n' '|' <"$OUT/feed.err" | head -c 400))"
wbt parse --json --no-images "$U/feed.rss" 2>/dev/null | python3 -c '
import json, sys
j = [json.loads(l) for l in sys.stdin]
nd = [x for x in j if x["title"] == "Bài không có ngày"][0]
sys.exit(0 if len(j) == 3 and nd["published"] == "2023-05-27T00:00:00+07:00" and nd["author"] == "Phóng viên 0" and nd["category"] == "Thử nghiệm" and nd["lead"] == "Tóm tắt 0" else 1)' &&
    pass "web: feed item fields fill what the page lacks" || fail "web: feed metadata filling"
n=$(wbt parse --json --no-images --ignore-robots "$U/feed.rss" 2>/dev/null | wc -l)
[ "$n" = 4 ] && pass "web: --ignore-robots" || fail "web: --ignore-robots gave $n articles"
n=$(wbt parse --json --no-images "$U/index.xml" 2>/dev/null | wc -l)
[ "$n" = 2 ] && pass "web: sitemap index -> sitemaps (one gzip-encoded) -> 2 articles, no duplicates" || fail "web: sitemap index gave $n"
wbt parse --json --no-images "$U/once429/nodate.html" >/dev/null 2>&1 && grep -q "	/once429/nodate.html	429	" "$WLOG" &&
    pass "web: 429 with Retry-After waited for and retried" || fail "web: 429 retry"

# --- failures: one line naming the URL and the reason; non-zero exit --------------------------
one_line_error "web: DNS failure" 3 "aaaa.*\.invalid/: cannot resolve the host name" wbt parse "http://$(printf 'a%.0s' $(seq 70)).invalid/"
P=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
one_line_error "web: connection refused" 3 "127.0.0.1:$P/x: connection refused" wbt parse "http://127.0.0.1:$P/x"
one_line_error "web: timeout (slow drip)" 3 "/slow: timed out" wbt parse --timeout 2 "$U/slow"
one_line_error "web: TLS failure" 3 "https://127.0.0.1.*: TLS failure" wbt parse "https://127.0.0.1:${U##*:}/x"
one_line_error "web: 404" 3 "/status/404: HTTP 404 Not Found" wbt parse "$U/status/404"
one_line_error "web: 410" 3 "/status/410: HTTP 410 Gone" wbt parse "$U/status/410"
one_line_error "web: 500" 3 "/status/500: HTTP 500" wbt parse "$U/status/500"
one_line_error "web: 429 with a long Retry-After" 3 "/status/429\?after=7200: HTTP 429 Too Many Requests \(Retry-After: 7200\)" wbt parse "$U/status/429?after=7200"
one_line_error "web: connection reset" 3 "/reset: (connection broken|the server closed)" wbt parse "$U/reset"
one_line_error "web: body cut short" 3 "/cut/$b: body cut short" wbt parse "$U/cut/$b"
one_line_error "web: body over the cap" 3 "$b: response larger than 1024 bytes" wbt parse --max-input 1K "$U/$b"
one_line_error "web: gzip bomb" 3 "/bomb: decoded body larger than 1048576 bytes" wbt parse --max-input 1M "$U/bomb"
one_line_error "web: redirect loop" 3 "/loop: redirect loop" wbt parse "$U/loop"
one_line_error "web: too many redirects" 3 "more than 10 redirects" wbt parse "$U/redirect/11/$b"
one_line_error "web: redirect to ftp" 3 "non-http\(s\) URL refused" wbt parse "$U/to?u=ftp://127.0.0.1/x"
one_line_error "web: feed that is not XML" 3 "notxml.txt: not XML" wbt parse "$U/ct/application%2Frss%2Bxml/notxml.txt"
one_line_error "web: PDF where a page was expected" 3 "doc.pdf: not an article, feed or sitemap: looks like a PDF file" wbt parse "$U/ct/text%2Fhtml/doc.pdf"
one_line_error "web: image where a page was expected" 3 "b.jpg: not an article, feed or sitemap: looks like an image" wbt pdf "$U/img/b.jpg" -o "$OUT/never.pdf"
[ -e "$OUT/never.pdf" ] && fail "web: a failed fetch left a PDF behind" || pass "web: nothing written on failure"
one_line_error "web: --offline refuses URLs" 3 "refused: --offline" wbt parse --offline "$U/$b"
one_line_error "web: other URL schemes refused" 3 "ftp://x/y: unsupported URL scheme" wbt parse "ftp://x/y"
wbt parse --no-images "$U/$b" "$U/status/404" >/dev/null 2>"$OUT/batch.err"; rc=$?
[ "$rc" = 1 ] && pass "web: one failure does not stop the others (exit 1)" || fail "web: batch exit $rc"

# --- WARC files as sources (written by wget) ---------------------------------------------------
if have wget; then
    (cd "$OUT" && timeout 60 wget -q --warc-file=crawl -O /dev/null "$U/img.html" "$U/img/a.png" "$U/img/b.jpg" \
        "$U/gz/nodate.html" "$U/doc.pdf" "$U/status/404" 2>/dev/null)
    wbt parse --json -v "$OUT/crawl.warc.gz" >"$OUT/warc.json" 2>"$OUT/warc.err"; rc=$?
    python3 - "$OUT/warc.json" <<'PY' && [ "$rc" = 0 ] && pass "web: a wget WARC as a source: 2 pages, the images from the same WARC" || fail "web: WARC source (exit $rc; $(tr '\n' '|' <"$OUT/warc.err" | head -c 300))"
import json, sys
j = [json.loads(l) for l in open(sys.argv[1])]
imgs = [b['text'] for b in j[0]['blocks'] if b['type'] == 'image'] if j else []
sys.exit(0 if len(j) == 2 and imgs == ['Ảnh một', 'Ảnh hai'] and j[1]['title'] == 'Bài không có ngày' else 1)
PY
    grep -q "WARC records skipped" "$OUT/warc.err" && pass "web: skipped WARC records counted" || fail "web: WARC skip count"
    # a revisit record (wget --warc-dedup: the page had not changed since an earlier crawl) is
    # skipped and counted, named with its file
    (cd "$OUT" && timeout 60 wget -q --warc-file=dd1 --warc-cdx -O /dev/null "$U/nodate.html" 2>/dev/null &&
        timeout 60 wget -q --warc-file=dd2 --warc-dedup=dd1.cdx -O /dev/null "$U/nodate.html" "$U/sh-c82b3d1d540b.html" 2>/dev/null)
    wbt parse --json -v --no-images "$OUT/dd2.warc.gz" >"$OUT/dd2.json" 2>"$OUT/dd2.err"; rc=$?
    [ "$rc" = 0 ] && [ "$(wc -l <"$OUT/dd2.json")" = 1 ] && grep -q "dd2.warc.gz: WARC records skipped: 1 revisit" "$OUT/dd2.err" &&
        pass "web: a revisit record in a wget WARC is skipped and counted with its file" ||
        fail "web: revisit (exit $rc, $(wc -l <"$OUT/dd2.json") articles; $(tr '\n' '|' <"$OUT/dd2.err" | head -c 300))"
    python3 - "$OUT/crawl.warc.gz" "$OUT/cut.warc.gz" <<'PY'
import sys, zlib
d = open(sys.argv[1], 'rb').read()
ends, i = set(), 0            # where gzip members end: a cut there would be a shorter whole file
while i < len(d):
    z = zlib.decompressobj(31); z.decompress(d[i:]); i = len(d) - len(z.unused_data); ends.add(i)
cut = len(d) * 2 // 3
while cut in ends: cut -= 7
open(sys.argv[2], 'wb').write(d[:cut])
PY
    wbt parse --json "$OUT/cut.warc.gz" >/dev/null 2>"$OUT/cut.err"
    grep -q "cut.warc.gz: .*cut short" "$OUT/cut.err" && pass "web: a WARC cut short is named with the offset" || fail "web: cut WARC ($(head -c 300 "$OUT/cut.err"))"
    # a wrong Content-Length in a plain WARC: a warning naming the file and the offset, the record
    # skipped to the next "WARC/1." line, the others used; when it was the only page, nothing is
    # usable (one error line, exit 3)
    python3 - "$OUT/crawl.warc.gz" "$OUT/len-mid.warc" "$OUT/len-first.warc" "$OUT/len-only.warc" <<'PY'
import gzip, re, sys
d = gzip.open(sys.argv[1]).read()
starts = [m.start() for m in re.finditer(rb'WARC/1\.[01]\r\n', d)]
heads = [d[i:i + 400] for i in starts]
def shorten(k):   # record k's Content-Length 100 bytes short
    m = re.compile(rb'Content-Length: (\d+)\r\n').search(d, starts[k])
    return d[:m.start(1)] + str(int(m.group(1)) - 100).encode() + d[m.end(1):]
nd = [k for k, h in enumerate(heads) if b'WARC-Type: response' in h and b'/gz/nodate.html' in h][0]
open(sys.argv[2], 'wb').write(shorten(nd))
first = [k for k, h in enumerate(heads) if b'WARC-Type: response' in h][0]
open(sys.argv[3], 'wb').write(shorten(first)[starts[first]:])
bad = shorten(first)
open(sys.argv[4], 'wb').write(bad[starts[first]:starts[first + 1] - 100])
PY
    wbt parse --json "$OUT/len-mid.warc" >"$OUT/len.json" 2>"$OUT/len.err"; rc=$?
    [ "$rc" = 0 ] && [ "$(wc -l <"$OUT/len.json")" = 1 ] && grep -q "len-mid.warc: at offset [0-9]*: wrong Content-Length" "$OUT/len.err" &&
        pass "web: a WARC record with a wrong Content-Length is named with the offset; the records before it are used" ||
        fail "web: wrong Content-Length (exit $rc, $(wc -l <"$OUT/len.json") articles; $(tr '\n' '|' <"$OUT/len.err" | head -c 300))"
    wbt parse --json "$OUT/len-first.warc" >"$OUT/lenf.json" 2>"$OUT/lenf.err"; rc=$?
    [ "$rc" = 0 ] && [ "$(wc -l <"$OUT/lenf.json")" = 1 ] && grep -q "len-first.warc: at offset 0: wrong Content-Length.*(that record is skipped)" "$OUT/lenf.err" &&
        pass "web: a plain WARC whose first record has a wrong Content-Length: that record skipped, the page after it read" ||
        fail "web: wrong Content-Length first (exit $rc, $(wc -l <"$OUT/lenf.json") articles; $(tr '\n' '|' <"$OUT/lenf.err" | head -c 300))"
    one_line_error "web: a WARC whose only page has a wrong Content-Length" 3 "len-only.warc: at offset 0: wrong Content-Length" wbt parse "$OUT/len-only.warc"
    # in a .warc.gz of one gzip member per record (wget's, ours), a broken record is skipped and
    # the records after it are read: an image's record with a wrong Content-Length, a member that
    # is no record
    python3 - "$OUT/crawl.warc.gz" "$OUT/resync.warc.gz" <<'PY'
import gzip, re, sys, zlib
d = open(sys.argv[1], 'rb').read()
members, i = [], 0
while i < len(d):
    z = zlib.decompressobj(31); members.append(z.decompress(d[i:])); i = len(d) - len(z.unused_data)
out = []
for m in members:
    if m.startswith(b'WARC/1') and b'WARC-Type: response' in m[:300] and b'/img/b.jpg' in m[:600]:
        c = re.search(rb'Content-Length: (\d+)\r\n', m)
        m = m[:c.start(1)] + str(int(c.group(1)) - 50).encode() + m[c.end(1):]
        out.append(gzip.compress(b'no record in this member\r\n\r\n'))
    out.append(gzip.compress(m))
open(sys.argv[2], 'wb').write(b''.join(out))
PY
    wbt parse --json "$OUT/resync.warc.gz" >"$OUT/rs.json" 2>"$OUT/rs.err"; rc=$?
    python3 - "$OUT/rs.json" <<'PY' && [ "$rc" = 0 ] && [ "$(grep -c "resync.warc.gz: at offset [0-9]*: .*(that record is skipped)" "$OUT/rs.err")" = 2 ] &&
import json, sys
j = [json.loads(l) for l in open(sys.argv[1])]
imgs = [b['text'] for b in j[0]['blocks'] if b['type'] == 'image'] if j else []
sys.exit(0 if len(j) == 2 and imgs == ['Ảnh một'] and j[1]['title'] == 'Bài không có ngày' else 1)
PY
        grep -q "wrong Content-Length" "$OUT/rs.err" && grep -q "not a WARC record" "$OUT/rs.err" &&
        pass "web: a .warc.gz with broken records: each named and skipped, the records after them read" ||
        fail "web: WARC resync (exit $rc; $(tr '\n' '|' <"$OUT/rs.err" | head -c 400))"

    # a crawl with a feed: the feed's items fill the fields their pages lack and give the order
    # (redirects in the crawl lead to the pages), the digest takes the feed's title; an item whose
    # page was not crawled is named, never fetched
    python3 - "$S" <<'PY'
import sys
S = sys.argv[1]
items = [('/redirect/2/nodate.html', 'Sun, 28 May 2023 09:30:00 +0700', 'Phóng viên WARC', 'Đời sống', 'Tóm tắt từ feed'),
         ('/img.html', 'Sun, 28 May 2023 08:00:00 +0700', 'Phóng viên ảnh', 'Ảnh', 'Ảnh tóm tắt'),
         ('/never-crawled.html', 'Sun, 28 May 2023 07:00:00 +0700', 'X', 'Y', 'Z')]
x = ''.join(f'<item><title>Bài {i}</title><link>{l}</link><pubDate>{d}</pubDate><author>{a}</author><category>{c}</category>'
            f'<description>{t}</description></item>' for i, (l, d, a, c, t) in enumerate(items))
open(f'{S}/warcfeed.rss', 'w', encoding='utf-8').write('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                                                        f'<title>Kênh trong WARC</title>{x}</channel></rss>')
PY
    (cd "$OUT" && timeout 60 wget -q --warc-file=fcrawl -O /dev/null "$U/sh-c82b3d1d540b.html" "$U/img.html" "$U/img/a.png" \
        "$U/img/b.jpg" "$U/warcfeed.rss" "$U/redirect/2/nodate.html" 2>/dev/null)
    cp "$WLOG" "$OUT/wlog.before"
    wbt parse --json "$OUT/fcrawl.warc.gz" >"$OUT/fc.json" 2>"$OUT/fc.err"; rc=$?
    python3 - "$OUT/fc.json" <<'PY' && [ "$rc" = 0 ] && pass "web: a feed inside a WARC fills its pages' fields (date, author, category, lead) through the crawl's redirects and gives their order" || fail "web: feed in a WARC (exit $rc; $(tr '\n' '|' <"$OUT/fc.err" | head -c 300))"
import json, sys
j = [json.loads(l) for l in open(sys.argv[1])]
ok = len(j) == 3 and j[0]['title'] == 'Bài không có ngày' and j[0]['published'] == '2023-05-28T09:30:00+07:00' and \
     j[0]['author'] == 'Phóng viên WARC' and j[0]['category'] == 'Đời sống' and j[0]['lead'] == 'Tóm tắt từ feed' and \
     j[0]['source_url'].endswith('/nodate.html') and j[1]['title'] == 'Bài có ảnh' and j[1]['category'] == 'Ảnh' and \
     j[1]['published'] == '2023-05-28T08:00:00+07:00' and j[2]['title'].startswith('53-') and j[2].get('category') is None
if not ok: print([(x['title'], x.get('published'), x.get('category')) for x in j])
sys.exit(0 if ok else 1)
PY
    grep -q "fcrawl.warc.gz: 1 item of its feeds is not in this WARC file" "$OUT/fc.err" && cmp -s "$WLOG" "$OUT/wlog.before" &&
        pass "web: a feed item whose page is not in the WARC is named and not fetched" || fail "web: missing feed item ($(tr '\n' '|' <"$OUT/fc.err" | head -c 300))"
    wbt epub "$OUT/fcrawl.warc.gz" -o "$OUT/fc.epub" 2>/dev/null
    unzip -p "$OUT/fc.epub" '*.opf' 2>/dev/null | grep -q "<dc:title[^>]*>Kênh trong WARC<" &&
        pass "web: epub of a WARC with a feed takes the feed's title" || fail "web: epub title from the WARC's feed"
else
    skip "web: WARC written by wget (wget missing)"
fi
exit 0

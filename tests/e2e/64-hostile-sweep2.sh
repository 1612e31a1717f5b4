#!/bin/sh
# 64-hostile-sweep2.sh - a second sweep of hostile inputs over every command, one check per class
# found misbehaving: a truncated JPEG and a 12-bit one embedded as they were (a PDF that no
# reader can draw), a damaged PNG checked by decoding it whole (hundreds of MB for a 150 KB file),
# a page of small files that each declare 49 megapixels (minutes, gigabytes), a text of more than
# 10 MB in one piece (the rest of the page silently lost), -o into a folder that does not exist
# (a vague message), a shard bag merged twice (accepted in silence), a merge missing a shard (not
# said), feed items with javascript: or file: links ("without a link"), and feed items dated
# before --since (fetched all the same). Also kept here: classes that behaved, so they stay so
# (SVG, WebP, GIF, directories, FIFOs and links as images; javascript:, vbscript:, file: and
# <base href> tricks; noncharacters and bidi controls in titles; a server that never answers).
. tests/lib.sh
. tests/e2e/hostile.inc
. tests/e2e/web.inc
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
have python3 || { skip "hostile sweep 2 (python3 missing)"; exit 0; }
G=$OUT/gen; mkdir -p "$G/img"
cp "$FIX/text/001.txt" "$G/good.txt"
cp "$FIX/pdf/tiny.jpg" "$G/img/good.jpg"
page() { # page TITLE BODY-HTML [HEAD] : an article page on stdout
    printf '<html><head><meta charset="utf-8"><title>%s</title>%s</head><body><article><h1>%s</h1>' "$1" "${3:-}" "$1"
    printf '<p>Đoạn mở đầu của bài viết, đủ dài để được giữ lại làm nội dung chính của trang.</p>%s' "$2"
    printf '<p>Đoạn cuối cùng của bài viết.</p></article></body></html>\n'
}
# --- image files: damaged, unusual, and not files at all --------------------------------------
python3 - "$G/img" <<'PY'
import os, struct, sys, zlib
d = sys.argv[1]
def chunk(t, b): return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b))
def png(w, h, data): return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
                             + chunk(b'IDAT', data) + chunk(b'IEND', b''))
raw = b''.join(b'\0' + bytes((x * 7 + y) & 255 for x in range(600)) for y in range(200))
good = png(200, 200, zlib.compress(raw))
open(f'{d}/good.png', 'wb').write(good)
open(f'{d}/half.png', 'wb').write(good[:len(good) // 2])              # cut in its data
z = zlib.compress(raw)
open(f'{d}/idat.png', 'wb').write(png(200, 200, z[:len(z) // 3]))       # whole chunks, data cut
open(f'{d}/noend.png', 'wb').write(good[:-12])                          # no IEND
j = bytearray(open(f'{d}/good.jpg', 'rb').read())
sof = j.index(b'\xff\xc0')
j12 = bytearray(j); j12[sof + 4] = 12
open(f'{d}/j12.jpg', 'wb').write(j12)                                   # 12 bits a sample
open(f'{d}/cut.jpg', 'wb').write(j[:len(j) * 2 // 3])                   # cut in its scan
open(f'{d}/x.svg', 'w').write('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>')
open(f'{d}/x.webp', 'wb').write(b'RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00' + b'\0' * 14)
open(f'{d}/cut.gif', 'wb').write(b'GIF89a\x01\x00\x01\x00\x80\x00\x00')
os.mkdir(f'{d}/dir.png')
os.mkfifo(f'{d}/fifo.png')
PY
cp "$G/img/good.png" "$OUT/outside.png"
ln -s "$(cd "$OUT" && pwd)/outside.png" "$G/img/link.png"
bad_imgs="half.png idat.png noend.png j12.jpg cut.jpg x.svg x.webp cut.gif dir.png fifo.png link.png"
body=""; for i in good.png good.jpg $bad_imgs; do body="$body<figure><img src=\"img/$i\" alt=\"$i\"></figure>"; done
page "Ảnh hỏng" "$body" >"$G/imgs.html"
accepted "damaged images: parse" parse --json "$G/imgs.html"
n=$(python3 -c "import json, sys; print(' '.join(b['text'] for b in json.load(open(sys.argv[1]))['blocks'] if b['type'] == 'image'))" "$OUT/res")
[ "$n" = "good.png good.jpg" ] && pass "damaged images: only the two whole images kept" \
    || fail "damaged images: only the two whole images kept (kept: $n)"
miss=""; for i in $bad_imgs; do grep -q "warning: image .*img/$i" "$OUT/err" || miss="$miss $i"; done
[ -z "$miss" ] && pass "damaged images: each one left out is named in a warning" \
    || fail "damaged images: no warning for$miss ($(head -c 300 "$OUT/err"))"
grep -q 'img/cut.jpg (truncated JPEG' "$OUT/err" && grep -q 'img/j12.jpg (unsupported JPEG sample precision' "$OUT/err" \
    && grep -q 'img/noend.png (corrupt or truncated PNG' "$OUT/err" && pass "damaged images: the reasons said (truncated, 12-bit)" \
    || fail "damaged images: the reasons said ($(grep -E 'cut.jpg|j12|noend' "$OUT/err" | head -c 300))"
accepted "damaged images: pdf" pdf "$G/imgs.html" -o "$OUT/imgs.pdf"
if have qpdf && [ -s "$OUT/imgs.pdf" ]; then # exit 3 = warnings, such as a stream that cannot be decoded
    qpdf --check "$OUT/imgs.pdf" >"$OUT/qpdf.txt" 2>&1 && pass "damaged images: the PDF passes qpdf --check without warnings" \
        || fail "damaged images: qpdf --check ($(grep -i -m2 'warn\|error' "$OUT/qpdf.txt"))"
fi
if have pdfimages && [ -s "$OUT/imgs.pdf" ]; then
    n=$(pdfimages -list "$OUT/imgs.pdf" 2>/dev/null | awk 'NR > 2 && $3 == "image"' | wc -l)
    [ "$n" -eq 2 ] && pass "damaged images: two images in the PDF" || fail "damaged images: $n images in the PDF, wanted 2"
fi
if have pdftoppm && [ -s "$OUT/imgs.pdf" ]; then
    pdftoppm -r 20 -png "$OUT/imgs.pdf" "$OUT/imgs" >/dev/null 2>"$OUT/ppm.err"
    [ ! -s "$OUT/ppm.err" ] && pass "damaged images: pdftoppm draws the PDF without a complaint" \
        || fail "damaged images: pdftoppm says $(head -c 200 "$OUT/ppm.err")"
fi
accepted "damaged images: epub" epub "$G/imgs.html" -o "$OUT/imgs.epub"
python3 - "$OUT/imgs.epub" <<'PY' && pass "damaged images: none of them in the EPUB" || fail "damaged images: some in the EPUB"
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
imgs = [n for n in names if n.lower().endswith(('.png', '.jpg', '.jpeg', '.gif', '.webp', '.svg'))]
sys.exit(0 if len(imgs) == 2 else 1)
PY

# --- a page of small PNGs that each declare 49 megapixels: the article's budget --------------
python3 - "$G/bomb" <<'PY'
import os, struct, sys, zlib
d = sys.argv[1]; os.makedirs(d)
def chunk(t, b): return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b))
w = h = 7000
z = zlib.compressobj(9)
data = z.compress(b'\0' * ((w * 3 + 1) * h)) + z.flush()
bomb = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
        + chunk(b'IDAT', data) + chunk(b'IEND', b''))
for i in range(40): open(f'{d}/{i}.png', 'wb').write(bomb)
body = ''.join(f'<p>Đoạn {i} của bài.</p><img src="{i}.png" alt="ảnh {i}">' for i in range(40))
open(f'{d}/page.html', 'w').write('<html><head><meta charset="utf-8"><title>Bom ảnh</title></head><body>'
    '<article><h1>Bom ảnh</h1><p>Đoạn mở đầu của bài viết, đủ dài để được giữ lại.</p>' + body + '</article></body></html>')
PY
for cmd in parse epub; do
    o=; [ $cmd = epub ] && o="-o $OUT/bomb.epub"
    timed timeout -k 5 "$HT" "$BANTIN" $cmd "$G/bomb/page.html" $o >"$OUT/res" 2>"$OUT/err"
    why=$(hbad); [ -z "$why" ] && [ "$rc" -ne 0 ] && why="exit $rc"
    lim=8000; [ -n "${BANTIN_SANITIZED:-}" ] && lim=40000
    [ -z "$why" ] && [ "$cpu_ms" -gt "$lim" ] && why="$cpu_ms ms CPU"
    [ -z "$why" ] && [ "$(grep -c 'pass 100 megapixels in all' "$OUT/err")" -ne 1 ] && why="$(head -c 200 "$OUT/err")"
    if [ -z "$why" ]; then pass "40 images of 49 megapixels: $cmd keeps 2, one warning ($cpu_ms ms CPU)"
    else fail "40 images of 49 megapixels: $cmd ($why)"; fi
done
hrun parse --json "$G/bomb/page.html"
n=$(python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print(len([b for b in d['blocks'] if b['type'] == 'image']), len([b for b in d['blocks'] if b['type'] == 'paragraph']))" "$OUT/res")
[ "$n" = "2 41" ] && pass "40 images of 49 megapixels: 2 images and every paragraph kept" \
    || fail "40 images of 49 megapixels: images and paragraphs ($n, wanted 2 41)"
if [ -x /usr/bin/time ] && [ -z "${BANTIN_SANITIZED:-}" ]; then
    /usr/bin/time -f %M -o "$OUT/rss" "$BANTIN" parse "$G/bomb/page.html" >/dev/null 2>&1
    kb=$(tail -1 "$OUT/rss")
    [ "${kb:-999999}" -lt 60000 ] && pass "40 images of 49 megapixels: checked in $((kb / 1024)) MB of memory" \
        || fail "40 images of 49 megapixels: $((${kb:-0} / 1024)) MB of memory to check them"
fi

# --- srcset of 10,000 candidates, none there but the last: bounded, the image found ------------
python3 -c "import sys; sys.stdout.write('<html><head><meta charset=utf-8><title>srcset</title></head><body><article><h1>srcset</h1><p>Đoạn mở đầu của bài viết, đủ dài để được giữ lại làm nội dung chính của trang.</p><img alt=\"s\" srcset=\"' + ', '.join('img/no%d.png %dw' % (i, 10000 - i) for i in range(10000)) + ', img/good.png 1w\"><p>Đoạn cuối cùng.</p></article></body></html>')" >"$G/srcset.html"
timed timeout -k 5 "$HT" "$BANTIN" parse --json "$G/srcset.html" >"$OUT/res" 2>"$OUT/err"
why=$(hbad); [ -z "$why" ] && [ "$rc" -ne 0 ] && why="exit $rc: $(head -c 200 "$OUT/err")"
[ -z "$why" ] && [ "$cpu_ms" -gt 3000 ] && why="$cpu_ms ms CPU"
[ -z "$why" ] && [ "$(wc -l <"$OUT/err")" -gt 3 ] && why="$(wc -l <"$OUT/err") lines of messages"
if [ -z "$why" ]; then pass "srcset of 10,000 candidates: parsed in $cpu_ms ms CPU, a few lines of messages"
else fail "srcset of 10,000 candidates ($why)"; fi

# --- a text of more than 10 MB in one piece: a warning, not a page silently cut ----------------
python3 -c "import sys; sys.stdout.write('<html><head><meta charset=utf-8><title>Dài</title></head><body><article><h1>Dài</h1><p>' + 'chữ ' * 2000000 + '</p><p>Đoạn cuối cùng.</p></article></body></html>')" >"$G/bigtext.html"
accepted "12 MB text in one piece: parse" parse "$G/bigtext.html"
grep -q 'more than 10 MB in one piece: the rest of the page was not read' "$OUT/err" \
    && pass "12 MB text in one piece: the cut is said" || fail "12 MB text in one piece: the cut is said ($(head -c 200 "$OUT/err"))"

# --- links and image URLs that must not reach an EPUB; titles of odd characters ---------------
page "Liên kết" '<a href="javascript:alert(1)">js</a> <a href=" JaVa&#x09;script:alert(2)">js2</a> <a href="vbscript:msgbox">vb</a> <a href="file:///etc/passwd">f</a> <a href="data:text/html,&lt;script&gt;">d</a><img src="javascript:alert(1)"><img src="vbscript:x"><img src="file:///etc/passwd"><img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"><p onclick="alert(1)">Đoạn có sự kiện.</p>' \
    '<base href="javascript:alert(1)//">' >"$G/links.html"
page "Liên kết" '<img src="x.png"><a href="a.html">tương đối</a>' '<base href="file:///etc/">' >"$G/base.html"
printf '<html><head><meta charset="utf-8"><title>A\357\277\276\357\277\277B \342\200\256\342\201\246abc\342\201\251 \355\240\275\355\270\200 \300\257</title><meta name="author" content="X\357\277\276Y \342\200\256Z"></head><body><article><h1>A\357\277\276B</h1><p>Đoạn mở đầu của bài viết, đủ dài để được giữ lại làm nội dung chính.</p></article></body></html>\n' >"$G/chars.html"
hrun parse "$G/links.html"
[ "$rc" -eq 0 ] && grep -q 'image refused: javascript:alert(1) (not an image address)' "$OUT/err" \
    && grep -q 'image refused: vbscript:x (not an image address)' "$OUT/err" \
    && pass "javascript: and vbscript: images: refused as no image address" \
    || fail "javascript: and vbscript: images (exit $rc: $(head -c 300 "$OUT/err"))"
for f in links base chars; do
    accepted "$f: epub" epub "$G/$f.html" -o "$OUT/$f.epub"
    python3 - "$OUT/$f.epub" <<'PY' && pass "$f: EPUB well-formed, no script, handler, javascript:/vbscript:/file:/data: URL or noncharacter" \
        || fail "$f: EPUB carries something unsafe or is not well-formed"
import re, sys, zipfile
import xml.dom.minidom
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    if not n.endswith(('.xhtml', '.opf', '.ncx', '.xml')): continue
    t = z.read(n).decode('utf-8')
    xml.dom.minidom.parseString(t.encode('utf-8'))
    if re.search(r'<script|\son[a-z]+\s*=|javascript:|vbscript:|file:|data:|<base', t, re.I) or re.search('[\ufffe\uffff\ud800-\udfff]', t):
        print(n, 'unsafe'); sys.exit(1)
PY
    accepted "$f: pdf" pdf "$G/$f.html" -o "$OUT/$f.pdf"
done
# noncharacters (U+FFFE, U+FFFF, U+FDD0, U+10FFFF) in a page's meta author and in a text file's
# title, body and author line: dropped from the model (libxml2 drops them from a page's text),
# so no "cannot be drawn" warning and none in the JSON
printf 'Ti\357\277\276\303\252u \304\221\341\273\201 b\303\240i\357\277\277 vi\341\272\277t\n\nDo\341\272\241n v\304\203n \357\267\220c\303\263 k\303\275 t\341\273\261 l\341\272\241\364\217\277\277.\n\nNguy\357\277\276\341\273\205n V\304\203n A\n' >"$G/nonchar.txt"
for f in "$G/chars.html" "$G/nonchar.txt"; do
    hrun parse --json "$f"
    [ "$rc" -eq 0 ] && python3 -c "import json,sys; t=open(sys.argv[1],encoding='utf-8').read(); json.loads(t); sys.exit(1 if any(c in t for c in '\ufffe\uffff\ufdd0\U0010ffff') or '\\ufffe' in t.lower() or '\\uffff' in t.lower() else 0)" "$OUT/res" \
        && pass "$(basename "$f"): noncharacters dropped from the model" || fail "$(basename "$f"): noncharacters kept (exit $rc)"
done
hrun pdf "$G/nonchar.txt" -o "$OUT/nonchar.pdf"
[ "$rc" -eq 0 ] && ! grep -q 'cannot be drawn' "$OUT/err" && pass "noncharacters in a text file: no 'cannot be drawn' warning" \
    || fail "noncharacters in a text file (exit $rc: $(head -c 300 "$OUT/err"))"
if have pdfinfo; then
    pdfinfo "$OUT/chars.pdf" >/dev/null 2>&1 && pass "odd characters in title and author: pdfinfo reads the PDF" \
        || fail "odd characters in title and author: pdfinfo cannot read the PDF"
fi

# --- -o into a folder that does not exist: exit 3, the folder named ----------------------------
for cmd in pdf epub; do
    hrun $cmd "$G/good.txt" -o "$OUT/nowhere/x.$cmd"
    [ "$rc" -eq 3 ] && [ ! -e "$OUT/nowhere" ] && grep -q "bantin: $OUT/nowhere/x.$cmd: .*the folder $OUT/nowhere does not exist" "$OUT/err" \
        && pass "-o into a missing folder: $cmd exits 3 naming the folder" \
        || fail "-o into a missing folder: $cmd (exit $rc: $(head -c 200 "$OUT/err"))"
done
hrun epub "$G/good.txt" -o "$G/good.txt/x.epub"
[ "$rc" -eq 3 ] && grep -q "good.txt is not a folder" "$OUT/err" && pass "-o under a regular file: exit 3, said so" \
    || fail "-o under a regular file (exit $rc: $(head -c 200 "$OUT/err"))"

# --- archive --merge: a bag given twice, two bags of one shard, a shard missing ----------------
A=$OUT/arc; mkdir -p "$A/src"
for i in 001 002 003; do cp "$FIX/text/$i.txt" "$A/src/$i.txt"; done
hrun archive -q "$A/src" --shard 1/2 -o "$A/s1" -j 1
hrun archive -q "$A/src" --shard 2/2 -o "$A/s2" -j 1
cp -r "$A/s1" "$A/s1copy"
for args in "s1 s1 s2" "s1 ./s1/ s2" "s1 s1copy s2"; do
    set --; for b in $args; do set -- "$@" "$A/$b"; done
    rm -rf "$A/m"; hrun archive -q --merge "$@" -o "$A/m"
    [ "$rc" -eq 2 ] && [ ! -e "$A/m" ] && grep -q 'given twice\|are both shard 1/2' "$OUT/err" \
        && pass "merge $args: refused (exit 2), nothing made" || fail "merge $args (exit $rc: $(head -c 200 "$OUT/err"))"
done
hrun archive --merge "$A/s2" -o "$A/m1"
[ "$rc" -eq 0 ] && grep -q 'warning: 1 of the 2 shards not given (shard 1/2)' "$OUT/err" \
    && pass "merge of one shard of two: done, the missing shard named" || fail "merge of one shard of two (exit $rc: $(tail -c 300 "$OUT/err"))"
hrun archive --merge "$A/s1" "$A/s2" -o "$A/m2"
[ "$rc" -eq 0 ] && ! grep -q 'not given' "$OUT/err" && pass "merge of both shards: no warning" \
    || fail "merge of both shards (exit $rc: $(tail -c 300 "$OUT/err"))"

# --- a shard bag whose state names a file outside it (its manifests made to match): the merge
# is refused and copies nothing, a re-run deletes nothing outside, a failed run on a new bag
# leaves no folder behind
echo 'nội dung bí mật' >"$OUT/secret.pdf"; echo 'giữ nguyên' >"$OUT/victim.txt"
tamper() { # BAG PATH : every article's PDF path in BAG's state becomes PATH; the tag manifest follows
    python3 - "$1" "$2" <<'PY'
import hashlib, json, sys
bag, path = sys.argv[1:]
lines = open(f'{bag}/bantin-state.jsonl', encoding='utf-8').read().splitlines()
out = lines[:1]
for l in lines[1:]:
    j = json.loads(l)
    if j.get('kind') == 'article' and 'pdf' in j: j['pdf']['path'] = path
    out.append(json.dumps(j, ensure_ascii=False))
open(f'{bag}/bantin-state.jsonl', 'w', encoding='utf-8').write('\n'.join(out) + '\n')
h = hashlib.sha256(open(f'{bag}/bantin-state.jsonl', 'rb').read()).hexdigest()
tm = [(h + '  bantin-state.jsonl') if x.endswith('  bantin-state.jsonl') else x
      for x in open(f'{bag}/tagmanifest-sha256.txt').read().splitlines()]
open(f'{bag}/tagmanifest-sha256.txt', 'w').write('\n'.join(tm) + '\n')
PY
}
cp -r "$A/s1" "$A/evil"
tamper "$A/evil" "../../../secret.pdf"
hrun verify "$A/evil"
[ "$rc" -eq 0 ] && pass "tampered shard: its manifests match (verify passes)" || fail "tampered shard: verify exit $rc"
hrun archive -q --merge "$A/evil" "$A/s2" -o "$A/em"
[ "$rc" -eq 3 ] && [ ! -e "$A/em" ] && grep -q 'evil/bantin-state.jsonl line [0-9]* is not a state record' "$OUT/err" \
    && pass "tampered shard naming ../../../secret.pdf: merge refused (exit 3), no folder left" \
    || fail "tampered shard: merge (exit $rc: $(head -c 200 "$OUT/err"); $(ls -A "$A/em" 2>&1 | head -c 100))"
grep -rqF 'bí mật' "$A/em" 2>/dev/null && fail "tampered shard: the outside file copied into the merge" \
    || pass "tampered shard: nothing outside the bag copied"
mkdir -p "$A/vsrc"; cp "$FIX/text/001.txt" "$A/vsrc/a.txt"
hrun archive -q "$A/vsrc" -o "$A/vbag" -j 1
tamper "$A/vbag" "../../victim.txt"
echo 'Đoạn thêm vào cuối bài.' >>"$A/vsrc/a.txt"
hrun archive -q "$A/vsrc" -o "$A/vbag" -j 1
[ "$rc" -eq 3 ] && grep -q 'bantin-state.jsonl line [0-9]* is not a state record' "$OUT/err" && [ "$(cat "$OUT/victim.txt")" = 'giữ nguyên' ] \
    && pass "a bag's state naming ../../victim.txt: the re-run refused (exit 3), the file outside untouched" \
    || fail "a bag's state naming a file outside (exit $rc: $(head -c 200 "$OUT/err"); victim: $(cat "$OUT/victim.txt" 2>&1))"
hrun archive -q "$A/missing-src" -o "$A/newbag"
[ "$rc" -eq 3 ] && [ ! -e "$A/newbag" ] && pass "a failed first run: no bag folder left behind" \
    || fail "a failed first run (exit $rc; left: $(ls -A "$A/newbag" 2>&1 | head -c 100))"

# --- a WARC record over the input limit: named, not counted among "not an HTML page" -----------
python3 - "$G/big.warc.gz" <<'PY'
import gzip, sys
def rec(uri, body):
    http = b'HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n' + body
    return gzip.compress(b'WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: ' + uri + b'\r\nWARC-Date: 2023-05-27T07:00:00Z\r\n'
        b'WARC-Record-ID: <urn:uuid:' + uri[-6:] + b'>\r\nContent-Type: application/http; msgtype=response\r\n'
        b'Content-Length: ' + str(len(http)).encode() + b'\r\n\r\n' + http + b'\r\n\r\n')
page = ('<html><head><meta charset="utf-8"><title>Bài tốt</title></head><body><article><h1>Bài tốt</h1><p>'
        + 'Đoạn mở đầu của bài viết, đủ dài để được giữ lại làm nội dung chính của trang. ' * 3 + '</p></article></body></html>').encode()
open(sys.argv[1], 'wb').write(rec(b'http://example.com/big001', b'<p>' + b' ' * (3 << 20)) + rec(b'http://example.com/good01', page))
PY
hrun parse --max-input 1M "$G/big.warc.gz"
[ "$rc" -eq 0 ] && grep -q 'Bài tốt' "$OUT/res" && grep -q 'big.warc.gz: http://example.com/big001: record of [0-9]* bytes, over the input limit' "$OUT/err" \
    && pass "a WARC record over the input limit: named in a warning, the other page read" \
    || fail "a WARC record over the input limit (exit $rc: $(head -c 300 "$OUT/err"))"
hrun archive --max-input 1M "$G/big.warc.gz" -o "$OUT/wbag" -j 1
[ "$rc" -eq 0 ] && grep -q 'big.warc.gz: warning: 1 item left out: 1 over the input limit' "$OUT/err" \
    && pass "a WARC record over the input limit: archive says so without -v" \
    || fail "a WARC record over the input limit: archive (exit $rc: $(head -c 300 "$OUT/err"))"

# --- web: feed items with unusable links, items dated before --since, a server that never answers
W=$OUT/site; mkdir -p "$W"
for i in 0 1 2; do page "Bài $i" "" >"$W/a$i.html"; done
python3 - "$W" <<'PY'
import sys
d = sys.argv[1]
def rss(items): return '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>' + items + '</channel></rss>'
open(f'{d}/bad.rss', 'w').write(rss('<item><link>javascript:alert(1)</link></item><item><link>file:///etc/passwd</link></item>'
                                     '<item><link>vbscript:x</link></item><item><link>a0.html</link></item>'))
dated = [(0, 'Mon, 01 Jan 2018 10:00:00 +0000'), (1, 'Tue, 02 Jan 2018 10:00:00 +0000'), (2, 'Wed, 01 Nov 2023 10:00:00 +0700')]
open(f'{d}/dated.rss', 'w').write(rss(''.join(f'<item><title>Bài {i}</title><link>a{i}.html</link><pubDate>{t}</pubDate></item>' for i, t in dated)))
open(f'{d}/self.rss', 'w').write(rss('<item><link>self.rss</link></item><item><link>a1.html</link></item>'))
open(f'{d}/rel.rss', 'w').write(rss('<item><link>a0.html</link></item><item><link>/a1.html</link></item><item><link>../../a2.html</link></item>'))
ent = ''.join(f'<!ENTITY e{i} "{"&e%d;" % (i - 1) * 10 if i else "ha"}">' for i in range(9))
open(f'{d}/xxe.rss', 'w').write('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">' + ent + ']>'
                                '<rss version="2.0"><channel><title>&e8;&x;</title><item><title>&e8;</title><link>a0.html</link></item></channel></rss>')
open(f'{d}/never.rss', 'w').write(rss(''.join(f'<item><link>/sleep/60000/a{i}.html</link></item>' for i in range(3))))
PY
if web_start "$W"; then
    hrun parse "$U/bad.rss"
    [ "$rc" -eq 0 ] && grep -q '3 items without a link left out (none, or not an http or https URL)' "$OUT/err" \
        && pass "feed items with javascript:, file: and vbscript: links: left out, the reason said" \
        || fail "feed items with javascript:/file: links (exit $rc: $(head -c 300 "$OUT/err"))"
    hrun archive "$U/bad.rss" -o "$OUT/bbag" -j 1
    [ "$rc" -eq 0 ] && grep -q "bantin: $U/bad.rss: warning: 3 items left out: 3 without an http or https link" "$OUT/err" \
        && pass "archive of a feed with javascript:/file: links: the items left out counted without -v" \
        || fail "archive of a feed with javascript:/file: links (exit $rc: $(head -c 300 "$OUT/err"))"
    : >"$WLOG"
    hrun archive --since 2023-01-01 "$U/dated.rss" -o "$OUT/dbag" -j 1
    [ "$rc" -eq 0 ] && ! grep -q '/a[01].html' "$WLOG" && grep -q '/a2.html' "$WLOG" && grep -q '2 feed items dated before --since not fetched' "$OUT/err" \
        && pass "archive --since: feed items dated before it are not fetched" \
        || fail "archive --since: feed items dated before it ($(cut -f2 "$WLOG" | tr '\n' ' '); exit $rc)"
    hrun parse "$U/self.rss"
    [ "$rc" -eq 1 ] && [ "$(wc -l <"$OUT/res")" -eq 1 ] && grep -q "bantin: $U/self.rss: an RSS feed where an article page was expected" "$OUT/err" \
        && pass "a feed that lists itself: that item named, the other read (exit 1)" \
        || fail "a feed that lists itself (exit $rc: $(head -c 300 "$OUT/err"))"
    hrun parse "$U/rel.rss"
    [ "$rc" -eq 0 ] && [ "$(wc -l <"$OUT/res")" -eq 3 ] && pass "a feed of relative links: each resolved and read" \
        || fail "a feed of relative links (exit $rc, $(wc -l <"$OUT/res") articles: $(head -c 300 "$OUT/err"))"
    X=$OUT/xxe; mkdir -p "$X" # (refused looks for temp files beside its output)
    refused "a feed declaring entities (XXE, billion laughs): parse" "$U/xxe.rss" - parse "$U/xxe.rss"
    ! grep -q 'root:\|hahaha' "$OUT/res" "$OUT/err" && pass "a feed declaring entities: nothing of them expanded" \
        || fail "a feed declaring entities: expanded"
    refused "a feed declaring entities (XXE, billion laughs): epub" "$U/xxe.rss" "$X/x.epub" epub "$U/xxe.rss" -o "$X/x.epub"
    timed timeout -k 5 "$WT" "$BANTIN" parse --timeout 2 "$U/sleep/60000/a0.html" >/dev/null 2>"$OUT/err"
    [ "$rc" -eq 3 ] && [ "$(grep -c 'sleep/60000/a0.html: timed out' "$OUT/err")" -eq 1 ] \
        && pass "a page whose server never answers: timed out (exit 3)" || fail "a page whose server never answers (exit $rc: $(head -c 300 "$OUT/err"))"
    timed timeout -k 5 "$WT" "$BANTIN" parse --timeout 2 "$U/never.rss" >/dev/null 2>"$OUT/err"
    n=$(grep -c 'sleep/60000/a[0-9].html: timed out' "$OUT/err")
    [ "$rc" -eq 3 ] && [ "$n" -eq 3 ] && [ "$cpu_ms" -lt 5000 ] && pass "a server that never answers: each item named, timed out (exit 3)" \
        || fail "a server that never answers (exit $rc, $n named: $(head -c 300 "$OUT/err"))"
else
    fail "hostile sweep 2: the test server did not start ($(head -c 200 "$OUT/httpd.err"))"
fi

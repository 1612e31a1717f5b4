#!/bin/sh
# 42-html-images.sh - images of saved pages: local (page_files/), data: URIs, converted GIF,
# refused escapes (../, absolute, file:), remote URLs not fetched, corrupt and oversized files;
# images reach the PDF and the EPUB.
. tests/lib.sh
have python3 || { skip "html image checks (python3 missing)"; exit 0; }
P=$OUT/site
mkdir -p "$P/page_files" "$P/sub/deeper" "$OUT/outside"
python3 - "$P" "$OUT/outside" <<'PY'
import base64, struct, sys, zlib
site, outside = sys.argv[1:3]
def png(w, h, rgb):
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    raw = b''.join(b'\0' + bytes(rgb) * w for _ in range(h))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
def gif(w, h):
    # 2-colour GIF; LZW with a clear code before every pixel so the code table never grows
    out = bytearray(b'GIF89a' + struct.pack('<HHBBB', w, h, 0x80, 0, 0) + b'\xff\0\0\0\0\xff')
    out += b',' + struct.pack('<HHHHB', 0, 0, w, h, 0) + b'\x02'
    bits, nbits, data = 0, 0, bytearray()
    def put(code):
        nonlocal bits, nbits
        bits |= code << nbits; nbits += 3
        while nbits >= 8:
            data.append(bits & 0xff); bits >>= 8; nbits -= 8
    for i in range(w * h):
        put(4); put((i // w + i % w) % 2)
    put(5)
    if nbits: data.append(bits & 0xff)
    for i in range(0, len(data), 255):
        blk = data[i:i + 255]; out += bytes([len(blk)]) + blk
    return bytes(out + b'\0;')
open(f'{site}/page_files/red.png', 'wb').write(png(40, 30, (200, 0, 0)))
open(f'{site}/sub/deeper/blue.png', 'wb').write(png(20, 20, (0, 0, 200)))
open(f'{site}/page_files/anim.gif', 'wb').write(gif(16, 12))
open(f'{site}/page_files/corrupt.png', 'wb').write(png(40, 30, (0, 0, 0))[:60] + b'garbage' * 10)
open(f'{site}/page_files/notimage.jpg', 'wb').write(b'<html>this is not a JPEG</html>')
# a PNG that claims 60000 x 60000 pixels (3.6 gigapixels): must be refused, not decoded
big = bytearray(png(1, 1, (0, 0, 0)))
big[16:24] = struct.pack('>II', 60000, 60000)
open(f'{site}/page_files/huge.png', 'wb').write(bytes(big))
open(f'{outside}/secret.png', 'wb').write(png(10, 10, (0, 200, 0)))
data_uri = 'data:image/png;base64,' + base64.b64encode(png(8, 8, (0, 200, 0))).decode()
para = '<p>Đoạn văn bản thứ {0} của bài báo thử nghiệm, đủ dài để được coi là nội dung chính của trang, có dấu phẩy, có chữ.</p>'
html = f'''<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Ảnh thử - Site</title></head>
<body><article><h1>Ảnh thử</h1>
{para.format(1)}
<figure><img src="page_files/red.png" alt="Ảnh đỏ"><figcaption>Chú thích ảnh đỏ</figcaption></figure>
{para.format(2)}
<img src="sub/./deeper/../deeper/blue.png" alt="xanh">
<img src="{data_uri}" alt="data">
<img src="page_files/anim.gif" alt="gif">
{para.format(3)}
<img src="../outside/secret.png" alt="escape">
<img src="page_files/../../outside/secret.png" alt="escape2">
<img src="/etc/passwd" alt="abs">
<img src="file:///etc/passwd" alt="file">
<img src="https://example.invalid/remote.jpg" alt="remote">
<img src="//example.invalid/remote2.jpg" alt="remote2">
<img src="page_files/corrupt.png" alt="corrupt">
<img src="page_files/notimage.jpg" alt="notimage">
<img src="page_files/huge.png" alt="huge">
<img src="page_files/missing.png" alt="missing">
<img src="link.png" alt="symlink">
{para.format(4)}
</article></body></html>'''
open(f'{site}/page.html', 'w', encoding='utf-8').write(html)
PY
ln -s ../outside/secret.png "$P/link.png"
if bt parse --json "$P/page.html" >"$OUT/page.json" 2>"$OUT/page.err"; then pass "page with images parses"; else fail "page with images parses"; fi
q() { python3 -c "
import json,sys
d=json.load(open(sys.argv[1],encoding='utf-8'))
imgs=[b for b in d['blocks'] if b['type']=='image']
print(eval(sys.argv[2]))" "$OUT/page.json" "$1"; }
[ "$(q "len(imgs)")" = 4 ] && pass "4 images kept (page_files, subfolder, data:, GIF)" || fail "4 images kept (got $(q "len(imgs)"))"
[ "$(q "[b['text'] for b in imgs]")" = "['Ảnh đỏ', 'xanh', 'data', 'gif']" ] && pass "images in page order with alt text" || fail "images in page order ($(q "[b['text'] for b in imgs]"))"
[ "$(q "[(b.get('width'),b.get('height')) for b in imgs]")" = "[(40, 30), (20, 20), (8, 8), (16, 12)]" ] && pass "image sizes read" || fail "image sizes ($(q "[(b.get('width'),b.get('height')) for b in imgs]"))"
[ "$(q "imgs[3].get('mime')")" = "image/png" ] && pass "GIF converted to PNG" || fail "GIF converted to PNG"
[ "$(q "[b['text'] for b in d['blocks'] if b['type']=='caption']")" = "['Chú thích ảnh đỏ']" ] && pass "figure caption kept" || fail "figure caption kept"
[ "$(q "len([b for b in d['blocks'] if b['type']=='paragraph'])")" = 4 ] && pass "paragraphs around images kept" || fail "paragraphs around images kept"
w() { grep -c "$1" "$OUT/page.err"; }
[ "$(w 'outside the page')" -ge 4 ] && pass "../, absolute and symlinked paths refused with a warning" || fail "escapes refused ($(w 'outside the page'))"
[ "$(w 'file: URL')" -ge 1 ] && pass "file: URL refused with a warning" || fail "file: URL refused"
grep -q '2 remote images not fetched' "$OUT/page.err" && pass "remote images not fetched, with a warning" || fail "remote images warned"
[ "$(w 'corrupt')" -ge 1 ] && pass "corrupt PNG skipped with a warning" || fail "corrupt PNG skipped"
[ "$(w 'not an image')" -ge 1 ] && pass "non-image file skipped with a warning" || fail "non-image skipped"
[ "$(w 'too large')" -ge 1 ] && pass "oversized image refused before decoding" || fail "oversized image refused"
[ "$(w 'not found')" -ge 1 ] && pass "missing image reported" || fail "missing image reported"
grep -q 'root:' "$OUT/page.json" && fail "no /etc/passwd content" || pass "no /etc/passwd content"
# Images reach the PDF and the EPUB (when those commands are built).
if bt pdf "$P/page.html" -o "$OUT/page.pdf" 2>"$OUT/pdf.err"; then
    if have pdfimages; then
        n=$(pdfimages -list "$OUT/page.pdf" 2>/dev/null | awk 'NR>2 && $3=="image"' | wc -l)
        [ "$n" -ge 4 ] && pass "images in the PDF ($n)" || fail "images in the PDF ($n)"
    else skip "images in the PDF (pdfimages missing)"; fi
else
    grep -q 'not built' "$OUT/pdf.err" && skip "images in the PDF (pdf not built)" || fail "pdf of an HTML page with images"
fi
if bt epub "$P/page.html" -o "$OUT/page.epub" 2>"$OUT/epub.err"; then
    n=$(unzip -Z1 "$OUT/page.epub" 2>/dev/null | grep -ciE '\.(png|jpe?g)$')
    [ "$n" -ge 4 ] && pass "images in the EPUB ($n)" || fail "images in the EPUB ($n)"
else
    grep -q 'not built' "$OUT/epub.err" && skip "images in the EPUB (epub not built)" || fail "epub of an HTML page with images"
fi
# Without a folder (stdin) nothing local is read, data: URIs still work.
if bt parse --json - <"$P/page.html" >"$OUT/stdin.json" 2>/dev/null; then
    n=$(python3 -c "import json,sys;d=json.load(open(sys.argv[1]));print(len([b for b in d['blocks'] if b['type']=='image']))" "$OUT/stdin.json")
    [ "$n" -le 1 ] && pass "page from stdin reads no local files ($n image)" || fail "page from stdin reads no local files ($n)"
else
    fail "page from stdin parses"
fi

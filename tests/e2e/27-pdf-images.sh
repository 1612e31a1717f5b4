#!/bin/sh
# Images in the PDF: by default every image keeps its pixels and a JPEG's bytes pass through
# untouched; --image-dpi N downsamples images finer than N pixels per inch at their printed size
# (a JPEG stays a JPEG, a PNG keeps its transparency), which makes an image-heavy page smaller.
# The test images are made here: PNGs by Python, JPEGs (RGB and Adobe CMYK) by pdftoppm.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
for t in python3 pdftoppm pdfimages qpdf pdftotext; do
    have $t || { skip "pdf images ($t not installed)"; exit 0; }
done
P=$OUT/page; mkdir -p "$P/page_files"
python3 - "$P/page_files" <<'PY'
import random, struct, sys, zlib
random.seed(7)
d = sys.argv[1]
def chunk(t, b): return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b) & 0xffffffff)
def png(w, h, ct, rows):
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, ct, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(b''.join(b'\0' + r for r in rows), 6)) + chunk(b'IEND', b''))
# a photo-like RGB picture: smooth gradients with a little grain
w, h = 1600, 1200
grain = [random.randint(0, 6) for _ in range(4099)]
rows = []
for y in range(h):
    gy = y * 31
    rows.append(bytes(v for x in range(w) for g in (grain[(gy + x * 7) % 4099],)
                      for v in (x * 240 // w + g, y * 240 // h + g, 60 + (x + y) * 120 // (w + h) + g)))
open(f'{d}/photo.png', 'wb').write(png(w, h, 2, rows))
# RGBA with real transparency (a checkerboard of opaque and 35 % alpha)
rows = [bytes(v for x in range(1200) for v in (x * 255 // 1200, 80, y * 255 // 900, 255 if (x // 100 + y // 100) % 2 else 90))
        for y in range(900)]
open(f'{d}/alpha.png', 'wb').write(png(1200, 900, 6, rows))
PY
bt pdf -q "$FIX/text/000-seed.txt" -o "$OUT/seed.pdf"
pdftoppm -jpeg -r 150 -f 1 -l 1 -singlefile "$OUT/seed.pdf" "$P/page_files/scan"
pdftoppm -jpegcmyk -r 100 -f 1 -l 1 -singlefile "$OUT/seed.pdf" "$P/page_files/cmyk"
cat >"$P/page.html" <<'HTML'
<html lang="vi"><head><meta charset="utf-8"><title>Trang nhiều ảnh</title></head><body><article>
<h1>Trang nhiều ảnh</h1>
<p>Bài viết có bốn ảnh lớn: một bản quét JPEG, một ảnh chụp PNG, một PNG trong suốt và một JPEG CMYK.</p>
<figure><img src="page_files/scan.jpg" alt="Bản quét"><figcaption>Bản quét JPEG</figcaption></figure>
<p>Đoạn hai của bài viết.</p>
<figure><img src="page_files/photo.png" alt="Ảnh chụp"><figcaption>Ảnh chụp PNG</figcaption></figure>
<figure><img src="page_files/alpha.png" alt="Trong suốt"><figcaption>PNG trong suốt</figcaption></figure>
<figure><img src="page_files/cmyk.jpg" alt="CMYK"><figcaption>JPEG CMYK</figcaption></figure>
<p>Đoạn cuối của bài viết.</p>
</article></body></html>
HTML
# (columns of pdfimages -list: page num type width height color comp bpc enc interp object id x-ppi y-ppi ...)
list() { pdfimages -list "$1" 2>/dev/null | awk 'NR > 2 && $3 == "image" { print $4, $5, $6, $9, $13, $14 }'; }

bt pdf -q "$P/page.html" -o "$OUT/full.pdf" && pass "images: a page of four large images converts" \
    || fail "images: conversion failed"
list "$OUT/full.pdf" >"$OUT/full.list"
[ "$(awk '{ print $1 "x" $2, $3, $4 }' "$OUT/full.list" | tr '\n' ' ')" = \
  "1241x1754 rgb jpeg 1600x1200 rgb image 1200x900 rgb image 827x1170 cmyk jpeg " ] \
    && pass "images: without --image-dpi every image keeps its pixel size" \
    || fail "images: pixel sizes without --image-dpi: $(tr '\n' ' ' <"$OUT/full.list")"
mkdir -p "$OUT/raw"
pdfimages -all "$OUT/full.pdf" "$OUT/raw/i" 2>/dev/null
cmp -s "$OUT/raw/i-000.jpg" "$P/page_files/scan.jpg" && cmp -s "$OUT/raw/i-004.jpg" "$P/page_files/cmyk.jpg" \
    && pass "images: without --image-dpi the JPEGs pass through byte for byte" \
    || fail "images: a JPEG's bytes changed without --image-dpi"

bt pdf -q --image-dpi 150 "$P/page.html" -o "$OUT/dpi.pdf" && pass "images: --image-dpi 150 converts" \
    || fail "images: --image-dpi 150 failed"
list "$OUT/dpi.pdf" >"$OUT/dpi.list"
full=$(wc -c <"$OUT/full.pdf"); small=$(wc -c <"$OUT/dpi.pdf")
[ "$small" -lt $((full * 6 / 10)) ] && pass "images: --image-dpi 150 shrinks the PDF ($((full / 1024)) KB -> $((small / 1024)) KB)" \
    || fail "images: --image-dpi 150 did not shrink the PDF enough ($full -> $small bytes)"
awk '$5 > 151 || $6 > 151 { bad = bad " " $1 "x" $2 "@" $5 } END { if (bad) { print bad; exit 1 } }' "$OUT/dpi.list" >"$OUT/bad.txt" \
    && [ "$(wc -l <"$OUT/dpi.list")" = 4 ] \
    && pass "images: every image at most 150 ppi as printed ($(awk '{ print $1 "x" $2 "@" $5 }' "$OUT/dpi.list" | tr '\n' ' '))" \
    || fail "images: images above 150 ppi:$(cat "$OUT/bad.txt") ($(wc -l <"$OUT/dpi.list") images)"
paste -d ' ' "$OUT/full.list" "$OUT/dpi.list" | awk '$1 * $2 <= $7 * $8 { bad = 1 } END { exit bad }' \
    && pass "images: each image has fewer pixels than the original" || fail "images: an image was not reduced"
[ "$(awk '{ print $3, $4 }' "$OUT/dpi.list" | tr '\n' ' ')" = "rgb jpeg rgb image rgb image cmyk jpeg " ] \
    && pass "images: JPEGs stay JPEGs (RGB and CMYK), PNGs stay lossless" \
    || fail "images: colour or coding changed: $(tr '\n' ' ' <"$OUT/dpi.list")"
pdfimages -list "$OUT/dpi.pdf" 2>/dev/null | awk 'NR > 2 && $3 == "smask"' | grep -q . \
    && pass "images: the transparent PNG keeps its soft mask" || fail "images: the soft mask was lost"
qpdf --check "$OUT/dpi.pdf" >/dev/null 2>&1 && pass "images: qpdf --check clean with --image-dpi" || fail "images: qpdf --check"
pdftotext "$OUT/dpi.pdf" - 2>/dev/null | grep -q 'Đoạn cuối của bài viết' && pass "images: the text is unchanged" \
    || fail "images: text lost with --image-dpi"
# The pictures still look the same: both PDFs rendered small, pixel by pixel (mean difference).
pdftoppm -r 24 "$OUT/full.pdf" "$OUT/rf" 2>/dev/null; pdftoppm -r 24 "$OUT/dpi.pdf" "$OUT/rd" 2>/dev/null
python3 - "$OUT" >"$OUT/diff.txt" <<'PY'
import glob, sys
def ppm(p):
    b = open(p, 'rb').read(); parts = b.split(maxsplit=4)
    return int(parts[1]), int(parts[2]), parts[4]
o = sys.argv[1]; worst = 0
for f in sorted(glob.glob(o + '/rf-*.ppm')):
    w1, h1, a = ppm(f); w2, h2, b = ppm(f.replace('/rf-', '/rd-'))
    if (w1, h1) != (w2, h2): print(999); sys.exit()
    worst = max(worst, sum(abs(x - y) for x, y in zip(a, b)) / len(a))
print(f'{worst:.2f}')
PY
awk '{ exit !($1 < 3) }' "$OUT/diff.txt" && pass "images: pages look the same at 24 dpi (mean difference $(cat "$OUT/diff.txt") of 255)" \
    || fail "images: downsampled pages look different (mean difference $(cat "$OUT/diff.txt"))"
bt pdf -q --image-dpi 150 "$P/page.html" -o "$OUT/dpi2.pdf"
check "images: --image-dpi output is the same twice" cmp "$OUT/dpi.pdf" "$OUT/dpi2.pdf"
# a limit above every image's resolution changes nothing
bt pdf -q --image-dpi 2400 "$P/page.html" -o "$OUT/dpi-high.pdf"
check "images: --image-dpi above every image's resolution gives the same bytes as without" \
    cmp "$OUT/full.pdf" "$OUT/dpi-high.pdf"
for bad in 0 abc 35 2401 ''; do
    bt pdf -q --image-dpi "$bad" "$P/page.html" -o "$OUT/bad.pdf" >/dev/null 2>"$OUT/bad.err"; rc=$?
    [ "$rc" = 2 ] && grep -q 'image-dpi' "$OUT/bad.err" && pass "images: --image-dpi '$bad' is a usage error" \
        || fail "images: --image-dpi '$bad' gave exit $rc"
done

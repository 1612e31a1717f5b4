#!/bin/sh
# PDF/A: bantin pdf --pdfa writes PDF/A-2a, and with --embed-source PDF/A-3a carrying the
# article's source byte for byte. Debian has no PDF/A validator: tests/pdfa.py checks each rule
# docs/pdfa.md claims, one line per ISO 19005-2 clause, reading the file through qpdf's JSON.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
for t in qpdf python3 mutool pdfdetach pdfinfo; do
    have $t || { skip "pdf/a checks ($t not installed)"; exit 0; }
done
A="python3 tests/pdfa.py"
seed="$FIX/text/000-seed.txt"

bt pdf -q --pdfa "$seed" -o "$OUT/seed.pdf" && pass "pdfa: --pdfa converts the seed" || fail "pdfa: --pdfa exit $?"
$A "$OUT/seed.pdf" seed
sz=$(wc -c <"$OUT/seed.pdf")
[ "$sz" -le 25600 ] && pass "pdfa: the seed with PDF/A and tags is at most 25 KB ($sz bytes)" \
    || fail "pdfa: the seed with PDF/A is $sz bytes (> 25 KB)"
bt pdf -q --pdfa "$seed" -o "$OUT/seed2.pdf"
check "pdfa: same bytes twice (SOURCE_DATE_EPOCH)" cmp "$OUT/seed.pdf" "$OUT/seed2.pdf"
pdfinfo "$OUT/seed.pdf" 2>/dev/null | grep -q '^Tagged: *yes' && pass "pdfa: pdfinfo says Tagged" || fail "pdfa: not tagged"
qpdf --check "$OUT/seed.pdf" >/dev/null 2>&1 && pass "pdfa: qpdf --check clean" || fail "pdfa: qpdf --check"

# Metadata that needs escaping: & < > and quotes in the title, the same in XMP and Info.
printf 'Tin & <thử> "nghiệm"\n\n14:00 | 27/05/2023 | AN NINH – QUỐC PHÒNG\n\nMột đoạn văn ngắn.\n' >"$OUT/amp.txt"
bt pdf -q --pdfa "$OUT/amp.txt" -o "$OUT/amp.pdf"
$A "$OUT/amp.pdf" "title with & < >"

# --embed-source: PDF/A-3a, and pdfdetach gives back the exact bytes.
bt pdf -q --pdfa --embed-source "$seed" -o "$OUT/src.pdf"
$A "$OUT/src.pdf" embed-source
mkdir -p "$OUT/det"
pdfdetach -list "$OUT/src.pdf" 2>/dev/null | grep -q '000-seed.txt' && pass "embed-source: pdfdetach lists the source file" \
    || fail "embed-source: pdfdetach -list ($(pdfdetach -list "$OUT/src.pdf" 2>&1 | tr '\n' ' '))"
pdfdetach -saveall -o "$OUT/det" "$OUT/src.pdf" 2>/dev/null
cmp -s "$OUT/det/000-seed.txt" "$seed" && pass "embed-source: pdfdetach saves the source byte for byte" \
    || fail "embed-source: saved file differs from the source"
cp "$FIX/html/synthetic/dantri-like.html" "$OUT/page.html"
bt pdf -q --embed-source "$OUT/page.html" -o "$OUT/page-src.pdf"
python3 tests/pdfjson.py attachments "$OUT/page-src.pdf" >"$OUT/att.txt" 2>&1
grep -q '^page.html text/html Source ' "$OUT/att.txt" && pass "embed-source: an HTML page is embedded as text/html, relationship Source" \
    || fail "embed-source: HTML attachment ($(cat "$OUT/att.txt"))"
printf 'Từ stdin\n\nMột đoạn.\n' | bt pdf --embed-source - -o "$OUT/stdin.pdf" 2>"$OUT/stdin.err"
grep -q 'not read from a file' "$OUT/stdin.err" && pass "embed-source: stdin input warns that no source is embedded" \
    || fail "embed-source: stdin warning ($(cat "$OUT/stdin.err"))"

# A page with images, captions, a list and a link; several articles in one PDF.
mkdir -p "$OUT/page"
cp "$FIX/pdf/tiny.png" "$OUT/page/anh.png"; cp "$FIX/pdf/tiny.jpg" "$OUT/page/anh2.jpg"
cat >"$OUT/page/bai.html" <<'HTML'
<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Ảnh và liên kết</title>
<link rel="canonical" href="https://example.vn/anh-va-lien-ket.html"></head>
<body><article><h1>Ảnh và liên kết trong PDF/A</h1>
<p>Đoạn mở đầu của bài viết, đủ dài để là một đoạn văn thật sự trong bài báo thử nghiệm này.</p>
<figure><img src="anh.png" alt="Một ngôi nhà"><figcaption>Ngôi nhà nhỏ</figcaption></figure>
<ul><li>Mục thứ nhất</li><li>Mục thứ hai</li></ul>
<figure><img src="anh2.jpg"><figcaption>Ảnh thứ hai</figcaption></figure>
</article></body></html>
HTML
bt pdf -q --pdfa "$OUT/page/bai.html" -o "$OUT/images.pdf"
$A "$OUT/images.pdf" "images and a link"
bt pdf -q --pdfa "$seed" "$FIX/text/001.txt" "$FIX/text/030.txt" -o "$OUT/three.pdf"
$A "$OUT/three.pdf" "three articles"

# The checks can fail: a PDF made without --pdfa has no PDF/A metadata or output intent.
bt pdf -q "$seed" -o "$OUT/plain.pdf"
$A "$OUT/plain.pdf" plain >"$OUT/plain.txt" 2>&1
grep -q '^FAIL: pdfa 6.2.3 ' "$OUT/plain.txt" && grep -q '^FAIL: pdfa 6.6.4 ' "$OUT/plain.txt" \
    && pass "pdfa: the rule checks reject a PDF made without --pdfa (no output intent, no identification)" \
    || fail "pdfa: the checks did not notice a plain PDF"

# A CMYK JPEG (Adobe's inverted convention, as pdftoppm -jpegcmyk and Photoshop write it): PDF/A-2
# forbids DeviceCMYK under an sRGB output intent (6.2.4.3), so --pdfa converts it to RGB with a
# warning; without --pdfa it passes through as DeviceCMYK, which the 6.2.4.3 check rejects.
if have pdftoppm && have pdfimages; then
    mkdir -p "$OUT/cmyk/page_files"
    pdftoppm -jpegcmyk -r 60 -f 1 -l 1 -singlefile "$OUT/seed.pdf" "$OUT/cmyk/page_files/ink"
    printf '<html lang="vi"><head><meta charset="utf-8"><title>Ảnh CMYK</title></head><body><article><h1>Ảnh CMYK</h1><p>Ảnh in bốn màu.</p><figure><img src="page_files/ink.jpg" alt="Trang in"><figcaption>Ảnh CMYK</figcaption></figure></article></body></html>\n' >"$OUT/cmyk/page.html"
    bt pdf -q "$OUT/cmyk/page.html" -o "$OUT/cmyk-plain.pdf" 2>/dev/null
    bt pdf --pdfa "$OUT/cmyk/page.html" -o "$OUT/cmyk.pdf" 2>"$OUT/cmyk.err"
    $A "$OUT/cmyk.pdf" "CMYK JPEG"
    grep -q 'ink.jpg: CMYK JPEG converted to RGB for PDF/A' "$OUT/cmyk.err" \
        && pass "pdfa 6.2.4.3: a CMYK JPEG is converted with a warning naming it" || fail "pdfa 6.2.4.3: no conversion warning"
    c1=$(pdfimages -list "$OUT/cmyk-plain.pdf" 2>/dev/null | awk 'NR > 2 { print $6, $9 }'); c2=$(pdfimages -list "$OUT/cmyk.pdf" 2>/dev/null | awk 'NR > 2 { print $6, $9 }')
    [ "$c1" = "cmyk jpeg" ] && [ "$c2" = "rgb jpeg" ] \
        && pass "pdfa 6.2.4.3: the image is DeviceCMYK without --pdfa, an RGB JPEG with it" || fail "pdfa 6.2.4.3: image colours '$c1' / '$c2'"
    $A "$OUT/cmyk-plain.pdf" "CMYK plain" >"$OUT/cmyk-plain.txt" 2>&1
    grep -q '^FAIL: pdfa 6.2.4.3 ' "$OUT/cmyk-plain.txt" \
        && pass "pdfa 6.2.4.3: the check rejects the DeviceCMYK image of a plain PDF" || fail "pdfa 6.2.4.3: the check missed DeviceCMYK"
    # same picture: the converted page against poppler's own rendering of the CMYK one
    pdftoppm -r 30 "$OUT/cmyk-plain.pdf" "$OUT/cp" 2>/dev/null; pdftoppm -r 30 "$OUT/cmyk.pdf" "$OUT/cr" 2>/dev/null
    d=$(python3 -c '
import sys
def px(p):
    b = open(p, "rb").read().split(maxsplit=4); return b[4]
a, b = px(sys.argv[1]), px(sys.argv[2])
print("%.2f" % (sum(abs(x - y) for x, y in zip(a, b)) / len(a)) if len(a) == len(b) else 999)' "$OUT/cp-1.ppm" "$OUT/cr-1.ppm" 2>/dev/null)
    awk -v d="${d:-999}" 'BEGIN { exit !(d < 4) }' && pass "pdfa 6.2.4.3: the converted image looks like the CMYK one (mean difference $d of 255)" \
        || fail "pdfa 6.2.4.3: converted colours differ (mean difference $d)"
else
    skip "pdfa 6.2.4.3: CMYK JPEG (pdftoppm or pdfimages missing)"
fi

# bantin archive writes PDF/A by default, plain PDFs with --no-pdfa.
mkdir -p "$OUT/asrc"; cp "$seed" "$FIX/text/001.txt" "$OUT/asrc/"
bt archive -q "$OUT/asrc" -o "$OUT/abag" >/dev/null 2>&1
p=$(find "$OUT/abag/data" -name '*.pdf' | LC_ALL=C sort | head -n 1)
[ -n "$p" ] && $A "$p" "archive PDF" | grep -E '^(PASS|FAIL): pdfa (6\.2\.3|6\.6\.4) '
bt archive -q --no-pdfa "$OUT/asrc" -o "$OUT/abag2" >/dev/null 2>&1
p=$(find "$OUT/abag2/data" -name '*.pdf' | LC_ALL=C sort | head -n 1)
[ -n "$p" ] && ! grep -aq 'GTS_PDFA1' "$p" && ! qpdf --qdf --object-streams=disable "$p" - 2>/dev/null | grep -aq 'pdfaid' \
    && pass "archive --no-pdfa: plain PDFs (no output intent, no PDF/A identification)" || fail "archive --no-pdfa"

# The colour profile: deflated once per process (pdf -d runs several documents on threads), so
# every PDF of a batch carries it whole; BANTIN_ICC_PROFILE names another, checked as before.
mkdir -p "$OUT/icc-d"
bt pdf -q --pdfa "$seed" "$FIX/text/001.txt" "$FIX/text/002.txt" -d "$OUT/icc-d"
n=0
for p in "$OUT"/icc-d/*.pdf; do
    qpdf --qdf --object-streams=disable "$p" "$OUT/icc.qdf" 2>/dev/null
    o=$(grep -a -o '/DestOutputProfile [0-9]*' "$OUT/icc.qdf" | awk '{print $2}')
    [ -n "$o" ] && qpdf --show-object="$o" --filtered-stream-data "$OUT/icc.qdf" 2>/dev/null | cmp -s - fonts/sRGB.icc && n=$((n + 1))
done
[ "$n" = 3 ] && pass "pdfa: each PDF of a -d batch carries the sRGB profile byte for byte" \
    || fail "pdfa: $n of 3 PDFs of a -d batch carry the sRGB profile"
printf 'not a profile' >"$OUT/bad.icc"
BANTIN_ICC_PROFILE="$OUT/bad.icc" $BANTIN pdf -q --pdfa "$seed" -o "$OUT/badicc.pdf" 2>"$OUT/badicc.err"
rc=$?
[ "$rc" -ne 0 ] && [ ! -e "$OUT/badicc.pdf" ] && grep -q 'not an RGB ICC profile' "$OUT/badicc.err" \
    && pass "pdfa: a profile that is not one is refused with its name, no PDF written (exit $rc)" \
    || fail "pdfa: bad BANTIN_ICC_PROFILE: exit $rc, $(cat "$OUT/badicc.err")"
BANTIN_ICC_PROFILE="$OUT/nope.icc" $BANTIN pdf -q --pdfa "$seed" -o "$OUT/noicc.pdf" 2>"$OUT/noicc.err"
rc=$?
[ "$rc" -ne 0 ] && [ ! -e "$OUT/noicc.pdf" ] && grep -q 'nope.icc' "$OUT/noicc.err" \
    && pass "pdfa: a missing profile is named in the error, no PDF written (exit $rc)" \
    || fail "pdfa: missing BANTIN_ICC_PROFILE: exit $rc, $(cat "$OUT/noicc.err")"

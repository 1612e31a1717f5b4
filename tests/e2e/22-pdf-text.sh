#!/bin/sh
# PDF text for every reader: words come back exactly through poppler (pdftotext), MuPDF
# (mutool draw -F txt) and the structure tree (pdfinfo -struct-text); real spaces between
# one-letter words; tagged PDF with the running header and footer kept out of the structure;
# Figure with Alt, Caption, lists, quotes and the source URL as a tagged link.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
CHK="python3 tests/pdfcheck.py"
J="python3 tests/pdfjson.py"
for t in pdftotext pdfinfo mutool qpdf python3; do
    have $t || { skip "pdf text checks ($t not installed)"; exit 0; }
done
# the quoted text of `pdfinfo -struct-text`, one element per line
struct_text() { pdfinfo -struct-text "$1" 2>/dev/null | python3 -c 'import re, sys; print("\n".join(re.findall(r"\"(.*)\"", sys.stdin.read())))'; }

mu_fail="" st_fail="" tag_fail="" art_fail="" n=0
for f in "$FIX"/text/*.txt; do
    b=$(basename "$f" .txt); n=$((n + 1))
    bt pdf -q "$f" -o "$OUT/$b.pdf" 2>/dev/null || { tag_fail="$tag_fail $b:exit"; continue; }
    mutool draw -q -F txt -o "$OUT/$b.mu" "$OUT/$b.pdf" 2>/dev/null
    $CHK words "$f" "$OUT/$b.mu" >"$OUT/$b.muc" || mu_fail="$mu_fail $b[$(cut -c1-50 "$OUT/$b.muc")]"
    struct_text "$OUT/$b.pdf" >"$OUT/$b.st"
    $CHK words "$f" "$OUT/$b.st" >"$OUT/$b.stc" || st_fail="$st_fail $b[$(cut -c1-50 "$OUT/$b.stc")]"
    grep -q 'Trang [0-9]' "$OUT/$b.st" && art_fail="$art_fail $b"
    pdfinfo "$OUT/$b.pdf" 2>/dev/null | grep -q '^Tagged: *yes' || tag_fail="$tag_fail $b"
done
[ -z "$mu_fail" ] && pass "text: MuPDF (mutool draw -F txt) gives back every word ($n articles)" || fail "text: MuPDF:$mu_fail"
[ -z "$st_fail" ] && pass "text: the structure tree (pdfinfo -struct-text) gives back every word in order ($n articles)" \
    || fail "text: structure text:$st_fail"
[ -z "$art_fail" ] && pass "tags: footers and running headers are artifacts, absent from the structure text" \
    || fail "tags: page numbers in the structure text:$art_fail"
[ -z "$tag_fail" ] && pass "tags: pdfinfo says Tagged: yes ($n articles)" || fail "tags: not tagged:$tag_fail"

# The running header of page 2 (the title again) is not in the structure text either.
seed="$FIX/text/000-seed.txt"
title=$(head -n 1 "$seed")
[ "$(grep -cF "$title" "$OUT/000-seed.st")" -eq 1 ] && pass "tags: the title is in the structure once (running header is an artifact)" \
    || fail "tags: title appears $(grep -cF "$title" "$OUT/000-seed.st") times in the structure text"
$J tree "$OUT/000-seed.pdf" >"$OUT/seed.tree" 2>&1
head -n 4 "$OUT/seed.tree" | tr '\n' ' ' | grep -q '^Document H1\|^Document P H1' && pass "tags: Document, then the category line and the title (H1)" \
    || fail "tags: structure starts $(head -n 4 "$OUT/seed.tree" | tr '\n' ' ')"

# Every Vietnamese letter as a one-letter word, precomposed and decomposed (NFD) input: the
# spaces come back through every reader.
python3 - "$OUT" <<'PY'
import sys, unicodedata
low = [unicodedata.normalize('NFC', v + t) for v in 'aăâeêioôơuưy' for t in ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323']]
low = [c for c in low if not c.isascii()] + ['đ', 'a', 'e', 'o']
w = ' '.join(low + [c.upper() for c in low])
for name, form in (('nfc', 'NFC'), ('nfd', 'NFD')):
    open(f'{sys.argv[1]}/abc-{name}.txt', 'w', encoding='utf-8').write(
        f"Bảng chữ cái\n\n{unicodedata.normalize(form, w)}\n\n{unicodedata.normalize(form, w)}.\n")
PY
for form in nfc nfd; do
    src="$OUT/abc-$form.txt"
    bt pdf -q "$src" -o "$OUT/abc-$form.pdf" 2>/dev/null
    python3 -c "import sys, unicodedata; print(unicodedata.normalize('NFC', open(sys.argv[1], encoding='utf-8').read()))" "$src" >"$OUT/abc-$form.ref"
    pdftotext "$OUT/abc-$form.pdf" "$OUT/abc-$form.pt" 2>/dev/null
    mutool draw -q -F txt -o "$OUT/abc-$form.mu" "$OUT/abc-$form.pdf" 2>/dev/null
    struct_text "$OUT/abc-$form.pdf" >"$OUT/abc-$form.st"
    for r in pt:poppler mu:MuPDF st:structure; do
        $CHK words "$OUT/abc-$form.ref" "$OUT/abc-$form.${r%%:*}" >"$OUT/abc.c" \
            && pass "text: one-letter words of every Vietnamese letter ($form input) keep their spaces (${r#*:})" \
            || fail "text: one-letter words ($form, ${r#*:}): $(cat "$OUT/abc.c")"
    done
done

# A page with images, a caption, a list, a quote, a heading and a canonical URL.
mkdir -p "$OUT/page"
cp "$FIX/pdf/tiny.png" "$OUT/page/anh.png"; cp "$FIX/pdf/tiny.jpg" "$OUT/page/anh2.jpg"
cat >"$OUT/page/bai.html" <<'HTML'
<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Thử nghiệm cấu trúc</title>
<link rel="canonical" href="https://example.vn/thoi-su/bai-thu-nghiem-cau-truc.html"></head>
<body><article><h1>Thử nghiệm cấu trúc của bài báo</h1>
<p>Đoạn mở đầu của bài viết, đủ dài để là một đoạn văn thật sự trong bài báo thử nghiệm này.</p>
<figure><img src="anh.png" alt="Ảnh một ngôi nhà nhỏ"><figcaption>Ngôi nhà nhỏ bên sông</figcaption></figure>
<h2>Một tiêu đề phụ</h2>
<p>Đoạn văn thứ hai nói về những điều cần biết, cũng đủ dài để thành một đoạn văn hoàn chỉnh.</p>
<ul><li>Mục thứ nhất của danh sách</li><li>Mục thứ hai của danh sách</li></ul>
<blockquote><p>Một câu trích dẫn đáng nhớ của người được phỏng vấn trong bài.</p></blockquote>
<figure><img src="anh2.jpg"><figcaption>Ảnh thứ hai chỉ có chú thích</figcaption></figure>
<p>Đoạn kết của bài viết thử nghiệm, với vài câu cuối cùng để khép lại bài báo.</p>
</article></body></html>
HTML
bt pdf -q "$OUT/page/bai.html" -o "$OUT/page.pdf" 2>"$OUT/page.err"
$J tree "$OUT/page.pdf" >"$OUT/page.tree" 2>&1
for want in Figure Caption H2 L LI Lbl LBody BlockQuote Link; do
    grep -qx "$want" "$OUT/page.tree" || { fail "tags: no $want element ($(tr '\n' ' ' <"$OUT/page.tree"))"; continue; }
    pass "tags: $want element"
done
$J figures-alt "$OUT/page.pdf" >"$OUT/alt.txt" 2>&1 && pass "tags: every Figure has Alt text ($(tr '\n' ' ' <"$OUT/alt.txt"))" \
    || fail "tags: Figure Alt ($(cat "$OUT/alt.txt"))"
grep -q 'Ảnh một ngôi nhà nhỏ' "$OUT/alt.txt" && grep -q 'Ảnh thứ hai chỉ có chú thích' "$OUT/alt.txt" \
    && pass "tags: Alt from the image's alt, else from its caption" || fail "tags: Alt text sources ($(cat "$OUT/alt.txt"))"
$J links "$OUT/page.pdf" >"$OUT/links.txt" 2>&1 && grep -q '^https://example.vn/thoi-su/bai-thu-nghiem-cau-truc.html tagged$' "$OUT/links.txt" \
    && pass "links: the source URL under the title is a tagged link annotation" || fail "links: source URL ($(cat "$OUT/links.txt"))"

# Several articles (contents page, outline, page labels): tests/e2e/24-pdf-contents.sh

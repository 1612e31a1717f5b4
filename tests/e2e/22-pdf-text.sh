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

# An image described in 60 KB (alt: the HTML input keeps an attribute up to 64 KB; about 115 KB as a
# PDF text string) in an article with a 40 KB title, with another article (so the title is an
# Art element's /T): the structure tree's strings are cut to PDF's limit of 32,767 bytes
# (ISO 32000-1 Annex C) at a character, never inside a surrogate pair (the text mixes letters
# outside the BMP in), and end with an ellipsis; the file stays valid. (100 KB, and every place
# of the cut relative to a surrogate pair: test_layout.)
python3 - "$OUT/page" <<'PY'
import sys
d = sys.argv[1]
unit = 'Picture \U0001D4B3 of a small house by the river, seen from the bridge at dawn. '
alt = (unit * (60000 // len(unit.encode('utf-8')))).strip()
title = ('Tiêu đề \U0001D4AF rất dài ' * 1300).strip()
open(f'{d}/alt.txt', 'w', encoding='utf-8').write(alt)
open(f'{d}/title.txt', 'w', encoding='utf-8').write(title)
open(f'{d}/longalt.html', 'w', encoding='utf-8').write(f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>x</title></head><body><article><h1>{title}</h1>
<p>Đoạn mở đầu của bài viết có một ảnh với lời mô tả rất dài, đủ dài để là một đoạn văn thật.</p>
<figure><img src="anh.png" alt="{alt}"></figure>
<p>Đoạn kết của bài viết thử nghiệm với lời mô tả ảnh dài, vài câu cuối cùng để khép lại.</p>
</article></body></html>""")
PY
bt pdf -q "$OUT/page/longalt.html" "$FIX/text/000-seed.txt" -o "$OUT/longalt.pdf" 2>"$OUT/longalt.err"; rc=$?
[ $rc -eq 0 ] && [ -s "$OUT/longalt.pdf" ] && pass "long strings: a 100 KB image description and a 40 KB title convert" \
    || fail "long strings: conversion (rc $rc: $(head -c 200 "$OUT/longalt.err"))"
qpdf --check "$OUT/longalt.pdf" >"$OUT/longalt.qpdf" 2>&1 && ! grep -qi 'warning' "$OUT/longalt.qpdf" \
    && grep -q '^No syntax or stream encoding errors found' "$OUT/longalt.qpdf" \
    && pass "long strings: qpdf --check is clean" || fail "long strings: qpdf --check ($(head -c 300 "$OUT/longalt.qpdf"))"
pdfinfo -struct-text "$OUT/longalt.pdf" >"$OUT/longalt.st" 2>"$OUT/longalt.stw" && [ ! -s "$OUT/longalt.stw" ] \
    && grep -q 'Đoạn kết của bài viết thử nghiệm với lời mô tả ảnh dài' "$OUT/longalt.st" \
    && pass "long strings: pdfinfo -struct-text reads the structure" \
    || fail "long strings: pdfinfo -struct-text ($(head -c 200 "$OUT/longalt.stw"))"
python3 - "$OUT/longalt.pdf" "$OUT/page/alt.txt" "$OUT/page/title.txt" >"$OUT/longalt.cut" 2>&1 <<'PY'
import sys
sys.path.insert(0, 'tests')
import pdfjson
p = pdfjson.Pdf(sys.argv[1])
alt = open(sys.argv[2], encoding='utf-8').read()
title = open(sys.argv[3], encoding='utf-8').read()
def cut(name, v, whole):
    if not isinstance(v, str) or not v.startswith('u:'):  # qpdf gives b:hex for invalid UTF-16
        return f'{name}: not a valid text string ({str(v)[:40]})'
    s = v[2:]
    n = 2 + len(s.encode('utf-16-be'))
    if n > 32767 or len(s) < 10000 or not s.endswith('\u2026') or not whole.startswith(s[:-1]):
        return f'{name}: {n} bytes, {len(s)} characters, ends {s[-3:]!r}, a prefix: {whole.startswith(s[:-1])}'
    print(f'{name} {n} bytes')
    return ''
els = pdfjson.elements(p)
figs = [e for _, s, _, e in els if s == 'Figure']
arts = [e for _, s, _, e in els if s == 'Art' and len(pdfjson.text(e.get('/T'))) > 1000]
bad = [m for m in ([cut('Alt', f.get('/Alt'), alt) for f in figs] + [cut('T', a.get('/T'), title) for a in arts]) if m]
if len(figs) != 1 or len(arts) != 1 or bad:
    print(f'{len(figs)} Figure, {len(arts)} Art with the long title:', '; '.join(bad))
    sys.exit(1)
PY
[ $? -eq 0 ] && pass "long strings: the Figure's Alt and the Art's title cut at a character below 32,767 bytes ($(tr '\n' ' ' <"$OUT/longalt.cut"))" \
    || fail "long strings: $(head -c 300 "$OUT/longalt.cut")"

# Several articles (contents page, outline, page labels): tests/e2e/24-pdf-contents.sh

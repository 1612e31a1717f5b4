#!/bin/sh
# bantin pdf: every corpus article typeset and checked with other people's tools (pdftotext,
# pdffonts, qpdf), text inside the text area, reproducible bytes, metadata.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
CHK="python3 tests/pdfcheck.py"
# A4 geometry (src/out/layout.c): page 595.276 x 841.89, margins left/right 62, top/bottom 68.
A4="595.276 841.89 62 62 68 68"

for t in pdftotext pdffonts qpdf pdfinfo python3; do
    have $t || { skip "pdf checks ($t not installed)"; exit 0; }
done

conv_fail="" text_fail="" warn_fail="" font_fail="" qpdf_fail="" bbox_fail="" n=0
: >"$OUT/checks" # the Python checks of every article, run in one process after the loop
for f in "$FIX"/text/*.txt; do
    b=$(basename "$f" .txt); n=$((n + 1))
    if ! bt pdf -q "$f" -o "$OUT/$b.pdf" 2>"$OUT/$b.err"; then conv_fail="$conv_fail $b"; continue; fi
    pdftotext "$OUT/$b.pdf" "$OUT/$b.out" 2>"$OUT/$b.warn"
    [ -s "$OUT/$b.warn" ] && warn_fail="$warn_fail $b"
    printf '%s\twords\t%s\t%s\n' "$b" "$f" "$OUT/$b.out" >>"$OUT/checks"
    pdffonts "$OUT/$b.pdf" 2>/dev/null | awk 'NR > 2 { n++; if ($(NF-4) != "yes") bad = 1 } END { exit (bad || !n) }' \
        || font_fail="$font_fail $b"
    qpdf --check "$OUT/$b.pdf" >"$OUT/$b.qpdf" 2>&1 && ! grep -qi "warning" "$OUT/$b.qpdf" \
        || qpdf_fail="$qpdf_fail $b"
    pdftotext -bbox "$OUT/$b.pdf" "$OUT/$b.html" 2>/dev/null
    printf '%s\tbbox\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$b" "$OUT/$b.html" $A4 "$(head -n 1 "$f")" >>"$OUT/checks"
done
$CHK batch "$OUT/checks" >"$OUT/checks.out"
nchk=$(grep -cE '^(OK|FAIL)	' "$OUT/checks.out")
[ "$nchk" -eq $(( $(wc -l <"$OUT/checks") )) ] || text_fail="$text_fail [only $nchk checks ran]"
text_fail="$text_fail$(awk -F'\t' '$1 == "FAIL" && $2 == "words" { printf " %s[%s]", $3, substr($4, 1, 60) }' "$OUT/checks.out")"
bbox_fail=$(awk -F'\t' '$1 == "FAIL" && $2 == "bbox" { printf " %s[%s]", $3, substr($4, 1, 80) }' "$OUT/checks.out")
[ -z "$conv_fail" ] && pass "pdf: all $n corpus articles convert" || fail "pdf: conversion failed:$conv_fail"
[ -z "$text_fail" ] && pass "pdf: pdftotext gives back every word in order with exact diacritics ($n articles)" \
    || fail "pdf: words missing:$text_fail"
[ -z "$warn_fail" ] && pass "pdf: pdftotext prints no warnings (valid ToUnicode CMaps)" \
    || fail "pdf: pdftotext warnings:$warn_fail ($(head -n 1 "$OUT/$(echo $warn_fail | cut -d' ' -f1).warn"))"
[ -z "$font_fail" ] && pass "pdf: pdffonts says every font is embedded" || fail "pdf: fonts not embedded:$font_fail"
[ -z "$qpdf_fail" ] && pass "pdf: qpdf --check clean" || fail "pdf: qpdf --check:$qpdf_fail"
[ -z "$bbox_fail" ] && pass "pdf: no word outside the text area (pdftotext -bbox)" || fail "pdf: words outside:$bbox_fail"

seed="$FIX/text/000-seed.txt"

# Subset fonts: a one-article PDF stays small (full Noto Serif faces would be ~170 KB).
sz=$(wc -c <"$OUT/000-seed.pdf" 2>/dev/null || echo 0)
[ "$sz" -gt 0 ] && [ "$sz" -lt 80000 ] && pass "pdf: fonts subset (seed PDF is $sz bytes)" \
    || fail "pdf: seed PDF too large ($sz bytes): fonts not subset"
pdffonts "$OUT/000-seed.pdf" 2>/dev/null | awk 'NR > 2 && $(NF-3) != "yes" { bad = 1 } END { exit bad }' \
    && pass "pdf: pdffonts marks fonts as subsets" || fail "pdf: fonts not marked as subsets"

# Reproducible bytes with SOURCE_DATE_EPOCH, also under another locale.
bt pdf -q "$seed" -o "$OUT/r1.pdf" && bt pdf -q "$seed" -o "$OUT/r2.pdf"
check "pdf: same input twice gives identical bytes (SOURCE_DATE_EPOCH)" cmp "$OUT/r1.pdf" "$OUT/r2.pdf"
loc=$(locale -a 2>/dev/null | grep -iE '^(de_DE|fr_FR|vi_VN|ru_RU)\.utf-?8$' | head -n 1)
if [ -n "$loc" ]; then
    dp=$(LC_ALL=$loc locale decimal_point 2>/dev/null)
    [ "$dp" = "," ] && pass "pdf: locale $loc switched on (decimal point '$dp')" \
        || fail "pdf: locale $loc did not take effect (decimal point '$dp')"
    LC_ALL=$loc bt pdf -q "$seed" -o "$OUT/r3.pdf"
    check "pdf: identical bytes under a comma-decimal locale ($loc)" cmp "$OUT/r1.pdf" "$OUT/r3.pdf"
else
    skip "pdf: comma-decimal locale check (no such locale installed: make deps-test generates de_DE.UTF-8)"
fi
grep -aq "/ID" "$OUT/r1.pdf" && pass "pdf: document has an /ID" || fail "pdf: no /ID in the trailer"
grep -aq "/Lang (vi)" "$OUT/r1.pdf" && pass "pdf: catalog /Lang (vi)" || fail "pdf: no /Lang in the catalog"

# Metadata.
pdfinfo "$OUT/r1.pdf" >"$OUT/info.txt" 2>&1
title=$(head -n 1 "$seed" | sed 's/[[:space:]]*$//')
grep -q "^Title: *$title\$" "$OUT/info.txt" && pass "pdf: Title metadata" || fail "pdf: Title metadata"
grep -q "^Author: *Dương Trường" "$OUT/info.txt" && pass "pdf: Author metadata" || fail "pdf: Author metadata"
grep -q "^Subject: *AN NINH – QUỐC PHÒNG" "$OUT/info.txt" && pass "pdf: Subject = category" || fail "pdf: Subject metadata"
grep -q "^Creator: *bantin [0-9]" "$OUT/info.txt" && pass "pdf: Creator = bantin + version" || fail "pdf: Creator metadata"
want=$(TZ=UTC date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %e %H:%M:%S %Y' | sed 's/  / /g')
got=$(sed -n 's/^CreationDate: *//p' "$OUT/info.txt" | sed 's/  / /g; s/ UTC$//')
[ "$got" = "$want" ] && pass "pdf: CreationDate = SOURCE_DATE_EPOCH" || fail "pdf: CreationDate '$got' want '$want'"
env -u SOURCE_DATE_EPOCH "$BANTIN" pdf -q "$seed" -o "$OUT/nodate.pdf"
pdfinfo "$OUT/nodate.pdf" 2>/dev/null | grep -q "^CreationDate: *Sat May 27 07:00:00 2023" \
    && pass "pdf: CreationDate = the article's date (14:00 +07:00)" || fail "pdf: CreationDate from article date"

# The typeset page: title block, Vietnamese date line, footer page numbers, running header.
pdftotext -layout "$OUT/r1.pdf" "$OUT/r1.txt" 2>/dev/null
grep -q "Thứ Bảy, 27/05/2023, 14:00" "$OUT/r1.txt" && pass "pdf: Vietnamese date line" || fail "pdf: date line missing"
np=$(pdfinfo "$OUT/r1.pdf" | awk '/^Pages:/ { print $2 }')
grep -q "Trang 1/$np" "$OUT/r1.txt" && grep -q "Trang $np/$np" "$OUT/r1.txt" \
    && pass "pdf: footer 'Trang i/n' on every page ($np pages)" || fail "pdf: footer page numbers"
if [ "$np" -gt 1 ]; then
    pdftotext -f 2 -l 2 "$OUT/r1.pdf" - 2>/dev/null | head -n 2 | grep -q "Tỉnh ủy Hải Dương" \
        && pass "pdf: running header with the title on page 2" || fail "pdf: running header missing"
fi

# Several articles in one PDF: each on a new page, with bookmarks (the contents page:
# 24-pdf-contents.sh).
a="$FIX/text/001.txt" b="$FIX/text/025.txt"
bt pdf -q "$seed" "$a" "$b" -o "$OUT/three.pdf"; rc=$?
[ $rc -eq 0 ] && pass "pdf: three articles into one PDF" || fail "pdf: three articles exit $rc"
nb=$(qpdf --json --json-key=outlines "$OUT/three.pdf" 2>/dev/null | python3 -c '
import json, sys
print(len(json.load(sys.stdin).get("outlines", [])))' 2>/dev/null)
[ "$nb" = 4 ] && pass "pdf: four bookmarks (the contents and three articles)" || fail "pdf: bookmarks: got '$nb' want 4"
ok=1
for f in "$seed" "$a" "$b"; do
    first=$(head -n 1 "$f" | cut -c1-20)
    found=0; p=1; pages=$(pdfinfo "$OUT/three.pdf" | awk '/^Pages:/ { print $2 }')
    while [ $p -le "$pages" ]; do
        pdftotext -f $p -l $p "$OUT/three.pdf" - 2>/dev/null | head -n 4 | grep -qF "$first" && found=1
        p=$((p + 1))
    done
    [ $found = 1 ] || ok=0
done
[ $ok = 1 ] && pass "pdf: each article starts at the top of a page" || fail "pdf: an article does not start a page"
pdftotext "$OUT/three.pdf" "$OUT/three.txt" 2>"$OUT/three.warn"
cat "$seed" "$a" "$b" >/dev/null
$CHK words "$b" "$OUT/three.txt" >/dev/null && pass "pdf: multi-article PDF keeps every word" \
    || fail "pdf: words missing in the multi-article PDF"

# -d: one PDF per input, named after the input.
mkdir -p "$OUT/in"; cp "$a" "$OUT/in/a.txt"; cp "$b" "$OUT/in/b.article.txt"
bt pdf -q "$OUT/in/a.txt" "$OUT/in/b.article.txt" -d "$OUT/outdir/"; rc=$?
[ $rc -eq 0 ] && [ -s "$OUT/outdir/a.pdf" ] && [ -s "$OUT/outdir/b.article.pdf" ] \
    && [ "$(ls "$OUT/outdir" | wc -l)" -eq 2 ] && pass "pdf: -d names files after the inputs" \
    || fail "pdf: -d mode (rc $rc: $(ls "$OUT/outdir" 2>/dev/null | tr '\n' ' '))"

# -d with many inputs: rendered several at a time, reported in the inputs' order (one
# "NAME.pdf: 1 article" line each, a duplicate name where it comes), each file the same bytes as
# the article made alone.
mkdir -p "$OUT/many" "$OUT/many-in/dup"
cp "$FIX"/text/*.txt "$OUT/many-in/"
cp "$FIX/text/005.txt" "$OUT/many-in/dup/005.txt"
set -- $(ls "$OUT"/many-in/*.txt | head -20) "$OUT/many-in/dup/005.txt" $(ls "$OUT"/many-in/*.txt | tail -n +21)
bt pdf -v "$@" -d "$OUT/many" 2>"$OUT/many.err"; rc=$?
want=$(for f in "$@"; do case $f in */dup/*) echo "dup" ;; *) basename "$f" .txt ;; esac; done | tr '\n' ' ')
got=$(sed -n -e 's|^bantin: .*/many/\([^/]*\)\.pdf: 1 article.*|\1|p' -e 's|^bantin: .*dup/005.txt: output .*would overwrite.*|dup|p' \
    "$OUT/many.err" | tr '\n' ' ')
[ $rc -eq 1 ] && [ "$got" = "$want" ] && [ "$(ls "$OUT/many" | wc -l)" -eq $(($# - 1)) ] \
    && pass "pdf: -d of $# inputs reports them in order (a duplicate name in its place)" \
    || fail "pdf: -d order (rc $rc; got '$got')"
same=1
for n in 000-seed 007 042; do
    bt pdf -q "$OUT/many-in/$n.txt" -o "$OUT/alone-$n.pdf"
    cmp -s "$OUT/alone-$n.pdf" "$OUT/many/$n.pdf" || same=0
done
[ $same = 1 ] && pass "pdf: -d files equal the articles made alone" || fail "pdf: -d files differ from single runs"

# Paper sizes.
for p in a5:419.528x595.276 letter:612x792; do
    name=${p%%:*} dims=${p#*:}
    bt pdf -q --paper "$name" "$seed" -o "$OUT/p-$name.pdf"
    pdfinfo "$OUT/p-$name.pdf" 2>/dev/null | grep -q "^Page size: *${dims%x*} x ${dims#*x} pts" \
        && pass "pdf: --paper $name" || fail "pdf: --paper $name ($(pdfinfo "$OUT/p-$name.pdf" 2>&1 | grep 'Page size'))"
done
bt pdf -q --paper a5 "$FIX/text/010.txt" -o "$OUT/a5.pdf"
pdftotext -bbox "$OUT/a5.pdf" "$OUT/a5.html" 2>/dev/null
$CHK bbox "$OUT/a5.html" 419.528 595.276 42 42 54 54 "$(head -n 1 "$FIX/text/010.txt")" >"$OUT/a5.bb" \
    && pass "pdf: A5 text inside the text area" || fail "pdf: A5 bbox ($(cat "$OUT/a5.bb"))"
bt pdf -q --paper b7 "$seed" -o "$OUT/b7.pdf" 2>/dev/null; rc=$?
[ $rc -eq 2 ] && [ ! -e "$OUT/b7.pdf" ] && pass "pdf: unknown paper is a usage error (exit 2)" || fail "pdf: --paper b7 exit $rc"

# stdin and stdout.
bt pdf -q - -o - <"$seed" >"$OUT/stdout.pdf"; rc=$?
[ $rc -eq 0 ] && cmp -s "$OUT/stdout.pdf" "$OUT/r1.pdf" && pass "pdf: '-' reads stdin and writes stdout" \
    || fail "pdf: stdin/stdout (rc $rc)"

# --font-dir: another family, found by its file names (Family.ttf + Family-Bold.ttf ...).
mkdir -p "$OUT/fam" "$OUT/junkfont"
cp fonts/NotoSerif-Regular.ttf "$OUT/fam/Other.ttf"; cp fonts/NotoSerif-Bold.ttf "$OUT/fam/Other-Bold.ttf"
cp fonts/NotoSerif-Italic.ttf "$OUT/fam/Other-Oblique.ttf"
bt pdf -q --font-dir "$OUT/fam" "$seed" -o "$OUT/fam.pdf"; rc=$?
nf=$(pdffonts "$OUT/fam.pdf" 2>/dev/null | awk 'NR > 2' | wc -l)
[ $rc -eq 0 ] && [ "$nf" -eq 3 ] && pdftotext "$OUT/fam.pdf" - 2>/dev/null | grep -q "Dương Trường" \
    && pass "pdf: --font-dir finds a family by its file names (Family.ttf, -Bold, -Oblique)" \
    || fail "pdf: --font-dir family (rc $rc, $nf fonts)"
printf 'not a font' >"$OUT/junkfont/Broken-Regular.ttf"
bt pdf -q --font-dir "$OUT/junkfont" "$seed" -o "$OUT/junkfont.pdf" 2>/dev/null; rc=$?
[ $rc -eq 4 ] && [ ! -e "$OUT/junkfont.pdf" ] && pass "pdf: unusable font file: exit 4" || fail "pdf: unusable font (rc $rc)"

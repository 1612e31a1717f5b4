#!/bin/sh
# 26-templates-pdf.sh - PDFs in each bundled template: every text article renders with every word
# back in order (pdftotext; with columns `pdftotext -raw`, the content stream's order, which is the
# PDF's reading order: column after column; poppler's own guess at the order of a page's blocks
# can take a paragraph of the second column before the rest of the first), no word outside the text
# area or across a column gap (pdftotext -bbox, tests/colcheck.py), the structure tree in the same
# order (pdfinfo -struct-text), the last page's columns balanced; a template folder of the tests
# changes header and footer text, colour and margins, adds a masthead with a logo, and the PDF
# shows it.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
have pdftotext || { skip "templates in PDF (poppler-utils missing)"; exit 0; }
CHK="python3 tests/pdfcheck.py"
T=$FIX/text

for tpl in default bao a5; do
    D=$OUT/$tpl; mkdir -p "$D"
    bt pdf -q --template "$tpl" -d "$D" "$T"/*.txt 2>"$OUT/$tpl.err"; rc=$?
    n=$(ls "$T"/*.txt | wc -l); m=$(ls "$D"/*.pdf 2>/dev/null | wc -l)
    [ $rc -eq 0 ] && [ "$n" = "$m" ] && pass "$tpl: $n articles rendered" || { fail "$tpl: rendered $m of $n (rc $rc: $(head -1 "$OUT/$tpl.err"))"; continue; }
    # the geometry the checks hold the words to, as the template states it
    set -- $(bt templates "$tpl" | sed -n 's/.*margins \([0-9.]*\) \([0-9.]*\) \([0-9.]*\) \([0-9.]*\) pt.*, \([0-9]*\) columns*, gap \([0-9.]*\) pt.*/\1 \2 \3 \4 \5 \6/p')
    top=$1 right=$2 bottom=$3 left=$4 cols=$5 gap=$6
    : >"$OUT/$tpl.list"; bad=""
    for f in "$T"/*.txt; do
        b=$(basename "$f" .txt)
        if [ "$tpl" = bao ]; then # (a line ending in a hyphen is joined to the next, as pdftotext does)
            pdftotext -raw "$D/$b.pdf" - 2>>"$D/warn" | python3 -c 'import re, sys; sys.stdout.write(re.sub(r"(\w)-\n(?=\w)", r"\1", sys.stdin.read()))' >"$D/$b.txt"
        else
            pdftotext "$D/$b.pdf" "$D/$b.txt" 2>>"$D/warn"
        fi
        pdftotext -bbox "$D/$b.pdf" "$D/$b.html" 2>/dev/null
        printf '%s\twords\t%s\t%s\n' "$b" "$f" "$D/$b.txt" >>"$OUT/$tpl.list"
        python3 tests/colcheck.py "$D/$b.html" "$left" "$right" "$top" "$bottom" "$cols" "$gap" >"$D/$b.col" || bad="$bad $b:$(cut -c1-90 "$D/$b.col")"
    done
    $CHK batch "$OUT/$tpl.list" >"$OUT/$tpl.words" 2>&1
    nbad=$(grep -c '^FAIL' "$OUT/$tpl.words")
    [ "$nbad" = 0 ] && [ ! -s "$D/warn" ] && pass "$tpl: every word back, in order, no pdftotext warning" \
        || fail "$tpl: words ($nbad articles: $(grep -m1 '^FAIL' "$OUT/$tpl.words" | cut -c1-140))"
    [ -z "$bad" ] && pass "$tpl: no word outside the text area$( [ "$cols" -gt 1 ] && echo " or its column")" \
        || fail "$tpl: words out of place:$(echo "$bad" | cut -c1-200)"
done

# the structure tree reads the columns one after the other, like the text
if pdfinfo -struct-text "$OUT/bao/000-seed.pdf" 2>/dev/null |
       python3 -c 'import re, sys; print("\n".join(re.findall(r"\"(.*)\"", sys.stdin.read())))' >"$OUT/struct.txt" &&
   [ -s "$OUT/struct.txt" ]; then
    $CHK words "$T/000-seed.txt" "$OUT/struct.txt" >"$OUT/struct.out" 2>&1 \
        && pass "bao: the structure tree holds every word in reading order ($(cat "$OUT/struct.out"))" \
        || fail "bao: structure tree order ($(head -1 "$OUT/struct.out"))"
else
    skip "bao: structure tree order (pdfinfo -struct-text unavailable)"
fi

# balanced: on the last page of a two-column article, the columns end within three lines
python3 - "$OUT/bao" <<'PY'
import glob, re, sys
worst = (0, '')
for h in sorted(glob.glob(sys.argv[1] + '/*.html')):
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', open(h, encoding='utf-8').read(), re.S)
    w, ph, body = float(pages[-1][0]), float(pages[-1][1]), pages[-1][2]
    ws = [(float(a), float(d)) for a, d in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">', body)]
    text = [(x, y) for x, y in ws if y < ph - 60]
    left = [y for x, y in text if x < w / 2 - 10]
    right = [y for x, y in text if x >= w / 2]
    if not left or not right:
        continue
    d = abs(max(left) - max(right))
    if d > worst[0]:
        worst = (d, h.split('/')[-1])
ok = worst[0] <= 3 * 9.6 * 1.38 + 4  # three lines (a paragraph of three cannot be split: no widow, no orphan)
print(('PASS' if ok else 'FAIL') + f': bao: last pages balanced (columns end within {worst[0]:.1f} pt{", " + worst[1] if worst[1] else ""})')
PY

# a template folder of the tests: header and footer text, header colour, margins
C=$FIX/templates/custom
bt pdf -q --template "$C" "$T/000-seed.txt" -o "$OUT/custom.pdf"; rc=$?
pdftotext "$OUT/custom.pdf" "$OUT/custom.txt" 2>/dev/null
grep -q '^BÁO THỬ 1/[0-9]' "$OUT/custom.txt" && grep -q 'Sở Thử Nghiệm · trang 2' "$OUT/custom.txt" && [ $rc -eq 0 ] \
    && pass "custom template: its header and footer text (placeholders filled)" || fail "custom template: header/footer text (rc $rc)"
pdftotext -bbox "$OUT/custom.pdf" "$OUT/custom.html" 2>/dev/null
python3 - "$OUT/custom.html" <<'PY'
import re, sys
mm = 72 / 25.4
h = open(sys.argv[1], encoding='utf-8').read()
ws = [(float(a), float(b), float(c), float(d)) for a, b, c, d in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">', h)]
pw = float(re.search(r'<page width="([\d.]+)"', h).group(1))
ph = float(re.search(r'height="([\d.]+)"', h).group(1))
body = [w for w in ws if 30 * mm < w[1] and w[3] < ph - 28 * mm]
lo, hi = min(w[0] for w in body), max(w[2] for w in body)
ok = abs(lo - 35 * mm) < 0.6 and hi <= pw - 25 * mm + 0.6 and hi > pw - 25 * mm - 3
print(('PASS' if ok else 'FAIL') + f': custom template: its margins (text from x {lo:.2f} to {hi:.2f}, want {35 * mm:.2f} to {pw - 25 * mm:.2f})')
PY
if have qpdf; then
    qpdf --qdf --object-streams=disable "$OUT/custom.pdf" "$OUT/custom-q.pdf" 2>/dev/null
    grep -a -q '^0 0.333 0.667 rg' "$OUT/custom-q.pdf" && pass "custom template: its header colour (#0055AA) is drawn" \
        || fail "custom template: header colour not found"
else
    skip "custom template: colour (qpdf missing)"
fi
if have pdfimages; then
    pdfimages -list "$OUT/custom.pdf" 2>/dev/null | awk 'NR > 2 && $1 == 1 && $4 == 120 && $5 == 40 {f = 1} END {exit !f}' \
        && pass "custom template: its masthead logo is drawn on the first page" || fail "custom template: logo not drawn"
else
    skip "custom template: logo (pdfimages missing)"
fi
# --paper still chooses the paper with a template
bt pdf -q --template bao --paper a5 "$T/001.txt" -o "$OUT/bao-a5.pdf" &&
    pdfinfo "$OUT/bao-a5.pdf" | grep -q 'Page size: *419.528 x 595.276' \
    && pass "bao on --paper a5: the template on another paper" || fail "bao on --paper a5"

#!/bin/sh
# 25-templates.sh - templates: `bantin templates` lists the bundled ones and checks a folder;
# --template on epub takes the template's stylesheet and fonts; every broken template gives one
# line naming its file and key, exit 4, and nothing written (pdf, epub, archive); --font-dir means the same family
# folder for EPUB as for PDF.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
seed=$FIX/text/000-seed.txt

# --- listing ----------------------------------------------------------------------------------
bt templates >"$OUT/list" 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(awk '{print $1}' "$OUT/list" | tr '\n' ' ')" = "a5 bao default " ] \
    && pass "templates: lists a5, bao, default" || fail "templates: list (rc $rc: $(head -3 "$OUT/list" | tr '\n' '|'))"
bt templates bao >"$OUT/bao" 2>&1 && grep -q "2 columns" "$OUT/bao" && grep -q "masthead yes" "$OUT/bao" \
    && pass "templates bao: two columns and a masthead" || fail "templates bao ($(head -2 "$OUT/bao" | tr '\n' '|'))"

# --- bad templates: one line naming file and key, exit 4, nothing written ------------------------
B=$OUT/bad; mkdir -p "$B"
badtpl() { # NAME JSON KEY-EXPECTED
    mkdir -p "$B/$1"; printf '%s\n' "$2" >"$B/$1/template.json"
    for cmd in epub pdf archive; do
        rm -rf "$OUT/$1.$cmd"
        if [ $cmd = archive ]; then bt archive -q --template "$B/$1" "$FIX/text" -o "$OUT/$1.$cmd" 2>"$OUT/$1.err"; rc=$?
        else bt $cmd --template "$B/$1" "$seed" -o "$OUT/$1.$cmd" 2>"$OUT/$1.err"; rc=$?; fi
        lines=$(wc -l <"$OUT/$1.err")
        if [ $rc -eq 4 ] && [ "$lines" -eq 1 ] && [ ! -e "$OUT/$1.$cmd" ] &&
           grep -q "^bantin: $B/$1/template.json:$3" "$OUT/$1.err"; then
            pass "bad template ($1): $cmd says $(cut -c1-110 "$OUT/$1.err" | sed "s|$B/||")"
        else
            fail "bad template ($1): $cmd rc $rc, $lines lines: $(head -2 "$OUT/$1.err" | tr '\n' '|')"
        fi
    done
}
badtpl unknown-key '{"page": {"colums": 2}}' ' page.colums: unknown key'
badtpl wrong-type '{"styles": {"title": {"size": [1]}}}' ' styles.title.size: must be a length'
badtpl missing-font '{"fonts": {"dir": "polices"}}' ' fonts.dir: .*not found'
badtpl missing-logo '{"masthead": {"logo": "logo.png"}}' ' masthead.logo: .*not found'
badtpl margins '{"page": {"margins": "110mm"}}' ' page.margins: they leave a text area'
badtpl placeholder '{"footer": {"center": "{trang}"}}' ' footer.center: unknown placeholder'
badtpl colour '{"colors": {"text": "black"}}' ' colors.text: must be a colour'
badtpl json '{"page": }' '1:[0-9]*: invalid JSON'
bt epub --template no-such "$seed" -o "$OUT/none.epub" 2>"$OUT/none.err"; rc=$?
[ $rc -eq 4 ] && [ ! -e "$OUT/none.epub" ] && grep -q 'no template named "no-such"' "$OUT/none.err" \
    && pass "bad template: an unknown name, exit 4" || fail "bad template: unknown name (rc $rc)"

# --- EPUB with templates ----------------------------------------------------------------------
bt epub -q "$seed" -o "$OUT/default.epub" && bt epub -q --template default "$seed" -o "$OUT/default2.epub" \
    && cmp -s "$OUT/default.epub" "$OUT/default2.epub" \
    && pass "epub: --template default is the look without a template" || fail "epub: --template default differs"
bt epub -q --template bao "$seed" -o "$OUT/bao.epub"; rc=$?
unzip -p "$OUT/bao.epub" OEBPS/style.css 2>/dev/null | grep -q "text-indent: 1.2em" && [ $rc -eq 0 ] \
    && pass "epub: --template bao uses bao's epub.css" || fail "epub: bao stylesheet (rc $rc)"
# a template folder of one's own, named by its path, with its own stylesheet
mkdir -p "$OUT/mine"; echo '{"description": "mine"}' >"$OUT/mine/template.json"
printf 'body { color: #123456; }\n' >"$OUT/mine/epub.css"
bt epub -q --template "$OUT/mine" "$seed" -o "$OUT/mine.epub" &&
    unzip -p "$OUT/mine.epub" OEBPS/style.css | grep -q '#123456' \
    && pass "epub: a template folder's own epub.css" || fail "epub: own template folder"
# --font-dir: a family found by its file names, as for PDF (not only NotoSerif-*.ttf)
mkdir -p "$OUT/fam"
cp fonts/NotoSerif-Regular.ttf "$OUT/fam/Other.ttf"; cp fonts/NotoSerif-Bold.ttf "$OUT/fam/Other-Bold.ttf"
cp fonts/NotoSerif-Italic.ttf "$OUT/fam/Other-Oblique.ttf"
bt epub -q --font-dir "$OUT/fam" "$seed" -o "$OUT/fam.epub"; rc=$?
files=$(unzip -Z1 "$OUT/fam.epub" 2>/dev/null | grep '^OEBPS/fonts/' | sort | tr '\n' ' ')
css=$(unzip -p "$OUT/fam.epub" OEBPS/style.css 2>/dev/null)
if [ $rc -eq 0 ] && [ "$files" = "OEBPS/fonts/Other-Bold.ttf OEBPS/fonts/Other-Oblique.ttf OEBPS/fonts/Other.ttf " ] &&
   echo "$css" | grep -q 'font-family: "Other";' && echo "$css" | grep -q 'body { font-family: "Other", serif; }'; then
    pass "epub: --font-dir finds a family by its file names (Other.ttf, -Bold, -Oblique), used by the text"
else
    fail "epub: --font-dir family (rc $rc, files: $files)"
fi
for f in Other.ttf Other-Bold.ttf; do
    a=$(unzip -p "$OUT/fam.epub" "OEBPS/fonts/$f" | wc -c); b=$(wc -c <"$OUT/fam/$f")
    [ "$a" -gt 0 ] && [ "$a" -lt $((b / 4)) ] && pass "epub: $f is subset ($a of $b bytes)" || fail "epub: $f not subset ($a of $b)"
done
if have_epubcheck; then
    java -cp "$epubcheck_jar" tests/e2e/30-epub-check.java "$OUT/bao.epub" "$OUT/fam.epub" "$OUT/mine.epub" >"$OUT/chk" 2>&1
    n=$(grep -c 'No errors or warnings detected' "$OUT/chk")
    [ "$n" = 3 ] && pass "epubcheck: template and font-dir books clean" \
        || fail "epubcheck: template books ($(grep -m1 -E '^(ERROR|WARNING|FATAL)' "$OUT/chk" | cut -c1-150))"
else
    skip "epubcheck of template books (epubcheck missing)"
fi

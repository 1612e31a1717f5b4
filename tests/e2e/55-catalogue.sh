#!/bin/sh
# 55-catalogue.sh - the archive's catalogue: data/index.html in headless Chromium (the page from
# disk and from a web server, the list, the diacritics-blind search, Vietnamese order, keyboard,
# landmarks, links: tests/browser/catalogue.mjs) and the OPDS feeds (element by element, and
# walked like an e-reader app: tests/opdscheck.py, which must also catch a broken feed); the
# catalogue is in the manifests (verify), spelling variants of a category are one, a category
# that disappears takes its feed with it, and --template styles the page.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
SRC=$OUT/src; BAG=$OUT/bag
mkdir -p "$SRC/t" "$SRC/h"
cp "$FIX"/text/*.txt "$SRC/t/"; cp "$FIX"/html/pages/*.html "$SRC/h/"
# the corpus's SỨC KHỎE written three more ways: capitals and the old and new tone placements;
# and a category of its own, renamed later
for v in "sức khoẻ:1" "SỨC KHOẺ:2" "Sức khỏe:3" "Chuyện lạ:4"; do
    printf 'Bài thử về %s số %s\n\n14:00 | 0%s/06/2023 | %s\n\nMột đoạn văn đủ dài để làm thành một bài báo có nội dung, viết cho phép thử.\n\nĐoạn thứ hai của bài.\n' \
        "${v%%:*}" "${v##*:}" "${v##*:}" "${v%%:*}" >"$SRC/t/variant-${v##*:}.txt"
done
bt archive -q "$SRC" -o "$BAG" --source-org "Sở Thông tin thử" >"$OUT/log" 2>&1; rc=$?
[ $rc -eq 0 ] && pass "catalogue: archive built" || fail "catalogue: archive (rc $rc: $(tail -1 "$OUT/log"))"
for f in data/index.html data/opds.xml data/opds/index.xml; do
    grep -q "  $f\$" "$BAG/manifest-sha256.txt" && pass "catalogue: $f in the manifest" || fail "catalogue: $f in the manifest"
done
bt verify "$BAG" >"$OUT/verify" 2>&1 && pass "catalogue: verify passes" || fail "catalogue: verify ($(tail -1 "$OUT/verify"))"
n=$(grep -c 'section class="cat" id="c-suc-khoe"' "$BAG/data/index.html")
h=$(sed -n 's|.*<h2 id="h-suc-khoe">\([^<]*\)<.*|\1|p' "$BAG/data/index.html")
[ "$n" = 1 ] && [ "$h" = "Sức khỏe " ] && pass "catalogue: SỨC KHOẺ, Sức khỏe and sức khoẻ are one category, \"Sức khỏe\"" \
    || fail "catalogue: category variants ($n sections, heading \"$h\")"
[ -e "$BAG/data/opds/cat-chuyen-la.xml" ] && pass "catalogue: a feed per category" || fail "catalogue: a feed per category"
grep -q '<title>Mục lục lưu trữ</title>' "$BAG/data/index.html" && grep -q '<name>Sở Thông tin thử</name>' "$BAG/data/opds.xml" \
    && pass "catalogue: title from the template, --source-org as the feeds' author" || fail "catalogue: title and author"

# --- the page in a browser ---------------------------------------------------------------------
if ! have node; then
    fail "catalogue: browser test (node missing: run make deps-test)"
elif [ ! -d tests/browser/node_modules/puppeteer-core ]; then
    fail "catalogue: browser test (puppeteer-core missing: run make deps-test)"
else
    timeout 180 node tests/browser/catalogue.mjs "$BAG" ${CATALOGUE_SHOT:+"$CATALOGUE_SHOT"} 2>"$OUT/node.err" \
        || { grep -q '^FAIL' "$OUT/node.err" || fail "catalogue: browser test ($(head -c 200 "$OUT/node.err"))"; }
fi

# --- OPDS ---------------------------------------------------------------------------------------
python3 tests/opdscheck.py "$BAG"
# the checker must catch a broken feed: an acquisition link without its media type
mkdir -p "$OUT/broken"; cp -R "$BAG/data" "$OUT/broken/"
python3 - "$OUT/broken/data/opds/cat-suc-khoe.xml" <<'PY'
import sys
p = sys.argv[1]; s = open(p, encoding='utf-8').read()
open(p, 'w', encoding='utf-8').write(s.replace(' type="application/pdf"', '', 1))
PY
python3 tests/opdscheck.py "$OUT/broken" >"$OUT/broken.out" 2>&1
grep -q 'FAIL: opds: opds/cat-suc-khoe.xml entry .*: an acquisition link without a media type' "$OUT/broken.out" \
    && pass "catalogue: the OPDS check catches an acquisition link without a type" \
    || fail "catalogue: the OPDS check missed a broken feed ($(head -1 "$OUT/broken.out"))"

# --- a category that disappears takes its feed with it; the bag stays valid ----------------------
sed -i 's/| Chuyện lạ$/| Đời sống/' "$SRC/t/variant-4.txt"
bt archive -q "$SRC" -o "$BAG" --source-org "Sở Thông tin thử" >"$OUT/log2" 2>&1; rc=$?
[ $rc -eq 0 ] && [ ! -e "$BAG/data/opds/cat-chuyen-la.xml" ] && [ -e "$BAG/data/opds/cat-doi-song.xml" ] \
    && bt verify "$BAG" >/dev/null 2>&1 \
    && pass "catalogue: a category gone: its feed is deleted, the new one written, verify passes" \
    || fail "catalogue: category gone (rc $rc; $(ls "$BAG/data/opds" | tr '\n' ' '))"

# --- the template styles the page ------------------------------------------------------------------
mkdir -p "$OUT/tpl"
printf '{"org": "Báo Thử", "catalogue": {"title": "{org}: kho lưu trữ"}}\n' >"$OUT/tpl/template.json"
printf 'body { background: #abcdef; }\n' >"$OUT/tpl/catalogue.css"
bt archive -q "$SRC/t" -o "$OUT/bag2" --template "$OUT/tpl" >"$OUT/log3" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q '<title>Báo Thử: kho lưu trữ</title>' "$OUT/bag2/data/index.html" \
    && grep -q 'background: #abcdef' "$OUT/bag2/data/index.html" \
    && pass "catalogue: --template gives the page its title ({org}) and stylesheet" \
    || fail "catalogue: --template (rc $rc: $(tail -1 "$OUT/log3"))"
bt archive -q "$SRC/t" -o "$OUT/bag2" >"$OUT/log4" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q 'options' "$OUT/log4" \
    && pass "catalogue: another template on the same archive is refused (exit 2)" \
    || fail "catalogue: template change (rc $rc: $(tail -1 "$OUT/log4"))"

# --- a big archive's catalogue: memory stays flat, the page stays usable ----------------------------
# catalogue-gen writes the catalogue of N made-up articles as an archive does (the records fetched
# when asked for): its peak RSS is the catalogue's own. A catalogue held whole in memory grows by
# kilobytes per article; the streamed one by a fixed summary of each (~100 bytes).
GEN=${UNIT_DIR:-build/tests}/catalogue-gen
BIG=${CATALOGUE_BIG:-30000}
if [ ! -x "$GEN" ]; then
    fail "catalogue: $GEN missing (make units)"
elif [ -n "${BANTIN_SANITIZED:-}" ] || [ ! -x /usr/bin/time ]; then
    # under sanitizers memory says nothing (the plain suite of the same run measures it): no
    # skip for strict mode to fail; without /usr/bin/time it is a skip
    if [ -n "${BANTIN_SANITIZED:-}" ]; then echo "catalogue: peak RSS measured by the plain suite, not under sanitizers"
    else skip "catalogue: peak RSS of a big catalogue (no /usr/bin/time)"; fi
    "$GEN" 2000 "$OUT/big" >/dev/null 2>"$OUT/gen.err" && pass "catalogue: 2,000 made-up articles written" \
        || fail "catalogue: catalogue-gen ($(head -1 "$OUT/gen.err"))"
else
    /usr/bin/time -f %M -o "$OUT/rss-small" env BANTIN_DATA_DIR="$(pwd)" "$GEN" 1000 "$OUT/small" >/dev/null 2>"$OUT/gen.err"; r1=$?
    /usr/bin/time -f %M -o "$OUT/rss-big" env BANTIN_DATA_DIR="$(pwd)" "$GEN" "$BIG" "$OUT/big" >/dev/null 2>>"$OUT/gen.err"; r2=$?
    s=$(tail -1 "$OUT/rss-small"); b=$(tail -1 "$OUT/rss-big")
    # flat: each further article may cost at most 256 bytes at the peak (measured: ~100; a
    # catalogue held whole in memory costs kilobytes). Per article, not a ratio: the fixed part
    # (libraries mapped, fonts) moves with the build and says nothing about the catalogue.
    per=$(( (b - s) * 1024 / (BIG - 1000) ))
    [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$per" -le 256 ] \
        && pass "catalogue: peak RSS $((s / 1024)) MB for 1,000 articles, $((b / 1024)) MB for $BIG ($per bytes per further article)" \
        || fail "catalogue: peak RSS not flat (1,000: $s KB, $BIG: $b KB; exit $r1/$r2: $(head -1 "$OUT/gen.err"))"
    n=$(grep -c 'rel="http://opds-spec.org/acquisition" href="[^"]*" type="application/pdf"' "$OUT/big/opds.xml")
    [ "$n" -eq "$BIG" ] && pass "catalogue: every one of the $BIG articles in opds.xml" \
        || fail "catalogue: opds.xml of $BIG articles holds $n article entries"
    if have node && [ -d tests/browser/node_modules/puppeteer-core ]; then
        timeout 300 node tests/browser/bigpage.mjs "$OUT/big" "$BIG" 2>"$OUT/big.err" \
            || fail "catalogue: big page test ($(head -c 200 "$OUT/big.err"))"
    fi
fi

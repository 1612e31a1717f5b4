#!/bin/sh
# 44-html-site-rules.sh - site rules are data (templates/sites/*.conf) read at run time: a rule
# for the page's host picks the content box and removes boxes; other hosts are unaffected.
. tests/lib.sh
D=$OUT/data
mkdir -p "$D/templates/sites"
[ -d templates ] && cp -R templates/. "$D/templates/" 2>/dev/null
cat >"$D/templates/sites/example-test.conf" <<'EOF2'
# test rules
host example.test
content div#story
remove .promo-box
EOF2
page() { # HOST FILE
    cat >"$2" <<EOF2
<html><head><meta charset="utf-8"><title>Rule test</title>
<link rel="canonical" href="https://www.$1/news/1.html"></head><body>
<div id="story"><p>Short real story text, the one the site rule points at.</p>
<div class="promo-box"><p>Promotional text that the site rule removes from the story box.</p></div></div>
<div id="other"><p>A much longer block of other text that general rules would prefer, because it has many words, commas, and sentences.</p>
<p>Another long paragraph in the other block, again with many words, commas, and sentences, so it scores high.</p>
<p>A third long paragraph in the other block, with yet more words, commas, and sentences to make it win.</p></div>
</body></html>
EOF2
}
page example.test "$OUT/ruled.html"
page example.org "$OUT/free.html"
BANTIN_DATA_DIR=$D bt parse --json "$OUT/ruled.html" >"$OUT/ruled.json" 2>/dev/null
BANTIN_DATA_DIR=$D bt parse --json "$OUT/free.html" >"$OUT/free.json" 2>/dev/null
grep -q 'Short real story' "$OUT/ruled.json" && ! grep -q 'much longer block' "$OUT/ruled.json" \
    && pass "site rule picks the content box" || fail "site rule picks the content box"
grep -q 'Promotional text' "$OUT/ruled.json" && fail "site rule removes a box" || pass "site rule removes a box"
grep -q 'much longer block' "$OUT/free.json" && pass "other hosts use the general rules" || fail "other hosts use the general rules"
printf 'host example.test\nbogus line here\n' >"$D/templates/sites/broken.conf"
BANTIN_DATA_DIR=$D bt parse --json "$OUT/ruled.html" >"$OUT/ruled2.json" 2>/dev/null && grep -q 'Short real story' "$OUT/ruled2.json" \
    && pass "a broken rule file is ignored" || fail "a broken rule file is ignored"

#!/bin/sh
# Byte-identical output: under SOURCE_DATE_EPOCH, every text fixture and saved page converts to the
# same PDF, the same EPUB digest and the same bag (payload and manifests) as recorded in
# tests/fixtures/golden/sums.txt. A change that alters output on purpose regenerates the sums with
#   GOLDEN_UPDATE=1 sh tests/e2e/05-golden.sh
# and the commit says why; any other change to the bytes fails here.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
SUMS=$FIX/golden/sums.txt
got=$OUT/sums.txt; : >"$got"
sum() { # NAME FILE
    if [ -f "$2" ]; then printf '%s  %s\n' "$(sha256sum <"$2" | cut -c1-64)" "$1" >>"$got"
    else printf 'missing  %s\n' "$1" >>"$got"; fi
}
for f in "$FIX"/text/*.txt "$FIX"/html/pages/*.html "$FIX"/html/synthetic/*.html; do
    b=$(basename "$f"); bt pdf -q "$f" -o "$OUT/$b.pdf" 2>/dev/null; sum "pdf/$b" "$OUT/$b.pdf"
done
# bulletins: a contents page, numbering through the document, outline
bt pdf -q "$FIX"/text/000-seed.txt "$FIX"/text/001.txt "$FIX"/text/005.txt "$FIX"/text/002.txt -o "$OUT/four.pdf" 2>/dev/null
sum pdf/bulletin-four "$OUT/four.pdf"
bt pdf -q "$FIX"/text/*.txt -o "$OUT/all.pdf" 2>/dev/null
sum pdf/bulletin-text "$OUT/all.pdf"
bt epub -q "$FIX"/text/*.txt -o "$OUT/digest.epub" --title "Bản tin" --group-by category 2>/dev/null
sum epub/digest-text "$OUT/digest.epub"
bt epub -q "$FIX"/html/pages/*.html -o "$OUT/pages.epub" 2>/dev/null
sum epub/digest-pages "$OUT/pages.epub"
mkdir -p "$OUT/src/t" "$OUT/src/h"
cp "$FIX"/text/*.txt "$OUT/src/t/"; cp "$FIX"/html/pages/*.html "$OUT/src/h/"
bt archive -q --jobs 2 "$OUT/src" -o "$OUT/bag" >/dev/null 2>&1
# (the state file and the tag manifest that hashes it hold source mtimes: not compared)
for f in $(cd "$OUT/bag" && find . -type f ! -path './.bantin/*' ! -name bantin-state.jsonl ! -name tagmanifest-sha256.txt | LC_ALL=C sort); do sum "bag/${f#./}" "$OUT/bag/$f"; done
if [ -n "${GOLDEN_UPDATE:-}" ]; then
    cp "$got" "$SUMS"; pass "golden: sums rewritten ($(wc -l <"$SUMS") files)"; exit 0
fi
[ -f "$SUMS" ] || { fail "golden: $SUMS missing (GOLDEN_UPDATE=1 to create)"; exit 0; }
n=$(wc -l <"$SUMS")
if cmp -s "$SUMS" "$got"; then
    pass "golden: $n outputs byte-identical to the recorded sums"
else
    fail "golden: outputs differ from the recorded sums: $(diff "$SUMS" "$got" | grep '^[<>]' | awk '{print $NF}' | sort -u | head -8 | tr '\n' ' ')"
fi

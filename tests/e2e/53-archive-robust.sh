#!/bin/sh
# Archive robustness: a full disk in the middle of a run (a file-size limit), a damaged or cut
# state file (a clear error naming it, then --rebuild-state from the bag's own payload), a
# damaged commit journal, and symbolic links leading out of the source folder.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT LC_ALL=C
have python3 || { skip "robust (python3 missing)"; exit 0; }
SRC=$OUT/src; BAG=$OUT/bag
mkdir -p "$SRC"
for f in 000-seed 001 002 003; do cp "$FIX/text/$f.txt" "$SRC/"; done
bt archive "$SRC" -o "$BAG" -q || fail "robust: first run"
cp "$BAG/manifest-sha256.txt" "$OUT/manifest.before"
articles() { python3 -c "import json,sys; print(sum(a['status']=='ok' for a in json.load(open(sys.argv[1]))['articles']))" "$1/data/index.json"; }

# --- disk full (a file-size limit: the PDFs, then the digests no longer fit) ---------------------
cp "$FIX"/text/0*.txt "$SRC/"
# (blocks of 512 bytes: 16 stops a temporary font file or the first PDFs, 40 a later PDF, 64 the
# records work file, 128 the largest digest)
for blocks in 16 40 64 128; do
    msg=$( (ulimit -f $blocks; "$BANTIN" archive "$SRC" -o "$BAG" -q) 2>&1); rc=$?
    if [ $rc -eq 3 ] && echo "$msg" | grep -q 'File too large' && echo "$msg" | grep -q 'left as it was'; then
        pass "disk full ($blocks blocks): exit 3, the reason, and that the archive was left as it was"
    else
        fail "disk full ($blocks blocks): exit 3 and a clear message ($rc: $msg)"
    fi
    [ "$(echo "$msg" | wc -l)" -le 1 ] && pass "disk full ($blocks blocks): one message, not one per article" \
        || fail "disk full ($blocks blocks): $(echo "$msg" | wc -l) lines"
    bt verify "$BAG" >/dev/null 2>&1 && cmp -s "$BAG/manifest-sha256.txt" "$OUT/manifest.before" \
        && pass "disk full ($blocks blocks): the previous bag is intact and verifies" \
        || fail "disk full ($blocks blocks): the previous bag is intact and verifies"
    [ ! -e "$BAG/.bantin/journal" ] && [ -z "$(ls -A "$BAG/.bantin/stage" 2>/dev/null)" ] \
        && pass "disk full ($blocks blocks): no journal, no staging left" || fail "disk full ($blocks blocks): leftovers"
done
bt archive "$SRC" -o "$BAG" -q; rc=$?
n=$(articles "$BAG"); want=$(ls "$SRC" | wc -l)
[ $rc -eq 0 ] && [ "$n" = "$want" ] && bt verify "$BAG" >/dev/null 2>&1 \
    && pass "disk full: the next run with room completes ($n articles)" || fail "disk full: next run ($rc, $n of $want)"

# --- a damaged state file -------------------------------------------------------------------------
cp -r "$BAG" "$OUT/good"
ST=$BAG/bantin-state.jsonl
damaged() { # NAME: the run refuses with a message naming the state file and --rebuild-state
    msg=$(bt archive "$SRC" -o "$BAG" -q 2>&1); rc=$?
    [ $rc -eq 3 ] && echo "$msg" | grep -q 'bantin-state.jsonl' && echo "$msg" | grep -q -- '--rebuild-state' \
        && pass "damaged state ($1): exit 3 naming the file and --rebuild-state" || fail "damaged state ($1): ($rc: $msg)"
    cmp -s "$BAG/manifest-sha256.txt" "$OUT/good/manifest-sha256.txt" && pass "damaged state ($1): nothing else touched" \
        || fail "damaged state ($1): the bag was changed"
}
size=$(wc -c <"$ST")
head -c $((size * 2 / 3)) "$OUT/good/bantin-state.jsonl" >"$ST"
damaged "cut in the middle of a line"
head -n 3 "$OUT/good/bantin-state.jsonl" >"$ST"
damaged "cut at a line end"
python3 - "$OUT/good/bantin-state.jsonl" "$ST" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read()); b[len(b) // 2] ^= 0x20
open(sys.argv[2], 'wb').write(b)
PY
damaged "a flipped bit"
printf 'garbage\n' >"$ST"
damaged "not a state file"
# rebuild: from data/index.json; nothing is rendered again, the bag is as before
msg=$(bt archive "$SRC" -o "$BAG" --rebuild-state 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$msg" | grep -q '(0 parsed now' && pass "--rebuild-state: exit 0, no article parsed again" \
    || fail "--rebuild-state: ($rc: $(echo "$msg" | tail -1))"
bt verify "$BAG" >/dev/null 2>&1 && pass "--rebuild-state: the bag verifies" || fail "--rebuild-state: the bag verifies"
diff -r -q -x .bantin -x bantin-state.jsonl -x tagmanifest-sha256.txt "$OUT/good" "$BAG" >/dev/null \
    && pass "--rebuild-state: payload and manifest as before" || fail "--rebuild-state: payload changed"
bt archive "$SRC" -o "$BAG" -q && msg=$(bt archive "$SRC" -o "$BAG" 2>&1) && echo "$msg" | grep -q 'nothing changed' \
    && pass "--rebuild-state: later runs find nothing to do" || fail "--rebuild-state: later runs ($msg)"
# a rebuild needs a sound index
echo '{}' >"$BAG/data/index.json"
msg=$(bt archive "$SRC" -o "$BAG" --rebuild-state 2>&1); rc=$?
[ $rc -eq 3 ] && echo "$msg" | grep -q 'index.json' && pass "--rebuild-state: refuses a damaged data/index.json" \
    || fail "--rebuild-state: damaged index ($rc: $msg)"
rm -rf "$BAG"; cp -r "$OUT/good" "$BAG"

# --- a damaged commit journal is not carried out ------------------------------------------------
printf 'D\tdata/../../outside.txt\nEND\n' >"$BAG/.bantin/journal"
: >"$OUT/outside.txt"
msg=$(bt archive "$SRC" -o "$BAG" -q 2>&1); rc=$?
[ $rc -eq 3 ] && echo "$msg" | grep -q 'journal' && [ -f "$OUT/outside.txt" ] \
    && pass "damaged journal: refused, nothing outside the bag deleted" || fail "damaged journal ($rc: $msg)"
rm -f "$BAG/.bantin/journal"

# --- symbolic links ------------------------------------------------------------------------------
L=$OUT/links; mkdir -p "$L/src/in" "$OUT/elsewhere/dir"
cp "$FIX/text/004.txt" "$L/src/in/real.txt"
cp "$FIX/text/005.txt" "$OUT/elsewhere/secret.txt"
cp "$FIX/text/006.txt" "$OUT/elsewhere/dir/other.txt"
ln -s ../../elsewhere/secret.txt "$L/src/out-link.txt"     # leads out of the source folder
ln -s in/real.txt "$L/src/in-link.txt"                           # stays inside
ln -s ../../elsewhere/dir "$L/src/out-dir"                       # a folder outside
ln -s .. "$L/src/in/loop"                                        # a loop
msg=$(bt archive "$L/src" -o "$L/bag1" 2>&1); rc=$?
python3 - "$L/bag1" <<'PY' >"$L/srcs1"
import json, sys
for a in json.load(open(sys.argv[1] + '/data/index.json'))['articles']: print(a['source']['path'].split('/src/')[-1])
PY
if [ $rc -eq 0 ] && ! grep -q 'out-' "$L/srcs1" && grep -q 'in-link.txt' "$L/srcs1" && grep -q 'in/real.txt' "$L/srcs1"; then
    pass "symlinks: a link out of the source folder is not followed, one inside is"
else
    fail "symlinks: default ($rc: $(tr '\n' ' ' <"$L/srcs1"))"
fi
echo "$msg" | grep -q '1 symbolic link leading out' && pass "symlinks: the skipped link is counted in the summary" \
    || fail "symlinks: skipped link reported ($msg)"
# names of articles with nothing to read behind them: a dangling link, a FIFO (reading it would
# block): skipped, counted in the summary and named with -v, the rest archived
D=$OUT/odd; mkdir -p "$D/src"
cp "$FIX/text/004.txt" "$D/src/real.txt"
ln -s nowhere.txt "$D/src/dangling.txt"
mkfifo "$D/src/pipe.txt"
msg=$(timeout 60 "$BANTIN" archive "$D/src" -o "$D/bag" -v 2>&1); rc=$?
n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['articles']))" "$D/bag/data/index.json" 2>/dev/null)
if [ $rc -eq 0 ] && [ "$n" = 1 ] && echo "$msg" | grep -q '2 article names in the source folders are no file' &&
    echo "$msg" | grep -q 'dangling.txt: warning: a symbolic link to nothing' &&
    echo "$msg" | grep -q 'pipe.txt: warning: not a regular file'; then
    pass "odd entries: a dangling link and a FIFO are skipped, counted and named, the rest archived"
else fail "odd entries ($rc, $n articles: $(echo "$msg" | tr '\n' ' ' | head -c 400))"; fi
msg=$(timeout 60 "$BANTIN" archive "$L/src" -o "$L/bag2" --follow-symlinks -q 2>&1); rc=$?
python3 - "$L/bag2" <<'PY' >"$L/srcs2"
import json, sys
for a in json.load(open(sys.argv[1] + '/data/index.json'))['articles']: print(a['source']['path'].split('/src/')[-1])
PY
grep -q 'out-link.txt' "$L/srcs2" && grep -q 'out-dir/other.txt' "$L/srcs2" && [ $rc -eq 0 ] \
    && pass "symlinks: --follow-symlinks follows files and folders out of the source folder" \
    || fail "symlinks: --follow-symlinks ($rc: $(tr '\n' ' ' <"$L/srcs2"))"
[ "$(grep -c 'real.txt' "$L/srcs2")" = 1 ] && pass "symlinks: a link loop is walked once" \
    || fail "symlinks: loop ($(tr '\n' ' ' <"$L/srcs2"))"

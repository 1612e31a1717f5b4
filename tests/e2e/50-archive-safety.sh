#!/bin/sh
# bantin archive crash safety (SIGKILL at any moment, interrupted commit), the lock, and
# bantin verify detecting changed, missing, unexpected and unusable files.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
SRC=$OUT/src; BAG=$OUT/bag
mkdir -p "$SRC"
for f in 000-seed 001 002 003; do cp "$FIX/text/$f.txt" "$SRC/"; done
chmod -R u+w "$SRC"
bt archive "$SRC" -o "$BAG" -q -j 2 || fail "safety: first run"
# a larger second batch, so that there is time to kill the run in the middle
i=0
for f in "$FIX"/text/0*.txt; do
    for k in 1 2 3; do
        i=$((i + 1))
        { sed -n 1p "$f" | sed "s/\$/ ($k)/"; sed 1d "$f"; echo; echo "Ph\341\272\247n $k."; } > "$SRC/gen-$k-$(basename "$f")"
    done
done

# --- SIGKILL at several moments: the previous bag always verifies; the next run completes --
all_ok=1; killed=0
for delay in 0.05 0.2 0.4 0.7 1.0 1.5; do
    "$BANTIN" archive "$SRC" -o "$BAG" -q -j 2 >/dev/null 2>&1 &
    pid=$!
    sleep $delay
    kill -9 $pid 2>/dev/null && killed=$((killed + 1))
    wait $pid 2>/dev/null
    if [ -f "$BAG/.bantin/journal" ]; then
        : # killed while renaming: the next run must complete it (checked below)
    elif ! bt verify "$BAG" >/dev/null 2>&1; then
        all_ok=0; fail "SIGKILL after ${delay}s left a bag that does not verify"
        bt verify "$BAG" 2>&1 | head -5
        break
    fi
    # restore the previous state for the next round only when the run had completed
done
[ $all_ok = 1 ] && [ $killed -ge 2 ] && pass "SIGKILL at 6 moments ($killed mid-run): the previous bag stays verifiable"
[ $killed -ge 2 ] || fail "SIGKILL: only $killed of 6 runs were still running when killed"
bt archive "$SRC" -o "$BAG" -q -j 2; rc=$?
[ $rc -eq 0 ] && pass "SIGKILL: the next run completes (exit 0)" || fail "SIGKILL: the next run completes ($rc)"
bt verify "$BAG" >/dev/null 2>&1 && pass "SIGKILL: the completed bag verifies" || fail "SIGKILL: the completed bag verifies"
n=$(python3 -c "import json,sys; print(sum(a['status']=='ok' for a in json.load(open(sys.argv[1]))['articles']))" "$BAG/data/index.json")
want=$(ls "$SRC" | wc -l)
[ "$n" = "$want" ] && pass "SIGKILL: every source archived after the rerun ($n)" || fail "SIGKILL: $n of $want sources archived"
[ -z "$(ls -A "$BAG/.bantin/stage" 2>/dev/null)" ] && [ ! -f "$BAG/.bantin/journal" ] \
    && pass "SIGKILL: no staging leftovers" || fail "SIGKILL: staging leftovers"

# --- killed in the middle of a commit (journal written, not carried out) -------------------
cp "$FIX/text/004.txt" "$SRC/"
BANTIN_TEST_CRASH_BEFORE_COMMIT=1 bt archive "$SRC" -o "$BAG" -q >/dev/null 2>&1
[ -f "$BAG/.bantin/journal" ] && pass "interrupted commit: journal left behind" || fail "interrupted commit: journal left behind"
msg=$(bt verify "$BAG" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$msg" | grep -q 'interrupted' && pass "verify: reports an interrupted commit" || fail "verify: reports an interrupted commit ($rc: $msg)"
bt archive "$SRC" -o "$BAG" -q; rc=$?
[ $rc -eq 0 ] && bt verify "$BAG" >/dev/null 2>&1 && grep -q '004.txt' "$BAG/data/index.json" \
    && pass "interrupted commit: the next run completes it" || fail "interrupted commit: the next run completes it ($rc)"

# --- killed half-way through the renames of a commit -------------------------------------------
cp "$FIX/text/005.txt" "$FIX/text/006.txt" "$SRC/"
BANTIN_TEST_CRASH_AFTER_MOVES=2 bt archive "$SRC" -o "$BAG" -q >/dev/null 2>&1
bt verify "$BAG" >/dev/null 2>&1; rc=$?
[ -f "$BAG/.bantin/journal" ] && [ $rc -eq 1 ] && pass "half-done commit: journal kept, verify complains (exit 1)" \
    || fail "half-done commit: journal kept, verify complains (exit $rc)"
bt archive "$SRC" -o "$BAG" -q; rc=$?
[ $rc -eq 0 ] && bt verify "$BAG" >/dev/null 2>&1 && grep -q '006.txt' "$BAG/data/index.json" \
    && pass "half-done commit: the next run completes it" || fail "half-done commit: the next run completes it ($rc)"

# --- lock ------------------------------------------------------------------------------------
if have flock; then
    flock "$BAG/.bantin/lock" sleep 3 &
    lpid=$!
    sleep 0.5
    msg=$(bt archive "$SRC" -o "$BAG" 2>&1); rc=$?
    [ $rc -eq 3 ] && echo "$msg" | grep -q 'lock' && pass "lock: a second concurrent run refuses (exit 3)" || fail "lock: second run refused ($rc: $msg)"
    wait $lpid
    bt archive "$SRC" -o "$BAG" -q && pass "lock: released when the holder ends" || fail "lock: released when the holder ends"
else
    skip "lock (flock(1) missing)"
fi

# --- verify detects tampering ---------------------------------------------------------------
T=$OUT/tamper
rm -rf "$T"; cp -a "$BAG" "$T"
pdf=$(ls "$T"/data/articles/*/*/*.pdf | head -1)
printf 'X' | dd of="$pdf" bs=1 seek=200 conv=notrunc 2>/dev/null
msg=$(bt verify "$T" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$msg" | grep -q "changed" && pass "verify: a changed file is reported (exit 1)" || fail "verify: changed file ($rc: $msg)"
rm -rf "$T"; cp -a "$BAG" "$T"
rm "$(ls "$T"/data/digests/*.epub | head -1)"
msg=$(bt verify "$T" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$msg" | grep -q "missing" && pass "verify: a missing file is reported" || fail "verify: missing file ($rc: $msg)"
rm -rf "$T"; cp -a "$BAG" "$T"
echo extra > "$T/data/articles/extra.txt"
msg=$(bt verify "$T" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$msg" | grep -q "unexpected" && pass "verify: an unexpected file is reported" || fail "verify: unexpected file ($rc: $msg)"
rm -rf "$T"; cp -a "$BAG" "$T"
echo "Contact-Name: x" >> "$T/bag-info.txt"
bt verify "$T" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] && pass "verify: a changed tag file is reported (exit 1)" || fail "verify: a changed tag file is reported (exit $rc)"
# a truncated PDF and a broken EPUB with manifests rewritten to match: only the content checks see them
rm -rf "$T"; cp -a "$BAG" "$T"
pdf=$(ls "$T"/data/articles/*/*/*.pdf | head -1); epub=$(ls "$T"/data/digests/*.epub | head -1)
head -c 2000 "$pdf" > "$T/x"; mv "$T/x" "$pdf"
python3 - "$epub" <<'PY'
import zipfile, sys
p = sys.argv[1]
z = zipfile.ZipFile(p); items = [(i, z.read(i.filename)) for i in z.infolist()]; z.close()
with zipfile.ZipFile(p, 'w') as o:   # mimetype compressed and not first, container.xml gone
    for i, d in reversed(items):
        if i.filename != 'META-INF/container.xml': o.writestr(i.filename, d, zipfile.ZIP_DEFLATED)
PY
(cd "$T" && find data -type f -exec sha256sum {} + > manifest-sha256.txt.new && mv manifest-sha256.txt.new manifest-sha256.txt \
  && sha256sum bagit.txt bag-info.txt manifest-sha256.txt bantin-state.jsonl > tagmanifest-sha256.txt)
msg=$(bt verify "$T" 2>&1); rc=$?
[ $rc -eq 1 ] && echo "$msg" | grep -q "$(basename "$pdf").*PDF" && pass "verify: a truncated PDF is reported" || fail "verify: truncated PDF ($rc: $msg)"
echo "$msg" | grep -q "$(basename "$epub").*EPUB" && pass "verify: an unsound EPUB container is reported" || fail "verify: unsound EPUB ($msg)"
# the archive repairs outputs deleted by hand (re-rendered; the rest untouched)
rm -rf "$T"; cp -a "$BAG" "$T"
rm "$(ls "$T"/data/articles/*/*/*.pdf | head -1)" "$(ls "$T"/data/digests/*.epub | head -1)"
msg=$(bt archive "$SRC" -o "$T" 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$msg" | grep -q '(1 parsed now' && echo "$msg" | grep -qE ' [12] digests rendered' && bt verify "$T" >/dev/null 2>&1 \
    && pass "archive: a PDF and a digest deleted by hand are rendered again" || fail "archive: repair deleted outputs ($rc: $msg)"
bt verify "$OUT/nonexistent" >/dev/null 2>&1; rc=$?
[ $rc -eq 3 ] && pass "verify: not a bag -> exit 3" || fail "verify: not a bag -> exit 3 ($rc)"

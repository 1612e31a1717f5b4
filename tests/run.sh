#!/bin/sh
# run.sh - run every test: C unit tests ($UNIT_DIR/test_*) and end-to-end scripts (tests/e2e/*.sh).
# Prints each result line and ends with "N passed, N failed, N skipped".
: "${BANTIN:=./bantin}" "${UNIT_DIR:=build/tests}"
export BANTIN
log=$(mktemp); trap 'rm -f "$log"' EXIT
run() { # NAME COMMAND...
    name=$1; shift
    "$@" >"$log.one" 2>&1; rc=$?
    cat "$log.one"; cat "$log.one" >>"$log"
    if [ $rc -ne 0 ] && ! grep -q '^FAIL:' "$log.one"; then
        echo "FAIL: $name exited with status $rc" | tee -a "$log"
    fi
    rm -f "$log.one"
}
for t in "$UNIT_DIR"/test_*; do
    [ -x "$t" ] || continue
    echo "== $(basename "$t")"; run "$t" "$t"
done
for t in tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    case " ${TESTS:-} " in "  ") ;; *" $(basename "$t" .sh) "*) ;; *) continue ;; esac
    echo "== $t"; run "$t" sh "$t"
done
p=$(grep -c '^PASS:' "$log"); f=$(grep -c '^FAIL:' "$log"); s=$(grep -c '^SKIPPED:' "$log")
echo
grep '^FAIL:' "$log" | sed 's/^/  /'
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]

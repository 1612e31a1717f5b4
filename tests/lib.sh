# lib.sh - shared helpers for the end-to-end test scripts (sourced).
# Each check prints one line: "PASS: name", "FAIL: name (why)" or "SKIPPED: name (why)".
# tests/run.sh counts them. $BANTIN is the binary under test, $FIX the fixtures, $OUT a scratch dir.
: "${BANTIN:=./bantin}"
FIX=${FIX:-tests/fixtures}
OUT=${OUT_BASE:-tests/out}/$(basename "$0" .sh)
rm -rf "$OUT"; mkdir -p "$OUT"
export SOURCE_DATE_EPOCH_DEFAULT=1685170800
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
skip() { echo "SKIPPED: $*"; }
# check NAME COMMAND... : pass when the command succeeds.
check() { n=$1; shift; if "$@" >/dev/null 2>&1; then pass "$n"; else fail "$n"; fi; }
have() { command -v "$1" >/dev/null 2>&1; }
# Run bantin with a time bound; under sanitizers allow more time.
bt() { timeout "${BT_TIMEOUT:-60}" "$BANTIN" "$@"; }
# EPUBCHECK FILE... : run epubcheck once over many files; prints its output.
epubcheck_jar=/usr/share/java/epubcheck.jar
have_epubcheck() { have java && [ -f "$epubcheck_jar" ]; }

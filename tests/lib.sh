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
# tests/run.sh resolves the interpreter once ($PYTHON): python3 here runs it directly.
if [ -n "${PYTHON:-}" ]; then python3() { "$PYTHON" "$@"; }; fi
# timed CMD... : run CMD; sets $rc (its status) and $cpu_ms, the CPU time (user + system) it and
# its children used. Bounds on work are checked on CPU time: tests run in parallel, on machines
# doing other things, and wall time stretches with the load while CPU time does not.
timed() {
    times >"$OUT/.times0"; "$@"; rc=$?; times >"$OUT/.times1"
    cpu_ms=$(awk 'FNR == 2 { gsub(/[ms]/, " "); t = ($1 * 60 + $2 + $3 * 60 + $4) * 1000
                             if (NR == FNR) a = t; else b = t } END { printf "%d", b - a }' \
             "$OUT/.times0" "$OUT/.times1")
    return $rc
}
# Run bantin with a time bound; under sanitizers allow more time.
bt() { timeout "${BT_TIMEOUT:-60}" "$BANTIN" "$@"; }
# EPUBCHECK FILE... : run epubcheck once over many files; prints its output.
epubcheck_jar=/usr/share/java/epubcheck.jar
# epubcheck runs are short: the JIT's optimising tier and the parallel collector cost more CPU than
# they save (55 books in one JVM: 26 s of CPU by default, 12 s with these).
export JDK_JAVA_OPTIONS="${JDK_JAVA_OPTIONS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
have_epubcheck() { have java && [ -f "$epubcheck_jar" ]; }

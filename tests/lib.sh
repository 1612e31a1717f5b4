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
# documented RC : true when RC is one of bantin's documented exit codes (0-4, bantin(1)). A
# signal (128+N), a timeout (124) or a sanitizer's exit code (99 in `make asan`) is not one.
documented() { case $1 in 0|1|2|3|4) return 0 ;; *) return 1 ;; esac; }
# crashed FILE : FILE (a captured stderr) holds a sanitizer report or a crash message.
crashed() { grep -qE 'Sanitizer|runtime error|Segmentation fault|Aborted|core dumped' "$1" 2>/dev/null; }
# unprivileged_bantin : prints a command that runs $BANTIN with file permissions enforced: $BANTIN
# itself for a normal user; for root, a wrapper that gives up root's permission overrides
# (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) through setpriv, so that a read-only directory is
# read-only to it. Prints nothing when that is not possible.
unprivileged_bantin() {
    [ "$(id -u)" != 0 ] && { echo "$BANTIN"; return 0; }
    set -- setpriv --bounding-set=-dac_override,-dac_read_search
    "$@" true 2>/dev/null || return 0
    printf '#!/bin/sh\nexec %s '"'%s'"' "$@"\n' "$*" "$BANTIN" >"$OUT/.bantin-unprivileged"
    chmod +x "$OUT/.bantin-unprivileged" && echo "$OUT/.bantin-unprivileged"
}
# Run bantin with a time bound; under sanitizers allow more time.
bt() { timeout "${BT_TIMEOUT:-60}" "$BANTIN" "$@"; }
# EPUBCHECK FILE... : run epubcheck once over many files; prints its output.
epubcheck_jar=/usr/share/java/epubcheck.jar
# epubcheck runs are short: the JIT's optimising tier and the parallel collector cost more CPU than
# they save (55 books in one JVM: 26 s of CPU by default, 12 s with these).
export JDK_JAVA_OPTIONS="${JDK_JAVA_OPTIONS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
have_epubcheck() { have java && [ -f "$epubcheck_jar" ]; }

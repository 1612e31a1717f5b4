#!/bin/sh
# run.sh - run every test: C unit tests ($UNIT_DIR/test_*), then the end-to-end scripts
# (tests/e2e/*.sh), JOBS at a time (default: the number of CPUs). Each test's lines are printed
# together when it finishes; the run ends with "N passed, N failed, N skipped".
#   TESTS="20-pdf 05-golden"  only these e2e scripts (unit tests always run)
#   JOBS=1                    one at a time
#   BANTIN_STRICT=1           a SKIPPED line counts as a failure (CI: no check silently dropped)
# A script that exits non-zero, or dies from a signal, without printing a FAIL line gets one.
: "${BANTIN:=./bantin}" "${UNIT_DIR:=build/tests}"
R=${OUT_BASE:-tests/out}/.run

if [ "${1:-}" = --one ]; then
    # --one NAME COMMAND... : run one test into $R/NAME.log, then print it in one piece.
    shift; name=$1; shift
    log=$R/$(echo "$name" | tr / _).log
    t0=$(date +%s%N)
    "$@" >"$log.tmp" 2>&1 </dev/null; rc=$?
    t1=$(date +%s%N); ms=$(( (t1 - t0) / 1000000 ))
    # CPU time of the test's processes (user + system), from the shell's `times`
    times >"$log.cpu"
    cpu=$(awk 'NR == 2 { gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4 }' "$log.cpu")
    if [ $rc -gt 128 ] && [ $rc -lt 160 ]; then
        echo "FAIL: $name killed by signal $((rc - 128))" >>"$log.tmp"
    elif [ $rc -ne 0 ] && ! grep -q '^FAIL:' "$log.tmp"; then
        echo "FAIL: $name exited with status $rc" >>"$log.tmp"
    fi
    { echo "== $name ($(awk -v ms="$ms" -v c="$cpu" 'BEGIN { printf "%.1f s, CPU %.1f s", ms / 1000, c }'))"
      cat "$log.tmp"; } >"$log"
    rm -f "$log.tmp" "$log.cpu"
    echo "$ms $name $cpu" >>"$R/times"
    if command -v flock >/dev/null 2>&1; then flock "$R/lock" cat "$log"; else cat "$log"; fi
    exit 0
fi

export BANTIN UNIT_DIR
# One Python interpreter for the hundreds of small checks: Debian's (DEB_TEST installs it), or
# the one python3 on PATH resolves to, found once (a version manager's shim costs a process start
# per call). tests/lib.sh runs python3 through $PYTHON. The checks use the standard library only.
if [ -z "${PYTHON:-}" ]; then
    if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3
    elif command -v python3 >/dev/null 2>&1; then
        PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
    fi
fi
[ -n "${PYTHON:-}" ] && export PYTHON
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
self=$0
mkdir -p "$R"
# Longest first (times of the previous run; unknown ones first), so no CPU idles at the end.
prev=$(dirname "$R")/.times
[ -f "$R/times" ] && cat "$prev" "$R/times" 2>/dev/null | awk '{ t[$2] = $1 } END { for (n in t) print t[n], n }' \
    >"$prev.new" && mv "$prev.new" "$prev"
rm -f "$R"/*.log "$R/times" "$R/lock" "$R/all.txt"
[ -f "$prev" ] || : >"$prev"
order() { # NAMES... -> the same names, longest previous time first
    for n in "$@"; do
        t=$(awk -v n="$n" '$2 == n { t = $1 } END { print (t == "" ? 999999999 : t) }' "$prev")
        echo "$t $n"
    done | sort -k1,1nr -k2 | cut -d' ' -f2
}
pool() { # KIND NAMES... : run them JOBS at a time
    kind=$1; shift
    for n in $(order "$@"); do
        case $kind in unit) echo "$n $UNIT_DIR/$n" ;; e2e) echo "$n sh tests/e2e/$n.sh" ;; esac
    done | xargs -P "$JOBS" -L 1 sh "$self" --one
}

t0=$(date +%s)
units=""
for t in "$UNIT_DIR"/test_*; do [ -x "$t" ] && units="$units $(basename "$t")"; done
# Unit tests first: tests/e2e/30-epub.sh checks a book that tests/unit/test_epub writes.
[ -n "$units" ] && pool unit $units
e2e=""
for t in tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    n=$(basename "$t" .sh)
    case " ${TESTS:-} " in "  ") ;; *" $n "*) ;; *) continue ;; esac
    e2e="$e2e $n"
done
[ -n "$e2e" ] && pool e2e $e2e
t1=$(date +%s)

all=$R/all.txt
: >"$all"
for l in "$R"/*.log; do [ -f "$l" ] && cat "$l" >>"$all"; done
count() { grep -c "^$1:" "$all"; }
p=$(count PASS); f=$(count FAIL); s=$(count SKIPPED)
echo
echo "$((t1 - t0)) s, $JOBS jobs at a time, CPU $(awk '{ c += $3 } END { printf "%.0f", c }' "$R/times") s"
if [ "$s" -gt 0 ]; then
    if [ -n "${BANTIN_STRICT:-}" ]; then echo "strict mode (BANTIN_STRICT): a skipped check is a failure:"
    else echo "skipped (a missing tool or locale; 'make deps-test' installs them):"; fi
    grep '^SKIPPED:' "$all" | sed 's/^/  /'
fi
[ "$f" -gt 0 ] && { echo "failed:"; grep '^FAIL:' "$all" | sed 's/^/  /'; }
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ] && { [ -z "${BANTIN_STRICT:-}" ] || [ "$s" -eq 0 ]; }

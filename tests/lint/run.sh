#!/bin/sh
# lint/run.sh - `make lint`: static checks of src/, each printing PASS:/FAIL: like the tests.
#   1. banned calls (atoi, sprintf, strcpy, strcat, strtok, gets and kin): none in src/; one
#      status -> exit code table
#   2. cppcheck (warning, portability, performance)
#   3. clang's warnings and its static analyzer (clang --analyze), every file, JOBS at a time
# Reads CFLAGS_LINT (the build's -std, -D and -I flags) from the Makefile. Findings are kept in
# $OUT (tests/out/lint/). A false positive is silenced where it is, with a comment saying why
# ("cppcheck-suppress ID" for cppcheck; for the analyzer, code that shows what it cannot know).
OUT=${OUT_BASE:-tests/out}/lint
rm -rf "$OUT"; mkdir -p "$OUT"
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
SRC=$(find src -name '*.c' | sort)
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

# 1. Banned calls: unbounded copies and formats, no-error conversions, a stateful tokenizer.
BANNED='atoi|atol|atoll|sprintf|vsprintf|strcpy|strcat|strtok|gets'
grep -nE "(^|[^[:alnum:]_])($BANNED)[[:space:]]*\(" $SRC tests/fuzz/*.c tests/layout/*.c >"$OUT/banned.txt"
if [ -s "$OUT/banned.txt" ]; then
    fail "banned calls ($BANNED): $(wc -l <"$OUT/banned.txt") found"
    sed 's/^/    /' "$OUT/banned.txt"
else
    pass "no banned calls ($(echo $BANNED | tr '|' ' ')) in src/"
fi

# 1b. One exit-code table (bt_cli_exit_for in src/cli.c): no second status -> exit code map.
grep -nE 'case BT_E[A-Z]+:.*BT_EXIT_|BT_E[A-Z]+ *\? *BT_EXIT_|== *BT_E[A-Z]+\).*return BT_EXIT_' $SRC \
    | grep -v '^src/cli\.c:' >"$OUT/exitmap.txt"
if [ -s "$OUT/exitmap.txt" ]; then
    fail "exit codes mapped outside bt_cli_exit_for (src/cli.c)"
    sed 's/^/    /' "$OUT/exitmap.txt"
else
    pass "one status -> exit code table (bt_cli_exit_for)"
fi

# 2. cppcheck; it does not read system headers, so jansson's iteration macros are described to it.
if command -v cppcheck >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    cppcheck --std=c11 --enable=warning,portability,performance --inline-suppr -q -j "$JOBS" \
        --library=tests/lint/jansson.cfg --suppress=missingIncludeSystem \
        --template='{file}:{line}: {severity}: {message} [{id}]' \
        $(echo "$CFLAGS_LINT" | tr ' ' '\n' | grep -E '^-D|^-Isrc') src 2>"$OUT/cppcheck.txt"
    if [ -s "$OUT/cppcheck.txt" ]; then
        fail "cppcheck: $(wc -l <"$OUT/cppcheck.txt") findings"
        sed 's/^/    /' "$OUT/cppcheck.txt"
    else
        pass "cppcheck: no findings ($(echo $SRC | wc -w) files)"
    fi
else
    fail "cppcheck not installed (make lint installs it)"
fi

# 3. clang: its warnings (the build's -W flags; another compiler sees other things) and its
#    static analyzer, file by file. Dead stores are not reported: a reset kept for symmetry is
#    not a bug, and the layout code changes too often to chase them.
if command -v clang >/dev/null 2>&1; then
    export CFLAGS_LINT OUT
    echo $SRC | tr ' ' '\n' | xargs -P "$JOBS" -I{} sh -c \
        'log=$OUT/analyze-$(echo "$1" | tr / _).txt
         clang -fsyntax-only $CFLAGS_LINT "$1" >"$log" 2>&1
         clang --analyze -Xanalyzer -analyzer-output=text -Xanalyzer -analyzer-disable-checker \
             -Xanalyzer deadcode.DeadStores $CFLAGS_LINT -o /dev/null "$1" >>"$log" 2>&1' sh {}
    cat "$OUT"/analyze-*.txt >"$OUT/analyzer.txt"
    grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$OUT/analyzer.txt" >"$OUT/analyzer-findings.txt"
    if [ -s "$OUT/analyzer-findings.txt" ]; then
        fail "clang warnings and analyzer: $(wc -l <"$OUT/analyzer-findings.txt") findings (paths in $OUT/analyzer.txt)"
        sed 's/^/    /' "$OUT/analyzer-findings.txt"
    else
        pass "clang warnings and analyzer: no findings ($(echo $SRC | wc -w) files)"
    fi
else
    fail "clang not installed (make lint installs it)"
fi
exit $failed

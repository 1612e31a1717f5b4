#!/bin/sh
# Progress of long runs (archive, pdf -d, epub of many): on a terminal one line redrawn in place
# (phase, done/total, items per second, time left), erased at the end, never glued to an error
# line; not on a terminal the plain lines; -q nothing. The terminal is a pseudo-terminal from
# script(1).
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
have script || { skip "progress (script(1) missing)"; exit 0; }
have python3 || { skip "progress (python3 missing)"; exit 0; }
unset BANTIN_PROGRESS
SRC=$OUT/src; mkdir -p "$SRC"
cp "$FIX"/text/0*.txt "$SRC/"
printf '\000\001\002 not text\n' >"$SRC/zz-broken.txt"   # fails: its error line must stand alone
esc=$(printf '\033')
# tty RUN_NAME COMMAND...: run under a pseudo-terminal, output in $OUT/RUN_NAME.tty
tty_run() {
    n=$1; shift
    # script passes the command to sh -c: quote every argument
    cmd=$(python3 -c 'import shlex,sys; print(" ".join(shlex.quote(a) for a in sys.argv[1:]))' "$@")
    TERM=xterm timeout 120 script -qec "$cmd" /dev/null >"$OUT/$n.tty" 2>&1 </dev/null
}
# checks on the pseudo-terminal's output
line_checks() { # NAME FILE PHASE
    f=$2
    grep -q "${esc}\[K$3 *\[[#.]*\] *[0-9]*/[0-9]*" "$f" && pass "$1: an updating line with phase and done/total" \
        || fail "$1: an updating line with phase and done/total ($(tr '\r\033' '|^' <"$f" | head -c 300))"
    grep -q '[0-9.]*/s  *[0-9]*:[0-9][0-9] left' "$f" && pass "$1: items per second and time left" \
        || fail "$1: items per second and time left"
    [ "$(grep -c "^bantin: [a-z]*: $3 [0-9]" "$f")" = 0 ] && pass "$1: no plain progress lines on a terminal" \
        || fail "$1: plain progress lines on a terminal"
}

tty_run archive "$BANTIN" archive "$SRC" -o "$OUT/bag" -j 2
line_checks "archive tty" "$OUT/archive.tty" render
# the error line about the broken file starts on a fresh line: erased progress (ESC[K) or a newline
if grep -a 'zz-broken' "$OUT/archive.tty" | tr '\r' '\n' | grep -a 'zz-broken' | grep -qav "^${esc}\[Kbantin: \|^bantin: "; then
    fail "archive tty: an error line glued to the progress line"
else
    grep -aq 'zz-broken' "$OUT/archive.tty" && pass "archive tty: error lines stand alone" || fail "archive tty: the error was not reported"
fi
tail -c 400 "$OUT/archive.tty" | tr '\r' '\n' | sed "s/${esc}\[K//g" | grep -aq '^bantin: .*articles archived' \
    && pass "archive tty: the summary after the erased line" || fail "archive tty: summary"

rm -rf "$OUT/bag"
"$BANTIN" archive "$SRC" -o "$OUT/bag" -j 2 2>"$OUT/plain.err" >/dev/null
grep -q "$esc" "$OUT/plain.err" && fail "archive not on a terminal: no escape codes" || pass "archive not on a terminal: no escape codes"
grep -q '^bantin: archive: render: 44$' "$OUT/plain.err" && grep -q '^bantin: archive: render 44/44$' "$OUT/plain.err" \
    && pass "archive not on a terminal: plain phase and tenth lines" || fail "archive not on a terminal: plain lines ($(head -3 "$OUT/plain.err"))"

rm -rf "$OUT/bag"
tty_run quiet "$BANTIN" archive "$SRC" -o "$OUT/bag" -j 2 -q
if grep -q "$esc\|render" "$OUT/quiet.tty"; then fail "archive -q on a terminal: silent"; else pass "archive -q on a terminal: no progress"; fi
grep -aq 'zz-broken' "$OUT/quiet.tty" && pass "archive -q: errors still reported" || fail "archive -q: errors still reported"

tty_run pdf "$BANTIN" pdf "$SRC"/0*.txt -d "$OUT/pdfs"
line_checks "pdf -d tty" "$OUT/pdf.tty" pdf
[ "$(ls "$OUT/pdfs" | wc -l)" = 43 ] && pass "pdf -d tty: 43 PDFs written" || fail "pdf -d tty: PDFs written"
"$BANTIN" pdf "$SRC"/00*.txt -d "$OUT/pdfs2" 2>"$OUT/pdf.err"
[ -s "$OUT/pdf.err" ] && fail "pdf -d not on a terminal: quiet as before ($(head -2 "$OUT/pdf.err"))" || pass "pdf -d not on a terminal: quiet as before"

tty_run epub "$BANTIN" epub "$SRC"/0*.txt -o "$OUT/all.epub"
grep -q "${esc}\[Kparse *\[" "$OUT/epub.tty" && pass "epub of many, tty: a progress line" || fail "epub of many, tty: a progress line"
tail -c 20 "$OUT/epub.tty" | grep -q "${esc}\[K\$" && pass "epub tty: the line is erased at the end" || fail "epub tty: the line is erased at the end"

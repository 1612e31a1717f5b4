#!/bin/sh
# 62-hostile-output.sh - hostile output paths: a full disk (/dev/full), a device node that must
# stay a device, a path under a regular file, a directory as the output file, a read-only
# directory, stdout closed early (SIGPIPE). Clean error, exit 3, no partial or temp file.
. tests/lib.sh
. tests/e2e/hostile.inc
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
G=$OUT/gen; mkdir -p "$G"
A=$G/article.txt
printf 'Tiêu đề bài báo thử đầu ra\n\n08:00 | 27/05/2023 | THỜI SỰ\n\nĐoạn một của bài báo.\n\nĐoạn hai của bài báo.\n' >"$A"

# out_fails NAME OUTPATH CMD... : exit 3, one "bantin: OUTPATH: ..." line, no temp file left
out_fails() {
    n=$1 o=$2; shift 2
    hrun "$@"
    why=$(hbad)
    [ -z "$why" ] && [ "$rc" -ne 3 ] && why="exit $rc, wanted 3: $(head -c 200 "$OUT/err")"
    [ -z "$why" ] && ! grep -q "^bantin: $o: " "$OUT/err" && why="no 'bantin: $o: ...' line: $(head -c 200 "$OUT/err")"
    if [ -z "$why" ]; then l=$(hleftover "$G"); [ -n "$l" ] && why="temp file $l left"; fi
    if [ -z "$why" ]; then pass "$n"; else fail "$n ($why)"; fi
}

# --- full disk ----------------------------------------------------------------------------
if [ -c /dev/full ]; then
    out_fails "full disk: pdf -o /dev/full" /dev/full pdf "$A" -o /dev/full
    out_fails "full disk: epub -o /dev/full" /dev/full epub "$A" -o /dev/full
    [ -c /dev/full ] && pass "full disk: /dev/full is still a device" || fail "full disk: /dev/full is still a device"
    timeout "$HT" "$BANTIN" parse "$A" >/dev/full 2>"$OUT/err"; rc=$?
    [ "$rc" -eq 3 ] && grep -q '^bantin: ' "$OUT/err" \
        && pass "full disk: parse >/dev/full exits 3 with a message" \
        || fail "full disk: parse >/dev/full exits 3 with a message (exit $rc)"
    timeout "$HT" "$BANTIN" pdf "$A" -o - >/dev/full 2>"$OUT/err"; rc=$?
    [ "$rc" -eq 3 ] && grep -q '^bantin: ' "$OUT/err" \
        && pass "full disk: pdf -o - >/dev/full exits 3" \
        || fail "full disk: pdf -o - >/dev/full exits 3 (exit $rc)"
else
    skip "full disk (no /dev/full)"
fi

# --- a device node as output: written in place, never replaced by a regular file -----------
if mknod "$G/null" c 1 3 2>/dev/null; then
    accepted "device as output: pdf -o NULLDEV" pdf "$A" -o "$G/null"
    [ -c "$G/null" ] && pass "device as output: still a device" \
        || fail "device as output: still a device (replaced by a regular file)"
    rm -f "$G/null"
else
    skip "device as output (mknod not permitted)"
fi
accepted "device as output: pdf -o /dev/null" pdf "$A" -o /dev/null
[ -c /dev/null ] && pass "/dev/null is still a device" || fail "/dev/null is still a device"

# --- paths that cannot be written -----------------------------------------------------------
out_fails "output under a regular file: pdf" "$A/x.pdf" pdf "$A" -o "$A/x.pdf"
out_fails "output under a regular file: epub" "$A/x.epub" epub "$A" -o "$A/x.epub"
mkdir -p "$G/adir.pdf" "$G/adir.epub"
out_fails "output is a directory: pdf" "$G/adir.pdf" pdf "$A" -o "$G/adir.pdf"
out_fails "output is a directory: epub" "$G/adir.epub" epub "$A" -o "$G/adir.epub"
hrun pdf "$A" -d "$A"
[ "$rc" -eq 3 ] && [ -z "$(hbad)" ] && pass "output directory is a regular file: pdf -d" \
    || fail "output directory is a regular file: pdf -d (exit $rc)"
if "$BANTIN" archive --help >/dev/null 2>&1; then
    mkdir -p "$G/src"; cp "$A" "$G/src/"
    hrun archive "$G/src" -o "$A/bag" -j 1
    [ "$rc" -eq 3 ] && [ -z "$(hbad)" ] && grep -q '^bantin: ' "$OUT/err" \
        && pass "archive into a path under a regular file: exit 3" \
        || fail "archive into a path under a regular file: exit 3 (exit $rc)"
fi
# read-only directory (root is run without its permission overrides: unprivileged_bantin)
mkdir -p "$G/ro"; chmod 555 "$G/ro"
ub=$(unprivileged_bantin)
if [ -z "$ub" ]; then
    skip "read-only output directory (running as root, and setpriv cannot drop root's overrides)"
else
    b0=$BANTIN; BANTIN=$ub
    out_fails "read-only output directory: pdf" "$G/ro/x.pdf" pdf "$A" -o "$G/ro/x.pdf"
    BANTIN=$b0
    [ -z "$(ls -A "$G/ro")" ] && pass "read-only output directory: left empty" \
        || fail "read-only output directory: left empty"
fi
chmod 755 "$G/ro"

# --- stdout closed early ----------------------------------------------------------------------
# an article big enough that its PDF/EPUB/JSON overflow the pipe, so bantin meets the closed end:
# it must end promptly by SIGPIPE (141) or with a write error (1..3), never crash or hang
python3 -c "import sys; sys.stdout.write('Tiêu đề bài dài\n\n' + ''.join('Đoạn văn dài số %d của bài báo, viết thêm cho đủ dài. ' % i + ('\n\n' if i % 8 == 7 else '') for i in range(20000)) + '\n')" >"$G/big.txt"
for cmd in parse pdf epub; do
    case $cmd in parse) set -- parse "$G/big.txt" ;; *) set -- $cmd "$G/big.txt" -o - ;; esac
    { timeout "$HT" "$BANTIN" "$@" 2>"$OUT/err"; echo $? >"$OUT/rc"; } | head -c 10 >/dev/null
    rc=$(cat "$OUT/rc")
    case $rc in
    1 | 2 | 3 | 141) pass "stdout closed early: $cmd (exit $rc)" ;;
    0) fail "stdout closed early: $cmd (exit 0: the closed pipe went unnoticed)" ;;
    *) fail "stdout closed early: $cmd (exit $rc: $(head -c 200 "$OUT/err"))" ;;
    esac
done

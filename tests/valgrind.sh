#!/bin/sh
# valgrind.sh [BANTIN] - a few conversions under valgrind (memcheck); fails on any leak, invalid
# access or use of uninitialised memory. `make valgrind`.
BANTIN=${1:-./bantin}
command -v valgrind >/dev/null 2>&1 || { echo "SKIPPED: valgrind not installed"; exit 0; }
W=$(mktemp -d "${TMPDIR:-/tmp}/bantin-vg.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT INT TERM
export SOURCE_DATE_EPOCH=1685170800
FIX=tests/fixtures
VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes"
printf 'Tiêu đề h\377ng\n\nĐoạn văn c\303 lỗi và chữ \344\270\255 không có trong phông.\n' >"$W/bad.txt"
python3 -c "print('Từ dài\n\n' + 'ư' * 3000 + ' hết.')" >"$W/long.txt" 2>/dev/null || printf 'x\n\ny\n' >"$W/long.txt"
fails=0
run() { # NAME ARGS...
    name=$1; shift
    $VG "$BANTIN" "$@" >"$W/out" 2>"$W/vg"; rc=$?
    if [ $rc -eq 99 ] || grep -q "==[0-9]*==" "$W/vg"; then
        echo "FAIL: valgrind $name"; sed -n '1,30p' "$W/vg"; fails=$((fails + 1))
    else
        echo "PASS: valgrind $name (exit $rc)"
    fi
}
run "pdf seed" pdf "$FIX/text/000-seed.txt" -o "$W/a.pdf"
run "pdf three articles, bookmarks" pdf "$FIX/text/000-seed.txt" "$FIX/text/026.txt" "$FIX/text/013.txt" -o "$W/b.pdf"
run "pdf -d, a5" pdf --paper a5 "$FIX/text/001.txt" "$FIX/text/030.txt" -d "$W/d"
run "pdf damaged input (invalid UTF-8, missing glyph)" pdf "$W/bad.txt" -o "$W/c.pdf"
run "pdf long word" pdf "$W/long.txt" -o "$W/e.pdf"
run "pdf missing input" pdf "$W/none.txt" -o "$W/f.pdf"
run "pdf missing fonts" pdf --font-dir "$W" "$FIX/text/001.txt" -o "$W/g.pdf"
[ $fails -eq 0 ]

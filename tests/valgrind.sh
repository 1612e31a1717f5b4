#!/bin/sh
# valgrind.sh [BANTIN] - conversions of every kind (text, HTML, a URL; PDF, PDF/A, EPUB; archive
# with threads, verify) under valgrind (memcheck); fails on any leak, invalid
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
H=$FIX/html/pages
run "parse html --json" parse --json "$H/tf-rp.pl-unijne-fundusze.html"
run "pdf html --pdfa --embed-source" pdf --pdfa --embed-source "$H/sh-0ec95c7261d1.html" -o "$W/h.pdf"
run "pdf template bao" pdf --template bao "$FIX/text/000-seed.txt" "$FIX/text/001.txt" -o "$W/i.pdf"
run "epub one article" epub "$H/sh-c82b3d1d540b.html" -o "$W/a.epub"
run "epub digest" epub "$FIX/text/000-seed.txt" "$FIX/text/001.txt" "$FIX/text/002.txt" -o "$W/b.epub"
mkdir -p "$W/src/thoi-su" && cp "$FIX/text/000-seed.txt" "$FIX/text/001.txt" "$W/src/thoi-su/" &&
    cp "$H/sh-e372e42c0a3d.html" "$W/src/"
# --jobs 2: the worker pool's threads under memcheck too
run "archive, two jobs" archive "$W/src" -o "$W/bag" --jobs 2 -q
run "archive rerun (incremental)" archive "$W/src" -o "$W/bag" --jobs 2 -q
run "verify" verify "$W/bag"
# a web page through libcurl, from the tests' own server on 127.0.0.1 (tests/httpd.py)
if command -v python3 >/dev/null 2>&1; then
    mkdir -p "$W/site" && cp "$H"/*.html "$W/site/"
    (exec python3 tests/httpd.py "$W/site" "$W/port" "$W/httpd.log" 2>/dev/null) &
    WPID=$!
    trap 'kill $WPID 2>/dev/null; rm -rf "$W"' EXIT INT TERM
    for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.1; done
    if [ -s "$W/port" ]; then
        U="http://127.0.0.1:$(cat "$W/port")"
        run "pdf of a URL" pdf "$U/sh-0ec95c7261d1.html" -o "$W/u.pdf"
        [ -s "$W/u.pdf" ] || { echo "FAIL: valgrind pdf of a URL wrote no PDF"; fails=$((fails + 1)); }
    else
        echo "FAIL: valgrind: the test server did not start"; fails=$((fails + 1))
    fi
fi
[ -f "$W/bag/bagit.txt" ] || { echo "FAIL: valgrind archive wrote no bag"; fails=$((fails + 1)); }
[ $fails -eq 0 ]

#!/bin/sh
# 54-archive-memory.sh - what `bantin archive` keeps per article: the duplicate and PDF-name indexes
# hold no keys (the keys are compared in the records on disk), so names that collide, duplicates and
# an incremental run over kept articles must still come out right; and the whole run's peak memory
# grows by a small fixed amount per further article (flat as the archive grows).
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
have python3 || { skip "archive memory (python3 missing)"; exit 0; }
SRC=$OUT/src; BAG=$OUT/bag
mkdir -p "$SRC"
# art FILE TITLE DAY TEXT: a small article dated DAY (dd/mm/yyyy)
art() { printf '%s\n\n%s | THỜI SỰ\n%s\n\nĐoạn thứ hai của bài, đủ dài để làm thành một bài báo có nội dung.\n' "$2" "$3" "$4" >"$SRC/$1"; }
art a1.txt "Mưa lớn ở miền Trung" 03/10/2023 "Mưa lớn kéo dài ở các tỉnh miền Trung trong ba ngày."
art a2.txt "Mưa lớn ở miền Trung" 03/10/2023 "Một bài khác cùng tên, cùng ngày, viết về lũ trên sông Hương."
art a3.txt "Giá lúa tăng" 04/10/2023 "Giá lúa ở đồng bằng sông Cửu Long tăng trong tuần này."
bt() { timeout "${BT_TIMEOUT:-60}" "$BANTIN" "$@"; }
bt archive "$SRC" -o "$BAG" -q -j 2 >"$OUT/log" 2>&1 || fail "memory: first run ($(tail -1 "$OUT/log"))"
# a second run: two more of the same name and day (one of them new text, one a copy of a3)
art b1.txt "Mưa lớn ở miền Trung" 03/10/2023 "Bài thứ ba cùng tên và cùng ngày, về đường sá bị sạt lở."
cp "$SRC/a3.txt" "$SRC/b2.txt"
bt archive "$SRC" -o "$BAG" -q -j 2 >>"$OUT/log" 2>&1 || fail "memory: second run ($(tail -1 "$OUT/log"))"
python3 - "$BAG/data/index.json" <<'PY'
import json, sys, os
arts = {os.path.basename(a['source']['path']): a for a in json.load(open(sys.argv[1]))['articles']}
pdf = {k: a.get('outputs', {}).get('pdf', {}).get('path') for k, a in arts.items()}
base = 'articles/2023/10/2023-10-03-mua-lon-o-mien-trung'
ok = pdf.get('a1.txt') == base + '.pdf' and pdf.get('a2.txt') == base + '-2.pdf'
print('PASS: memory: two articles of one name and day are named x.pdf and x-2.pdf' if ok
      else f'FAIL: memory: colliding names ({pdf.get("a1.txt")}, {pdf.get("a2.txt")})')
ok = pdf.get('b1.txt') == base + '-3.pdf'
print('PASS: memory: a third one in a later run is x-3.pdf (the kept names are taken)' if ok
      else f'FAIL: memory: a name taken in an earlier run ({pdf.get("b1.txt")})')
b2 = arts.get('b2.txt', {})
ok = b2.get('status') == 'duplicate' and b2.get('duplicate_of', '').endswith('a3.txt')
print('PASS: memory: a copy of a kept article in a later run is its duplicate' if ok
      else f'FAIL: memory: duplicate of a kept article ({b2.get("status")}, {b2.get("duplicate_of")})')
PY
bt verify "$BAG" >/dev/null 2>&1 && pass "memory: the bag verifies" || fail "memory: the bag verifies"

# --- peak memory per further article -----------------------------------------------------------
# N and 4N small articles of one category, dated a day apart (a monthly digest holds ~30 whatever
# N is), archived with --epub-only --jobs 1 (the PDF renderer's own caches, which grow with the
# distinct words up to a fixed cap, are not the archive's; one thread: one malloc arena). Measured
# 130 to 175 bytes per further article (the run's 32-byte entry and its path, the catalogue's
# summary); ~220 to 270 when the entries were 56 bytes in arrays grown by doubling, each path and
# digest name a heap block of its own and the walk's freed list moved glibc's mmap threshold (the
# fonts' glyph tables then came from the heap, resident); ~390 when the duplicate and name indexes
# held their keys; records or titles held in memory would cost kilobytes.
N=${ARCHIVE_MEM_N:-2000}
gen() { # gen COUNT DIR
    python3 - "$1" "$2" <<'PY'
import sys, os, datetime
n, out = int(sys.argv[1]), sys.argv[2]
words = ['sông', 'núi', 'biển', 'trời', 'mây', 'gió', 'lúa', 'đồng', 'phố', 'chợ', 'cầu', 'đường', 'làng', 'xóm', 'hoa', 'lá']
for i in range(n):
    title = ' '.join(words[(i >> (4 * k)) & 15] for k in range(4)).capitalize()
    day = datetime.date(2001, 1, 1) + datetime.timedelta(days=i)
    body = ' '.join(words[(i + k) % 16] for k in range(40)) + '.'
    os.makedirs(f'{out}/{i // 500:03d}', exist_ok=True)
    with open(f'{out}/{i // 500:03d}/{i:06d}.txt', 'w', encoding='utf-8') as f:
        f.write(f'{title}\n\n{day:%d/%m/%Y} | KINH DOANH\n{body}\n')
PY
}
if [ -n "${BANTIN_SANITIZED:-}" ] || [ ! -x /usr/bin/time ]; then
    if [ -n "${BANTIN_SANITIZED:-}" ]; then echo "memory: peak RSS measured by the plain suite, not under sanitizers"
    else skip "memory: peak RSS per article (no /usr/bin/time)"; fi
else
    gen "$N" "$OUT/small"; gen $((4 * N)) "$OUT/big"
    /usr/bin/time -f %M -o "$OUT/rss-small" "$BANTIN" archive "$OUT/small" -o "$OUT/bs" -q -j 1 --epub-only 2>"$OUT/small.err"; r1=$?
    /usr/bin/time -f %M -o "$OUT/rss-big" "$BANTIN" archive "$OUT/big" -o "$OUT/bb" -q -j 1 --epub-only 2>"$OUT/big.err"; r2=$?
    s=$(tail -1 "$OUT/rss-small"); b=$(tail -1 "$OUT/rss-big")
    # per article, not a ratio: the fixed part (libraries, fonts) moves with the build
    per=$(( (b - s) * 1024 / (3 * N) ))
    [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$per" -le 200 ] \
        && pass "memory: peak RSS $((s / 1024)) MB for $N articles, $((b / 1024)) MB for $((4 * N)) ($per bytes per further article, at most 200)" \
        || fail "memory: peak RSS not flat ($N: $s KB, $((4 * N)): $b KB, $per bytes per further article > 200; exit $r1/$r2: $(head -1 "$OUT/big.err"))"
    n=$(grep -c '"status": "ok"' "$OUT/bb/data/index.json")
    [ "$n" -eq $((4 * N)) ] && pass "memory: all $((4 * N)) articles archived" || fail "memory: $n of $((4 * N)) articles archived"
fi

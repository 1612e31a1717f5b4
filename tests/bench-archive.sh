#!/bin/sh
# bench-archive.sh BANTIN - `bantin archive` at scale: N synthetic articles made from the corpus
# (tests/fixtures/text) with distinct titles, bodies and dates spread ~1 article per day, so every
# digest holds about as many articles whatever N is.
# Prints: wall time for --jobs 1 and --jobs 2 (and their ratio), the time of an unchanged re-run,
# and peak RSS for N and for BENCH_BIG articles (memory must stay flat as the batch grows).
# Env: BENCH_N (default 1000), BENCH_BIG (default 10000; 0 skips the big run), BENCH_DIR (scratch).
BANTIN=${1:-./bantin}
N=${BENCH_N:-1000}
BIG=${BENCH_BIG:-10000}
DIR=${BENCH_DIR:-$(mktemp -d)}; mkdir -p "$DIR"
export SOURCE_DATE_EPOCH=1685170800
gen() { # gen COUNT DIR
    python3 - "$1" "$2" tests/fixtures/text <<'PY'
import sys, os, re, glob, datetime
n, out, fix = int(sys.argv[1]), sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
src = [open(p, encoding='utf-8').read().split('\n') for p in sorted(glob.glob(f'{fix}/*.txt'))]
base = datetime.date(1995, 1, 1)
for i in range(n):
    lines = list(src[i % len(src)])
    d = base + datetime.timedelta(days=i)
    lines[0] = f'{lines[0]} (bản {i})'
    for k in range(1, min(6, len(lines))):
        if re.search(r'\d{2}/\d{2}/\d{4}', lines[k]):
            lines[k] = re.sub(r'\d{2}/\d{2}/\d{4}', d.strftime('%d/%m/%Y'), lines[k], count=1)
            break
    lines.append('')
    lines.append(f'Ghi chú lưu trữ số {i}.')
    sub = f'{out}/{i // 1000:03d}'
    os.makedirs(sub, exist_ok=True)
    open(f'{sub}/{i:06d}.txt', 'w', encoding='utf-8').write('\n'.join(lines))
PY
}
# run LABEL ARGS... : wall seconds and peak RSS (KB) of one bantin run
run() {
    label=$1; shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%e %M' -o "$DIR/time.txt" "$BANTIN" "$@" -q
        rc=$?; set -- $(cat "$DIR/time.txt" | tail -1); secs=$1; rss=$2
    else
        set -- $(python3 -c 'import resource,subprocess,sys,time
t=time.time(); r=subprocess.call(sys.argv[1:]); e=time.time()-t
print("%.2f %d %d" % (e, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r))' "$BANTIN" "$@" -q)
        secs=$1; rss=$2; rc=$3
    fi
    echo "archive: $label: ${secs} s, peak RSS ${rss} KB (exit $rc)"
}
echo "== archive bench: $N articles ($(nproc) CPUs), scratch $DIR"
gen "$N" "$DIR/src"
rm -rf "$DIR/b1" "$DIR/b2"
run "$N articles --jobs 1" archive "$DIR/src" -o "$DIR/b1" -j 1; t1=$secs; r1=$rss
run "$N articles --jobs 2" archive "$DIR/src" -o "$DIR/b2" -j 2; t2=$secs
echo "archive: jobs 2 / jobs 1 = $(python3 -c "print(round($t2/$t1, 3))")  (goal <= 0.55 on 2 cores)"
run "$N articles unchanged re-run" archive "$DIR/src" -o "$DIR/b2" -j 2
run "verify $N-article bag" verify "$DIR/b2"
if [ "$BIG" -gt 0 ]; then
    gen "$BIG" "$DIR/big"
    rm -rf "$DIR/bb"
    run "$BIG articles --jobs 2" archive "$DIR/big" -o "$DIR/bb" -j 2; rb=$rss
    run "$N articles --jobs 2 (RSS reference)" archive "$DIR/src" -o "$DIR/b3" -j 2; r2=$rss
    echo "archive: peak RSS $BIG vs $N articles = $(python3 -c "print(round($rb/$r2, 3))")  (goal <= 1.10)"
fi
[ -n "$BENCH_KEEP" ] || rm -rf "$DIR"

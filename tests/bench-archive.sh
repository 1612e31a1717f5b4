#!/bin/sh
# bench-archive.sh BANTIN - `bantin archive` at scale: N synthetic articles made from the corpus
# (tests/fixtures/text) with distinct titles, bodies and dates spread ~1 article per day, so every
# digest holds about as many articles whatever N is.
# Prints: wall time and ms per article for --jobs 1 and --jobs 2 (and their ratio), articles per
# second per core, the time of an unchanged re-run, shards with GNU parallel (2, 4 and 8 shards:
# the shards' wall time and what --merge costs), and peak RSS (GNU time) for N and for BENCH_BIG
# articles (memory must stay flat as the batch grows).
# The --jobs 1 and --jobs 2 runs are repeated BENCH_ROUNDS times (default 3), alternating, and the
# medians reported; the big run and its 1,000-article reference run once each, with -v, which also
# gives the peak RSS before the catalogue step.
# Env: BENCH_N (default 1000), BENCH_BIG (default 10000; 0 skips the big run), BENCH_DIR (scratch),
# BENCH_SHARDS (default "2 4 8"; empty skips the shard runs), BENCH_ROUNDS, BENCH_RESULTS (a file
# to append "key<TAB>value" lines to, for bench.sh's table of targets).
BANTIN=${1:-./bantin}
N=${BENCH_N:-1000}
BIG=${BENCH_BIG:-10000}
DIR=${BENCH_DIR:-$(mktemp -d)}; mkdir -p "$DIR"
ROUNDS=${BENCH_ROUNDS:-3}
RES=${BENCH_RESULTS:-/dev/null}
result() { printf '%s\t%s\n' "$1" "$2" >>"$RES"; }
median() { python3 -c 'import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
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
# run LABEL ARGS... : wall seconds and peak RSS (KB) of one bantin run (quiet, or with RUNFLAG=-v
# its messages in $DIR/run.err)
run() {
    label=$1; shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%e %M %U %S' -o "$DIR/time.txt" "$BANTIN" "$@" ${RUNFLAG:--q} 2>"$DIR/run.err"
        rc=$?; set -- $(cat "$DIR/time.txt" | tail -1); secs=$1; rss=$2; cpu=$(python3 -c "print(round($3 + $4, 2))")
    else
        set -- $(python3 -c 'import resource,subprocess,sys,time
t=time.time(); r=subprocess.call(sys.argv[1:]); e=time.time()-t; u=resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.2f %d %d %.2f" % (e, u.ru_maxrss, r, u.ru_utime + u.ru_stime))' "$BANTIN" "$@" ${RUNFLAG:--q} 2>"$DIR/run.err")
        secs=$1; rss=$2; rc=$3; cpu=$4
    fi
    echo "archive: $label: ${secs} s wall, ${cpu} s CPU, peak RSS ${rss} KB (exit $rc)"
}
echo "== archive bench: $N articles ($(nproc) CPUs), scratch $DIR"
gen "$N" "$DIR/src"
rm -rf "$DIR/b1" "$DIR/b2"
echo "(load average now: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null); wall times mean little on a busy machine, CPU times do)"
T1=""; T2=""; C1=""; RATIOS=""; AMDAHL=""
# Amdahl's estimate of the ratio from the -v step times of a --jobs 1 run: render and digests run
# in parallel, the other steps on one thread. Under load the measured ratio says little (the
# kernel shares the CPUs between sessions, not threads); this one says what the code allows.
amdahl() {
    sed -n 's/^bantin: archive: phases: //p' "$DIR/run.err" | python3 -c "
import re, sys
t = {k: float(v) for k, v in re.findall(r'(\w+) ([\d.]+) ms', sys.stdin.read())}
par = t.get('render', 0) + t.get('digests', 0); ser = sum(t.values()) - par
print(round((ser + par / 2) / (ser + par), 3) if ser + par else '')"
}
k=0
while [ "$k" -lt "$ROUNDS" ]; do
    k=$((k + 1))
    rm -rf "$DIR/b1" "$DIR/b2"
    RUNFLAG=-v run "$N articles --jobs 1 (round $k)" archive "$DIR/src" -o "$DIR/b1" -j 1; t1=$secs; c1=$cpu
    AMDAHL="$AMDAHL $(amdahl)"
    run "$N articles --jobs 2 (round $k)" archive "$DIR/src" -o "$DIR/b2" -j 2; t2=$secs
    T1="$T1 $t1"; T2="$T2 $t2"; C1="$C1 $c1"; RATIOS="$RATIOS $(python3 -c "print($t2/$t1)")"
done
t1=$(median $T1); t2=$(median $T2); c1=$(median $C1); ratio=$(median $RATIOS)
echo "archive: jobs 2 / jobs 1 = $(python3 -c "print(round($ratio, 3))")  (median of $ROUNDS rounds, each pair run back to back; goal <= 0.55 on 2 cores)"
python3 -c "n, t1, t2, c1 = $N, $t1, $t2, $c1
print(f'archive: {t1 * 1000 / n:.2f} ms/article wall with --jobs 1, {c1 * 1000 / n:.2f} ms CPU/article '
      f'({n / c1:.0f} articles/s per core); {t2 * 1000 / n:.2f} ms/article wall with --jobs 2 (goal <= 2.5); medians')"
result archive_jobs_ratio "$ratio"
am=$(echo $AMDAHL | tr ' ' '\n' | grep . | tr '\n' ' ')
if [ -n "$am" ]; then
    am=$(median $am)
    echo "archive: jobs 2 / jobs 1 as the --jobs 1 run's steps allow it (Amdahl, from -v): $am"
    result archive_jobs_ratio_amdahl "$am"
fi
result archive_ms_per_article_jobs2 "$(python3 -c "print($t2 * 1000 / $N)")"
result archive_cpu_ms_per_article "$(python3 -c "print($c1 * 1000 / $N)")"
run "$N articles unchanged re-run" archive "$DIR/src" -o "$DIR/b2" -j 2
run "verify $N-article bag" verify "$DIR/b2"
# shards with GNU parallel on this machine (one job per CPU, --jobs 1 each), then the merge
if command -v parallel >/dev/null 2>&1; then
    for s in ${BENCH_SHARDS-2 4 8}; do
        rm -rf "$DIR"/sh-*
        /usr/bin/time -f '%e %U %S' -o "$DIR/time.txt" parallel --will-cite -j "$(nproc)" \
            "$BANTIN" archive "$DIR/src" -o "$DIR/sh-{}" --shard "{}/$s" -j 1 -q ::: $(seq 1 "$s") \
            || echo "archive: $s shards FAILED"
        set -- $(tail -1 "$DIR/time.txt")
        sw=$1; sc=$(python3 -c "print(round($2 + $3, 2))")
        run "merge of $s shards ($N articles)" archive --merge $(seq -f "$DIR/sh-%g" 1 "$s") -o "$DIR/m$s"
        python3 -c "print('archive: %d shards: shards %.1f s wall / %.1f s CPU; merge %.1f s wall / %.1f s CPU '
                    '(%.2f ms CPU/article), peak RSS %d KB' % ($s, $sw, $sc, $secs, $cpu, $cpu * 1000 / $N, $rss))"
        rm -rf "$DIR/m$s"
    done
fi
if [ "$BIG" -gt 0 ]; then
    gen "$BIG" "$DIR/big"
    rm -rf "$DIR/bb"
    # -v: the peak RSS after each step (the catalogue step is another module's: said apart)
    before_cat() { sed -n 's/^bantin: archive: peak RSS after: .* index \([0-9.]*\) MB.*/\1/p' "$DIR/run.err"; }
    RUNFLAG=-v run "$BIG articles --jobs 2" archive "$DIR/big" -o "$DIR/bb" -j 2; rb=$rss; tb=$secs; pb=$(before_cat)
    grep '^bantin: archive: phases: ' "$DIR/run.err"
    RUNFLAG=-v run "$N articles --jobs 2 (RSS reference)" archive "$DIR/src" -o "$DIR/b3" -j 2; r2=$rss; pr=$(before_cat)
    echo "archive: peak RSS $BIG vs $N articles = $(python3 -c "print(round($rb/$r2, 3))")  (goal <= 1.10)"
    [ -n "$pb" ] && [ -n "$pr" ] && echo "archive: peak RSS before the catalogue step: $BIG articles $pb MB, $N articles $pr MB"
    # what the batch costs per further article, and 100,000 articles at that rate: an upper bound,
    # as the PDF renderer's shaping caches (capped per worker) stop growing while the archive's own
    # part (an entry and its path per article, the catalogue's summary) stays linear
    python3 -c "n, big, r2, rb = $N, $BIG, $r2, $rb
per = (rb - r2) / (big - n)
print(f'archive: peak RSS grows {per * 1024:.0f} bytes per further article -> ~{(rb + per * (100000 - big)) / 1024:.0f} MB at 100,000 if it stays linear')"
    result archive_big_n "$BIG"
    result archive_big_wall_s "$tb"
    result archive_big_rss_mb "$(python3 -c "print($rb / 1024)")"
    result archive_ref_n "$N"
    result archive_ref_rss_mb "$(python3 -c "print($r2 / 1024)")"
    [ -n "$pb" ] && result archive_big_rss_before_catalogue_mb "$pb"
    [ -n "$pr" ] && result archive_ref_rss_before_catalogue_mb "$pr"
fi
[ -n "$BENCH_KEEP" ] || rm -rf "$DIR"

#!/bin/sh
# bench.sh [BANTIN] - a benchmark, not a test: converts the corpus BENCH_N times (default 5) and
# prints, per section, milliseconds per article, output KB per article and peak RSS.
#   make bench                 BENCH_N=10 make bench          BENCH_CORPUS=dir make bench
# To add a section: write a function bench_NAME that calls `timed LABEL NARTICLES OUTDIR CMD...`
# and add NAME to SECTIONS (or run BENCH_SECTIONS="pdf" make bench).
BANTIN=${1:-./bantin}
N=${BENCH_N:-5}
CORPUS=${BENCH_CORPUS:-tests/fixtures/text}
SECTIONS=${BENCH_SECTIONS:-pdf epub archive html web}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1685170800}
W=$(mktemp -d "${TMPDIR:-/tmp}/bantin-bench.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT INT TERM
set -- "$CORPUS"/*.txt
NART=$#
[ "$NART" -gt 0 ] && [ -f "$1" ] || { echo "bench: no articles in $CORPUS" >&2; exit 1; }
FILES="$*"

# timed LABEL NARTICLES OUTDIR CMD... : run CMD (a shell command line) N times; report per article.
timed() {
    label=$1 narts=$2 outdir=$3; shift 3
    python3 - "$N" "$narts" "$outdir" "$label" "$@" <<'PY'
import os, resource, subprocess, sys, time
n, narts, outdir, label, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
t = time.perf_counter()
for i in range(n):
    r = subprocess.run(cmd, shell=True)
    if r.returncode != 0:
        print(f'{label:<40} FAILED (exit {r.returncode})'); sys.exit(1)
dt = time.perf_counter() - t
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(outdir) for f in fs)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f'{label:<40} {dt * 1000 / (n * narts):8.2f} ms/article {size / 1024 / narts:8.1f} KB/article'
      f' {rss / 1024:7.1f} MB peak RSS')
PY
}

bench_pdf() {
    mkdir -p "$W/pdf1" "$W/pdfall" "$W/pdfd"
    # one process per article (what a user running bantin in a loop sees)
    timed "pdf: one process per article" "$NART" "$W/pdf1" \
        "for f in $FILES; do \"$BANTIN\" pdf -q \"\$f\" -o \"$W/pdf1/\$(basename \"\$f\" .txt).pdf\" || exit 1; done"
    # one process, one PDF per article (-d)
    timed "pdf: one process, -d (a PDF each)" "$NART" "$W/pdfd" "\"$BANTIN\" pdf -q $FILES -d \"$W/pdfd\""
    # one process, every article in one bookmarked PDF
    timed "pdf: one PDF with all articles (-o)" "$NART" "$W/pdfall" "\"$BANTIN\" pdf -q $FILES -o \"$W/pdfall/all.pdf\""
    # PDF/A (archives' default): the seed alone, then the corpus with -d; and where the time goes
    mkdir -p "$W/pdfa1" "$W/pdfad"
    timed "pdf: seed --pdfa (one process)" 1 "$W/pdfa1" "\"$BANTIN\" pdf -q --pdfa \"$CORPUS/000-seed.txt\" -o \"$W/pdfa1/s.pdf\""
    timed "pdf: --pdfa, -d (a PDF each)" "$NART" "$W/pdfad" "\"$BANTIN\" pdf -q --pdfa $FILES -d \"$W/pdfad\""
    "$BANTIN" pdf -v $FILES -d "$W/pdfph" 2>&1 | sed -n 's/^bantin: phases: //p' | python3 -c "
import re, sys
n = int(sys.argv[1]); line = sys.stdin.read().strip()
parts = ['%s %.2f' % (k, float(v) / n) for k, v in re.findall(r'(\\w+) ([\\d.]+) ms', line)]
print('%-40s %s ms/article' % ('pdf: -d phases', ', '.join(parts)))" "$NART"
}

bench_epub() {
    # EPUB: one book per article, a digest of the corpus, and digests of 100 and 1,000 articles
    # (the corpus repeated with varied titles). tests/bench-epub.sh also compares with pandoc.
    mkdir -p "$W/epub1" "$W/epuball" "$W/epub100" "$W/epub1000"
    timed "epub: one process per article" "$NART" "$W/epub1" \
        "for f in $FILES; do \"$BANTIN\" epub -q \"\$f\" -o \"$W/epub1/\$(basename \"\$f\" .txt).epub\" || exit 1; done"
    timed "epub: one digest of all articles" "$NART" "$W/epuball" \
        "\"$BANTIN\" epub -q $FILES -o \"$W/epuball/all.epub\""
    for n in 100 1000; do
        mkdir -p "$W/src$n"
        i=0
        while [ "$i" -lt "$n" ]; do
            for f in $FILES; do
                [ "$i" -lt "$n" ] || break
                awk -v k="$((i / NART + 1))" 'NR == 1 && k > 1 { print $0 " (" k ")"; next } { print }' \
                    "$f" >"$W/src$n/$(printf '%05d' "$i").txt"
                i=$((i + 1))
            done
        done
        timed "epub: one digest of $n articles" "$n" "$W/epub$n" \
            "\"$BANTIN\" epub -q \"$W/src$n\" -o \"$W/epub$n/digest.epub\""
    done
}

bench_archive() {
    # bantin archive at scale: 1,000 synthetic articles with --jobs 1 and 2 (ratio), an unchanged
    # re-run, verify, and peak RSS for 10,000 vs 1,000 articles. Details: tests/bench-archive.sh.
    BENCH_N=${BENCH_ARCHIVE_N:-1000} BENCH_BIG=${BENCH_ARCHIVE_BIG:-10000} BENCH_DIR="$W/archive" \
        sh tests/bench-archive.sh "$BANTIN"
}

bench_html() {
    # HTML extraction: per saved page, the median over N rounds of the CPU time `bantin parse`
    # takes for one page (20 copies in one process, less a run of one copy: start-up does not
    # count; CPU time, as other jobs share the machine), and that time scaled to a 200 KB page.
    # Target: at most 5 ms for a 200 KB page.
    python3 - "$BANTIN" "$N" tests/fixtures/html/pages/*.html <<'PY'
import os, resource, statistics, subprocess, sys
bantin, n, pages = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def cpu(args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run([bantin, 'parse', '-q'] + args, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        print(f'html: {args[0]} FAILED (exit {r.returncode})'); sys.exit(1)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
for p in sorted(pages, key=os.path.getsize):
    kb = os.path.getsize(p) / 1024
    runs = [(cpu([p] * 21) - cpu([p])) * 1000 / 20 for _ in range(max(n, 3))]
    med = statistics.median(runs)
    print(f'html: {os.path.basename(p)[:36]:<36} {kb:6.0f} KB {med:7.2f} ms/page (median CPU) '
          f'{med * 200 / kb:6.2f} ms per 200 KB')
PY
}

bench_web() {
    # bantin archive FEED --jobs 4: 1,000 pages served on 127.0.0.1 by tests/httpd.py, against the
    # same pages from disk; how long rendering waited for fetching; peak RSS. Details:
    # tests/bench-web.sh.
    BENCH_WEB_N=${BENCH_WEB_N:-1000} sh tests/bench-web.sh "$BANTIN"
}

echo "bantin benchmark: $NART articles from $CORPUS, $N rounds ($("$BANTIN" --version 2>/dev/null))"
for s in $SECTIONS; do
    "bench_$s" || exit 1
done

#!/bin/sh
# bench.sh [BANTIN] - a benchmark, not a test: converts the corpus BENCH_N times (default 5) and
# prints, per section, milliseconds per article (the median of the rounds), output KB per article
# and peak RSS; last, the rows of the speed targets (issue 11) with their targets, and the peers'
# figures and ratios when they are installed (wkhtmltopdf, WeasyPrint, pandoc).
#   make bench                 BENCH_N=10 make bench          BENCH_CORPUS=dir make bench
# To add a section: write a function bench_NAME that calls `timed LABEL NARTICLES OUTDIR CMD...`
# and add NAME to SECTIONS (or run BENCH_SECTIONS="pdf" make bench).
BANTIN=${1:-./bantin}
N=${BENCH_N:-5}
CORPUS=${BENCH_CORPUS:-tests/fixtures/text}
SECTIONS=${BENCH_SECTIONS:-pdf epub archive html web targets}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1685170800}
W=$(mktemp -d "${TMPDIR:-/tmp}/bantin-bench.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT INT TERM
R=$W/results # "label<TAB>median ms per article<TAB>peak RSS MB" per timed row, and key<TAB>value lines
: >"$R"
set -- "$CORPUS"/*.txt
NART=$#
[ "$NART" -gt 0 ] && [ -f "$1" ] || { echo "bench: no articles in $CORPUS" >&2; exit 1; }
FILES="$*"

# timed LABEL NARTICLES OUTDIR CMD... : run CMD (a shell command line) N times; report per article
# the median of the rounds (other work on the machine makes single rounds slow, not fast).
timed() {
    label=$1 narts=$2 outdir=$3; shift 3
    python3 - "$N" "$narts" "$outdir" "$label" "$R" "$@" <<'PY'
import os, resource, shlex, statistics, subprocess, sys, time
n, narts, outdir, label, res, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
runs = []
for i in range(n):
    t = time.perf_counter()
    # TIMED_EXEC=1: one command run directly, not through sh, its output discarded: the row times
    # that program alone (the seed and the peers on it)
    if os.environ.get('TIMED_EXEC') == '1':
        r = subprocess.run(shlex.split(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        r = subprocess.run(cmd, shell=True)
    runs.append(time.perf_counter() - t)
    if r.returncode != 0:
        print(f'{label:<40} FAILED (exit {r.returncode})'); sys.exit(1)
ms = statistics.median(runs) * 1000 / narts
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(outdir) for f in fs)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f'{label:<40} {ms:8.2f} ms/article {size / 1024 / narts:8.1f} KB/article'
      f' {rss / 1024:7.1f} MB peak RSS')
with open(res, 'a') as f:
    f.write(f'{label}\t{ms:.3f}\t{rss / 1024:.1f}\n')
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
        BENCH_RESULTS="$R" sh tests/bench-archive.sh "$BANTIN"
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

bench_targets() {
    # The rows of the speed targets (issue 11), each with its target; the peers (Debian's
    # wkhtmltopdf, WeasyPrint, pandoc) on the same work when installed, and the ratios.
    # Rows whose section did not run say so. Medians of the rounds; the seed is run here.
    SEED=$CORPUS/000-seed.txt
    PN=$N; [ "$PN" -gt 3 ] && PN=3 # the peers take about a second a run
    mkdir -p "$W/targets"
    if [ -f "$SEED" ]; then
        # one run is ~10 ms: 15 rounds at least, so that the median is not one busy moment
        SN=$N; [ "$SN" -lt 15 ] && SN=15
        TIMED_EXEC=1 N=$SN timed "targets: seed, one bantin pdf process" 1 "$W/targets" \
            "\"$BANTIN\" pdf -q \"$SEED\" -o \"$W/targets/seed.pdf\"" >/dev/null
        # the peers get the seed as a styled HTML page with the same Noto Serif faces
        python3 - "$SEED" "$(cd "$(dirname "$BANTIN")" && pwd)/fonts" "$W/targets/seed.html" <<'PY'
import html, sys
lines = [l.strip() for l in open(sys.argv[1], encoding='utf-8') if l.strip()]
fonts = sys.argv[2]
faces = ''.join(f'@font-face {{ font-family: "Noto Serif"; font-weight: {w}; font-style: {s}; '
                f'src: url("file://{fonts}/NotoSerif-{n}.ttf"); }}\n'
                for n, w, s in (('Regular', 'normal', 'normal'), ('Bold', 'bold', 'normal'),
                                ('Italic', 'normal', 'italic')))
body = f'<h1>{html.escape(lines[0])}</h1>' + ''.join(f'<p>{html.escape(l)}</p>' for l in lines[1:])
open(sys.argv[3], 'w', encoding='utf-8').write(
    f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(lines[0])}</title>'
    f'<style>{faces}body {{ font-family: "Noto Serif", serif; font-size: 11pt; text-align: justify; }}'
    f'@page {{ size: A4; margin: 2cm; }}</style></head><body>{body}</body></html>')
PY
        if command -v wkhtmltopdf >/dev/null 2>&1; then
            TIMED_EXEC=1 N=$PN timed "targets: seed, wkhtmltopdf" 1 "$W/targets" \
                "wkhtmltopdf -q --enable-local-file-access \"$W/targets/seed.html\" \"$W/targets/wk.pdf\"" >/dev/null
        fi
        if command -v weasyprint >/dev/null 2>&1; then
            TIMED_EXEC=1 N=$PN timed "targets: seed, WeasyPrint" 1 "$W/targets" \
                "weasyprint -q \"$W/targets/seed.html\" \"$W/targets/wp.pdf\"" >/dev/null
        fi
    fi
    if command -v pandoc >/dev/null 2>&1 && [ -d "$W/src100" ]; then
        N=$PN timed "targets: 100-article EPUB, pandoc" 100 "$W/targets" \
            "pandoc -f markdown -t epub3 -o \"$W/targets/p100.epub\" \"$W/src100\"/*.txt 2>/dev/null" >/dev/null
    fi
    python3 - "$R" "$NART" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" <<'PY'
import sys
res, nart, load = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t, kv = {}, {}
for line in open(res, encoding='utf-8'):
    p = line.rstrip('\n').split('\t')
    if len(p) == 3: t[p[0]] = (float(p[1]), float(p[2]))
    elif len(p) == 2: kv[p[0]] = float(p[1])
def ms(label): return t[label][0] if label in t else None
def row(work, fig, target, note=''):
    print(f'  {work:<46} {fig:>14}   target {target}{("  " + note) if note else ""}')
na = 'not measured'
print(f'== issue 11 targets (median of the rounds; load average {load}: on a busy machine wall times are long)')
d = ms('pdf: one process, -d (a PDF each)')
row(f'pdf -d, per article (batch of {nart})', f'{d:.2f} ms' if d is not None else na, '<= 3 ms')
s = ms('targets: seed, one bantin pdf process')
peers = []
for name, goal in (('wkhtmltopdf', 70), ('WeasyPrint', 150)):
    p = ms(f'targets: seed, {name}')
    if p is not None and s:
        peers.append(f'{name} {p:.0f} ms = {p / s:.0f}x (target >= {goal}x)')
    else:
        peers.append(f'{name} not installed (target >= {goal}x)')
row('one bantin pdf process, seed', f'{s:.1f} ms' if s is not None else na, '<= 8 ms', '; '.join(peers))
e = ms('epub: one digest of 100 articles')
pe = ms('targets: 100-article EPUB, pandoc')
note = (f'pandoc {pe * 100:.0f} ms = {pe / e:.1f}x bantin' if pe is not None and e else 'pandoc not installed')
row('100-article EPUB digest', f'{e * 100:.0f} ms' if e is not None else na, '<= 40 ms', note)
a2 = kv.get('archive_ms_per_article_jobs2')
big, bign = kv.get('archive_big_wall_s'), kv.get('archive_big_n')
row('archive, per article, --jobs 2, PDFs + digests', f'{a2:.2f} ms' if a2 is not None else na, '<= 2.5 ms',
    f'(CPU {kv["archive_cpu_ms_per_article"]:.2f} ms/article with --jobs 1)' if 'archive_cpu_ms_per_article' in kv else '')
if big is not None:
    row(f'archive of {bign:,.0f} articles, --jobs 2', f'{big:.1f} s', f'<= {bign * 2.5 / 1000:g} s')
rb, rr = kv.get('archive_big_rss_mb'), kv.get('archive_ref_rss_mb')
if rb is not None and rr is not None:
    rn = kv.get('archive_ref_n', 0)
    row(f'peak RSS, archive of {bign:,.0f}', f'{rb:.1f} MB', '<= 50 MB',
        f'{rn:,.0f} articles: {rr:.1f} MB (x{rb / rr:.2f}; flat: <= x1.10)')
    if bign > rn:
        per = (rb - rr) * 1024 / (bign - rn)
        row('peak RSS, archive of 100,000 (from the two above)', f'~{rb + per * (100000 - bign) / 1024:.0f} MB',
            '<= 50 MB', f'{per * 1024:.0f} bytes per further article, if linear: an upper bound, the PDF '
            'shaping caches (capped per worker) stop growing')
    pb, pr = kv.get('archive_big_rss_before_catalogue_mb'), kv.get('archive_ref_rss_before_catalogue_mb')
    if pb is not None and pr is not None:
        per = (pb - pr) * 1024 / (bign - rn) if bign > rn else 0
        row('  the same before the catalogue step', f'{pb:.1f} MB',
            '<= 50 MB', f'{rn:,.0f}: {pr:.1f} MB; {per:.2f} KB more per article -> '
            f'~{pb + per * (100000 - bign) / 1024:.0f} MB at 100,000 if it stays linear')
else:
    row('peak RSS, archive of 10,000', na, '<= 50 MB, flat from 1,000 to 100,000')
r = kv.get('archive_jobs_ratio')
am = kv.get('archive_jobs_ratio_amdahl')
row('--jobs 2 / --jobs 1 wall', f'{r:.3f}' if r is not None else na, '<= 0.55',
    f'(what the steps allow, Amdahl from -v: {am:.3f}; the measured ratio means little under load)' if am else '')
o = t.get('pdf: one PDF with all articles (-o)')
row(f'peak RSS, {nart} articles in one PDF', f'{o[1]:.1f} MB' if o else na,
    '<= 120 MB for 2,616 articles (<= 40 KB per article)', '(BENCH_CORPUS=a folder of 2,616 articles measures it)')
PY
}

echo "bantin benchmark: $NART articles from $CORPUS, $N rounds ($("$BANTIN" --version 2>/dev/null))"
for s in $SECTIONS; do
    # what the previous section wrote (a 10,000-article bag: hundreds of MB) goes to disk first:
    # its write-back would slow this section's fsyncs and reads
    sync
    "bench_$s" || exit 1
done

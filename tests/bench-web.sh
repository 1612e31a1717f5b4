#!/bin/sh
# bench-web.sh BANTIN - `bantin archive FEED --jobs 4` on N pages (default 1,000) served by the
# tests' own server on 127.0.0.1, against archiving the same pages from disk.
# Prints: ms per article for both, their ratio (fetching should hide behind rendering: within
# 1.2x), how long the render workers waited for fetches, the loaders' time, and peak RSS.
# Env: BENCH_WEB_N (default 1000), BENCH_JOBS (default 4).
BANTIN=${1:-./bantin}
N=${BENCH_WEB_N:-1000}
J=${BENCH_JOBS:-4}
export SOURCE_DATE_EPOCH=1685170800 no_proxy=127.0.0.1
D=$(mktemp -d "${TMPDIR:-/tmp}/bantin-benchweb.XXXXXX") || exit 1
SRV=""
trap '[ -n "$SRV" ] && kill $SRV 2>/dev/null; rm -rf "$D"' EXIT INT TERM
python3 - "$N" "$D/site" tests/fixtures/text <<'PY'
import glob, html, os, sys, datetime
n, out, fix = int(sys.argv[1]), sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
src = [open(p, encoding='utf-8').read().split('\n') for p in sorted(glob.glob(f'{fix}/*.txt'))]
base = datetime.date(2020, 1, 1)
for i in range(n):
    L = [l for l in src[i % len(src)] if l.strip()]
    d = base + datetime.timedelta(days=i)
    paras = ''.join(f'<p>{html.escape(l)}</p>' for l in L[2:])
    page = (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(L[0])} ({i})</title>'
            f'<meta property="article:published_time" content="{d.isoformat()}T08:00:00+07:00"></head><body>'
            f'<nav><a href="/">Trang chủ</a></nav><article><h1>{html.escape(L[0])} ({i})</h1>{paras}'
            f'<p>Ghi chú lưu trữ số {i}.</p></article><footer>Bản quyền</footer></body></html>')
    open(f'{out}/p{i:05d}.html', 'w', encoding='utf-8').write(page)
PY
python3 tests/httpd.py "$D/site" "$D/port" "$D/log" & SRV=$!
for _ in $(seq 100); do [ -s "$D/port" ] && break; sleep 0.1; done
U="http://127.0.0.1:$(cat "$D/port")"
python3 - "$N" "$U" "$D/site/feed.rss" <<'PY'
import sys
n, u, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
items = ''.join(f'<item><link>{u}/p{i:05d}.html</link></item>' for i in range(n))
open(out, 'w').write(f'<rss version="2.0"><channel><title>Bench</title>{items}</channel></rss>')
PY
mkdir -p "$D/disk" && cp "$D"/site/p*.html "$D/disk/"
run() { # LABEL OUTDIR ARGS... -> "secs rss_kb" in $D/t, the -v output in $D/v
    label=$1; shift
    /usr/bin/time -f '%e %M' -o "$D/t" "$BANTIN" archive "$@" --jobs "$J" -v >"$D/v" 2>&1
}
run disk "$D/disk" -o "$D/bag-disk"; set -- $(tail -1 "$D/t"); disk_s=$1; disk_rss=$2
cpu_of() { awk '{print $14 + $15}' "/proc/$SRV/stat" 2>/dev/null || echo 0; } # server CPU, in ticks
c0=$(cpu_of)
run web "$U/feed.rss" -o "$D/bag-web"; set -- $(tail -1 "$D/t"); web_s=$1; web_rss=$2
srv_s=$(python3 -c "import os; print(($(cpu_of) - $c0) / os.sysconf('SC_CLK_TCK'))")
wline=$(grep -o "web: [0-9]* pages loaded.*" "$D/v" | tail -1)
npdf=$(find "$D/bag-web/data" -name '*.pdf' | wc -l)
run rerun "$U/feed.rss" -o "$D/bag-web"; set -- $(tail -1 "$D/t"); re_s=$1
python3 - "$N" "$disk_s" "$web_s" "$disk_rss" "$web_rss" "$re_s" "$npdf" "$wline" "$srv_s" <<'PY'
import os, re, sys
n, ds, ws, dr, wr, rs, npdf, wline = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
srv = float(sys.argv[9])
m = re.search(r'(\d+) ms in HTTP requests, (\d+) ms of loader time .*waited (\d+) ms', wline)
fetch_ms, load_ms, wait_ms = (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else (0, 0, 0)
print(f'web: archive FEED of {n} pages, --jobs 4      {ws * 1000 / n:8.2f} ms/article  {wr / 1024:6.1f} MB peak RSS  ({npdf} PDFs)')
print(f'web: the same pages from disk              {ds * 1000 / n:8.2f} ms/article  {dr / 1024:6.1f} MB peak RSS')
print(f'web: web / disk                            {ws / ds:8.2f}x (goal: within 1.2x)')
print(f'web: in HTTP requests                      {fetch_ms / n:8.2f} ms/article (summed over 4 loaders)')
print(f'web: loading (fetch + parse, loader threads) {load_ms / n:6.2f} ms/article; render workers waited '
      f'{100 * wait_ms / 1000 / max(ws * 4, 1e-9):.1f}% of their time (parsing moved to the loaders counts here)')
print(f'web: unchanged re-run (conditional GETs)   {rs * 1000 / n:8.2f} ms/article')
ncpu = os.cpu_count() or 1
print(f'web: the test server itself used {srv:.1f} s of CPU on the same {ncpu} CPUs '
      f'(web / disk without it: {(ws - srv / ncpu) / ds:.2f}x)')
PY

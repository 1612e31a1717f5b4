#!/bin/sh
# 72-web-polite.sh - politeness measured at the tests' own server (tests/httpd.py on 127.0.0.1):
# robots.txt Crawl-delay spaces the requests to its host, --delay is the floor under it,
# --ignore-robots drops it, and a Crawl-delay beyond bantin's bound is noted.
. tests/lib.sh
. tests/e2e/web.inc
have python3 || { skip "web politeness tests (python3 missing)"; exit 0; }
S=$OUT/site; mkdir -p "$S"
web_start "$S" || { fail "web polite: the test server did not start ($(head -c 200 "$OUT/httpd.err"))"; exit 0; }
python3 - "$S" <<'PY'
import sys
S = sys.argv[1]
for n in range(1, 5):
    paras = ''.join(f'<p>Bài {n}, đoạn {i}: nội dung đủ dài để được giữ lại trong bài báo thử nghiệm.</p>' for i in range(4))
    open(f'{S}/p{n}.html', 'w', encoding='utf-8').write(f'<html><head><meta charset="utf-8"><title>Bài {n}</title></head>'
        f'<body><article><h1>Tin {n}</h1>{paras}</article></body></html>')
def feed(name, items):
    x = ''.join(f'<item><title>Tin {n}</title><link>/p{n}.html</link></item>' for n in items)
    open(f'{S}/{name}', 'w', encoding='utf-8').write(f'<rss version="2.0"><channel><title>T</title>{x}</channel></rss>')
feed('four.rss', [1, 2, 3, 4])
feed('two.rss', [1, 2])
x = ''.join(f'<item><title>Tin {n}</title><link>/sleep/800/p{n}.html</link></item>' for n in range(1, 5))
open(f'{S}/slow4.rss', 'w', encoding='utf-8').write(f'<rss version="2.0"><channel><title>T</title>{x}</channel></rss>')
PY

# gaps PATTERN : the smallest and largest gap (s) between the arrivals of the logged requests
# whose path matches PATTERN, in arrival order
gaps() {
    awk -F'\t' -v p="$1" '$2 ~ p { print $6 }' "$WLOG" | sort -n |
        awk 'NR > 1 { g = $1 - prev; if (min == "" || g < min) min = g; if (g > max) max = g } { prev = $1 }
             END { printf "%.2f %.2f\n", min, max }'
}
# at_least GAP FLOOR : GAP >= FLOOR
at_least() { awk -v g="$1" -v f="$2" 'BEGIN { exit !(g >= f) }'; }

printf 'User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n' >"$S/robots.txt"
: >"$WLOG"
wbt parse --json --no-images --jobs 4 --per-host 4 "$U/four.rss" >"$OUT/c1.json" 2>"$OUT/c1.err"; rc=$?
set -- $(gaps '^/(robots[.]txt|p[0-9][.]html)$')
[ "$rc" = 0 ] && [ "$(wc -l <"$OUT/c1.json")" = 4 ] && at_least "$1" 0.8 &&
    pass "web polite: robots.txt Crawl-delay 1 s spaces the requests to the host (smallest gap $1 s, 4 pages at --jobs 4 --per-host 4)" ||
    fail "web polite: Crawl-delay not kept (exit $rc, gaps $*; $(tr '\n' '|' <"$OUT/c1.err" | head -c 300))"

: >"$WLOG"
wbt parse --json --no-images --jobs 4 --per-host 4 --delay 2 "$U/two.rss" >"$OUT/c2.json" 2>"$OUT/c2.err"; rc=$?
set -- $(gaps '^/(robots[.]txt|p[0-9][.]html)$')
[ "$rc" = 0 ] && at_least "$1" 1.7 && pass "web polite: --delay 2 is the floor under a Crawl-delay of 1 s (smallest gap $1 s)" ||
    fail "web polite: --delay floor (exit $rc, gaps $*)"

: >"$WLOG"
wbt parse --json --no-images --jobs 4 --per-host 4 --ignore-robots "$U/four.rss" >"$OUT/c3.json" 2>"$OUT/c3.err"; rc=$?
set -- $(gaps '^/p[0-9][.]html$')
[ "$rc" = 0 ] && ! at_least "$2" 0.5 && ! grep -q "	/robots.txt	" "$WLOG" &&
    pass "web polite: --ignore-robots: robots.txt not read, no Crawl-delay (largest gap $2 s)" ||
    fail "web polite: --ignore-robots (exit $rc, gaps $*)"

# a Crawl-delay of a day: bounded at 30 s, and said so (the one page asked waits the bound after
# robots.txt, which the timeout would cut short: only the note is checked here, the bound itself
# in tests/unit/test_net_feed.c)
printf 'User-agent: *\nCrawl-delay: 86400\n' >"$S/robots.txt"
timeout 10 "$BANTIN" parse --json --no-images "$U/two.rss" >/dev/null 2>"$OUT/c4.err"
grep -q "robots.txt: Crawl-delay of 86400 s: 30 s used between requests to this host" "$OUT/c4.err" &&
    pass "web polite: a Crawl-delay of a day is bounded at 30 s, with a note" ||
    fail "web polite: Crawl-delay bound ($(tr '\n' '|' <"$OUT/c4.err" | head -c 300))"
# requests at a time to one host: 4 pages that each take 0.8 s, --jobs 4: by default two at a
# time (the third arrives when the first two are answered), with --per-host 4 all at once
: >"$WLOG"
wbt parse --json --no-images --jobs 4 --ignore-robots "$U/slow4.rss" >"$OUT/s1.json" 2>"$OUT/s1.err"; rc1=$?
w1=$(awk -F'\t' '$2 ~ /^\/sleep\// { print $6 }' "$WLOG" | sort -n | awk '{ t[NR] = $1 } END { printf "%.2f", t[3] - t[1] }')
: >"$WLOG"
wbt parse --json --no-images --jobs 4 --per-host 4 --ignore-robots "$U/slow4.rss" >"$OUT/s2.json" 2>"$OUT/s2.err"; rc2=$?
w2=$(awk -F'\t' '$2 ~ /^\/sleep\// { print $6 }' "$WLOG" | sort -n | awk '{ t[NR] = $1 } END { printf "%.2f", t[4] - t[1] }')
[ "$rc1" = 0 ] && [ "$rc2" = 0 ] && [ "$(wc -l <"$OUT/s1.json")" = 4 ] && at_least "$w1" 0.7 && ! at_least "$w2" 0.5 &&
    pass "web polite: at most 2 requests at a time to a host by default (third request ${w1} s after the first), --per-host 4 lets 4 go at once (${w2} s)" ||
    fail "web polite: per-host limit (exit $rc1/$rc2; third after ${w1} s, fourth after ${w2} s; $(head -c 200 "$OUT/s1.err"))"
exit 0

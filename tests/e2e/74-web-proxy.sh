#!/bin/sh
# 74-web-proxy.sh - through a proxy (the tests' own server, tests/httpd.py on 127.0.0.1, answers
# requests for any host as a forward proxy would), the private-address rule judges the target by
# its name: an IP address, localhost, or what the name resolves to here; a page that came through
# the proxy is not taken for an internal one because the proxy is. No name here is looked up in
# the DNS: .invalid names are only ever handed to the proxy, and the private name comes from
# /etc/hosts.
. tests/lib.sh
. tests/e2e/web.inc
have python3 || { skip "web proxy tests (python3 missing)"; exit 0; }
S=$OUT/site; mkdir -p "$S"
web_start "$S" || { fail "web proxy: the test server did not start ($(head -c 200 "$OUT/httpd.err"))"; exit 0; }
# a host name that resolves to a non-public address through /etc/hosts (this machine's own name,
# or another name listed there), for the rule on resolved names
PN=
for n in $(hostname 2>/dev/null) $(awk '$1 !~ /^#/ { for (i = 2; i <= NF; i++) print $i }' /etc/hosts 2>/dev/null); do
    case $n in localhost|*.localhost|*[!A-Za-z0-9.-]*) continue ;; esac
    ip=$(awk -v n="$n" '$1 !~ /^#/ { for (i = 2; i <= NF; i++) if ($i == n) { print $1; exit } }' /etc/hosts 2>/dev/null)
    case $ip in 127.*|10.*|192.168.*|172.1[6-9].*|172.2[0-9].*|172.3[01].*|::1|f[cd]*|fe80*) PN=$n; break ;; esac
done
python3 - "$S" "${U##*:}" "$PN" <<'PY'
import sys
S, port, pn = sys.argv[1:4]
paras = ''.join(f'<p>Đoạn {i}: nội dung đủ dài để được giữ lại trong bài báo thử nghiệm của chúng tôi.</p>' for i in range(4))
open(f'{S}/bai.html', 'w', encoding='utf-8').write(f'<html><head><meta charset="utf-8"><title>Bài</title></head>'
    f'<body><article><h1>Tin qua proxy</h1>{paras}<img src="http://127.0.0.1:{port}/a.png" alt="x">{paras}</article></body></html>')
items = [f'http://127.0.0.1:{port}/bai.html', f'http://localhost:{port}/bai.html', f'http://[::1]:{port}/bai.html']
if pn: items.append(f'http://{pn}:{port}/bai.html')
x = ''.join(f'<item><title>T</title><link>{u}</link></item>' for u in items)
open(f'{S}/feed.rss', 'w', encoding='utf-8').write(f'<rss version="2.0"><channel><title>P</title>{x}</channel></rss>')
PY
cp "$FIX/pdf/tiny.png" "$S/a.png"
# the proxy for these commands only (web.inc keeps every other test off any proxy)
viaproxy() { env -u no_proxy -u NO_PROXY http_proxy="$U" timeout "$WT" "$BANTIN" "$@"; }

viaproxy parse --json --no-images "http://news.invalid/bai.html" >"$OUT/p1.json" 2>"$OUT/p1.err"; rc=$?
[ "$rc" = 0 ] && grep -q "	http://news.invalid/bai.html	200	" "$WLOG" && grep -q '"title":"Tin qua proxy"' "$OUT/p1.json" &&
    pass "web proxy: a page fetched through the proxy from the environment" || fail "web proxy: page through the proxy (exit $rc; $(head -c 300 "$OUT/p1.err"))"

viaproxy parse --json -v "http://news.invalid/bai.html" >"$OUT/p2.json" 2>"$OUT/p2.err"; rc=$?
[ "$rc" = 0 ] && grep -q "a.png): refused: the address 127.0.0.1 is loopback" "$OUT/p2.err" && ! grep -q "	http://127.0.0.1:[0-9]*/a.png	" "$WLOG" &&
    pass "web proxy: an image on a loopback address, from a page that came through the proxy, is refused (the proxy's own address does not count)" ||
    fail "web proxy: image rule through the proxy (exit $rc; $(tr '\n' '|' <"$OUT/p2.err" | head -c 300))"

: >"$WLOG"
viaproxy parse --json --no-images "http://news.invalid/feed.rss" >"$OUT/p3.json" 2>"$OUT/p3.err"; rc=$?
ok=1
grep -q "127.0.0.1:[0-9]*/bai.html: refused: the address 127.0.0.1 is loopback" "$OUT/p3.err" || ok=0
grep -q "localhost:[0-9]*/bai.html: refused: the address localhost is loopback" "$OUT/p3.err" || ok=0
grep -q "\[::1\]:[0-9]*/bai.html: refused: the address ::1 is loopback" "$OUT/p3.err" || ok=0
[ "$rc" = 3 ] && [ "$ok" = 1 ] && ! grep -q "bai.html	200" "$WLOG" &&
    pass "web proxy: feed items on an IP address, localhost or [::1] are refused through the proxy, never asked" ||
    fail "web proxy: feed items (exit $rc; $(tr '\n' '|' <"$OUT/p3.err" | head -c 500))"
if [ -n "$PN" ]; then
    grep -q "$PN:[0-9]*/bai.html: refused: the address $PN (.*) is " "$OUT/p3.err" &&
        pass "web proxy: a host name that resolves to a non-public address here ($PN) is refused before it goes to the proxy" ||
        fail "web proxy: resolved name $PN ($(tr '\n' '|' <"$OUT/p3.err" | head -c 500))"
else
    skip "web proxy: no host name in /etc/hosts resolves to a non-public address"
fi
viaproxy parse --json --no-images --allow-private "http://news.invalid/feed.rss" >"$OUT/p4.json" 2>"$OUT/p4.err"; rc=$?
n=$(wc -l <"$OUT/p4.json")
[ "$rc" = 0 ] && [ "$n" -ge 3 ] && pass "web proxy: --allow-private lets them through the proxy ($n articles)" ||
    fail "web proxy: --allow-private (exit $rc, $n; $(tr '\n' '|' <"$OUT/p4.err" | head -c 300))"
exit 0

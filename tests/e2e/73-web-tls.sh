#!/bin/sh
# 73-web-tls.sh - HTTPS against the tests' own server (tests/httpd.py over TLS on 127.0.0.1, with
# a CA and a server certificate made here by the openssl command): certificates are verified by
# default (an unknown CA and a wrong host name are one-line TLS failures), --insecure skips that,
# and a CA file named by CURL_CA_BUNDLE or SSL_CERT_FILE is trusted without --insecure. (HTTP/2
# is not tested: python's http.server speaks only HTTP/1.1.)
. tests/lib.sh
. tests/e2e/web.inc
have python3 || { skip "web TLS tests (python3 missing)"; exit 0; }
have openssl || { skip "web TLS tests (the openssl command is missing: make deps-test)"; exit 0; }
unset CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR
S=$OUT/site; K=$OUT/pki; mkdir -p "$S" "$K"
cp "$FIX/html/pages/vi-vnexpress-2022-02-13-thoi-su.html" "$S/bai.html"
# a CA of our own and a certificate for 127.0.0.1 signed by it (EC keys: quick to make)
( cd "$K" &&
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem \
      -days 2 -subj "/CN=bantin test CA" &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout srv.key -out srv.csr \
      -subj "/CN=127.0.0.1" &&
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >srv.ext &&
  openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile srv.ext
) >"$OUT/openssl.log" 2>&1 || { fail "web TLS: openssl could not make the test certificates ($(tail -c 200 "$OUT/openssl.log"))"; exit 0; }
web_start "$S" "$K/srv.pem" "$K/srv.key" || { fail "web TLS: the test server did not start ($(head -c 200 "$OUT/httpd.err"))"; exit 0; }
T=https://${U#http://}
wbt parse --json "$FIX/html/pages/vi-vnexpress-2022-02-13-thoi-su.html" >"$OUT/disk.json" 2>/dev/null

one_line_error "web TLS: a certificate from an unknown CA is refused by default" 3 \
    "$T/bai.html: TLS failure: SSL certificate problem: unable to get local issuer certificate \(--insecure skips" \
    wbt parse --json --no-images "$T/bai.html"
one_line_error "web TLS: a certificate for another host name is refused" 3 \
    "https://localhost:[0-9]+/bai.html: TLS failure: .*(subject name|does not match|match target host)" \
    env CURL_CA_BUNDLE="$K/ca.pem" "$BANTIN" parse --json --no-images "https://localhost:${U##*:}/bai.html"
same() { # the article over HTTPS is the one on disk
    python3 - "$1" "$OUT/disk.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
a['source_url'] = b['source_url'] = None
drop = lambda d: [x for x in d['blocks'] if x['type'] != 'image']
sys.exit(0 if drop(a) == drop(b) and a['title'] == b['title'] else 1)
PY
}
wbt parse --json --no-images --insecure "$T/bai.html" >"$OUT/insecure.json" 2>"$OUT/insecure.err"; rc=$?
[ "$rc" = 0 ] && same "$OUT/insecure.json" && pass "web TLS: --insecure reads the page (the same article as from disk)" ||
    fail "web TLS: --insecure (exit $rc; $(head -c 300 "$OUT/insecure.err"))"
for var in CURL_CA_BUNDLE SSL_CERT_FILE; do
    env "$var=$K/ca.pem" "$BANTIN" parse --json --no-images "$T/bai.html" >"$OUT/ca.json" 2>"$OUT/ca.err"; rc=$?
    [ "$rc" = 0 ] && same "$OUT/ca.json" && pass "web TLS: $var names the CA: verified without --insecure" ||
        fail "web TLS: $var (exit $rc; $(head -c 300 "$OUT/ca.err"))"
done
one_line_error "web TLS: a CA file that cannot be read is named" 3 "CURL_CA_BUNDLE names .*/nowhere.pem: No such file" \
    env CURL_CA_BUNDLE="$K/nowhere.pem" "$BANTIN" parse --json "$T/bai.html"
# an archive over HTTPS keeps https evidence
CURL_CA_BUNDLE="$K/ca.pem" wbt archive --no-images -q "$T/bai.html" -o "$OUT/bag" >"$OUT/a.out" 2>&1; rc=$?
[ "$rc" = 0 ] && zcat "$OUT"/bag/data/warc/*.warc.gz | grep -aq "^WARC-Target-URI: $T/bai.html" && wbt verify "$OUT/bag" >/dev/null 2>&1 &&
    pass "web TLS: archive over HTTPS, the WARC keeps the https exchange" || fail "web TLS: archive over HTTPS (exit $rc; $(head -c 300 "$OUT/a.out"))"
exit 0

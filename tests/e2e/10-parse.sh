#!/bin/sh
# bantin parse --json: hand-checked expectations, every corpus article parses, bad input.
. tests/lib.sh

# 1. Hand-checked expectations (tests/fixtures/parse/expect.json).
python3 - "$BANTIN" "$FIX" <<'PY'
import json, subprocess, sys, unicodedata, collections
b, fix = sys.argv[1], sys.argv[2]
exp = json.load(open(f'{fix}/parse/expect.json', encoding='utf-8'))
for name, e in exp.items():
    r = subprocess.run([b, 'parse', '--json', f'{fix}/text/{name}'], capture_output=True, timeout=60)
    try:
        d = json.loads(r.stdout)
    except Exception as ex:
        print(f'FAIL: parse {name}: not JSON ({ex})'); continue
    bad = []
    for k in ('title', 'published', 'category', 'author', 'lead', 'language'):
        if k in e and d.get(k) != e[k]:
            bad.append(f'{k}={d.get(k)!r} want {e[k]!r}')
    for k in ('title', 'published', 'category', 'author', 'lead', 'source_url', 'language', 'blocks'):
        if k not in d: bad.append(f'missing key {k}')
    c = collections.Counter(x['type'] for x in d.get('blocks', []))
    for t, n in e.get('counts', {}).items():
        if c[t] != n: bad.append(f'{t} count {c[t]} want {n}')
    for t, n in e.get('min_counts', {}).items():
        if c[t] < n: bad.append(f'{t} count {c[t]} want >= {n}')
    caps = [x['text'] for x in d['blocks'] if x['type'] == 'caption']
    if 'captions' in e and caps != e['captions']: bad.append(f'captions {caps}')
    if 'captions_contain' in e and not any(e['captions_contain'] in x for x in caps): bad.append('caption credit')
    body = [x['text'] for x in d['blocks'] if x['type'] == 'paragraph']
    if 'first' in e and not (body and body[0].startswith(e['first'])): bad.append('first paragraph')
    if 'last' in e and not (body and e['last'] in body[-1]): bad.append('last paragraph')
    alltext = json.dumps(d, ensure_ascii=False)
    for s in e.get('absent', []):
        if s in alltext: bad.append(f'contains {s!r}')
    if e.get('nfc') and unicodedata.normalize('NFC', alltext) != alltext: bad.append('not NFC')
    print(f'PASS: parse {name}' if not bad else f'FAIL: parse {name} ({"; ".join(bad)})')
PY

# 2. Every corpus article: valid JSON, NFC, no U+00A0, a title and blocks.
python3 - "$BANTIN" "$FIX" <<'PY'
import json, subprocess, sys, unicodedata, glob, os
b, fix = sys.argv[1], sys.argv[2]
bad = []
for f in sorted(glob.glob(f'{fix}/text/*.txt')):
    r = subprocess.run([b, 'parse', '--json', f], capture_output=True, timeout=60)
    try:
        d = json.loads(r.stdout); s = json.dumps(d, ensure_ascii=False)
        ok = r.returncode == 0 and d['title'] and d['blocks'] and unicodedata.normalize('NFC', s) == s \
             and '\u00a0' not in s and '  ' not in s
    except Exception:
        ok = False
    if not ok: bad.append(os.path.basename(f))
print('PASS: all corpus articles parse to clean NFC JSON' if not bad else f'FAIL: corpus parse ({bad})')
PY

# 3. Bad input: one-line error naming the file, exit 3 (no input usable, bantin(1)).
printf '' >"$OUT/empty.txt"
printf '  \n\n\t\n' >"$OUT/blank.txt"
head -c 4096 /dev/urandom >"$OUT/junk.bin"
printf '\211PNG\r\n\032\n\0\0\0\rIHDR' >"$OUT/image.txt"
for f in missing.txt empty.txt blank.txt junk.bin image.txt; do
    bt parse --json "$OUT/$f" >"$OUT/o" 2>"$OUT/e"; rc=$?
    if [ $rc -eq 3 ] && [ "$(wc -l <"$OUT/e")" -eq 1 ] && grep -q "$f" "$OUT/e" && [ ! -s "$OUT/o" ]; then
        pass "bad input $f: one-line error, exit $rc"
    else fail "bad input $f (exit $rc: $(head -c 200 "$OUT/e"))"; fi
done
bt parse --json "$OUT" >/dev/null 2>"$OUT/e"; [ $? -eq 3 ] && grep -q 'directory' "$OUT/e" && pass "directory refused" || fail "directory refused"

# Over the size limit (sparse file: no real disk use).
truncate -s 60M "$OUT/huge.txt"
bt parse --json "$OUT/huge.txt" >/dev/null 2>"$OUT/e"; rc=$?
[ $rc -eq 3 ] && grep -q 'too large' "$OUT/e" && pass "50 MB limit" || fail "50 MB limit (exit $rc)"
rm -f "$OUT/huge.txt"

# Invalid UTF-8 is repaired with a warning, and the article is still converted.
printf 'Ti\303\252u \377\376 \340\200\257 \355\240\200\n\nMột đoạn văn bản.\n' >"$OUT/bad-utf8.txt"
bt parse --json "$OUT/bad-utf8.txt" >"$OUT/o" 2>"$OUT/e"; rc=$?
if [ $rc -eq 0 ] && grep -q 'invalid UTF-8' "$OUT/e" && python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); assert "\ufffd" in d["title"] and d["blocks"]' "$OUT/o"; then
    pass "invalid UTF-8 becomes U+FFFD with a warning"; else fail "invalid UTF-8 (exit $rc)"; fi

# UTF-16 with BOM, CRLF, stdin.
printf 'Tiêu đề\r\n\r\nĐoạn văn.\r\n' | iconv -f UTF-8 -t UTF-16 >"$OUT/u16.txt"
bt parse --json "$OUT/u16.txt" | grep -q "\"title\":\"Tiêu đề\"" && pass "UTF-16 with BOM" || fail "UTF-16 with BOM"
printf 'Tiêu đề\n\nĐoạn văn.\n' | bt parse --json - | grep -q "\"title\":\"Tiêu đề\"" && pass "stdin" || fail "stdin"

# A mix of good and bad: good ones printed, exit 1.
bt parse --json "$FIX/text/001.txt" "$OUT/empty.txt" >"$OUT/o" 2>/dev/null; rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$OUT/o")" -eq 1 ] && pass "partial failure exit 1" || fail "partial failure (exit $rc)"
bt parse --bogus >/dev/null 2>&1; [ $? -eq 2 ] && pass "usage error exit 2" || fail "usage error exit 2"
bt --version | grep -q '^bantin [0-9]' && pass "--version" || fail "--version"
bt --help | grep -q 'usage: bantin' && pass "--help" || fail "--help"

# --max-input lowers (or raises) the size limit for any command.
bt parse --max-input 100 --json "$FIX/text/000-seed.txt" >/dev/null 2>"$OUT/e"; rc=$?
[ $rc -eq 3 ] && grep -q 'too large' "$OUT/e" && pass "--max-input lowers the limit" || fail "--max-input (exit $rc)"
bt parse --max-input 1M --json "$FIX/text/000-seed.txt" >/dev/null 2>&1 && pass "--max-input 1M accepts" || fail "--max-input 1M"

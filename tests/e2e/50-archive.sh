#!/bin/sh
# bantin archive / verify: bag layout, manifests, index, incremental runs, duplicates, bad input,
# --category loose matching, --since/--until.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
have python3 || { skip "archive (python3 missing)"; exit 0; }
SRC=$OUT/src; BAG=$OUT/bag
mkdir -p "$SRC/a" "$SRC/b"
for f in 000-seed 001 002 005 013 025 026; do cp "$FIX/text/$f.txt" "$SRC/a/$f.txt"; done
# undated, no category: title + body only
printf 'Tin kh\303\264ng ng\303\240y th\303\241ng\n\nM\341\273\231t \304\221o\341\272\241n v\304\203n kh\303\264ng c\303\263 ng\303\240y v\303\240 kh\303\264ng c\303\263 chuy\303\252n m\341\273\245c, v\341\272\253n ph\341\272\243i \304\221\306\260\341\273\243c l\306\260u tr\341\273\257.\n\nM\341\273\231t \304\221o\341\272\241n n\341\273\257a \304\221\341\273\203 b\303\240i c\303\263 n\341\273\231i dung.\n' > "$SRC/b/undated.txt"
chmod -R u+w "$SRC"

# --- first run -------------------------------------------------------------------------------
timed bt archive "$SRC" -o "$BAG" -q; first_ms=$cpu_ms # CPU time: wall time varies with the load
[ $rc -eq 0 ] && pass "archive: first run exits 0" || fail "archive: first run exits 0 (rc=$rc)"
for f in bagit.txt bag-info.txt manifest-sha256.txt tagmanifest-sha256.txt data/index.json data/index.html; do
    [ -s "$BAG/$f" ] && pass "archive: $f present" || fail "archive: $f present"
done
grep -q '^BagIt-Version: 1.0$' "$BAG/bagit.txt" && pass "archive: bagit.txt version" || fail "archive: bagit.txt version"
for k in Source-Organization Bagging-Date Payload-Oxum Bag-Software-Agent Bag-Size; do
    grep -q "^$k: " "$BAG/bag-info.txt" && pass "archive: bag-info $k" || fail "archive: bag-info $k"
done
grep -q '^Bagging-Date: 2023-05-27$' "$BAG/bag-info.txt" && pass "archive: Bagging-Date from SOURCE_DATE_EPOCH" \
    || fail "archive: Bagging-Date from SOURCE_DATE_EPOCH ($(grep Bagging "$BAG/bag-info.txt"))"
(cd "$BAG" && sha256sum -c --quiet manifest-sha256.txt) >/dev/null 2>&1 && pass "archive: sha256sum -c manifest" || fail "archive: sha256sum -c manifest"
(cd "$BAG" && sha256sum -c --quiet tagmanifest-sha256.txt) >/dev/null 2>&1 && pass "archive: sha256sum -c tagmanifest" || fail "archive: sha256sum -c tagmanifest"
oxum=$(sed -n 's/^Payload-Oxum: //p' "$BAG/bag-info.txt")
real="$(find "$BAG/data" -type f -printf '%s\n' | awk '{s+=$1} END {print s}').$(find "$BAG/data" -type f | wc -l)"
[ "$oxum" = "$real" ] && pass "archive: Payload-Oxum matches data/" || fail "archive: Payload-Oxum ($oxum vs $real)"
bt verify "$BAG" 2>/dev/null && pass "verify: fresh bag is valid" || fail "verify: fresh bag is valid"
[ -f "$BAG/data/articles/2023/05/2023-05-27-tinh-uy-hai-duong-va-hung-yen-quan-tam-va-lam-tot-cong-tac-co-yeu-bao-mat-va-an.pdf" ] \
    && pass "archive: seed PDF at articles/YYYY/MM/YYYY-MM-DD-slug.pdf" || fail "archive: seed PDF path ($(ls -R "$BAG/data/articles" | head -5))"
ls "$BAG"/data/articles/undated/tin-khong-ngay-thang*.pdf >/dev/null 2>&1 && pass "archive: undated article under articles/undated/" || fail "archive: undated article under articles/undated/"
[ -f "$BAG/data/digests/an-ninh-quoc-phong-2023-05.epub" ] && pass "archive: category-month digest" || fail "archive: category-month digest ($(ls "$BAG/data/digests"))"
[ -f "$BAG/data/digests/khac-undated.epub" ] && pass "archive: undated, uncategorised article in khac-undated digest" || fail "archive: khac-undated digest ($(ls "$BAG/data/digests"))"
for p in "$BAG"/data/articles/*/*/*.pdf; do head -c 5 "$p" | grep -q '%PDF-' || { fail "archive: PDFs start with %PDF- ($p)"; break; }; done
python3 - "$BAG" "$SRC" <<'PY'
import json, sys, os, hashlib, re, unicodedata
bag, src = sys.argv[1], sys.argv[2]
d = json.load(open(f'{bag}/data/index.json', encoding='utf-8'))
arts = d['articles']
srcs = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(src) for f in fs)
got = sorted(a['source']['path'] for a in arts)
print('PASS: index.json lists every source' if got == srcs else f'FAIL: index.json lists every source ({len(got)} vs {len(srcs)})')
bad = [a['source']['path'] for a in arts if a['source']['sha256'] != hashlib.sha256(open(a['source']['path'], 'rb').read()).hexdigest()]
print('PASS: index.json source SHA-256' if not bad else f'FAIL: index.json source SHA-256 {bad}')
ok = [a for a in arts if a['status'] == 'ok']
print('PASS: all articles ok' if len(ok) == len(arts) else f'FAIL: all articles ok ({[a["status"] for a in arts]})')
miss = [a['title'] for a in ok if not os.path.isfile(f'{bag}/data/{a["outputs"]["pdf"]["path"]}') or not os.path.isfile(f'{bag}/data/{a["outputs"]["epub"]}')]
print('PASS: index.json outputs exist' if not miss else f'FAIL: index.json outputs exist {miss}')
html = open(f'{bag}/data/index.html', encoding='utf-8').read()
links = set(re.findall(r'href="([^"]+\.pdf)"', html))
want = {a['outputs']['pdf']['path'] for a in ok}
print('PASS: index.html links every PDF' if links == want else f'FAIL: index.html links every PDF ({len(links)} vs {len(want)})')
cats = re.findall(r'<section class="cat" id="c-([a-z0-9-]+)"', html)
want_cats = {re.sub(r'[^a-z0-9]+', '-', unicodedata.normalize('NFD', a.get('category') or 'khac').replace('đ', 'd').replace('Đ', 'D').encode('ascii', 'ignore').decode().lower()).strip('-') for a in ok}
print('PASS: index.html grouped by category' if sorted(cats) == sorted(want_cats) else f'FAIL: index.html categories {cats} vs {sorted(want_cats)}')
print('PASS: index.html shows Vietnamese titles' if 'Tỉnh ủy Hải Dương' in html else 'FAIL: index.html shows Vietnamese titles')
PY

# --- incremental: unchanged inputs ---------------------------------------------------------
seedpdf=$(ls "$BAG"/data/articles/2023/05/*.pdf)
before=$(stat -c %Y.%i "$seedpdf"); mbefore=$(sha256sum < "$BAG/manifest-sha256.txt")
sleep 1
timed bt archive "$SRC" -o "$BAG" >"$OUT/second.log" 2>&1; second_ms=$cpu_ms
msg=$(cat "$OUT/second.log")
[ $rc -eq 0 ] && pass "incremental: second run exits 0" || fail "incremental: second run exits 0 ($rc)"
echo "$msg" | grep -q '(0 parsed now, 8 unchanged)' && pass "incremental: unchanged inputs render nothing" || fail "incremental: unchanged inputs render nothing ($msg)"
[ "$(stat -c %Y.%i "$seedpdf")" = "$before" ] && [ "$(sha256sum < "$BAG/manifest-sha256.txt")" = "$mbefore" ] \
    && pass "incremental: bag untouched when nothing changed" || fail "incremental: bag untouched when nothing changed"
[ $((second_ms * 2)) -lt $first_ms ] && pass "incremental: second run ${second_ms} ms vs first ${first_ms} ms (CPU)" \
    || fail "incremental: second run not much faster (${second_ms} ms vs ${first_ms} ms CPU)"

# --- incremental: one changed source, one new, one removed ----------------------------------
other=$(ls "$BAG"/data/articles/2020/10/*vinamilk* 2>/dev/null | head -1)
obefore=$(stat -c %Y.%i "$other" 2>/dev/null)
d001=$(ls -l --time-style=+%s "$BAG/data/digests/kinh-doanh-2020-10.epub" | awk '{print $6}')
printf '\nM\341\273\231t \304\221o\341\272\241n m\341\273\233i \304\221\306\260\341\273\243c th\303\252m v\303\240o cu\341\273\221i b\303\240i.\n' >> "$SRC/a/026.txt"
cp "$FIX/text/030.txt" "$SRC/b/030.txt"
rm "$SRC/a/002.txt"
msg=$(bt archive "$SRC" -o "$BAG" 2>&1); rc=$?
[ $rc -eq 0 ] && pass "incremental: run after changes exits 0" || fail "incremental: run after changes exits 0 ($rc: $msg)"
echo "$msg" | grep -q '(2 parsed now, 6 unchanged)' && pass "incremental: only the changed and the new source are parsed" || fail "incremental: changed+new parsed ($msg)"
echo "$msg" | grep -q '1 digests rendered' && pass "incremental: only the changed article's digest is rendered" || fail "incremental: one digest rendered ($msg)"
[ "$(stat -c %Y.%i "$other")" = "$obefore" ] && pass "incremental: unchanged article's PDF untouched" || fail "incremental: unchanged article's PDF untouched"
python3 - "$BAG" <<'PY'
import json, sys, os
bag = sys.argv[1]
d = json.load(open(f'{bag}/data/index.json', encoding='utf-8'))
by = {os.path.basename(a['source']['path']): a for a in d['articles']}
r = by.get('002.txt')
ok = r and r['source'].get('removed') is True and r['status'] == 'ok' and os.path.isfile(f'{bag}/data/{r["outputs"]["pdf"]["path"]}')
print('PASS: removed source stays archived, marked' if ok else f'FAIL: removed source stays archived, marked ({r})')
print('PASS: new source added' if by.get('030.txt', {}).get('status') == 'ok' else 'FAIL: new source added')
PY
bt verify "$BAG" 2>/dev/null && pass "verify: valid after incremental runs" || fail "verify: valid after incremental runs"

# --- duplicates ---------------------------------------------------------------------------
DUP=$OUT/dup; mkdir -p "$DUP"
cp "$FIX/text/001.txt" "$DUP/001.txt"
# the same article saved again with other white space and line breaks
sed 's/ /  /g; s/\r//' "$FIX/text/001.txt" > "$DUP/zz-001-again.txt"
cp "$FIX/archive/url-a.html" "$FIX/archive/url-b.html" "$DUP/"
mkdir -p "$DUP/url-a_files"; cp "$FIX/archive/url-a.html" "$DUP/url-a_files/frame.html"  # part of a saved page
bt archive "$DUP" -o "$OUT/dupbag" -q; rc=$?
python3 - "$OUT/dupbag" <<'PY'
import json, sys, os
d = json.load(open(f'{sys.argv[1]}/data/index.json', encoding='utf-8'))
by = {os.path.basename(a['source']['path']): a for a in d['articles']}
ok = by['001.txt']['status'] == 'ok' and by['zz-001-again.txt']['status'] == 'duplicate' and by['zz-001-again.txt'].get('duplicate_of', '').endswith('001.txt')
print('PASS: duplicates: same normalised text archived once' if ok else f'FAIL: duplicates: same normalised text ({[(k, v["status"]) for k, v in by.items()]})')
ok = by['url-a.html']['status'] == 'ok' and by['url-b.html']['status'] == 'duplicate'
print('PASS: duplicates: same canonical URL archived once' if ok else f'FAIL: duplicates: same canonical URL ({by["url-a.html"]["status"]}, {by["url-b.html"]["status"]})')
print('PASS: NAME_files/ folders of saved pages are not articles' if not any('_files/' in a['source']['path'] for a in d['articles']) else 'FAIL: NAME_files/ folder archived')
n = sum(1 for dp, _, fs in os.walk(f'{sys.argv[1]}/data/articles') for f in fs)
print('PASS: duplicates: one PDF each' if n == 2 else f'FAIL: duplicates: {n} PDFs')
PY

# --- bad input ------------------------------------------------------------------------------
BADS=$OUT/badsrc; mkdir -p "$BADS"
cp "$FIX/text/001.txt" "$BADS/"
head -c 3000 /dev/urandom > "$BADS/binary.txt"
: > "$BADS/empty.txt"
msg=$(bt archive "$BADS" -o "$OUT/badbag" 2>&1); rc=$?
[ $rc -eq 1 ] && pass "bad input: exit 1 when an article failed" || fail "bad input: exit 1 ($rc)"
echo "$msg" | grep -q 'binary.txt' && pass "bad input: failure reported with the file name" || fail "bad input: failure reported ($msg)"
python3 - "$OUT/badbag" <<'PY'
import json, sys, os
d = json.load(open(f'{sys.argv[1]}/data/index.json', encoding='utf-8'))
by = {os.path.basename(a['source']['path']): a for a in d['articles']}
ok = all(by[f]['status'] == 'failed' and by[f].get('reason') for f in ('binary.txt', 'empty.txt')) and by['001.txt']['status'] == 'ok'
print('PASS: bad input: recorded as failed with a reason, the rest archived' if ok else f'FAIL: bad input recorded ({by})')
PY
bt verify "$OUT/badbag" 2>/dev/null && pass "bad input: the bag is still valid" || fail "bad input: the bag is still valid"

# --- --category (loose) and --since/--until -------------------------------------------------
bt archive "$SRC" -o "$OUT/cat" -q --category "An ninh - Quốc phòng"; rc=$?
n=$(ls "$OUT"/cat/data/articles/*/*/*.pdf 2>/dev/null | wc -l)
[ $rc -eq 0 ] && [ "$n" -eq 1 ] && [ -f "$OUT/cat/data/digests/an-ninh-quoc-phong-2023-05.epub" ] \
    && pass "--category matches ignoring case, accents and dash kind" || fail "--category loose match (rc=$rc, $n PDFs)"
bt archive "$SRC" -o "$OUT/since" -q --since 2024-01-01 --until 2024-12-31 --pdf-only; rc=$?
python3 - "$OUT/since" <<'PY'
import json, sys
d = json.load(open(f'{sys.argv[1]}/data/index.json', encoding='utf-8'))
dates = [a.get('date', '') for a in d['articles'] if a['status'] == 'ok']
ok = dates and all(x == '' or '2024-01-01' <= x[:10] <= '2024-12-31' for x in dates) and any(x.startswith('2024') for x in dates)
print('PASS: --since/--until keep only that range (and undated)' if ok else f'FAIL: --since/--until ({dates})')
print('PASS: --pdf-only writes no digests' if not d['digests'] else 'FAIL: --pdf-only writes no digests')
PY
bt archive "$SRC" -o "$OUT/since" -q --since 2023-01-01 >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && pass "archive: other options on an existing archive refused (exit 2)" || fail "archive: other options refused (rc=$rc)"

# --- the digests are valid EPUB 3 ------------------------------------------------------------
if have_epubcheck; then
    out=$(timeout 300 java -jar "$epubcheck_jar" "$BAG/data/digests/an-ninh-quoc-phong-2023-05.epub" 2>&1)
    echo "$out" | grep -q '0 fatals / 0 errors / 0 warnings' && pass "digest passes epubcheck" \
        || fail "digest passes epubcheck ($(echo "$out" | grep -E 'ERROR|WARNING|FATAL' | head -2))"
else
    skip "digest passes epubcheck (java or epubcheck missing)"
fi

# --- one "is this an article file" test for archive and epub ---------------------------------
AF=$OUT/kinds; mkdir -p "$AF"
cp "$FIX/text/001.txt" "$AF/upper.TXT"; cp "$FIX/text/002.txt" "$AF/b.text"; cp "$FIX/text/005.txt" "$AF/.hidden.txt"
cp "$FIX/text/013.txt" "$AF/notes.pdf"
n_epub=$(bt epub -v "$AF" -o "$OUT/kinds.epub" 2>&1 | grep -c '\.TXT: \|\.text: ')
bt archive -q "$AF" -o "$OUT/kinds-bag" >/dev/null 2>&1
n_arch=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['articles']))" "$OUT/kinds-bag/data/index.json" 2>/dev/null)
[ "$n_epub" = 2 ] && [ "$n_arch" = 2 ] && pass "archive and epub take the same article files (.TXT, .text; not hidden, not .pdf)" \
    || fail "archive and epub take the same article files (epub $n_epub, archive $n_arch)"

# --- -v says where the time and memory went, step by step (make bench reads these lines) -----
bt archive -v "$AF" -o "$OUT/phases-bag" >"$OUT/phases.out" 2>&1
ph=$(grep '^bantin: archive: phases: ' "$OUT/phases.out")
rs=$(grep '^bantin: archive: peak RSS after: ' "$OUT/phases.out")
ok=1
for s in scan render digests index catalogue state manifests commit; do
    echo "$ph" | grep -Eq "[:,] $s [0-9]+ ms" || ok=0
    echo "$rs" | grep -Eq "[:,] $s [0-9]+\.[0-9] MB" || ok=0
done
[ $ok = 1 ] && pass "archive -v: time and peak memory of each step" \
    || fail "archive -v: time and peak memory of each step ($ph | $rs)"
bt archive -q "$AF" -o "$OUT/phases-q" 2>&1 | grep -q 'phases' && fail "archive -q: no phase lines" \
    || pass "archive -q: no phase lines"

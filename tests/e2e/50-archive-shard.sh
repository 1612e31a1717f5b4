#!/bin/sh
# bantin archive --shard K/N + --merge: the merged bag holds the same articles, PDFs and digests as
# one run over everything, and is a valid bag.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
have python3 || { skip "shard (python3 missing)"; exit 0; }
SRC=$OUT/src; mkdir -p "$SRC"
cp "$FIX"/text/0*.txt "$SRC/"
cp "$FIX/text/001.txt" "$SRC/zz-dup-of-001.txt"   # a duplicate, possibly in another shard
bt archive "$SRC" -o "$OUT/single" -q -j 2; rc1=$?
ok=1
for k in 1 2 3; do bt archive "$SRC" -o "$OUT/s$k" -q -j 2 --shard $k/3 || ok=0; done
[ $rc1 -eq 0 ] && [ $ok = 1 ] && pass "shard: single run and 3 shards exit 0" || fail "shard: runs exit 0"
python3 - "$OUT" <<'PY'
import json, sys
o = sys.argv[1]
srcs = [sorted(a['source']['path'] for a in json.load(open(f'{o}/s{k}/data/index.json'))['articles']) for k in (1, 2, 3)]
flat = sorted(sum(srcs, []))
allsrc = sorted(a['source']['path'] for a in json.load(open(f'{o}/single/data/index.json'))['articles'])
print('PASS: shard: the shards partition the sources' if flat == allsrc and len(set(flat)) == len(flat) else 'FAIL: shard: the shards partition the sources')
print('PASS: shard: every shard gets a share' if all(srcs) else f'FAIL: shard: an empty shard {list(map(len, srcs))}')
PY
bt archive --merge "$OUT/s1" "$OUT/s2" "$OUT/s3" -o "$OUT/merged" -q; rc=$?
[ $rc -eq 0 ] && pass "merge: exits 0" || fail "merge: exits 0 ($rc)"
bt verify "$OUT/merged" >/dev/null 2>&1 && pass "merge: the merged bag verifies" || fail "merge: the merged bag verifies"
(cd "$OUT/merged" && sha256sum -c --quiet manifest-sha256.txt >/dev/null 2>&1) && pass "merge: sha256sum -c passes" || fail "merge: sha256sum -c passes"
python3 - "$OUT" <<'PY'
import json, sys
o = sys.argv[1]
def load(b):
    d = json.load(open(f'{o}/{b}/data/index.json', encoding='utf-8'))
    arts = sorted((a['source']['path'], a['status'], a.get('outputs', {}).get('pdf', {}).get('path'),
                   a.get('outputs', {}).get('pdf', {}).get('sha256'), a.get('outputs', {}).get('epub')) for a in d['articles'])
    return arts, sorted(g['path'] for g in d['digests'])
a, da = load('single'); b, db = load('merged')
print('PASS: merge == single run: same articles, statuses and PDFs' if a == b else 'FAIL: merge == single run: articles differ')
print('PASS: merge == single run: same digests' if da == db else f'FAIL: merge digests {da} vs {db}')
print('PASS: merge: the duplicate is archived once' if sum(1 for x in b if x[1] == 'duplicate') == 1 else 'FAIL: merge: the duplicate is archived once')
PY
m1=$(cd "$OUT/single" && sort -k2 manifest-sha256.txt | grep -v index | sha256sum)
m2=$(cd "$OUT/merged" && sort -k2 manifest-sha256.txt | grep -v index | sha256sum)
[ "$m1" = "$m2" ] && pass "merge: payload identical to the single run (byte for byte)" || fail "merge: payload differs from the single run"
bt archive --merge "$OUT/s1" "$OUT/s2" -o "$OUT/merged" -q >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && pass "merge: refuses to merge into an existing archive" || fail "merge: into an existing archive ($rc)"

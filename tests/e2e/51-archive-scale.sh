#!/bin/sh
# Archives beyond one process, on engines people run: GNU parallel (the literal recipe and
# contrib/parallel), a Slurm job array (contrib/slurm, with a stand-in sbatch) and a Kubernetes
# Indexed Job (contrib/kubernetes: the manifest is parsed and its pod commands are run here with the
# variables Kubernetes would set). Each time the merged bag verifies and is byte for byte the bag of
# one single run over the same sources (payload, manifests, bag-info, state). Also --shard env.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
have python3 || { skip "scale (python3 missing)"; exit 0; }
B=$(cd "$(dirname "$BANTIN")" && pwd)/$(basename "$BANTIN")
ROOT=$(pwd)
OUT=$(cd "$OUT" && pwd)
cd "$OUT" || exit 1
mkdir -p data/src/a data/src/b bin
cp "$ROOT/$FIX"/text/0*.txt data/src/a/
cp "$ROOT/$FIX"/html/pages/vi-*.html data/src/b/
cp "$ROOT/$FIX/text/001.txt" data/src/b/zz-dup-of-001.txt     # a duplicate, likely in another shard
ln -s "$B" bin/bantin
tbt() { timeout "${BT_TIMEOUT:-60}" "$B" "$@"; }
tbt archive data/src -o data/single -q -j 2 || fail "scale: the single run"
same_bag() { # NAME BAG: the bag verifies and equals data/single byte for byte (.bantin aside)
    if ! tbt verify "$2" >/dev/null 2>&1; then fail "$1: the merged bag verifies"; return; fi
    pass "$1: the merged bag verifies"
    if diff -r -q -x .bantin data/single "$2" >"$OUT/diff.txt" 2>&1; then
        pass "$1: merged bag == single run, byte for byte ($(find "$2" -type f ! -path '*/.bantin/*' | wc -l) files)"
    else
        fail "$1: merged bag differs from the single run: $(head -3 "$OUT/diff.txt" | tr '\n' ' ')"
    fi
}

# --- GNU parallel: the recipe of the README, 4 local shards ----------------------------------
if have parallel; then
    PATH="$OUT/bin:$PATH" parallel --will-cite bantin archive data/src -o data/shard-{} --shard {}/4 -q -j 1 ::: 1 2 3 4
    rc=$?
    [ $rc -eq 0 ] && pass "parallel: 4 shards exit 0" || fail "parallel: 4 shards exit 0 ($rc)"
    n=0; for k in 1 2 3 4; do [ -s "data/shard-$k/data/index.json" ] && n=$((n + 1)); done
    [ $n = 4 ] && pass "parallel: 4 shard bags" || fail "parallel: $n shard bags"
    tbt archive --merge data/shard-1 data/shard-2 data/shard-3 data/shard-4 -o data/merged -q \
        && pass "parallel: merge exits 0" || fail "parallel: merge exits 0"
    same_bag "parallel" data/merged
    # contrib/parallel: the same with a wrapper script, 3 shards
    PATH="$OUT/bin:$PATH" BANTIN=bantin sh "$ROOT/contrib/parallel/bantin-archive-parallel" -n 3 data/src data/p3 >/dev/null 2>"$OUT/p3.err"
    rc=$?
    [ $rc -eq 0 ] && pass "contrib/parallel: exits 0" || fail "contrib/parallel: exits 0 ($rc: $(head -2 "$OUT/p3.err"))"
    same_bag "contrib/parallel" data/p3/bag
else
    skip "parallel: GNU parallel missing"
fi

# --- a template other than the default: the merge renders the digests with the shards' look ---
tbt archive data/src -o data/single-bao -q -j 2 --template bao
for k in 1 2; do tbt archive data/src -o data/bao-$k -q -j 2 --template bao --shard $k/2; done
tbt archive --merge data/bao-1 data/bao-2 -o data/bao-merged -q
if diff -r -q -x .bantin data/single-bao data/bao-merged >/dev/null 2>&1; then
    pass "merge: shards made with --template bao merge into the single run's bag, byte for byte"
else
    fail "merge: --template bao shards differ from the single run"
fi
msg=$(tbt archive --merge data/bao-1 data/bao-2 -o data/bao-a5 --template a5 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$msg" | grep -q 'bao' && pass "merge: another --template than the shards' is refused" \
    || fail "merge: another --template ($rc: $msg)"

# --- --shard env ----------------------------------------------------------------------------
msg=$(env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX "$B" archive data/src -o data/e0 --shard env 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$msg" | grep -q 'SLURM_ARRAY_TASK_ID' && echo "$msg" | grep -q 'JOB_COMPLETION_INDEX' \
    && pass "shard env: none set: exit 2 naming the variables" || fail "shard env: none set ($rc: $msg)"
msg=$(env -u SLURM_ARRAY_TASK_ID -u BANTIN_SHARDS JOB_COMPLETION_INDEX=1 "$B" archive data/src -o data/e0 --shard env 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$msg" | grep -q 'BANTIN_SHARDS' && pass "shard env: index without count: exit 2 naming BANTIN_SHARDS" \
    || fail "shard env: index without count ($rc: $msg)"
msg=$(env -u JOB_COMPLETION_INDEX SLURM_ARRAY_TASK_ID=5 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=4 "$B" archive data/src -o data/e0 --shard env 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$msg" | grep -q '5' && pass "shard env: task 5 of 4: exit 2" || fail "shard env: task 5 of 4 ($rc: $msg)"
msg=$(env -u JOB_COMPLETION_INDEX SLURM_ARRAY_TASK_ID=x SLURM_ARRAY_TASK_COUNT=4 "$B" archive data/src -o data/e0 --shard env 2>&1); rc=$?
[ $rc -eq 2 ] && pass "shard env: a non-number: exit 2" || fail "shard env: a non-number ($rc: $msg)"
# 0-based array (--array=0-3) given by MIN/MAX only: task 2 is share 3/4, the same as --shard 3/4
env -u JOB_COMPLETION_INDEX -u SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3 \
    "$B" archive data/src -o data/e-slurm -q --shard env
tbt archive data/src -o data/e-k3 -q --shard 3/4
env -u SLURM_ARRAY_TASK_ID JOB_COMPLETION_INDEX=2 BANTIN_SHARDS=4 "$B" archive data/src -o data/e-k8s -q --shard env
if cmp -s data/e-slurm/manifest-sha256.txt data/e-k3/manifest-sha256.txt && cmp -s data/e-k8s/manifest-sha256.txt data/e-k3/manifest-sha256.txt \
    && grep -q 'Bag-Count: 3 of 4' data/e-slurm/bag-info.txt; then
    pass "shard env: SLURM_ARRAY_TASK_ID=2 (0-3) and JOB_COMPLETION_INDEX=2 are share 3/4"
else
    fail "shard env: SLURM_ARRAY_TASK_ID=2 (0-3) and JOB_COMPLETION_INDEX=2 are share 3/4"
fi

# --- Slurm: contrib/slurm run as 4 array tasks, a stand-in sbatch records the merge job ---------
SB=$ROOT/contrib/slurm/bantin-archive.sbatch
bash -n "$SB" && pass "contrib/slurm: bash -n" || fail "contrib/slurm: bash -n"
grep -q '^#SBATCH --array=' "$SB" && pass "contrib/slurm: an #SBATCH --array line" || fail "contrib/slurm: #SBATCH --array"
cat >bin/sbatch <<'EOF'
#!/bin/sh
# stand-in sbatch: records its arguments, one per line
for a in "$@"; do printf '%s\n' "$a"; done >>"$SBATCH_LOG"
echo "Submitted batch job 78"
EOF
chmod +x bin/sbatch
ok=1
for k in 1 2 3 4; do
    env -u JOB_COMPLETION_INDEX PATH="$OUT/bin:$PATH" SBATCH_LOG="$OUT/sbatch.log" BANTIN="$B" SLURM_ARRAY_JOB_ID=77 \
        SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=4 SLURM_ARRAY_TASK_COUNT=4 \
        SLURM_CPUS_PER_TASK=1 BANTIN_ARCHIVE_OPTS=-q bash "$SB" data/src data/slurm >/dev/null 2>&1 || ok=0
done
[ $ok = 1 ] && pass "contrib/slurm: 4 array tasks exit 0" || fail "contrib/slurm: 4 array tasks exit 0"
[ "$(grep -c '^--dependency=afterok:77$' "$OUT/sbatch.log" 2>/dev/null)" = 1 ] \
    && pass "contrib/slurm: one merge job, after the whole array" || fail "contrib/slurm: merge job submission ($(cat "$OUT/sbatch.log" 2>/dev/null | tr '\n' ' '))"
wrap=$(sed -n 's/^--wrap=//p' "$OUT/sbatch.log")
sh -c "$wrap" >/dev/null 2>&1 && pass "contrib/slurm: the merge job's command runs" || fail "contrib/slurm: merge job ($wrap)"
same_bag "contrib/slurm" data/slurm/bag

# --- Kubernetes: contrib/kubernetes, its pods run here ------------------------------------------
if python3 -c 'import yaml' 2>/dev/null; then
    python3 - "$ROOT/contrib/kubernetes/bantin-archive-job.yaml" "$OUT/k8s.sh" <<'PY'
import shlex, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
jobs = {d['metadata']['labels']['step']: d for d in docs if d.get('kind') == 'Job'}
bad, lines = [], ['mkdir -p data/k8s/bags']
sh, mg = jobs.get('shards'), jobs.get('merge')
if not sh or not mg: bad.append('two Jobs labelled step=shards and step=merge')
else:
    s = sh['spec']
    c = s['template']['spec']['containers'][0]
    env = {e['name']: e['value'] for e in c.get('env', [])}
    if s.get('completionMode') != 'Indexed': bad.append('completionMode Indexed')
    if str(s.get('completions')) != env.get('BANTIN_SHARDS'): bad.append('BANTIN_SHARDS == completions')
    if s['template']['spec'].get('restartPolicy') not in ('Never', 'OnFailure'): bad.append('restartPolicy')
    if '--shard env' not in ' '.join(c['command']): bad.append('--shard env in the command')
    mcmd = mg['spec']['template']['spec']['containers'][0]['command']
    path = lambda a: a.replace('/data/src', 'data/src').replace('/data/', 'data/k8s/')
    # the pods, with what Kubernetes sets (JOB_COMPLETION_INDEX and the container's env); /data is ./data
    for i in range(int(s['completions'])):
        e = dict(env, JOB_COMPLETION_INDEX=str(i))
        e.pop('SOURCE_DATE_EPOCH', None)  # the test's own, so that the bag compares with the single run
        lines.append('env -u SLURM_ARRAY_TASK_ID ' + ' '.join(f'{k}={shlex.quote(v)}' for k, v in e.items()) + ' ' +
                     ' '.join(shlex.quote(path(a)) for a in c['command']) + ' || exit 1')
    lines.append(' '.join(shlex.quote(path(a)) for a in mcmd))
open(sys.argv[2], 'w').write('\n'.join(lines) + '\n')
for b in bad: print(f'FAIL: contrib/kubernetes: {b}')
if not bad: print('PASS: contrib/kubernetes: well-formed YAML, an Indexed Job (BANTIN_SHARDS = completions) and a merge Job')
PY
    PATH="$OUT/bin:$PATH" sh "$OUT/k8s.sh" >/dev/null 2>"$OUT/k8s.err" \
        && pass "contrib/kubernetes: the shard pods and the merge pod exit 0" \
        || fail "contrib/kubernetes: pods ($(head -2 "$OUT/k8s.err" | tr '\n' ' '))"
    same_bag "contrib/kubernetes" data/k8s/bags/bag
else
    skip "contrib/kubernetes (python3-yaml missing)"
fi

#!/bin/sh
# 40-html-gold.sh - HTML extraction against gold data: Vietnamese article metadata and body,
# benchmark body F1 (word 4-gram shingles), trafilatura metadata and must/must-not snippets.
. tests/lib.sh
H=$FIX/html
have python3 || { skip "html gold checks (python3 missing)"; exit 0; }
for f in "$H"/pages/*.html; do
    k=$(basename "$f" .html)
    bt parse --json "$f" >"$OUT/$k.json" 2>"$OUT/$k.err" || { fail "html parse $k (exit status $?)"; continue; }
    pass "html parse $k"
done
python3 - "$H" "$OUT" "$(dirname "$0")/../score" <<'PY'
import json, os, re, sys, unicodedata
H, OUT, SC = sys.argv[1:4]
sys.path.insert(0, SC)
from score import pr, norm, body

def say(ok, name, why=''):
    print(('PASS: ' if ok else 'FAIL: ') + name + ('' if ok else f' ({why})'))

P, R = [], []
meta_ok = meta_all = snip_ok = snip_all = 0
for f in sorted(os.listdir(os.path.join(H, 'gold'))):
    k = f[:-5]
    g = json.load(open(os.path.join(H, 'gold', f), encoding='utf-8'))
    try:
        d = json.load(open(os.path.join(OUT, k + '.json'), encoding='utf-8'))
    except ValueError:
        d = {}
    b = norm(body(d))
    if k.startswith('vi-'):
        say(norm(d.get('title')) == norm(g['title']), f'{k}: title', d.get('title'))
        if g.get('published'):
            say((d.get('published') or '')[:16] == g['published'][:16], f'{k}: published', d.get('published'))
        if g.get('author'):
            say(norm(d.get('author')) == norm(g['author']), f'{k}: author', d.get('author'))
        if g.get('category'):
            say(norm(d.get('category')) == norm(g['category']), f'{k}: category', d.get('category'))
        if g.get('lead'):
            say(norm(d.get('lead')) == norm(g['lead']), f'{k}: lead', (d.get('lead') or '')[:40])
        say(norm(g['first_paragraph']) in b, f'{k}: first paragraph')
        say(norm(g['last_paragraph']) in b, f'{k}: last paragraph')
        paras = [x for x in d.get('blocks', []) if x.get('type') == 'paragraph']
        say(abs(len(paras) - g['paragraph_count']) <= 1, f'{k}: paragraph count',
            f"{len(paras)} vs {g['paragraph_count']}")
        caps = [norm(x['text']) for x in d.get('blocks', []) if x.get('type') == 'caption']
        say(all(norm(c) in caps for c in g['captions']), f'{k}: captions', caps[:3])
        bad = [s for s in g['must_not_contain'] if norm(s) in b]
        say(not bad, f'{k}: no boilerplate', bad)
    elif 'articleBody' in g:
        p, r = pr(g['articleBody'], body(d))
        P.append(p)
        R.append(r)
        say(p > 0.9 and r > 0.9, f'{k}: body precision/recall > 0.9', f'P {p:.3f} R {r:.3f}')
    else:
        for key in ('title', 'author', 'date'):
            if g.get(key):
                meta_all += 1
                got = d.get('published' if key == 'date' else key) or ''
                ok = got[:10] == g[key][:10] if key == 'date' else norm(got).lower() == norm(g[key]).lower()
                meta_ok += ok
        for s in g.get('with') or []:
            snip_all += 1
            snip_ok += norm(s) in b
        for s in g.get('without') or []:
            snip_all += 1
            snip_ok += norm(s) not in b
if P:
    p, r = sum(P) / len(P), sum(R) / len(R)
    f1 = 2 * p * r / (p + r) if p + r else 0
    say(f1 >= 0.95, f'benchmark body F1 >= 0.95 ({f1:.3f} on {len(P)} pages)', f'{f1:.3f}')
if meta_all:
    say(meta_ok * 10 >= meta_all * 7, f'news pages metadata ({meta_ok}/{meta_all})', f'{meta_ok}/{meta_all}')
    say(snip_ok * 10 >= snip_all * 9, f'news pages snippets ({snip_ok}/{snip_all})', f'{snip_ok}/{snip_all}')
PY
# Charsets of real pages: windows-1250 and ISO-8859-1 text must come out as the right letters.
grep -q 'Sejm zagłosował' "$OUT/tf-rp.pl-unijne-fundusze.json" && pass "windows-1250 page decoded" || fail "windows-1250 page decoded"
grep -q 'Maßnahmen' "$OUT/tf-die-tagespost.de.Demut.json" && pass "ISO-8859-1 page decoded" || fail "ISO-8859-1 page decoded"
# Output is NFC even though the vnexpress page has decomposed marks.
python3 -c "
import json,sys,unicodedata
d=json.load(open(sys.argv[1],encoding='utf-8'))
t=json.dumps(d,ensure_ascii=False)
sys.exit(0 if unicodedata.normalize('NFC',t)==t else 1)" "$OUT/vi-vnexpress-2022-02-13-thoi-su.json" && pass "html output is NFC" || fail "html output is NFC"

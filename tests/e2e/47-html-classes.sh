#!/bin/sh
# 47-html-classes.sh - the regression table tests/html-regression.tsv: for each page, the title,
# date, author, first and last paragraph, paragraph and caption counts and the class's own checks
# (boxes at the top of the body, pictures chosen from srcset/lazy/noscript/AMP sources, live-blog
# times, must-not-contain). The pages under tests/fixtures/html/classes/ were built from real
# saved pages by changing their structure (each says how in its first line); no site rule
# applies to them.
. tests/lib.sh
have python3 || { skip "html regression table (python3 missing)"; exit 0; }
python3 - "$BANTIN" "$FIX/html" tests/html-regression.tsv "$OUT" <<'PY'
import json, os, subprocess, sys, unicodedata
bantin, base, table, out = sys.argv[1:5]
def say(ok, name, why=''):
    print(('PASS: ' if ok else 'FAIL: ') + name + ('' if ok else f' (got {why!r})'))
def nfc(s):
    return unicodedata.normalize('NFC', s or '')
rows = [l.rstrip('\n').split('\t') for l in open(table, encoding='utf-8') if l.strip() and not l.startswith('#')]
head, rows = rows[0], rows[1:]
if not rows:
    say(False, 'html regression table has rows', 0)
for r in rows:
    w = dict(zip(head, r))
    page = w['page']
    try:
        p = subprocess.run([bantin, 'parse', '--json', os.path.join(base, page)], capture_output=True, timeout=60)
        d = json.loads(p.stdout) if p.returncode == 0 else {}
    except Exception as e:
        d = {}
    if not d:
        say(False, f'{page}: parses', p.stderr.decode('utf-8', 'replace')[:200])
        continue
    blocks = d.get('blocks', [])
    paras = [b['text'] for b in blocks if b['type'] == 'paragraph']
    caps = [b['text'] for b in blocks if b['type'] == 'caption']
    body = '\n'.join(b['text'] for b in blocks if b['type'] != 'image')
    for k in ('title', 'published', 'author'):
        want = None if w[k] == '-' else w[k]
        say(nfc(d.get(k)) == nfc(want) if want else d.get(k) is None, f'{page}: {k}', d.get(k))
    for k, i in (('first', 0), ('last', -1)):
        if w[k] != '-':
            got = paras[i] if paras else ''
            say(nfc(got).startswith(nfc(w[k])), f'{page}: {k} paragraph', got[:60])
    say(len(paras) == int(w['paragraphs']), f'{page}: {w["paragraphs"]} paragraphs', len(paras))
    n, _, first_cap = w['captions'].partition('|')
    say(len(caps) == int(n) and (not first_cap or (caps and nfc(caps[0]).startswith(nfc(first_cap)))),
        f'{page}: {n} captions', caps[:1] + [len(caps)])
    for check in [c.strip() for c in w['more'].split(' ; ') if c.strip() and c.strip() != '-']:
        key, _, val = check.partition('=')
        if key == 'boxes':
            kinds = [b['type'] for b in blocks]
            nb = kinds.count('box')
            before = 'paragraph' not in kinds or all(i < kinds.index('paragraph') for i, t in enumerate(kinds) if t == 'box')
            say(nb == int(val) and before, f'{page}: {val} box lines before the first paragraph', kinds[:8])
        elif key == 'images':
            names = [b.get('name') for b in blocks if b['type'] == 'image']
            say(names == val.split(','), f'{page}: pictures {val}', names)
        elif key == 'headings':
            hs = [b['text'] for b in blocks if b['type'] == 'heading']
            say(hs == val.split(','), f'{page}: headings {val}', hs)
        elif key == 'not':
            leaked = [s for s in val.split('|') if nfc(s) in nfc(body)]
            say(not leaked, f'{page}: nothing of the page around the article in the body', leaked)
        elif key == 'lead':
            say(nfc(d.get('lead')).startswith(nfc(val)), f'{page}: lead', d.get('lead'))
        elif key == 'category':
            say(nfc(d.get('category')) == nfc(val), f'{page}: category {val}', d.get('category'))
        elif key == 'para':
            say(nfc(val) in [nfc(x) for x in paras], f'{page}: a paragraph {val}', paras[:3])
        else:
            say(False, f'{page}: known check {key}', key)
PY

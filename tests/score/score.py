#!/usr/bin/env python3
"""score.py - score bantin's HTML extraction against gold files.

Usage: score.py BANTIN HTML_DIR GOLD_DIR [-v]

For every GOLD_DIR/<id>.json with a page HTML_DIR/<id>.html, runs `BANTIN parse --json` and
checks it by the kind of gold found:
  articleBody   body text F1 of word 4-gram shingles (multisets of \\w+ tokens), precision and
                recall averaged over pages, as the public article-extraction benchmark does;
                body = text of every block except image and caption, joined by newlines
  with/without  trafilatura-style snippets that must / must not occur in the body; title,
                author and date when the gold gives them
  first_paragraph, last_paragraph, must_not_contain, title, published, author, category
                (hand-made gold for Vietnamese pages)
Prints one line per page and a summary; exit status 0 always (the caller compares figures)."""
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter

WORD = re.compile(r'\w+', re.UNICODE)


def norm(s):
    return re.sub(r'\s+', ' ', unicodedata.normalize('NFC', s or '')).strip()


def grams(text, n=4):
    toks = WORD.findall(text or '')
    if len(toks) < n:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


def pr(gold, got):
    """(precision, recall) of got against gold, None where undefined."""
    g, p = grams(gold), grams(got)
    both = sum((g & p).values())
    extra = sum((p - g).values())
    miss = sum((g - p).values())
    if extra == 0 and miss == 0:
        return 1.0, 1.0
    prec = both / (both + extra) if both + extra else 0.0
    rec = both / (both + miss) if both + miss else 0.0
    return prec, rec


def run(bantin, page):
    try:
        r = subprocess.run([bantin, 'parse', '--json', page], capture_output=True, timeout=30)
        if r.returncode != 0:
            return {}
        return json.loads(r.stdout)
    except (subprocess.TimeoutExpired, ValueError):
        return {}


def body(d):
    return '\n'.join(b.get('text', '') for b in d.get('blocks', [])
                     if b.get('type') not in ('image', 'caption'))


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    bantin, html_dir, gold_dir = sys.argv[1:4]
    verbose = '-v' in sys.argv[4:]
    P, R = [], []
    meta_ok = meta_all = snip_ok = snip_all = 0
    for f in sorted(os.listdir(gold_dir)):
        if not f.endswith('.json'):
            continue
        pid = f[:-5]
        page = os.path.join(html_dir, pid + '.html')
        if not os.path.exists(page):
            continue
        g = json.load(open(os.path.join(gold_dir, f), encoding='utf-8'))
        d = run(bantin, page)
        b = norm(body(d))
        notes = []
        if 'articleBody' in g:
            p, r = pr(g['articleBody'], body(d))
            P.append(p)
            R.append(r)
            notes.append(f'P {p:.3f} R {r:.3f}')
        checks = []
        if g.get('title'):
            checks.append(('title', norm(d.get('title')) == norm(g['title'])))
        date = g.get('published') or g.get('date')
        if date:
            checks.append(('date', (d.get('published') or '')[:10] == date[:10]))
        if g.get('author'):
            checks.append(('author', norm(d.get('author')).lower() == norm(g['author']).lower()))
        if g.get('category'):
            checks.append(('category', norm(d.get('category')) == norm(g['category'])))
        for key in ('first_paragraph', 'last_paragraph'):
            if g.get(key):
                checks.append((key.split('_')[0], norm(g[key]) in b))
        for s in g.get('with') or []:
            snip_all += 1
            ok = norm(s) in b
            snip_ok += ok
            if not ok:
                notes.append('missing:' + s[:30])
        for s in (g.get('without') or []) + (g.get('must_not_contain') or []):
            snip_all += 1
            ok = norm(s) not in b
            snip_ok += ok
            if not ok:
                notes.append('unwanted:' + s[:30])
        for name, ok in checks:
            meta_all += 1
            meta_ok += ok
            if not ok:
                key = {'date': 'published'}.get(name, name)
                notes.append(f'{name}:NO({str(d.get(key))[:40]})')
        if verbose or notes:
            print(f'{pid[:44]:44s} ' + ' '.join(notes))
    if P:
        p = sum(P) / len(P)
        r = sum(R) / len(R)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f'body F1 {f1:.3f} precision {p:.3f} recall {r:.3f} pages {len(P)}')
    print(f'metadata {meta_ok}/{meta_all}  snippets {snip_ok}/{snip_all}')
    return 0


if __name__ == '__main__':
    sys.exit(main())

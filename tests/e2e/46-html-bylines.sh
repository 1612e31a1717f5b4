#!/bin/sh
# 46-html-bylines.sh - bylines on hand-written pages: a date box classed as the author box
# ("Thứ Ba, 12/03/2024 ...": a weekday is not a person; the name closing the body is the author)
# and a source line "Theo Minh Anh (Dân Việt)" (a reporter of another outlet) closing the body.
. tests/lib.sh
have python3 || { skip "byline checks (python3 missing)"; exit 0; }
S=$FIX/html/synthetic
for k in byline-weekday byline-source-line; do
    BANTIN_DATA_DIR=$OUT bt parse --json "$S/$k.html" >"$OUT/$k.json" 2>/dev/null || fail "$k parses"
done
python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
def say(ok, name, why=''):
    print(('PASS: ' if ok else 'FAIL: ') + name + ('' if ok else f' ({why})'))
want = {'byline-weekday': 'Lan Hương', 'byline-source-line': 'Minh Anh'}
for k, au in want.items():
    d = json.load(open(f'{out}/{k}.json', encoding='utf-8'))
    paras = [b['text'] for b in d.get('blocks', []) if b['type'] == 'paragraph']
    say(d.get('author') == au, f'{k}: author', d.get('author'))
    say(d.get('published') == '2024-03-12T15:05:00+07:00', f'{k}: published', d.get('published'))
    say(len(paras) == 4 and paras[0].startswith('Ủy ban') and paras[-1].startswith('Dự kiến'),
        f'{k}: four body paragraphs, byline not among them', paras[-1:] )
    body = '\n'.join(b['text'] for b in d.get('blocks', []))
    leaked = [s for s in ('Thứ Ba', 'Theo Minh Anh', 'Giá vàng hôm nay', 'Tin mới nhất', 'Cơ quan chủ quản') if s in body]
    say(not leaked, f'{k}: no date line, source line or boxes in the body', leaked)
PY

#!/usr/bin/env python3
"""golden.py - layout goldens: each case in tests/layout/cases is laid out by the layout-dump
tool (bt_layout_dump) and compared, as readable lines, with tests/layout/NAME.layout.

  golden.py TOOL OUTDIR        print PASS/FAIL per case (with the first lines of the diff)
  LAYOUT_UPDATE=1 golden.py …  rewrite the goldens from the current layout engine

The golden form is one line per typeset line, not per word, so that a change in the engine
shows up as a diff a person can read:

  page 1/3 article 0
    745.20  62.00-533.28  F1 22.00  body  Tỉnh ủy Hải Dương và Hưng Yên …
    image   62.00 400.00 471.00x300.00 body
    rule    62.00 700.00 471.00x0.50 body

A typeset line is the run of text items with the same baseline and role: its baseline y, the x
where it starts and ends, its face(s) and size(s), and its words (items that touch are joined
without a space: the pieces of a broken word, a fallback face's run).
"""
import difflib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_dump(text):
    """bt_layout_dump lines -> list of (kind, fields) in order."""
    out = []
    for line in text.splitlines():
        if line.startswith('page '):
            out.append(('page', line))
        elif line.startswith('text '):
            q = line.index('"')
            head, word = line[:q].split(), line[q + 1:line.rindex('"')]
            _, role, face, size, x, y, w = head
            out.append(('text', (role, face, size, float(x), float(y), float(w), word)))
        elif line.startswith(('image ', 'rule ')):
            kind, role, x, y, w, h, *rest = line.split()
            out.append((kind if not rest else kind + '.' + rest[0], (role, x, y, w, h)))
        else:
            out.append(('?', line))
    return out


def lines_of(dump):
    """The dump grouped into typeset lines (the golden form)."""
    res, cur = [], None

    def flush():
        nonlocal cur
        if cur:
            role, y, x0, x1, faces, words = cur
            res.append('  %7.2f  %.2f-%.2f  %s  %s  %s' % (y, x0, x1, '/'.join(faces), role, words))
        cur = None

    for kind, f in parse_dump(dump):
        if kind != 'text':
            flush()
            if kind == 'page':
                res.append(f)
            elif kind == '?':
                res.append('  ?? ' + f)
            else:
                role, x, y, w, h = f
                res.append('  %-6s %s %s %sx%s %s' % (kind, x, y, w, h, role))  # rule.dotted: a leader
            continue
        role, face, size, x, y, w, word = f
        fs = '%s %s' % (face, size)
        if cur and cur[0] == role and abs(cur[1] - y) < 0.005:
            gap = x - cur[3]
            cur[5] += ('' if abs(gap) < 0.5 else ' ') + word
            cur[3] = max(cur[3], x + w)
            if fs not in cur[4]:
                cur[4].append(fs)
        else:
            flush()
            cur = [role, y, x, x + w, [fs], word]
    flush()
    return '\n'.join(res) + '\n'


def cases():
    with open(os.path.join(HERE, 'cases'), encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].split()
            if line:
                yield line[0], line[1], line[2:]


def main(tool, outdir):
    update = os.environ.get('LAYOUT_UPDATE')
    failed = 0
    for name, paper, inputs in cases():
        golden = os.path.join(HERE, name + '.layout')
        r = subprocess.run([tool, paper] + inputs, capture_output=True, text=True)
        if r.returncode != 0:
            print('FAIL: layout %s: layout-dump exit %d: %s' % (name, r.returncode, r.stderr.strip()[:200]))
            failed += 1
            continue
        got = lines_of(r.stdout)
        with open(os.path.join(outdir, name + '.layout'), 'w', encoding='utf-8') as f:
            f.write(got)
        if update:
            with open(golden, 'w', encoding='utf-8') as f:
                f.write(got)
            print('PASS: layout %s: golden written (%d lines)' % (name, got.count('\n')))
            continue
        try:
            with open(golden, encoding='utf-8') as f:
                want = f.read()
        except OSError:
            print('FAIL: layout %s: no golden %s (LAYOUT_UPDATE=1 writes it)' % (name, golden))
            failed += 1
            continue
        if got == want:
            print('PASS: layout %s (%s, %d lines)' % (name, paper, got.count('\n')))
            continue
        failed += 1
        diff = list(difflib.unified_diff(want.splitlines(), got.splitlines(), 'golden', 'now', n=1, lineterm=''))
        changed = sum(1 for d in diff if d[:1] in '+-' and d[:3] not in ('+++', '---'))
        print('FAIL: layout %s: %d lines differ from tests/layout/%s.layout (make layout-update '
              'regenerates the goldens)' % (name, changed, name))
        for d in diff[2:42]:
            print('    ' + d)
    return 1 if failed else 0


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))

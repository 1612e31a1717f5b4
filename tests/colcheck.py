#!/usr/bin/env python3
"""colcheck.py BBOX.html LEFT RIGHT TOP BOTTOM COLUMNS GAP - words of a PDF and its columns.

Reads `pdftotext -bbox` output (every word with its box, origin at the page's top-left corner).
Every word must lie inside the text area horizontally (LEFT .. page width - RIGHT); vertically
inside it too, except the running header above it and the footer below it (in the margins).
With COLUMNS > 1: where the columns run (from the first line of the last column down; the title
block above it spans them), every word lies inside one column
(column width = (text width - (COLUMNS - 1) * GAP) / COLUMNS). Tolerance: 0.6 pt.
Prints "OK <words> words" or "FAIL <why>" and exits 1 on failure.
"""
import re
import sys

TOL = 0.6


def main():
    path, left, right, top, bottom, ncols, gap = sys.argv[1], *map(float, sys.argv[2:6]), int(sys.argv[6]), float(sys.argv[7])
    html = open(path, encoding='utf-8').read()
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S)
    if not pages:
        print('FAIL no page in the bbox output')
        return 1
    n = 0
    for pi, (pw, ph, body) in enumerate(pages, 1):
        pw, ph = float(pw), float(ph)
        x0, x1 = left, pw - right
        colw = (x1 - x0 - (ncols - 1) * gap) / ncols
        cols = [(x0 + k * (colw + gap), x0 + k * (colw + gap) + colw) for k in range(ncols)]
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
                 re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body)]
        # where the columns start: the first line of the last column (every column starts at the
        # same height, under the title block, which spans them), less a little for the ascent
        # of a larger first line in another column
        col_top = top
        if ncols > 1:
            hs = sorted(w[3] - w[1] for w in words)
            body = hs[len(hs) // 2] if hs else 0  # the height of most words: body text
            firsts = [w[1] for w in words if abs(w[0] - cols[-1][0]) <= 0.8 and top - TOL <= w[1] and
                      w[3] - w[1] <= body * 1.3]
            col_top = min(firsts) - 4 if firsts else top
        for xa, ya, xb, yb, w in words:
            n += 1
            where = f'page {pi} word "{w}" at x {xa:.1f}..{xb:.1f}, y {ya:.1f}..{yb:.1f}'
            if xa < x0 - TOL or xb > x1 + TOL:
                print(f'FAIL {where}: outside the text area x {x0:.1f}..{x1:.1f}')
                return 1
            if yb <= top + TOL or ya >= ph - bottom - TOL:
                continue  # the running header or the footer, in the margins
            if ya < top - TOL or yb > ph - bottom + TOL:
                print(f'FAIL {where}: across the edge of the text area y {top:.1f}..{ph - bottom:.1f}')
                return 1
            if ncols > 1 and ya >= col_top - TOL and not any(a - TOL <= xa and xb <= b + TOL for a, b in cols):
                print(f'FAIL {where}: in no column ({", ".join(f"{a:.1f}..{b:.1f}" for a, b in cols)})')
                return 1
    print(f'OK {n} words')
    return 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
"""pdfcheck.py - small checkers for the PDF tests (no dependency outside the standard library).

  pdfcheck.py words ARTICLE.txt EXTRACTED.txt
      Every word the article must show (its title and body lines, not the metadata line and not
      the site boilerplate after the article) is found in EXTRACTED, in order, with exact
      diacritics. Both sides are NFC-normalised; hyphens inside a token are ignored (pdftotext
      joins a word hyphenated at a line end) and lone dashes are skipped. Prints "found/total".

  pdfcheck.py bbox BBOX.html PAGE_W PAGE_H LEFT RIGHT TOP BOTTOM [TITLE]
      Reads `pdftotext -bbox` output. Every word must lie inside the column (LEFT..PAGE_W-RIGHT);
      vertically inside the text area (TOP..PAGE_H-BOTTOM from the top edge), except the running
      header above it (words of TITLE or an ellipsis) and the footer below it ("Trang", "i/n").

  pdfcheck.py batch LIST
      Many checks in one process: each line of LIST is "KEY<TAB>words|bbox<TAB>ARG<TAB>ARG...";
      prints "OK|FAIL<TAB>CHECK<TAB>KEY<TAB>message" per line. Exit 1 when any check fails.
"""
import contextlib
import io
import re
import sys
import unicodedata

END_MARKERS = ('Tin cùng chuyên mục', 'Tin mới', 'Tin liên quan', 'Tin khác')
DATE = re.compile(r'\b\d{1,2}/\d{1,2}/\d{4}\b')
TIME = re.compile(r'^\d{1,2}:\d{2}\b')
DASHES = re.compile(r'^[\-\u2010-\u2015]+$')


def norm_tokens(text):
    text = unicodedata.normalize('NFC', text).replace('\u00ad', '')
    out = []
    for tok in text.split():
        if DASHES.match(tok):
            continue
        tok = re.sub(r'[\-\u2010\u2011]', '', tok)
        if tok:
            out.append(tok)
    return out


def expected_words(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = [l.strip() for l in f.read().splitlines()]
    lines = [l for l in lines if l]
    if not lines:
        return []
    keep = [lines[0]]
    for idx, l in enumerate(lines[1:]):
        if l in END_MARKERS:
            break
        if idx == 0:
            is_meta = ('|' in l and (DATE.search(l) or TIME.search(l))) or \
                      (l.upper() == l and len(l) < 60 and not re.search(r'\d', l) and
                       any(ch.isalpha() for ch in l))
            if is_meta:
                continue
        keep.append(l)
    return norm_tokens('\n'.join(keep))


def match_from(want, got, pos):
    """The words of want not found in got, in order from pos."""
    missing = []
    for w in want:
        # look ahead a bounded distance: headers, footers and page numbers sit between words
        j = pos
        limit = min(len(got), pos + 100)
        while j < limit and got[j] != w:
            j += 1
        if j < limit:
            pos = j + 1
        else:
            missing.append(w)
    return missing


def cmd_words(article, extracted):
    want = expected_words(article)
    with open(extracted, encoding='utf-8', errors='replace') as f:
        got = norm_tokens(f.read())
    # the article may follow others in the same PDF (and its title be in a contents page
    # before): start where its first words appear, at the place that finds the most
    head = want[:3]
    starts = [j for j in range(len(got)) if got[j:j + len(head)] == head] or [0]
    missing = min((match_from(want, got, j) for j in starts), key=len)
    print(f'{len(want) - len(missing)}/{len(want)}' + (f' missing {missing[:5]}' if missing else ''))
    return 1 if missing or not want else 0


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r'<page ')


def cmd_bbox(path, pw, ph, left, right, top, bottom, title=''):
    pw, ph, left, right, top, bottom = map(float, (pw, ph, left, right, top, bottom))
    tol = 0.6
    title_words = set(unicodedata.normalize('NFC', title).split()) | {'\u2026'}
    with open(path, encoding='utf-8', errors='replace') as f:
        html = f.read()
    bad, n, page = [], 0, 0
    for part in PAGE.split(html)[1:]:
        page += 1
        for m in WORD.finditer(part):
            n += 1
            x0, y0, x1, y1 = map(float, m.groups()[:4])
            w = unicodedata.normalize('NFC', m.group(5).replace('&amp;', '&').replace('&lt;', '<')
                                      .replace('&gt;', '>').replace('&quot;', '"').replace('&apos;', "'"))
            where = f'p{page} {w!r} ({x0:.1f},{y0:.1f},{x1:.1f},{y1:.1f})'
            if x0 < left - tol or x1 > pw - right + tol or y0 < 0 or y1 > ph:
                bad.append(where)
            elif y1 <= top + tol and y0 >= top - 60:
                # header band
                if page == 1 or not (w in title_words or w.rstrip('\u2026') in title_words or
                                     any(w.rstrip('\u2026') and t.startswith(w.rstrip('\u2026'))
                                         for t in title_words)):
                    bad.append('header ' + where)
            elif y0 >= ph - bottom - tol:
                if not (w == 'Trang' or re.fullmatch(r'\d+/\d+', w)) or y1 > ph - bottom + 60:
                    bad.append('footer ' + where)
            elif y0 < top - tol or y1 > ph - bottom + tol:
                bad.append(where)
    print(f'{n} words, {len(bad)} outside' + (f': {bad[:5]}' if bad else ''))
    return 1 if bad or n == 0 else 0


def cmd_batch(path):
    fails = 0
    with open(path, encoding='utf-8') as f:
        for line in f:
            key, check, *args = line.rstrip('\n').split('\t')
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                rc = cmd_words(*args) if check == 'words' else cmd_bbox(*args)
            fails += rc != 0
            print('\t'.join(('FAIL' if rc else 'OK', check, key, out.getvalue().strip())))
    return 1 if fails else 0


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == 'batch':
        sys.exit(cmd_batch(sys.argv[2]))
    if len(sys.argv) >= 4 and sys.argv[1] == 'words':
        sys.exit(cmd_words(sys.argv[2], sys.argv[3]))
    if len(sys.argv) >= 9 and sys.argv[1] == 'bbox':
        sys.exit(cmd_bbox(*sys.argv[2:10]))
    sys.stderr.write(__doc__)
    sys.exit(2)

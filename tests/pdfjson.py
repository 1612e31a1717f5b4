#!/usr/bin/env python3
"""pdfjson.py - read a PDF's objects through `qpdf --json` (qpdf 11, JSON v2) for the PDF tests.

  pdfjson.py tree FILE.pdf          the structure tree: element types depth-first, one a line
  pdfjson.py figures-alt FILE.pdf   the Alt text of every Figure; exit 1 if one has none
  pdfjson.py links FILE.pdf         every link annotation: its URI (or "dest") and "tagged" when
                                    the parent tree maps its /StructParent to a Link element
                                    holding an OBJR to it
  pdfjson.py attachments FILE.pdf   every embedded file: name, MIME type, relationship, size
  pdfjson.py page-links FILE.pdf    every link to a page of the file, in page order: its page,
                                    the page it goes to (both from 1), its rectangle from the
                                    page's top-left corner (x y w h, points: pdftotext -x -y -W
                                    -H at 72 dpi reads the text under it) and tagged/untagged

Only the standard library; qpdf must be on PATH.
"""
import json
import subprocess
import sys


class Pdf:
    def __init__(self, path):
        out = subprocess.run(['qpdf', '--json', '--json-stream-data=none', path], capture_output=True)
        if out.returncode not in (0, 3):
            raise SystemExit(f'qpdf failed on {path}: {out.stderr.decode(errors="replace").strip()}')
        self.json = json.loads(out.stdout)
        q = self.json['qpdf']
        self.header = q[0]
        self.objects = q[1]
        self.trailer = self.objects.get('trailer', {}).get('value', {})

    def obj(self, ref):
        """The value of an indirect object ('12 0 R'): a stream gives its dictionary."""
        o = self.objects.get('obj:' + ref)
        if o is None:
            return None
        if 'stream' in o:
            return o['stream']['dict']
        return o.get('value')

    def is_stream(self, ref):
        o = self.objects.get('obj:' + ref)
        return o is not None and 'stream' in o

    def get(self, v):
        """Follow references until a direct value."""
        seen = 0
        while isinstance(v, str) and v.endswith(' R') and seen < 50:
            v = self.obj(v)
            seen += 1
        return v

    def root(self):
        return self.get(self.trailer.get('/Root'))

    def all(self):
        """(ref, dict) of every indirect dictionary or stream dictionary."""
        for k, o in self.objects.items():
            if not k.startswith('obj:'):
                continue
            ref = k[4:]
            d = o['stream']['dict'] if 'stream' in o else o.get('value')
            if isinstance(d, dict):
                yield ref, d


def text(v):
    """A PDF text string from qpdf's JSON ("u:..." or "b:hex")."""
    if not isinstance(v, str):
        return ''
    if v.startswith('u:'):
        return v[2:]
    if v.startswith('b:'):
        b = bytes.fromhex(v[2:])
        if b[:2] == b'\xfe\xff':
            return b[2:].decode('utf-16-be', errors='replace')
        return b.decode('latin-1')
    return v


def kids(p, elem):
    k = elem.get('/K')
    if k is None:
        return []
    return k if isinstance(k, list) else [k]


def walk(p, ref, depth, out):
    e = p.get(ref)
    if not isinstance(e, dict):
        return
    if e.get('/Type', '/StructElem') == '/StructElem' and '/S' in e:
        out.append((depth, e.get('/S', '')[1:], ref, e))
    for k in kids(p, e):
        if isinstance(k, str) and k.endswith(' R'):
            d = p.get(k)
            if isinstance(d, dict) and '/S' in d:
                walk(p, k, depth + 1, out)


def elements(p):
    root = p.root()
    st = p.get(root.get('/StructTreeRoot')) if root else None
    out = []
    if not isinstance(st, dict):
        return out
    for k in kids(p, st):
        walk(p, k, 0, out)
    return out


def cmd_tree(p):
    for depth, s, ref, e in elements(p):
        print(s)
    return 0


def cmd_figures_alt(p):
    bad = 0
    for depth, s, ref, e in elements(p):
        if s == 'Figure':
            alt = text(e.get('/Alt'))
            if not alt:
                bad += 1
                print(f'Figure {ref} has no Alt')
            else:
                print(alt)
    return 1 if bad else 0


def parent_tree(p):
    """key -> value of the /ParentTree number tree."""
    root = p.root()
    st = p.get(root.get('/StructTreeRoot')) if root else None
    out = {}
    if not isinstance(st, dict):
        return out

    def node(n):
        n = p.get(n)
        if not isinstance(n, dict):
            return
        nums = n.get('/Nums', [])
        for i in range(0, len(nums) - 1, 2):
            out[nums[i]] = nums[i + 1]
        for k in n.get('/Kids', []):
            node(k)
    node(st.get('/ParentTree'))
    return out


def cmd_links(p):
    pt = parent_tree(p)
    n = 0
    for ref, d in p.all():
        if d.get('/Subtype') != '/Link':
            continue
        n += 1
        a = p.get(d.get('/A')) or {}
        uri = text(a.get('/URI')) if a.get('/S') == '/URI' else 'dest'
        tagged = False
        key = d.get('/StructParent')
        if key is not None and key in pt:
            el = p.get(pt[key])
            if isinstance(el, dict) and el.get('/S') == '/Link':
                for k in kids(p, el):
                    kd = p.get(k)
                    if isinstance(kd, dict) and kd.get('/Type') == '/OBJR' and kd.get('/Obj') == ref:
                        tagged = True
        print(uri + (' tagged' if tagged else ' untagged'))
    return 0 if n else 1


def link_tagged(p, pt, ref, d):
    key = d.get('/StructParent')
    if key is None or key not in pt:
        return False
    el = p.get(pt[key])
    if not isinstance(el, dict) or el.get('/S') != '/Link':
        return False
    for k in kids(p, el):
        kd = p.get(k)
        if isinstance(kd, dict) and kd.get('/Type') == '/OBJR' and kd.get('/Obj') == ref:
            return True
    return False


def cmd_page_links(p):
    pt = parent_tree(p)
    pages = [pg['object'] for pg in p.json.get('pages', [])]
    n = 0
    for i, pref in enumerate(pages):
        page = p.get(pref)
        box = p.get(page.get('/MediaBox')) or [0, 0, 0, 0]
        for aref in p.get(page.get('/Annots')) or []:
            d = p.get(aref)
            if not isinstance(d, dict) or d.get('/Subtype') != '/Link':
                continue
            dest = p.get(d.get('/Dest'))
            a = p.get(d.get('/A')) or {}
            if dest is None and a.get('/S') == '/GoTo':
                dest = p.get(a.get('/D'))
            if not isinstance(dest, list) or dest[0] not in pages:
                continue
            x0, y0, x1, y1 = (float(v) for v in p.get(d.get('/Rect')))
            top = float(box[3]) - max(y0, y1)
            print(i + 1, pages.index(dest[0]) + 1, round(min(x0, x1)), round(top), round(abs(x1 - x0)),
                  round(abs(y1 - y0)), 'tagged' if link_tagged(p, pt, aref, d) else 'untagged')
            n += 1
    return 0 if n else 1


def cmd_attachments(p):
    """name, MIME type, relationship and size of every embedded file."""
    n = 0
    for ref, d in p.all():
        if d.get('/Type') != '/Filespec':
            continue
        ef = p.get((d.get('/EF') or {}).get('/F'))
        mime = (ef or {}).get('/Subtype', '/?')[1:].replace('#2F', '/')
        params = p.get((ef or {}).get('/Params')) or {}
        print(text(d.get('/UF') or d.get('/F')), mime, (d.get('/AFRelationship') or '/-')[1:], params.get('/Size'))
        n += 1
    return 0 if n else 1


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    cmd = sys.argv[1]
    p = Pdf(sys.argv[2])
    return {'tree': cmd_tree, 'figures-alt': cmd_figures_alt, 'links': cmd_links,
            'attachments': cmd_attachments, 'page-links': cmd_page_links}[cmd](p)


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
"""pdfa.py FILE.pdf [LABEL] - check the PDF/A-2 (and PDF/A-3 associated file) rules that
docs/pdfa.md lists, reading the file through `qpdf --json` (objects, decoded stream data) and its
raw bytes. Prints one line per rule, "PASS: pdfa <clause> <what> (LABEL)" or "FAIL: ... (why)",
and exits 1 if any fails. Only the standard library; qpdf must be on PATH.

There is no PDF/A validator among Debian's packages: these checks are ours, one per rule we
claim, named by their clause of ISO 19005-2:2011 (ISO 19005-3:2012 for associated files).
"""
import base64
import json
import re
import struct
import subprocess
import sys
import xml.dom.minidom

STD_TYPES = {
    'Document', 'Part', 'Art', 'Sect', 'Div', 'BlockQuote', 'Caption', 'TOC', 'TOCI', 'Index', 'NonStruct',
    'Private', 'P', 'H', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'L', 'LI', 'Lbl', 'LBody', 'Table', 'TR', 'TH', 'TD',
    'THead', 'TBody', 'TFoot', 'Span', 'Quote', 'Note', 'Reference', 'BibEntry', 'Code', 'Link', 'Annot', 'Ruby',
    'RB', 'RT', 'RP', 'Warichu', 'WT', 'WP', 'Figure', 'Formula', 'Form'}
XMP_PROPS = {  # predefined properties we may use, by namespace
    'http://purl.org/dc/elements/1.1/': {'format', 'title', 'creator', 'description', 'language'},
    'http://ns.adobe.com/xap/1.0/': {'CreateDate', 'ModifyDate', 'MetadataDate', 'CreatorTool'},
    'http://ns.adobe.com/pdf/1.3/': {'Producer', 'Keywords', 'PDFVersion'},
    'http://www.aiim.org/pdfa/ns/id/': {'part', 'conformance'},
}
FORBIDDEN_ACTIONS = {'/Launch', '/Sound', '/Movie', '/ResetForm', '/ImportData', '/JavaScript', '/Hide',
                     '/SetOCGState', '/Rendition', '/Trans', '/GoTo3DView'}


class Doc:
    def __init__(self, path):
        self.raw = open(path, 'rb').read()
        out = subprocess.run(['qpdf', '--json', '--json-stream-data=inline', '--decode-level=generalized', path],
                             capture_output=True)
        if out.returncode not in (0, 3):
            raise SystemExit('qpdf: ' + out.stderr.decode(errors='replace'))
        q = json.loads(out.stdout)['qpdf']
        self.objs = q[1]
        self.trailer = self.objs.get('trailer', {}).get('value', {})

    def entry(self, ref):
        return self.objs.get('obj:' + ref) if isinstance(ref, str) else None

    def get(self, v):
        n = 0
        while isinstance(v, str) and v.endswith(' R') and n < 50:
            o = self.entry(v)
            if o is None:
                return None
            v = o['stream']['dict'] if 'stream' in o else o.get('value')
            n += 1
        return v

    def data(self, ref):
        o = self.entry(ref)
        if not o or 'stream' not in o or 'data' not in o['stream']:
            return None
        return base64.b64decode(o['stream']['data'])

    def items(self):
        for k, o in self.objs.items():
            if k.startswith('obj:'):
                yield k[4:], (o['stream']['dict'] if 'stream' in o else o.get('value')), 'stream' in o

    def root(self):
        return self.get(self.trailer.get('/Root')) or {}

    def pages(self):
        out = []

        def walk(n):
            d = self.get(n)
            if not isinstance(d, dict):
                return
            if d.get('/Type') == '/Pages':
                for k in d.get('/Kids', []):
                    walk(k)
            else:
                out.append((n, d))
        walk(self.root().get('/Pages'))
        return out


def text(v):
    if isinstance(v, str) and v.startswith('u:'):
        return v[2:]
    if isinstance(v, str) and v.startswith('b:'):
        b = bytes.fromhex(v[2:])
        return b[2:].decode('utf-16-be', errors='replace') if b[:2] == b'\xfe\xff' else b.decode('latin-1')
    return v if isinstance(v, str) else ''


def values(v):
    """Every direct value inside v (dicts and arrays walked)."""
    yield v
    if isinstance(v, dict):
        for k, x in v.items():
            yield from values(x)
    elif isinstance(v, list):
        for x in v:
            yield from values(x)


def tokens(data):
    """Operators of a content stream (strings, arrays and dictionaries skipped)."""
    i, n = 0, len(data)
    delim = b'()<>[]{}/%'
    while i < n:
        c = data[i:i + 1]
        if c in b' \t\r\n\f\x00':
            i += 1
        elif c == b'%':
            while i < n and data[i:i + 1] not in b'\r\n':
                i += 1
        elif c == b'(':
            depth, i = 1, i + 1
            while i < n and depth:
                ch = data[i:i + 1]
                if ch == b'\\':
                    i += 2
                    continue
                depth += ch == b'('
                depth -= ch == b')'
                i += 1
        elif data[i:i + 2] == b'<<' or data[i:i + 2] == b'>>':
            i += 2
        elif c == b'<':
            i = data.index(b'>', i) + 1
        elif c in b'[]{}>':
            i += 1
        elif c == b'/':
            i += 1
            while i < n and data[i:i + 1] not in b' \t\r\n\f\x00' and data[i:i + 1] not in delim:
                i += 1
        else:
            j = i
            while j < n and data[j:j + 1] not in b' \t\r\n\f\x00' and data[j:j + 1] not in delim:
                j += 1
            tok = data[i:j]
            if not re.fullmatch(rb'[-+]?(\d+\.?\d*|\.\d+)', tok) and tok not in (b'true', b'false', b'null'):
                yield tok.decode('latin-1')
            i = j if j > i else i + 1


def ttf_widths(font):
    """Advance widths (1/1000 em) of the glyphs of a TrueType program."""
    ntab = struct.unpack('>H', font[4:6])[0]
    tabs = {}
    for k in range(ntab):
        tag, _, off, ln = struct.unpack('>4sIII', font[12 + 16 * k:28 + 16 * k])
        tabs[tag] = (off, ln)
    upem = struct.unpack('>H', font[tabs[b'head'][0] + 18:tabs[b'head'][0] + 20])[0]
    nh = struct.unpack('>H', font[tabs[b'hhea'][0] + 34:tabs[b'hhea'][0] + 36])[0]
    ng = struct.unpack('>H', font[tabs[b'maxp'][0] + 4:tabs[b'maxp'][0] + 6])[0]
    off = tabs[b'hmtx'][0]
    adv = [struct.unpack('>H', font[off + 4 * k:off + 4 * k + 2])[0] for k in range(nh)]
    adv += [adv[-1]] * (ng - nh)
    return [a * 1000.0 / upem for a in adv]


def w_array(w):
    out = {}
    i = 0
    while i < len(w):
        if isinstance(w[i + 1], list):
            for k, v in enumerate(w[i + 1]):
                out[w[i] + k] = v
            i += 2
        else:
            for c in range(w[i], w[i + 1] + 1):
                out[c] = w[i + 2]
            i += 3
    return out


def main():
    path = sys.argv[1]
    label = sys.argv[2] if len(sys.argv) > 2 else path
    d = Doc(path)
    root = d.root()
    results = []

    def rule(clause, what, ok, why=''):
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'}: pdfa {clause} {what} ({label}{'' if ok else ': ' + why})")

    raw = d.raw
    m = re.match(rb'%PDF-1\.([0-7])(\r\n|\r|\n)%([\x80-\xff]{4})', raw)
    rule('6.1.2', 'file header %PDF-1.n, then a comment of four bytes above 127', bool(m), repr(raw[:20]))
    ids = d.trailer.get('/ID')
    tail = raw[raw.rfind(b'%%EOF'):]
    rule('6.1.3', 'trailer has an ID, no Encrypt, nothing after %%EOF',
         isinstance(ids, list) and len(ids) == 2 and '/Encrypt' not in d.trailer and tail in (b'%%EOF', b'%%EOF\n', b'%%EOF\r\n'),
         f'ID {ids} tail {tail[:10]!r}')
    bad = [r for r, v, s in d.items() if s and any(k in v for k in ('/F', '/FFilter', '/FDecodeParms'))]
    rule('6.1.7.1', 'no stream dictionary has F, FFilter or FDecodeParms', not bad, str(bad[:3]))
    filters = set()
    for r, v, s in d.items():
        if s:
            f = v.get('/Filter')
            filters.update(f if isinstance(f, list) else [f] if f else [])
    rule('6.1.7.2', 'stream filters are only FlateDecode or DCTDecode (no LZW, no Crypt)',
         filters <= {'/FlateDecode', '/DCTDecode'}, str(filters))
    lim = []
    for r, v, s in d.items():
        for x in values(v):
            if isinstance(x, int) and not isinstance(x, bool) and abs(x) > 2147483647:
                lim.append((r, 'int'))
            if isinstance(x, str) and x.startswith('/') and len(x[1:].encode()) > 127:
                lim.append((r, 'name'))
            if isinstance(x, str) and x.startswith('b:') and len(x) // 2 - 1 > 32767:
                lim.append((r, 'string'))
    rule('6.1.13', 'implementation limits: integers, names, strings, object count',
         not lim and len([1 for _ in d.items()]) <= 8388607, str(lim[:3]))

    ois = [d.get(o) for o in d.get(root.get('/OutputIntents')) or []]
    pdfa_oi = [o for o in ois if isinstance(o, dict) and o.get('/S') == '/GTS_PDFA1']
    ok, why = False, 'no GTS_PDFA1 output intent'
    if len(pdfa_oi) == 1:
        prof_ref = pdfa_oi[0].get('/DestOutputProfile')
        prof, pd = d.get(prof_ref), d.data(prof_ref)
        ok = bool(pd) and pd[36:40] == b'acsp' and pd[16:20] == b'RGB ' and pd[12:16] in (b'mntr', b'prtr') \
            and prof.get('/N') == 3 and pd[8] in (2, 4)
        why = f'profile header {pd[8:20] if pd else None!r}, N {prof.get("/N") if prof else None}'
    rule('6.2.3', 'one GTS_PDFA1 output intent with an embedded RGB ICC profile (N 3)', ok, why)

    cmyk = []
    for r, v, s in d.items():
        if s and v.get('/Subtype') == '/Image' and v.get('/ColorSpace') == '/DeviceCMYK':
            cmyk.append(r)
    contents = []
    for pref, p in d.pages():
        cs = p.get('/Contents')
        for c in cs if isinstance(cs, list) else [cs]:
            contents.append(d.data(c) or b'')
    ops = [list(tokens(c)) for c in contents]
    cmyk_ops = [o for page in ops for o in page if o in ('k', 'K')]
    rule('6.2.4.3', 'no DeviceCMYK (the output intent is RGB): images and k/K operators', not cmyk and not cmyk_ops,
         f'{cmyk[:3]} {cmyk_ops[:3]}')
    badimg = [r for r, v, s in d.items() if s and v.get('/Subtype') == '/Image' and
              (v.get('/Interpolate') is True or '/Alternates' in v or '/OPI' in v)]
    rule('6.2.8', 'images: no Alternates, no OPI, Interpolate false', not badimg, str(badimg[:3]))
    badgs = [r for r, v, s in d.items() if isinstance(v, dict) and v.get('/Type') == '/ExtGState' and
             (v.get('/SMask', '/None') != '/None' or '/TR' in v or v.get('/TR2', '/Default') != '/Default')]
    rule('6.2.5', 'graphics states: no TR, TR2 other than Default, no soft mask other than None', not badgs,
         str(badgs[:3]))

    fonts = [(r, v) for r, v, s in d.items() if isinstance(v, dict) and v.get('/Type') == '/Font']
    type0 = [(r, v) for r, v in fonts if v.get('/Subtype') == '/Type0']
    kinds = {v.get('/Subtype') for r, v in fonts}
    rule('6.2.11.2', 'font types: Type0 fonts over CIDFontType2', bool(type0) and kinds <= {'/Type0', '/CIDFontType2'},
         str(kinds))
    emb, cidmap, cmaps, compat, widths, tounicode = [], [], [], [], [], []
    for r, t0 in type0:
        cf = d.get(t0['/DescendantFonts'][0])
        desc = d.get(cf.get('/FontDescriptor'))
        ff = desc.get('/FontFile2') if desc else None
        if not ff or not d.data(ff):
            emb.append(r)
        m = cf.get('/CIDToGIDMap')
        if not (m == '/Identity' or (isinstance(m, str) and m.endswith(' R') and d.data(m) is not None)):
            cidmap.append(r)
        enc = t0.get('/Encoding')
        if enc not in ('/Identity-H', '/Identity-V'):
            ed, edata = d.get(enc), d.data(enc) or b''
            if not isinstance(ed, dict) or ed.get('/Type') != '/CMap' or not edata:
                cmaps.append(r)
            else:
                wm = re.search(rb'/WMode\s+(\d)\s+def', edata)
                if ed.get('/WMode', 0) != (int(wm.group(1)) if wm else 0) or b'usecmap' in edata:
                    cmaps.append(r)
                a, b = cf.get('/CIDSystemInfo', {}), ed.get('/CIDSystemInfo', {})
                if a.get('/Registry') != b.get('/Registry') or a.get('/Ordering') != b.get('/Ordering') or \
                        a.get('/Supplement', 0) < b.get('/Supplement', 0):
                    compat.append(r)
        if ff and d.data(ff):
            adv = ttf_widths(d.data(ff))
            gmap = d.data(m) if isinstance(m, str) and m.endswith(' R') else None
            for cid, w in w_array(cf.get('/W', [])).items():
                gid = struct.unpack('>H', gmap[2 * cid:2 * cid + 2])[0] if gmap else cid
                if gid >= len(adv) or abs(adv[gid] - w) > 1:
                    widths.append((r, cid, w))
        tu = d.data(t0.get('/ToUnicode')) if t0.get('/ToUnicode') else None
        if not tu:
            tounicode.append((r, 'none'))
        else:
            for v in re.findall(rb'<([0-9A-Fa-f]{4,8})>', tu.split(b'endcodespacerange')[-1]):
                if v.upper() in (b'0000', b'FEFF', b'FFFE'):
                    tounicode.append((r, v))
    rule('6.2.11.3.1', 'CIDSystemInfo of the CIDFont and of its embedded CMap agree', not compat, str(compat))
    rule('6.2.11.3.2', 'every CIDFontType2 has a CIDToGIDMap (Identity or a stream)', not cidmap, str(cidmap))
    rule('6.2.11.3.3', 'CMaps other than Identity-H are embedded, WMode as in the stream, no usecmap', not cmaps,
         str(cmaps))
    rule('6.2.11.4.1', 'every font program is embedded (FontFile2)', not emb, str(emb))
    cidset = [r for r, v, s in d.items() if isinstance(v, dict) and v.get('/Type') == '/FontDescriptor' and '/CIDSet' in v]
    rule('6.2.11.4.2', 'subset fonts carry no CIDSet that could disagree with the program', not cidset, str(cidset))
    rule('6.2.11.5', '/W widths equal the embedded glyphs\' advances', not widths, str(widths[:3]))
    rule('6.2.11.7.2', 'every font has a ToUnicode map, no value 0, FEFF or FFFE', not tounicode, str(tounicode[:3]))
    out = subprocess.run(['mutool', 'trace', path], capture_output=True)
    notdef = len(re.findall(rb' glyph="0"', out.stdout)) if out.returncode == 0 else -1
    rule('6.2.11.8', 'no .notdef glyph is drawn (mutool trace)', notdef == 0, f'{notdef} .notdef glyphs')

    annots = [(r, v) for r, v, s in d.items() if isinstance(v, dict) and v.get('/Type') == '/Annot']
    bad = [r for r, v in annots if v.get('/Subtype') not in ('/Link', '/Text', '/FreeText', '/Line', '/Square',
                                                              '/Circle', '/Highlight', '/Underline', '/StrikeOut',
                                                              '/Squiggly', '/Stamp', '/Ink', '/Popup', '/Widget',
                                                              '/PrinterMark', '/TrapNet', '/Polygon', '/PolyLine',
                                                              '/Caret', '/FileAttachment', '/Redact')]
    rule('6.3.1', 'annotation types allowed', not bad, str(bad))
    bad = [r for r, v in annots if not (v.get('/F', 0) & 4) or (v.get('/F', 0) & (1 | 2 | 32 | 256))]
    rule('6.3.2', 'annotations printed, not hidden (F: Print set; Invisible, Hidden, NoView, ToggleNoView clear)',
         not bad, str(bad))
    acts = [r for r, v, s in d.items() for x in values(v) if isinstance(x, dict) and x.get('/S') in FORBIDDEN_ACTIONS]
    names = d.get(root.get('/Names')) or {}
    rule('6.5.1', 'no forbidden actions (Launch, JavaScript, ...), no JavaScript name tree',
         not acts and '/JavaScript' not in names, str(acts[:3]))
    aa = [r for r, v, s in d.items() if isinstance(v, dict) and v.get('/Type') in ('/Catalog', '/Page') and '/AA' in v]
    rule('6.5.2', 'no additional actions (AA) in the catalogue or pages', not aa, str(aa))

    meta = root.get('/Metadata')
    md = d.get(meta) or {}
    xmp = d.data(meta) or b''
    rule('6.6.2.1', 'catalogue Metadata stream of Type Metadata, Subtype XML',
         md.get('/Type') == '/Metadata' and md.get('/Subtype') == '/XML' and bool(xmp), str(md))
    ok, why, dom = True, '', None
    try:
        xmp.decode('utf-8')
        dom = xml.dom.minidom.parseString(xmp)
        head = re.search(rb'<\?xpacket begin=[^?]*\?>', xmp)
        if not head or b'bytes=' in head.group(0) or b'encoding=' in head.group(0):
            ok, why = False, 'xpacket header'
    except Exception as e:  # not well-formed
        ok, why = False, str(e)
    rule('6.6.2.1', 'XMP packet well-formed UTF-8 XML; no bytes or encoding attribute in its header', ok, why)
    props, unknown = {}, []
    if dom:
        for desc in dom.getElementsByTagNameNS('http://www.w3.org/1999/02/22-rdf-syntax-ns#', 'Description'):
            for node in desc.childNodes:
                if node.nodeType != node.ELEMENT_NODE:
                    continue
                ns, name = node.namespaceURI, node.localName
                if name not in XMP_PROPS.get(ns, set()):
                    unknown.append(f'{ns} {name}')
                lis = node.getElementsByTagNameNS('http://www.w3.org/1999/02/22-rdf-syntax-ns#', 'li')
                val = ''.join(t.data for t in (lis[0] if lis else node).childNodes if t.nodeType == t.TEXT_NODE)
                props[name] = val
    rule('6.6.2.3.1', 'XMP uses only predefined schemas and properties (dc, xmp, pdf, pdfaid)', dom is not None and not unknown,
         str(unknown))
    part = props.get('part')
    conf = props.get('conformance')
    has_af = '/AF' in root
    rule('6.6.4', 'PDF/A identification: pdfaid:part 2 (3 with associated files), conformance A',
         part == ('3' if has_af else '2') and conf == 'A', f'part {part} conformance {conf}')
    info = d.get(d.trailer.get('/Info')) or {}

    def pdfdate(s):
        m = re.match(r'D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(Z|[+-]\d\d\'\d\d\'?)?', s or '')
        if not m:
            return None
        tz = m.group(7) or 'Z'
        tz = 'Z' if tz == 'Z' else tz[:3] + ':' + tz[4:6]
        return f'{m.group(1)}-{m.group(2)}-{m.group(3)}T{m.group(4)}:{m.group(5)}:{m.group(6)}{tz}'
    pairs = [('/Title', 'title'), ('/Author', 'creator'), ('/Subject', 'description'), ('/Creator', 'CreatorTool'),
             ('/Producer', 'Producer')]
    diff = [k for k, p in pairs if text(info.get(k, '')) != props.get(p, '')]
    for k, p in (('/CreationDate', 'CreateDate'), ('/ModDate', 'ModifyDate')):
        if pdfdate(text(info.get(k, ''))) != props.get(p):
            diff.append(k)
    rule('(ISO 19005-1 6.7.3)', 'XMP holds the same title, author, subject, creator, producer and dates as the Info dictionary '
         'as PDF/A-1 requires', not diff, str(diff))

    mi = d.get(root.get('/MarkInfo')) or {}
    rule('6.7.2.2', 'MarkInfo Marked true and a StructTreeRoot', mi.get('/Marked') is True and '/StructTreeRoot' in root,
         str(mi))
    types = set()
    st = d.get(root.get('/StructTreeRoot')) or {}
    role = d.get(st.get('/RoleMap')) or {}
    for r, v, s in d.items():
        if isinstance(v, dict) and v.get('/Type', '/StructElem') == '/StructElem' and '/S' in v and '/P' in v:
            types.add(v['/S'][1:])
    nonstd = [t for t in types if t not in STD_TYPES and role.get('/' + t, '/x')[1:] not in STD_TYPES]
    rule('6.7.3.4', 'structure types are standard (or role-mapped to standard ones)', bool(types) and not nonstd,
         str(nonstd))
    # marked content: text only inside marked content, every BDC closed
    unmarked, unbalanced = 0, 0
    for page in ops:
        depth = 0
        for o in page:
            if o in ('BDC', 'BMC'):
                depth += 1
            elif o == 'EMC':
                depth -= 1
                unbalanced += depth < 0
            elif o in ('Tj', 'TJ', "'", '"', 'Do') and depth == 0:
                unmarked += 1
        unbalanced += depth != 0
    rule('6.7.3', 'all content is marked: structure content (MCID) or Artifact; marked content balanced',
         not unmarked and not unbalanced, f'{unmarked} unmarked, {unbalanced} unbalanced')
    lang = text(root.get('/Lang', ''))
    langs = [text(v.get('/Lang')) for r, v, s in d.items() if isinstance(v, dict) and '/Lang' in v]
    rule('6.7.4', 'natural language: catalogue Lang, every Lang a language tag',
         bool(lang) and all(re.fullmatch(r'[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*', x) for x in langs), str(langs))
    rule('6.9', 'no optional content', '/OCProperties' not in root, '')
    rule('6.10', 'no alternate presentations', '/AlternatePresentations' not in names, '')
    rule('6.11', 'no Requirements entry in the catalogue', '/Requirements' not in root, '')

    if has_af:
        bad = []
        specs = [d.get(x) for x in d.get(root['/AF']) or []]
        for f in specs:
            ef = d.get((f or {}).get('/EF', {}).get('/F')) if f else None
            if not f or '/F' not in f or '/UF' not in f or f.get('/AFRelationship') is None or not ef or \
                    not ef.get('/Subtype') or '/ModDate' not in (d.get(ef.get('/Params')) or {}):
                bad.append(f)
        efnames = d.get((names or {}).get('/EmbeddedFiles')) or {}
        rule('6.8 (ISO 19005-3)', 'associated files: F, UF, AFRelationship, MIME Subtype, Params ModDate; listed in AF',
             bool(specs) and not bad and bool(efnames), str(bad[:1]))
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())

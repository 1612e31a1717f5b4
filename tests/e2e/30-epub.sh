#!/bin/sh
# 30-epub.sh - `bantin epub`: every corpus article alone and the whole corpus as digests (by
# category, by date) must pass epubcheck with 0 errors and 0 warnings; every word of every article
# must be in the book, in order; `mimetype` first and stored; the same bytes twice with
# SOURCE_DATE_EPOCH; hostile titles; an unreadable article left out; failed writes leave nothing.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
T=$FIX/text
HERE=$(dirname "$0")
have python3 || { skip "epub checks (python3 missing)"; exit 0; }

# --- books ----------------------------------------------------------------------------------
books=""
nbad=0
for f in "$T"/*.txt; do
    b=$(basename "$f" .txt)
    if bt epub "$f" -o "$OUT/$b.epub" 2>"$OUT/$b.err"; then books="$books $OUT/$b.epub"
    else nbad=$((nbad + 1)); echo "  $b: $(head -1 "$OUT/$b.err")"; fi
done
ntxt=$(ls "$T"/*.txt | wc -l)
[ "$nbad" = 0 ] && pass "epub: $ntxt single-article books written" || fail "epub: $nbad of $ntxt articles gave no book"

TITLE='Bản tin & <thử> "nháy" '"'"'đơn'"'"' 😀 – tháng 5/2023'
bt epub "$T"/*.txt -o "$OUT/by-category.epub" --title "$TITLE" --group-by category 2>"$OUT/cat.err"
check "epub: digest by category (exit 0)" test $? -eq 0 -a -s "$OUT/by-category.epub"
bt epub "$T"/ -o "$OUT/by-date.epub" --group-by date --sort date 2>"$OUT/date.err"
check "epub: digest of a directory by date (exit 0)" test $? -eq 0 -a -s "$OUT/by-date.epub"
bt epub "$T"/ -o "$OUT/by-title.epub" --group-by none --sort title --no-fonts --lang vi \
    --author "Ban biên tập <BBT> & cộng sự" --publisher "Nhà xuất bản \"Thử\"" 2>"$OUT/title.err"
check "epub: digest without fonts, sorted by title (exit 0)" test $? -eq 0 -a -s "$OUT/by-title.epub"

# --- structure, escaping, words -------------------------------------------------------------
cat >"$OUT/check.py" <<'PY'
import sys, zipfile, struct, re, unicodedata
import xml.etree.ElementTree as ET
NS = {'opf': 'http://www.idpf.org/2007/opf', 'dc': 'http://purl.org/dc/elements/1.1/',
      'x': 'http://www.w3.org/1999/xhtml', 'ncx': 'http://www.daisy.org/z3986/2005/ncx/'}
BOILER = ('Tin cùng chuyên mục', 'Tin mới', 'Tin liên quan', 'Tin khác')
META = re.compile(r'^(\d{1,2}:\d{2}\s*\|\s*)?\d{1,2}/\d{1,2}/\d{4}(\s*\|.*)?$|^\d{1,2}:\d{2}\s*\|')

def words(s):
    out = []
    for t in unicodedata.normalize('NFC', s).split():
        t = t.replace('\u00ad', '')
        if t and not re.fullmatch(r'[\-\u2010-\u2015]+', t):
            out.append(t)
    return out

def source_words(path):
    """Title and body lines of a plain-text article; not the meta line, not the boilerplate."""
    lines = [l.strip() for l in open(path, encoding='utf-8', errors='replace').read().splitlines()]
    lines = [l for l in lines if l]
    out = list(lines[:1])
    for i, l in enumerate(lines[1:]):
        if l in BOILER: break
        if i == 0 and (META.search(l) or (l.isupper() and len(l) < 60 and not re.search(r'\d', l))):
            continue
        out.append(re.sub(r'^[+*\u2022\u2013-]\s+', '', l))  # a list marker becomes the list's bullet
    return words('\n'.join(out))

def in_order(ref, got, window=60):
    j, missed = 0, []
    for t in ref:
        k = j
        while k < len(got) and k - j <= window and got[k] != t: k += 1
        if k < len(got) and got[k] == t: j = k + 1
        else: missed.append(t)
    return missed

def text_of(xml_bytes):
    root = ET.fromstring(xml_bytes)
    body = root.find('x:body', NS)
    return ' '.join(body.itertext())

def opf_of(z):
    c = ET.fromstring(z.read('META-INF/container.xml'))
    path = c.find('.//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile').get('full-path')
    return path, ET.fromstring(z.read(path))

def spine_pages(z):
    path, opf = opf_of(z)
    base = path.rsplit('/', 1)[0] + '/' if '/' in path else ''
    items = {i.get('id'): i for i in opf.find('opf:manifest', NS)}
    return opf, [base + items[r.get('idref')].get('href') for r in opf.find('opf:spine', NS)]

def zip_ok(path):
    """mimetype first, stored, no extra field, right content; every entry readable."""
    d = open(path, 'rb').read()
    sig, ver, flag, meth, t, dt, crc, cs, us, nl, el = struct.unpack('<IHHHHHIIIHH', d[:30])
    if sig != 0x04034b50: return 'not a zip'
    if d[30:30 + nl] != b'mimetype': return 'first entry is %r' % d[30:30 + nl]
    if meth != 0: return 'mimetype compressed (method %d)' % meth
    if el != 0: return 'mimetype has a %d-byte extra field' % el
    if d[30 + nl:30 + nl + cs] != b'application/epub+zip': return 'mimetype content'
    z = zipfile.ZipFile(path)
    bad = z.testzip()
    if bad: return 'bad entry ' + bad
    for info in z.infolist():
        if info.extra: return 'extra field on ' + info.filename
    return None

def no_active_content(z):
    for n in z.namelist():
        if not n.endswith(('.xhtml', '.opf', '.ncx', '.css')): continue
        s = z.read(n).decode('utf-8')
        if re.search(r'<script|\son[a-z]+\s*=|(src|href)\s*=\s*"(https?:|//|javascript:)|url\(\s*["\']?(https?:|//)', s, re.I):
            return n
    return None

cmd = sys.argv[1]
if cmd == 'zip':            # BOOK...
    bad = [(p, zip_ok(p)) for p in sys.argv[2:]]
    bad = [b for b in bad if b[1]]
    for p, why in bad[:5]: print('  %s: %s' % (p, why))
    sys.exit(1 if bad else 0)
elif cmd == 'words':        # DIR_OF_TXT BOOKDIR : each NAME.txt against BOOKDIR/NAME.epub
    import os
    src, bd = sys.argv[2], sys.argv[3]
    fails = 0
    for f in sorted(os.listdir(src)):
        if not f.endswith('.txt'): continue
        ref = source_words(os.path.join(src, f))
        z = zipfile.ZipFile(os.path.join(bd, f[:-4] + '.epub'))
        opf, pages = spine_pages(z)
        got = []
        for p in pages: got += words(text_of(z.read(p)))
        missed = in_order(ref, got)
        if missed or len(ref) < 5:
            fails += 1
            print('  %s: %d/%d words, missed e.g. %s' % (f, len(ref) - len(missed), len(ref), missed[:5]))
    sys.exit(1 if fails else 0)
elif cmd == 'digest':       # BOOK DIR_OF_TXT : every article's words are on its own page
    import os
    z = zipfile.ZipFile(sys.argv[2])
    opf, pages = spine_pages(z)
    by_title = {}
    for p in pages:
        root = ET.fromstring(z.read(p))
        h1 = root.find('.//x:article/x:header/x:h1', NS)
        if h1 is not None: by_title[''.join(h1.itertext())] = words(text_of(z.read(p)))
    fails = 0
    srcs = sorted(f for f in os.listdir(sys.argv[3]) if f.endswith('.txt'))
    for f in srcs:
        ref = source_words(os.path.join(sys.argv[3], f))
        t = ' '.join(ref[:3])
        cand = [v for k, v in by_title.items() if ' '.join(words(k)[:3]) == t]
        if not cand or all(in_order(ref, c) for c in cand):
            fails += 1; print('  %s: not found complete in the digest' % f)
    if len(by_title) != len(srcs): print('  %d article pages for %d inputs' % (len(by_title), len(srcs))); fails += 1
    sys.exit(1 if fails else 0)
elif cmd == 'toc':          # BOOK DEPTH : nav and NCX have that depth, dated entries, NCX uid = OPF id
    z = zipfile.ZipFile(sys.argv[2]); depth = int(sys.argv[3])
    opf, pages = spine_pages(z)
    uid = opf.find('opf:metadata/dc:identifier', NS).text
    if not re.fullmatch(r'urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}', uid):
        print('  identifier', uid); sys.exit(1)
    nav = ET.fromstring(z.read('OEBPS/nav.xhtml'))
    toc = [n for n in nav.iter('{%s}nav' % NS['x']) if n.get('{http://www.idpf.org/2007/ops}type') == 'toc'][0]
    top = toc.find('x:ol', NS)
    d = 2 if top.find('x:li/x:ol', NS) is not None else 1
    leaves = toc.findall('x:ol/x:li/x:ol/x:li' if d == 2 else 'x:ol/x:li', NS)
    dated = sum(1 for li in leaves if re.search(r'\d{2}/\d{2}/\d{4}', ''.join(li.itertext())))
    ncx = ET.fromstring(z.read('OEBPS/toc.ncx'))
    ncx_uid = [m.get('content') for m in ncx.iter('{%s}meta' % NS['ncx']) if m.get('name') == 'dtb:uid'][0]
    ncx_d = 2 if ncx.find('ncx:navMap/ncx:navPoint/ncx:navPoint', NS) is not None else 1
    arts = sum(1 for p in pages if ET.fromstring(z.read(p)).find('.//x:article', NS) is not None)
    ok = d == depth and ncx_d == depth and ncx_uid == uid and len(leaves) == arts and dated >= arts * 0.9
    if not ok: print('  depth nav %d ncx %d (want %d), uid %s, %d entries for %d articles, %d dated' % (d, ncx_d, depth, ncx_uid == uid, len(leaves), arts, dated))
    sys.exit(0 if ok else 1)
elif cmd == 'title':        # BOOK TITLE : dc:title, NCX docTitle and title page carry it exactly
    z = zipfile.ZipFile(sys.argv[2]); want = unicodedata.normalize('NFC', sys.argv[3])
    opf, pages = spine_pages(z)
    got = [opf.find('opf:metadata/dc:title', NS).text,
           ET.fromstring(z.read('OEBPS/toc.ncx')).find('ncx:docTitle/ncx:text', NS).text]
    tp = [p for p in pages if p.endswith('title.xhtml')]
    if tp: got.append(''.join(ET.fromstring(z.read(tp[0])).find('.//x:h1', NS).itertext()))
    if len(got) != 3 or any(g != want for g in got): print('  got %r' % got); sys.exit(1)
elif cmd == 'active':       # BOOK... : no script, event handlers or remote resources
    bad = [(p, no_active_content(zipfile.ZipFile(p))) for p in sys.argv[2:]]
    bad = [b for b in bad if b[1]]
    for p, n in bad[:5]: print('  %s: %s' % (p, n))
    sys.exit(1 if bad else 0)
elif cmd == 'daygroups':    # BOOK : top-level TOC entries are days in calendar order
    z = zipfile.ZipFile(sys.argv[2])
    nav = ET.fromstring(z.read('OEBPS/nav.xhtml'))
    labels = [''.join(li.find('x:a', NS).itertext()) for li in nav.find('.//x:nav/x:ol', NS).findall('x:li', NS)]
    days = []
    for l in labels:
        m = re.search(r'(\d{2})/(\d{2})/(\d{4})', l)
        if m: days.append((m.group(3), m.group(2), m.group(1)))
    ok = len(days) >= 2 and days == sorted(days) and len(set(days)) == len(days)
    if not ok: print('  %s' % labels)
    sys.exit(0 if ok else 1)
elif cmd == 'count':        # BOOK : number of article pages
    z = zipfile.ZipFile(sys.argv[2]); opf, pages = spine_pages(z)
    print(sum(1 for p in pages if ET.fromstring(z.read(p)).find('.//x:article', NS) is not None))
elif cmd == 'uid':
    z = zipfile.ZipFile(sys.argv[2]); opf, pages = spine_pages(z)
    print(opf.find('opf:metadata/dc:identifier', NS).text)
elif cmd == 'fonts':        # BOOK MAXBYTES : fonts embedded, subset (each smaller than MAXBYTES)
    z = zipfile.ZipFile(sys.argv[2]); lim = int(sys.argv[3])
    f = [i for i in z.infolist() if i.filename.endswith('.ttf')]
    css = z.read('OEBPS/style.css').decode()
    ok = len(f) >= 1 and all(i.file_size < lim for i in f) and css.count('@font-face {') == len(f)
    if not ok: print('  fonts: %s' % [(i.filename, i.file_size) for i in f])
    sys.exit(0 if ok else 1)
elif cmd == 'nofonts':
    z = zipfile.ZipFile(sys.argv[2])
    sys.exit(1 if any(n.endswith('.ttf') for n in z.namelist()) or b'@font-face {' in z.read('OEBPS/style.css') else 0)
PY
py() { python3 "$OUT/check.py" "$@"; }
digests="$OUT/by-category.epub $OUT/by-date.epub $OUT/by-title.epub"

check "epub: mimetype first, stored, no extra field (all books)" py zip $books $digests
py zip $books $digests | head -5
if py words "$T" "$OUT" >"$OUT/words.log"; then pass "epub: every word of every article, in order ($ntxt books)"
else fail "epub: words missing ($(head -2 "$OUT/words.log" | tr '\n' ' '))"; fi
for d in by-category by-date by-title; do
    if py digest "$OUT/$d.epub" "$T" >"$OUT/$d.words"; then pass "epub: $d digest holds every article's words"
    else fail "epub: $d digest words ($(head -2 "$OUT/$d.words" | tr '\n' ' '))"; fi
done
check "epub: two-level TOC by category (nav + NCX, dated entries)" py toc "$OUT/by-category.epub" 2
check "epub: two-level TOC by date" py toc "$OUT/by-date.epub" 2
check "epub: one-level TOC with --group-by none" py toc "$OUT/by-title.epub" 1
check "epub: days in calendar order (--group-by date)" py daygroups "$OUT/by-date.epub"
bt epub "$T" -o "$OUT/date-title.epub" --group-by date --sort title 2>/dev/null
check "epub: days in calendar order even with --sort title" py daygroups "$OUT/date-title.epub"
check "epub: single article TOC" py toc "$OUT/000-seed.epub" 1
check "epub: title with & < quotes and emoji kept exactly" py title "$OUT/by-category.epub" "$TITLE"
check "epub: no script, handlers or remote resources" py active $books $digests
check "epub: fonts embedded and subset (< 60 KB a face)" py fonts "$OUT/000-seed.epub" 60000
check "epub: --no-fonts embeds none" py nofonts "$OUT/by-title.epub"
c=$(py count "$OUT/by-category.epub")
check "epub: digest has all $ntxt articles ($c)" test "$c" = "$ntxt"

# --- reproducibility ------------------------------------------------------------------------
bt epub "$T"/*.txt -o "$OUT/again.epub" --title "$TITLE" --group-by category 2>/dev/null
check "epub: same bytes twice with SOURCE_DATE_EPOCH (digest)" cmp -s "$OUT/by-category.epub" "$OUT/again.epub"
bt epub "$T/026.txt" -o "$OUT/again1.epub" 2>/dev/null
check "epub: same bytes twice with SOURCE_DATE_EPOCH (one article)" cmp -s "$OUT/026.epub" "$OUT/again1.epub"
u1=$(py uid "$OUT/by-category.epub")
u2=$(env -u SOURCE_DATE_EPOCH TZ=Asia/Ho_Chi_Minh "$BANTIN" epub "$T"/*.txt -o "$OUT/now.epub" --title "$TITLE" 2>/dev/null && py uid "$OUT/now.epub")
check "epub: identifier derived from content (same without SOURCE_DATE_EPOCH)" test -n "$u1" -a "$u1" = "$u2"
u3=$(py uid "$OUT/by-date.epub")
check "epub: different content, different identifier" test "$u1" != "$u3"
TZ=America/New_York bt epub "$T/026.txt" -o "$OUT/tz.epub" 2>/dev/null
check "epub: same bytes in another time zone" cmp -s "$OUT/026.epub" "$OUT/tz.epub"

# --- bad input ------------------------------------------------------------------------------
mkdir -p "$OUT/mixed"
cp "$T/000-seed.txt" "$T/001.txt" "$T/025.txt" "$OUT/mixed/"
printf 'PK\003\004\000\000\000\001\002\003\000\000binary\000\000\377\376' >"$OUT/mixed/002-binary.txt"
bt epub "$OUT/mixed" "$OUT/does-not-exist.txt" -o "$OUT/partial.epub" 2>"$OUT/partial.err"
rc=$?
check "epub: unreadable articles -> exit 1" test $rc -eq 1
check "epub: unreadable article reported by name" grep -q "does-not-exist.txt" "$OUT/partial.err"
check "epub: binary article reported by name" grep -q "002-binary.txt" "$OUT/partial.err"
c=$(py count "$OUT/partial.epub" 2>/dev/null)
check "epub: the good articles are still in the book (3 = $c)" test "$c" = 3
bt epub "$OUT/does-not-exist.txt" "$OUT/mixed/002-binary.txt" -o "$OUT/none.epub" 2>/dev/null
rc=$?
check "epub: nothing loadable -> exit 3" test $rc -eq 3
check "epub: nothing loadable -> no file" test ! -e "$OUT/none.epub"
bt epub "$T/001.txt" -o "$OUT/no/such/dir/x.epub" 2>/dev/null
rc=$?
check "epub: missing output directory -> exit 3, nothing written" test $rc -eq 3 -a ! -e "$OUT/no"
mkdir -p "$OUT/small"
( trap '' XFSZ; ulimit -f 16 2>/dev/null && exec "$BANTIN" epub "$T"/*.txt -o "$OUT/small/big.epub" ) 2>/dev/null
rc=$?
check "epub: file-size limit hit -> exit 3" test $rc -eq 3
check "epub: file-size limit hit -> no partial file" test -z "$(ls -A "$OUT/small")"
if [ "$(id -u)" = 0 ] && mknod "$OUT/full" c 1 7 2>/dev/null; then
    # A private copy of /dev/full: -o must write into the device, never rename over it.
    bt epub "$T/001.txt" -o "$OUT/full" 2>/dev/null
    rc=$?
    check "epub: -o a full device -> exit 3, the device is still a device" test $rc -eq 3 -a -c "$OUT/full"
    rm -f "$OUT/full"
else
    skip "epub: -o a full device (needs root to make a private device node)"
fi
bt epub "$T/001.txt" -o - >/dev/full 2>/dev/null
check "epub: -o - to a full device -> exit 3" test $? -eq 3
bt epub "$T/001.txt" -o - >"$OUT/stdout.epub" 2>/dev/null
check "epub: -o - writes the book to stdout" cmp -s "$OUT/stdout.epub" "$OUT/001.epub"
ub=$(unprivileged_bantin) # root: without its permission overrides
if [ -n "$ub" ]; then
    mkdir -p "$OUT/ro"; chmod 555 "$OUT/ro"
    timeout 60 "$ub" epub "$T/001.txt" -o "$OUT/ro/x.epub" 2>/dev/null
    check "epub: read-only directory -> exit 3, nothing written" test $? -eq 3 -a -z "$(ls -A "$OUT/ro")"
    chmod 755 "$OUT/ro"
else
    skip "epub: read-only directory (running as root, and setpriv cannot drop root's overrides)"
fi
bt epub "$T/001.txt" -o "$OUT/x.epub" --group-by month 2>/dev/null
check "epub: bad --group-by -> exit 2" test $? -eq 2
bt epub "$T/001.txt" -o "$OUT/x.epub" --cover "$T/001.txt" 2>/dev/null
check "epub: a cover that is not JPEG/PNG -> exit 2, nothing written" test $? -eq 2 -a ! -e "$OUT/x.epub"
bt epub "$T/001.txt" -o "$OUT/x.epub" --font-dir "$OUT/mixed" 2>/dev/null
check "epub: missing fonts -> exit 4, nothing written" test $? -eq 4 -a ! -e "$OUT/x.epub"

# A cover image (PNG made here) and an article with images go through epubcheck too.
python3 - "$OUT/cover.png" <<'PY'
import sys, zlib, struct
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
w, h = 60, 90
raw = b''.join(b'\0' + bytes(v for x in range(w) for v in (x * 4 % 256, y * 2 % 256, 120)) for y in range(h))
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
open(sys.argv[1], 'wb').write(png)
PY
bt epub "$T/000-seed.txt" "$T/030.txt" -o "$OUT/cover.epub" --cover "$OUT/cover.png" --title "Có bìa" 2>/dev/null
check "epub: --cover PNG (exit 0)" test $? -eq 0 -a -s "$OUT/cover.epub"
extra="$OUT/cover.epub $OUT/partial.epub"

# The unit test (tests/unit/test_epub.c, run before this script) saves a book built in memory
# with every block type and images; check its markup here and give it to epubcheck below.
RICH=tests/out/unit-epub/rich.epub
if [ -f "$RICH" ]; then
    cp "$RICH" "$OUT/rich.epub"
    extra="$extra $OUT/rich.epub"
    cat >"$OUT/rich.py" <<'PY'
import sys, zipfile
import xml.etree.ElementTree as ET
X = '{http://www.w3.org/1999/xhtml}'
z = zipfile.ZipFile(sys.argv[1])
r = ET.fromstring(z.read('OEBPS/a0001.xhtml'))
art = r.find('.//%sarticle' % X)
fig = art.find('%sfigure' % X)
opf = z.read('OEBPS/content.opf').decode()
ok = (fig is not None and fig.find('%simg' % X).get('src') == 'images/a0001-01.png'
      and fig.find('%sfigcaption' % X) is not None
      and art.find('.//%stime' % X).get('datetime') == '2023-05-27T14:00:00+07:00'
      and art.find('%sblockquote/%sp' % (X, X)) is not None
      and len(art.findall('%sul/%sli' % (X, X))) == 2 and len(art.findall('%sol/%sli' % (X, X))) == 1
      and art.find('%sh2' % X) is not None
      and 'OEBPS/images/a0001-01.png' in z.namelist()
      and z.getinfo('OEBPS/images/a0001-01.png').compress_type == 0
      and 'media-type="image/png"' in opf and '<dc:source>' in opf)
sys.exit(0 if ok else 1)
PY
    check "epub: article markup (figure/figcaption/img, time, blockquote, ul/ol, h2, dc:source)" \
        python3 "$OUT/rich.py" "$OUT/rich.epub"
else
    skip "epub: rich article markup (run the unit tests first: $RICH missing)"
fi

# Text that needs escaping or cleaning: markup, entities, quotes, a CR, a C0 control, U+FFFE and
# an invalid byte, in the title, an author and paragraphs. Text with nothing to escape is written
# raw by the writer (xw_text): the markup must come out as text, never as elements, and the book
# well-formed (epubcheck below).
printf 'Tin <b>đậm</b> & "trích" <script>alert(1)</script>\n\n08:00 | 27/05/2023 | THỜI SỰ\n\nĐoạn <img src=x onerror=alert(1)> một &amp; hai "ba" \r bốn \001 năm \357\277\276 sáu \377 bảy.\n\nĐoạn thường, không có gì lạ.\n\nLê Văn <i>A</i> & B\n' >"$OUT/esc.txt"
bt epub -q "$OUT/esc.txt" -o "$OUT/esc.epub" 2>/dev/null
check "epub: text with markup, quotes, CR and controls converts (exit 0)" test $? -eq 0 -a -s "$OUT/esc.epub"
python3 - "$OUT/esc.epub" >"$OUT/esc.log" 2>&1 <<'PY'
import sys, zipfile
import xml.etree.ElementTree as ET
X = '{http://www.w3.org/1999/xhtml}'
z = zipfile.ZipFile(sys.argv[1])
page = [n for n in z.namelist() if n.endswith('.xhtml') and '/a0' in n][0]
raw = z.read(page).decode('utf-8')
r = ET.fromstring(raw)
text = ''.join(r.find('.//%sbody' % X).itertext())
bad = [t for t in ('<script', '<b>', '<img', '<i>') if t in raw]
need = ['<script>alert(1)</script>', '<b>đậm</b>', '<img src=x onerror=alert(1)>', '&amp; hai "ba"', '<i>A</i> & B']
miss = [t for t in need if t not in text]
ctl = [c for c in text if (ord(c) < 0x20 and c not in '\t\n\r') or c == '\ufffe']
print('raw markup:', bad, 'missing text:', miss, 'controls:', ctl, 'elements:',
      sorted({e.tag.replace(X, '') for e in r.iter()} & {'script', 'b', 'img', 'i'}))
sys.exit(1 if bad or miss or ctl or r.find('.//%sscript' % X) is not None else 0)
PY
rc=$?
check "epub: markup in the text is escaped text, controls dropped ($(tr '\n' ' ' <"$OUT/esc.log" | cut -c1-200))" test "$rc" -eq 0
extra="$extra $OUT/esc.epub"

# --- epubcheck: every book in one JVM when possible --------------------------------------------
if ! have_epubcheck; then
    skip "epubcheck (java or $epubcheck_jar missing)"
    exit 0
fi
all="$books $digests $extra"
if ! java -cp "$epubcheck_jar" "$HERE/30-epub-check.java" $all >"$OUT/epubcheck.log" 2>&1 &&
   ! grep -q '^== rc' "$OUT/epubcheck.log"; then
    # No Java compiler for the batch driver: one epubcheck run per book, two at a time.
    : >"$OUT/epubcheck.log"
    for b in $all; do echo "$b"; done | xargs -P 2 -I{} sh -c \
        'java -jar "$0" "{}" >"{}.chk" 2>&1; echo "== rc $?" >>"{}.chk"' "$epubcheck_jar"
    for b in $all; do echo "== $b"; cat "$b.chk"; done >"$OUT/epubcheck.log"
fi
for b in $all; do
    res=$(awk -v b="== $b" '$0 == b {on=1; next} /^== rc/ {if (on) {print; exit}} on && /^Messages:/ {m=$0} END{}' "$OUT/epubcheck.log")
    msgs=$(awk -v b="== $b" '$0 == b {on=1; next} /^== [^r]/ {on=0} on && /^Messages:/ {print; exit}' "$OUT/epubcheck.log")
    name=$(basename "$b")
    case "$msgs" in
    *" 0 fatals / 0 errors / 0 warnings"*) pass "epubcheck: $name (0 errors, 0 warnings)" ;;
    *) fail "epubcheck: $name ($(awk -v b="== $b" '$0 == b {on=1; next} /^== / {on=0} on && /^(ERROR|WARNING|FATAL)/ {print; exit}' "$OUT/epubcheck.log" | cut -c1-160)${msgs:+; $msgs}${res:+ $res})" ;;
    esac
done

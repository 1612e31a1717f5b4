#!/bin/sh
# 43-html-hostile.sh - hostile HTML: active content never becomes article text, entity and
# external-reference tricks read nothing, deep nesting and huge link lists hit limits quickly.
. tests/lib.sh
have python3 || { skip "hostile html checks (python3 missing)"; exit 0; }
T="timeout 120" # a hang guard only: the time bounds below are on CPU time (timed)
cat >"$OUT/active.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>Bài thử - Trang</title>
<script>document.write("SCRIPT-TEXT-1")</script><style>p{color:red} STYLE-TEXT</style></head>
<body onload="alert('ONLOAD-TEXT')"><article><h1>Bài thử</h1>
<p onclick="alert('ONCLICK-TEXT')">Đoạn thứ nhất của bài báo, đủ dài để được tính là nội dung chính, có dấu phẩy.</p>
<script type="text/javascript">var x = "SCRIPT-TEXT-2";</script>
<noscript>NOSCRIPT-TEXT</noscript>
<iframe src="javascript:alert(1)">IFRAME-TEXT</iframe>
<object data="evil.swf">OBJECT-TEXT<embed src="evil.swf"></object>
<form action="http://example.invalid/"><input value="INPUT-TEXT"><textarea>TEXTAREA-TEXT</textarea><button>BUTTON-TEXT</button></form>
<p>Đoạn thứ hai của bài báo, cũng đủ dài để được tính là nội dung chính, có dấu phẩy.</p>
<svg><text>SVG-TEXT</text><script>SVG-SCRIPT-TEXT</script></svg>
<template>TEMPLATE-TEXT</template><div hidden>HIDDEN-TEXT</div><div style="display: none">DISPLAYNONE-TEXT</div>
<a href="javascript:alert('JSLINK')">Liên kết</a>
</article></body></html>
HTML
if $T "$BANTIN" parse --json "$OUT/active.html" >"$OUT/active.json" 2>"$OUT/active.err"; then
    pass "page with active content parses"
    bad=$(grep -oE '[A-Z]+(-[A-Z]+)?-TEXT(-[0-9])?' "$OUT/active.json" | sort -u | tr '\n' ' ')
    [ -z "$bad" ] && pass "script/style/iframe/object/form/svg/hidden/on* text never becomes content" || fail "active content leaked: $bad"
    grep -q 'Đoạn thứ hai' "$OUT/active.json" && pass "article text around active content kept" || fail "article text around active content kept"
else
    fail "page with active content parses"
fi
# External entities / DTD tricks: the HTML parser must not read files or expand entities.
cat >"$OUT/xxe.html" <<'HTML'
<?xml version="1.0"?>
<!DOCTYPE html [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<html><head><title>Entity test</title><link rel="stylesheet" href="file:///etc/passwd"></head>
<body><p>Start of the article text that is long enough to count: &xxe; and &lol4; end.</p>
<p><img src="file:///etc/shadow"> Another paragraph that is long enough to count as article text.</p></body></html>
HTML
$T "$BANTIN" parse --json "$OUT/xxe.html" >"$OUT/xxe.json" 2>"$OUT/xxe.err"; rc=$?
if [ $rc -eq 0 ] && ! crashed "$OUT/xxe.err"; then
    pass "entity tricks parse (bounded)"
    grep -q 'root:' "$OUT/xxe.json" && fail "external entity read /etc/passwd" || pass "no external entity read"
    n=$(grep -o 'lol' "$OUT/xxe.json" | wc -l)
    [ "$n" -lt 50 ] && pass "no entity expansion ($n)" || fail "entity expansion ($n)"
elif [ $rc -eq 3 ] && ! crashed "$OUT/xxe.err" && [ "$(grep -c "^bantin: .*xxe.html: " "$OUT/xxe.err")" -eq 1 ]; then
    pass "entity tricks refused cleanly (status 3, one line naming the file)"
else
    fail "entity tricks (status $rc: $(head -c 200 "$OUT/xxe.err"))"
fi
# Deep nesting: libxml2 stops at 256 open elements; bantin must say so, fast, with little memory.
python3 -c "print('<html><body>' + '<div>'*100000 + '<p>deep text</p>' + '</div>'*100000 + '</body></html>')" >"$OUT/deep.html"
timed $T "$BANTIN" parse --json "$OUT/deep.html" >"$OUT/deep.json" 2>"$OUT/deep.err"; s=$((cpu_ms / 1000))
documented $rc && ! crashed "$OUT/deep.err" && pass "100,000 nested elements: no crash, no hang (status $rc)" || fail "deep nesting (status $rc)"
grep -q 'nested deeper than 256' "$OUT/deep.err" && pass "deep nesting reported as a limit" || fail "deep nesting reported ($(head -c 200 "$OUT/deep.err"))"
[ $s -lt 10 ] && pass "deep nesting handled in $cpu_ms ms CPU" || fail "deep nesting took $cpu_ms ms CPU"
# Nesting just under the parser's limit still gives the text (flattened, never recursed).
python3 -c "print('<html><body>' + '<div>'*240 + '<p>Deep but legal text, long enough to be a paragraph of the article.</p>' + '</div>'*240 + '</body></html>')" >"$OUT/deep240.html"
$T "$BANTIN" parse --json "$OUT/deep240.html" >"$OUT/deep240.json" 2>/dev/null && grep -q 'Deep but legal text' "$OUT/deep240.json" \
    && pass "240-deep text extracted" || fail "240-deep text extracted"
# 100,000 links and 200,000 paragraphs: linear time.
python3 -c "print('<html><body><p>Intro paragraph of the article with enough words in it to count.</p>' + ''.join('<a href=\"/x%d\">link %d</a> ' % (i, i) for i in range(100000)) + '</body></html>')" >"$OUT/links.html"
timed $T "$BANTIN" parse --json "$OUT/links.html" >"$OUT/links.json" 2>/dev/null; s=$((cpu_ms / 1000))
[ "$rc" -eq 0 ] && [ $s -lt 10 ] && pass "100,000 links in $cpu_ms ms CPU" || fail "100,000 links (status $rc, $cpu_ms ms CPU)"
python3 -c "print('<html><body><article>' + ''.join('<p>Paragraph %d of a very long article, with a comma and enough words.</p>' % i for i in range(200000)) + '</article></body></html>')" >"$OUT/many.html"
timed $T "$BANTIN" parse --json "$OUT/many.html" >"$OUT/many.json" 2>"$OUT/many.err"; s=$((cpu_ms / 1000))
[ "$rc" -eq 0 ] && [ $s -lt 15 ] && pass "200,000 paragraphs in $cpu_ms ms CPU" || fail "200,000 paragraphs (status $rc, $cpu_ms ms CPU)"
grep -q 'blocks' "$OUT/many.err" && pass "block limit reported" || fail "block limit reported"
# Garbage and truncated markup never crash.
printf '<html><body><p>Unclosed <b><i><table><tr><td>cell<p>text that is long enough to be kept as a paragraph <![CDATA[ x ]]> <!-- unterminated' >"$OUT/broken.html"
$T "$BANTIN" parse --json "$OUT/broken.html" >/dev/null 2>"$OUT/broken.err"; rc=$?
documented $rc && ! crashed "$OUT/broken.err" && pass "broken markup: no crash (status $rc)" || fail "broken markup (status $rc)"
head -c 300000 /dev/urandom >"$OUT/random.bin"; { printf '<html><body>'; cat "$OUT/random.bin"; } >"$OUT/random.html"
$T "$BANTIN" parse --from html --json "$OUT/random.html" >/dev/null 2>"$OUT/random.err"; rc=$?
documented $rc && ! crashed "$OUT/random.err" && pass "random bytes as HTML: no crash (status $rc)" || fail "random bytes as HTML (status $rc)"
# Too many elements: refused before the tree is built, with a clear limit message.
python3 -c "print('<html><body>' + '<b>x</b>' * 1000000 + '</body></html>')" >"$OUT/tags.html"
$T "$BANTIN" parse --json "$OUT/tags.html" >/dev/null 2>"$OUT/tags.err"; rc=$?
[ "$rc" -eq 3 ] && ! crashed "$OUT/tags.err" && grep -q 'more than .* elements' "$OUT/tags.err" \
    && pass "1,000,000 elements refused as a limit" || fail "1,000,000 elements (status $rc: $(head -c 100 "$OUT/tags.err"))"
# HTML5 void elements that libxml2's HTML 4 parser turns into containers must not swallow text.
for t in embed source track wbr keygen; do
    printf '<html><body><article><p>First paragraph of the article, long enough to be kept as text.</p><%s src="x.swf"><p>Second paragraph after the %s element, which must be kept too.</p></article></body></html>' "$t" "$t" >"$OUT/void-$t.html"
    $T "$BANTIN" parse --json "$OUT/void-$t.html" 2>/dev/null | grep -q "Second paragraph after the $t" \
        && pass "text after <$t> kept" || fail "text after <$t> kept"
done
# Pictures named every odd way (srcset alone, empty or malformed candidates, more candidates
# than are kept, nested <source>s, placeholders, <noscript> inside <noscript>, <amp-img> in
# <amp-img>): no crash, the text around them kept. (make asan runs this under ASan.)
python3 - "$OUT/pictures.html" <<'PY'
import sys
p = lambda i: '<p>Paragraph %d of the article, long enough to be kept as its text, with a comma.</p>' % i
odd = ['<img srcset="https://example.invalid/a.jpg 1x">', '<img srcset="   ,  , ">', '<img srcset="a.jpg 999999999999999999999w, b.jpg -2x, c.jpg x, d.jpg 1e309w">',
       '<img srcset="' + ', '.join('p%d.jpg %dw' % (i, i) for i in range(100)) + '">',
       '<picture>' + '<source srcset="s.jpg 2x">' * 50 + '<img src="data:image/gif;base64,R0lGOD">' + '</picture>',
       '<img src="blank.gif" data-src=""><noscript><noscript><img src="n.jpg"></noscript></noscript>',
       '<amp-img src="a.jpg"><amp-img src="b.jpg"><noscript><img src="c.jpg"></noscript></amp-img></amp-img>',
       '<img data-srcset="https://example.invalid/x.jpg 640w" src="">', '<noscript><img></noscript>']
sys.stdout = open(sys.argv[1], 'w', encoding='utf-8')
print('<html><head><meta charset="utf-8"><title>Ảnh lạ</title></head><body><article><h1>Ảnh lạ</h1>' +
      ''.join(p(i) + o for i, o in enumerate(odd)) + p(99) + '</article></body></html>')
PY
$T "$BANTIN" parse --json "$OUT/pictures.html" >"$OUT/pictures.json" 2>"$OUT/pictures.err"; rc=$?
[ "$rc" -eq 0 ] && ! crashed "$OUT/pictures.err" && grep -q 'Paragraph 99 of the article' "$OUT/pictures.json" \
    && pass "pictures named every odd way: no crash, text kept" || fail "odd pictures (status $rc)"
# Script and style text is cut before parsing: markup that only looks like a script inside
# comments, attribute values and an unclosed script leaves the text as libxml2 would read it.
cat >"$OUT/raw.html" <<'HTML'
<html><head><meta charset="utf-8"><title>Bài - Trang</title><script type="application/ld+json">{"@type":"NewsArticle","headline":"Bài","author":{"@type":"Person","name":"Lan Chi"}}</script>
<style>p { x: "</scrip" }</style></head><body><article><h1>Bài</h1>
<!-- <script> not a script -->
<p title="<script>">First paragraph of the article, long enough to be kept as its text, with a comma.</p>
<SCRIPT>var s = "<p>SCRIPT-TEXT</p>";</ScRiPt >
<p>Second paragraph of the article, long enough to be kept as its text, with a comma.</p>
<script>var unclosed = "UNCLOSED-SCRIPT-TEXT
HTML
$T "$BANTIN" parse --json "$OUT/raw.html" >"$OUT/raw.json" 2>/dev/null; rc=$?
[ "$rc" -eq 0 ] && grep -q 'First paragraph' "$OUT/raw.json" && grep -q 'Second paragraph' "$OUT/raw.json" \
    && ! grep -q 'SCRIPT-TEXT' "$OUT/raw.json" && grep -q '"author":"Lan Chi"' "$OUT/raw.json" \
    && pass "script text cut, JSON-LD and the text around kept" || fail "script text cut (status $rc: $(head -c 300 "$OUT/raw.json"))"
# Huge attributes: a 30 MB class list, a 5 MB alt text and a 5 MB picture name on a page of
# 40 MB are read in linear time (over-long values nobody needs are dropped before parsing); the
# text survives and the missing picture's warning is one line, its name cut short.
python3 - "$OUT/hugeattr.html" <<'PY'
import sys
p = '<p>Đoạn văn của bài báo, đủ dài để được tính là nội dung chính, có dấu phẩy.</p>'
open(sys.argv[1], 'w', encoding='utf-8').write(
    '<html><head><title>Bài</title></head><body><article><h1>Bài</h1><div class="' + 'a' * 30000000 +
    '" style="' + 'color:red;' * 100000 + '">' + p * 3 + '</div><img src="' + 'x' * 5000000 +
    '.png" alt="' + 'y' * 5000000 + '"></article></body></html>')
PY
timed $T "$BANTIN" parse --json "$OUT/hugeattr.html" >"$OUT/hugeattr.json" 2>"$OUT/hugeattr.err"; s=$((cpu_ms / 1000))
[ "$rc" -eq 0 ] && ! crashed "$OUT/hugeattr.err" && [ "$(grep -o 'Đoạn văn của bài báo' "$OUT/hugeattr.json" | wc -l)" -eq 3 ] \
    && pass "30 MB class, 5 MB alt and picture name: text kept" || fail "huge attributes (status $rc: $(head -c 200 "$OUT/hugeattr.err"))"
[ $s -lt 4 ] && pass "huge attributes read in $cpu_ms ms CPU" || fail "huge attributes took $cpu_ms ms CPU"
[ "$(wc -l <"$OUT/hugeattr.err")" -le 2 ] && [ "$(wc -c <"$OUT/hugeattr.err")" -lt 1000 ] \
    && pass "huge picture name: short warning lines" || fail "huge picture name: $(wc -c <"$OUT/hugeattr.err") bytes of messages"
# Many attributes on one element: libxml2 compares each with every one before it, so 300,000
# of them (or 100,000 that do not even read as attributes) would take minutes; bantin keeps the
# first of each attribute it reads and nothing else.
python3 - "$OUT" <<'PY'
import sys
p = '<p>Đoạn văn của bài báo, đủ dài để được tính là nội dung chính, có dấu phẩy.</p>'
open(sys.argv[1] + '/manyattr.html', 'w', encoding='utf-8').write(
    '<html><body><article><div ' + ' '.join('data-x%d="v" class="c%d"' % (i, i) for i in range(300000)) + '>' + p * 3 + '</div></article></body></html>')
open(sys.argv[1] + '/badattr.html', 'w', encoding='utf-8').write(
    '<html><body><article><div ' + ' '.join('a%d=v"' % i for i in range(100000)) + '>' + p * 3 + '</div></article></body></html>')
PY
for f in manyattr badattr; do
    timed $T "$BANTIN" parse --json "$OUT/$f.html" >"$OUT/$f.json" 2>"$OUT/$f.err"; s=$((cpu_ms / 1000))
    [ "$rc" -eq 0 ] && [ $s -lt 3 ] && [ "$(grep -o 'Đoạn văn của bài báo' "$OUT/$f.json" | wc -l)" -ge 3 ] \
        && pass "$f: one element with 100,000s of attributes in $cpu_ms ms CPU, text kept" \
        || fail "$f (status $rc, $cpu_ms ms CPU: $(head -c 200 "$OUT/$f.err"))"
done
# Billion laughs in full (nine levels of ten): the HTML parser defines no entities from a DTD,
# so nothing is expanded and the reference stays text.
python3 - "$OUT/laughs.html" <<'PY'
import sys
d = '<!DOCTYPE html [ <!ENTITY lol0 "lol">' + ''.join('<!ENTITY lol%d "%s">' % (i, ('&lol%d;' % (i - 1)) * 10) for i in range(1, 10)) + ']>'
p = '<p>Đoạn văn của bài báo, đủ dài để được tính là nội dung chính, có dấu phẩy.</p>'
open(sys.argv[1], 'w', encoding='utf-8').write(d + '<html><body><article>' + p * 3 + '<p>&lol9; &lol9; &lol9;</p></article></body></html>')
PY
timed $T "$BANTIN" parse --json "$OUT/laughs.html" >"$OUT/laughs.json" 2>"$OUT/laughs.err"
[ "$rc" -eq 0 ] && [ "$cpu_ms" -lt 2000 ] && [ "$(wc -c <"$OUT/laughs.json")" -lt 20000 ] && [ "$(grep -o 'lol' "$OUT/laughs.json" | wc -l)" -le 3 ] \
    && pass "billion laughs: nothing expanded ($(wc -c <"$OUT/laughs.json") bytes, $cpu_ms ms CPU)" \
    || fail "billion laughs (status $rc, $(wc -c <"$OUT/laughs.json") bytes, $cpu_ms ms CPU)"
# Invalid UTF-8 in a page that says it is UTF-8 (stray continuation bytes, overlong forms,
# surrogates, code points past U+10FFFF, cut sequences, 0xFF): with fewer broken sequences than
# good ones the page stays UTF-8 (its letters kept, one warning with the count); broken through
# and through, it is read as a single-byte charset. Either way the output is valid UTF-8.
python3 - "$OUT" <<'PY'
import random, sys
random.seed(7)
junk = [b'\xff', b'\xc0\xaf', b'\xed\xa0\x80', b'\xf4\x90\x80\x80', b'\xe1\x80', b'\x80', b'\xf8\x88\x80\x80\x80']
def bad(n): return b''.join(random.choice(junk) for _ in range(n))
p = 'Đoạn văn của bài báo, đủ dài để được tính là nội dung chính, có dấu phẩy.'.encode()
for name, n in (('badutf8', 6), ('badutf8-all', 60)):
    open(sys.argv[1] + '/' + name + '.html', 'wb').write(b'<html><head><meta charset="utf-8"><title>B\xc3\xa0i ' + bad(2) + b'</title></head><body><article>' +
        b''.join(b'<p>' + p + bad(n) + b' ' + p + b'</p>' for _ in range(12)) + b'<p class="' + bad(10) + b'">' + p + b'</p></article></body></html>')
PY
for f in badutf8 badutf8-all; do
    $T "$BANTIN" parse --json "$OUT/$f.html" >"$OUT/$f.json" 2>"$OUT/$f.err"; rc=$?
    if [ "$rc" -eq 0 ] && python3 -c "
import json, sys
raw = open(sys.argv[1], 'rb').read(); raw.decode('utf-8')
d = json.loads(raw)
ps = [b['text'] for b in d['blocks'] if b['type'] == 'paragraph']
json.dumps(d, ensure_ascii=False).encode('utf-8')
sys.exit(0 if len(ps) == 13 and (sys.argv[2] == 'badutf8-all' or all('Đoạn văn của bài báo' in t for t in ps)) else 1)" "$OUT/$f.json" "$f" 2>/dev/null; then
        pass "$f: valid UTF-8 out, 13 paragraphs$([ $f = badutf8 ] && echo ', letters kept')"
    else
        fail "$f (status $rc: $(head -c 200 "$OUT/$f.err"))"
    fi
    grep -q 'replaced by U+FFFD' "$OUT/$f.err" && [ "$(wc -l <"$OUT/$f.err")" -le 2 ] \
        && pass "$f: one warning with the count" || fail "$f warning ($(head -c 200 "$OUT/$f.err"))"
done
# Binary junk named .html: random bytes, an image, a gzip file, NUL bytes inside markup are each
# refused with status 3 and one line naming the file and what it looks like.
head -c 200000 /dev/urandom >"$OUT/junk.html"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR' >"$OUT/png.html"; head -c 2000 /dev/urandom >>"$OUT/png.html"
printf '<html><body><p>text</p></body></html>' | gzip -c >"$OUT/gz.html"
{ printf '<html><body><article><p>Đoạn văn của bài báo, đủ dài.</p>'; head -c 64 /dev/zero; printf '</article></body></html>'; } >"$OUT/nul.html"
for f in junk png gz nul; do
    $T "$BANTIN" parse --json "$OUT/$f.html" >"$OUT/$f.json" 2>"$OUT/$f.err"; rc=$?
    [ "$rc" -eq 3 ] && [ "$(wc -l <"$OUT/$f.err")" -eq 1 ] && grep -q "^bantin: .*$f.html: not an article: looks like " "$OUT/$f.err" \
        && [ ! -s "$OUT/$f.json" ] && pass "binary junk ($f): status 3, one line: $(cut -d: -f3- "$OUT/$f.err")" \
        || fail "binary junk ($f) (status $rc: $(head -c 200 "$OUT/$f.err"))"
done

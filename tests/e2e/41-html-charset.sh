#!/bin/sh
# 41-html-charset.sh - character sets of HTML pages: BOM, <meta charset>, http-equiv, wrong or
# missing declarations, Vietnamese legacy encodings (windows-1258, VISCII, TCVN3, VNI).
# Output must always be NFC UTF-8 with the right letters.
. tests/lib.sh
have python3 || { skip "html charset checks (python3 missing)"; exit 0; }
E=$FIX/html/encoding
python3 - "$OUT" "$E" <<'PY'
import sys
out, enc = sys.argv[1:3]
w1258 = open(f'{enc}/vi-windows-1258.txt', 'rb').read()
viscii = open(f'{enc}/vi-viscii.txt', 'rb').read()
def page(name, body, head=b'', title=b't'):
    open(f'{out}/{name}.html', 'wb').write(b'<html><head>' + head + b'<title>' + title +
        b'</title></head><body><p>' + body + b'</p></body></html>')
page('w1258', w1258, b'<meta charset="windows-1258">')
page('w1258-undeclared', w1258)
page('viscii', viscii, b'<meta http-equiv="Content-Type" content="text/html; charset=VISCII">')
page('viscii-undeclared', viscii)
# TCVN3 (ABC) and VNI byte strings written from their published code charts.
tcvn3 = bytes([0x43,0xe9,0x6e,0x67,0x20,0x68,0x6f,0xb5,0x20,0x78,0xb7,0x20,0x68,0xe9,0x69,0x20,
               0x63,0x68,0xf1,0x20,0x6e,0x67,0x68,0xdc,0x61,0x20,0x56,0x69,0xd6,0x74,0x20,0x4e,
               0x61,0x6d,0x2e,0x20,0xa7,0xe9,0x63,0x20,0x6c,0xcb,0x70,0x20,0x2d,0x20,0x54,0xf9,
               0x20,0x64,0x6f,0x20,0x2d,0x20,0x48,0xb9,0x6e,0x68,0x20,0x70,0x68,0xf3,0x63])
page('tcvn3', b'<font face=".VnTime">' + tcvn3 + b'</font>', b'<meta charset="iso-8859-1">')
vni = 'Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam. Ñoäc laäp - Töï do - Haïnh phuùc. Tröôøng hoïc naêm'.encode('cp1252')
page('vni', b'<font face="VNI-Times">' + vni + b'</font>')
text = 'Tiếng Việt có dấu — “ngoặc kép”'
open(f'{out}/bom.html', 'wb').write(b'\xef\xbb\xbf' + f'<html><body><p>{text}</p></body></html>'.encode())
open(f'{out}/utf16.html', 'wb').write(b'\xff\xfe' + f'<html><body><p>{text}</p></body></html>'.encode('utf-16-le'))
de = 'Müller-Straße: „Grüße“ – 5 €'
page('declared-utf8-but-cp1252', de.encode('cp1252'), b'<meta charset="utf-8">')
page('declared-latin1-but-utf8', de.encode('utf-8'), b'<meta charset="iso-8859-1">')
page('latin1-smart-quotes', de.encode('cp1252'), b'<meta http-equiv="content-type" content="text/html;charset=ISO-8859-1">')
page('undeclared-cp1252', (de + ' ' + 'Größere Änderungen für Übersee, Öl und Süßwaren.' * 3).encode('cp1252'))
pl = 'Unijne fundusze coraz bliżej. Sejm zagłosował „za”'
page('windows-1250', pl.encode('cp1250'), b'<meta charset="Windows-1250">')
page('unknown-label', text.encode('utf-8'), b'<meta charset="x-no-such-charset">')
vi = ('Tiếng Việt có dấu, đủ dài để thành đoạn văn của bài báo này. ' * 5).encode()
page('utf8-few-broken-bytes', vi[:60] + b'\xff' + vi[60:], b'<meta charset="utf-8">')
page('xml-decl', de.encode('cp1252'), b'')
open(f'{out}/xml-decl.html', 'wb').write(b'<?xml version="1.0" encoding="windows-1252"?>\n<html><body><p>' + de.encode('cp1252') + b'</p></body></html>')
PY
ref=$(python3 -c "import sys;print(' '.join(open(sys.argv[1],encoding='utf-8').read().split()))" "$E/vi-utf-8.txt")
body() { python3 -c "
import json,sys,unicodedata
d=json.load(open(sys.argv[1],encoding='utf-8'))
t=' '.join(b['text'] for b in d['blocks'])
print(t if unicodedata.normalize('NFC',t)==t else 'NOT-NFC '+t)" "$1"; }
expect() { # NAME FILE EXPECTED-TEXT
    if ! bt parse --json "$OUT/$2.html" >"$OUT/$2.json" 2>"$OUT/$2.err"; then fail "$1 (exit status)"; return; fi
    got=$(body "$OUT/$2.json")
    if [ "$got" = "$3" ]; then pass "$1"; else fail "$1 (got: $(printf %s "$got" | cut -c1-70))"; fi
}
expect "windows-1258 declared (decomposed marks -> NFC)" w1258 "$ref"
expect "windows-1258 undeclared (detected)" w1258-undeclared "$ref"
expect "VISCII declared by http-equiv" viscii "$ref"
expect "VISCII undeclared (detected)" viscii-undeclared "$ref"
expect "TCVN3 (.VnTime font page)" tcvn3 "Cộng hoà xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc"
expect "VNI (VNI-Times font page)" vni "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc. Trường học năm"
expect "UTF-8 with BOM" bom "Tiếng Việt có dấu — “ngoặc kép”"
expect "UTF-16LE with BOM" utf16 "Tiếng Việt có dấu — “ngoặc kép”"
expect "declared UTF-8 but windows-1252 bytes" declared-utf8-but-cp1252 "Müller-Straße: „Grüße“ – 5 €"
expect "declared ISO-8859-1 but UTF-8 bytes" declared-latin1-but-utf8 "Müller-Straße: „Grüße“ – 5 €"
expect "ISO-8859-1 label read as windows-1252 (quotes, euro)" latin1-smart-quotes "Müller-Straße: „Grüße“ – 5 €"
expect "windows-1250 declared" windows-1250 "Unijne fundusze coraz bliżej. Sejm zagłosował „za”"
expect "unknown charset label falls back" unknown-label "Tiếng Việt có dấu — “ngoặc kép”"
if bt parse --json "$OUT/utf8-few-broken-bytes.html" >"$OUT/broken.json" 2>"$OUT/broken.err" && grep -q 'có dấu, đủ dài' "$OUT/broken.json" && grep -q 'U+FFFD' "$OUT/broken.err"; then
    pass "UTF-8 page with a stray bad byte stays UTF-8 (repaired, warned)"
else
    fail "UTF-8 page with a stray bad byte stays UTF-8"
fi
expect "XML declaration encoding" xml-decl "Müller-Straße: „Grüße“ – 5 €"
if bt parse --json "$OUT/undeclared-cp1252.html" >"$OUT/u.json" 2>"$OUT/u.err" && grep -q 'Größere Änderungen für Übersee' "$OUT/u.json"; then
    pass "undeclared windows-1252 detected"
else
    fail "undeclared windows-1252 detected"
fi

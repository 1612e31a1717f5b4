#!/bin/sh
# bantin pdf with bad input: clear one-line errors, right exit codes, damaged input still
# converted, never a partial output file.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
seed="$FIX/text/000-seed.txt"
have pdftotext || { skip "pdf bad-input checks (pdftotext not installed)"; exit 0; }

no_leftovers() { # DIR: no temp or partial files
    [ -z "$(find "$1" -name '*.tmp*' -o -name '.*tmp*' -o -name '*.pdf.*' 2>/dev/null)" ]
}

# Unusable inputs: one-line error naming the file, exit 3 (nothing written), no output.
printf '' >"$OUT/empty.txt"
head -c 65536 /dev/urandom >"$OUT/binary.txt"
printf 'Title\n\n' >"$OUT/x" && truncate -s 51M "$OUT/huge.txt" 2>/dev/null || dd if=/dev/zero of="$OUT/huge.txt" bs=1M count=0 seek=51 2>/dev/null
for case in missing:"$OUT/does-not-exist.txt" empty:"$OUT/empty.txt" binary:"$OUT/binary.txt" huge:"$OUT/huge.txt"; do
    name=${case%%:*} f=${case#*:}
    bt pdf "$f" -o "$OUT/$name.pdf" 2>"$OUT/$name.err"; rc=$?
    lines=$(wc -l <"$OUT/$name.err")
    if [ $rc -eq 3 ] && [ ! -e "$OUT/$name.pdf" ] && [ "$lines" -eq 1 ] && grep -qF "bantin: $f:" "$OUT/$name.err"; then
        pass "pdf: $name input: one-line error naming the file, exit 3, no output"
    else
        fail "pdf: $name input (rc $rc, $lines lines: $(head -c 200 "$OUT/$name.err"))"
    fi
done

# A bad input among good ones: reported and skipped, the rest converted, exit 1.
bt pdf "$seed" "$OUT/does-not-exist.txt" "$FIX/text/001.txt" -o "$OUT/mixed.pdf" 2>"$OUT/mixed.err"; rc=$?
[ $rc -eq 1 ] && [ -s "$OUT/mixed.pdf" ] && grep -q "does-not-exist.txt" "$OUT/mixed.err" \
    && pdftotext "$OUT/mixed.pdf" - 2>/dev/null | grep -q "Vinamilk" \
    && pass "pdf: a bad input among good ones is skipped, the rest converted (exit 1)" \
    || fail "pdf: mixed inputs (rc $rc)"
mkdir -p "$OUT/dmix"
bt pdf "$seed" "$OUT/empty.txt" -d "$OUT/dmix" 2>/dev/null; rc=$?
[ $rc -eq 1 ] && [ -s "$OUT/dmix/000-seed.pdf" ] && [ ! -e "$OUT/dmix/empty.pdf" ] \
    && pass "pdf: -d with a bad input: the others converted (exit 1)" || fail "pdf: -d mixed (rc $rc)"

# An existing output is left untouched when the conversion fails.
printf 'old' >"$OUT/keep.pdf"
bt pdf "$OUT/empty.txt" -o "$OUT/keep.pdf" 2>/dev/null
[ "$(cat "$OUT/keep.pdf")" = old ] && pass "pdf: failed conversion leaves the old output untouched" \
    || fail "pdf: old output was changed"

# Output cannot be written: exit 3, nothing left behind.
mkdir -p "$OUT/w" "$OUT/w/target.pdf"
bt pdf "$seed" -o "$OUT/w/target.pdf" 2>"$OUT/w.err"; rc=$?
[ $rc -eq 3 ] && [ -d "$OUT/w/target.pdf" ] && [ "$(ls -A "$OUT/w" | wc -l)" -eq 1 ] \
    && pass "pdf: unwritable output: exit 3, no temp file left" || fail "pdf: unwritable output (rc $rc: $(ls -A "$OUT/w"))"
bt pdf "$seed" -o "$OUT/no/such/dir/x.pdf" 2>/dev/null; rc=$?
[ $rc -eq 3 ] && pass "pdf: output in a missing directory: exit 3" || fail "pdf: missing output dir (rc $rc)"

# Invalid UTF-8: U+FFFD and a warning, still converted.
printf 'Tiêu đề h\377ng\n\nNội dung c\303 bài viết \300\200 có lỗi mã hóa nhưng vẫn đọc được.\n' >"$OUT/badutf8.txt"
bt pdf "$OUT/badutf8.txt" -o "$OUT/badutf8.pdf" 2>"$OUT/badutf8.err"; rc=$?
pdftotext "$OUT/badutf8.pdf" "$OUT/badutf8.out" 2>"$OUT/badutf8.warn"
[ $rc -eq 0 ] && [ -s "$OUT/badutf8.err" ] && grep -q "$(printf '\357\277\275')" "$OUT/badutf8.out" \
    && grep -q "đọc được" "$OUT/badutf8.out" && [ ! -s "$OUT/badutf8.warn" ] \
    && pass "pdf: invalid UTF-8 becomes U+FFFD with a warning, still converted" \
    || fail "pdf: invalid UTF-8 (rc $rc, stderr: $(head -c 200 "$OUT/badutf8.err"))"

# A 100,000-letter word: broken across lines, inside the text area, every letter kept, fast.
python3 -c "
import sys
w = ''.join('aăâbcdđeêghiklmnoôơpqrstuưvxy'[i % 29] for i in range(100000))
sys.stdout.write('Một từ rất dài\n\nTrước ' + w + ' sau.\n')" >"$OUT/longword.txt"
timed bt pdf "$OUT/longword.txt" -o "$OUT/longword.pdf" 2>"$OUT/longword.err"; secs=$((cpu_ms / 1000)) # CPU
pdftotext "$OUT/longword.pdf" "$OUT/longword.out" 2>/dev/null
pdftotext -bbox "$OUT/longword.pdf" "$OUT/longword.html" 2>/dev/null
got=$(python3 -c "
import re, sys, unicodedata
t = unicodedata.normalize('NFC', open(sys.argv[1], encoding='utf-8').read())
letters = set('aăâbcdđeêghiklmnoôơpqrstuưvxy')
# forced breaks end in a hyphen; pdftotext joins them within a page, not across pages
runs = [w.replace('-', '') for w in t.split()]
runs = [w for w in runs if w and set(w) <= letters]
print(sum(len(w) for w in runs if len(w) > 20))" "$OUT/longword.out")
if [ $rc -eq 0 ] && [ "$got" = 100000 ] && [ "$secs" -le 20 ] && \
   python3 tests/pdfcheck.py bbox "$OUT/longword.html" 595.276 841.89 62 62 68 68 "Một từ rất dài" >"$OUT/longword.bb"; then
    pass "pdf: a 100,000-letter word is broken across lines, inside the text area (${secs}s)"
else
    fail "pdf: 100,000-letter word (rc $rc, letters $got, ${secs}s, $(cat "$OUT/longword.bb" 2>/dev/null | cut -c1-120))"
fi

# A character no bundled face has: one warning with its code point, still converted.
printf 'Chữ Hán \344\270\255 trong bài\n\nĐoạn văn có chữ \344\270\255 và \344\270\255 lần nữa.\n' >"$OUT/cjk.txt"
bt pdf "$OUT/cjk.txt" -o "$OUT/cjk.pdf" 2>"$OUT/cjk.err"; rc=$?
n=$(grep -c "U+4E2D" "$OUT/cjk.err")
pdftotext "$OUT/cjk.pdf" - 2>"$OUT/cjk.warn" | grep -q "Đoạn văn"; ok=$?
[ $rc -eq 0 ] && [ "$n" -eq 1 ] && [ $ok -eq 0 ] && [ ! -s "$OUT/cjk.warn" ] \
    && pass "pdf: missing glyph reported once with its code point (U+4E2D)" \
    || fail "pdf: missing glyph (rc $rc, $n warnings: $(head -c 200 "$OUT/cjk.err"))"

# Missing fonts: exit 4, nothing written.
mkdir -p "$OUT/nofonts"
bt pdf "$seed" --font-dir "$OUT/nofonts" -o "$OUT/nofont.pdf" 2>"$OUT/nofont.err"; rc=$?
[ $rc -eq 4 ] && [ ! -e "$OUT/nofont.pdf" ] && grep -q "^bantin: " "$OUT/nofont.err" \
    && pass "pdf: missing fonts: exit 4, nothing written" || fail "pdf: missing fonts (rc $rc)"
# ... and with -d, the first article's failure stops the run: one message, no file written
# (the others, rendered meanwhile, are not committed)
bt pdf "$seed" "$FIX/text/001.txt" "$FIX/text/002.txt" "$FIX/text/003.txt" --font-dir "$OUT/nofonts" \
    -d "$OUT/nofont-d" 2>"$OUT/nofont-d.err"; rc=$?
[ $rc -eq 4 ] && [ -z "$(ls "$OUT/nofont-d" 2>/dev/null)" ] && [ "$(grep -c '^bantin: ' "$OUT/nofont-d.err")" -eq 1 ] \
    && pass "pdf -d: missing fonts: exit 4, one message, nothing written" \
    || fail "pdf -d: missing fonts (rc $rc; $(wc -l <"$OUT/nofont-d.err") lines)"

# Usage errors: exit 2.
bt pdf 2>/dev/null; r1=$?
bt pdf "$seed" -o "$OUT/u.pdf" -d "$OUT/u" 2>/dev/null; r2=$?
bt pdf --from xml "$seed" -o "$OUT/u.pdf" 2>/dev/null; r3=$?
bt pdf "$seed" "$FIX/text/001.txt" 2>/dev/null; r4=$?
[ $r1 -eq 2 ] && [ $r2 -eq 2 ] && [ $r3 -eq 2 ] && [ $r4 -eq 2 ] && [ ! -e "$OUT/u.pdf" ] \
    && pass "pdf: usage errors exit 2" || fail "pdf: usage errors ($r1 $r2 $r3 $r4)"

check "pdf: no temporary files left in the output folders" no_leftovers "$OUT"

# A character the bundled family lacks but an installed fallback face has: drawn, no warning.
fbfont=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
if [ -f "$fbfont" ] && have pdffonts; then
    printf 'Ký hiệu\n\nNgười tuyết \342\230\203 trong đoạn văn.\n' >"$OUT/fallback.txt"
    bt pdf "$OUT/fallback.txt" -o "$OUT/fallback.pdf" 2>"$OUT/fallback.err"; rc=$?
    [ $rc -eq 0 ] && [ ! -s "$OUT/fallback.err" ] && pdffonts "$OUT/fallback.pdf" | grep -q DejaVuSans \
        && pdftotext "$OUT/fallback.pdf" - 2>/dev/null | grep -q "$(printf '\342\230\203')" \
        && pass "pdf: a character missing from the family is drawn from the fallback face" \
        || fail "pdf: fallback face (rc $rc: $(head -c 200 "$OUT/fallback.err"))"
else
    skip "pdf: fallback face (DejaVu Sans not installed)"
fi

# Regression: this article's bold subset made libharu 2.3.0 fail while saving (its rewritten
# font was an exact multiple of its 4096-byte stream buffer); bantin retries with another layout.
bt pdf "$FIX/pdf/font-size-4096.txt" -o "$OUT/f4096.pdf" 2>"$OUT/f4096.err"; rc=$?
[ $rc -eq 0 ] && pdftotext "$OUT/f4096.pdf" - 2>/dev/null | grep -q "Ghi chú lưu trữ số 5382" \
    && pass "pdf: libharu's font-buffer bug is worked around" || fail "pdf: font-size-4096 (rc $rc: $(head -c 200 "$OUT/f4096.err"))"

#!/bin/sh
# Words wider than a line: broken with a hyphen that pdftotext joins again, so the word reads
# back whole; the words before it are not left alone on loose lines.
. tests/lib.sh
long=$(python3 -c "print('ABCDEFGHIJKLMNOPQRSTUVWXYZ' * 6)")
url="https://example.vn/tin-tuc/thoi-su/2024/09/03/mot-duong-dan-rat-dai-khong-the-nam-tren-mot-dong-$long.html?utm_source=x&utm_medium=y"
printf 'Từ dài\n\nChuỗi dài: %s kết thúc.\n\nNguồn %s hết.\n' "$long" "$url" >"$OUT/long.txt"
if bt pdf -q "$OUT/long.txt" -o "$OUT/long.pdf" && pdftotext "$OUT/long.pdf" "$OUT/long.out"; then
    pass "long token: converted"
    tr -s ' \n' '  ' <"$OUT/long.out" | tr ' ' '\n' | grep -qx "$long" && pass "long token reads back whole (hyphen joined)" ||
        fail "long token reads back whole"
    tr -s ' \n' '  ' <"$OUT/long.out" | tr ' ' '\n' | tr -d '-' | grep -qx "$(printf '%s' "$url" | tr -d '-')" &&
        pass "long URL reads back whole" || fail "long URL reads back whole"
    grep -qx "Chuỗi" "$OUT/long.out" && fail "words before a long token share a line" ||
        pass "words before a long token share a line"
else
    fail "long token: convert"
fi

# Characters beyond U+FFFF (emoji): drawn by a fallback face when one has them, else by a
# visible stand-in glyph; either way they read back as themselves (ToUnicode), and a character
# no face draws is reported once, with its code point.
printf 'Biểu tượng cảm xúc\n\nMọi người đều 😀 vui và 🎉 chúc mừng 😀 nhau, 🎉 lần nữa.\n' >"$OUT/emoji.txt"
if bt pdf "$OUT/emoji.txt" -o "$OUT/emoji.pdf" 2>"$OUT/emoji.err" && pdftotext "$OUT/emoji.pdf" "$OUT/emoji.out" 2>"$OUT/emoji.w"; then
    grep -q 'vui và 🎉 chúc mừng 😀 nhau, 🎉 lần' "$OUT/emoji.out" && [ ! -s "$OUT/emoji.w" ] &&
        pass "emoji read back as themselves" || fail "emoji read back ($(grep -o 'đều.*' "$OUT/emoji.out"))"
    [ "$(grep -c 'U+1F389' "$OUT/emoji.err")" -eq 1 ] && [ "$(grep -c 'U+1F600' "$OUT/emoji.err")" -le 1 ] &&
        pass "emoji: a character no face draws is reported once" || fail "emoji: warnings ($(cat "$OUT/emoji.err"))"
else
    fail "emoji: convert"
fi

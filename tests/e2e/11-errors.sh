#!/bin/sh
# Unusable input, for every command: exactly one error line naming the file, exit 3 (bantin(1)),
# and no output file left behind.
. tests/lib.sh
printf '' >"$OUT/empty.txt"
head -c 3000 /dev/urandom >"$OUT/junk.txt"
truncate -s 51M "$OUT/huge.txt"
for f in missing.txt empty.txt junk.txt huge.txt; do
    for cmd in pdf epub; do
        out="$OUT/o.$cmd"; rm -f "$out"
        bt $cmd "$OUT/$f" -o "$out" >/dev/null 2>"$OUT/e"; rc=$?
        lines=$(wc -l <"$OUT/e")
        if [ $rc -eq 3 ] && [ "$lines" -eq 1 ] && grep -q "$f" "$OUT/e" && [ ! -e "$out" ] &&
           [ -z "$(ls -A "$OUT" | grep '^\.o\.')" ]; then
            pass "$cmd $f: one line, exit $rc, no file"
        else
            fail "$cmd $f: exit $rc, $lines lines: $(head -c 160 "$OUT/e")"
        fi
    done
done
rm -f "$OUT/huge.txt"

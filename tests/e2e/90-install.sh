#!/bin/sh
# make install PREFIX=... DESTDIR=...: binary, fonts, templates, man page; the installed binary
# finds its fonts without the source tree.
. tests/lib.sh
case "$BANTIN" in */*) bdir=$(dirname "$BANTIN") ;; *) bdir=. ;; esac
[ "$bdir" = . ] && build=build || build=$bdir
root=$(cd "$OUT" && pwd)/root
# -o all: install the binary under test as it is. Another PREFIX changes the compiled-in data
# folder, and rebuilding here would relink the binary that the other tests, running at the same
# time, are using (and cost a full build); it finds its data next to itself anyway.
if make -s -o all install PREFIX=/usr DESTDIR="$root" BIN="$BANTIN" BUILD="$build" >"$OUT/log" 2>&1; then
    pass "make install"
else
    fail "make install ($(tail -1 "$OUT/log"))"
fi
for f in usr/bin/bantin usr/share/bantin/fonts/NotoSerif-Regular.ttf usr/share/bantin/fonts/OFL.txt \
         usr/share/man/man1/bantin.1; do
    [ -f "$root/$f" ] && pass "installed $f" || fail "installed $f"
done
[ -d "$root/usr/share/bantin/templates" ] && pass "installed templates" || fail "installed templates"
(cd / && "$root/usr/bin/bantin" templates) 2>&1 | awk '{print $1}' | tr '\n' ' ' | grep -qx 'a5 bao default ' \
    && pass "installed binary lists its templates (a5 bao default)" || fail "installed binary lists its templates"
# The installed binary, run from elsewhere, finds its data next to itself.
cp "$FIX/text/000-seed.txt" "$OUT/a.txt"
abs=$(cd "$OUT" && pwd)
if (cd / && "$root/usr/bin/bantin" pdf "$abs/a.txt" -o "$abs/a.pdf") 2>"$OUT/e"; then
    [ -s "$OUT/a.pdf" ] && pass "installed binary converts" || fail "installed binary converts (no file)"
else
    fail "installed binary converts ($(head -1 "$OUT/e"))"
fi
man -l "$root/usr/share/man/man1/bantin.1" 2>/dev/null | grep -q 'EXIT STATUS' && pass "man page renders" ||
    { have man && fail "man page renders" || skip "man page renders (no man)"; }

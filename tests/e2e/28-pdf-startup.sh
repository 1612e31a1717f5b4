#!/bin/sh
# Start-up: the libraries only some runs need (libxml2 with ICU and the C++ library, libzip,
# OpenSSL's libcrypto, uchardet, the GIF, WebP and JPEG decoders, libcurl) are loaded on first
# use (src/lazy/, src/net/curl_dl.c), not linked: a text file to PDF maps none of them, and the
# runs that need them load them and work.
. tests/lib.sh
export SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH_DEFAULT
LAZY='libxml2|libicu|libzip|libcrypto|libuchardet|libstdc\+\+|libgif|libwebp|libjpeg|libcurl'
# (the sanitizers' runtime needs the C++ library itself)
[ -n "$BANTIN_SANITIZED" ] && LAZY='libxml2|libicu|libzip|libcrypto|libuchardet|libgif|libwebp|libjpeg|libcurl'
if have ldd; then
    ldd "$BANTIN" >"$OUT/ldd" 2>&1
    if grep -E "$LAZY" "$OUT/ldd" >"$OUT/linked"; then
        fail "startup: bantin is linked with libraries it loads on first use ($(awk '{print $1}' "$OUT/linked" | tr '\n' ' '))"
    elif grep -q 'libharfbuzz' "$OUT/ldd"; then
        pass "startup: linked without libxml2, libzip, libcrypto, uchardet, image decoders"
    else
        skip "startup: ldd does not list bantin's libraries"
    fi
else
    skip "startup: ldd not installed"
fi

# loaded ARGS... : run bantin with the dynamic loader's trace; $OUT/loaded lists the libraries
# it loaded (at start-up or later), one a line
loaded() {
    LD_DEBUG=files "$BANTIN" "$@" >"$OUT/stdout" 2>"$OUT/trace"
    rc=$?
    sed -n 's/.*file=\([^ ]*\) .*/\1/p' "$OUT/trace" | sort -u >"$OUT/loaded"
}
cp "$FIX/text/000-seed.txt" "$OUT/seed.txt"
loaded pdf -q "$OUT/seed.txt" -o "$OUT/seed.pdf"
if [ $rc -ne 0 ] || [ ! -s "$OUT/seed.pdf" ]; then
    fail "startup: text to PDF (exit $rc)"
elif ! grep -q 'libhpdf' "$OUT/loaded"; then
    skip "startup: the dynamic loader does not trace (LD_DEBUG)"
elif grep -E "$LAZY" "$OUT/loaded" >"$OUT/extra"; then
    fail "startup: text to PDF loads $(tr '\n' ' ' <"$OUT/extra")"
else
    pass "startup: text to PDF loads none of the libraries it does not use"
fi
if grep -q 'libhpdf' "$OUT/loaded"; then
    # the paths that need them load them when they get there
    page=$(ls "$FIX"/html/pages/*.html | head -1)
    loaded pdf -q "$page" -o "$OUT/page.pdf"
    [ $rc -eq 0 ] && [ -s "$OUT/page.pdf" ] && grep -q libxml2 "$OUT/loaded" \
        && pass "startup: an HTML page loads libxml2 when it is parsed" \
        || fail "startup: HTML page to PDF (exit $rc; $(tr '\n' ' ' <"$OUT/loaded" | grep -o 'libxml2[^ ]*'))"
    loaded pdf -q --pdfa "$OUT/seed.txt" -o "$OUT/seed-a.pdf"
    [ $rc -eq 0 ] && [ -s "$OUT/seed-a.pdf" ] && grep -q libxml2 "$OUT/loaded" \
        && pass "startup: --pdfa loads libxml2 for the XMP metadata" || fail "startup: --pdfa (exit $rc)"
    loaded epub -q "$OUT/seed.txt" -o "$OUT/seed.epub"
    [ $rc -eq 0 ] && [ -s "$OUT/seed.epub" ] && grep -q libzip "$OUT/loaded" \
        && pass "startup: EPUB loads libzip when it writes the book" || fail "startup: EPUB (exit $rc)"
fi

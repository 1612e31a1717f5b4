/* text.h - UTF-8 handling: validation/repair, NFC, whitespace folding, small helpers.
 * All returned strings are heap-allocated and owned by the caller. */
#ifndef BT_TEXT_H
#define BT_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Copy of s[0..len) with every invalid UTF-8 sequence (overlong, surrogate, truncated,
 * > U+10FFFF) and NUL byte replaced by U+FFFD. *nbad (may be NULL) gets the count. */
char *bt_utf8_repair(const char *s, size_t len, size_t *nbad);

/* 1 when s[0..len) is valid UTF-8 without NUL bytes. */
int bt_utf8_valid(const char *s, size_t len);

/* NFC-normalise valid UTF-8 (utf8proc). */
char *bt_nfc(const char *s);

/* NFC + collapse runs of white space (incl. U+00A0, U+2000-U+200A, U+202F, U+3000, tabs,
 * newlines) into one ASCII space, trim both ends, drop zero-width and control characters. */
char *bt_text_clean(const char *s, size_t len);

/* Decode one code point from s (len bytes available); returns bytes consumed (>=1), or 0 at end.
 * Invalid sequences decode as U+FFFD consuming one byte. */
size_t bt_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encode cp into out (>= 4 bytes); returns length. */
size_t bt_utf8_encode(uint32_t cp, char *out);
/* Number of code points. */
size_t bt_utf8_length(const char *s);

/* Fold to lower-case ASCII without diacritics ("Tỉnh ủy Hải Dương" -> "tinh uy hai duong";
 * đ -> d). Non-letters are kept as they are (ASCII) or dropped (other). */
char *bt_fold_ascii(const char *s);
/* URL/file slug from s: folded, lower-case, [a-z0-9] runs joined by '-', at most max_len bytes. */
char *bt_slugify(const char *s, size_t max_len);

/* 1 if s looks like a BCP 47 language tag: 2-8 letters, then "-" subtags of 1-8 letters or
 * digits ("vi", "en-US", "zh-Hant-TW"). */
int bt_lang_valid(const char *s);

/* 1 if the string s (UTF-8) equals t ignoring case, diacritics and dash/space variants. */
int bt_text_loose_equal(const char *s, const char *t);

#endif

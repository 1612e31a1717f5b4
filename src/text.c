/* text.c - UTF-8 validation and repair, NFC (utf8proc), white space, ASCII folding. */
#include "text.h"

#include <ctype.h>

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "bt_limits.h"
#include "util.h"

/* Length of the valid UTF-8 sequence at s, or 0 if invalid (overlong, surrogate, > U+10FFFF,
 * truncated). NUL counts as invalid so that repaired text is always a C string. */
static inline size_t utf8_seq(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned c = s[0];
    if (c == 0) return 0;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; v = c & 0x07; min = 0x10000; }
    else return 0;
    if (len < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return n;
}

/* Length (>= 1) of the maximal subpart at s, which does not start a valid sequence. */
static size_t maximal_subpart(const unsigned char *s, size_t len)
{
    unsigned c = s[0];
    size_t need;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 1;
    }
    size_t k = 1;
    while (k <= need && k < len) {
        unsigned d = s[k];
        if (k == 1 ? (d < lo || d > hi) : (d & 0xC0) != 0x80) break;
        k++;
    }
    return k;
}

char *bt_utf8_repair(const char *s, size_t len, size_t *nbad)
{
    bt_buf b = {0};
    size_t bad = 0, i = 0;
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0; /* start of the valid bytes not copied yet: copied a run at a time */
    bt_buf_add(&b, "", 0);
    while (i < len) {
        if (u[i] < 0x80 && u[i] != 0) { /* ASCII (NUL is repaired), eight bytes at a time */
            uint64_t w;
            while (i + 8 <= len) {
                memcpy(&w, u + i, 8);
                if ((w & 0x8080808080808080ull) || ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull))
                    break;
                i += 8;
            }
            if (i < len && u[i] < 0x80 && u[i] != 0) i++;
            continue;
        }
        unsigned c = u[i];
        if (c >= 0xC2 && c <= 0xDF && i + 1 < len && (u[i + 1] & 0xC0) == 0x80) { /* two bytes */
            i += 2;
            continue;
        }
        if (c >= 0xE1 && c <= 0xEC && i + 2 < len && (u[i + 1] & 0xC0) == 0x80 && (u[i + 2] & 0xC0) == 0x80) {
            i += 3; /* three bytes, neither overlong (E0) nor a surrogate (ED) */
            continue;
        }
        uint32_t cp;
        size_t n = utf8_seq(u + i, len - i, &cp);
        if (n) {
            i += n;
        } else {
            /* One U+FFFD per maximal subpart of an ill-formed sequence (Unicode's "best
             * practice", as WHATWG and Python decode): a valid lead and the continuation
             * bytes that could still follow it, or else the single byte. */
            bt_buf_add(&b, s + run, i - run);
            bt_buf_add(&b, "\xEF\xBF\xBD", 3);
            bad++;
            i += maximal_subpart(u + i, len - i);
            run = i;
        }
    }
    bt_buf_add(&b, s + run, len - run);
    if (nbad) *nbad = bad;
    return bt_buf_detach(&b, NULL);
}

int bt_utf8_valid(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_seq(u + i, len - i, &cp);
        if (!n) return 0;
        i += n;
    }
    return 1;
}

size_t bt_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    if (len == 0) {
        *cp = 0;
        return 0;
    }
    size_t n = utf8_seq((const unsigned char *)s, len, cp);
    if (n) return n;
    *cp = s[0] == 0 ? 0 : 0xFFFD;
    return 1;
}

size_t bt_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF) return bt_utf8_encode(0xFFFD, out);
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t bt_utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

/* Code points that are NFC as they stand and never compose with what comes before them: text
 * made only of these is its own NFC (nearly all news text: ASCII, Latin letters with their
 * Vietnamese precomposed forms, punctuation, Cyrillic, CJK, Hangul syllables). Anything else
 * (a combining mark, a singleton such as U+2126) goes through utf8proc. */
static int nfc_stable(uint32_t cp)
{
    return cp < 0x300 || (cp >= 0x400 && cp <= 0x482) || (cp >= 0x48A && cp <= 0x4FF) ||
           (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2002 && cp <= 0x206F) ||
           (cp >= 0x20A0 && cp <= 0x20BF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3);
}

/* s without the combining marks after the first BT_MAX_MARKS of a run (Unicode's stream-safe
 * limit), or NULL when no run is that long. Done before NFC: its canonical reordering and text
 * shaping are both quadratic in a run of marks (5,000 marks on one letter took seconds). */
static char *cap_marks(const char *s, size_t n)
{
    char *out = NULL, *o = NULL;
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = bt_utf8_decode(s + i, n - i, &cp);
        if (!k) { /* invalid: kept for the caller's repair */
            k = 1;
            cp = 0xFFFD;
        }
        int cat = cp < 0x300 ? UTF8PROC_CATEGORY_LL : utf8proc_category((utf8proc_int32_t)cp);
        run = cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ME ? run + 1 : 0;
        if (run > BT_MAX_MARKS && !out) {
            out = bt_xmalloc(n + 1);
            memcpy(out, s, i);
            o = out + i;
        }
        if (out && run <= BT_MAX_MARKS) {
            memcpy(o, s + i, k);
            o += k;
        }
        i += k;
    }
    if (out) *o = '\0';
    return out;
}

char *bt_nfc(const char *s)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = (unsigned char)s[i] < 0x80 ? (cp = (unsigned char)s[i], 1) : bt_utf8_decode(s + i, n - i, &cp);
        if (!k || !nfc_stable(cp)) break;
        i += k;
    }
    if (i == n) return bt_xstrdup(s);

    char *capped = cap_marks(s, n);
    if (capped) s = capped;
    utf8proc_uint8_t *r = utf8proc_NFC((const utf8proc_uint8_t *)s);
    if (!r) { /* invalid input: repair first, then normalise */
        char *fixed = bt_utf8_repair(s, strlen(s), NULL);
        free(capped);
        r = utf8proc_NFC((const utf8proc_uint8_t *)fixed);
        if (!r) return fixed;
        free(fixed);
    }
    free(capped);
    char *out = bt_xstrdup((const char *)r);
    free(r);
    return out;
}

static int is_space_cp(uint32_t cp)
{
    if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
        (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
        cp == 0x205F || cp == 0x3000)
        return 1;
    return 0;
}

/* Characters dropped from text: controls, and the soft hyphen. Zero-width and joiner
 * characters (U+200B, U+2060, U+FEFF) are kept: they are part of the text as written, and
 * the fonts draw them with no width. */
static int is_dropped_cp(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 1; /* controls (spaces handled before) */
    /* noncharacters (U+FDD0..FDEF, U+xFFFE, U+xFFFF): never text, no font draws them, XML
     * forbids two of them; libxml2 drops them from pages, so text files lose them too */
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) return 1;
    return cp == 0x00AD; /* soft hyphen: only a hint, and fonts draw it as a visible one */
}

/* bt_text_clean in one pass over s, for text that is valid UTF-8 without NUL and made only of
 * NFC-stable code points (nearly all text): NULL for anything else. */
static char *clean_fast(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    char *out = bt_xmalloc(len + 1), *o = out;
    int pending_space = 0;
    for (size_t i = 0; i < len;) {
        unsigned c = u[i];
        if (c >= 0x21 && c < 0x7F) { /* printable ASCII, as a run */
            if (pending_space) *o++ = ' ';
            pending_space = 0;
            size_t j = i + 1;
            while (j < len && u[j] >= 0x21 && u[j] < 0x7F) j++;
            memcpy(o, s + i, j - i);
            o += j - i;
            i = j;
            continue;
        }
        uint32_t cp;
        size_t k = utf8_seq(u + i, len - i, &cp);
        if (!k || !nfc_stable(cp)) {
            free(out);
            return NULL;
        }
        if (is_space_cp(cp)) {
            pending_space = o > out;
        } else if (!is_dropped_cp(cp)) {
            if (pending_space) *o++ = ' ';
            pending_space = 0;
            memcpy(o, s + i, k);
            o += k;
        }
        i += k;
    }
    *o = '\0';
    return out;
}

char *bt_text_clean(const char *s, size_t len)
{
    char *fast = clean_fast(s, len);
    if (fast) return fast;
    char *valid = bt_utf8_valid(s, len) ? bt_xstrndup(s, len) : bt_utf8_repair(s, len, NULL);
    char *nfc = bt_nfc(valid);
    free(valid);
    bt_buf b = {0};
    bt_buf_add(&b, "", 0);
    int pending_space = 0;
    size_t n = strlen(nfc);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = bt_utf8_decode(nfc + i, n - i, &cp);
        if (is_space_cp(cp)) {
            pending_space = b.len > 0;
        } else if (!is_dropped_cp(cp)) {
            if (pending_space) bt_buf_addc(&b, ' ');
            pending_space = 0;
            bt_buf_add(&b, nfc + i, k);
        }
        i += k;
    }
    free(nfc);
    return bt_buf_detach(&b, NULL);
}

/* Fold one code point to ASCII: lower case letters without marks, digits, '-' for dashes,
 * ' ' for spaces; 0 to drop. */
static char fold_cp(uint32_t cp)
{
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z') return (char)(cp - 'A' + 'a');
        return (char)cp;
    }
    if (cp == 0x0110 || cp == 0x0111) return 'd'; /* Đ đ have no decomposition */
    if (is_space_cp(cp)) return ' ';
    if (utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_PD) return '-';
    /* Strip marks: decompose and keep the base letter if it is ASCII. */
    utf8proc_int32_t dst[8];
    int opt = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD;
    utf8proc_ssize_t m = utf8proc_decompose_char((utf8proc_int32_t)cp, dst, 8, opt, NULL);
    if (m >= 1 && dst[0] < 0x80 && dst[0] > 0x20) {
        utf8proc_int32_t c = dst[0];
        if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
        return (char)c;
    }
    return 0;
}

char *bt_fold_ascii(const char *s)
{
    bt_buf b = {0};
    bt_buf_add(&b, "", 0);
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += bt_utf8_decode(s + i, n - i, &cp);
        char c = fold_cp(cp);
        if (c) bt_buf_addc(&b, c);
    }
    return bt_buf_detach(&b, NULL);
}

char *bt_slugify(const char *s, size_t max_len)
{
    char *f = bt_fold_ascii(s);
    bt_buf b = {0};
    bt_buf_add(&b, "", 0);
    int dash = 0;
    for (char *p = f; *p; p++) {
        char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && b.len) bt_buf_addc(&b, '-');
            dash = 0;
            if (max_len && b.len >= max_len) break;
            bt_buf_addc(&b, c);
        } else {
            dash = 1;
        }
    }
    free(f);
    /* Never end on a dash after truncation. */
    while (b.len && b.data[b.len - 1] == '-') b.data[--b.len] = '\0';
    return bt_buf_detach(&b, NULL);
}

int bt_text_loose_equal(const char *s, const char *t)
{
    char *a = bt_fold_ascii(s), *b = bt_fold_ascii(t);
    const char *p = a, *q = b;
    int eq;
    for (;;) {
        while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) p++;
        while (*q && !((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9'))) q++;
        if (!*p || !*q) {
            eq = !*p && !*q;
            break;
        }
        if (*p != *q) {
            eq = 0;
            break;
        }
        p++;
        q++;
    }
    free(a);
    free(b);
    return eq;
}

int bt_lang_valid(const char *s)
{
    size_t i = 0, n;
    if (!s) return 0;
    while (isalpha((unsigned char)s[i])) i++;
    if (i < 2 || i > 8) return 0;
    while (s[i] == '-') {
        i++;
        n = 0;
        while (isalnum((unsigned char)s[i])) {
            i++;
            n++;
        }
        if (n < 1 || n > 8) return 0;
    }
    return s[i] == '\0';
}

/* input.c - read an article file with limits, refuse unusable input, pick the parser. */
#include "input.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

static int starts_with(const char *buf, size_t len, const char *magic, size_t n)
{
    return len >= n && memcmp(buf, magic, n) == 0;
}

/* Known binary formats, and text-free content: NUL bytes or many control bytes near the start. */
static const char *binary_kind(const char *buf, size_t len)
{
    static const struct { const char *magic; size_t n; const char *name; } sigs[] = {
        {"%PDF-", 5, "a PDF file"},        {"\x89PNG", 4, "a PNG image"},
        {"\xFF\xD8\xFF", 3, "a JPEG image"}, {"GIF8", 4, "a GIF image"},
        {"PK\x03\x04", 4, "a ZIP archive"}, {"\x7F" "ELF", 4, "an executable"},
        {"\x1F\x8B", 2, "a gzip file"},     {"RIFF", 4, "a RIFF (WebP/WAV) file"},
    };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (starts_with(buf, len, sigs[i].magic, sigs[i].n)) return sigs[i].name;
    size_t n = len < 8192 ? len : 8192, ctl = 0, nul = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == 0) nul++;
        else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B) ctl++;
    }
    if (nul * 100 > n) return "binary data (NUL bytes)"; /* a stray NUL is repaired, not fatal */
    /* Text has next to no control bytes; many of them together with invalid UTF-8 is junk. */
    if (ctl * 10 > n) return "binary data (control bytes)";
    if (ctl * 100 > n * 3) {
        size_t bad = 0;
        char *fixed = bt_utf8_repair(buf, n, &bad);
        free(fixed);
        if (bad * 20 > n) return "binary data";
    }
    return NULL;
}

int bt_input_is_html(const char *buf, size_t len)
{
    size_t i = 0, n = len < 4096 ? len : 4096;
    if (starts_with(buf, len, "\xEF\xBB\xBF", 3)) i = 3;
    while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n')) i++;
    if (i >= n || buf[i] != '<') return 0;
    static const char *tags[] = {"<!doctype html", "<html", "<head", "<body", "<meta", "<title",
                                 "<div", "<p>", "<p ", "<article", "<!--", "<?xml"};
    for (size_t t = 0; t < sizeof tags / sizeof tags[0]; t++) {
        size_t k = strlen(tags[t]);
        for (size_t j = i; j + k <= n; j++)
            if (strncasecmp(buf + j, tags[t], k) == 0) return 1;
    }
    return 0;
}

/* UTF-16 text (with a BOM) to UTF-8; unpaired surrogates become U+FFFD. */
static char *utf16_to_utf8(const unsigned char *s, size_t len, int big_endian, size_t *outlen)
{
    bt_buf b = {0};
    bt_buf_add(&b, "", 0);
    for (size_t i = 0; i + 1 < len; i += 2) {
        uint32_t u = big_endian ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i + 1] << 8 | s[i]);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
            uint32_t v = big_endian ? (uint32_t)(s[i + 2] << 8 | s[i + 3])
                                    : (uint32_t)(s[i + 3] << 8 | s[i + 2]);
            if (v >= 0xDC00 && v <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
                i += 2;
            } else {
                u = 0xFFFD;
            }
        } else if (u >= 0xD800 && u <= 0xDFFF) {
            u = 0xFFFD;
        }
        char tmp[4];
        bt_buf_add(&b, tmp, bt_utf8_encode(u ? u : 0xFFFD, tmp));
    }
    return bt_buf_detach(&b, outlen);
}

/* UTF-16 without a byte order mark, told by its NUL bytes: 1 little-endian, 2 big-endian, 0 not.
 * Text in a Latin script (and any markup) has a NUL in one byte of most pairs and in almost none
 * of the other; every other input with NUL bytes is refused as binary. */
static int utf16_unmarked(const unsigned char *u, size_t len)
{
    size_t n = len < 1024 ? len & ~(size_t)1 : 1024, even = 0, odd = 0;
    if (n < 4) return 0;
    for (size_t i = 0; i < n; i += 2) {
        even += u[i] == 0;
        odd += u[i + 1] == 0;
    }
    size_t pairs = n / 2;
    if (odd * 10 >= pairs * 3 && even * 20 < pairs) return 1;
    if (even * 10 >= pairs * 3 && odd * 20 < pairs) return 2;
    return 0;
}

static int only_space(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') continue;
        if (c == 0xC2 && i + 1 < len && (unsigned char)buf[i + 1] == 0xA0) { i++; continue; }
        if (c == 0xEF && i + 2 < len && (unsigned char)buf[i + 1] == 0xBB &&
            (unsigned char)buf[i + 2] == 0xBF) { i += 2; continue; }
        return 0;
    }
    return 1;
}

bt_status bt_input_parse(const char *buf, size_t len, const char *base_dir, const bt_input_opts *o,
                         bt_article **out, bt_err *e)
{
    static const bt_input_opts defaults = {BT_FROM_AUTO, NULL, 0, NULL};
    if (!o) o = &defaults;
    *out = NULL;
    if (len == 0 || only_space(buf, len)) return bt_err_set(e, BT_EEMPTY, "empty file");

    char *conv = NULL;
    const unsigned char *u = (const unsigned char *)buf;
    int utf16 = len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF));
    int unmarked = utf16 ? 0 : utf16_unmarked(u, len);
    bt_origin og8 = {0};
    if ((utf16 || unmarked) && o->origin) { /* UTF-8 once converted, whatever the HTTP header said */
        og8 = *o->origin;
        og8.charset = "UTF-8";
    }
    if (utf16 || unmarked) { /* the only encoding with NUL bytes that is still text */
        size_t n;
        conv = utf16 ? utf16_to_utf8(u + 2, len - 2, u[0] == 0xFE, &n) : utf16_to_utf8(u, len, unmarked == 2, &n);
        buf = conv;
        len = n;
        if (only_space(buf, len)) {
            free(conv);
            return bt_err_set(e, BT_EEMPTY, "empty file");
        }
    }
    const char *kind = binary_kind(buf, len);
    if (kind) {
        free(conv);
        return bt_err_set(e, BT_EBINARY, "not an article: looks like %s", kind);
    }

    bt_article *a = bt_article_new();
    bt_status st;
    int html = o->from == BT_FROM_HTML || (o->from == BT_FROM_AUTO && bt_input_is_html(buf, len));
    if (html) {
        st = bt_html_parse_from(buf, len, base_dir, (utf16 || unmarked) && o->origin ? &og8 : o->origin, a, e);
    } else {
        size_t nbad = 0;
        const char *p = buf;
        size_t n = len;
        if (starts_with(p, n, "\xEF\xBB\xBF", 3)) {
            p += 3;
            n -= 3;
        }
        char *text = bt_utf8_repair(p, n, &nbad);
        if (nbad)
            bt_article_warn(a, "invalid UTF-8: %zu byte sequence%s replaced by U+FFFD", nbad,
                            nbad == 1 ? "" : "s");
        st = bt_text_parse(text, strlen(text), a, e);
        free(text);
    }
    free(conv);
    if (st == BT_OK && (!a->title || !*a->title)) {
        /* No title found: use the first block's text, shortened. */
        if (a->nblocks) {
            const char *t = a->blocks[0].text;
            size_t k = 0, chars = 0;
            while (t[k] && chars < 80) {
                k++;
                while (((unsigned char)t[k] & 0xC0) == 0x80) k++;
                chars++;
            }
            char *title = bt_xstrndup(t, k);
            bt_article_set(&a->title, title);
            free(title);
        }
        if (!a->title) st = bt_err_set(e, BT_EEMPTY, "no article text found");
    }
    if (st != BT_OK) {
        bt_article_free(a);
        return st;
    }
    if (o->lang && *o->lang) bt_article_set(&a->language, o->lang);
    if (!a->language) a->language = bt_xstrdup("vi");
    *out = a;
    return BT_OK;
}

int bt_input_from_name(const char *name, bt_from *out)
{
    if (strcmp(name, "html") == 0) *out = BT_FROM_HTML;
    else if (strcmp(name, "text") == 0) *out = BT_FROM_TEXT;
    else if (strcmp(name, "auto") == 0) *out = BT_FROM_AUTO;
    else return 0;
    return 1;
}

static size_t default_limit = BT_MAX_INPUT_BYTES;

void bt_input_set_default_limit(size_t bytes)
{
    default_limit = bytes ? bytes : BT_MAX_INPUT_BYTES;
}

size_t bt_input_limit(const bt_input_opts *o)
{
    return o && o->max_input_bytes ? o->max_input_bytes : default_limit;
}

bt_status bt_input_load(const char *path, const bt_input_opts *o, bt_article **out, bt_err *e)
{
    size_t max = o && o->max_input_bytes ? o->max_input_bytes : default_limit;
    char *buf;
    size_t len;
    *out = NULL;
    bt_status st = bt_read_file(path, max, &buf, &len, e);
    if (st != BT_OK) return st;
    char *dir = strcmp(path, "-") == 0 ? NULL : bt_path_dirname(path);
    st = bt_input_parse(buf, len, dir, o, out, e);
    free(dir);
    free(buf);
    if (st == BT_OK && *out) (*out)->source_path = bt_xstrdup(path);
    return st;
}

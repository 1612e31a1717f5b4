/* image.c - local and data: images, checked and converted (see image.h). */
#include "image.h"

#include <ctype.h>
#include <gif_lib.h>
#include <limits.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <webp/decode.h>

#include <jpeglib.h> /* after stdio.h, which it needs */

#include "bt_limits.h"
#include "text.h"
#include "util.h"

static bt_image *img_new(unsigned char *data, size_t len, const char *mime, int w, int h,
                         const char *name)
{
    bt_image *im = bt_xcalloc(1, sizeof *im);
    im->data = data;
    im->len = len;
    im->mime = bt_xstrdup(mime);
    im->width = w;
    im->height = h;
    im->name = bt_xstrdup(name);
    return im;
}

/* "photo.webp" -> "photo.png"; a safe file name of [A-Za-z0-9._-]. */
static char *safe_name(const char *hint, const char *ext)
{
    char base[96];
    size_t k = 0;
    const char *h = hint ? hint : "";
    const char *slash = strrchr(h, '/');
    if (slash) h = slash + 1;
    for (; *h && *h != '?' && *h != '#' && k + 1 < sizeof base - 8; h++) {
        unsigned char ch = (unsigned char)*h;
        base[k++] = (isalnum(ch) || ch == '-' || ch == '_' || ch == '.') ? (char)ch : '_';
    }
    base[k] = '\0';
    char *dot = strrchr(base, '.');
    if (dot) *dot = '\0';
    if (!base[0] || base[0] == '.') snprintf(base, sizeof base, "image");
    return bt_xasprintf("%s.%s", base, ext);
}

static int pixels_ok(int64_t w, int64_t h)
{
    return w > 0 && h > 0 && w <= 65535 && h <= 65535 && w * h <= BT_MAX_IMAGE_PIXELS;
}

/* ---- pixel size from the bytes ---- */

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

int bt_image_is_jpeg(const unsigned char *d, size_t len)
{
    return len > 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF;
}

int bt_image_is_png(const unsigned char *d, size_t len)
{
    return len > 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0;
}

static int is_webp(const unsigned char *d, size_t len)
{
    return len >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0;
}

static int is_gif(const unsigned char *d, size_t len)
{
    return len >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0);
}

int bt_image_dimensions(const unsigned char *d, size_t len, int *w, int *h)
{
    *w = *h = 0;
    if (!d) return 0;
    if (len >= 24 && bt_image_is_png(d, len) && memcmp(d + 12, "IHDR", 4) == 0) {
        unsigned long pw = be32(d + 16), ph = be32(d + 20);
        if (pw == 0 || ph == 0 || pw > 100000 || ph > 100000) return 0;
        *w = (int)pw;
        *h = (int)ph;
        return 1;
    }
    if (bt_image_is_jpeg(d, len)) {
        size_t i = 2;
        int sw = 0, sh = 0;
        while (i + 4 <= len) {
            if (d[i] != 0xFF) return 0;
            unsigned char m = d[i + 1];
            if (m == 0xFF) { i++; continue; }
            if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; }
            unsigned seg = be16(d + i + 2);
            if (seg < 2) return 0;
            if (i + 2 + seg > len) return 0;
            if ((m >= 0xC0 && m <= 0xCF) && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                if (seg < 8) return 0;
                sw = (int)be16(d + i + 7);
                sh = (int)be16(d + i + 5);
            }
            if (m == 0xD9) return 0;
            if (m == 0xDA) {
                /* a frame header first, then entropy-coded data that ends with EOI */
                if (sw <= 0 || sh <= 0) return 0;
                for (size_t k = len; k >= i + 2 + seg + 2; k--)
                    if (d[k - 2] == 0xFF && d[k - 1] == 0xD9) {
                        *w = sw;
                        *h = sh;
                        return 1;
                    }
                return 0;
            }
            i += 2 + seg;
        }
    }
    return 0;
}

/* ---- PNG ---- */

static bt_image *png_encode(const unsigned char *rgba, int w, int h, const char *name,
                            const char **why)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = (png_uint_32)w;
    pi.height = (png_uint_32)h;
    pi.format = PNG_FORMAT_RGBA;
    png_alloc_size_t size = 0;
    if (!png_image_write_get_memory_size(pi, size, 0, rgba, 0, NULL)) {
        *why = "PNG encoding failed";
        return NULL;
    }
    unsigned char *out = bt_xmalloc(size ? size : 1);
    if (!png_image_write_to_memory(&pi, out, &size, 0, rgba, 0, NULL)) {
        free(out);
        *why = "PNG encoding failed";
        return NULL;
    }
    char *nm = safe_name(name, "png");
    bt_image *im = img_new(out, size, "image/png", w, h, nm);
    free(nm);
    return im;
}

/* libpng reads from memory through a callback; reading past the end is an error (a truncated
 * file), reported by png_error's longjmp like any other. */
typedef struct {
    const unsigned char *d;
    size_t len, pos;
} png_src;

static void png_read_mem(png_structp p, png_bytep out, png_size_t n)
{
    png_src *s = png_get_io_ptr(p);
    if (n > s->len - s->pos) png_error(p, "truncated");
    memcpy(out, s->d + s->pos, n);
    s->pos += n;
}

static void png_quiet(png_structp p, png_const_charp msg) { (void)p; (void)msg; }

static void png_fail(png_structp p, png_const_charp msg)
{
    (void)msg;
    png_longjmp(p, 1);
}

/* 1 when every row of a non-interlaced PNG decodes and the file ends with its IEND: a
 * truncated or damaged file is refused here instead of being embedded as it is. */
static int png_rows_ok(const unsigned char *d, size_t len)
{
    png_structp p = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_quiet);
    if (!p) return 0;
    png_infop info = png_create_info_struct(p);
    unsigned char *volatile row = NULL;
    volatile int ok = 0;
    png_src src = {d, len, 0};
    if (info && !setjmp(png_jmpbuf(p))) {
        png_set_read_fn(p, &src, png_read_mem);
        png_read_info(p, info);
        row = bt_xmalloc(png_get_rowbytes(p, info) + 1);
        for (png_uint_32 y = 0, h = png_get_image_height(p, info); y < h; y++) png_read_row(p, row, NULL);
        png_read_end(p, NULL);
        ok = 1;
    }
    free(row);
    png_destroy_read_struct(&p, info ? &info : NULL, NULL);
    return ok;
}

static bt_image *load_png(const unsigned char *d, size_t len, const char *name, const char **why)
{
    if (len < 33) { *why = "truncated PNG"; return NULL; }
    uint32_t w = (uint32_t)d[16] << 24 | (uint32_t)d[17] << 16 | (uint32_t)d[18] << 8 | d[19];
    uint32_t h = (uint32_t)d[20] << 24 | (uint32_t)d[21] << 16 | (uint32_t)d[22] << 8 | d[23];
    if (!pixels_ok(w, h)) { *why = "image too large or has no size"; return NULL; }
    int depth8 = d[24] == 8, interlaced = d[28] != 0, ctype = d[25];
    if (depth8 && !interlaced && (ctype == 2 || ctype == 6 || ctype == 0)) {
        /* plain PNG: checked row by row (a row's memory, not the image's), the bytes kept */
        if (!png_rows_ok(d, len)) {
            *why = "corrupt or truncated PNG";
            return NULL;
        }
        unsigned char *copy = bt_xmalloc(len);
        memcpy(copy, d, len);
        char *nm = safe_name(name, "png");
        bt_image *im = img_new(copy, len, "image/png", (int)w, (int)h, nm);
        free(nm);
        return im;
    }
    /* Decode fully: a corrupt PNG is refused here, not in the PDF writer; the result is
     * re-encoded as plain 8-bit RGBA, which every back end reads. */
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&pi, d, len)) {
        *why = "corrupt PNG";
        return NULL;
    }
    pi.format = PNG_FORMAT_RGBA;
    size_t stride = (size_t)PNG_IMAGE_ROW_STRIDE(pi);
    unsigned char *buf = bt_xmalloc(stride * pi.height);
    if (!png_image_finish_read(&pi, NULL, buf, 0, NULL)) {
        png_image_free(&pi);
        free(buf);
        *why = "corrupt PNG";
        return NULL;
    }
    bt_image *im = png_encode(buf, (int)pi.width, (int)pi.height, name, why);
    free(buf);
    return im;
}

/* ---- JPEG: check the markers up to the frame header ---- */

static bt_image *load_jpeg(const unsigned char *d, size_t len, const char *name, const char **why)
{
    size_t i = 2;
    while (i + 4 <= len) {
        if (d[i] != 0xFF) { *why = "corrupt JPEG"; return NULL; }
        unsigned char m = d[i + 1];
        if (m == 0xFF) { i++; continue; }
        if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) { i += 2; continue; }
        if (m == 0xD9 || m == 0xDA) break; /* no frame header before the scan */
        size_t seg = (size_t)d[i + 2] << 8 | d[i + 3];
        if (seg < 2 || i + 2 + seg > len) break;
        if ((m >= 0xC0 && m <= 0xCF) && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (seg < 8) break;
            int h = d[i + 5] << 8 | d[i + 6], w = d[i + 7] << 8 | d[i + 8], nc = d[i + 9];
            if (m != 0xC0 && m != 0xC1 && m != 0xC2) { *why = "unsupported JPEG coding"; return NULL; }
            /* PDF's DCTDecode and EPUB readers take 8 bits a sample (12-bit JPEG is rare) */
            if (d[i + 4] != 8) { *why = "unsupported JPEG sample precision"; return NULL; }
            if (nc != 1 && nc != 3 && nc != 4) { *why = "unsupported JPEG colours"; return NULL; }
            if (!pixels_ok(w, h)) { *why = "image too large or has no size"; return NULL; }
            /* the bytes pass through undecoded: the file must at least be whole */
            int dw, dh;
            if (!bt_image_dimensions(d, len, &dw, &dh)) { *why = "truncated JPEG: no end-of-image marker"; return NULL; }
            unsigned char *copy = bt_xmalloc(len);
            memcpy(copy, d, len);
            char *nm = safe_name(name, "jpg");
            bt_image *im = img_new(copy, len, "image/jpeg", w, h, nm);
            free(nm);
            return im;
        }
        i += 2 + seg;
    }
    *why = "corrupt JPEG (no frame header)";
    return NULL;
}

/* ---- WebP ---- */

static bt_image *load_webp(const unsigned char *d, size_t len, const char *name, const char **why)
{
    int w = 0, h = 0;
    if (!WebPGetInfo(d, len, &w, &h)) { *why = "corrupt WebP"; return NULL; }
    if (!pixels_ok(w, h)) { *why = "image too large or has no size"; return NULL; }
    uint8_t *rgba = WebPDecodeRGBA(d, len, &w, &h);
    if (!rgba) { *why = "corrupt WebP"; return NULL; }
    bt_image *im = png_encode(rgba, w, h, name, why);
    WebPFree(rgba);
    return im;
}

/* ---- GIF (first frame) ---- */

typedef struct {
    const unsigned char *d;
    size_t len, pos;
} memsrc;

static int gif_read(GifFileType *g, GifByteType *buf, int n)
{
    memsrc *m = g->UserData;
    if (n < 0) return 0;
    size_t k = (size_t)n;
    if (k > m->len - m->pos) k = m->len - m->pos;
    memcpy(buf, m->d + m->pos, k);
    m->pos += k;
    return (int)k;
}

static bt_image *load_gif(const unsigned char *d, size_t len, const char *name, const char **why)
{
    memsrc m = {d, len, 0};
    int err = 0;
    GifFileType *g = DGifOpen(&m, gif_read, &err);
    if (!g) { *why = "corrupt GIF"; return NULL; }
    bt_image *im = NULL;
    int w = g->SWidth, h = g->SHeight;
    if (!pixels_ok(w, h)) {
        *why = "image too large or has no size";
        DGifCloseFile(g, &err);
        return NULL;
    }
    /* Read records up to the first image only (an animation can be huge). */
    int trans = -1, done = 0;
    unsigned char *rgba = NULL;
    GifRecordType rt;
    while (!done && DGifGetRecordType(g, &rt) == GIF_OK) {
        if (rt == EXTENSION_RECORD_TYPE) {
            int code;
            GifByteType *ext;
            if (DGifGetExtension(g, &code, &ext) != GIF_OK) break;
            while (ext) {
                if (code == GRAPHICS_EXT_FUNC_CODE && ext[0] >= 4 && (ext[1] & 1)) trans = ext[4];
                if (DGifGetExtensionNext(g, &ext) != GIF_OK) { ext = NULL; done = 2; }
            }
        } else if (rt == IMAGE_DESC_RECORD_TYPE) {
            if (DGifGetImageDesc(g) != GIF_OK) break;
            GifImageDesc *id = &g->Image;
            ColorMapObject *cm = id->ColorMap ? id->ColorMap : g->SColorMap;
            if (!cm || id->Width <= 0 || id->Height <= 0 || id->Left < 0 || id->Top < 0 ||
                (int64_t)id->Left + id->Width > w || (int64_t)id->Top + id->Height > h)
                break;
            unsigned char *line = bt_xmalloc((size_t)id->Width);
            rgba = bt_xcalloc((size_t)w * (size_t)h, 4);
            int ok = 1;
            static const int off[] = {0, 4, 2, 1}, step[] = {8, 8, 4, 2};
            int passes = id->Interlace ? 4 : 1;
            for (int p = 0; p < passes && ok; p++) {
                int y0 = id->Interlace ? off[p] : 0, dy = id->Interlace ? step[p] : 1;
                for (int y = y0; y < id->Height && ok; y += dy) {
                    if (DGifGetLine(g, line, id->Width) != GIF_OK) { ok = 0; break; }
                    unsigned char *row = rgba + ((size_t)(id->Top + y) * (size_t)w + (size_t)id->Left) * 4;
                    for (int x = 0; x < id->Width; x++) {
                        int ci = line[x];
                        if (ci == trans || ci >= cm->ColorCount) continue;
                        row[x * 4] = cm->Colors[ci].Red;
                        row[x * 4 + 1] = cm->Colors[ci].Green;
                        row[x * 4 + 2] = cm->Colors[ci].Blue;
                        row[x * 4 + 3] = 255;
                    }
                }
            }
            free(line);
            if (ok) done = 1;
            else { free(rgba); rgba = NULL; }
            break;
        } else if (rt == TERMINATE_RECORD_TYPE) {
            break;
        }
    }
    DGifCloseFile(g, &err);
    if (!rgba || done != 1) {
        free(rgba);
        *why = "corrupt GIF";
        return NULL;
    }
    im = png_encode(rgba, w, h, name, why);
    free(rgba);
    return im;
}

bt_image *bt_image_from_bytes(const unsigned char *d, size_t len, const char *name,
                              const char **why)
{
    *why = "not an image";
    if (len > BT_MAX_IMAGE_BYTES) { *why = "image file too large"; return NULL; }
    if (bt_image_is_png(d, len)) return load_png(d, len, name, why);
    if (bt_image_is_jpeg(d, len)) return load_jpeg(d, len, name, why);
    if (is_webp(d, len)) return load_webp(d, len, name, why);
    if (is_gif(d, len)) return load_gif(d, len, name, why);
    if (len >= 5 && (memcmp(d, "<svg", 4) == 0 || memcmp(d, "<?xml", 5) == 0)) {
        *why = "SVG images are not supported";
        return NULL;
    }
    if (len >= 2 && memcmp(d, "BM", 2) == 0) { *why = "BMP images are not supported"; return NULL; }
    return NULL;
}

/* ---- the article's budget of decoded pixels ---- */

/* Pixels the check of these bytes decodes: a JPEG passes through undecoded (0). */
static int64_t decoded_pixels(const unsigned char *d, size_t len)
{
    if (len >= 24 && bt_image_is_png(d, len))
        return (int64_t)be32(d + 16) * (int64_t)be32(d + 20);
    if (len >= 10 && is_gif(d, len)) return (int64_t)(d[6] | d[7] << 8) * (int64_t)(d[8] | d[9] << 8);
    int w = 0, h = 0;
    if (is_webp(d, len) && WebPGetInfo(d, len, &w, &h)) return (int64_t)w * h;
    return 0;
}

int bt_image_charge(bt_article *a, const unsigned char *d, size_t len, const char *shown)
{
    int64_t px = decoded_pixels(d, len);
    if (px <= 0 || px > BT_MAX_IMAGE_PIXELS) return 1; /* (refused by the loader itself) */
    if (a->image_pixels + px > BT_MAX_ARTICLE_PIXELS) {
        if (a->image_pixels <= BT_MAX_ARTICLE_PIXELS) /* warned once an article */
            bt_article_warn(a, "image skipped: %.200s (the article's images pass %d megapixels in all; "
                               "the next ones over it are skipped too)", shown,
                            (int)(BT_MAX_ARTICLE_PIXELS / 1000000));
        a->image_pixels = BT_MAX_ARTICLE_PIXELS + 1;
        return 0;
    }
    a->image_pixels += px;
    return 1;
}

/* ---- sources ---- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static char *pct_decode(const char *s, size_t n)
{
    char *o = bt_xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
            hexval((unsigned char)s[i + 2]) >= 0) {
            o[k++] = (char)(hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
            i += 2;
        } else {
            o[k++] = s[i];
        }
    }
    o[k] = '\0';
    return o;
}

static unsigned char *b64_decode(const char *s, size_t n, size_t *outlen)
{
    unsigned char *o = bt_xmalloc(n / 4 * 3 + 4);
    size_t k = 0;
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i], x;
        if (c >= 'A' && c <= 'Z') x = c - 'A';
        else if (c >= 'a' && c <= 'z') x = c - 'a' + 26;
        else if (c >= '0' && c <= '9') x = c - '0' + 52;
        else if (c == '+' || c == '-') x = 62;
        else if (c == '/' || c == '_') x = 63;
        else if (c == '=') break;
        else if (isspace(c)) continue;
        else { free(o); return NULL; }
        v = (v << 6) | (unsigned)x;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[k++] = (unsigned char)(v >> bits);
            v &= (1u << bits) - 1;
        }
    }
    *outlen = k;
    return o;
}

static bt_image *load_data_uri(const char *src, bt_article *a, int seq)
{
    const char *comma = strchr(src, ',');
    if (!comma) {
        bt_article_warn(a, "image skipped: malformed data: URI");
        return NULL;
    }
    size_t hl = (size_t)(comma - src);
    int b64 = hl >= 7 && strncasecmp(comma - 7, ";base64", 7) == 0;
    const char *payload = comma + 1;
    size_t plen = strlen(payload);
    if (plen > BT_MAX_IMAGE_BYTES * 4 / 3 + 16) {
        bt_article_warn(a, "image skipped: data: URI larger than the limit");
        return NULL;
    }
    unsigned char *data;
    size_t len;
    if (b64) {
        data = b64_decode(payload, plen, &len);
    } else {
        data = (unsigned char *)pct_decode(payload, plen);
        len = strlen((char *)data);
    }
    if (!data) {
        bt_article_warn(a, "image skipped: bad base64 in data: URI");
        return NULL;
    }
    char hint[32];
    snprintf(hint, sizeof hint, "inline-%d", seq);
    const char *why = NULL;
    bt_image *im = bt_image_charge(a, data, len, "data: URI") ? bt_image_from_bytes(data, len, hint, &why) : NULL;
    free(data);
    if (!im && why) bt_article_warn(a, "image skipped (data: URI): %s", why);
    return im;
}

static int has_scheme(const char *s)
{
    const char *p = s;
    if (!isalpha((unsigned char)*p)) return 0;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.') p++;
    return *p == ':' && p - s >= 2; /* "C:" drive letters count as absolute below */
}

bt_image *bt_image_load(const char *src, const char *base_dir, bt_article *a)
{
    while (src && isspace((unsigned char)*src)) src++;
    if (!src || !*src) return NULL;
    if (strncasecmp(src, "data:", 5) == 0) return load_data_uri(src, a, (int)a->nblocks + 1);
    char shown[120];
    snprintf(shown, sizeof shown, "%s", src);
    if (strlen(src) >= sizeof shown) memcpy(shown + sizeof shown - 4, "...", 4);
    if (strncasecmp(src, "file:", 5) == 0) {
        bt_article_warn(a, "image refused: %s (file: URLs are not followed)", shown);
        return NULL;
    }
    if (has_scheme(src) && strncasecmp(src, "http:", 5) != 0 && strncasecmp(src, "https:", 6) != 0 &&
        strncasecmp(src, "ftp:", 4) != 0) { /* javascript:, vbscript:, about: ...: no image at all */
        bt_article_warn(a, "image refused: %s (not an image address)", shown);
        return NULL;
    }
    if (strncmp(src, "//", 2) == 0 || has_scheme(src)) {
        bt_article_warn(a, "image not fetched: %s (remote; bantin works offline)", shown);
        return NULL;
    }
    if (!base_dir) return NULL;
    size_t n = strcspn(src, "?#");
    char *path = pct_decode(src, n);
    int bad = path[0] == '/' || path[0] == '\\' || strchr(path, '\\') ||
              (isalpha((unsigned char)path[0]) && path[1] == ':') || strstr(src, "%00") != NULL;
    /* Normalise the segments; refuse any that climb above the page's folder. */
    int depth = 0;
    for (char *p = path; !bad && *p;) {
        char *s = p;
        while (*p && *p != '/') p++;
        size_t l = (size_t)(p - s);
        if (l == 2 && s[0] == '.' && s[1] == '.') {
            if (--depth < 0) bad = 1;
        } else if (l > 0 && !(l == 1 && s[0] == '.')) {
            depth++;
        }
        if (*p == '/') p++;
    }
    if (bad) {
        bt_article_warn(a, "image refused: %s (outside the page's folder)", shown);
        free(path);
        return NULL;
    }
    char *full = bt_path_join(base_dir, path);
    /* Symbolic links must not lead out of the folder either. */
    char *rb = realpath(base_dir, NULL), *rf = realpath(full, NULL);
    if (!rf) {
        bt_article_warn(a, "image skipped: %s (file not found)", shown);
        free(rb); free(full); free(path);
        return NULL;
    }
    size_t bl = rb ? strlen(rb) : 0;
    if (!rb || strncmp(rf, rb, bl) != 0 || (rf[bl] != '/' && rf[bl] != '\0')) {
        bt_article_warn(a, "image refused: %s (outside the page's folder)", shown);
        free(rb); free(rf); free(full); free(path);
        return NULL;
    }
    char *data = NULL;
    size_t len = 0;
    bt_err e;
    bt_image *im = NULL;
    if (bt_read_file(rf, BT_MAX_IMAGE_BYTES, &data, &len, &e) != BT_OK) {
        bt_article_warn(a, "image skipped: %s (%s)", shown, e.msg);
    } else if (bt_image_charge(a, (const unsigned char *)data, len, shown)) {
        const char *why = NULL;
        im = bt_image_from_bytes((const unsigned char *)data, len, path, &why);
        if (!im) bt_article_warn(a, "image skipped: %s (%s)", shown, why);
    }
    free(data);
    free(rb); free(rf); free(full); free(path);
    return im;
}

/* ---- downsampling and colour conversion (the PDF writer's --image-dpi and --pdfa) ---- */

/* Decoded pixels: n bytes per pixel (1 grey, 3 RGB, 4 RGBA or CMYK), rows top to bottom. */
typedef struct {
    unsigned char *px;
    int w, h, n;
} raster;

/* libjpeg reports a fatal error by calling error_exit, which must not return: the one way back
 * to the caller is a longjmp to the setjmp in the function that started the decode or encode. */
typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf back;
} jerr;

static void jerr_exit(j_common_ptr c)
{
    jerr *e = (jerr *)c->err;
    longjmp(e->back, 1);
}

static void jerr_quiet(j_common_ptr c) { (void)c; } /* warnings: not printed from deep inside */

/* Decode a JPEG at a size of at least minw x minh (libjpeg scales by 1/2, 1/4 or 1/8 while it
 * decodes, far cheaper than decoding in full). CMYK comes back in the Adobe (inverted) convention
 * whatever the file used, since the PDF writer marks every CMYK image that way (/Decode
 * [1 0 1 0 1 0 1 0]); *adobe says which the file used. 1 on success. */
static int jpeg_decode(const unsigned char *d, size_t len, int minw, int minh, raster *r, int *adobe)
{
    struct jpeg_decompress_struct ci;
    jerr je;
    memset(r, 0, sizeof *r);
    ci.err = jpeg_std_error(&je.pub);
    je.pub.error_exit = jerr_exit;
    je.pub.output_message = jerr_quiet;
    unsigned char *volatile px = NULL;
    if (setjmp(je.back)) {
        free(px);
        jpeg_destroy_decompress(&ci);
        return 0;
    }
    jpeg_create_decompress(&ci);
    jpeg_mem_src(&ci, d, (unsigned long)len);
    if (jpeg_read_header(&ci, TRUE) != JPEG_HEADER_OK) longjmp(je.back, 1);
    int cmyk = ci.jpeg_color_space == JCS_CMYK || ci.jpeg_color_space == JCS_YCCK;
    ci.out_color_space = cmyk ? JCS_CMYK : ci.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    ci.scale_num = 1;
    ci.scale_denom = 1;
    for (unsigned den = 8; den > 1; den /= 2)
        if (((int)ci.image_width + (int)den - 1) / (int)den >= minw &&
            ((int)ci.image_height + (int)den - 1) / (int)den >= minh) {
            ci.scale_denom = den;
            break;
        }
    jpeg_start_decompress(&ci);
    int w = (int)ci.output_width, h = (int)ci.output_height, n = ci.output_components;
    px = bt_xmalloc((size_t)w * (size_t)h * (size_t)n);
    while (ci.output_scanline < ci.output_height) {
        JSAMPROW row = px + (size_t)ci.output_scanline * (size_t)w * (size_t)n;
        jpeg_read_scanlines(&ci, &row, 1);
    }
    *adobe = ci.saw_Adobe_marker;
    jpeg_finish_decompress(&ci);
    jpeg_destroy_decompress(&ci);
    if (cmyk && !*adobe)
        for (size_t i = 0, k = (size_t)w * (size_t)h * 4; i < k; i++) px[i] = (unsigned char)(255 - px[i]);
    r->px = px;
    r->w = w;
    r->h = h;
    r->n = n;
    return 1;
}

/* Encode r as a baseline JPEG into *buf (malloc'd by libjpeg; the caller frees it even when
 * this fails); CMYK is written with an Adobe marker (libjpeg's own), the convention
 * jpeg_decode hands back. 1 on success. */
static int jpeg_encode(const raster *r, int quality, unsigned char **buf, unsigned long *blen)
{
    struct jpeg_compress_struct ci;
    jerr je;
    ci.err = jpeg_std_error(&je.pub);
    je.pub.error_exit = jerr_exit;
    je.pub.output_message = jerr_quiet;
    if (setjmp(je.back)) {
        jpeg_destroy_compress(&ci);
        return 0;
    }
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, buf, blen);
    ci.image_width = (JDIMENSION)r->w;
    ci.image_height = (JDIMENSION)r->h;
    ci.input_components = r->n;
    ci.in_color_space = r->n == 1 ? JCS_GRAYSCALE : r->n == 4 ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, quality, TRUE);
    ci.optimize_coding = TRUE; /* smaller Huffman tables, same pixels */
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < ci.image_height) {
        JSAMPROW row = r->px + (size_t)ci.next_scanline * (size_t)r->w * (size_t)r->n;
        jpeg_write_scanlines(&ci, &row, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    return 1;
}

/* Area-average src down to w x h (each output pixel the mean of the source pixels it covers,
 * partial ones weighted): the filter that keeps fine detail from turning into moire. */
static void area_scale(const raster *s, raster *o, int w, int h)
{
    int n = s->n;
    o->w = w;
    o->h = h;
    o->n = n;
    o->px = bt_xmalloc((size_t)w * (size_t)h * (size_t)n);
    double fx = (double)s->w / w, fy = (double)s->h / h;
    double *acc = bt_xcalloc((size_t)w * (size_t)n, sizeof *acc);
    /* horizontal weights of each output column, computed once */
    for (int oy = 0; oy < h; oy++) {
        double y0 = oy * fy, y1 = (oy + 1) * fy;
        memset(acc, 0, (size_t)w * (size_t)n * sizeof *acc);
        for (int sy = (int)y0; sy < s->h && sy < y1; sy++) {
            double wy = (sy + 1 < y1 ? sy + 1 : y1) - (sy > y0 ? sy : y0);
            if (wy <= 0) continue;
            const unsigned char *row = s->px + (size_t)sy * (size_t)s->w * (size_t)n;
            for (int ox = 0; ox < w; ox++) {
                double x0 = ox * fx, x1 = (ox + 1) * fx;
                double *a = acc + (size_t)ox * (size_t)n;
                for (int sx = (int)x0; sx < s->w && sx < x1; sx++) {
                    double wx = ((sx + 1 < x1 ? sx + 1 : x1) - (sx > x0 ? sx : x0)) * wy;
                    const unsigned char *p = row + (size_t)sx * (size_t)n;
                    for (int c = 0; c < n; c++) a[c] += wx * p[c];
                }
            }
        }
        double norm = 1.0 / (fx * fy);
        unsigned char *orow = o->px + (size_t)oy * (size_t)w * (size_t)n;
        for (size_t k = 0; k < (size_t)w * (size_t)n; k++) {
            double v = acc[k] * norm + 0.5;
            orow[k] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
    free(acc);
}

/* The largest size within maxw x maxh with im's aspect (at least 1 x 1). */
static void fit(int w, int h, int maxw, int maxh, int *ow, int *oh)
{
    double k = (double)maxw / w;
    if ((double)maxh / h < k) k = (double)maxh / h;
    *ow = (int)(w * k + 0.5);
    *oh = (int)(h * k + 0.5);
    if (*ow < 1) *ow = 1;
    if (*oh < 1) *oh = 1;
}

static int is_jpeg(const bt_image *im)
{
    return bt_image_is_jpeg(im->data, im->len);
}

static bt_image *jpeg_from_raster(const raster *r, int quality, const bt_image *like, const char **why)
{
    unsigned char *buf = NULL;
    unsigned long blen = 0;
    if (!jpeg_encode(r, quality, &buf, &blen)) {
        free(buf);
        *why = "JPEG encoding failed";
        return NULL;
    }
    return img_new(buf, (size_t)blen, "image/jpeg", r->w, r->h, like->name);
}

bt_image *bt_image_downsample(const bt_image *im, int maxw, int maxh, const char **why)
{
    *why = NULL;
    if (!im || im->width <= 0 || im->height <= 0 || maxw < 1 || maxh < 1) return NULL;
    if (im->width <= maxw && im->height <= maxh) return NULL;
    int w, h;
    fit(im->width, im->height, maxw, maxh, &w, &h);
    if (w >= im->width && h >= im->height) return NULL;
    raster src, dst;
    if (is_jpeg(im)) {
        int adobe = 0;
        if (!jpeg_decode(im->data, im->len, w, h, &src, &adobe)) {
            *why = "corrupt JPEG";
            return NULL;
        }
        area_scale(&src, &dst, w, h);
        free(src.px);
        bt_image *o = jpeg_from_raster(&dst, BT_IMAGE_JPEG_QUALITY, im, why);
        free(dst.px);
        return o;
    }
    /* PNG: decoded as 8-bit grey, RGB or RGBA, whichever holds it without loss of colour or
     * transparency (16-bit samples become 8-bit, as libharu draws them anyway) */
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&pi, im->data, im->len)) {
        *why = "corrupt PNG";
        return NULL;
    }
    int alpha = (pi.format & PNG_FORMAT_FLAG_ALPHA) != 0, colour = (pi.format & PNG_FORMAT_FLAG_COLOR) != 0;
    pi.format = alpha ? PNG_FORMAT_RGBA : colour ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    src.w = (int)pi.width;
    src.h = (int)pi.height;
    src.n = alpha ? 4 : colour ? 3 : 1;
    src.px = bt_xmalloc((size_t)PNG_IMAGE_SIZE(pi));
    if (!png_image_finish_read(&pi, NULL, src.px, 0, NULL)) {
        png_image_free(&pi);
        free(src.px);
        *why = "corrupt PNG";
        return NULL;
    }
    area_scale(&src, &dst, w, h);
    free(src.px);
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = (png_uint_32)w;
    pi.height = (png_uint_32)h;
    pi.format = dst.n == 4 ? PNG_FORMAT_RGBA : dst.n == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    png_alloc_size_t size = 0;
    unsigned char *out = NULL;
    if (png_image_write_get_memory_size(pi, size, 0, dst.px, 0, NULL)) {
        out = bt_xmalloc(size ? size : 1);
        if (!png_image_write_to_memory(&pi, out, &size, 0, dst.px, 0, NULL)) {
            free(out);
            out = NULL;
        }
    }
    free(dst.px);
    if (!out) {
        *why = "PNG encoding failed";
        return NULL;
    }
    return img_new(out, size, "image/png", w, h, im->name);
}

int bt_image_jpeg_cmyk(const bt_image *im, int *adobe)
{
    *adobe = 0;
    if (!im || !is_jpeg(im)) return 0;
    const unsigned char *d = im->data;
    size_t len = im->len, i = 2;
    while (i + 4 <= len) {
        if (d[i] != 0xFF) return 0;
        unsigned char m = d[i + 1];
        if (m == 0xFF) { i++; continue; }
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; }
        if (m == 0xD9 || m == 0xDA) return 0;
        size_t seg = (size_t)d[i + 2] << 8 | d[i + 3];
        if (seg < 2 || i + 2 + seg > len) return 0;
        if (m == 0xEE && seg >= 7 && memcmp(d + i + 4, "Adobe", 5) == 0) *adobe = 1;
        if ((m >= 0xC0 && m <= 0xCF) && m != 0xC4 && m != 0xC8 && m != 0xCC)
            return seg >= 8 && d[i + 9] == 4; /* (an APP14 marker comes before the frame) */
        i += 2 + seg;
    }
    return 0;
}

bt_image *bt_image_cmyk_to_rgb(const bt_image *im, int maxw, int maxh, const char **why)
{
    *why = NULL;
    int adobe;
    if (!bt_image_jpeg_cmyk(im, &adobe)) {
        *why = "not a CMYK JPEG";
        return NULL;
    }
    int w = im->width, h = im->height;
    if (maxw > 0 && maxh > 0 && (w > maxw || h > maxh)) fit(im->width, im->height, maxw, maxh, &w, &h);
    raster src, rgb, dst;
    if (!jpeg_decode(im->data, im->len, w, h, &src, &adobe) || src.n != 4) {
        free(src.px);
        *why = "corrupt JPEG";
        return NULL;
    }
    /* jpeg_decode gives every CMYK in the inverted convention: each value is 255 - ink, so the
     * light left by an ink and the black is their product (no colour profile is known: this is
     * the plain device conversion, not a colour-managed one). */
    rgb.w = src.w;
    rgb.h = src.h;
    rgb.n = 3;
    rgb.px = bt_xmalloc((size_t)src.w * (size_t)src.h * 3);
    for (size_t i = 0, np = (size_t)src.w * (size_t)src.h; i < np; i++) {
        const unsigned char *p = src.px + i * 4;
        unsigned k = p[3];
        for (int c = 0; c < 3; c++) rgb.px[i * 3 + (size_t)c] = (unsigned char)((p[c] * k + 127) / 255);
    }
    free(src.px);
    bt_image *o;
    if (rgb.w != w || rgb.h != h) {
        area_scale(&rgb, &dst, w, h);
        free(rgb.px);
        o = jpeg_from_raster(&dst, BT_IMAGE_JPEG_QUALITY, im, why);
        free(dst.px);
    } else {
        o = jpeg_from_raster(&rgb, BT_IMAGE_CONVERT_QUALITY, im, why);
        free(rgb.px);
    }
    return o;
}

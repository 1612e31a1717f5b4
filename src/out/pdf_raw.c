/* pdf_raw.c - the PDF objects bantin writes itself through libharu (see pdf_int.h).
 *
 * libharu 2.3.0 has no API for CID fonts keyed by glyph, TJ arrays, or most of what a tagged
 * archival PDF holds, so those objects are libharu dictionaries whose entries we write
 * ourselves (a write callback) and streams whose bytes we compress ourselves (libdeflate). */
#include "pdf_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_streams.h>
#include <libdeflate.h>

#include "pdf_content.h"

/* Level for the streams we compress (fonts, content, CMaps), with libdeflate. Measured on the
 * seed (instructions spent deflating; bytes) and the 43 test articles, one PDF each:
 *   zlib level 3 (until now): 5.05 M, 21,409 B; 814 KB
 *   libdeflate 1: 2.17 M, 21,352 B; 810 KB   libdeflate 3: 3.27 M, 21,020 B; 797 KB
 * libdeflate's fastest level makes smaller files than zlib's level 3 did, in two fifths of its
 * time; its whole-buffer API also needs no stream state reset between streams. */
#define DEFLATE_LEVEL 1

bt_status pd_fail(doc *d, bt_err *e, const char *what)
{
    bt_err_set(e, BT_EPDF, "libharu error 0x%04X (detail %u) while %s", (unsigned)d->h.code,
               (unsigned)d->h.detail, what);
    d->h.code = 0;
    if (d->pdf) HPDF_ResetError(d->pdf);
    return BT_EPDF;
}

/* ---------------------------------------------------------------- raw objects
 * A libharu dictionary whose entries are text we wrote (attr), emitted by its write callback
 * between "<<" and ">>". Object numbers of other objects are known as soon as they exist, so
 * the text can refer to them ("12 0 R"). */

typedef struct {
    char *text;
    size_t len;
} rawbody;

static HPDF_STATUS raw_write(HPDF_Dict obj, HPDF_Stream s)
{
    rawbody *r = obj->attr;
    if (!r || !r->len) return HPDF_OK;
    return HPDF_Stream_Write(s, (const HPDF_BYTE *)r->text, (HPDF_UINT)r->len);
}

static void raw_free(HPDF_Dict obj)
{
    rawbody *r = obj->attr;
    if (r) {
        free(r->text);
        free(r);
    }
    obj->attr = NULL;
}

/* Give obj the entries in b (b is emptied). */
void pd_raw_set(HPDF_Dict obj, bt_buf *b)
{
    rawbody *r = obj->attr;
    if (!r) r = obj->attr = bt_xcalloc(1, sizeof *r);
    free(r->text);
    r->text = bt_buf_detach(b, &r->len);
    /* no growth slack: thousands of these wait for the save */
    r->text = bt_xrealloc(r->text, r->len + 1);
    obj->write_fn = raw_write;
    obj->free_fn = raw_free;
}

/* A new indirect dictionary with the given entries (NULL: set later with raw_set). */
HPDF_Dict pd_raw_dict(doc *d, const char *entries)
{
    HPDF_Dict obj = HPDF_Dict_New(d->pdf->mmgr);
    if (!obj) return NULL;
    if (HPDF_Xref_Add(d->pdf->xref, obj) != HPDF_OK) return NULL;
    obj->write_fn = raw_write;
    obj->free_fn = raw_free;
    if (entries) {
        bt_buf b = {0};
        bt_buf_adds(&b, entries);
        pd_raw_set(obj, &b);
    }
    return obj;
}

/* Stream bytes held by us (no copy into libharu's buffers). */
typedef struct {
    unsigned char *data;
    size_t len, pos;
} bstream;

static HPDF_STATUS bs_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *siz)
{
    bstream *b = s->attr;
    size_t k = b->len - b->pos < *siz ? b->len - b->pos : *siz;
    memcpy(ptr, b->data + b->pos, k);
    b->pos += k;
    *siz = (HPDF_UINT)k;
    return b->pos >= b->len ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS bs_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode)
{
    bstream *b = s->attr;
    long p = mode == HPDF_SEEK_CUR ? (long)b->pos + pos : mode == HPDF_SEEK_END ? (long)b->len - pos : pos;
    if (p < 0 || (size_t)p > b->len) return HPDF_STREAM_EOF;
    b->pos = (size_t)p;
    return HPDF_OK;
}

static HPDF_INT32 bs_tell(HPDF_Stream s) { return (HPDF_INT32)((bstream *)s->attr)->pos; }
static HPDF_UINT32 bs_size(HPDF_Stream s) { return (HPDF_UINT32)((bstream *)s->attr)->len; }

static void bs_free(HPDF_Stream s)
{
    bstream *b = s->attr;
    if (b) {
        free(b->data);
        free(b);
    }
    s->attr = NULL;
}

/* Put data (taken) as the bytes of stream dictionary obj. */
int pd_stream_take(doc *d, HPDF_Dict obj, unsigned char *data, size_t len)
{
    bstream *b = bt_xcalloc(1, sizeof *b);
    b->data = data;
    b->len = len;
    HPDF_Stream s = HPDF_CallbackReader_New(d->pdf->mmgr, bs_read, bs_seek, bs_tell, bs_size, b);
    if (!s) {
        free(data);
        free(b);
        return 0;
    }
    s->free_fn = bs_free;
    if (obj->stream) HPDF_Stream_Free(obj->stream);
    obj->stream = s;
    obj->filter = HPDF_STREAM_FILTER_NONE;
    return 1;
}

/* in[0..len) deflated (zlib format), heap memory; NULL on failure. One compressor serves every
 * stream of the document. */
unsigned char *pd_deflate(doc *d, const void *in, size_t len, size_t *outlen)
{
    if (!d->z && !(d->z = libdeflate_alloc_compressor(DEFLATE_LEVEL))) return NULL;
    size_t cap = libdeflate_zlib_compress_bound(d->z, len);
    unsigned char *out = bt_xmalloc(cap ? cap : 1);
    size_t n = libdeflate_zlib_compress(d->z, in, len, out, cap);
    if (!n) {
        free(out);
        return NULL;
    }
    *outlen = n;
    /* the bound is the input's size and more: a page's stream waits for the save, so keep
     * only what it holds (a 2,600-article document: 18 MB less at its peak) */
    return bt_xrealloc(out, n);
}

/* A new stream object of bytes (taken): entries (without Length and Filter), and the Filter
 * when the bytes are deflated. */
HPDF_Dict pd_stream_of(doc *d, const char *entries, unsigned char *bytes, size_t blen, int deflated)
{
    HPDF_Dict obj = HPDF_DictStream_New(d->pdf->mmgr, d->pdf->xref);
    if (!obj) {
        free(bytes);
        return NULL;
    }
    if (!pd_stream_take(d, obj, bytes, blen)) return NULL;
    bt_buf b = {0};
    if (deflated) bt_buf_adds(&b, "/Filter /FlateDecode\n");
    bt_buf_adds(&b, entries);
    pd_raw_set(obj, &b);
    return obj;
}

/* A new stream object: entries (without Length and Filter) and the data (copied), compressed
 * when deflate is set. */
HPDF_Dict pd_raw_stream(doc *d, const char *entries, const void *data, size_t len, int deflate)
{
    unsigned char *bytes;
    size_t blen = len;
    if (deflate) {
        bytes = pd_deflate(d, data, len, &blen);
        if (!bytes) return NULL;
    } else {
        bytes = bt_xmalloc(len ? len : 1);
        memcpy(bytes, data, len);
    }
    return pd_stream_of(d, entries, bytes, blen, deflate);
}

/* ---------------------------------------------------------------- strings */

/* A text string as UTF-16BE with a byte order mark, as a libharu binary (hex) string; one longer
 * than BT_PDF_STRING_MAX (a 100 KB title) is cut at a character and ends with an ellipsis. */
HPDF_Binary pd_text_string(doc *d, const char *s)
{
    size_t k;
    unsigned char *u = bt_pdf_utf16(s, BT_PDF_STRING_MAX, &k);
    HPDF_Binary bin = HPDF_Binary_New(d->pdf->mmgr, u, (HPDF_UINT)k);
    free(u);
    return bin;
}

/* out_pdf.c - articles to a PDF: layout, fonts and content (plain data from layout.h,
 * pdf_font.h, pdf_content.h) assembled into PDF objects with libharu, which keeps the objects,
 * numbers them and writes the file. The only file that includes hpdf.h.
 *
 * libharu 2.3.0 has no API for CID fonts keyed by glyph, TJ arrays, or most of what a tagged
 * archival PDF holds, so those objects are libharu dictionaries whose entries we write
 * ourselves (a write callback, "raw" objects below) and streams whose bytes we compress
 * ourselves. libharu still numbers every object, writes the cross-reference table and the
 * trailer, and builds pages, outlines and the information dictionary.
 *
 * A document is made in two passes: every article is laid out first (which glyphs each face
 * draws, how many pages), the fonts are subset once, then the pages are written. A document of
 * many articles lays each out again in the second pass instead of keeping every layout, so
 * memory stays flat whatever the number of articles. */
#include "out_pdf.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <hpdf.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <libdeflate.h>

#include "font.h"
#include "image.h"
#include "input.h"
#include "layout.h"
#include "template.h"
#include "pdf_content.h"
#include "pdf_font.h"
#include "pdf_struct.h"
#include "pdf_xmp.h"
#include "text.h"

/* Level for the streams we compress (fonts, content, CMaps), with libdeflate. Measured on the
 * seed (instructions spent deflating; bytes) and the 43 test articles, one PDF each:
 *   zlib level 3 (until now): 5.05 M, 21,409 B; 814 KB
 *   libdeflate 1: 2.17 M, 21,352 B; 810 KB   libdeflate 3: 3.27 M, 21,020 B; 797 KB
 * libdeflate's fastest level makes smaller files than zlib's level 3 did, in two fifths of its
 * time; its whole-buffer API also needs no stream state reset between streams. */
#define DEFLATE_LEVEL 1

typedef struct {
    HPDF_STATUS code, detail;
} herr;

static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *user)
{
    herr *h = user;
    if (!h->code) {
        h->code = code;
        h->detail = detail;
    }
}

int bt_pdf_paper_valid(const char *name)
{
    return bt_layout_paper(name, NULL);
}

/* ---------------------------------------------------------------- libharu's memory
 * Every block libharu takes is linked into a list owned by the document being built on this
 * thread; whatever is left after HPDF_Free is released, so no run leaks whatever libharu does
 * on an error path. (Its allocator hooks carry no user data: hence the thread-local list.) */
typedef struct hmem {
    struct hmem *prev, *next;
    max_align_t align[]; /* the caller's bytes */
} hmem;

static _Thread_local hmem *hmem_list;

static void *hmem_alloc(HPDF_UINT size)
{
    hmem *m = malloc(sizeof *m + size);
    if (!m) return NULL;
    m->prev = NULL;
    m->next = hmem_list;
    if (hmem_list) hmem_list->prev = m;
    hmem_list = m;
    return m->align;
}

static void hmem_free(void *p)
{
    if (!p) return;
    hmem *m = (hmem *)((char *)p - offsetof(hmem, align));
    if (m->prev) m->prev->next = m->next;
    else hmem_list = m->next;
    if (m->next) m->next->prev = m->prev;
    free(m);
}

static void hmem_release_all(void)
{
    while (hmem_list) {
        hmem *m = hmem_list;
        hmem_list = m->next;
        free(m);
    }
}

/* ---------------------------------------------------------------- the document */

typedef struct {
    const bt_image *img;
    HPDF_Image h; /* NULL: could not be loaded */
    int id;       /* resource name /Im<id> */
} imgcache;

typedef struct {
    bt_article **arts;
    size_t n;
    const bt_pdf_opts *o;
    bt_page_geom g;
    bt_fontset *fs;
    bt_pdffonts *pf;
    bt_layout *lay;    /* a one-article document's layout, kept from the first pass */
    size_t *npages;    /* per article */
    bt_layout *toc;    /* the contents pages (documents of several articles) */
    size_t ntoc;       /* their number */
    HPDF_Page *first;  /* the first page of each article (the contents' links go there) */
    struct toclink {
        HPDF_Page page; /* a contents page */
        size_t pg;      /* its index */
        size_t entry;   /* the article */
        HPDF_Rect r;
    } *links;
    size_t nlinks;
    int digits[BT_NFACES]; /* faces whose digits are in the subsets (page numbers) */
    HPDF_Doc pdf;
    herr h;
    HPDF_Dict fontres; /* the /Font resources shared by every page */
    imgcache *ic;
    size_t nic;
    bt_pdfstruct *ps;    /* the structure tree */
    char isodate[40];    /* the document's date in ISO 8601 (XMP) */
    unsigned char id[16]; /* the file identifier */
    unsigned *pageobj;   /* object number of each page written */
    size_t npg, total;   /* pages written, pages in all */
    int twolevel;        /* outline: categories over articles */
    struct {
        const char *name;
        HPDF_Outline ol;
    } *cats;
    size_t ncat;
    struct libdeflate_compressor *z; /* for deflate_bytes, made on first use */
} doc;

static bt_status hfail(doc *d, bt_err *e, const char *what)
{
    bt_err_set(e, BT_EPDF, "libharu error 0x%04X (detail %u) while %s", (unsigned)d->h.code,
               (unsigned)d->h.detail, what);
    d->h.code = 0;
    if (d->pdf) HPDF_ResetError(d->pdf);
    return BT_EPDF;
}

static const char *doc_lang(const bt_article *a);

static unsigned objnum(const void *obj)
{
    return (unsigned)(((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFFu);
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
static void raw_set(HPDF_Dict obj, bt_buf *b)
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
static HPDF_Dict raw_dict(doc *d, const char *entries)
{
    HPDF_Dict obj = HPDF_Dict_New(d->pdf->mmgr);
    if (!obj) return NULL;
    if (HPDF_Xref_Add(d->pdf->xref, obj) != HPDF_OK) return NULL;
    obj->write_fn = raw_write;
    obj->free_fn = raw_free;
    if (entries) {
        bt_buf b = {0};
        bt_buf_adds(&b, entries);
        raw_set(obj, &b);
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
static int stream_take(doc *d, HPDF_Dict obj, unsigned char *data, size_t len)
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
static unsigned char *deflate_bytes(doc *d, const void *in, size_t len, size_t *outlen)
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
static HPDF_Dict stream_of(doc *d, const char *entries, unsigned char *bytes, size_t blen, int deflated)
{
    HPDF_Dict obj = HPDF_DictStream_New(d->pdf->mmgr, d->pdf->xref);
    if (!obj) {
        free(bytes);
        return NULL;
    }
    if (!stream_take(d, obj, bytes, blen)) return NULL;
    bt_buf b = {0};
    if (deflated) bt_buf_adds(&b, "/Filter /FlateDecode\n");
    bt_buf_adds(&b, entries);
    raw_set(obj, &b);
    return obj;
}

/* A new stream object: entries (without Length and Filter) and the data (copied), compressed
 * when deflate is set. */
static HPDF_Dict raw_stream(doc *d, const char *entries, const void *data, size_t len, int deflate)
{
    unsigned char *bytes;
    size_t blen = len;
    if (deflate) {
        bytes = deflate_bytes(d, data, len, &blen);
        if (!bytes) return NULL;
    } else {
        bytes = bt_xmalloc(len ? len : 1);
        memcpy(bytes, data, len);
    }
    return stream_of(d, entries, bytes, blen, deflate);
}

/* ---------------------------------------------------------------- strings */

/* A text string's most bytes: libharu refuses a string over 65,535 bytes (the document then fails
 * as a whole) and PDF's implementation limit, which PDF/A keeps, is 32,767. */
#define PDF_STRING_MAX 32767

/* A text string as UTF-16BE with a byte order mark, as a libharu binary (hex) string; one longer
 * than PDF_STRING_MAX (a 100 KB title) is cut at a character and ends with an ellipsis. */
static HPDF_Binary text_string(doc *d, const char *s)
{
    size_t len = strlen(s), i = 0, k = 2;
    unsigned char *u = bt_xmalloc(4 * len + 4);
    u[0] = 0xFE;
    u[1] = 0xFF;
    while (i < len) {
        if (k + 4 > PDF_STRING_MAX - 2) { /* room for a surrogate pair and the ellipsis */
            u[k++] = 0x20;
            u[k++] = 0x26;
            break;
        }
        uint32_t cp;
        size_t n = bt_utf8_decode(s + i, len - i, &cp);
        if (!n) {
            n = 1;
            cp = 0xFFFD;
        }
        i += n;
        if (cp > 0xFFFF) {
            uint32_t v = cp - 0x10000;
            unsigned hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
            u[k++] = (unsigned char)(hi >> 8);
            u[k++] = (unsigned char)hi;
            u[k++] = (unsigned char)(lo >> 8);
            u[k++] = (unsigned char)lo;
        } else {
            u[k++] = (unsigned char)(cp >> 8);
            u[k++] = (unsigned char)cp;
        }
    }
    HPDF_Binary bin = HPDF_Binary_New(d->pdf->mmgr, u, (HPDF_UINT)k);
    free(u);
    return bin;
}

/* ---------------------------------------------------------------- fonts */

static bt_status write_fonts(doc *d, bt_err *e)
{
    bt_buf res = {0};
    struct {
        const char *text;
        HPDF_Dict obj;
    } cmaps[BT_NFACES];
    size_t ncmap = 0;
    for (int f = 0; f < BT_NFACES; f++) {
        if (bt_font_resolve(d->fs, (bt_face)f) != (bt_face)f) continue;
        const bt_pdffont_face *ff = bt_pdffonts_face(d->pf, (bt_face)f);
        if (!ff->used) continue;
        const bt_face_info *fi = &ff->info;
        bt_buf b = {0};
        bt_buf_printf(&b, "/Length1 %zu\n", ff->program_len);
        HPDF_Dict file = raw_stream(d, b.data, ff->program, ff->program_len, 1);
        bt_buf_reset(&b);
        HPDF_Dict tu = raw_stream(d, "", ff->tounicode, strlen(ff->tounicode), 1);
        HPDF_Dict map = ff->cidtogid ? raw_stream(d, "", ff->cidtogid, ff->cidtogid_len, 1) : NULL;
        if (!file || !tu || (ff->cidtogid && !map)) break;
        bt_buf_printf(&b, "/Type /FontDescriptor\n/FontName /%s\n/Flags %d\n/FontBBox [%d %d %d %d]\n/ItalicAngle ",
                      ff->basefont, 32 | (fi->italic ? 64 : 0), fi->bbox[0], fi->bbox[1], fi->bbox[2], fi->bbox[3]);
        bt_pdf_num(&b, fi->italic_angle, 2);
        bt_buf_printf(&b, "\n/Ascent %d\n/Descent %d\n/CapHeight %d\n/StemV %d\n/FontFile2 %u 0 R\n", fi->ascent,
                      fi->descent, fi->cap_height, fi->weight >= 600 ? 140 : 80, objnum(file));
        HPDF_Dict desc = raw_dict(d, b.data);
        bt_buf_reset(&b);
        if (!desc) break;
        bt_buf_printf(&b,
                      "/Type /Font\n/Subtype /CIDFontType2\n/BaseFont /%s\n"
                      "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>\n"
                      "/FontDescriptor %u 0 R\n/W %s\n",
                      ff->basefont, objnum(desc), ff->widths);
        if (map) bt_buf_printf(&b, "/CIDToGIDMap %u 0 R\n", objnum(map));
        else bt_buf_adds(&b, "/CIDToGIDMap /Identity\n");
        HPDF_Dict cid = raw_dict(d, b.data);
        bt_buf_reset(&b);
        if (!cid) break;
        HPDF_Dict enc = NULL;
        if (ff->encoding) {
            /* one object per distinct CMap (usually one for every face) */
            for (size_t k = 0; k < ncmap && !enc; k++)
                if (strcmp(cmaps[k].text, ff->encoding) == 0) enc = cmaps[k].obj;
            if (!enc) {
                enc = raw_stream(d,
                                 "/Type /CMap\n/CMapName /Bantin-Space-H\n"
                                 "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>\n"
                                 "/WMode 0\n",
                                 ff->encoding, strlen(ff->encoding), 1);
                if (!enc) break;
                cmaps[ncmap].text = ff->encoding;
                cmaps[ncmap++].obj = enc;
            }
        }
        bt_buf_printf(&b, "/Type /Font\n/Subtype /Type0\n/BaseFont /%s\n", ff->basefont);
        if (enc) bt_buf_printf(&b, "/Encoding %u 0 R\n", objnum(enc));
        else bt_buf_adds(&b, "/Encoding /Identity-H\n");
        bt_buf_printf(&b, "/DescendantFonts [%u 0 R]\n/ToUnicode %u 0 R\n", objnum(cid), objnum(tu));
        HPDF_Dict t0 = raw_dict(d, b.data);
        bt_buf_free(&b);
        if (!t0) break;
        bt_buf_printf(&res, "/F%d %u 0 R\n", f, objnum(t0));
    }
    d->fontres = raw_dict(d, NULL);
    if (d->fontres) raw_set(d->fontres, &res);
    bt_buf_free(&res);
    if (!d->fontres || d->h.code) return hfail(d, e, "writing the fonts");
    return BT_OK;
}

/* ---------------------------------------------------------------- images */

/* libharu writes a PNG's alpha channel as an uncompressed soft mask (a 1200x1600 photo: 1.9 MB
 * of mask). Every byte 255 (all opaque): no mask at all, its data dropped; otherwise the mask
 * is compressed like the colour data. */
static void fix_mask(doc *d, HPDF_Image im)
{
    HPDF_Dict mask = HPDF_Dict_GetItem(im, "SMask", HPDF_OCLASS_DICT);
    if (!mask) {
        HPDF_ResetError(d->pdf);
        d->h.code = 0;
        return;
    }
    int opaque = 1;
    HPDF_UINT nbuf = HPDF_MemStream_GetBufCount(mask->stream);
    for (HPDF_UINT i = 0; i < nbuf && opaque; i++) {
        HPDF_UINT len = 0;
        HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(mask->stream, i, &len);
        for (HPDF_UINT k = 0; p && k < len && opaque; k++) opaque = p[k] == 0xFF;
    }
    if (opaque) {
        HPDF_Dict_RemoveElement(im, "SMask");
        HPDF_MemStream_FreeData(mask->stream); /* the object stays numbered, empty */
    } else {
        mask->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    }
}

/* The pixels to embed for img drawn in a box of w x h points, or NULL to embed img itself.
 * --image-dpi: a copy no finer than that many pixels per inch at the printed size.
 * --pdfa: a CMYK JPEG becomes RGB. PDF/A-2 allows DeviceCMYK only under a CMYK output intent or
 * a DefaultCMYK profile (6.2.4.3); ours is sRGB, and bantin ships no CMYK profile whose numbers
 * it could stand behind, so the image is converted (plain device formula, said in a warning)
 * rather than labelled with a profile it was never made for. A downsampled copy that cannot
 * be made keeps the original; a CMYK one that cannot be converted is left out (warned). */
static bt_image *image_prepare(doc *d, const bt_image *img, double w, double h, bt_article *a)
{
    int dpi = d->o->image_dpi, maxw = 0, maxh = 0, adobe = 0;
    const char *name = img->name ? img->name : "(unnamed)", *why = NULL;
    if (dpi > 0 && w > 0 && h > 0) {
        /* a pixel of slack: an image laid out at exactly N ppi is not resampled for rounding */
        maxw = (int)(w * dpi / 72.0 + 0.999);
        maxh = (int)(h * dpi / 72.0 + 0.999);
        if (img->width <= maxw + 1 && img->height <= maxh + 1) maxw = maxh = 0;
    }
    if (d->o->pdfa && bt_image_jpeg_cmyk(img, &adobe)) {
        bt_image *rgb = bt_image_cmyk_to_rgb(img, maxw, maxh, &why);
        if (rgb)
            bt_article_warn(a, "image %s: CMYK JPEG converted to RGB for PDF/A (sRGB output intent; "
                            "colours approximate)", name);
        else
            bt_article_warn(a, "image %s: CMYK JPEG could not be converted for PDF/A (%s); left out", name, why);
        return rgb;
    }
    if (maxw <= 0) return NULL;
    bt_image *small = bt_image_downsample(img, maxw, maxh, &why);
    if (!small && why) bt_article_warn(a, "image %s kept at full size (%s)", name, why);
    return small;
}

/* img drawn in a box of w x h points: embedded once per document. */
static int load_image(doc *d, const bt_image *img, double w, double h, bt_article *a)
{
    for (size_t i = 0; i < d->nic; i++)
        if (d->ic[i].img == img) return d->ic[i].h ? d->ic[i].id : -1;
    HPDF_Image im = NULL;
    int adobe = 0, cmyk = bt_image_jpeg_cmyk(img, &adobe);
    bt_image *small = image_prepare(d, img, w, h, a);
    const bt_image *use = small ? small : img;
    int png = use->len >= 8 && memcmp(use->data, "\x89PNG", 4) == 0;
    /* (both loaders copy the bytes: the copy can go at once) */
    int dropped = cmyk && d->o->pdfa && !small; /* never DeviceCMYK in PDF/A (warned) */
    if (dropped) im = NULL;
    else if (png) im = HPDF_LoadPngImageFromMem(d->pdf, use->data, (HPDF_UINT)use->len);
    else im = HPDF_LoadJpegImageFromMem(d->pdf, use->data, (HPDF_UINT)use->len);
    /* libharu marks every CMYK JPEG /Decode [1 0 1 0 1 0 1 0], Adobe's inverted convention; one
     * without the Adobe marker holds plain ink values and would print as a negative */
    if (im && cmyk && !adobe && !small) HPDF_Dict_RemoveElement(im, "Decode");
    bt_image_free(small);
    if ((!im && !dropped) || d->h.code) {
        bt_article_warn(a, "image %s could not be embedded (libharu error 0x%04X); left blank",
                        img->name ? img->name : "(unnamed)", (unsigned)d->h.code);
        d->h.code = 0;
        HPDF_ResetError(d->pdf);
        im = NULL;
    }
    if (im) fix_mask(d, im);
    d->ic = bt_xrealloc(d->ic, (d->nic + 1) * sizeof *d->ic);
    d->ic[d->nic].img = img;
    d->ic[d->nic].h = im;
    d->ic[d->nic].id = (int)d->nic + 1;
    d->nic++;
    return im ? (int)d->nic : -1;
}

/* ---------------------------------------------------------------- pages */

/* Record every glyph the layout draws (and each face's space glyph, drawn between words). */
static void use_glyphs(doc *d, const bt_layout *L)
{
    int spaced[BT_NFACES] = {0};
    for (size_t i = 0; i < L->npages; i++)
        for (size_t j = 0; j < L->pages[i].nitems; j++) {
            const bt_item *it = &L->pages[i].items[j];
            if (it->kind != BT_ITEM_TEXT || it->len == 0) continue;
            const bt_glyph *g;
            size_t n = bt_font_shape(d->fs, it->face, bt_layout_text(L, it), it->len, &g, NULL);
            bt_pdffonts_use(d->pf, it->face, g, n);
            int f = (int)bt_font_resolve(d->fs, it->face);
            if (!spaced[f]) {
                spaced[f] = 1;
                n = bt_font_shape(d->fs, it->face, " ", 1, &g, NULL);
                bt_pdffonts_use(d->pf, it->face, g, n);
            }
            /* a bulletin's running heads are laid out again once its page count is known:
             * any page number must be drawable then */
            if (d->n > 1 && it->role != BT_ROLE_BODY && !d->digits[f]) {
                d->digits[f] = 1;
                n = bt_font_shape(d->fs, it->face, "0123456789", 10, &g, NULL);
                bt_pdffonts_use(d->pf, it->face, g, n);
            }
        }
}

/* Lay out article i. In a document of several, its pages are numbered through the document:
 * in the first pass the page count is not known yet (quiet: the second pass). */
static bt_status lay_out(doc *d, size_t i, int quiet, bt_layout **L, bt_err *e)
{
    bt_article *a = d->arts[i];
    bt_page_geom g = d->g;
    if (d->n > 1) {
        g.page_first = 1;
        for (size_t k = 0; k < i; k++) g.page_first += (int)d->npages[k];
        g.page_total = quiet ? (int)(d->total - d->ntoc) : 0;
    }
    /* warnings were given in the first pass */
    size_t nw = a->nwarnings;
    bt_status st = bt_layout_articles(&a, 1, d->fs, &g, L, e);
    if (quiet) {
        for (size_t k = nw; k < a->nwarnings; k++) free(a->warnings[k]);
        a->nwarnings = nw;
    }
    return st;
}

typedef struct {
    bt_pdfstruct *ps;
    size_t page;
} markctx;

static int mark_cb(void *user, const bt_item *it, const char **tag)
{
    markctx *m = user;
    return bt_pdfstruct_mark(m->ps, m->page, it, tag);
}

/* A URI as the 7-bit ASCII a link action needs: other bytes percent-encoded. Heap string. */
static char *uri_ascii(const char *u)
{
    bt_buf b = {0};
    for (const unsigned char *p = (const unsigned char *)u; *p; p++) {
        if (*p > 0x20 && *p < 0x7F && !strchr("\"<>\\^`{|}", *p)) bt_buf_addc(&b, (char)*p);
        else bt_buf_printf(&b, "%%%02X", *p);
    }
    return bt_buf_detach(&b, NULL);
}

/* Link annotations over the items of tag (one per block): the source URL under a title. */
static void url_links(doc *d, HPDF_Page page, size_t pg, const bt_page *p, const char *url)
{
    HPDF_Rect r = {0, 0, 0, 0};
    int have = 0;
    for (size_t j = 0; j < p->nitems; j++) {
        const bt_item *it = &p->items[j];
        if (it->kind != BT_ITEM_TEXT || it->tag != BT_TAG_URL) continue;
        HPDF_REAL l = (HPDF_REAL)it->x, b = (HPDF_REAL)(it->y - 0.25 * it->size),
                  rr = (HPDF_REAL)(it->x + it->w), t = (HPDF_REAL)(it->y + 0.9 * it->size);
        if (!have) r = (HPDF_Rect){l, b, rr, t};
        else {
            if (l < r.left) r.left = l;
            if (b < r.bottom) r.bottom = b;
            if (rr > r.right) r.right = rr;
            if (t > r.top) r.top = t;
        }
        have = 1;
    }
    if (!have) return;
    char *u = uri_ascii(url);
    HPDF_Annotation an = HPDF_Page_CreateURILinkAnnot(page, r, u);
    free(u);
    if (!an) return;
    HPDF_Dict_AddNumber(an, "F", 4); /* printed */
    HPDF_LinkAnnot_SetBorderStyle(an, 0, 0, 0);
    HPDF_Dict_Add(an, "Contents", text_string(d, url));
    int key = bt_pdfstruct_objr(d->ps, pg, objnum(an), BT_TAG_URL, (size_t)-1);
    if (key >= 0) HPDF_Dict_AddNumber(an, "StructParent", key);
    HPDF_Dict_AddName(page, "Tabs", "S");
}

/* The outline: one entry per article; with articles of more than one category, a first level
 * of categories (in the order they first appear, opening on their first article) over them. */
static void outline_article(doc *d, HPDF_Page page, const bt_article *a)
{
    HPDF_Outline parent = NULL;
    if (d->twolevel) {
        const char *cat = a->category && *a->category ? a->category : "Khác";
        for (size_t i = 0; i < d->ncat && !parent; i++)
            if (strcmp(d->cats[i].name, cat) == 0) parent = d->cats[i].ol;
        if (!parent) {
            parent = HPDF_CreateOutline(d->pdf, NULL, "", NULL);
            if (!parent) return;
            HPDF_Dict_Add(parent, "Title", text_string(d, cat));
            HPDF_Destination dst = HPDF_Page_CreateDestination(page);
            if (dst) HPDF_Outline_SetDestination(parent, dst);
            HPDF_Outline_SetOpened(parent, HPDF_TRUE);
            d->cats = bt_xrealloc(d->cats, (d->ncat + 1) * sizeof *d->cats);
            d->cats[d->ncat].name = cat;
            d->cats[d->ncat++].ol = parent;
        }
    }
    HPDF_Outline ol = HPDF_CreateOutline(d->pdf, parent, "", NULL);
    if (!ol) return;
    HPDF_Dict_Add(ol, "Title", text_string(d, a->title && *a->title ? a->title : "?"));
    HPDF_Destination dst = HPDF_Page_CreateDestination(page);
    if (dst) HPDF_Outline_SetDestination(ol, dst); /* default: /Fit the page */
}

/* Where each contents entry on page p is (the union of its items), to be made a link once the
 * article pages exist. */
static void toc_rects(doc *d, HPDF_Page page, size_t pg, const bt_page *p)
{
    size_t start = d->nlinks;
    for (size_t j = 0; j < p->nitems; j++) {
        const bt_item *it = &p->items[j];
        if (it->tag != BT_TAG_TOC_ENTRY || it->block >= d->n) continue;
        HPDF_REAL l = (HPDF_REAL)it->x, b = (HPDF_REAL)(it->y - 0.3 * it->size),
                  r = (HPDF_REAL)(it->x + it->w), t = (HPDF_REAL)(it->y + 0.9 * it->size);
        struct toclink *k = NULL;
        for (size_t m = start; m < d->nlinks && !k; m++)
            if (d->links[m].entry == it->block) k = &d->links[m];
        if (!k) {
            d->links = bt_xrealloc(d->links, (d->nlinks + 1) * sizeof *d->links);
            k = &d->links[d->nlinks++];
            k->page = page;
            k->pg = pg;
            k->entry = it->block;
            k->r = (HPDF_Rect){l, b, r, t};
            continue;
        }
        if (l < k->r.left) k->r.left = l;
        if (b < k->r.bottom) k->r.bottom = b;
        if (r > k->r.right) k->r.right = r;
        if (t > k->r.top) k->r.top = t;
    }
}

/* The contents' links, once every article's first page exists: tagged with the entry's Link. */
static bt_status toc_links(doc *d, bt_err *e)
{
    for (size_t i = 0; i < d->nlinks; i++) {
        const struct toclink *k = &d->links[i];
        HPDF_Destination dst = HPDF_Page_CreateDestination(d->first[k->entry]);
        HPDF_Annotation an = dst ? HPDF_Page_CreateLinkAnnot(k->page, k->r, dst) : NULL;
        if (!an) break;
        HPDF_Dict_AddNumber(an, "F", 4); /* printed */
        HPDF_LinkAnnot_SetBorderStyle(an, 0, 0, 0);
        int key = bt_pdfstruct_objr(d->ps, k->pg, objnum(an), BT_TAG_TOC_ENTRY, k->entry);
        if (key >= 0) HPDF_Dict_AddNumber(an, "StructParent", key);
        HPDF_Dict_AddName(k->page, "Tabs", "S");
    }
    if (d->h.code) return hfail(d, e, "linking the contents");
    return BT_OK;
}

/* The contents' heading in the document's language. */
static const char *toc_heading(doc *d)
{
    return strncmp(doc_lang(d->arts[0]), "vi", 2) == 0 ? "Mục lục" : "Contents";
}

/* The pages of article ai laid out in L; ai == d->n: the contents pages. */
static bt_status write_pages(doc *d, size_t ai, const bt_layout *L, bt_err *e)
{
    bt_article *a = ai < d->n ? d->arts[ai] : NULL;
    if (a) bt_pdfstruct_article(d->ps, a);
    else bt_pdfstruct_contents(d->ps);
    bt_buf cs = {0};
    int *img = NULL;
    size_t imgcap = 0;
    for (size_t pi = 0; pi < L->npages; pi++) {
        const bt_page *p = &L->pages[pi];
        HPDF_Page page = HPDF_AddPage(d->pdf);
        if (!page || d->h.code) break;
        HPDF_Page_SetWidth(page, (HPDF_REAL)d->g.width);
        HPDF_Page_SetHeight(page, (HPDF_REAL)d->g.height);
        HPDF_Dict res = HPDF_Dict_GetItem(page, "Resources", HPDF_OCLASS_DICT);
        if (!res) break;
        HPDF_Dict_RemoveElement(res, "ProcSet"); /* obsolete since PDF 1.4 */
        HPDF_Dict_Add(res, "Font", d->fontres);
        size_t pg = d->npg++;
        d->pageobj[pg] = objnum(page);
        HPDF_Dict_AddNumber(page, "StructParents", (HPDF_INT32)pg);
        if (a && pi == 0) d->first[ai] = page;
        if (a && d->n > 1 && pi == 0) outline_article(d, page, a);
        if (!a && pi == 0) { /* the contents first in the outline */
            HPDF_Outline ol = HPDF_CreateOutline(d->pdf, NULL, "", NULL);
            HPDF_Destination dst = ol ? HPDF_Page_CreateDestination(page) : NULL;
            if (dst) {
                HPDF_Dict_Add(ol, "Title", text_string(d, toc_heading(d)));
                HPDF_Outline_SetDestination(ol, dst);
            }
        }
        /* images: loaded once per document, named in the page's resources */
        if (p->nitems > imgcap) {
            imgcap = p->nitems;
            img = bt_xrealloc(img, imgcap * sizeof *img);
        }
        HPDF_Dict xo = NULL;
        for (size_t j = 0; j < p->nitems; j++) {
            img[j] = -1;
            const bt_item *it = &p->items[j];
            if (it->kind != BT_ITEM_IMAGE) continue;
            img[j] = a ? load_image(d, it->image, it->w, it->h, a) : -1;
            if (img[j] < 0) continue;
            if (!xo) {
                xo = HPDF_Dict_New(d->pdf->mmgr);
                if (!xo || HPDF_Dict_Add(res, "XObject", xo) != HPDF_OK) break;
            }
            char name[32];
            snprintf(name, sizeof name, "Im%d", img[j]);
            if (!HPDF_Dict_GetItem(xo, name, HPDF_OCLASS_DICT)) HPDF_Dict_Add(xo, name, d->ic[img[j] - 1].h);
        }
        bt_buf_reset(&cs);
        markctx mc = {d->ps, pg};
        bt_pdfmark mk = {mark_cb, &mc};
        bt_pdf_content(&cs, L, p, d->fs, d->pf, img, &mk);
        if (a && a->source_url && *a->source_url) url_links(d, page, pg, p, a->source_url);
        if (!a) toc_rects(d, page, pg, p);
        HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
        size_t zl = 0;
        unsigned char *z = deflate_bytes(d, cs.data, cs.len, &zl);
        if (!z || !stream_take(d, attr->contents, z, zl)) break;
        attr->stream = attr->contents->stream;
        bt_buf fl = {0};
        bt_buf_adds(&fl, "/Filter /FlateDecode\n");
        raw_set(attr->contents, &fl);
        if (d->h.code) break;
    }
    bt_buf_free(&cs);
    free(img);
    if (d->h.code) return hfail(d, e, "writing a page");
    return BT_OK;
}

/* release_blocks: an article's blocks (text and images) once its pages are written, which keeps
 * a document of thousands of articles from holding all their text until the save. The image
 * cache forgets the images (libharu has its own copy). */
static void release_blocks(doc *d, bt_article *a)
{
    for (size_t b = 0; b < a->nblocks; b++) {
        bt_image *im = a->blocks[b].image;
        for (size_t k = 0; im && k < d->nic; k++)
            if (d->ic[k].img == im) d->ic[k].img = NULL;
        free(a->blocks[b].text);
        bt_image_free(im);
    }
    free(a->blocks);
    a->blocks = NULL;
    a->nblocks = a->cap = 0;
}

/* ---------------------------------------------------------------- document information */

/* A deterministic file identifier from the text of the articles and the options. */
static void set_id(doc *d)
{
    uint64_t h1 = 1469598103934665603ULL, h2 = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < d->n; i++) {
        const bt_article *a = d->arts[i];
        const char *parts[3] = {a->title, a->lead, a->author};
        for (int k = 0; k < 3; k++)
            for (const unsigned char *p = (const unsigned char *)(parts[k] ? parts[k] : ""); *p; p++) {
                h1 = (h1 ^ *p) * 1099511628211ULL;
                h2 = (h2 ^ *p) * 0x100000001B3ULL + (h2 >> 29);
            }
        for (size_t b = 0; b < a->nblocks; b++)
            for (const unsigned char *p = (const unsigned char *)(a->blocks[b].text ? a->blocks[b].text : "");
                 *p; p++) {
                h1 = (h1 ^ *p) * 1099511628211ULL;
                h2 = (h2 ^ *p) * 0x100000001B3ULL + (h2 >> 29);
            }
    }
    char extra[96];
    size_t np = 0;
    for (size_t i = 0; i < d->n; i++) np += d->npages[i];
    snprintf(extra, sizeof extra, "%lld|%s|%zu", (long long)d->o->epoch, d->o->paper ? d->o->paper : "a4", np);
    for (const char *q = extra; *q; q++) {
        h1 = (h1 ^ (unsigned char)*q) * 1099511628211ULL;
        h2 = (h2 ^ (unsigned char)*q) * 0x100000001B3ULL + (h2 >> 29);
    }
    for (int i = 0; i < 8; i++) {
        d->id[i] = (unsigned char)(h1 >> (8 * i));
        d->id[8 + i] = (unsigned char)(h2 >> (8 * i));
    }
}

static void to_hdate(int64_t t, int tzmin, HPDF_Date *dt)
{
    time_t tt = (time_t)(t + (int64_t)tzmin * 60);
    struct tm tm;
    gmtime_r(&tt, &tm);
    memset(dt, 0, sizeof *dt);
    dt->year = tm.tm_year + 1900;
    dt->month = tm.tm_mon + 1;
    dt->day = tm.tm_mday;
    dt->hour = tm.tm_hour;
    dt->minutes = tm.tm_min;
    dt->seconds = tm.tm_sec > 59 ? 59 : tm.tm_sec;
    if (tzmin == 0) dt->ind = 'Z';
    else {
        dt->ind = tzmin > 0 ? '+' : '-';
        int a = tzmin < 0 ? -tzmin : tzmin;
        dt->off_hour = a / 60;
        dt->off_minutes = a % 60;
    }
}

/* The document's language: the first article's (an ASCII BCP 47 tag), "vi" by default. */
static const char *doc_lang(const bt_article *a)
{
    const char *lang = a->language && *a->language ? a->language : "vi";
    if (strlen(lang) < 36 && strspn(lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(lang))
        return lang;
    return "vi";
}

static void set_info(doc *d)
{
    bt_article **arts = d->arts;
    size_t n = d->n;
    HPDF_Doc pdf = d->pdf;
    const bt_article *a = arts[0];
    /* creates the information dictionary (libharu fills in Producer) */
    HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "bantin " BT_VERSION); /* = CREATOR */
    HPDF_Dict info = pdf->info;
    if (!info) return;
    if (a->title && *a->title) HPDF_Dict_Add(info, "Title", text_string(d, a->title));
    /* author / subject: the first article that has one */
    for (size_t i = 0; i < n; i++)
        if (arts[i]->author && *arts[i]->author) {
            HPDF_Dict_Add(info, "Author", text_string(d, arts[i]->author));
            break;
        }
    for (size_t i = 0; i < n; i++)
        if (arts[i]->category && *arts[i]->category) {
            HPDF_Dict_Add(info, "Subject", text_string(d, arts[i]->category));
            break;
        }
    HPDF_Dict_Add(info, "Producer", HPDF_String_New(pdf->mmgr, "bantin " BT_VERSION " (libharu " HPDF_VERSION_TEXT ")", NULL)); /* = PRODUCER */
    /* the document language, for screen readers and text extraction */
    HPDF_Dict_Add(pdf->catalog, "Lang", HPDF_String_New(pdf->mmgr, doc_lang(a), NULL));
    HPDF_Date dt;
    int have = 0;
    if (d->o->epoch >= 0) {
        to_hdate(d->o->epoch, 0, &dt);
        have = 1;
    } else {
        for (size_t i = 0; i < n && !have; i++) {
            int64_t t = bt_date_epoch(&arts[i]->published);
            if (t >= 0) {
                to_hdate(t, arts[i]->published.tz_minutes, &dt);
                have = 1;
            }
        }
        if (!have) {
            to_hdate((int64_t)time(NULL), 0, &dt);
            have = 1;
        }
    }
    HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, dt);
    HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, dt);
    if (dt.ind == 'Z' || dt.ind == ' ')
        snprintf(d->isodate, sizeof d->isodate, "%04d-%02d-%02dT%02d:%02d:%02dZ", dt.year, dt.month, dt.day, dt.hour,
                 dt.minutes, dt.seconds);
    else
        snprintf(d->isodate, sizeof d->isodate, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", dt.year, dt.month, dt.day,
                 dt.hour, dt.minutes, dt.seconds, dt.ind, dt.off_hour, dt.off_minutes);
}

/* The first article's field that is set, or NULL. */
static const char *first_field(doc *d, size_t off)
{
    for (size_t i = 0; i < d->n; i++) {
        const char *v = *(char *const *)((const char *)d->arts[i] + off);
        if (v && *v) return v;
    }
    return NULL;
}

#define PRODUCER "bantin " BT_VERSION " (libharu " HPDF_VERSION_TEXT ")"
#define CREATOR "bantin " BT_VERSION

/* ---------------------------------------------------------------- PDF/A */

/* The sRGB profile shipped with the fonts (fonts/sRGB.icc, see fonts/sRGB.icc.txt). */
static bt_status read_icc(const char *path, unsigned char **out, size_t *len, bt_err *e)
{
    if (!path) return bt_err_set(e, BT_EFONT, "the sRGB colour profile for PDF/A was not found (fonts/sRGB.icc)");
    char *data = NULL;
    bt_err e2;
    bt_status st = bt_read_file(path, 1 << 20, &data, len, &e2);
    if (st == BT_OK && (*len < 132 || memcmp(data + 36, "acsp", 4) != 0 || memcmp(data + 16, "RGB ", 4) != 0)) {
        free(data);
        data = NULL;
        st = bt_err_set(e, BT_EFONT, "%s: not an RGB ICC profile", path);
    } else if (st) {
        bt_err_set(e, BT_EFONT, "%s: %s", path, e2.msg);
    }
    *out = (unsigned char *)data;
    return st;
}

/* The profile's stream, deflated once for the process: every PDF/A carries the same 7 KB, and
 * deflating it again was a twentieth of archiving an article. Kept with the path it came from
 * (BANTIN_ICC_PROFILE may name another); freed at exit. */
static pthread_mutex_t icc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t icc_once = PTHREAD_ONCE_INIT;
static char *icc_path;
static unsigned char *icc_z;
static size_t icc_zlen;

static void icc_free(void)
{
    free(icc_path);
    free(icc_z);
    icc_path = NULL;
    icc_z = NULL;
}

static void icc_init(void) { atexit(icc_free); }

static char *icc_where(void)
{
    const char *env = getenv("BANTIN_ICC_PROFILE");
    if (env && *env) return bt_xstrdup(env);
    char *dir = bt_data_dir("fonts");
    char *path = dir ? bt_path_join(dir, "sRGB.icc") : NULL;
    free(dir);
    return path;
}

/* The profile's bytes deflated (a heap copy for the caller), as deflate_bytes makes them. */
static bt_status icc_deflated(doc *d, unsigned char **out, size_t *len, bt_err *e)
{
    pthread_once(&icc_once, icc_init);
    char *path = icc_where();
    pthread_mutex_lock(&icc_lock);
    if (!icc_z || !path || !icc_path || strcmp(path, icc_path) != 0) {
        unsigned char *raw = NULL, *z = NULL;
        size_t rl = 0, zl = 0;
        bt_status st = read_icc(path, &raw, &rl, e);
        if (st == BT_OK && !(z = deflate_bytes(d, raw, rl, &zl))) st = bt_err_set(e, BT_ENOMEM, "cannot deflate the colour profile");
        free(raw);
        if (st) {
            pthread_mutex_unlock(&icc_lock);
            free(path);
            return st;
        }
        free(icc_z);
        free(icc_path);
        icc_z = z;
        icc_zlen = zl;
        icc_path = path;
        path = NULL;
    }
    *out = bt_xmalloc(icc_zlen);
    memcpy(*out, icc_z, icc_zlen);
    *len = icc_zlen;
    pthread_mutex_unlock(&icc_lock);
    free(path);
    return BT_OK;
}

/* XMP metadata matching the information dictionary, and the sRGB output intent. */
static bt_status write_pdfa(doc *d, bt_err *e)
{
    bt_xmp_info x;
    memset(&x, 0, sizeof x);
    x.title = d->arts[0]->title;
    x.author = first_field(d, offsetof(bt_article, author));
    x.subject = first_field(d, offsetof(bt_article, category));
    x.lang = doc_lang(d->arts[0]);
    x.creator_tool = CREATOR;
    x.producer = PRODUCER;
    x.date = d->isodate;
    x.part = d->o->embed_source ? 3 : 2;
    x.conformance = "A";
    size_t xl = 0;
    char *xmp = bt_pdf_xmp(&x, &xl);
    if (!xmp) return bt_err_set(e, BT_ENOMEM, "libxml2: cannot write the XMP metadata");
    HPDF_Dict meta = raw_stream(d, "/Type /Metadata\n/Subtype /XML\n", xmp, xl, 1);
    free(xmp);
    unsigned char *icc = NULL;
    size_t il = 0;
    bt_status st = icc_deflated(d, &icc, &il, e);
    if (st) return st;
    HPDF_Dict prof = stream_of(d, "/N 3\n", icc, il, 1);
    if (!meta || !prof) return hfail(d, e, "writing the PDF/A metadata");
    bt_buf b = {0};
    bt_buf_printf(&b,
                  "/Type /OutputIntent\n/S /GTS_PDFA1\n/OutputConditionIdentifier (sRGB IEC61966-2.1)\n"
                  "/Info (sRGB IEC61966-2.1)\n/RegistryName (http://www.color.org)\n/DestOutputProfile %u 0 R\n",
                  objnum(prof));
    HPDF_Dict oi = raw_dict(d, b.data);
    bt_buf_free(&b);
    HPDF_Array ois = HPDF_Array_New(d->pdf->mmgr);
    if (!oi || !ois) return hfail(d, e, "writing the PDF/A output intent");
    HPDF_Array_Add(ois, oi);
    HPDF_Dict_Add(d->pdf->catalog, "OutputIntents", ois);
    HPDF_Dict_Add(d->pdf->catalog, "Metadata", meta);
    if (d->h.code) return hfail(d, e, "writing the PDF/A metadata");
    return BT_OK;
}

/* ---------------------------------------------------------------- structure */

/* Number-tree leaves hold this many keys (a flat /Nums array up to twice as many). */
#define TREE_LEAF 256

static bt_status write_struct(doc *d, bt_err *e)
{
    size_t n = bt_pdfstruct_count(d->ps);
    HPDF_Dict root = raw_dict(d, NULL);
    HPDF_Dict *objs = bt_xmalloc(n * sizeof *objs);
    unsigned *eo = bt_xmalloc(n * sizeof *eo);
    bt_status st = BT_OK;
    for (size_t i = 0; i < n; i++) {
        objs[i] = raw_dict(d, NULL);
        if (!objs[i]) {
            st = hfail(d, e, "writing the structure tree");
            goto done;
        }
        eo[i] = objnum(objs[i]);
    }
    bt_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i == 0) bt_buf_printf(&b, "/P %u 0 R\n", objnum(root));
        bt_pdfstruct_elem_dict(d->ps, i, eo, d->pageobj, &b);
        raw_set(objs[i], &b);
    }
    /* the parent tree: one /Nums array, or leaves under /Kids for long documents */
    size_t keys = bt_pdfstruct_parent_keys(d->ps);
    HPDF_Dict tree = raw_dict(d, NULL);
    if (keys <= 2 * TREE_LEAF) {
        bt_buf_adds(&b, "/Nums [\n");
        bt_pdfstruct_parent_tree(d->ps, 0, keys, eo, &b);
        bt_buf_adds(&b, "]\n");
    } else {
        bt_buf kids = {0};
        bt_buf_adds(&kids, "/Kids [");
        for (size_t k = 0; k < keys; k += TREE_LEAF) {
            size_t to = k + TREE_LEAF < keys ? k + TREE_LEAF : keys;
            bt_buf_printf(&b, "/Limits [%zu %zu]\n/Nums [\n", k, to - 1);
            bt_pdfstruct_parent_tree(d->ps, k, to, eo, &b);
            bt_buf_adds(&b, "]\n");
            HPDF_Dict leaf = raw_dict(d, NULL);
            if (!leaf) break;
            raw_set(leaf, &b);
            bt_buf_printf(&kids, "%s%u 0 R", k ? " " : "", objnum(leaf));
        }
        bt_buf_adds(&kids, "]\n");
        bt_buf_free(&b);
        b = kids;
    }
    if (!tree || !root) {
        bt_buf_free(&b);
        st = hfail(d, e, "writing the structure tree");
        goto done;
    }
    raw_set(tree, &b);
    bt_buf_printf(&b, "/Type /StructTreeRoot\n/K %u 0 R\n/ParentTree %u 0 R\n/ParentTreeNextKey %zu\n", eo[0],
                  objnum(tree), keys);
    raw_set(root, &b);
    bt_buf_free(&b);
    HPDF_Dict cat = d->pdf->catalog;
    HPDF_Dict_Add(cat, "StructTreeRoot", root);
    HPDF_Dict mi = HPDF_Dict_New(d->pdf->mmgr);
    if (mi && HPDF_Dict_Add(cat, "MarkInfo", mi) == HPDF_OK) HPDF_Dict_AddBoolean(mi, "Marked", HPDF_TRUE);
    HPDF_Dict vp = HPDF_Dict_New(d->pdf->mmgr);
    if (vp && HPDF_Dict_Add(cat, "ViewerPreferences", vp) == HPDF_OK)
        HPDF_Dict_AddBoolean(vp, "DisplayDocTitle", HPDF_TRUE);
    if (d->h.code) st = hfail(d, e, "writing the structure tree");
done:
    free(objs);
    free(eo);
    return st;
}

/* ---------------------------------------------------------------- associated files */

/* A PDF date string for t (UTC). */
static void pdf_date(int64_t t, char out[64])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(out, 64, "D:%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec > 59 ? 59 : tm.tm_sec);
}

/* A file name as a PDF literal string: bytes other than printable ASCII, '(', ')' and '\\'
 * escaped in octal. */
static void lit(bt_buf *b, const char *s)
{
    bt_buf_addc(b, '(');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p > 0x7E || *p == '(' || *p == ')' || *p == '\\') bt_buf_printf(b, "\\%03o", *p);
        else bt_buf_addc(b, (char)*p);
    }
    bt_buf_addc(b, ')');
}

/* Each article's source file, byte for byte, as an associated file of the document (PDF/A-3:
 * /AF on the catalogue, AFRelationship /Source, MIME type, dates) and in the EmbeddedFiles name
 * tree, where readers and pdfdetach find attachments. */
static bt_status embed_sources(doc *d, bt_err *e)
{
    bt_buf names = {0};
    size_t count = 0;
    HPDF_Dict *specs = bt_xcalloc(d->n, sizeof *specs);
    for (size_t i = 0; i < d->n; i++) {
        bt_article *a = d->arts[i];
        const char *path = a->source_path;
        if (!path || !*path || strcmp(path, "-") == 0) {
            bt_article_warn(a, "--embed-source: the article was not read from a file; no source embedded");
            continue;
        }
        char *data = NULL;
        size_t len = 0;
        bt_err e2;
        if (bt_read_file(path, BT_MAX_INPUT_BYTES, &data, &len, &e2) != BT_OK) {
            bt_article_warn(a, "--embed-source: %s", e2.msg);
            continue;
        }
        struct stat sb;
        int64_t mtime = stat(path, &sb) == 0 ? (int64_t)sb.st_mtime : -1;
        if (d->o->epoch >= 0 && (mtime < 0 || mtime > d->o->epoch)) mtime = d->o->epoch;
        char date[64];
        pdf_date(mtime >= 0 ? mtime : 0, date);
        const char *mime = bt_input_is_html(data, len) ? "text#2Fhtml" : "text#2Fplain";
        bt_buf b = {0};
        bt_buf_printf(&b, "/Type /EmbeddedFile\n/Subtype /%s\n/Params << /Size %zu /ModDate (%s) >>\n", mime, len, date);
        HPDF_Dict ef = raw_stream(d, b.data, data, len, 1);
        free(data);
        bt_buf_reset(&b);
        char *name = bt_path_basename(path);
        bt_buf_adds(&b, "/Type /Filespec\n/F ");
        lit(&b, name);
        bt_buf_adds(&b, "\n/UF ");
        HPDF_Binary uf = text_string(d, name); /* as UTF-16BE, written here in hex */
        if (uf) {
            bt_buf_addc(&b, '<');
            HPDF_BYTE *v = HPDF_Binary_GetValue(uf);
            for (HPDF_UINT k = 0; k < HPDF_Binary_GetLen(uf); k++) bt_buf_printf(&b, "%02X", v[k]);
            bt_buf_addc(&b, '>');
            HPDF_Binary_Free(uf);
        }
        bt_buf_printf(&b,
                      "\n/Desc (Source of the article)\n/AFRelationship /Source\n"
                      "/EF << /F %u 0 R /UF %u 0 R >>\n",
                      ef ? objnum(ef) : 0, ef ? objnum(ef) : 0);
        HPDF_Dict fs = ef ? raw_dict(d, b.data) : NULL;
        bt_buf_free(&b);
        if (!fs) {
            free(name);
            free(specs);
            bt_buf_free(&names);
            return hfail(d, e, "embedding a source file");
        }
        specs[count] = fs;
        char key[32];
        snprintf(key, sizeof key, "%04zu ", count + 1);
        bt_buf key2 = {0};
        bt_buf_adds(&key2, key);
        bt_buf_adds(&key2, name);
        lit(&names, key2.data);
        bt_buf_printf(&names, " %u 0 R\n", objnum(fs));
        bt_buf_free(&key2);
        free(name);
        count++;
    }
    if (count) {
        /* the catalogue's /AF and /Names << /EmbeddedFiles >>, written as a raw array/dict */
        bt_buf arr = {0};
        bt_buf_printf(&arr, "/Names [\n%s]\n", names.data);
        HPDF_Dict tree = raw_dict(d, arr.data);
        bt_buf_free(&arr);
        HPDF_Array afa = HPDF_Array_New(d->pdf->mmgr);
        HPDF_Dict nd = HPDF_Dict_New(d->pdf->mmgr);
        if (!tree || !afa || !nd) {
            free(specs);
            bt_buf_free(&names);
            return hfail(d, e, "embedding the source files");
        }
        for (size_t i = 0; i < count; i++) HPDF_Array_Add(afa, specs[i]);
        HPDF_Dict_Add(d->pdf->catalog, "AF", afa);
        HPDF_Dict_Add(nd, "EmbeddedFiles", tree);
        HPDF_Dict_Add(d->pdf->catalog, "Names", nd);
    }
    free(specs);
    bt_buf_free(&names);
    if (d->h.code) return hfail(d, e, "embedding the source files");
    return BT_OK;
}

/* ---------------------------------------------------------------- saving */

typedef struct {
    bt_pdf_sink fn;
    void *user;
    int failed;
} sinkctx;

static HPDF_STATUS sink_write(HPDF_Stream s, const HPDF_BYTE *ptr, HPDF_UINT siz)
{
    sinkctx *k = s->attr;
    if (k->failed) return HPDF_FILE_IO_ERROR;
    if (k->fn(k->user, ptr, siz) != 0) {
        k->failed = 1;
        return HPDF_SetError(s->error, HPDF_FILE_IO_ERROR, 0);
    }
    return HPDF_OK;
}

/* Objects in one object stream at most (qpdf writes 100). */
#define OBJSTM_MAX 100

static HPDF_STATUS buf_write(HPDF_Stream s, const HPDF_BYTE *ptr, HPDF_UINT siz)
{
    bt_buf_add(s->attr, ptr, siz);
    return HPDF_OK;
}

typedef struct {
    unsigned char type; /* 0 free, 1 at an offset, 2 in an object stream */
    unsigned long f2;   /* offset, or the object stream's number */
    unsigned f3;        /* generation, or the index in the object stream */
} xent;

static int is_stream(void *obj)
{
    HPDF_Obj_Header *h = obj;
    return (h->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_DICT && ((HPDF_Dict)obj)->stream;
}

static void put_be(bt_buf *b, unsigned long v, int n)
{
    for (int i = n - 1; i >= 0; i--) bt_buf_addc(b, (char)(v >> (8 * i)));
}

/* The file in one pass: the header; every stream and the catalogue as objects of their own; every other object in compressed object streams; and a
 * cross-reference stream (PDF 1.5) as the trailer. libharu's object table gives the objects;
 * a stream's /Length is an object of its own that gets its value when the stream is written,
 * so the object streams come after every stream. */
static bt_status save(doc *d, bt_pdf_sink fn, void *user, bt_err *e)
{
    HPDF_Xref xref = d->pdf->xref;
    size_t n = xref->entries->count;
    sinkctx k = {fn, user, 0};
    HPDF_Stream out = HPDF_CallbackWriter_New(d->pdf->mmgr, sink_write, &k);
    bt_buf body = {0}, head = {0}, all = {0};
    HPDF_Stream ser = HPDF_CallbackWriter_New(d->pdf->mmgr, buf_write, &body);
    size_t ndef = 0, nstm = 0;
    size_t *def = bt_xmalloc((n ? n : 1) * sizeof *def);
    xent *x = bt_xcalloc(n + n / OBJSTM_MAX + 3, sizeof *x);
    bt_status st = BT_OK;
    if (!out || !ser) {
        st = hfail(d, e, "saving");
        goto done;
    }
    /* PDF 1.7; the second line holds bytes above 127 so that the file reads as binary */
    HPDF_Stream_WriteStr(out, "%PDF-1.7\n%\xB5\xB6\xB7\xB8\n");
    x[0] = (xent){0, 0, 65535};
    for (size_t i = 1; i < n; i++) {
        void *obj = HPDF_Xref_GetEntry(xref, (HPDF_UINT)i)->obj;
        if (!is_stream(obj) && obj != d->pdf->catalog) {
            def[ndef++] = i;
            continue;
        }
        x[i] = (xent){1, out->size, 0};
        char num[32];
        snprintf(num, sizeof num, "%zu 0 obj\n", i);
        HPDF_Stream_WriteStr(out, num);
        if (HPDF_Obj_WriteValue(obj, out, NULL) != HPDF_OK) break;
        HPDF_Stream_WriteStr(out, "\nendobj\n");
    }
    size_t next = n;
    for (size_t c = 0; c < ndef && !d->h.code && !k.failed; c += OBJSTM_MAX) {
        size_t m = ndef - c < OBJSTM_MAX ? ndef - c : OBJSTM_MAX;
        bt_buf_reset(&head);
        bt_buf_reset(&body);
        for (size_t j = 0; j < m; j++) {
            size_t i = def[c + j];
            bt_buf_printf(&head, "%zu %zu ", i, body.len);
            HPDF_Obj_WriteValue(HPDF_Xref_GetEntry(xref, (HPDF_UINT)i)->obj, ser, NULL);
            bt_buf_addc(&body, '\n');
            x[i] = (xent){2, next, (unsigned)j};
        }
        bt_buf_reset(&all);
        bt_buf_add(&all, head.data, head.len);
        bt_buf_add(&all, body.data, body.len);
        size_t zl = 0;
        unsigned char *z = deflate_bytes(d, all.data, all.len, &zl);
        if (!z) break;
        x[next] = (xent){1, out->size, 0};
        bt_buf_reset(&all);
        bt_buf_printf(&all, "%zu 0 obj\n<<\n/Type /ObjStm\n/N %zu\n/First %zu\n/Filter /FlateDecode\n/Length %zu\n>>\nstream\r\n",
                      next, m, head.len, zl);
        HPDF_Stream_Write(out, (const HPDF_BYTE *)all.data, (HPDF_UINT)all.len);
        HPDF_Stream_Write(out, z, (HPDF_UINT)zl);
        HPDF_Stream_WriteStr(out, "\nendstream\nendobj\n");
        free(z);
        next++;
        nstm++;
    }
    /* the cross-reference stream, with what a trailer would hold */
    size_t xnum = next, size = next + 1;
    unsigned long start = out->size;
    x[xnum] = (xent){1, start, 0};
    int w2 = 1;
    for (size_t i = 0; i < size; i++)
        while (w2 < 4 && (x[i].f2 >> (8 * w2))) w2++;
    bt_buf_reset(&all);
    for (size_t i = 0; i < size; i++) {
        put_be(&all, x[i].type, 1);
        put_be(&all, x[i].f2, w2);
        put_be(&all, x[i].f3, 2);
    }
    size_t zl = 0;
    unsigned char *z = deflate_bytes(d, all.data, all.len, &zl);
    if (!z) {
        st = bt_err_set(e, BT_ENOMEM, "cannot compress the cross-reference stream");
        goto done;
    }
    bt_buf_reset(&all);
    bt_buf_printf(&all, "%zu 0 obj\n<<\n/Type /XRef\n/Size %zu\n/W [1 %d 2]\n/Root %u 0 R\n/Info %u 0 R\n/ID [<", xnum,
                  size, w2, objnum(d->pdf->catalog), objnum(d->pdf->info));
    for (int r = 0; r < 2; r++) {
        for (int i = 0; i < 16; i++) bt_buf_printf(&all, "%02X", d->id[i]);
        bt_buf_adds(&all, r ? ">]\n" : "> <");
    }
    bt_buf_printf(&all, "/Filter /FlateDecode\n/Length %zu\n>>\nstream\r\n", zl);
    HPDF_Stream_Write(out, (const HPDF_BYTE *)all.data, (HPDF_UINT)all.len);
    HPDF_Stream_Write(out, z, (HPDF_UINT)zl);
    free(z);
    bt_buf_reset(&all);
    bt_buf_printf(&all, "\nendstream\nendobj\nstartxref\n%lu\n%%%%EOF\n", start);
    HPDF_Stream_Write(out, (const HPDF_BYTE *)all.data, (HPDF_UINT)all.len);
    if (k.failed) st = bt_err_set(e, BT_EIO, "cannot write the PDF");
    else if (d->h.code) st = hfail(d, e, "saving");
done:
    if (out) HPDF_Stream_Free(out);
    if (ser) HPDF_Stream_Free(ser);
    bt_buf_free(&body);
    bt_buf_free(&head);
    bt_buf_free(&all);
    free(def);
    free(x);
    return st;
}

/* ---------------------------------------------------------------- rendering */

static _Thread_local bt_pdf_times times; /* per thread: a PDF is made by one thread */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void bt_pdf_times_get(bt_pdf_times *t) { *t = times; }

/* The contents pages of a document of several articles: each article's title, date and first
 * page; with articles of more than one category, the category over its first article and those
 * that follow it (as the outline groups them). */
static bt_status lay_out_contents(doc *d, bt_err *e)
{
    bt_toc_entry *v = bt_xcalloc(d->n, sizeof *v);
    char **dates = bt_xcalloc(d->n, sizeof *dates);
    int page = 1;
    const char *prev = NULL;
    for (size_t i = 0; i < d->n; i++) {
        const bt_article *a = d->arts[i];
        const char *cat = a->category && *a->category ? a->category : "Khác";
        v[i].title = a->title;
        v[i].section = d->twolevel && (!prev || strcmp(prev, cat) != 0) ? cat : NULL;
        prev = cat;
        v[i].date = dates[i] = bt_date_vi(&a->published);
        v[i].page = page;
        page += (int)d->npages[i];
    }
    bt_status st = bt_layout_contents(v, d->n, toc_heading(d), d->fs, &d->g, &d->toc, e);
    for (size_t i = 0; i < d->n; i++) free(dates[i]);
    free(dates);
    free(v);
    if (st) return st;
    use_glyphs(d, d->toc);
    d->ntoc = d->toc->npages;
    return BT_OK;
}

static bt_status build(doc *d, bt_pdf_sink fn, void *user, bt_err *e)
{
    bt_status st;
    double t0 = now_ms();
    /* pass 1: layouts, glyphs, page counts */
    for (size_t i = 0; i < d->n; i++) {
        bt_layout *L = NULL;
        st = lay_out(d, i, 0, &L, e);
        if (st) return st;
        use_glyphs(d, L);
        d->npages[i] = L->npages;
        if (d->n == 1) d->lay = L; /* a bulletin's pages are laid out again, numbered */
        else bt_layout_free(L);
    }
    /* a two-level outline (and contents) when the articles are of more than one category */
    for (size_t i = 1; i < d->n && !d->twolevel; i++) {
        const char *x = d->arts[0]->category ? d->arts[0]->category : "";
        const char *y = d->arts[i]->category ? d->arts[i]->category : "";
        d->twolevel = strcmp(x, y) != 0;
    }
    if (d->n > 1) {
        st = lay_out_contents(d, e);
        if (st) return st;
    }
    double t1 = now_ms();
    times.layout += t1 - t0;
    st = bt_pdffonts_finish(d->pf, e);
    double tf = now_ms();
    times.font += tf - t1;
    if (st) return st;
    d->total = d->ntoc;
    for (size_t i = 0; i < d->n; i++) d->total += d->npages[i];
    set_id(d); /* (from the text: before pass 2 may release it) */
    d->pageobj = bt_xcalloc(d->total ? d->total : 1, sizeof *d->pageobj);
    d->ps = bt_pdfstruct_new(doc_lang(d->arts[0]), d->n, d->total);

    d->pdf = HPDF_NewEx(on_error, hmem_alloc, hmem_free, 0, &d->h);
    if (!d->pdf) return bt_err_set(e, BT_ENOMEM, "libharu: cannot create a document");
    HPDF_SetCompressionMode(d->pdf, HPDF_COMP_IMAGE);
    st = write_fonts(d, e);
    if (st) return st;

    /* pass 2: pages (the contents first) */
    if (d->toc) {
        st = write_pages(d, d->n, d->toc, e);
        bt_layout_free(d->toc); /* written: the links' rectangles are in d->links */
        d->toc = NULL;
        if (st) return st;
    }
    for (size_t i = 0; i < d->n; i++) {
        bt_layout *L = d->lay;
        d->lay = NULL;
        if (!L) {
            st = lay_out(d, i, 1, &L, e);
            if (st) return st;
        }
        st = write_pages(d, i, L, e);
        bt_layout_free(L);
        if (st) return st;
        if (d->o->release_blocks) release_blocks(d, d->arts[i]);
    }
    if (d->n > 1) {
        st = toc_links(d, e);
        if (st) return st;
        /* page labels as the pages are numbered: i, ii... for the contents, then 1, 2... */
        HPDF_AddPageLabel(d->pdf, 0, HPDF_PAGE_NUM_STYLE_LOWER_ROMAN, 1, NULL);
        HPDF_AddPageLabel(d->pdf, (HPDF_UINT)d->ntoc, HPDF_PAGE_NUM_STYLE_DECIMAL, 1, NULL);
        HPDF_SetPageMode(d->pdf, HPDF_PAGE_MODE_USE_OUTLINE);
    }
    st = write_struct(d, e);
    bt_pdfstruct_free(d->ps); /* now in the objects; nothing after this marks content */
    d->ps = NULL;
    if (st) return st;
    set_info(d);
    if (d->o->embed_source) {
        st = embed_sources(d, e);
        if (st) return st;
    }
    if (d->o->pdfa) {
        st = write_pdfa(d, e);
        if (st) return st;
    }
    if (d->h.code) return hfail(d, e, "writing the document information");
    double t2 = now_ms();
    times.pages += t2 - tf;
    st = save(d, fn, user, e);
    times.save += now_ms() - t2;
    return st;
}

bt_status bt_pdf_write(bt_article **arts, size_t n, const bt_pdf_opts *o, bt_pdf_sink fn, void *user, bt_err *e)
{
    if (n == 0) return bt_err_set(e, BT_EUSAGE, "no article to render");
    bt_pdf_opts defaults = {.epoch = -1};
    if (!o) o = &defaults;
    doc d;
    memset(&d, 0, sizeof d);
    d.arts = arts;
    d.n = n;
    d.o = o;
    if (!bt_layout_paper(o->paper, &d.g))
        return bt_err_set(e, BT_EUSAGE, "unknown paper size '%s' (a4, a5, letter)", o->paper);
    if (o->tpl) { /* the template's page (margins, body size) on its paper or on --paper */
        bt_tpl_page tp;
        if (!bt_template_page(o->tpl, o->paper, &tp, e)) return e ? e->code : BT_EUSAGE;
        d.g.width = tp.width;
        d.g.height = tp.height;
        d.g.top = tp.margin[0];
        d.g.right = tp.margin[1];
        d.g.bottom = tp.margin[2];
        d.g.left = tp.margin[3];
        d.g.body_size = tp.body_size;
        d.g.leading = tp.leading;
        d.g.tpl = o->tpl;
    }
    bt_status st = bt_fontset_acquire(o->font_dir ? o->font_dir : o->tpl ? o->tpl->font_dir : NULL, &d.fs, e);
    if (st) return st;
    d.pf = bt_pdffonts_new(d.fs);
    d.npages = bt_xcalloc(n, sizeof *d.npages);
    d.first = bt_xcalloc(n, sizeof *d.first);
    st = build(&d, fn, user, e);
    bt_layout_free(d.lay);
    bt_layout_free(d.toc);
    free(d.first);
    free(d.links);
    free(d.npages);
    free(d.ic);
    if (d.pdf) HPDF_Free(d.pdf);
    hmem_release_all();
    bt_pdffonts_free(d.pf);
    bt_pdfstruct_free(d.ps);
    free(d.pageobj);
    free(d.cats);
    libdeflate_free_compressor(d.z);
    bt_fontset_release(d.fs);
    return st;
}

static int buf_sink(void *user, const void *data, size_t len)
{
    bt_buf_add(user, data, len);
    return 0;
}

bt_status bt_pdf_render(bt_article **arts, size_t n, const bt_pdf_opts *o, unsigned char **out, size_t *len,
                        bt_err *e)
{
    *out = NULL;
    *len = 0;
    bt_buf b = {0};
    bt_status st = bt_pdf_write(arts, n, o, buf_sink, &b, e);
    if (st) {
        bt_buf_free(&b);
        return st;
    }
    *out = (unsigned char *)bt_buf_detach(&b, len);
    return BT_OK;
}

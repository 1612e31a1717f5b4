/* out_pdf.c - draw a layout with libharu. The only file that includes hpdf.h.
 *
 * Fonts: each face that is drawn is subset to the characters it draws (font.h, hb-subset),
 * written to a temporary file (libharu 2.3.0 cannot load a font from memory), loaded with
 * embedding and unlinked at once (libharu keeps the open file until it saves).
 * ToUnicode: libharu writes its UTF-8 encoder's CMap (with begincidrange) as /ToUnicode; we
 * rewrite that stream as a proper ToUnicode CMap (bfrange: code -> UTF-16BE) for the used
 * characters. With the UTF-8 encoder a code is the character's own code point. */
#include "out_pdf.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hpdf.h>
#include <hpdf_font.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>

#include "font.h"
#include "layout.h"

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

static bt_status hfail(herr *h, HPDF_Doc pdf, bt_err *e, const char *what)
{
    bt_err_set(e, BT_EPDF, "libharu error 0x%04X (detail %u) while %s", (unsigned)h->code,
               (unsigned)h->detail, what);
    h->code = 0;
    if (pdf) HPDF_ResetError(pdf);
    return BT_EPDF;
}

/* Replace the font's /ToUnicode stream contents with a real ToUnicode CMap for cps; stand-ins
 * for characters beyond U+FFFF map to those characters (UTF-16 surrogate pairs). */
static int fix_tounicode(HPDF_Font font, const bt_fontset *fs, const uint32_t *cps, size_t n)
{
    HPDF_FontAttr attr = (HPDF_FontAttr)font->attr;
    if (!attr || !attr->cmap_stream || !attr->cmap_stream->stream) return 0;
    HPDF_Dict cm = attr->cmap_stream;
    HPDF_MemStream_FreeData(cm->stream);
    HPDF_Dict_RemoveElement(cm, "Type");
    HPDF_Dict_RemoveElement(cm, "CMapName");
    HPDF_Dict_RemoveElement(cm, "CIDSystemInfo");
    HPDF_Dict_RemoveElement(cm, "WMode");
    cm->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    bt_buf b = {0};
    bt_buf_adds(&b, "/CIDInit /ProcSet findresource begin\n"
                    "12 dict begin\n"
                    "begincmap\n"
                    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                    "/CMapName /Adobe-Identity-UCS def\n"
                    "/CMapType 2 def\n"
                    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    /* ranges of consecutive BMP code points that stay within one low-byte page */
    typedef struct {
        uint32_t lo, hi;
    } rng;
    rng *r = bt_xmalloc((n ? n : 1) * sizeof *r);
    size_t nr = 0;
    uint32_t *sc = bt_xmalloc((n ? n : 1) * sizeof *sc); /* stand-ins among cps */
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = cps[i];
        if (cp > 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF)) continue;
        if (bt_font_standin_of(fs, cp) > 0xFFFF) {
            sc[ns++] = cp;
            continue;
        }
        if (nr && r[nr - 1].hi + 1 == cp && (cp & 0xFF) != 0) r[nr - 1].hi = cp;
        else r[nr++] = (rng){cp, cp};
    }
    for (size_t i = 0; i < nr; i += 100) {
        size_t m = nr - i < 100 ? nr - i : 100;
        bt_buf_printf(&b, "%zu beginbfrange\n", m);
        for (size_t k = i; k < i + m; k++)
            bt_buf_printf(&b, "<%04X> <%04X> <%04X>\n", (unsigned)r[k].lo, (unsigned)r[k].hi, (unsigned)r[k].lo);
        bt_buf_adds(&b, "endbfrange\n");
    }
    free(r);
    for (size_t i = 0; i < ns; i += 100) {
        size_t m = ns - i < 100 ? ns - i : 100;
        bt_buf_printf(&b, "%zu beginbfchar\n", m);
        for (size_t k = i; k < i + m; k++) {
            uint32_t v = bt_font_standin_of(fs, sc[k]) - 0x10000;
            bt_buf_printf(&b, "<%04X> <%04X%04X>\n", (unsigned)sc[k], (unsigned)(0xD800 + (v >> 10)),
                          (unsigned)(0xDC00 + (v & 0x3FF)));
        }
        bt_buf_adds(&b, "endbfchar\n");
    }
    free(sc);
    bt_buf_adds(&b, "endcmap\n"
                    "CMapName currentdict /CMap defineresource pop\n"
                    "end\n"
                    "end\n");
    HPDF_STATUS st = HPDF_Stream_Write(cm->stream, (const HPDF_BYTE *)b.data, (HPDF_UINT)b.len);
    bt_buf_free(&b);
    return st == HPDF_OK;
}

/* libharu writes a CIDToGIDMap for all 65,536 CIDs (128 KB to compress per font); CIDs past
 * the highest one we use are never shown, so cut the map after it. */
static int shrink_cidmap(HPDF_Font font, uint32_t maxcid)
{
    HPDF_FontAttr attr = (HPDF_FontAttr)font->attr;
    if (!attr || !attr->map_stream || !attr->map_stream->stream) return 1;
    HPDF_Stream st = attr->map_stream->stream;
    HPDF_UINT32 size = HPDF_Stream_Size(st);
    HPDF_UINT keep = (HPDF_UINT)(2 * (maxcid + 1));
    if (keep >= size) return 1;
    HPDF_BYTE *buf = bt_xmalloc(keep);
    HPDF_UINT got = keep;
    int ok = HPDF_Stream_Seek(st, 0, HPDF_SEEK_SET) == HPDF_OK && HPDF_Stream_Read(st, buf, &got) == HPDF_OK &&
             got == keep;
    if (ok) {
        HPDF_MemStream_FreeData(st);
        ok = HPDF_Stream_Write(st, buf, keep) == HPDF_OK;
    }
    free(buf);
    return ok;
}

/* A deterministic document /ID from the layout's text and the options. */
static void set_id(HPDF_Doc pdf, const bt_layout *L, int64_t epoch, const char *paper)
{
    uint64_t h1 = 1469598103934665603ULL, h2 = 0x9E3779B97F4A7C15ULL;
    const unsigned char *p = (const unsigned char *)L->pool;
    for (size_t i = 0; i < L->pool_len; i++) {
        h1 = (h1 ^ p[i]) * 1099511628211ULL;
        h2 = (h2 ^ p[i]) * 0x100000001B3ULL + (h2 >> 29);
    }
    char extra[64];
    snprintf(extra, sizeof extra, "%lld|%s|%zu", (long long)epoch, paper ? paper : "a4", L->npages);
    for (const char *q = extra; *q; q++) {
        h1 = (h1 ^ (unsigned char)*q) * 1099511628211ULL;
        h2 = (h2 ^ (unsigned char)*q) * 0x100000001B3ULL + (h2 >> 29);
    }
    HPDF_BYTE id[16];
    for (int i = 0; i < 8; i++) {
        id[i] = (HPDF_BYTE)(h1 >> (8 * i));
        id[8 + i] = (HPDF_BYTE)(h2 >> (8 * i));
    }
    HPDF_Array arr = HPDF_Array_New(pdf->mmgr);
    if (!arr) return;
    HPDF_Array_Add(arr, HPDF_Binary_New(pdf->mmgr, id, 16));
    HPDF_Array_Add(arr, HPDF_Binary_New(pdf->mmgr, id, 16));
    HPDF_Dict_Add(pdf->trailer, "ID", arr);
}

static void to_hdate(int64_t t, int tzmin, HPDF_Date *d)
{
    time_t tt = (time_t)(t + (int64_t)tzmin * 60);
    struct tm tm;
    gmtime_r(&tt, &tm);
    memset(d, 0, sizeof *d);
    d->year = tm.tm_year + 1900;
    d->month = tm.tm_mon + 1;
    d->day = tm.tm_mday;
    d->hour = tm.tm_hour;
    d->minutes = tm.tm_min;
    d->seconds = tm.tm_sec > 59 ? 59 : tm.tm_sec;
    if (tzmin == 0) d->ind = 'Z';
    else {
        d->ind = tzmin > 0 ? '+' : '-';
        int a = tzmin < 0 ? -tzmin : tzmin;
        d->off_hour = a / 60;
        d->off_minutes = a % 60;
    }
}

static void set_info(HPDF_Doc pdf, bt_article **arts, size_t n, int64_t epoch)
{
    const bt_article *a = arts[0];
    if (a->title && *a->title) HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, a->title);
    /* author / subject: the first article that has one */
    for (size_t i = 0; i < n; i++)
        if (arts[i]->author && *arts[i]->author) {
            HPDF_SetInfoAttr(pdf, HPDF_INFO_AUTHOR, arts[i]->author);
            break;
        }
    for (size_t i = 0; i < n; i++)
        if (arts[i]->category && *arts[i]->category) {
            HPDF_SetInfoAttr(pdf, HPDF_INFO_SUBJECT, arts[i]->category);
            break;
        }
    HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "bantin " BT_VERSION);
    /* the document language, for screen readers and text extraction (an ASCII BCP 47 tag) */
    const char *lang = a->language && *a->language ? a->language : "vi";
    if (strlen(lang) < 36 && strspn(lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(lang))
        HPDF_Dict_Add(pdf->catalog, "Lang", HPDF_String_New(pdf->mmgr, lang, NULL));
    HPDF_Date d;
    int have = 0;
    if (epoch >= 0) {
        to_hdate(epoch, 0, &d);
        have = 1;
    } else {
        for (size_t i = 0; i < n && !have; i++) {
            int64_t t = bt_date_epoch(&arts[i]->published);
            if (t >= 0) {
                to_hdate(t, arts[i]->published.tz_minutes, &d);
                have = 1;
            }
        }
        if (!have) {
            to_hdate((int64_t)time(NULL), 0, &d);
            have = 1;
        }
    }
    if (have) {
        HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, d);
        HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, d);
    }
}

static void rgb(unsigned c, HPDF_REAL *r, HPDF_REAL *g, HPDF_REAL *b)
{
    *r = (HPDF_REAL)((c >> 16) & 0xFF) / 255.0f;
    *g = (HPDF_REAL)((c >> 8) & 0xFF) / 255.0f;
    *b = (HPDF_REAL)(c & 0xFF) / 255.0f;
}

typedef struct {
    const bt_image *img;
    HPDF_Image h; /* NULL: could not be loaded */
} imgcache;

static HPDF_Image load_image(HPDF_Doc pdf, herr *h, const bt_image *img, bt_article *a, imgcache **cache,
                             size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        if ((*cache)[i].img == img) return (*cache)[i].h;
    HPDF_Image im = NULL;
    int png = img->len >= 8 && memcmp(img->data, "\x89PNG", 4) == 0;
    if (png) im = HPDF_LoadPngImageFromMem(pdf, img->data, (HPDF_UINT)img->len);
    else im = HPDF_LoadJpegImageFromMem(pdf, img->data, (HPDF_UINT)img->len);
    if (!im || h->code) {
        bt_article_warn(a, "image %s could not be embedded (libharu error 0x%04X); left blank",
                        img->name ? img->name : "(unnamed)", (unsigned)h->code);
        h->code = 0;
        HPDF_ResetError(pdf);
        im = NULL;
    }
    *cache = bt_xrealloc(*cache, (*n + 1) * sizeof **cache);
    (*cache)[*n].img = img;
    (*cache)[*n].h = im;
    (*n)++;
    return im;
}

/* libharu's memory, tracked per document: on one error path (the 0x1033 retry below)
 * libharu 2.3.0 itself loses a few small blocks. Every block it takes is linked into a list
 * owned by the document being built on this thread, and whatever is left after HPDF_Free is
 * released, so no run leaks whatever libharu does. (Its allocator hooks carry no user data:
 * hence the thread-local list; one thread builds one document at a time.) */
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

/* Free what libharu left behind after HPDF_Free. */
static void hmem_release_all(void)
{
    while (hmem_list) {
        hmem *m = hmem_list;
        hmem_list = m->next;
        free(m);
    }
}

/* Draw the layout with libharu into a PDF in memory. pad: bytes added to each font subset's
 * cmap table. *retry is set when libharu 2.3.0 failed on its own mem-stream bug: when it
 * rewrites a font it seeks to the offset of each absent hinting table ('cvt ', 'fpgm', 'prep',
 * which our subsets drop) = the current end of its buffer, and that seek fails when the size is
 * an exact multiple of the buffer size (1 font in ~4000). Another pad gives other offsets. */
static bt_status build(bt_article **arts, size_t n, const bt_pdf_opts *o, const bt_page_geom *gp, bt_fontset *fs,
                       const bt_layout *L, unsigned pad, unsigned char **out, size_t *len, bt_err *e, int *retry)
{
    bt_page_geom g = *gp;
    bt_status st = BT_OK;
    herr h = {0, 0};
    HPDF_Doc pdf = NULL;
    HPDF_Font hf[BT_NFACES] = {0};
    imgcache *ic = NULL;
    size_t nic = 0;
    unsigned char *buf = NULL;

    pdf = HPDF_NewEx(on_error, hmem_alloc, hmem_free, 0, &h);
    if (!pdf) {
        st = bt_err_set(e, BT_ENOMEM, "libharu: cannot create a document");
        goto done;
    }
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(pdf);
    HPDF_SetCurrentEncoder(pdf, "UTF-8");
    if (h.code) {
        st = hfail(&h, pdf, e, "setting up UTF-8");
        goto done;
    }

    for (int f = 0; f < BT_NFACES; f++) {
        if (!bt_font_used(fs, (bt_face)f)) continue;
        char *path = NULL;
        st = bt_font_subset_file(fs, (bt_face)f, pad, &path, e);
        if (st) goto done;
        const char *name = HPDF_LoadTTFontFromFile(pdf, path, HPDF_TRUE);
        unlink(path);
        free(path);
        if (!name || h.code) {
            st = hfail(&h, pdf, e, "loading a font subset");
            bt_err_set(e, BT_EFONT, "%s: libharu cannot load this font", bt_font_path(fs, (bt_face)f));
            goto done;
        }
        hf[f] = HPDF_GetFont(pdf, name, "UTF-8");
        if (!hf[f] || h.code) {
            st = hfail(&h, pdf, e, "selecting a font");
            goto done;
        }
        uint32_t *cps = NULL;
        size_t nc = bt_font_used_chars(fs, (bt_face)f, &cps);
        uint32_t maxcid = 0;
        for (size_t k = 0; k < nc; k++)
            if (cps[k] <= 0xFFFF && cps[k] > maxcid) maxcid = cps[k];
        int ok = fix_tounicode(hf[f], fs, cps, nc) && shrink_cidmap(hf[f], maxcid);
        free(cps);
        if (!ok || h.code) {
            st = hfail(&h, pdf, e, "writing the ToUnicode map");
            goto done;
        }
    }

    for (size_t pi = 0; pi < L->npages; pi++) {
        const bt_page *p = &L->pages[pi];
        HPDF_Page page = HPDF_AddPage(pdf);
        if (!page || h.code) {
            st = hfail(&h, pdf, e, "adding a page");
            goto done;
        }
        HPDF_Page_SetWidth(page, (HPDF_REAL)g.width);
        HPDF_Page_SetHeight(page, (HPDF_REAL)g.height);
        bt_article *a = arts[p->article];
        if (n > 1 && p->number == 1) {
            HPDF_Outline ol = HPDF_CreateOutline(pdf, NULL, a->title && *a->title ? a->title : "?",
                                                 HPDF_GetEncoder(pdf, "UTF-8"));
            if (ol) {
                HPDF_Destination dst = HPDF_Page_CreateDestination(page);
                if (dst) HPDF_Outline_SetDestination(ol, dst); /* default: /Fit the page */
            }
        }
        /* images and rules: outside text objects */
        for (size_t j = 0; j < p->nitems; j++) {
            const bt_item *it = &p->items[j];
            if (it->kind == BT_ITEM_IMAGE) {
                HPDF_Image im = load_image(pdf, &h, it->image, a, &ic, &nic);
                if (im) HPDF_Page_DrawImage(page, im, (HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)it->w,
                                            (HPDF_REAL)it->h);
            } else if (it->kind == BT_ITEM_RULE) {
                HPDF_REAL r, gg, b;
                rgb(it->color, &r, &gg, &b);
                HPDF_Page_SetRGBStroke(page, r, gg, b);
                HPDF_Page_SetLineWidth(page, (HPDF_REAL)it->h);
                HPDF_Page_MoveTo(page, (HPDF_REAL)it->x, (HPDF_REAL)it->y);
                HPDF_Page_LineTo(page, (HPDF_REAL)(it->x + it->w), (HPDF_REAL)it->y);
                HPDF_Page_Stroke(page);
            }
        }
        if (h.code) {
            st = hfail(&h, pdf, e, "drawing images");
            goto done;
        }
        HPDF_Page_BeginText(page);
        HPDF_Font curf = NULL;
        double cursize = -1;
        unsigned curcol = 0xFFFFFFFFu;
        for (size_t j = 0; j < p->nitems; j++) {
            const bt_item *it = &p->items[j];
            if (it->kind != BT_ITEM_TEXT || it->len == 0) continue;
            HPDF_Font f = hf[bt_font_resolve(fs, it->face)];
            if (!f) continue;
            if (f != curf || it->size != cursize) {
                HPDF_Page_SetFontAndSize(page, f, (HPDF_REAL)it->size);
                curf = f;
                cursize = it->size;
            }
            if (it->color != curcol) {
                HPDF_REAL r, gg, b;
                rgb(it->color, &r, &gg, &b);
                HPDF_Page_SetRGBFill(page, r, gg, b);
                curcol = it->color;
            }
            HPDF_Page_TextOut(page, (HPDF_REAL)it->x, (HPDF_REAL)it->y, bt_layout_text(L, it));
        }
        HPDF_Page_EndText(page);
        if (h.code) {
            st = hfail(&h, pdf, e, "drawing text");
            goto done;
        }
    }
    if (n > 1) HPDF_SetPageMode(pdf, HPDF_PAGE_MODE_USE_OUTLINE);

    set_info(pdf, arts, n, o->epoch);
    set_id(pdf, L, o->epoch, o->paper);
    if (h.code) {
        st = hfail(&h, pdf, e, "writing the document information");
        goto done;
    }

    if (HPDF_SaveToStream(pdf) != HPDF_OK || h.code) {
        if (h.code == HPDF_INVALID_OBJECT) *retry = 1;
        st = hfail(&h, pdf, e, "saving");
        goto done;
    }
    HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
    buf = bt_xmalloc(size ? size : 1);
    size_t got = 0;
    while (got < size) {
        HPDF_UINT32 chunk = size - (HPDF_UINT32)got;
        HPDF_STATUS rs = HPDF_ReadFromStream(pdf, buf + got, &chunk);
        got += chunk;
        if (rs == HPDF_STREAM_EOF || chunk == 0) break;
        if (rs != HPDF_OK) break;
    }
    h.code = 0;
    HPDF_ResetError(pdf);
    if (got != size) {
        st = bt_err_set(e, BT_EPDF, "libharu: could not read back the document (%zu of %u bytes)", got,
                        (unsigned)size);
        goto done;
    }
    *out = buf;
    *len = got;
    buf = NULL;
    st = BT_OK;

done:
    free(buf);
    free(ic);
    if (pdf) HPDF_Free(pdf);
    hmem_release_all();
    return st;
}

bt_status bt_pdf_render(bt_article **arts, size_t n, const bt_pdf_opts *o, unsigned char **out, size_t *len,
                        bt_err *e)
{
    *out = NULL;
    *len = 0;
    if (n == 0) return bt_err_set(e, BT_EUSAGE, "no article to render");
    bt_pdf_opts defaults = {NULL, NULL, -1};
    if (!o) o = &defaults;
    bt_page_geom g;
    if (!bt_layout_paper(o->paper, &g))
        return bt_err_set(e, BT_EUSAGE, "unknown paper size '%s' (a4, a5, letter)", o->paper);

    bt_fontset *fs = NULL;
    bt_status st = bt_fontset_open(o->font_dir, &fs, e);
    if (st) return st;
    bt_layout *L = NULL;
    st = bt_layout_articles(arts, n, fs, &g, &L, e);
    if (st) {
        bt_fontset_free(fs);
        return st;
    }

    /* which characters each face draws */
    bt_font_reset_used(fs);
    for (size_t i = 0; i < L->npages; i++)
        for (size_t j = 0; j < L->pages[i].nitems; j++) {
            const bt_item *it = &L->pages[i].items[j];
            if (it->kind == BT_ITEM_TEXT) bt_font_use(fs, it->face, bt_layout_text(L, it), it->len);
        }

    /* warnings added while drawing (images) are dropped again before a retry */
    size_t *nw = bt_xcalloc(n, sizeof *nw);
    for (size_t i = 0; i < n; i++) nw[i] = arts[i]->nwarnings;
    for (unsigned attempt = 0;; attempt++) {
        int retry = 0;
        st = build(arts, n, o, &g, fs, L, attempt * 4, out, len, e, &retry);
        if (st == BT_OK || !retry || attempt == 3) break;
        for (size_t i = 0; i < n; i++) {
            for (size_t k = nw[i]; k < arts[i]->nwarnings; k++) free(arts[i]->warnings[k]);
            arts[i]->nwarnings = nw[i];
        }
    }
    free(nw);
    bt_layout_free(L);
    bt_fontset_free(fs);
    return st;
}

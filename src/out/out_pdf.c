/* out_pdf.c - articles to a PDF: layout, fonts and content (plain data from layout.h,
 * pdf_font.h, pdf_content.h) assembled into PDF objects with libharu. This file makes the fonts,
 * images, pages, outline, links and structure tree and runs the whole; its parts behind
 * pdf_int.h make the objects we write ourselves (pdf_raw.c), say what the document is
 * (pdf_meta.c) and write the file (pdf_save.c). Only these files include libharu's headers.
 *
 * libharu 2.3.0 has no API for CID fonts keyed by glyph, TJ arrays, or most of what a tagged
 * archival PDF holds, so those objects are libharu dictionaries whose entries we write
 * ourselves (a write callback, "raw" objects: pdf_raw.c) and streams whose bytes we compress
 * ourselves. libharu still keeps and numbers every object, writes each object's value, and
 * builds pages, images, annotations, outlines and the information dictionary; the file around
 * the objects (object streams, and a cross-reference stream in place of the cross-reference
 * table and trailer) is pdf_save.c's.
 *
 * A document is made in two passes: every article is laid out first (which glyphs each face
 * draws, how many pages), the fonts are subset once, then the pages are written. A document of
 * many articles lays each out again in the second pass instead of keeping every layout, so
 * memory stays flat whatever the number of articles. */
#include "pdf_int.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libdeflate.h>

#include "image.h"
#include "template.h"
#include "pdf_content.h"

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
        HPDF_Dict file = pd_raw_stream(d, b.data, ff->program, ff->program_len, 1);
        bt_buf_reset(&b);
        HPDF_Dict tu = pd_raw_stream(d, "", ff->tounicode, strlen(ff->tounicode), 1);
        HPDF_Dict map = ff->cidtogid ? pd_raw_stream(d, "", ff->cidtogid, ff->cidtogid_len, 1) : NULL;
        if (!file || !tu || (ff->cidtogid && !map)) break;
        bt_buf_printf(&b, "/Type /FontDescriptor\n/FontName /%s\n/Flags %d\n/FontBBox [%d %d %d %d]\n/ItalicAngle ",
                      ff->basefont, 32 | (fi->italic ? 64 : 0), fi->bbox[0], fi->bbox[1], fi->bbox[2], fi->bbox[3]);
        bt_pdf_num(&b, fi->italic_angle, 2);
        bt_buf_printf(&b, "\n/Ascent %d\n/Descent %d\n/CapHeight %d\n/StemV %d\n/FontFile2 %u 0 R\n", fi->ascent,
                      fi->descent, fi->cap_height, fi->weight >= 600 ? 140 : 80, pd_objnum(file));
        HPDF_Dict desc = pd_raw_dict(d, b.data);
        bt_buf_reset(&b);
        if (!desc) break;
        bt_buf_printf(&b,
                      "/Type /Font\n/Subtype /CIDFontType2\n/BaseFont /%s\n"
                      "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>\n"
                      "/FontDescriptor %u 0 R\n/W %s\n",
                      ff->basefont, pd_objnum(desc), ff->widths);
        if (map) bt_buf_printf(&b, "/CIDToGIDMap %u 0 R\n", pd_objnum(map));
        else bt_buf_adds(&b, "/CIDToGIDMap /Identity\n");
        HPDF_Dict cid = pd_raw_dict(d, b.data);
        bt_buf_reset(&b);
        if (!cid) break;
        HPDF_Dict enc = NULL;
        if (ff->encoding) {
            /* one object per distinct CMap (usually one for every face) */
            for (size_t k = 0; k < ncmap && !enc; k++)
                if (strcmp(cmaps[k].text, ff->encoding) == 0) enc = cmaps[k].obj;
            if (!enc) {
                enc = pd_raw_stream(d,
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
        if (enc) bt_buf_printf(&b, "/Encoding %u 0 R\n", pd_objnum(enc));
        else bt_buf_adds(&b, "/Encoding /Identity-H\n");
        bt_buf_printf(&b, "/DescendantFonts [%u 0 R]\n/ToUnicode %u 0 R\n", pd_objnum(cid), pd_objnum(tu));
        HPDF_Dict t0 = pd_raw_dict(d, b.data);
        bt_buf_free(&b);
        if (!t0) break;
        bt_buf_printf(&res, "/F%d %u 0 R\n", f, pd_objnum(t0));
    }
    d->fontres = pd_raw_dict(d, NULL);
    if (d->fontres) pd_raw_set(d->fontres, &res);
    bt_buf_free(&res);
    if (!d->fontres || d->h.code) return pd_fail(d, e, "writing the fonts");
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
    int png = bt_image_is_png(use->data, use->len);
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
    HPDF_Dict_Add(an, "Contents", pd_text_string(d, url));
    int key = bt_pdfstruct_objr(d->ps, pg, pd_objnum(an), BT_TAG_URL, (size_t)-1);
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
            HPDF_Dict_Add(parent, "Title", pd_text_string(d, cat));
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
    HPDF_Dict_Add(ol, "Title", pd_text_string(d, a->title && *a->title ? a->title : "?"));
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
        int key = bt_pdfstruct_objr(d->ps, k->pg, pd_objnum(an), BT_TAG_TOC_ENTRY, k->entry);
        if (key >= 0) HPDF_Dict_AddNumber(an, "StructParent", key);
        HPDF_Dict_AddName(k->page, "Tabs", "S");
    }
    if (d->h.code) return pd_fail(d, e, "linking the contents");
    return BT_OK;
}

/* The contents' heading in the document's language. */
static const char *toc_heading(doc *d)
{
    return strncmp(pd_doc_lang(d->arts[0]), "vi", 2) == 0 ? "Mục lục" : "Contents";
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
        d->pageobj[pg] = pd_objnum(page);
        HPDF_Dict_AddNumber(page, "StructParents", (HPDF_INT32)pg);
        if (a && pi == 0) d->first[ai] = page;
        if (a && d->n > 1 && pi == 0) outline_article(d, page, a);
        if (!a && pi == 0) { /* the contents first in the outline */
            HPDF_Outline ol = HPDF_CreateOutline(d->pdf, NULL, "", NULL);
            HPDF_Destination dst = ol ? HPDF_Page_CreateDestination(page) : NULL;
            if (dst) {
                HPDF_Dict_Add(ol, "Title", pd_text_string(d, toc_heading(d)));
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
        unsigned char *z = pd_deflate(d, cs.data, cs.len, &zl);
        if (!z || !pd_stream_take(d, attr->contents, z, zl)) break;
        attr->stream = attr->contents->stream;
        bt_buf fl = {0};
        bt_buf_adds(&fl, "/Filter /FlateDecode\n");
        pd_raw_set(attr->contents, &fl);
        if (d->h.code) break;
    }
    bt_buf_free(&cs);
    free(img);
    if (d->h.code) return pd_fail(d, e, "writing a page");
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

/* ---------------------------------------------------------------- structure */

/* Number-tree leaves hold this many keys (a flat /Nums array up to twice as many). */
#define TREE_LEAF 256

static bt_status write_struct(doc *d, bt_err *e)
{
    size_t n = bt_pdfstruct_count(d->ps);
    HPDF_Dict root = pd_raw_dict(d, NULL);
    HPDF_Dict *objs = bt_xmalloc(n * sizeof *objs);
    unsigned *eo = bt_xmalloc(n * sizeof *eo);
    bt_status st = BT_OK;
    for (size_t i = 0; i < n; i++) {
        objs[i] = pd_raw_dict(d, NULL);
        if (!objs[i]) {
            st = pd_fail(d, e, "writing the structure tree");
            goto done;
        }
        eo[i] = pd_objnum(objs[i]);
    }
    bt_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i == 0) bt_buf_printf(&b, "/P %u 0 R\n", pd_objnum(root));
        bt_pdfstruct_elem_dict(d->ps, i, eo, d->pageobj, &b);
        pd_raw_set(objs[i], &b);
    }
    /* the parent tree: one /Nums array, or leaves under /Kids for long documents */
    size_t keys = bt_pdfstruct_parent_keys(d->ps);
    HPDF_Dict tree = pd_raw_dict(d, NULL);
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
            HPDF_Dict leaf = pd_raw_dict(d, NULL);
            if (!leaf) break;
            pd_raw_set(leaf, &b);
            bt_buf_printf(&kids, "%s%u 0 R", k ? " " : "", pd_objnum(leaf));
        }
        bt_buf_adds(&kids, "]\n");
        bt_buf_free(&b);
        b = kids;
    }
    if (!tree || !root) {
        bt_buf_free(&b);
        st = pd_fail(d, e, "writing the structure tree");
        goto done;
    }
    pd_raw_set(tree, &b);
    bt_buf_printf(&b, "/Type /StructTreeRoot\n/K %u 0 R\n/ParentTree %u 0 R\n/ParentTreeNextKey %zu\n", eo[0],
                  pd_objnum(tree), keys);
    pd_raw_set(root, &b);
    bt_buf_free(&b);
    HPDF_Dict cat = d->pdf->catalog;
    HPDF_Dict_Add(cat, "StructTreeRoot", root);
    HPDF_Dict mi = HPDF_Dict_New(d->pdf->mmgr);
    if (mi && HPDF_Dict_Add(cat, "MarkInfo", mi) == HPDF_OK) HPDF_Dict_AddBoolean(mi, "Marked", HPDF_TRUE);
    HPDF_Dict vp = HPDF_Dict_New(d->pdf->mmgr);
    if (vp && HPDF_Dict_Add(cat, "ViewerPreferences", vp) == HPDF_OK)
        HPDF_Dict_AddBoolean(vp, "DisplayDocTitle", HPDF_TRUE);
    if (d->h.code) st = pd_fail(d, e, "writing the structure tree");
done:
    free(objs);
    free(eo);
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
    pd_set_id(d); /* (from the text: before pass 2 may release it) */
    d->pageobj = bt_xcalloc(d->total ? d->total : 1, sizeof *d->pageobj);
    d->ps = bt_pdfstruct_new(pd_doc_lang(d->arts[0]), d->n, d->total);

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
    pd_set_info(d);
    if (d->o->embed_source) {
        st = pd_embed_sources(d, e);
        if (st) return st;
    }
    if (d->o->pdfa) {
        st = pd_write_pdfa(d, e);
        if (st) return st;
    }
    if (d->h.code) return pd_fail(d, e, "writing the document information");
    double t2 = now_ms();
    times.pages += t2 - tf;
    st = pd_save(d, fn, user, e);
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


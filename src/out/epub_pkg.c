/* epub_pkg.c - the EPUB package files (see epub_int.h): the navigation document with its
 * landmarks, the EPUB 2 NCX, the OPF (metadata, manifest, spine) and META-INF/container.xml. */
#include "epub_int.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_OPF "http://www.idpf.org/2007/opf"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_NCX "http://www.daisy.org/z3986/2005/ncx/"
#define NS_CONTAINER "urn:oasis:names:tc:opendocument:xmlns:container"

/* The label of an article in the tables of contents: "Title (27/05/2023)". */
static char *epub_toc_label(const epub_item *it)
{
    const char *t = it->a->title && *it->a->title ? it->a->title : "—";
    if (*it->date_label) return bt_xasprintf("%s (%s)", t, it->date_label);
    return bt_xstrdup(t);
}

bt_status epub_nav(book *b, unsigned char **out, size_t *olen, bt_err *e)
{
    xw x;
    if (xw_open(&x, b->cps) < 0) return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    xw_xhtml_head(&x, b->lang, b->L->toc, "toc");
    xw_start(&x, "nav");
    xw_attr(&x, "epub:type", "toc");
    xw_attr(&x, "id", "toc");
    xw_nl(&x);
    xw_elem(&x, "h1", NULL, b->L->toc);
    xw_nl(&x);
    xw_start(&x, "ol");
    xw_nl(&x);
    for (size_t g = 0; g < b->ngroups; g++) {
        const epub_group *gr = &b->groups[g];
        if (b->two_level) {
            char *lab = bt_xasprintf("%s (%zu)", gr->label, gr->count);
            xw_start(&x, "li");
            xw_start(&x, "a");
            xw_attr(&x, "href", b->items[gr->first].file);
            xw_text(&x, lab);
            xw_fend(&x);
            xw_nl(&x);
            xw_start(&x, "ol");
            xw_nl(&x);
            free(lab);
        }
        for (size_t i = gr->first; i < gr->first + gr->count; i++) {
            const epub_item *it = &b->items[i];
            const char *t = it->a->title && *it->a->title ? it->a->title : "—";
            xw_start(&x, "li");
            xw_start(&x, "a");
            xw_attr(&x, "href", it->file);
            xw_text(&x, t);
            if (*it->date_label) {
                xw_text(&x, " ");
                xw_start(&x, "span");
                xw_attr(&x, "class", "toc-date");
                xw_text(&x, "(");
                xw_text(&x, it->date_label);
                xw_text(&x, ")");
                xw_fend(&x);
            }
            xw_fend(&x);
            xw_fend(&x);
            xw_nl(&x);
        }
        if (b->two_level) {
            xw_fend(&x); /* ol */
            xw_fend(&x); /* li */
            xw_nl(&x);
        }
    }
    xw_fend(&x); /* ol */
    xw_nl(&x);
    xw_fend(&x); /* nav */
    xw_nl(&x);

    /* Landmarks: where the cover, title page, contents and first article are. */
    xw_start(&x, "nav");
    xw_attr(&x, "epub:type", "landmarks");
    xw_attr(&x, "id", "landmarks");
    xw_attr(&x, "hidden", "hidden");
    xw_nl(&x);
    xw_start(&x, "ol");
    xw_nl(&x);
    {
        const char *lm[4][3] = {{b->cover_name ? "cover" : NULL, "cover.xhtml", b->L->cover},
                                {b->digest ? "titlepage" : NULL, "title.xhtml", b->title},
                                {b->digest ? "toc" : NULL, "nav.xhtml#toc", b->L->toc},
                                {"bodymatter", b->items[0].file, b->L->start}};
        for (int i = 0; i < 4; i++) {
            if (!lm[i][0]) continue;
            xw_start(&x, "li");
            xw_start(&x, "a");
            xw_attr(&x, "epub:type", lm[i][0]);
            xw_attr(&x, "href", lm[i][1]);
            xw_text(&x, lm[i][2]);
            xw_fend(&x);
            xw_fend(&x);
            xw_nl(&x);
        }
    }
    xw_fend(&x); /* ol */
    xw_nl(&x);
    xw_fend(&x); /* nav */
    xw_nl(&x);
    xw_xhtml_tail(&x);
    if (xw_close(&x, out, olen) < 0) return bt_err_set(e, BT_EOTHER, "cannot write nav.xhtml");
    return BT_OK;
}

static void ncx_point(xw *x, size_t *np, int order, const char *label, const char *src)
{
    char id[32], po[32];
    snprintf(id, sizeof id, "np%zu", ++*np);
    snprintf(po, sizeof po, "%d", order);
    xw_start(x, "navPoint");
    xw_attr(x, "id", id);
    xw_attr(x, "playOrder", po);
    xw_start(x, "navLabel");
    xw_elem(x, "text", NULL, label);
    xw_end(x);
    xw_start(x, "content");
    xw_attr(x, "src", src);
    xw_end(x);
}

bt_status epub_ncx(book *b, unsigned char **out, size_t *olen, bt_err *e)
{
    xw x;
    size_t np = 0;
    int order = 0;
    if (xw_open(&x, NULL) < 0) return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    xmlTextWriterSetIndent(x.w, 1);
    xw_start(&x, "ncx");
    xw_attr(&x, "xmlns", NS_NCX);
    xw_attr(&x, "version", "2005-1");
    xw_attr(&x, "xml:lang", b->lang);
    xw_start(&x, "head");
    {
        const char *m[4][2] = {{"dtb:uid", b->uuid},
                               {"dtb:depth", b->two_level ? "2" : "1"},
                               {"dtb:totalPageCount", "0"},
                               {"dtb:maxPageNumber", "0"}};
        for (int i = 0; i < 4; i++) {
            xw_start(&x, "meta");
            xw_attr(&x, "name", m[i][0]);
            xw_attr(&x, "content", m[i][1]);
            xw_end(&x);
        }
    }
    xw_end(&x);
    xw_start(&x, "docTitle");
    xw_elem(&x, "text", NULL, b->title);
    xw_end(&x);
    xw_start(&x, "navMap");
    /* playOrder follows the reading order; a group entry shares its first article's number
     * because both point at the same file. */
    for (size_t g = 0; g < b->ngroups; g++) {
        const epub_group *gr = &b->groups[g];
        if (b->two_level) {
            char *lab = bt_xasprintf("%s (%zu)", gr->label, gr->count);
            ncx_point(&x, &np, order + 1, lab, b->items[gr->first].file);
            free(lab);
        }
        for (size_t i = gr->first; i < gr->first + gr->count; i++) {
            char *lab = epub_toc_label(&b->items[i]);
            ncx_point(&x, &np, ++order, lab, b->items[i].file);
            xw_end(&x);
            free(lab);
        }
        if (b->two_level) xw_end(&x);
    }
    xw_end(&x); /* navMap */
    xw_end(&x); /* ncx */
    if (xw_close(&x, out, olen) < 0) return bt_err_set(e, BT_EOTHER, "cannot write toc.ncx");
    return BT_OK;
}

/* Item i's article string field at off (author, category...) when it is set and no earlier
 * item has the same (the metadata lists each value once), else NULL. */
static const char *first_value(const book *b, size_t i, size_t off)
{
    const char *v = *(char *const *)((const char *)b->items[i].a + off);
    if (!v || !*v) return NULL;
    for (size_t k = 0; k < i; k++) {
        const char *w = *(char *const *)((const char *)b->items[k].a + off);
        if (w && strcmp(w, v) == 0) return NULL;
    }
    return v;
}

bt_status epub_opf(book *b, unsigned char **out, size_t *olen, bt_err *e)
{
    xw x;
    if (xw_open(&x, NULL) < 0) return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    xmlTextWriterSetIndent(x.w, 1);
    xw_start(&x, "package");
    xw_attr(&x, "xmlns", NS_OPF);
    xw_attr(&x, "version", "3.0");
    xw_attr(&x, "unique-identifier", "bookid");
    xw_attr(&x, "xml:lang", b->lang);
    xw_start(&x, "metadata");
    xw_attr(&x, "xmlns:dc", NS_DC);
    xw_start(&x, "dc:identifier");
    xw_attr(&x, "id", "bookid");
    xw_text(&x, b->uuid);
    xw_end(&x);
    xw_elem(&x, "dc:title", NULL, b->title);
    xw_elem(&x, "dc:language", NULL, b->lang);
    xw_elem(&x, "dc:date", NULL, b->date);
    {
        /* Creators: the override, else the distinct article authors, else "unknown". */
        size_t ncre = 0;
        if (b->o->author && *b->o->author) {
            xw_elem(&x, "dc:creator", NULL, b->o->author);
            ncre++;
        } else {
            for (size_t i = 0; i < b->n && ncre < 50; i++) {
                const char *au = first_value(b, i, offsetof(bt_article, author));
                if (!au) continue;
                xw_elem(&x, "dc:creator", NULL, au);
                ncre++;
            }
        }
        if (!ncre) xw_elem(&x, "dc:creator", NULL, b->L->unknown_author);
    }
    if (b->o->publisher && *b->o->publisher) xw_elem(&x, "dc:publisher", NULL, b->o->publisher);
    for (size_t i = 0; i < b->n; i++) {
        const char *c = first_value(b, i, offsetof(bt_article, category));
        if (c) xw_elem(&x, "dc:subject", NULL, c);
    }
    for (size_t i = 0; i < b->n; i++) {
        const char *src = first_value(b, i, offsetof(bt_article, source_url));
        if (src) xw_elem(&x, "dc:source", NULL, src);
    }
    xw_start(&x, "meta");
    xw_attr(&x, "property", "dcterms:modified");
    xw_text(&x, b->modified);
    xw_end(&x);
    if (b->cover_name) {
        xw_start(&x, "meta");
        xw_attr(&x, "name", "cover");
        xw_attr(&x, "content", "cover-image");
        xw_end(&x);
    }
    xw_end(&x); /* metadata */

    xw_start(&x, "manifest");
#define ITEM(id_, href_, mt_, props_)                                                             \
    do {                                                                                          \
        xw_start(&x, "item");                                                                  \
        xw_attr(&x, "id", id_);                                                                \
        xw_attr(&x, "href", href_);                                                            \
        xw_attr(&x, "media-type", mt_);                                                        \
        const char *item_props = (props_);                                                        \
        if (item_props) xw_attr(&x, "properties", item_props);                                 \
        xw_end(&x);                                                                            \
    } while (0)
    ITEM("nav", "nav.xhtml", "application/xhtml+xml", "nav");
    ITEM("ncx", "toc.ncx", "application/x-dtbncx+xml", (const char *)NULL);
    ITEM("css", "style.css", "text/css", (const char *)NULL);
    for (size_t i = 0; i < b->fonts.n; i++)
        ITEM(b->fonts.f[i].id, b->fonts.f[i].name, b->fonts.f[i].mime, (const char *)NULL);
    for (size_t i = 0; i < b->files.n; i++)
        ITEM(b->files.f[i].id, b->files.f[i].name, b->files.f[i].mime, b->files.f[i].props);
#undef ITEM
    xw_end(&x); /* manifest */

    xw_start(&x, "spine");
    xw_attr(&x, "toc", "ncx");
    for (size_t i = 0; i < b->files.n; i++) {
        const epub_file *f = &b->files.f[i];
        if (strcmp(f->mime, "application/xhtml+xml") != 0) continue;
        xw_start(&x, "itemref");
        xw_attr(&x, "idref", f->id);
        xw_end(&x);
        if (b->digest && strcmp(f->id, "titlepage") == 0) {
            xw_start(&x, "itemref");
            xw_attr(&x, "idref", "nav");
            xw_end(&x);
        }
    }
    xw_end(&x); /* spine */
    xw_end(&x); /* package */
    if (xw_close(&x, out, olen) < 0) return bt_err_set(e, BT_EOTHER, "cannot write content.opf");
    return BT_OK;
}

bt_status epub_container(unsigned char **out, size_t *olen, bt_err *e)
{
    xw x;
    if (xw_open(&x, NULL) < 0) return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    xmlTextWriterSetIndent(x.w, 1);
    xw_start(&x, "container");
    xw_attr(&x, "version", "1.0");
    xw_attr(&x, "xmlns", NS_CONTAINER);
    xw_start(&x, "rootfiles");
    xw_start(&x, "rootfile");
    xw_attr(&x, "full-path", "OEBPS/content.opf");
    xw_attr(&x, "media-type", "application/oebps-package+xml");
    xw_end(&x);
    xw_end(&x);
    xw_end(&x);
    if (xw_close(&x, out, olen) < 0) return bt_err_set(e, BT_EOTHER, "cannot write container.xml");
    return BT_OK;
}

/* pdf_struct.c - the structure tree of a tagged PDF (see pdf_struct.h). */
#include "pdf_struct.h"

#include <stdlib.h>
#include <string.h>

#include "pdf_content.h"

typedef enum { K_ELEM, K_MCID, K_OBJR } kidkind;

typedef struct {
    kidkind kind;
    unsigned v;    /* element index, MCID, or annotation object number */
    size_t page;   /* MCID and OBJR */
} kid;

typedef struct {
    const char *type;
    bt_tag tag;        /* what made it (for annotations to find their Link) */
    size_t block;
    size_t parent;
    kid *kids;
    size_t nkids, cap;
    size_t page;       /* the page of its first content ((size_t)-1: none) */
    char *alt;         /* Figure */
    char *lang;        /* when it differs from the document's */
    char *title;       /* /T: an article's title */
} elem;

typedef struct {
    unsigned *elems; /* element of each MCID */
    size_t n, cap;
} pagemap;

struct bt_pdfstruct {
    elem *e;
    size_t n, cap;
    pagemap *pages;
    size_t npages;
    size_t *objr;    /* element of each annotation key (after the pages) */
    size_t nobjr;
    char *doclang;
    size_t narticles;
    size_t keybase;  /* the document's page count: annotation keys come after the pages' */
    /* where new elements go */
    const bt_article *art;
    size_t top;      /* Document or Art */
    size_t toc, toc_sub; /* the contents' TOC, and the TOC of the current category in it */
    size_t *toc_link;    /* the Link element of each contents entry */
    size_t ntoc_link;
    /* the element the last marked sequence went to, and what it was */
    size_t last;
    bt_tag last_tag;
    size_t last_block;
    size_t list;     /* the current L, (size_t)-1 when the last block was not a list item */
    size_t li, li_block; /* the current LI and its block */
};

#define NONE ((size_t)-1)

static size_t add_elem(bt_pdfstruct *s, const char *type, size_t parent)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->e = bt_xrealloc(s->e, s->cap * sizeof *s->e);
    }
    size_t i = s->n++;
    elem *x = &s->e[i];
    memset(x, 0, sizeof *x);
    x->type = type;
    x->parent = parent;
    x->page = NONE;
    if (parent != NONE) {
        elem *p = &s->e[parent];
        if (p->nkids == p->cap) {
            p->cap = p->cap ? p->cap * 2 : 4;
            p->kids = bt_xrealloc(p->kids, p->cap * sizeof *p->kids);
        }
        p->kids[p->nkids++] = (kid){K_ELEM, (unsigned)i, 0};
    }
    return i;
}

static void add_kid(bt_pdfstruct *s, size_t el, kid k)
{
    elem *x = &s->e[el];
    if (x->nkids == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 4;
        x->kids = bt_xrealloc(x->kids, x->cap * sizeof *x->kids);
    }
    x->kids[x->nkids++] = k;
    if (k.kind != K_ELEM && x->page == NONE) x->page = k.page;
}

static void ensure_page(bt_pdfstruct *s, size_t page)
{
    if (page < s->npages) return;
    s->pages = bt_xrealloc(s->pages, (page + 1) * sizeof *s->pages);
    memset(s->pages + s->npages, 0, (page + 1 - s->npages) * sizeof *s->pages);
    s->npages = page + 1;
}

bt_pdfstruct *bt_pdfstruct_new(const char *doclang, size_t articles, size_t pages)
{
    bt_pdfstruct *s = bt_xcalloc(1, sizeof *s);
    s->keybase = pages;
    if (pages) ensure_page(s, pages - 1);
    s->doclang = bt_xstrdup(doclang ? doclang : "");
    s->narticles = articles;
    s->top = add_elem(s, "Document", NONE);
    s->last = s->list = s->li = NONE;
    s->toc = s->toc_sub = NONE;
    return s;
}

void bt_pdfstruct_free(bt_pdfstruct *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->e[i].kids);
        free(s->e[i].alt);
        free(s->e[i].lang);
        free(s->e[i].title);
    }
    free(s->e);
    for (size_t i = 0; i < s->npages; i++) free(s->pages[i].elems);
    free(s->pages);
    free(s->objr);
    free(s->toc_link);
    free(s->doclang);
    free(s);
}

static void reset_current(bt_pdfstruct *s)
{
    s->last = s->list = s->li = NONE;
    s->last_tag = BT_TAG_ARTIFACT;
    s->last_block = NONE;
}

void bt_pdfstruct_contents(bt_pdfstruct *s)
{
    s->art = NULL;
    s->top = 0;
    s->toc = s->toc_sub = NONE;
    reset_current(s);
}

void bt_pdfstruct_article(bt_pdfstruct *s, const bt_article *a)
{
    s->art = a;
    reset_current(s);
    const char *lang = a->language && *a->language ? a->language : NULL;
    if (s->narticles > 1) {
        s->top = add_elem(s, "Art", 0);
        if (a->title && *a->title) s->e[s->top].title = bt_xstrdup(a->title);
        if (lang && strcmp(lang, s->doclang) != 0 && strlen(lang) < 36 &&
            strspn(lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(lang))
            s->e[s->top].lang = bt_xstrdup(lang);
    } else {
        s->top = 0;
    }
}

static const char *const heading[] = {"H1", "H2", "H3", "H4", "H5", "H6"};

/* The element for a new sequence of (tag, block). */
static size_t element_for(bt_pdfstruct *s, const bt_item *it, const char **type)
{
    const bt_article *a = s->art;
    const bt_block *b = a && it->block != NONE && it->block < a->nblocks ? &a->blocks[it->block] : NULL;
    int listy = it->tag == BT_TAG_LABEL || (it->tag == BT_TAG_BLOCK && b && b->type == BT_BLOCK_LIST_ITEM);
    if (!listy) s->list = NONE;
    switch (it->tag) {
    case BT_TAG_TITLE:
        *type = "H1";
        return add_elem(s, "H1", s->top);
    case BT_TAG_URL: {
        *type = "Link";
        return add_elem(s, "Link", s->top);
    }
    case BT_TAG_TOC_TITLE:
        *type = "H1";
        return add_elem(s, "H1", 0);
    case BT_TAG_TOC_SECTION: {
        /* TOC -> TOCI -> (P: the category, TOC: its articles) */
        if (s->toc == NONE) s->toc = add_elem(s, "TOC", 0);
        size_t toci = add_elem(s, "TOCI", s->toc);
        size_t p = add_elem(s, "P", toci);
        s->toc_sub = add_elem(s, "TOC", toci);
        *type = "P";
        return p;
    }
    case BT_TAG_TOC_ENTRY: {
        /* TOCI -> Reference -> Link (the annotation's OBJR joins the Link) */
        if (s->toc == NONE) s->toc = add_elem(s, "TOC", 0);
        size_t toci = add_elem(s, "TOCI", s->toc_sub != NONE ? s->toc_sub : s->toc);
        size_t ref = add_elem(s, "Reference", toci);
        size_t link = add_elem(s, "Link", ref);
        if (it->block != NONE) {
            if (it->block >= s->ntoc_link) {
                size_t m = it->block + 1 > 2 * s->ntoc_link ? it->block + 1 : 2 * s->ntoc_link;
                s->toc_link = bt_xrealloc(s->toc_link, m * sizeof *s->toc_link);
                for (size_t k = s->ntoc_link; k < m; k++) s->toc_link[k] = NONE;
                s->ntoc_link = m;
            }
            s->toc_link[it->block] = link;
        }
        *type = "Link";
        return link;
    }
    case BT_TAG_LABEL:
        /* a list item starts with its marker; consecutive items share one L */
        if (s->list == NONE) s->list = add_elem(s, "L", s->top);
        s->li = add_elem(s, "LI", s->list);
        s->li_block = it->block;
        *type = "Lbl";
        return add_elem(s, "Lbl", s->li);
    case BT_TAG_BLOCK:
        if (!b) break;
        switch (b->type) {
        case BT_BLOCK_HEADING: {
            int lv = b->level < 2 ? 2 : b->level > 6 ? 6 : b->level;
            *type = heading[lv - 1];
            return add_elem(s, *type, s->top);
        }
        case BT_BLOCK_CAPTION:
            *type = "Caption";
            return add_elem(s, "Caption", s->top);
        case BT_BLOCK_QUOTE:
            *type = "BlockQuote";
            return add_elem(s, "BlockQuote", s->top);
        case BT_BLOCK_IMAGE: {
            *type = "Figure";
            size_t f = add_elem(s, "Figure", s->top);
            const char *alt = b->text && *b->text ? b->text : NULL;
            if (!alt && it->block + 1 < a->nblocks && a->blocks[it->block + 1].type == BT_BLOCK_CAPTION)
                alt = a->blocks[it->block + 1].text;
            if (!alt || !*alt) {
                const char *lang = a->language ? a->language : s->doclang;
                alt = strncmp(lang, "vi", 2) == 0 ? "Hình ảnh" : "Image";
            }
            s->e[f].alt = bt_xstrdup(alt);
            return f;
        }
        case BT_BLOCK_LIST_ITEM:
            if (s->li != NONE && s->li_block == it->block) {
                *type = "LBody";
                return add_elem(s, "LBody", s->li);
            }
            /* an item without a marker */
            if (s->list == NONE) s->list = add_elem(s, "L", s->top);
            s->li = add_elem(s, "LI", s->list);
            s->li_block = it->block;
            *type = "LBody";
            return add_elem(s, "LBody", s->li);
        case BT_BLOCK_PARAGRAPH:
        case BT_BLOCK_BOX: /* a line of a fact box */
            break;
        }
        break;
    default:
        break;
    }
    *type = "P";
    return add_elem(s, "P", s->top);
}

static void page_add(bt_pdfstruct *s, size_t page, size_t el)
{
    pagemap *pm = &s->pages[page];
    if (pm->n == pm->cap) {
        pm->cap = pm->cap ? pm->cap * 2 : 16;
        pm->elems = bt_xrealloc(pm->elems, pm->cap * sizeof *pm->elems);
    }
    pm->elems[pm->n++] = (unsigned)el;
}

int bt_pdfstruct_mark(bt_pdfstruct *s, size_t page, const bt_item *it, const char **tag)
{
    ensure_page(s, page);
    if (it->role == BT_ROLE_HEADER) {
        *tag = "<</Type /Pagination /Subtype /Header>>";
        return -1;
    }
    if (it->role == BT_ROLE_FOOTER) {
        *tag = "<</Type /Pagination /Subtype /Footer>>";
        return -1;
    }
    if (it->tag == BT_TAG_ARTIFACT || it->kind == BT_ITEM_RULE) {
        *tag = "<</Type /Layout>>";
        return -1;
    }
    size_t el;
    /* the same element as the last sequence (a paragraph going on after a page break) */
    if (s->last != NONE && s->last_tag == it->tag && s->last_block == it->block && it->tag != BT_TAG_LABEL) {
        el = s->last;
        *tag = s->e[el].type;
    } else {
        el = element_for(s, it, tag);
        s->e[el].tag = it->tag;
        s->e[el].block = it->block;
        s->last = el;
        s->last_tag = it->tag;
        s->last_block = it->block;
    }
    int mcid = (int)s->pages[page].n;
    page_add(s, page, el);
    add_kid(s, el, (kid){K_MCID, (unsigned)mcid, page});
    return mcid;
}

int bt_pdfstruct_objr(bt_pdfstruct *s, size_t page, unsigned annot, bt_tag tag, size_t block)
{
    size_t el = NONE;
    if (tag == BT_TAG_TOC_ENTRY) /* added after the articles: found by the entry's index */
        el = block < s->ntoc_link ? s->toc_link[block] : NONE;
    for (size_t i = tag == BT_TAG_TOC_ENTRY ? 0 : s->n; i-- > 1;) {
        if (s->e[i].tag == tag && s->e[i].block == block && s->e[i].type && strcmp(s->e[i].type, "Link") == 0) {
            el = i;
            break;
        }
        if (i == s->top) break;
    }
    if (el == NONE) return -1;
    ensure_page(s, page);
    add_kid(s, el, (kid){K_OBJR, annot, page});
    s->objr = bt_xrealloc(s->objr, (s->nobjr + 1) * sizeof *s->objr);
    s->objr[s->nobjr++] = el;
    return (int)(s->keybase + s->nobjr - 1);
}

size_t bt_pdfstruct_count(const bt_pdfstruct *s) { return s->n; }

void bt_pdfstruct_elem_dict(const bt_pdfstruct *s, size_t i, const unsigned *elemobj, const unsigned *pageobj,
                            bt_buf *out)
{
    const elem *x = &s->e[i];
    bt_buf_printf(out, "/Type /StructElem\n/S /%s\n", x->type);
    if (x->parent != NONE) bt_buf_printf(out, "/P %u 0 R\n", elemobj[x->parent]);
    if (x->page != NONE) bt_buf_printf(out, "/Pg %u 0 R\n", pageobj[x->page]);
    if (x->title) {
        bt_buf_adds(out, "/T ");
        bt_pdf_text_hex(out, x->title);
        bt_buf_addc(out, '\n');
    }
    if (x->alt) {
        bt_buf_adds(out, "/Alt ");
        bt_pdf_text_hex(out, x->alt);
        bt_buf_addc(out, '\n');
    }
    if (x->lang) bt_buf_printf(out, "/Lang (%s)\n", x->lang);
    if (x->nkids == 0) return;
    bt_buf_adds(out, x->nkids > 1 ? "/K [" : "/K ");
    for (size_t k = 0; k < x->nkids; k++) {
        const kid *c = &x->kids[k];
        if (k) bt_buf_addc(out, ' ');
        if (c->kind == K_ELEM) bt_buf_printf(out, "%u 0 R", elemobj[c->v]);
        else if (c->kind == K_MCID && c->page == x->page) bt_buf_printf(out, "%u", c->v);
        else if (c->kind == K_MCID)
            bt_buf_printf(out, "<< /Type /MCR /Pg %u 0 R /MCID %u >>", pageobj[c->page], c->v);
        else bt_buf_printf(out, "<< /Type /OBJR /Obj %u 0 R /Pg %u 0 R >>", c->v, pageobj[c->page]);
    }
    bt_buf_adds(out, x->nkids > 1 ? "]\n" : "\n");
}

size_t bt_pdfstruct_parent_keys(const bt_pdfstruct *s) { return s->keybase + s->nobjr; }

void bt_pdfstruct_parent_tree(const bt_pdfstruct *s, size_t from, size_t to, const unsigned *elemobj,
                              bt_buf *out)
{
    for (size_t k = from; k < to; k++) {
        if (k < s->keybase) {
            static const pagemap empty;
            const pagemap *pm = k < s->npages ? &s->pages[k] : &empty;
            bt_buf_printf(out, "%zu [", k);
            for (size_t j = 0; j < pm->n; j++) bt_buf_printf(out, "%s%u 0 R", j ? " " : "", elemobj[pm->elems[j]]);
            bt_buf_adds(out, "]\n");
        } else {
            bt_buf_printf(out, "%zu %u 0 R\n", k, elemobj[s->objr[k - s->keybase]]);
        }
    }
}

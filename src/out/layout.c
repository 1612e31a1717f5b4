/* layout.c - articles -> pages of positioned runs (see layout.h): the title block and the
 * blocks put on pages and columns, running heads, the contents page; the lines themselves come
 * from layout_text.c. Never calls a PDF library. */
#include "layout_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image.h"
#include "text.h"

/* Colours. */
#define C_TEXT 0x111111u
#define C_CATEGORY 0xA0161Bu
#define C_MUTED 0x555555u
#define C_CAPTION 0x4A4A4Au
#define C_RULE 0xBBBBBBu
#define C_LINK 0x1F4E8Cu

/* ---------------------------------------------------------------- paper */

static const bt_page_geom papers[] = {
    {"a4", 595.276, 841.890, 62.0, 62.0, 68.0, 68.0, 10.5, 1.45, NULL, 0, 0},
    {"a5", 419.528, 595.276, 42.0, 42.0, 54.0, 54.0, 9.5, 1.45, NULL, 0, 0},
    {"letter", 612.0, 792.0, 66.0, 66.0, 66.0, 66.0, 10.5, 1.45, NULL, 0, 0},
};

int bt_layout_paper(const char *name, bt_page_geom *g)
{
    if (!name) name = "a4";
    for (size_t i = 0; i < sizeof papers / sizeof papers[0]; i++)
        if (strcasecmp(name, papers[i].name) == 0) {
            if (g) *g = papers[i];
            return 1;
        }
    return 0;
}

/* ---------------------------------------------------------------- pagination */

static bt_page *new_page(ctx *c, size_t article)
{
    bt_layout *L = c->L;
    L->pages = lay_grow(L->pages, &L->cap, L->npages + 1, sizeof *L->pages);
    bt_page *p = &L->pages[L->npages++];
    memset(p, 0, sizeof *p);
    p->article = article;
    c->page = p;
    c->cursor = c->g->height - c->g->top;
    c->at_top = 1;
    c->col = 0;
    c->col_top = c->cursor;
    c->bottom = c->g->bottom;
    if (!c->in_title && (size_t)(p - L->pages) == c->balance_page && c->col_top - c->balance_h > c->bottom)
        c->bottom = c->col_top - c->balance_h;
    return p;
}

/* The columns start here (under the title block, or at the top of a page). */
static void columns_start(ctx *c)
{
    c->col_top = c->cursor;
    c->bottom = c->g->bottom;
    if ((size_t)(c->page - c->L->pages) == c->balance_page && c->col_top - c->balance_h > c->bottom)
        c->bottom = c->col_top - c->balance_h;
}

/* Continue in the next column, or on a new page after the last one. */
static void next_column(ctx *c, size_t article)
{
    if (c->col + 1 < c->ncols) {
        c->col++;
        c->cursor = c->col_top;
        c->at_top = 1;
        return;
    }
    new_page(c, article);
}

static void page_add(bt_page *p, const bt_item *it)
{
    p->items = lay_grow(p->items, &p->cap, p->nitems + 1, sizeof *p->items);
    p->items[p->nitems++] = *it;
}

/* Put a line on the page. page_end: it is the page's last line; a page never ends with a
 * drawn hyphen, which pdftotext would join to the page footer. */
static void place_line_at(ctx *c, const fline *ln, int page_end)
{
    double base = c->cursor - ln->ascent;
    size_t n = ln->nitems;
    if (page_end && ln->hyph == 1 && n > 1) n--;
    for (size_t i = 0; i < n; i++) {
        bt_item it = c->items[ln->item0 + i];
        it.x += c->g->left + c->col * (c->colw + c->colgap);
        it.y += base;
        it.role = BT_ROLE_BODY;
        page_add(c->page, &it);
    }
    c->cursor -= ln->height;
    c->at_top = 0;
}

static void place_line(ctx *c, const fline *ln) { place_line_at(c, ln, 0); }

static double lines_height(const fblock *fb, size_t from, size_t to)
{
    double h = 0;
    for (size_t i = from; i < to && i < fb->n; i++) h += fb->lines[i].height;
    return h;
}

/* Number of lines of fb, from line i, that fit in the free space. */
static size_t fit_lines(const ctx *c, const fblock *fb, size_t i, double space)
{
    double y = c->cursor - space;
    size_t k = 0;
    while (i + k < fb->n && y - fb->lines[i + k].height >= c->bottom - 1e-6) {
        y -= fb->lines[i + k].height;
        k++;
    }
    return k;
}

static void place_block(ctx *c, size_t article, const fblock *fb, const fblock *next)
{
    if (fb->n == 0) return;
    double space = c->at_top ? 0 : fb->space_before;
    /* keep with next: this block and the first two lines of the next must share a page */
    if (fb->keep_with_next && next && next->n && !c->at_top) {
        double need = space + lines_height(fb, 0, fb->n) + next->space_before +
                      lines_height(next, 0, next->n < 2 ? next->n : 2);
        if (c->cursor - need < c->bottom - 1e-6) {
            next_column(c, article);
            space = 0;
        }
    }
    size_t i = 0;
    while (i < fb->n) {
        size_t rest = fb->n - i;
        size_t k = fit_lines(c, fb, i, space);
        if (k >= rest) {
            c->cursor -= space;
            for (size_t j = i; j < fb->n; j++) place_line(c, &fb->lines[j]);
            return;
        }
        /* not all fit: no orphan (one line at the foot) and no widow (one at the head) */
        if (fb->keep_together || rest < 4) k = 0;
        else {
            if (rest - k < 2) k = rest - 2;
            if (k < 2) k = 0;
        }
        if (k == 0) {
            if (c->at_top) { /* cannot fit even on an empty page: force one line */
                k = fit_lines(c, fb, i, 0);
                if (k == 0) k = 1;
            } else {
                next_column(c, article);
                space = 0;
                continue;
            }
        }
        /* the page's last line should not end inside a word: give it to the next page when
         * the widow and orphan rules allow */
        if (k > 2 && fb->lines[i + k - 1].hyph && !fb->lines[i + k - 2].hyph) k--;
        c->cursor -= space;
        for (size_t j = i; j < i + k; j++) place_line_at(c, &fb->lines[j], j + 1 == i + k);
        i += k;
        next_column(c, article);
        space = 0;
    }
}

/* ---------------------------------------------------------------- one article */

/* Title shortened with an ellipsis at a word boundary to fit width. Heap string. */
static char *shorten(ctx *c, bt_face face, double size, const char *s, double width)
{
    if (lay_measure(c, face, size, s, strlen(s)) <= width) return bt_xstrdup(s);
    static const char ell[] = "\xE2\x80\xA6";
    double ew = lay_measure(c, face, size, ell, 3);
    size_t len = strlen(s), cut = 0;
    double w = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = bt_utf8_decode(s + i, len - i, &cp);
        if (!n) n = 1;
        double cw = lay_measure(c, face, size, s + i, n);
        if (w + cw + ew > width) break;
        w += cw;
        i += n;
        if (cp == ' ') cut = i - 1;
    }
    if (cut == 0 || cut < i / 2) cut = i;
    while (cut > 0 && s[cut - 1] == ' ') cut--;
    char *out = bt_xmalloc(cut + 4);
    memcpy(out, s, cut);
    memcpy(out + cut, ell, 4);
    return out;
}

static void add_text_item(ctx *c, bt_page *p, bt_item_role role, bt_face face, double size, unsigned color,
                          double x, double y, const char *s)
{
    /* Through a scratch line so missing glyphs and fallback faces are handled alike. */
    fline ln = {c->nitems, 0, 0, 0, 0};
    c->tag = BT_TAG_ARTIFACT;
    lay_emit(c, &ln, face, size, color, x, s, strlen(s), NOBLOCK);
    for (size_t i = 0; i < ln.nitems; i++) {
        bt_item it = c->items[ln.item0 + i];
        it.y = y;
        it.role = role;
        page_add(p, &it);
    }
    c->nitems = ln.item0;
}

/* One running line of a template (header or footer): its three slots, placeholders filled. */
static void band(ctx *c, bt_page *p, const bt_tpl_band *b, bt_item_role role, bt_text_role r, double y,
                 const bt_tpl_vars *v)
{
    const bt_page_geom *g = c->g;
    style s = lay_style(c, role == BT_ROLE_HEADER ? BT_FACE_ITALIC : BT_FACE_REGULAR, 0.78, 1.2, C_MUTED, AL_LEFT);
    lay_tpl_style(c, &s, r, NULL);
    const char *fmt[3] = {b->left, b->center, b->right};
    char *txt[3];
    int n = 0;
    for (int k = 0; k < 3; k++) {
        txt[k] = bt_template_expand(fmt[k], v);
        n += *txt[k] != '\0';
    }
    for (int k = 0; k < 3; k++) {
        if (!*txt[k]) {
            free(txt[k]);
            continue;
        }
        double room = n == 1 ? c->fullw : k == 1 ? c->fullw / 3 : c->fullw / (n == 2 ? 2 : 3) - s.size;
        char *t = shorten(c, s.face, s.size, txt[k], room);
        double w = lay_measure(c, s.face, s.size, t, strlen(t));
        double x = k == 0 ? g->left : k == 1 ? g->left + (c->fullw - w) / 2 : g->left + c->fullw - w;
        add_text_item(c, p, role, s.face, s.size, s.color, x, y, t);
        free(t);
        free(txt[k]);
    }
    if (b->rule && n) {
        bt_item ru = {0};
        ru.kind = BT_ITEM_RULE;
        ru.role = role;
        ru.x = g->left;
        ru.y = role == BT_ROLE_HEADER ? y - s.size * 0.6 : y + s.size * 1.2;
        ru.w = c->fullw;
        ru.h = 0.4;
        ru.color = c->t->color_given[BT_COLOR_RULE] ? c->t->color[BT_COLOR_RULE] : C_RULE;
        ru.block = NOBLOCK;
        page_add(p, &ru);
    }
}

static void running_heads(ctx *c, size_t article, size_t first)
{
    bt_layout *L = c->L;
    const bt_page_geom *g = c->g;
    int count = (int)(L->npages - first);
    double hs = lay_body(c) * 0.78;
    /* the numbers printed: the article's own, or the bulletin's (g->page_first) */
    int base = g->page_first ? g->page_first - 1 : -(int)first;
    int total = !g->page_first ? count : g->page_total ? g->page_total : base + (int)L->npages;
    if (c->t && (c->t->header.set || c->t->footer.set)) {
        char day[16] = "";
        const bt_date *d = &c->art->published;
        if (d->year) snprintf(day, sizeof day, "%02d/%02d/%04d", d->day, d->month, d->year);
        for (size_t i = first; i < L->npages; i++) {
            bt_page *p = &L->pages[i];
            p->number = (int)(i - first + 1);
            p->count = count;
            bt_tpl_vars v = {c->t->org, c->art->title, c->art->category, day, base + (int)i + 1, total};
            if (p->number > 1 || c->t->header.first_page)
                band(c, p, &c->t->header, BT_ROLE_HEADER, BT_TR_HEADER, g->height - g->top + hs * 1.9, &v);
            if (p->number > 1 || c->t->footer.first_page)
                band(c, p, &c->t->footer, BT_ROLE_FOOTER, BT_TR_FOOTER, g->bottom - hs * 2.6, &v);
        }
        return;
    }
    /* in the regular face: its glyphs are nearly all in the text already (a smaller font subset) */
    char *title = shorten(c, BT_FACE_REGULAR, hs, c->art->title ? c->art->title : "", c->fullw);
    for (size_t i = first; i < L->npages; i++) {
        bt_page *p = &L->pages[i];
        p->number = (int)(i - first + 1);
        p->count = count;
        if (p->number > 1 && *title) {
            double y = g->height - g->top + hs * 1.9;
            add_text_item(c, p, BT_ROLE_HEADER, BT_FACE_REGULAR, hs, C_MUTED, g->left, y, title);
            bt_item r = {0};
            r.kind = BT_ITEM_RULE;
            r.role = BT_ROLE_HEADER;
            r.x = g->left;
            r.y = y - hs * 0.6;
            r.w = c->fullw;
            r.h = 0.4;
            r.color = C_RULE;
            r.block = NOBLOCK;
            page_add(p, &r);
        }
        char num[64];
        snprintf(num, sizeof num, "Trang %d/%d", base + (int)i + 1, total);
        double w = lay_measure(c, BT_FACE_REGULAR, hs, num, strlen(num));
        add_text_item(c, p, BT_ROLE_FOOTER, BT_FACE_REGULAR, hs, C_MUTED, g->left + (c->fullw - w) / 2,
                      g->bottom - hs * 2.6, num);
    }
    free(title);
}

static void image_block(ctx *c, fblock *fb, const bt_block *b, size_t bi)
{
    const bt_image *img = b->image;
    if (!img || !img->data || img->len == 0) return;
    int pw = img->width, ph = img->height;
    int dw, dh;
    if (!bt_image_dimensions(img->data, img->len, &dw, &dh)) {
        if (!c->quiet) bt_article_warn(c->art, "image %s: not a readable JPEG or PNG; left out",
                        img->name ? img->name : "(unnamed)");
        return;
    }
    pw = dw;
    ph = dh;
    double maxh = (c->g->height - c->g->top - c->g->bottom) * 0.55;
    double w = c->colw, h = w * ph / pw;
    if (h > maxh) {
        h = maxh;
        w = h * pw / ph;
    }
    /* small images are not blown up beyond twice their pixel size at 72 dpi */
    if (w > pw * 2.0 && pw * 2.0 < c->colw) {
        w = pw * 2.0;
        h = ph * 2.0;
    }
    fline *ln = lay_line(fb, c, h, h);
    bt_item *it = lay_item(c);
    it->kind = BT_ITEM_IMAGE;
    it->x = (c->colw - w) / 2;
    it->y = 0;
    it->w = w;
    it->h = h;
    it->image = img;
    it->block = bi;
    it->tag = BT_TAG_BLOCK;
    ln->nitems = 1;
}

static void rule_line(ctx *c, fblock *fb, double gap)
{
    fline *ln = lay_line(fb, c, gap, gap / 2);
    bt_item *it = lay_item(c);
    it->kind = BT_ITEM_RULE;
    it->x = 0;
    it->y = 0;
    it->w = c->colw;
    it->h = 0.6;
    it->color = C_RULE;
    ln->nitems = 1;
}

/* The masthead of a template: the organisation's name, a second line (the date), a double rule;
 * page furniture, not the article's text (an artifact). */
static void masthead(ctx *c, fblock *tb)
{
    const bt_tpl_masthead *m = &c->t->masthead;
    char *date = bt_date_vi(&c->art->published);
    bt_tpl_vars v = {c->t->org, c->art->title, c->art->category, date, 1, 1};
    char *name = bt_template_expand(m->title, &v), *sub = bt_template_expand(m->subtitle, &v);
    c->tag = BT_TAG_ARTIFACT;
    if (m->logo_image && m->logo_image->width > 0 && m->logo_image->height > 0) {
        const bt_image *im = m->logo_image;
        double h = bt_len_pt(m->logo_height, lay_body(c)), w = h * im->width / im->height;
        if (w > c->colw) {
            w = c->colw;
            h = w * im->height / im->width;
        }
        fline *ln = lay_line(tb, c, h + lay_body(c) * 0.3, h);
        bt_item *it = lay_item(c);
        it->kind = BT_ITEM_IMAGE;
        it->x = (c->colw - w) / 2;
        it->w = w;
        it->h = h;
        it->image = im;
        it->tag = BT_TAG_ARTIFACT; /* the logo is page furniture, not a figure of the article */
        ln->nitems = 1;
    }
    if (*name) {
        style s = lay_style(c, BT_FACE_BOLD, 2.6, 1.15, C_CATEGORY, AL_CENTER);
        lay_tpl_style(c, &s, BT_TR_MASTHEAD, NULL);
        lay_format(c, tb, &s, name, NOBLOCK);
    }
    if (*sub) {
        style s = lay_style(c, BT_FACE_ITALIC, 0.9, 1.4, C_MUTED, AL_CENTER);
        double gap = lay_body(c) * 0.2;
        lay_tpl_style(c, &s, BT_TR_MASTHEAD_SUB, &gap);
        lay_line(tb, c, gap, 0);
        lay_format(c, tb, &s, sub, NOBLOCK);
    }
    if (m->rule) {
        rule_line(c, tb, lay_body(c) * 0.5);
        rule_line(c, tb, lay_body(c) * 1.2);
    }
    free(name);
    free(sub);
    free(date);
}

static void layout_once(ctx *c, size_t ai)
{
    bt_article *a = c->art;
    size_t first = c->L->npages;
    c->L->first_page[ai] = first;
    int span = c->ncols > 1 && c->t && c->t->span_title;
    c->colw = span ? c->fullw : c->column_w;
    c->in_title = span;
    new_page(c, ai);
    lay_missing_reset(c);

    /* title block */
    fblock tb = {0};
    tb.keep_together = 1;
    if (c->t && c->t->masthead.on) masthead(c, &tb);
    if (a->category && *a->category) {
        style s = lay_style(c, BT_FACE_BOLD, 0.82, 1.6, C_CATEGORY, AL_LEFT);
        lay_tpl_style(c, &s, BT_TR_CATEGORY, NULL);
        c->tag = BT_TAG_CATEGORY;
        lay_format(c, &tb, &s, a->category, NOBLOCK);
    }
    {
        style s = lay_style(c, BT_FACE_BOLD, 1.9, 1.22, C_TEXT, AL_LEFT);
        lay_tpl_style(c, &s, BT_TR_TITLE, NULL);
        c->tag = BT_TAG_TITLE;
        lay_format(c, &tb, &s, a->title && *a->title ? a->title : "", NOBLOCK);
    }
    char *date = bt_date_vi(&a->published);
    if (date && *date) {
        double gap = lay_body(c) * 0.4; /* small gap */
        style s = lay_style(c, BT_FACE_ITALIC, 0.86, 1.5, C_MUTED, AL_LEFT);
        lay_tpl_style(c, &s, BT_TR_DATE, &gap);
        lay_line(&tb, c, gap, 0);
        c->tag = BT_TAG_DATE;
        lay_format(c, &tb, &s, date, NOBLOCK);
    }
    free(date);
    if (a->source_url && *a->source_url) {
        /* where the article comes from, on one line (a link in the PDF) */
        style s = lay_style(c, BT_FACE_REGULAR, 0.78, 1.5, C_LINK, AL_LEFT);
        char *u = shorten(c, s.face, s.size, a->source_url, c->colw);
        c->tag = BT_TAG_URL;
        lay_format(c, &tb, &s, u, NOBLOCK);
        free(u);
    }
    rule_line(c, &tb, lay_body(c) * 1.4);
    place_block(c, ai, &tb, NULL);
    c->nitems = 0;
    lay_fblock_free(&tb);
    if (span) { /* the columns start under the title */
        c->colw = c->column_w;
        c->in_title = 0;
        columns_start(c);
    }

    if (a->lead && *a->lead) {
        fblock fb = {0};
        fb.space_before = 0;
        style s = lay_style(c, BT_FACE_BOLD, 1.04, 1.45, C_TEXT, AL_JUSTIFY);
        lay_tpl_style(c, &s, BT_TR_LEAD, NULL);
        c->tag = BT_TAG_LEAD;
        lay_format(c, &fb, &s, a->lead, NOBLOCK);
        place_block(c, ai, &fb, NULL);
        c->nitems = 0;
        lay_fblock_free(&fb);
    }

    /* body blocks: format one ahead so keep-with-next can look at the next block */
    fblock cur = {0};
    int have_cur = 0;
    int number = 0;
    size_t bi = 0;
    for (;;) {
        fblock fb = {0};
        int have = 0;
        while (bi < a->nblocks && !have) {
            const bt_block *b = &a->blocks[bi];
            size_t idx = bi++;
            style s;
            c->tag = BT_TAG_BLOCK;
            switch (b->type) {
            case BT_BLOCK_PARAGRAPH:
                s = lay_style(c, BT_FACE_REGULAR, 1.0, c->g->leading, C_TEXT, AL_JUSTIFY);
                fb.space_before = lay_body(c) * 0.55;
                lay_tpl_style(c, &s, BT_TR_BODY, &fb.space_before);
                lay_format(c, &fb, &s, b->text ? b->text : "", idx);
                number = 0;
                break;
            case BT_BLOCK_HEADING:
                s = lay_style(c, BT_FACE_BOLD, b->level <= 2 ? 1.2 : 1.08, 1.35, C_TEXT, AL_LEFT);
                fb.space_before = lay_body(c) * 1.1;
                lay_tpl_style(c, &s, b->level <= 2 ? BT_TR_HEADING : BT_TR_SUBHEADING, &fb.space_before);
                fb.keep_with_next = 1;
                lay_format(c, &fb, &s, b->text ? b->text : "", idx);
                number = 0;
                break;
            case BT_BLOCK_CAPTION:
                /* regular, smaller and grey (as Vietnamese news sites set them): an italic face
                 * only for captions would cost its own font subset in every PDF */
                s = lay_style(c, BT_FACE_REGULAR, 0.88, 1.4, C_CAPTION, AL_CENTER);
                s.indent = s.rindent = lay_body(c) * 1.5;
                fb.space_before = lay_body(c) * 0.45;
                lay_tpl_style(c, &s, BT_TR_CAPTION, &fb.space_before);
                fb.keep_together = 1;
                lay_format(c, &fb, &s, b->text ? b->text : "", idx);
                number = 0;
                break;
            case BT_BLOCK_QUOTE:
                s = lay_style(c, BT_FACE_ITALIC, 1.0, c->g->leading, C_TEXT, AL_JUSTIFY);
                s.indent = s.rindent = lay_body(c) * 2.2;
                fb.space_before = lay_body(c) * 0.7;
                lay_tpl_style(c, &s, BT_TR_QUOTE, &fb.space_before);
                lay_format(c, &fb, &s, b->text ? b->text : "", idx);
                number = 0;
                break;
            case BT_BLOCK_BOX: /* a fact box: smaller lines between two rules, kept together */
                s = lay_style(c, b->level ? BT_FACE_BOLD : BT_FACE_REGULAR, 0.92, 1.4, C_TEXT, AL_LEFT);
                s.indent = s.rindent = lay_body(c) * 1.2;
                fb.space_before = lay_body(c) * 0.2;
                fb.keep_together = 1;
                if (idx == 0 || a->blocks[idx - 1].type != BT_BLOCK_BOX) rule_line(c, &fb, lay_body(c) * 0.9);
                lay_format(c, &fb, &s, b->text ? b->text : "", idx);
                if (idx + 1 == a->nblocks || a->blocks[idx + 1].type != BT_BLOCK_BOX) rule_line(c, &fb, lay_body(c) * 0.5);
                number = 0;
                break;
            case BT_BLOCK_LIST_ITEM: {
                s = lay_style(c, BT_FACE_REGULAR, 1.0, c->g->leading, C_TEXT, AL_JUSTIFY);
                s.indent = lay_body(c) * 2.0;
                fb.space_before = lay_body(c) * 0.3;
                lay_tpl_style(c, &s, BT_TR_LIST, &fb.space_before);
                char mark[32];
                if (b->level == 1) snprintf(mark, sizeof mark, "%d.", ++number);
                else {
                    number = 0;
                    snprintf(mark, sizeof mark, "\xE2\x80\xA2");
                }
                /* the marker hangs in the indent, on the first line's baseline: emit it first
                 * so its items sit right before the first line's */
                double mw = lay_measure(c, s.face, s.size, mark, strlen(mark));
                fline mk = {c->nitems, 0, 0, 0, 0};
                c->tag = BT_TAG_LABEL;
                lay_emit(c, &mk, s.face, s.size, s.color, s.indent - mw - lay_body(c) * 0.5, mark, strlen(mark), idx);
                c->tag = BT_TAG_BLOCK;
                lay_format(c, &fb, &s, b->text ? b->text : "", idx);
                if (fb.n > 0) {
                    fb.lines[0].item0 = mk.item0;
                    fb.lines[0].nitems += mk.nitems;
                }
                break;
            }
            case BT_BLOCK_IMAGE:
                fb.space_before = lay_body(c) * 0.8;
                if (c->t && (c->t->style[BT_TR_IMAGE].set & BT_TPL_SET_SPACE))
                    fb.space_before = bt_len_pt(c->t->style[BT_TR_IMAGE].space_before, lay_body(c));
                fb.keep_with_next = 1; /* with its caption */
                image_block(c, &fb, b, idx);
                number = 0;
                break;
            }
            if (fb.n) have = 1;
        }
        if (!have) {
            lay_fblock_free(&fb);
            break;
        }
        if (have_cur) {
            /* an image keeps only with a caption */
            if (cur.lines && cur.n == 1 && c->items[cur.lines[0].item0].kind == BT_ITEM_IMAGE &&
                !(fb.keep_together && fb.lines && c->items[fb.lines[0].item0].kind == BT_ITEM_TEXT &&
                  c->items[fb.lines[0].item0].block < a->nblocks &&
                  a->blocks[c->items[fb.lines[0].item0].block].type == BT_BLOCK_CAPTION))
                cur.keep_with_next = 0;
            place_block(c, ai, &cur, &fb);
            lay_fblock_free(&cur);
        }
        cur = fb;
        have_cur = 1;
    }
    if (have_cur) {
        place_block(c, ai, &cur, NULL);
        lay_fblock_free(&cur);
    }

    if (a->author && *a->author) {
        fblock fb = {0};
        fb.space_before = lay_body(c) * 0.9;
        fb.keep_together = 1;
        style s = lay_style(c, BT_FACE_BOLD, 1.0, c->g->leading, C_TEXT, AL_RIGHT);
        lay_tpl_style(c, &s, BT_TR_AUTHOR, &fb.space_before);
        c->tag = BT_TAG_AUTHOR;
        lay_format(c, &fb, &s, a->author, NOBLOCK);
        place_block(c, ai, &fb, NULL);
        lay_fblock_free(&fb);
    }
    c->nitems = 0;
    running_heads(c, ai, first);
    c->nitems = 0;
}

/* Forget the pages of the article being laid out (from page first, text from pool0 on). */
static void drop_pages(ctx *c, size_t first, size_t pool0)
{
    bt_layout *L = c->L;
    for (size_t i = first; i < L->npages; i++) free(L->pages[i].items);
    L->npages = first;
    L->pool_len = pool0;
    c->nitems = 0;
}

/* One article; with balanced columns, laid out again until its last page's columns end level:
 * the least column height on that page that keeps the article on as many pages, tried upwards
 * from an even share of that page's text (widow and orphan rules and the space between
 * paragraphs make the fit jump, so each height is tried rather than searched for). */
static void layout_article(ctx *c, size_t ai)
{
    size_t first = c->L->npages, pool0 = c->L->pool_len;
    c->balance_page = SIZE_MAX;
    c->quiet = 0;
    layout_once(c, ai);
    lay_missing_report(c);
    if (c->ncols < 2 || !c->t || !c->t->balance) return;
    size_t np = c->L->npages - first, last = first + np - 1;
    /* how much the last page's columns hold: from where they start to their lowest item */
    const bt_page *p = &c->L->pages[last];
    double top = c->col_top, used = 0, full = top - c->g->bottom;
    for (int k = 0; k < c->ncols; k++) {
        double x0 = c->g->left + k * (c->column_w + c->colgap), low = top;
        for (size_t i = 0; i < p->nitems; i++) {
            const bt_item *it = &p->items[i];
            if (it->role != BT_ROLE_BODY || it->x < x0 - 0.5 || it->x > x0 + c->column_w) continue;
            double y = it->kind == BT_ITEM_TEXT ? it->y - it->size * 0.3 : it->y;
            if (y < low) low = y;
        }
        used += top - low;
    }
    if (used <= 0) return;
    c->quiet = 1;
    c->balance_page = last;
    int found = 0;
    for (double h = used / c->ncols; h < full && !found; h += 1.0) {
        drop_pages(c, first, pool0);
        c->balance_h = h;
        layout_once(c, ai);
        found = c->L->npages - first == np;
    }
    if (!found) { /* no shorter columns keep the pages: as laid out first */
        drop_pages(c, first, pool0);
        c->balance_page = SIZE_MAX;
        layout_once(c, ai);
    }
    c->quiet = 0;
    c->balance_page = SIZE_MAX;
}

/* A context laying out n articles on g into a new layout. */
static void ctx_init(ctx *c, size_t n, bt_fontset *fs, const bt_page_geom *g)
{
    bt_layout *L = bt_xcalloc(1, sizeof *L);
    L->geom = *g;
    L->narticles = n;
    L->first_page = bt_xcalloc(n, sizeof *L->first_page);
    memset(c, 0, sizeof *c);
    c->L = L;
    c->fs = fs;
    c->g = &L->geom;
    c->fullw = g->width - g->left - g->right;
    c->t = g->tpl;
    c->ncols = c->t && c->t->columns > 1 ? c->t->columns : 1;
    c->colgap = c->ncols > 1 ? bt_len_pt(c->t->column_gap, g->body_size) : 0;
    c->column_w = (c->fullw - c->colgap * (c->ncols - 1)) / c->ncols;
    c->colw = c->column_w;
    c->balance_page = SIZE_MAX;
}

static void ctx_done(ctx *c)
{
    free(c->items);
    free(c->missing);
    free(c->missing_bits);
    free(c->brks);
    free(c->lbtext);
    free(c->boxes);
    free(c->cost);
    free(c->prev);
    free(c->next);
}

bt_status bt_layout_articles(bt_article **arts, size_t n, bt_fontset *fs, const bt_page_geom *g,
                             bt_layout **out, bt_err *e)
{
    *out = NULL;
    if (n == 0) return bt_err_set(e, BT_EUSAGE, "no article to lay out");
    ctx c;
    ctx_init(&c, n, fs, g);
    for (size_t i = 0; i < n; i++) {
        c.art = arts[i];
        layout_article(&c, i);
    }
    ctx_done(&c);
    *out = c.L;
    return BT_OK;
}

/* ---------------------------------------------------------------- contents */

void bt_layout_roman(int n, char *buf, size_t size)
{
    static const struct {
        int v;
        const char *s;
    } r[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
             {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}};
    if (n < 1 || n >= 4000) {
        snprintf(buf, size, "%d", n);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        for (; n >= r[i].v; n -= r[i].v)
            for (const char *q = r[i].s; *q && k + 1 < size; q++) buf[k++] = *q;
    buf[k] = '\0';
}

/* An entry's last title line gets its page number at the right edge of the column and a
 * dotted leader from the title to it. */
static void toc_number(ctx *c, fline *ln, const style *st, int page, size_t block)
{
    char num[24];
    snprintf(num, sizeof num, "%d", page);
    double nw = lay_measure(c, st->face, st->size, num, strlen(num)), end = 0;
    for (size_t k = 0; k < ln->nitems; k++) {
        const bt_item *it = &c->items[ln->item0 + k];
        if (it->x + it->w > end) end = it->x + it->w;
    }
    double x0 = end + st->size * 0.6, x1 = c->colw - nw - st->size * 0.6;
    if (x1 - x0 > st->size) {
        bt_item *it = lay_item(c);
        it->kind = BT_ITEM_RULE;
        it->tag = BT_TAG_ARTIFACT;
        it->x = x0;
        it->y = 0;
        it->w = x1 - x0;
        it->h = 0.9;
        it->dotted = 1;
        it->color = C_MUTED;
        ln->nitems++;
    }
    c->tag = BT_TAG_TOC_ENTRY;
    lay_emit(c, ln, st->face, st->size, st->color, c->colw - nw, num, strlen(num), block);
}

bt_status bt_layout_contents(const bt_toc_entry *v, size_t n, const char *heading, bt_fontset *fs,
                             const bt_page_geom *g, bt_layout **out, bt_err *e)
{
    *out = NULL;
    if (n == 0) return bt_err_set(e, BT_EUSAGE, "no entry for a contents page");
    ctx c;
    ctx_init(&c, 1, fs, g);
    c.colw = c.fullw; /* one column over the text area, whatever the template's columns */
    c.ncols = 1;
    new_page(&c, 0);
    fblock hb = {0};
    hb.keep_together = 1;
    style hs = lay_style(&c, BT_FACE_BOLD, 1.9, 1.22, C_TEXT, AL_LEFT);
    lay_tpl_style(&c, &hs, BT_TR_TITLE, NULL);
    c.tag = BT_TAG_TOC_TITLE;
    lay_format(&c, &hb, &hs, heading, NOBLOCK);
    rule_line(&c, &hb, lay_body(&c) * 1.4);
    place_block(&c, 0, &hb, NULL);
    lay_fblock_free(&hb);
    c.nitems = 0;
    /* the page numbers stay clear of the titles: room for the widest */
    int maxpage = 1;
    for (size_t i = 0; i < n; i++)
        if (v[i].page > maxpage) maxpage = v[i].page;
    char widest[24];
    snprintf(widest, sizeof widest, "%d", maxpage);
    for (size_t i = 0; i < n; i++) {
        fblock sec = {0}, fb = {0};
        if (v[i].section && *v[i].section) {
            style s = lay_style(&c, BT_FACE_BOLD, 0.82, 1.6, C_CATEGORY, AL_LEFT);
            sec.space_before = lay_body(&c) * (i ? 1.3 : 0.2);
            lay_tpl_style(&c, &s, BT_TR_CATEGORY, NULL);
            sec.keep_with_next = 1;
            c.tag = BT_TAG_TOC_SECTION;
            lay_format(&c, &sec, &s, v[i].section, i);
        }
        fb.space_before = lay_body(&c) * 0.7;
        fb.keep_together = 1;
        style ts = lay_style(&c, BT_FACE_REGULAR, 1.0, c.g->leading, C_TEXT, AL_LEFT);
        lay_tpl_style(&c, &ts, BT_TR_BODY, NULL);
        ts.al = AL_LEFT;
        ts.indent = 0;
        ts.rindent = lay_measure(&c, ts.face, ts.size, widest, strlen(widest)) + ts.size * 2.5;
        c.tag = BT_TAG_TOC_ENTRY;
        lay_format(&c, &fb, &ts, v[i].title && *v[i].title ? v[i].title : "?", i);
        if (fb.n) toc_number(&c, &fb.lines[fb.n - 1], &ts, v[i].page, i);
        if (v[i].date && *v[i].date) {
            style ds = lay_style(&c, BT_FACE_ITALIC, 0.86, 1.5, C_MUTED, AL_LEFT);
            lay_tpl_style(&c, &ds, BT_TR_DATE, NULL);
            ds.al = AL_LEFT;
            c.tag = BT_TAG_TOC_ENTRY;
            lay_format(&c, &fb, &ds, v[i].date, i);
        }
        if (sec.n) place_block(&c, 0, &sec, &fb);
        place_block(&c, 0, &fb, NULL);
        lay_fblock_free(&sec);
        lay_fblock_free(&fb);
        c.nitems = 0;
    }
    /* the footer: the page's label */
    bt_layout *L = c.L;
    double fs_ = lay_body(&c) * 0.78;
    for (size_t i = 0; i < L->npages; i++) {
        bt_page *p = &L->pages[i];
        p->number = (int)i + 1;
        p->count = (int)L->npages;
        char num[24];
        bt_layout_roman(p->number, num, sizeof num);
        double w = lay_measure(&c, BT_FACE_REGULAR, fs_, num, strlen(num));
        add_text_item(&c, p, BT_ROLE_FOOTER, BT_FACE_REGULAR, fs_, C_MUTED, g->left + (c.fullw - w) / 2,
                      g->bottom - fs_ * 2.6, num);
    }
    ctx_done(&c);
    *out = L;
    return BT_OK;
}

void bt_layout_free(bt_layout *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->npages; i++) free(l->pages[i].items);
    free(l->pages);
    free(l->first_page);
    free(l->pool);
    free(l);
}

const char *bt_layout_text(const bt_layout *l, const bt_item *it)
{
    return it->kind == BT_ITEM_TEXT ? l->pool + it->text : "";
}

/* ---------------------------------------------------------------- dump */

/* Fixed-point number with two decimals, independent of the locale. */
static void num(bt_buf *b, double v)
{
    long long x = llround(v * 100.0);
    if (x < 0) {
        bt_buf_addc(b, '-');
        x = -x;
    }
    bt_buf_printf(b, "%lld.%02lld", x / 100, x % 100);
}

static const char *role_name(bt_item_role r)
{
    return r == BT_ROLE_HEADER ? "header" : r == BT_ROLE_FOOTER ? "footer" : "body";
}

char *bt_layout_dump(const bt_layout *l)
{
    bt_buf b = {0};
    for (size_t i = 0; i < l->npages; i++) {
        const bt_page *p = &l->pages[i];
        bt_buf_printf(&b, "page %d/%d article %zu\n", p->number, p->count, p->article);
        for (size_t j = 0; j < p->nitems; j++) {
            const bt_item *it = &p->items[j];
            if (it->kind == BT_ITEM_TEXT) {
                bt_buf_printf(&b, "text %s F%d ", role_name(it->role), (int)it->face);
                num(&b, it->size);
            } else {
                bt_buf_printf(&b, "%s %s", it->kind == BT_ITEM_IMAGE ? "image" : "rule", role_name(it->role));
            }
            bt_buf_addc(&b, ' ');
            num(&b, it->x);
            bt_buf_addc(&b, ' ');
            num(&b, it->y);
            bt_buf_addc(&b, ' ');
            num(&b, it->w);
            if (it->kind != BT_ITEM_TEXT) {
                bt_buf_addc(&b, ' ');
                num(&b, it->h);
                if (it->dotted) bt_buf_adds(&b, " dotted");
            } else {
                bt_buf_adds(&b, " \"");
                bt_buf_adds(&b, l->pool + it->text);
                bt_buf_addc(&b, '"');
            }
            bt_buf_addc(&b, '\n');
        }
    }
    return bt_buf_detach(&b, NULL);
}

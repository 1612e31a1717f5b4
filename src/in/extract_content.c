/* extract_content.c - the article body of an HTML page: score paragraph-like blocks and credit
 * their ancestors, pick the box that holds the article and the siblings that belong to it, then
 * emit its blocks in document order, dropping boxes that are not article text on the way
 * (readability's conditional cleaning). */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bt_limits.h"
#include "byline.h"
#include "date.h"
#include "extract_int.h"
#include "image.h"
#include "input.h"
#include "text.h"

/* ---- pass 4: scoring ---- */

/* Element k is at or above element e. */
static int holds(const ctx *c, int k, int e)
{
    for (int hops = 0; e >= 0 && hops < BT_MAX_HTML_DEPTH + 8; e = c->v[e].parent, hops++)
        if (e == k) return 1;
    return 0;
}

static void init_score(ctx *c, int i)
{
    ninfo *f = &c->v[i];
    if (f->scored) return;
    f->scored = 1;
    const char *t = nm(f->n);
    double s = 0;
    if (!strcasecmp(t, "div") || !strcasecmp(t, "article") || !strcasecmp(t, "section") ||
        !strcasecmp(t, "main"))
        s = 5;
    else if (!strcasecmp(t, "pre") || !strcasecmp(t, "td") || !strcasecmp(t, "blockquote"))
        s = 3;
    else if (!strcasecmp(t, "address") || !strcasecmp(t, "ol") || !strcasecmp(t, "ul") ||
             !strcasecmp(t, "dl") || !strcasecmp(t, "dd") || !strcasecmp(t, "dt") ||
             !strcasecmp(t, "li") || !strcasecmp(t, "form"))
        s = -3;
    else if ((t[0] == 'h' && t[1] >= '1' && t[1] <= '6') || !strcasecmp(t, "th"))
        s = -5;
    if (is_tag(f->n, "article") || is_tag(f->n, "main")) s += 10;
    const char *ip = ex_attr(f->n, "itemprop");
    if (ip && (ex_ci_contains(ip, "articleBody") || ex_ci_contains(ip, "text"))) s += 30;
    f->score = s + ex_class_weight(f);
}

/* The page holds a second article after the one it is titled by (the next article, loaded
 * below by an infinite-scroll template and saved with it): when the best box lies in or over
 * the second one, the best box between the title's h1 and the next h1 is the article. */
static int under_title(ctx *c, int best)
{
    if (!c->title_text) return best;
    int th = -1, nh = -1;
    for (int i = 0; i < c->n; i++) {
        const ninfo *f = &c->v[i];
        if (f->tag != T_H1 || (f->flags & F_JUNK)) continue;
        if (th < 0) {
            char *t = ex_node_text(f->n);
            if (loose_eq(t, c->title_text)) th = i;
            free(t);
        } else {
            nh = i;
            break;
        }
    }
    if (th < 0 || nh < 0 || !(best >= nh || holds(c, best, nh))) return best;
    /* an h1 among the body's own paragraphs is a heading of the text, not another article */
    int par = c->v[nh].parent, paras = 0;
    for (xmlNode *k = par >= 0 ? c->v[par].n->children : NULL; k && paras < 2; k = k->next) {
        int ki = idx_of(k);
        paras += ki >= 0 && c->v[ki].tag == T_P && c->v[ki].text >= 25 && !(c->v[ki].flags & F_JUNK);
    }
    if (paras >= 2) return best;
    int pick = -1;
    for (int i = 0; i < nh; i++) {
        const ninfo *f = &c->v[i];
        if (!f->scored || (f->flags & F_JUNK) || holds(c, i, nh) || (i < th && !holds(c, i, th))) continue;
        if (pick < 0 || f->score > c->v[pick].score) pick = i;
    }
    return pick >= 0 && c->v[pick].score > 0 ? pick : best;
}

int ex_pick_content(ctx *c)
{
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        if (f->flags & F_JUNK) continue;
        if (!(f->flags & F_BLOCK)) continue;
        const char *t = nm(f->n);
        if (!strcasecmp(t, "body") || !strcasecmp(t, "html")) continue;
        /* captions count from 10 characters: in a photo story they are the text */
        if (f->own < 25 && !(f->own >= 10 && (is_tag(f->n, "figcaption") || (f->flags & F_CAPTION)))) continue;
        double cs = 1 + f->own_commas + fmin((double)f->own / 100.0, 3.0);
        int p = f->parent;
        for (int level = 0; p >= 0 && level < 5; level++, p = c->v[p].parent) {
            if (c->v[p].flags & F_JUNK) break;
            init_score(c, p);
            double div = level == 0 ? 1 : level == 1 ? 2 : level * 3;
            c->v[p].score += cs / div;
        }
    }
    int best = -1;
    double bs = -1e9;
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        if (!f->scored || (f->flags & F_JUNK)) continue;
        f->score *= 1.0 - link_density(f);
        if (f->score > bs) { bs = f->score; best = i; }
    }
    if (best < 0) return c->body >= 0 ? c->body : 0;
    int titled = under_title(c, best);
    if (titled != best) {
        best = titled;
        bs = c->v[best].score;
        for (int i = 0; i < c->n; i++) /* the other article's boxes are no candidates now */
            if (c->v[i].scored && i > best && !holds(c, best, i) && !holds(c, i, best)) c->v[i].score = -1e9;
    }

    /* Several of the best candidates inside one ancestor: that ancestor is the article. */
    int top[5] = {-1, -1, -1, -1, -1};
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        if (!f->scored || (f->flags & F_JUNK) || i == best) continue;
        if (f->score < bs * 0.75) continue;
        if (holds(c, best, i)) continue; /* inside the best already: not another candidate */
        for (int k = 0; k < 5; k++) {
            if (top[k] < 0 || c->v[top[k]].score < f->score) {
                memmove(top + k + 1, top + k, (size_t)(4 - k) * sizeof *top);
                top[k] = i;
                break;
            }
        }
    }
    for (int p = c->v[best].parent; p >= 0 && p != c->body; p = c->v[p].parent) {
        int hits = 0;
        for (int k = 0; k < 5; k++) {
            if (top[k] < 0) continue;
            for (int q = c->v[top[k]].parent; q >= 0; q = c->v[q].parent)
                if (q == p) { hits++; break; }
        }
        if (hits >= 3) { best = p; break; }
    }
    /* Climb while the parent scores about as well (the article wraps its paragraphs). */
    double last = c->v[best].score, thr = last / 3;
    for (int p = c->v[best].parent; p >= 0 && p != c->body; p = c->v[p].parent) {
        if (!c->v[p].scored) continue;
        if (c->v[p].score < thr) break;
        if (c->v[p].score > last) { best = p; break; }
        last = c->v[p].score;
    }
    /* Only child: its parent is the same box. */
    while (c->v[best].parent >= 0 && c->v[best].parent != c->body) {
        int p = c->v[best].parent, kids = 0;
        for (xmlNode *k = c->v[p].n->children; k; k = k->next)
            if (k->type == XML_ELEMENT_NODE && !(idx_of(k) >= 0 && (c->v[idx_of(k)].flags & F_JUNK)))
                kids++;
        if (kids != 1) break;
        best = p;
    }
    return best;
}

/* ---- pass 5: emit ---- */

/* Boxes inside the content that are not article text (readability's conditional cleaning). */

static int drop_box(ctx *c, int i)
{
    ninfo *f = &c->v[i];
    const char *t = nm(f->n);
    int list = !strcasecmp(t, "ul") || !strcasecmp(t, "ol");
    if (!(list || !strcasecmp(t, "div") || !strcasecmp(t, "table") || !strcasecmp(t, "section") ||
          !strcasecmp(t, "p") ||
          !strcasecmp(t, "aside") || !strcasecmp(t, "dl") || !strcasecmp(t, "center") ||
          !strcasecmp(t, "td")))
        return 0;
    if (!strcasecmp(t, "td")) {
        /* a layout cell full of links is a menu; a data cell holding one link is not */
        int links = 0;
        for (int k = i + 1; k < c->n && c->v[k].depth > f->depth && links < 3; k++)
            links += is_tag(c->v[k].n, "a") && !(c->v[k].flags & F_JUNK);
        if (links < 3 || link_density(f) <= 0.5 || (f->flags & F_SITE_CONTENT) || c->lenient) return 0;
        return 1;
    }
    if ((f->flags & F_SITE_CONTENT) || c->lenient) return 0;
    /* a promo, a sign-up or a comment box: small, and its words say so */
    if (f->text > 0 && f->text <= (!strcasecmp(t, "p") ? 300 : 400)) {
        char *s = ex_node_text(f->n);
        int promo = ex_boiler_opener(s);
        free(s);
        if (promo) return 1;
    }
    if (f->flags & F_KEPTBOX) return link_density(f) > 0.5;
    double w = ex_class_weight(f);
    if (!strcasecmp(t, "p")) { /* "Read more: <link>"; a written-out address stays */
        if (!(f->text > 0 && f->text < 250 && link_density(f) > 0.6)) return 0;
        char *s = ex_node_text(f->n);
        int url = strstr(s, "://") || strstr(s, "www.");
        free(s);
        return !url;
    }
    if (w < 0 && w + f->score < 0 && f->scored) return 1;
    if (f->commas >= 10) return 0;
    double ld = link_density(f);
    long p = f->np, img = f->nimg, li = f->nli - (list ? 0 : 0);
    /* many pictures, little text: a gallery of teasers, unless the pictures have captions
     * (a photo story, whose text is in them) */
    if (f->nimg > 1 && p * 2 < img && !is_tag(f->n, "figure") && f->ncap * 2 < img) return 1;
    if (!list && li > p + 2 && ld > 0.2) return 1;
    if (f->ninput > p / 3 + 1 && f->text < 300 * (p + 1)) return 1;
    if (!list && f->text < 25 && (img == 0 || img > 2) && f->nheading == 0) {
        /* a short name (the byline closing an article) is kept for the byline rule */
        int last = 1; /* nothing with text after it in its box */
        for (xmlNode *k = f->n->next; k && last; k = k->next) {
            int ki = idx_of(k);
            if (ki >= 0 && c->v[ki].raw > 0 && !(c->v[ki].flags & F_JUNK)) last = 0;
            if (k->type == XML_TEXT_NODE && k->content && ex_text_measure((const char *)k->content, NULL) > 0) last = 0;
        }
        char *s = last && f->text > 3 && f->link == 0 ? ex_node_text(f->n) : NULL;
        int name = s && bt_byline_is_name(s, strlen(s)) && strchr(s, ' ');
        /* or a byline as bylines are written: "Thu Hà (TTXVN)", "Minh Anh/VOV", "Theo …" */
        char *src = s && !name ? bt_byline_from_line(s, NULL) : NULL;
        name = name || src;
        free(src);
        free(s);
        if (!name) return 1;
    }
    if (w < 25 && ld > 0.2 && f->text > 0) return 1;
    if (w >= 25 && ld > 0.5) return 1;
    if (f->nembed > 1 && f->text < 75) return 1;
    if (list && ld > 0.5) return 1;
    return 0;
}

typedef struct {
    bt_buf buf;
    int owner; /* block element the buffered text belongs to */
    int owner_was; /* the same, for the block being flushed */
} emitter;

/* Remember which element the block just added came from (for ex_mark_boxes). */
static void note_owner(ctx *c, int owner)
{
    size_t k = c->a->nblocks - 1;
    if (k >= c->capowners) {
        c->capowners = c->capowners ? c->capowners * 2 : 64;
        while (c->capowners <= k) c->capowners *= 2;
        c->block_owner = bt_xrealloc(c->block_owner, c->capowners * sizeof *c->block_owner);
    }
    for (size_t i = c->nowners; i < k; i++) c->block_owner[i] = -1;
    c->block_owner[k] = owner;
    c->nowners = k + 1;
}

/* Type of block for text whose nearest block ancestor is i, limited to root. */
static bt_block_type block_type_of(ctx *c, int i, int root, int *level)
{
    *level = 0;
    for (int k = i, hops = 0; k >= 0 && hops < 64; k = c->v[k].parent, hops++) {
        const xmlNode *n = c->v[k].n;
        int h = heading_level(n);
        if (h) {
            *level = h < 2 ? 2 : h;
            return BT_BLOCK_HEADING;
        }
        if (is_tag(n, "figcaption") || is_tag(n, "caption") || (c->v[k].flags & F_CAPTION))
            return BT_BLOCK_CAPTION;
        if (is_tag(n, "li")) {
            int p = c->v[k].parent;
            *level = p >= 0 && is_tag(c->v[p].n, "ol");
            return BT_BLOCK_LIST_ITEM;
        }
        if (is_tag(n, "blockquote") || is_tag(n, "q")) return BT_BLOCK_QUOTE;
        if (k == root) break;
    }
    return BT_BLOCK_PARAGRAPH;
}

/* A line that is a date and little else ("Cập nhật: 15/04/2009 10:20", "sexta-feira, 22 de
 * outubro de 2010 às 20:13"): up to 40 characters, or up to 60 in at most 8 words that do not
 * end a sentence. */
static int date_line(const char *t)
{
    size_t chars = bt_utf8_length(t), n = strlen(t), words = 1;
    if (chars > 60 || !n) return 0;
    if (chars > 40) {
        for (const char *p = t; *p; p++) words += *p == ' ';
        if (words > 8 || t[n - 1] == '.') return 0;
    }
    bt_date d;
    return bt_date_parse(t, 0, &d);
}

/* A gallery's counter opening a caption ("1 of 3 A rocket on the pad.", "2 / 5 ..."): the
 * slideshow's, not the caption's; cut off t in place. */
static void gallery_counter(char *t)
{
    const char *p = t;
    size_t d1 = strspn(p, "0123456789");
    if (!d1 || d1 > 3) return;
    p += d1;
    if (strncmp(p, " of ", 4) == 0) p += 4;
    else if (strncmp(p, " / ", 3) == 0) p += 3;
    else return;
    size_t d2 = strspn(p, "0123456789");
    if (!d2 || d2 > 3 || p[d2] != ' ') return;
    p += d2;
    while (*p == ' ') p++;
    if (strlen(p) < 2) return;
    memmove(t, p, strlen(p) + 1);
}

static void flush(ctx *c, emitter *em, int root)
{
    if (em->buf.len == 0) return;
    int level = 0;
    bt_block_type ty = em->owner >= 0 ? block_type_of(c, em->owner, root, &level) : BT_BLOCK_PARAGRAPH;
    char *clean = bt_text_clean(em->buf.data, em->buf.len);
    bt_buf_reset(&em->buf);
    em->owner_was = em->owner;
    em->owner = -1;
    if (!*clean) { free(clean); return; }
    if (c->title_text && loose_eq(clean, c->title_text) &&
        (ty == BT_BLOCK_HEADING || ty == BT_BLOCK_PARAGRAPH)) {
        free(clean);
        return;
    }
    if (ty == BT_BLOCK_CAPTION) gallery_counter(clean);
    if (ty == BT_BLOCK_PARAGRAPH && date_line(clean)) { /* "Cập nhật: 15/04/2009 10:20": metadata */
        free(clean);
        return;
    }
    if ((ty == BT_BLOCK_PARAGRAPH || ty == BT_BLOCK_HEADING || ty == BT_BLOCK_LIST_ITEM) &&
        ((bt_utf8_length(clean) <= 80 && ex_boiler_label(clean)) ||
         (ty == BT_BLOCK_PARAGRAPH && bt_utf8_length(clean) <= 300 && ex_boiler_opener(clean)))) {
        free(clean); /* "Quảng cáo", "Tin liên quan", a share bar, a sign-up line */
        return;
    }
    if (c->lead_text && ty == BT_BLOCK_PARAGRAPH && loose_eq(clean, c->lead_text)) {
        free(clean);
        return;
    }
    if (c->a->author && ty == BT_BLOCK_PARAGRAPH && bt_utf8_length(clean) < 80 &&
        (loose_eq(clean, c->a->author) ||
         (strlen(clean) > strlen(c->a->author) + 2 && strstr(clean, c->a->author) &&
          bt_utf8_length(clean) < bt_utf8_length(c->a->author) + 25))) {
        free(clean);
        return;
    }
    bt_block *b = bt_article_add_clean(c->a, ty, clean); /* takes clean over */
    if (b) {
        b->level = level;
        note_owner(c, em->owner_was);
    }
}

static void emit_image(ctx *c, emitter *em, int root, const xmlNode *n)
{
    const char *main_src = ex_image_main_src(n);
    ex_srcs cand;
    ex_image_sources(n, &cand);
    c->last_img = n;
    c->last_img_ok = 0;
    if ((!main_src || !*main_src) && cand.n == 0) return;
    c->last_img_ok = 1;
    /* a copy: the candidates are freed before the source is last used */
    char *src = bt_xstrdup(main_src && *main_src ? main_src : cand.url[0]);
    bt_image *img = NULL;
    const char *w = ex_attr(n, "width"), *h = ex_attr(n, "height");
    long wv = w ? strtol(w, NULL, 10) : 0, hv = h ? strtol(h, NULL, 10) : 0;
    static const char *const decor[] = {"logo", "icon", "avatar", "spacer", "pixel", "blank.gif",
                                        "1x1", "tracking", "badge", NULL};
    int skip = (wv > 0 && wv < 40) || (hv > 0 && hv < 40); /* icons, spacers */
    for (const char *const *d = decor; *d && !skip; d++)
        skip = strncasecmp(src, "data:", 5) != 0 && ex_ci_contains(src, *d);
    /* the same picture twice (lazy-load copies, <noscript> twins) is kept once */
    for (int k = 0; k < c->nseen && !skip; k++) {
        skip = strcmp(c->seen[k], src) == 0;
        for (int q = 0; q < cand.n && !skip; q++) skip = strcmp(c->seen[k], cand.url[q]) == 0;
    }
    if (skip) goto done;
    if (c->nseen < 256) c->seen[c->nseen++] = bt_xstrdup(src);
    for (int q = 0; q < cand.n && c->nseen < 256; q++) c->seen[c->nseen++] = bt_xstrdup(cand.url[q]);
    flush(c, em, root);
    c->nimages++;
    img = ex_image_load_best(c, &cand, src);
    /* Remote images of a local page are never fetched: one summary warning instead of one per
     * image. A page from the web (c->origin) loads its images through the origin. */
    int remote = strncmp(src, "//", 2) == 0 || strncasecmp(src, "http:", 5) == 0 ||
                 strncasecmp(src, "https:", 6) == 0 || strncasecmp(src, "ftp:", 4) == 0;
    if (!img && c->origin && c->origin->load_image && strncasecmp(src, "data:", 5) != 0) {
        img = c->origin->load_image(c->origin->ctx, src, c->a);
    } else if (!img && remote) {
        if (c->nremote++ == 0) {
            size_t l = strlen(src);
            c->first_remote = bt_xstrndup(src, l > 100 ? 100 : l);
        }
        goto done;
    } else if (!img && (c->base_dir || strncasecmp(src, "data:", 5) == 0)) {
        img = bt_image_load(src, c->base_dir, c->a);
    }
    if (!img) goto done;
    const char *alt = ex_attr(n, "alt");
    bt_block *b = bt_article_add(c->a, BT_BLOCK_IMAGE, alt ? alt : "");
    if (b) {
        b->image = img;
        note_owner(c, ex_owner(n));
    } else {
        bt_image_free(img);
    }
done:
    ex_image_sources_free(&cand);
    free(src);
}

/* A <noscript> holds the picture a script would have loaded: shown when the picture before it
 * named no file (a placeholder only), or when it stands alone. */
static void emit_noscript(ctx *c, emitter *em, int root, const xmlNode *ns)
{
    const xmlNode *prev = ns->prev;
    while (prev && prev->type != XML_ELEMENT_NODE) prev = prev->prev;
    if (c->last_img && c->last_img_ok) {
        if (c->last_img->parent == ns->parent) return;
        for (const xmlNode *p = c->last_img; p && prev; p = p->parent)
            if (p == prev) return;
    }
    const xmlNode *k = ns->children;
    for (int steps = 0; k && k != ns && steps < 200; steps++) { /* its pictures, in order */
        if (k->type == XML_ELEMENT_NODE && (is_tag(k, "img") || is_tag(k, "amp-img")))
            emit_image(c, em, root, k);
        if (k->children && k->type == XML_ELEMENT_NODE) { k = k->children; continue; }
        while (k && k != ns && !k->next) k = k->parent;
        if (k && k != ns) k = k->next;
    }
}

/* A clock time ("19:25", "19h25", "22/10 19:25", "19:25 22/10/2025"): short, with an H:MM in it. */
static int clock_text(const char *t)
{
    size_t n = strlen(t);
    if (n < 4 || bt_utf8_length(t) > 30) return 0;
    for (size_t i = 1; i + 2 < n; i++)
        if ((t[i] == ':' || t[i] == 'h') && isdigit((unsigned char)t[i - 1]) &&
            isdigit((unsigned char)t[i + 1]) && isdigit((unsigned char)t[i + 2]))
            return 1;
    return 0;
}

/* Element i is an entry's time in a live blog: a <time> or an element classed as a time or date
 * (boilerplate elsewhere), visible, not a link, its text a clock time. */
static int live_time(const ctx *c, int i)
{
    const ninfo *f = &c->v[i];
    if ((f->flags & (F_HIDDEN | F_INLINK)) || f->raw < 4 || f->raw > 30) return 0;
    if (f->tag != T_TIME && !(f->cw & (CW(CW_TOK_TIME) | CW(CW_TOK_DATE) | CW(CW_TIMESTAMP)))) return 0;
    char *t = ex_node_text(f->n);
    int r = clock_text(t);
    free(t);
    return r;
}

/* Three entry times or more in the content: a live blog, whose times belong to its text. */
static int count_live_times(const ctx *c, int root)
{
    int n = 0;
    for (int k = root + 1; k < c->n && c->v[k].depth > c->v[root].depth && n < 3; k++) {
        if (!live_time(c, k)) continue;
        n++;
        int d = c->v[k].depth; /* not the <time> inside an element already counted */
        while (k + 1 < c->n && c->v[k + 1].depth > d) k++;
    }
    return n;
}

static void emit_root(ctx *c, int root, emitter *em)
{
    xmlNode *top = c->v[root].n;
    xmlNode *n = top;
    while (n) {
        int i = idx_of(n);
        int skip = 0;
        if (n->type == XML_ELEMENT_NODE) {
            if (i >= 0) {
                ninfo *f = &c->v[i];
                if (f->flags & F_JUNK) {
                    skip = 1;
                    if (is_tag(n, "noscript") && !(f->flags & F_HIDDEN)) emit_noscript(c, em, root, n);
                    else if (c->live && live_time(c, i)) { /* a live blog's entry time */
                        flush(c, em, root);
                        char *t = ex_node_text(n);
                        bt_block *b = bt_article_add(c->a, BT_BLOCK_HEADING, t);
                        if (b) {
                            b->level = 3;
                            note_owner(c, i);
                        }
                        free(t);
                    }
                }
                else if (n != top && drop_box(c, i)) {
                    skip = 1;
                    if (f->flags & F_BLOCK) flush(c, em, root);
                }
                else if (n == c->lead_node || n == c->byline_node) skip = 1;
                else if (f->flags & F_BLOCK) {
                    flush(c, em, root);
                } else if (is_tag(n, "br")) {
                    flush(c, em, root);
                } else if (is_tag(n, "img")) {
                    emit_image(c, em, root, n);
                } else if (is_tag(n, "amp-img")) { /* AMP: its children are fallbacks */
                    emit_image(c, em, root, n);
                    skip = 1;
                }
            } else {
                /* flattened (too deep): its text joins the current block */
                xmlChar *s = xmlNodeGetContent(n);
                if (s) {
                    if (em->buf.len == 0) em->owner = ex_owner(n);
                    bt_buf_adds(&em->buf, (const char *)s);
                    bt_buf_addc(&em->buf, ' ');
                    xmlFree(s);
                }
                skip = 1;
            }
        } else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content) {
                if (em->buf.len == 0) {
                    int o = ex_owner(n->parent);
                    while (o >= 0 && !(c->v[o].flags & F_BLOCK)) o = c->v[o].parent;
                    em->owner = o;
                }
                bt_buf_adds(&em->buf, (const char *)n->content);
            }
            skip = 1;
        } else {
            skip = 1;
        }
        if (!skip && n->children) {
            n = n->children;
            continue;
        }
        /* leaving n (and possibly its ancestors) */
        for (;;) {
            if (n == top) { n = NULL; break; }
            if (n->type == XML_ELEMENT_NODE && i >= 0 && (c->v[i].flags & F_BLOCK) && !skip)
                flush(c, em, root);
            if (n->next) { n = n->next; break; }
            n = n->parent;
            i = idx_of(n);
            skip = 0;
            if (!n) break;
        }
    }
    flush(c, em, root);
}

/* Most of the text is in captions: a photo story. */
static int photo_story(const bt_article *a)
{
    size_t cap = 0, par = 0;
    for (size_t i = 0; i + 1 < a->nblocks; i++) { /* the last block is the one in question */
        if (a->blocks[i].type == BT_BLOCK_CAPTION) cap += strlen(a->blocks[i].text);
        else if (a->blocks[i].type == BT_BLOCK_PARAGRAPH) par += strlen(a->blocks[i].text);
    }
    return cap > par;
}

/* Trailing byline and source lines: "Minh Anh" or "Theo VnExpress" closing the body are
 * metadata, not paragraphs. */
/* 1 when t starts with one of the lower-case ASCII labels (case ignored). */
static int starts_with_any(const char *t, const char *const *labels)
{
    for (; *labels; labels++)
        if (strncasecmp(t, *labels, strlen(*labels)) == 0) return 1;
    return 0;
}

/* What closes many bodies without being text: a heading with nothing under it ("More:",
 * "Related"), wire-service credits ("Reporting by ...; Editing by ..."), the article's
 * categories and tags ("Filed under: ...", "Từ khóa: ..."), a date line. */
static void trailing_boilerplate(bt_article *a)
{
    static const char *const credits[] = {"reporting by", "additional reporting by", "(reporting by",
                                          "editing by", "edited by", "writing by", "compiled by",
                                          "(editing by", NULL};
    static const char *const taxonomy[] = {"filed under", "tags:", "tagged:", "tagged with",
                                           "posted in", "categories:", "category:", "từ khóa",
                                           "từ khoá", "chủ đề:", "thẻ:", "tags ", NULL};
    for (int round = 0; round < 3 && a->nblocks > 1; round++) {
        bt_block *b = &a->blocks[a->nblocks - 1];
        size_t chars = bt_utf8_length(b->text);
        bt_date d;
        size_t n = strlen(b->text);
        int drop = b->type == BT_BLOCK_HEADING ||
                   (b->type == BT_BLOCK_PARAGRAPH &&
                    ((chars <= 300 && starts_with_any(b->text, credits)) ||
                     (chars <= 120 && starts_with_any(b->text, taxonomy)) ||
                     /* the date line under the text: "Thứ Tư, 22 tháng 10, 2025 lúc 19:25" */
                     (chars <= 80 && n && b->text[n - 1] != '.' && bt_date_parse(b->text, 0, &d))));
        if (!drop) return;
        free(b->text);
        bt_image_free(b->image);
        a->nblocks--;
    }
}

/* A short heading that announces a list ("More:", "Xem thêm:", "Related:") whose items were
 * links and are gone: nothing follows it that it introduces. */
static void orphan_intros(ctx *c)
{
    bt_article *a = c->a;
    size_t out = 0;
    for (size_t i = 0; i < a->nblocks; i++) {
        bt_block *b = &a->blocks[i];
        size_t n = strlen(b->text), words = 1;
        for (const char *p = b->text; *p; p++) words += *p == ' ';
        int orphan = b->type == BT_BLOCK_HEADING && n && b->text[n - 1] == ':' && words <= 3 &&
                     (i + 1 == a->nblocks || a->blocks[i + 1].type != BT_BLOCK_LIST_ITEM);
        if (orphan) {
            free(b->text);
            bt_image_free(b->image);
            continue;
        }
        if (out < c->nowners && i < c->nowners) c->block_owner[out] = c->block_owner[i]; /* kept in step */
        a->blocks[out++] = *b;
    }
    a->nblocks = out;
}

/* A labelled byline opening the body ("Bài và ảnh: Bình Minh", "Thực hiện: Nhóm PV"): the
 * author, not text. (An unlabelled name there may be a place: "Hà Nội".) */
static void leading_byline(ctx *c)
{
    bt_article *a = c->a;
    size_t i = 0;
    while (i < a->nblocks && (a->blocks[i].type == BT_BLOCK_IMAGE || a->blocks[i].type == BT_BLOCK_CAPTION)) i++;
    if (i + 2 >= a->nblocks || a->blocks[i].type != BT_BLOCK_PARAGRAPH || !strchr(a->blocks[i].text, ':'))
        return;
    int src = 0;
    char *who = bt_byline_from_line(a->blocks[i].text, &src);
    if (who && !src && strcmp(who, a->blocks[i].text) != 0 &&
        (!a->author || loose_eq(who, a->author))) {
        if (!a->author) bt_article_set(&a->author, who);
        free(a->blocks[i].text);
        memmove(&a->blocks[i], &a->blocks[i + 1], (a->nblocks - i - 1) * sizeof *a->blocks);
        if (i + 1 < c->nowners)
            memmove(&c->block_owner[i], &c->block_owner[i + 1], (c->nowners - i - 1) * sizeof *c->block_owner);
        if (c->nowners > i) c->nowners--;
        a->nblocks--;
    }
    free(who);
}

/* A byline with one short line after it (an editor's note, a promo the words do not give away):
 * "…last paragraph." "Lê Phương" "* Tên nhân vật đã được thay đổi.". The name is the author and
 * leaves the text; the line stays. */
static void byline_before_note(ctx *c)
{
    bt_article *a = c->a;
    if (a->nblocks < 3) return;
    size_t i = a->nblocks - 2;
    bt_block *b = &a->blocks[i], *last = &a->blocks[i + 1];
    if ((b->type != BT_BLOCK_PARAGRAPH && b->type != BT_BLOCK_HEADING) || last->type != BT_BLOCK_PARAGRAPH ||
        bt_utf8_length(last->text) > 200 || bt_utf8_length(b->text) > 60)
        return;
    int src = 0;
    char *who = bt_byline_from_line(b->text, &src);
    /* a name alone, not a sub-heading: the line after it is no more than a note */
    if (who && !src && strcmp(who, b->text) == 0 && (!a->author || loose_eq(who, a->author))) {
        if (!a->author) bt_article_set(&a->author, who);
        free(b->text);
        bt_image_free(b->image);
        memmove(&a->blocks[i], &a->blocks[i + 1], sizeof *a->blocks);
        if (i + 1 < c->nowners) c->block_owner[i] = c->block_owner[i + 1];
        if (c->nowners > i + 1) c->nowners--;
        a->nblocks--;
    }
    free(who);
}

void ex_trailing_byline(ctx *c)
{
    bt_article *a = c->a;
    orphan_intros(c);
    leading_byline(c);
    byline_before_note(c);
    int after_source = 0;
    for (int round = 0; round < 2 && a->nblocks > 1; round++) {
        /* a name in bold over a source line ("Lê Phương" then "(Theo Reuters)") was taken for
         * a heading: it is the byline */
        bt_block *h = &a->blocks[a->nblocks - 1];
        if (after_source && h->type == BT_BLOCK_HEADING) {
            int hs = 0;
            char *who = bt_byline_from_line(h->text, &hs);
            if (who && !hs) h->type = BT_BLOCK_PARAGRAPH;
            free(who);
        }
        trailing_boilerplate(a); /* before and after a byline */
        bt_block *b = &a->blocks[a->nblocks - 1];
        if (b->type != BT_BLOCK_PARAGRAPH) return;
        const char *t = b->text;
        size_t len = bt_utf8_length(t);
        if (len > 60 || len < 2) {
            /* "…last sentence. Minh Anh": a byline run into the last paragraph */
            char *tail = !a->author && round == 0 ? bt_byline_split_tail(b->text) : NULL;
            if (tail) bt_article_set(&a->author, tail);
            free(tail);
            return;
        }
        int source = strncmp(t, "Theo ", 5) == 0 || strncmp(t, "Nguồn:", 7) == 0 ||
                     strncmp(t, "Nguồn ", 7) == 0;
        int src = 0;
        char *who = bt_byline_from_line(t, &src);
        if (!who && !source && photo_story(a)) /* "Ảnh: Hiểu Nhân" closing a photo story */
            who = bt_byline_photo_credit(t);
        if (!who && !source) return;
        if (who && !src) {
            if (!a->author) {
                bt_article_set(&a->author, who);
            } else if (!loose_eq(who, a->author) && !strstr(a->author, who) && !strstr(who, a->author)) {
                free(who);
                return; /* another name than the author's: text */
            }
        } else if (who && !a->author && !c->source_author) {
            c->source_author = who; /* "Theo Tuổi Trẻ": the outlet, when no person is named */
            who = NULL;
        }
        after_source = source || src;
        free(who);
        free(b->text);
        bt_image_free(b->image);
        a->nblocks--;
    }
}

/* The content box plus the siblings that belong to it (readability's sibling rule). */
void ex_emit_content(ctx *c, int best)
{
    c->live = count_live_times(c, best) >= 3;
    emitter em = {{0}, -1, -1};
    ninfo *b = &c->v[best];
    int parent = b->parent;
    if (parent < 0 || best == c->body || (b->flags & F_SITE_CONTENT)) {
        emit_root(c, best, &em);
        bt_buf_free(&em.buf);
        return;
    }
    double thr = fmax(10, b->score * 0.2);
    const char *bcls = ex_attr(b->n, "class");
    for (xmlNode *k = c->v[parent].n->children; k; k = k->next) {
        int i = idx_of(k);
        if (i < 0) continue;
        ninfo *f = &c->v[i];
        if (f->flags & F_JUNK) continue;
        int take = i == best;
        if (!take) {
            double bonus = 0;
            const char *kc = ex_attr(k, "class");
            if (bcls && kc && *bcls && strcmp(bcls, kc) == 0) bonus = b->score * 0.2;
            if (f->scored && f->score + bonus >= thr && i > best) take = 1;
            else if (is_tag(k, "p") && i > best) {
                double ld = link_density(f);
                if (f->text > 80 && ld < 0.25) take = 1;
                else if (f->text > 0 && f->text <= 80 && ld == 0) {
                    xmlChar *s = xmlNodeGetContent(k);
                    if (s && strstr((const char *)s, ". ")) take = 1;
                    xmlFree(s);
                }
            }
        }
        if (take) emit_root(c, i, &em);
    }
    bt_buf_free(&em.buf);
}


void ex_emit_page(ctx *c)
{
    c->lenient = 1;
    emitter em = {{0}, -1, -1};
    emit_root(c, c->body, &em);
    bt_buf_free(&em.buf);
}

/* ---- boxes at the top of the body ---- */

static int owner_of_block(const ctx *c, size_t i)
{
    return i < c->nowners ? c->block_owner[i] : -1;
}

/* The element at or above e (below the body) that makes a box: a box class, a table, a list. */
static int box_container(const ctx *c, int e)
{
    for (int k = e, hops = 0; k >= 0 && k != c->body && hops < 12; k = c->v[k].parent, hops++) {
        const ninfo *f = &c->v[k];
        if ((f->flags & F_BOX) && f->raw < 1500) return k;
        if (is_tag(f->n, "table") && f->raw < 1500) return k;
        if (is_tag(f->n, "article") || is_tag(f->n, "main")) break;
    }
    return -1;
}

static int row_of(const ctx *c, int e)
{
    for (int k = e, hops = 0; k >= 0 && hops < 4; k = c->v[k].parent, hops++)
        if (is_tag(c->v[k].n, "tr")) return k;
    return -1;
}

/* A line of a box: short and without a sentence's final punctuation. */
static int short_line(const char *t)
{
    size_t n = strlen(t), chars = bt_utf8_length(t);
    if (!n || chars > 100) return 0;
    char last = t[n - 1];
    if (last == '.' || last == '!' || last == '?' || last == ';') return 0;
    if (n >= 3 && strcmp(t + n - 3, "…") == 0) return 0;
    return 1;
}

/* The first paragraph of the text proper: long, or ending as a sentence does. */
static int real_paragraph(const char *t)
{
    size_t chars = bt_utf8_length(t);
    return chars >= 100 || (!short_line(t) && chars >= 30);
}

/* Block i sits in a box that ends before the text proper (whose first block is first). */
static int in_box(const ctx *c, size_t i, size_t first)
{
    const bt_block *b = &c->a->blocks[i];
    if (b->type == BT_BLOCK_PARAGRAPH && bt_utf8_length(b->text) >= 100) return 0; /* text proper */
    int k = box_container(c, owner_of_block(c, i));
    return k >= 0 && !(first < c->a->nblocks && holds(c, k, owner_of_block(c, first)));
}

void ex_mark_boxes(ctx *c)
{
    bt_article *a = c->a;
    if (c->lenient) return; /* no article: nothing is at its top */
    size_t first = a->nblocks, nboxed = 0, nshort = 0, nother = 0;
    for (size_t i = 0; i < a->nblocks; i++) {
        const bt_block *b = &a->blocks[i];
        if (b->type == BT_BLOCK_IMAGE || b->type == BT_BLOCK_CAPTION) continue;
        if (box_container(c, owner_of_block(c, i)) < 0 || !in_box(c, i, a->nblocks)) {
            if (b->type == BT_BLOCK_HEADING || b->type == BT_BLOCK_QUOTE ||
                (b->type == BT_BLOCK_PARAGRAPH && real_paragraph(b->text))) {
                first = i;
                break;
            }
        }
    }
    /* nothing before the text proper, or no text proper at all (a photo story, a list page) */
    if (first == a->nblocks || first == 0) return;
    for (size_t i = 0; i < first; i++) {
        const bt_block *b = &a->blocks[i];
        if (b->type == BT_BLOCK_IMAGE || b->type == BT_BLOCK_CAPTION) continue;
        if (in_box(c, i, first)) nboxed++;
        else if (b->type == BT_BLOCK_LIST_ITEM || short_line(b->text)) nshort++;
        else nother++;
    }
    int lines = nother == 0 && (nshort >= 2 || (nshort >= 1 && nboxed >= 1));
    if (!nboxed && !lines) return;
    size_t out = 0; /* blocks are rewritten in place: cells of one table row join */
    int prev_row = -1;
    for (size_t i = 0; i < a->nblocks; i++) {
        bt_block *b = &a->blocks[i];
        int own = owner_of_block(c, i);
        if (i < first && b->type != BT_BLOCK_IMAGE && b->type != BT_BLOCK_CAPTION &&
            (lines || in_box(c, i, first))) {            int row = row_of(c, own);
            if (row >= 0 && row == prev_row && out > 0 && a->blocks[out - 1].type == BT_BLOCK_BOX) {
                bt_block *p = &a->blocks[out - 1];
                size_t pl = strlen(p->text);
                const char *sep = p->text[pl - 1] == ':' ? " " : strchr(p->text, ':') ? ", " : ": ";
                char *j = bt_xasprintf("%s%s%s", p->text, sep, b->text);
                free(p->text);
                p->text = j;
                free(b->text);
                continue;
            }
            prev_row = row;
            b->level = b->type == BT_BLOCK_HEADING;
            b->type = BT_BLOCK_BOX;
        } else {
            prev_row = -1;
        }
        if (out != i) {
            a->blocks[out] = *b;
            if (i < c->nowners && out < c->nowners) c->block_owner[out] = c->block_owner[i];
        }
        out++;
    }
    a->nblocks = out;
}

/* ---- tables in the body ---- */

/* Element t is a table of data: rows of short cells (two or more in some row), no table in it,
 * no cell holding paragraphs, lists or headings of its own. A table that lays out a page (the
 * article in one of its cells) is not one. */
static int data_table(const ctx *c, int t)
{
    int rows = 0, wide = 0, cells_in_row = 0;
    for (int k = t + 1; k < c->n && c->v[k].depth > c->v[t].depth; k++) {
        const ninfo *f = &c->v[k];
        if (f->tag == T_TABLE) return 0;
        if (f->tag == T_TR) {
            rows++;
            cells_in_row = 0;
        } else if (f->tag == T_TD || f->tag == T_TH) {
            if (f->text > 300 || f->np > 1 || f->nli > 0 || f->nheading > 0) return 0;
            if (++cells_in_row >= 2) wide = 1;
        }
    }
    return rows >= 2 && wide;
}

void ex_join_rows(ctx *c)
{
    bt_article *a = c->a;
    if (c->lenient) return;
    size_t out = 0;
    int prev_row = -1, prev_table = -1, prev_ok = 0;
    for (size_t i = 0; i < a->nblocks; i++) {
        bt_block *b = &a->blocks[i];
        int own = owner_of_block(c, i), row = -1, table = -1;
        if (b->type == BT_BLOCK_PARAGRAPH && own >= 0) {
            row = row_of(c, own);
            for (int k = row, hops = 0; k >= 0 && hops < 4 && table < 0; k = c->v[k].parent, hops++)
                if (c->v[k].tag == T_TABLE) table = k;
        }
        int ok = table >= 0 && (table == prev_table ? prev_ok : data_table(c, table));
        if (ok && row == prev_row && out > 0 && a->blocks[out - 1].type == BT_BLOCK_PARAGRAPH) {
            /* a cell of the row before: "Ruột non | 15-25% | Người trên 60 tuổi" */
            bt_block *p = &a->blocks[out - 1];
            char *j = bt_xasprintf("%s | %s", p->text, b->text);
            free(p->text);
            p->text = j;
            free(b->text);
            bt_image_free(b->image);
            continue;
        }
        prev_row = ok ? row : -1;
        prev_table = table;
        prev_ok = ok;
        if (out != i) {
            a->blocks[out] = *b;
            if (i < c->nowners && out < c->nowners) c->block_owner[out] = c->block_owner[i];
        }
        out++;
    }
    a->nblocks = out;
}


void ex_bold_headings(ctx *c)
{
    bt_article *a = c->a;
    int seen_para = 0;
    for (size_t i = 0; i + 1 < a->nblocks; i++) {
        bt_block *b = &a->blocks[i];
        if (b->type != BT_BLOCK_PARAGRAPH) continue;
        int o = owner_of_block(c, i), was = seen_para;
        seen_para = 1;
        if (!was || o < 0 || (c->v[o].tag != T_P && c->v[o].tag != T_DIV)) continue;
        const char *t = b->text;
        size_t n = strlen(t), chars = bt_utf8_length(t);
        if (chars < 8 || chars > 150 || !strchr(t, ' ')) continue;
        static const char *const ends[] = {".", "!", "?", ":", ";", ",", "…", "\"", "”", "'", NULL};
        int sentence = 0;
        for (const char *const *e = ends; *e && !sentence; e++) {
            size_t l = strlen(*e);
            sentence = n >= l && memcmp(t + n - l, *e, l) == 0;
        }
        if (sentence || !ex_all_bold(c, o)) continue;
        /* more text follows it */
        size_t k = i + 1;
        while (k < a->nblocks && (a->blocks[k].type == BT_BLOCK_IMAGE || a->blocks[k].type == BT_BLOCK_CAPTION)) k++;
        if (k >= a->nblocks || (a->blocks[k].type != BT_BLOCK_PARAGRAPH && a->blocks[k].type != BT_BLOCK_LIST_ITEM))
            continue;
        b->type = BT_BLOCK_HEADING;
        b->level = 3;
    }
}

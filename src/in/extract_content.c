/* extract_content.c - the article body of an HTML page: score paragraph-like blocks and credit
 * their ancestors, pick the box that holds the article and the siblings that belong to it, then
 * emit its blocks in document order, dropping boxes that are not article text on the way
 * (readability's conditional cleaning). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "byline.h"
#include "date.h"
#include "extract_int.h"
#include "image.h"
#include "text.h"

/* ---- pass 4: scoring ---- */

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

int ex_pick_content(ctx *c)
{
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        if (f->flags & F_JUNK) continue;
        if (!(f->flags & F_BLOCK)) continue;
        const char *t = nm(f->n);
        if (!strcasecmp(t, "body") || !strcasecmp(t, "html")) continue;
        if (f->own < 25) continue;
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

    /* Several of the best candidates inside one ancestor: that ancestor is the article. */
    int top[5] = {-1, -1, -1, -1, -1};
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        if (!f->scored || (f->flags & F_JUNK) || i == best) continue;
        if (f->score < bs * 0.75) continue;
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
    if (f->nimg > 1 && p * 2 < img && !is_tag(f->n, "figure")) return 1;
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
        char *src = s && !name ? bt_byline_source_person(s) : NULL;
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
} emitter;

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

static void flush(ctx *c, emitter *em, int root)
{
    if (em->buf.len == 0) return;
    int level = 0;
    bt_block_type ty = em->owner >= 0 ? block_type_of(c, em->owner, root, &level) : BT_BLOCK_PARAGRAPH;
    char *clean = bt_text_clean(em->buf.data, em->buf.len);
    bt_buf_reset(&em->buf);
    em->owner = -1;
    if (!*clean) { free(clean); return; }
    if (c->title_text && loose_eq(clean, c->title_text) &&
        (ty == BT_BLOCK_HEADING || ty == BT_BLOCK_PARAGRAPH)) {
        free(clean);
        return;
    }
    if (ty == BT_BLOCK_PARAGRAPH && bt_utf8_length(clean) <= 40) {
        bt_date d;
        if (bt_date_parse(clean, 0, &d)) { /* "Cập nhật: 15/04/2009 10:20": metadata */
            free(clean);
            return;
        }
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
    bt_block *b = bt_article_add(c->a, ty, clean);
    if (b) b->level = level;
    free(clean);
}

static const char *img_src(const xmlNode *n)
{
    static const char *const lazy[] = {"data-src", "data-original", "data-lazy-src",
                                       "data-srcset", "data-url", NULL};
    const char *s = ex_attr(n, "src");
    int placeholder = !s || !*s || (strncasecmp(s, "data:", 5) == 0 && strlen(s) < 200);
    if (placeholder) {
        for (const char *const *p = lazy; *p; p++) {
            const char *v = ex_attr(n, *p);
            if (v && *v) return v;
        }
    }
    return s;
}

static void emit_image(ctx *c, emitter *em, int root, const xmlNode *n)
{
    const char *src = img_src(n);
    if (!src || !*src) return;
    const char *w = ex_attr(n, "width"), *h = ex_attr(n, "height");
    long wv = w ? strtol(w, NULL, 10) : 0, hv = h ? strtol(h, NULL, 10) : 0;
    if ((wv > 0 && wv < 40) || (hv > 0 && hv < 40)) return; /* icons, spacers */
    static const char *const decor[] = {"logo", "icon", "avatar", "spacer", "pixel", "blank.gif",
                                        "1x1", "tracking", "badge", NULL};
    for (const char *const *d = decor; *d; d++)
        if (strncasecmp(src, "data:", 5) != 0 && ex_ci_contains(src, *d)) return;
    /* the same picture twice (lazy-load copies, <noscript> twins) is kept once */
    for (int k = 0; k < c->nseen; k++)
        if (strcmp(c->seen[k], src) == 0) return;
    if (c->nseen < 256) c->seen[c->nseen++] = bt_xstrdup(src);
    flush(c, em, root);
    c->nimages++;
    /* Remote images are never fetched: one summary warning instead of one per image. */
    int remote = strncmp(src, "//", 2) == 0 || strncasecmp(src, "http:", 5) == 0 ||
                 strncasecmp(src, "https:", 6) == 0 || strncasecmp(src, "ftp:", 4) == 0;
    if (remote) {
        if (c->nremote++ == 0) {
            size_t l = strlen(src);
            c->first_remote = bt_xstrndup(src, l > 100 ? 100 : l);
        }
        return;
    }
    bt_image *img = NULL;
    if (c->base_dir || strncasecmp(src, "data:", 5) == 0)
        img = bt_image_load(src, c->base_dir, c->a);
    if (!img) return;
    const char *alt = ex_attr(n, "alt");
    bt_block *b = bt_article_add(c->a, BT_BLOCK_IMAGE, alt ? alt : "");
    if (b) b->image = img;
    else bt_image_free(img);
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
                if (f->flags & F_JUNK) skip = 1;
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

/* Trailing byline and source lines: "Minh Anh" or "Theo VnExpress" closing the body are
 * metadata, not paragraphs. */
void ex_trailing_byline(ctx *c)
{
    bt_article *a = c->a;
    for (int round = 0; round < 2 && a->nblocks > 1; round++) {
        bt_block *b = &a->blocks[a->nblocks - 1];
        if (b->type != BT_BLOCK_PARAGRAPH) return;
        const char *t = b->text;
        size_t len = bt_utf8_length(t);
        if (len > 60 || len < 3) return;
        int source = strncmp(t, "Theo ", 5) == 0 || strncmp(t, "Nguồn:", 7) == 0 ||
                     strncmp(t, "Nguồn ", 7) == 0;
        int name = !source && bt_byline_is_name(t, strlen(t)) && t[strlen(t) - 1] != '.' &&
                   strchr(t, ' ') != NULL;
        if (!source && !name) return;
        if (source && !a->author) {
            char *who = bt_byline_source_person(t);
            if (who) bt_article_set(&a->author, who);
            free(who);
        }
        if (name && !a->author) bt_article_set(&a->author, t);
        else if (name && !loose_eq(t, a->author) && !strstr(t, a->author)) return;
        free(b->text);
        bt_image_free(b->image);
        a->nblocks--;
    }
}

/* The content box plus the siblings that belong to it (readability's sibling rule). */
void ex_emit_content(ctx *c, int best)
{
    emitter em = {{0}, -1};
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
    emitter em = {{0}, -1};
    emit_root(c, c->body, &em);
    bt_buf_free(&em.buf);
}

/* extract_image.c - which file a picture of the page is: the best of its sources.
 *
 * A picture may name several files: srcset candidates on the <img> and on the <source>s of its
 * <picture> (the largest first), lazy-loading attributes (data-src, data-original, ...) behind a
 * placeholder src, AMP's <amp-img>, and a <noscript> twin. bantin never fetches, so the best
 * candidate that exists in the saved page's folder is loaded; when none does, the picture is
 * counted as remote (or refused) under its main source, as a browser without scripts shows it. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bt_limits.h"
#include "extract_int.h"
#include "image.h"

static int is_remote(const char *s)
{
    return strncmp(s, "//", 2) == 0 || strncasecmp(s, "http:", 5) == 0 ||
           strncasecmp(s, "https:", 6) == 0 || strncasecmp(s, "ftp:", 4) == 0;
}

/* A stand-in shown until a script loads the real picture. */
static int placeholder(const char *s)
{
    if (!s || !*s) return 1;
    if (strncasecmp(s, "data:", 5) == 0) return strlen(s) < 200;
    static const char *const words[] = {"placeholder", "blank.gif", "spacer.gif", "lazy.gif",
                                        "loading.gif", "grey.gif", "gray.gif", "transparent.gif",
                                        "pixel.gif", "1x1.gif", NULL};
    for (const char *const *w = words; *w; w++)
        if (ex_ci_contains(s, *w)) return 1;
    return 0;
}

/* Surely a stand-in: a tiny GIF or SVG data: URI, or a file named like one. (A small data: PNG
 * may be a real picture.) */
static int stand_in(const char *s)
{
    if (!s || !*s) return 1;
    if (strncasecmp(s, "data:image/gif", 14) == 0) return strlen(s) < 200;
    if (strncasecmp(s, "data:image/svg", 14) == 0) return strlen(s) < 400;
    if (strncasecmp(s, "data:", 5) == 0) return strlen(s) < 80;
    return placeholder(s);
}

const char *ex_image_main_src(const xmlNode *n)
{
    static const char *const lazy[] = {"data-src", "data-original", "data-lazy-src", "data-lazy",
                                       "data-original-src", "data-full-src", "data-srcset",
                                       "data-url", NULL};
    const char *s = ex_attr(n, "src");
    if (placeholder(s)) {
        for (const char *const *p = lazy; *p; p++) {
            const char *v = ex_attr(n, *p);
            if (v && *v && !placeholder(v)) return v;
        }
        if (stand_in(s)) return NULL; /* no picture named (its <noscript> may have it) */
    }
    return s;
}

/* Candidates of one srcset ("a.jpg 640w, b.jpg 2x"), appended as (url, weight); a width counts
 * as it is, a density as 1000 per 1x (a bare URL is 1x). */
static void srcset_add(const char *ss, ex_srcs *out)
{
    const char *p = ss;
    while (*p && out->n < EX_MAX_SRCS) {
        while (*p && (isspace((unsigned char)*p) || *p == ',')) p++;
        if (!*p) break;
        const char *u = p;
        while (*p && !isspace((unsigned char)*p)) p++;
        size_t ul = (size_t)(p - u);
        int bare = 0;
        while (ul && u[ul - 1] == ',') { ul--; bare = 1; } /* "a.jpg," ends the candidate */
        double w = 1000;
        if (!bare) {
            while (*p && isspace((unsigned char)*p)) p++;
            const char *d = p;
            while (*p && *p != ',') p++;
            char *end = NULL;
            double v = strtod(d, &end);
            if (end && end > d && v > 0) {
                if (*end == 'w' || *end == 'W') w = v;
                else if (*end == 'x' || *end == 'X') w = v * 1000;
            }
        }
        if (ul && ul < 2048) {
            out->url[out->n] = bt_xstrndup(u, ul);
            out->weight[out->n++] = w;
        }
    }
}

void ex_image_sources(const xmlNode *n, ex_srcs *out)
{
    memset(out, 0, sizeof *out);
    static const char *const sets[] = {"srcset", "data-srcset", "data-lazy-srcset", NULL};
    for (const char *const *a = sets; *a; a++) {
        const char *v = ex_attr(n, *a);
        if (v && *v) srcset_add(v, out);
    }
    /* <picture><source srcset=...>: libxml2 nests what follows a <source> inside it */
    for (const xmlNode *p = n->parent; p && (is_tag(p, "source") || is_tag(p, "picture")); p = p->parent) {
        for (const char *const *a = sets; *a && is_tag(p, "source"); a++) {
            const char *v = ex_attr(p, *a);
            if (v && *v) srcset_add(v, out);
        }
    }
    /* best first (a stable insertion sort: equal weights keep the page's order) */
    for (int i = 1; i < out->n; i++)
        for (int k = i; k > 0 && out->weight[k] > out->weight[k - 1]; k--) {
            char *u = out->url[k];
            double w = out->weight[k];
            out->url[k] = out->url[k - 1];
            out->weight[k] = out->weight[k - 1];
            out->url[k - 1] = u;
            out->weight[k - 1] = w;
        }
}

void ex_image_sources_free(ex_srcs *s)
{
    for (int i = 0; i < s->n; i++) free(s->url[i]);
    s->n = 0;
}

bt_image *ex_image_load_best(ctx *c, const ex_srcs *s, const char *main_src)
{
    if (!c->base_dir) return NULL;
    for (int i = 0; i < s->n; i++) {
        const char *u = s->url[i];
        if (is_remote(u) || strncasecmp(u, "data:", 5) == 0 || (main_src && !strcmp(u, main_src)))
            continue;
        /* a trial: a missing candidate is no news when another one is there */
        bt_article *trial = bt_article_new();
        int64_t before = c->a->image_pixels; /* the article's budget of decoded pixels */
        trial->image_pixels = before;
        bt_image *img = bt_image_load(u, c->base_dir, trial);
        c->a->image_pixels = trial->image_pixels;
        if (trial->image_pixels > BT_MAX_ARTICLE_PIXELS && before <= BT_MAX_ARTICLE_PIXELS && trial->nwarnings)
            bt_article_warn(c->a, "%s", trial->warnings[trial->nwarnings - 1]); /* (said once) */
        bt_article_free(trial);
        if (img) return img;
    }
    return NULL;
}

/* ---- captions known by where they stand ---- */

/* Subtree of element i in the flat table: i + 1 .. end - 1. */
static int subtree_end(const ctx *c, int i)
{
    int e = i + 1;
    while (e < c->n && c->v[e].depth > c->v[i].depth) e++;
    return e;
}

static int is_picture(const ninfo *f)
{
    return (f->tag == T_IMG || f->tag == T_AMP_IMG) && !(f->flags & F_JUNK);
}

/* Pictures in element i's subtree (not junk). */
static int pictures_in(const ctx *c, int i)
{
    int n = 0, e = subtree_end(c, i);
    for (int k = i; k < e; k++) n += is_picture(&c->v[k]);
    return n;
}

/* Characters of element i's text that sit inside <em> or <i> (the rest: *all). */
static long italic_text(const ctx *c, int i, long *all)
{
    long it = 0;
    *all = 0;
    int e = subtree_end(c, i);
    for (int k = i; k < e; k++) {
        const ninfo *f = &c->v[k];
        if (f->flags & F_HARDJUNK) continue;
        int in_it = 0;
        for (int p = k; p >= i && !in_it; p = c->v[p].parent)
            in_it = c->v[p].tag == T_OTHER && (is_tag(c->v[p].n, "em") || is_tag(c->v[p].n, "i"));
        for (const xmlNode *t = f->n->children; t; t = t->next) {
            if (t->type != XML_TEXT_NODE || !t->content) continue;
            long m = ex_text_measure((const char *)t->content, NULL);
            *all += m;
            if (in_it) it += m;
        }
    }
    return it;
}

/* Its style centres its text ("text-align: center"). */
static int centred(const xmlNode *n)
{
    const char *st = ex_attr(n, "style");
    return (st && ex_ci_contains(st, "text-align") && ex_ci_contains(st, "center")) ||
           is_tag(n, "center") || ((st = ex_attr(n, "align")) && strcasecmp(st, "center") == 0);
}

/* A line that reads as a picture's caption: short, and in italics or centred. */
static int caption_line(const ctx *c, int i)
{
    const ninfo *f = &c->v[i];
    if (f->flags & (F_JUNK | F_CAPTION)) return 0;
    if (f->raw < 3 || f->raw > 250 || pictures_in(c, i)) return 0;
    if (f->tag != T_P && f->tag != T_DIV && f->tag != T_CENTER && f->tag != T_TD) return 0;
    long all, it = italic_text(c, i, &all);
    return (all > 0 && it * 10 >= all * 9) || centred(f->n);
}

/* Element i holds a picture and no text (a paragraph or cell around an <img>). */
static int picture_only(const ctx *c, int i)
{
    const ninfo *f = &c->v[i];
    return !(f->flags & F_JUNK) && f->raw == 0 && subtree_end(c, i) - i <= 8 && pictures_in(c, i) == 1;
}

void ex_mark_captions(ctx *c)
{
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        if (f->flags & F_JUNK) continue;
        if (f->tag == T_TABLE) {
            /* A picture table (editors' "image" tables): a cell with the picture, a cell or two
             * with a short text and nothing else. The text is its caption. */
            int e = subtree_end(c, i), rows = 0, cells = 0, other = 0;
            for (int k = i + 1; k < e; k++) {
                int t = c->v[k].tag;
                rows += t == T_TR;
                cells += t == T_TD || t == T_TH;
                other += t == T_TABLE || (t == T_P && c->v[k].raw > 250);
            }
            if (rows < 1 || rows > 3 || cells < 2 || cells > 3 || other || f->raw == 0 || f->raw > 400 ||
                pictures_in(c, i) != 1)
                continue;
            int pic_cell_ok = 1;
            for (int k = i + 1; k < e; k++)
                if ((c->v[k].tag == T_TD || c->v[k].tag == T_TH) && pictures_in(c, k) && c->v[k].raw > 0)
                    pic_cell_ok = 0;
            if (!pic_cell_ok) continue;
            for (int k = i + 1; k < e; k++)
                if ((c->v[k].tag == T_TD || c->v[k].tag == T_TH) && !pictures_in(c, k) && c->v[k].raw > 0)
                    c->v[k].flags |= F_CAPTION;
            continue;
        }
        /* A paragraph holding a picture and a short text in italics after it ("<p><img><br>
         * <em>caption</em></p>"): the picture's caption. */
        if ((f->tag == T_P || f->tag == T_DIV || f->tag == T_CENTER) && f->raw >= 3 && f->raw <= 250 &&
            pictures_in(c, i) == 1 && subtree_end(c, i) - i <= 10) {
            long all, it = italic_text(c, i, &all);
            if (all > 0 && it * 10 >= all * 9) {
                f->flags |= F_CAPTION;
                continue;
            }
        }
        /* A paragraph holding only a picture, then a short line in italics or centred: the
         * picture's caption (editors without figure/figcaption). */
        if (!picture_only(c, i) || f->tag == T_TD) continue;
        const xmlNode *s = f->n->next;
        while (s && s->type != XML_ELEMENT_NODE) s = s->next;
        int k = idx_of(s);
        if (k >= 0 && caption_line(c, k)) c->v[k].flags |= F_CAPTION;
    }
}

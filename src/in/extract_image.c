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
        bt_image *img = bt_image_load(u, c->base_dir, trial);
        bt_article_free(trial);
        if (img) return img;
    }
    return NULL;
}

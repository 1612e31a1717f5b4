/* extract.c - metadata and main content of an HTML page (see extract.h).
 *
 * Passes over a flat array of the page's elements in document order (preorder):
 *  1. record every element (depth-limited), its parent, block/inline kind and tag flags;
 *  2. mark boilerplate: junk tags, hidden elements, class/id hints, in preorder;
 *  3. sum text, link text, commas, paragraphs, images, list items bottom-up (reverse order);
 *  4. score paragraph-like blocks and credit their ancestors; pick the best container and the
 *     siblings that belong to it;
 *  5. emit blocks in document order, dropping link-heavy or form-like boxes on the way.
 * Metadata (title, date, author, category, lead, URL, language) comes from meta tags, JSON-LD
 * and visible elements, checked against each other. */
#include "extract.h"

#include <ctype.h>
#include <jansson.h>
#include <utf8proc.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image.h"
#include "input.h"
#include "site.h"
#include "text.h"

/* ---- element table ---- */

enum {
    F_BLOCK = 1 << 0,    /* block-level element */
    F_JUNK = 1 << 1,     /* removed: never content */
    F_INLINK = 1 << 2,   /* inside <a> */
    F_HIDDEN = 1 << 3,
    F_HARDJUNK = 1 << 4, /* script, style, ...: not even text for metadata */
    F_NEG = 1 << 5,      /* class/id says boilerplate */
    F_POS = 1 << 6,      /* class/id says content */
    F_CAPTION = 1 << 7,
    F_SITE_CONTENT = 1 << 8, /* site rule: this is the content */
};

typedef struct {
    xmlNode *n;
    int parent;
    int depth;
    unsigned flags;
    long text;   /* characters of text (non-junk) in the subtree */
    long link;   /* of which inside links */
    long own;    /* inline text directly in this block (not in child blocks) */
    long raw;    /* all text incl. junk except hard junk (for pass 2) */
    int commas, own_commas;
    int np, nimg, nli, ninput, nembed, nheading;
    double score;
    int scored;
} ninfo;

typedef struct {
    htmlDocPtr doc;
    bt_article *a;
    const char *base_dir;
    ninfo *v;
    int n, cap;
    int body;
    const bt_site_rules *site;
    int nremote, nimages;
    char *title_text; /* chosen title, for dropping it from the body */
    char *lead_text;
    xmlNode *lead_node;
    xmlNode *byline_node;
    char *first_remote;
    char *seen[256]; /* image sources already taken */
    int nseen;
    int title_from_h1; /* the title is a visible h1 */
    int lenient; /* no box dropping: last resort for pages without an article */
} ctx;

static int idx_of(const xmlNode *n)
{
    return n && n->type == XML_ELEMENT_NODE && n->_private ? (int)(intptr_t)n->_private - 1 : -1;
}

static const char *nm(const xmlNode *n)
{
    return n && n->name ? (const char *)n->name : "";
}

static int is_tag(const xmlNode *n, const char *t)
{
    return n && n->type == XML_ELEMENT_NODE && strcasecmp(nm(n), t) == 0;
}

/* Attribute value without allocating ("" when present but empty, NULL when absent). */
static const char *attr(const xmlNode *n, const char *name)
{
    if (!n || n->type != XML_ELEMENT_NODE) return NULL;
    for (xmlAttr *p = n->properties; p; p = p->next) {
        if (p->name && strcasecmp((const char *)p->name, name) == 0) {
            if (p->children && (p->children->type == XML_TEXT_NODE) && p->children->content)
                return (const char *)p->children->content;
            return "";
        }
    }
    return NULL;
}

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcasecmp(s, *list) == 0) return 1;
    return 0;
}

static const char *const block_tags[] = {
    "p", "div", "section", "article", "main", "td", "th", "li", "dd", "dt", "blockquote", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "tr", "tbody", "thead",
    "tfoot", "figure", "figcaption", "header", "footer", "aside", "nav", "form", "body", "html",
    "center", "address", "details", "summary", "fieldset", "hr", "caption", "hgroup", "dialog",
    "menu", "noscript", "iframe", "video", "audio", "canvas", "svg", "object",
    "picture", "option", "select", "textarea", "button", "head", "title", "script", "style",
    NULL};
/* Never content, not even for metadata text. */
static const char *const hard_junk[] = {
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "base", "svg",
    "math", "canvas", "iframe", "frame", "frameset", "object", "applet", "param",
    "video", "audio", "map", "area", "input", "select", "option",
    "textarea", "button", "datalist", "output", "progress", "meter", "dialog", NULL};
/* HTML5 void elements (embed, source, track, wbr, keygen) are unknown to libxml2's HTML 4
 * parser, which makes them containers of whatever follows: they hold no text of their own, so
 * they are simply transparent here (not junk, not blocks) and the swallowed content survives. */

/* Structural boilerplate: not content (metadata may still read them). */
static const char *const soft_junk[] = {"nav", "footer", "aside", "menu", "header", "form",
                                        "label", "fieldset", "legend", NULL};

/* ---- class/id hints ---- */

static const char *const neg_sub[] = {
    "comment", "disqus", "sharing", "share", "social", "related", "relate", "recommend",
    "sidebar", "side-bar", "widget", "footer", "breadcrumb", "navbar", "navigation", "masthead",
    "banner", "advert", "sponsor", "promo", "popup", "modal", "cookie", "newsletter", "subscri",
    "signup", "login", "pagination", "pager", "toolbar", "outbrain", "taboola", "trending",
    "popular", "lienquan", "lien-quan", "lien_quan", "tinkhac", "tin-khac", "xemthem",
    "xem-them", "readmore", "read-more", "see-also", "seealso", "also-read", "copyright",
    "author", "autor", "auteur", "byline", "dateline", "forum", "masthead", "shoutbox", "sitemap", "skip",
    "rating", "survey", "poll", "tooltip", "follow", "donate", "most-read",
    "mostread", "more-news", "morenews", "next-article", "prev-next", "keyword", "tag-list",
    "taglist", "tags", "header", "menu", "topbar", "top-bar", "bottom-bar", "logo", "extra",
    "jump", "print", "email", "facebook", "twitter", "zalo", "gdpr", "consent", "meta-",
    "timestamp", "publish", "signature", NULL};
static const char *const neg_tok[] = {"ad", "ads", "adv", "nav", "tag", "date", "time", "meta",
                                      "box-tin", "more", "cmt", "fb", "share", "sns", "box_tin",
                                      "notice", "source", "credit", "credits", "info", NULL};
static const char *const pos_sub[] = {"article", "content", "entry", "story", "body", "main",
                                      "detail", "post", "text", "fck", "hentry", "blog",
                                      "news-", "page-", "single", "chitiet", "noidung", NULL};

static int ci_contains(const char *h, const char *n)
{
    size_t nl = strlen(n);
    for (; *h; h++)
        if (strncasecmp(h, n, nl) == 0) return 1;
    return 0;
}

static int has_token(const char *s, const char *tok)
{
    size_t tl = strlen(tok);
    const char *p = s;
    while (*p) {
        while (*p && !isalnum((unsigned char)*p)) p++;
        const char *b = p;
        while (*p && (isalnum((unsigned char)*p))) p++;
        if ((size_t)(p - b) == tl && strncasecmp(b, tok, tl) == 0) return 1;
    }
    return 0;
}

/* Lower-case "class id" of n into buf. */
static const char *classid(const xmlNode *n, char *buf, size_t sz)
{
    const char *c = attr(n, "class"), *i = attr(n, "id");
    snprintf(buf, sz, "%s %s", c ? c : "", i ? i : "");
    return buf;
}

static void class_hints(const xmlNode *n, unsigned *flags)
{
    char buf[512];
    classid(n, buf, sizeof buf);
    if (buf[0] == ' ' && buf[1] == '\0') return;
    int neg = 0, pos = 0;
    for (const char *const *p = neg_sub; *p && !neg; p++) neg = ci_contains(buf, *p);
    for (const char *const *p = neg_tok; *p && !neg; p++) neg = has_token(buf, *p);
    for (const char *const *p = pos_sub; *p && !pos; p++) pos = ci_contains(buf, *p);
    if (neg) *flags |= F_NEG;
    if (pos) *flags |= F_POS;
    if (ci_contains(buf, "caption") || ci_contains(buf, "figcaption")) *flags |= F_CAPTION;
}

static int is_hidden(const xmlNode *n)
{
    if (attr(n, "hidden")) return 1;
    const char *ah = attr(n, "aria-hidden");
    if (ah && strcasecmp(ah, "true") == 0 && !is_tag(n, "img") && !is_tag(n, "figure")) return 1;
    const char *st = attr(n, "style");
    if (st) {
        char b[256];
        size_t k = 0;
        for (const char *p = st; *p && k + 1 < sizeof b; p++)
            if (!isspace((unsigned char)*p)) b[k++] = (char)tolower((unsigned char)*p);
        b[k] = '\0';
        if (strstr(b, "display:none") || strstr(b, "visibility:hidden")) return 1;
    }
    const char *ty = attr(n, "type");
    if (ty && is_tag(n, "input") && strcasecmp(ty, "hidden") == 0) return 1;
    const char *role = attr(n, "role");
    if (role && (strcasecmp(role, "navigation") == 0 || strcasecmp(role, "banner") == 0 ||
                 strcasecmp(role, "contentinfo") == 0 || strcasecmp(role, "complementary") == 0 ||
                 strcasecmp(role, "dialog") == 0 || strcasecmp(role, "menu") == 0 ||
                 strcasecmp(role, "menubar") == 0 || strcasecmp(role, "search") == 0 ||
                 strcasecmp(role, "alert") == 0))
        return 1;
    return 0;
}


/* Text equality ignoring white space, ASCII punctuation and ASCII case (any script). With
 * prefix set: a is a prefix of b. */
static int loose_cmp(const char *a, const char *b, int prefix)
{
    if (!a || !b) return 0;
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    size_t seen = 0;
    for (;;) {
        while (*p && *p < 0x80 && !isalnum(*p)) p++;
        while (*q && *q < 0x80 && !isalnum(*q)) q++;
        if (!*p) return seen > 0 && (prefix || !*q);
        if (!*q) return 0;
        if (tolower(*p) != tolower(*q)) return 0;
        p++;
        q++;
        seen++;
    }
}

static int loose_eq(const char *a, const char *b) { return loose_cmp(a, b, 0); }

/* ---- text measures ---- */

/* Characters of text, white-space runs counted once; commas counted into *commas. */
static long text_measure(const char *s, int *commas)
{
    long n = 0;
    int ws = 1;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = bt_utf8_decode(s + i, len - i, &cp);
        if (!k) break;
        i += k;
        int space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == '\f';
        if (space) {
            if (!ws) n++;
            ws = 1;
            continue;
        }
        ws = 0;
        n++;
        if (commas && (cp == ',' || cp == 0xFF0C || cp == 0x3001 || cp == 0x060C)) (*commas)++;
    }
    return n;
}

/* ---- pass 1: record elements ---- */

static void record(ctx *c)
{
    xmlNode *root = xmlDocGetRootElement(c->doc);
    xmlNode *n = root;
    int depth = 0;
    int cur = -1; /* index of the nearest recorded element above n */
    c->body = -1;
    while (n) {
        int me = -1;
        if (n->type == XML_ELEMENT_NODE) {
            if (depth <= BT_MAX_HTML_DEPTH && c->n < BT_MAX_HTML_NODES) {
                if (c->n == c->cap) {
                    c->cap = c->cap ? c->cap * 2 : 1024;
                    c->v = bt_xrealloc(c->v, (size_t)c->cap * sizeof *c->v);
                }
                me = c->n++;
                ninfo *f = &c->v[me];
                memset(f, 0, sizeof *f);
                f->n = n;
                f->parent = cur;
                f->depth = depth;
                n->_private = (void *)(intptr_t)(me + 1);
                const char *t = nm(n);
                if (in_list(t, block_tags)) f->flags |= F_BLOCK;
                if (strcasecmp(t, "body") == 0 && c->body < 0) c->body = me;
            } else {
                n->_private = NULL;
            }
        }
        /* descend */
        if (n->children && n->type == XML_ELEMENT_NODE) {
            if (me >= 0) cur = me;
            n = n->children;
            depth++;
            continue;
        }
        /* next sibling or climb */
        while (n && !n->next) {
            n = n->parent;
            depth--;
            if (!n || n == (xmlNode *)c->doc || depth < 0) { n = NULL; break; }
            if (idx_of(n) == cur && cur >= 0) cur = c->v[cur].parent;
            if (n == root) { n = NULL; break; }
        }
        if (n) n = n->next;
    }
}

/* Nearest recorded element at or above n (for text nodes and flattened elements). */
static int owner(const xmlNode *n)
{
    for (int hops = 0; n && hops < BT_MAX_HTML_DEPTH * 4 + 64; hops++, n = n->parent) {
        int i = idx_of(n);
        if (i >= 0) return i;
    }
    return -1;
}

/* ---- pass 2: boilerplate flags (preorder: parents first) ---- */

static void mark_hard(ctx *c)
{
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        unsigned pf = f->parent >= 0 ? c->v[f->parent].flags : 0;
        if (pf & F_HARDJUNK) f->flags |= F_HARDJUNK | F_JUNK;
        if (pf & F_INLINK) f->flags |= F_INLINK;
        if (is_tag(f->n, "a")) f->flags |= F_INLINK;
        if (in_list(nm(f->n), hard_junk)) f->flags |= F_HARDJUNK | F_JUNK;
        if (f->n->type == XML_ELEMENT_NODE && !(f->flags & F_HARDJUNK) && is_hidden(f->n))
            f->flags |= F_HIDDEN | F_JUNK | F_HARDJUNK;
        class_hints(f->n, &f->flags);
    }
}

/* Raw text per element (excluding hard junk), bottom-up. */
static void sum_raw(ctx *c)
{
    for (int i = 0; i < c->n; i++) c->v[i].raw = 0;
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        if (f->flags & F_HARDJUNK) continue;
        for (xmlNode *k = f->n->children; k; k = k->next) {
            if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
                if (k->content) f->raw += text_measure((const char *)k->content, NULL);
            } else if (k->type == XML_ELEMENT_NODE && idx_of(k) < 0) {
                /* flattened subtree: count its text here */
                xmlChar *t = xmlNodeGetContent(k);
                if (t) {
                    f->raw += text_measure((const char *)t, NULL);
                    xmlFree(t);
                }
            }
        }
    }
    for (int i = c->n - 1; i > 0; i--) {
        ninfo *f = &c->v[i];
        if (f->parent >= 0 && !(f->flags & F_HARDJUNK)) c->v[f->parent].raw += f->raw;
    }
}

static int heading_level(const xmlNode *n);

static void mark_soft(ctx *c)
{
    long page = c->body >= 0 ? c->v[c->body].raw : (c->n ? c->v[0].raw : 0);
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        unsigned pf = f->parent >= 0 ? c->v[f->parent].flags : 0;
        if (pf & F_JUNK) { f->flags |= F_JUNK; continue; }
        if (f->flags & F_JUNK) continue;
        if (i == c->body || is_tag(f->n, "html") || is_tag(f->n, "body")) continue;
        if (f->flags & F_SITE_CONTENT) continue;
        const char *t = nm(f->n);
        if (in_list(t, soft_junk)) {
            /* A <form> or <header> wrapping most of the page is layout, not a box. */
            if ((strcasecmp(t, "form") == 0 || strcasecmp(t, "header") == 0) && page > 0 &&
                f->raw * 2 > page)
                continue;
            f->flags |= F_JUNK;
            continue;
        }
        if (f->flags & F_NEG) {
            if (is_tag(f->n, "article") || is_tag(f->n, "main") || heading_level(f->n)) continue;
            int big = f->raw >= 1000 && page > 0 && f->raw * 2 > page;
            if (f->flags & F_POS) {
                if (f->raw < 250) f->flags |= F_JUNK;
            } else if (!big) {
                f->flags |= F_JUNK;
            }
        }
    }
}

/* ---- pass 3: measures bottom-up ---- */

static void add_text(ctx *c, int i, const char *s)
{
    int commas = 0;
    long m = text_measure(s, &commas);
    if (!m) return;
    ninfo *f = &c->v[i];
    f->text += m;
    f->commas += commas;
    if (f->flags & F_INLINK) f->link += m;
    /* own text belongs to the nearest block ancestor */
    int b = i;
    while (b >= 0 && !(c->v[b].flags & F_BLOCK)) b = c->v[b].parent;
    if (b >= 0) {
        c->v[b].own += m;
        c->v[b].own_commas += commas;
    }
}

static void measure(ctx *c)
{
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        f->text = f->link = f->own = 0;
        f->commas = f->own_commas = 0;
        f->np = f->nimg = f->nli = f->ninput = f->nembed = f->nheading = 0;
    }
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        const char *t = nm(f->n);
        int pjunk = f->parent >= 0 && (c->v[f->parent].flags & F_JUNK);
        if (!pjunk && (strcasecmp(t, "input") == 0 || strcasecmp(t, "select") == 0 ||
                       strcasecmp(t, "textarea") == 0))
            f->ninput++;
        if (strcasecmp(t, "iframe") == 0 || strcasecmp(t, "embed") == 0 ||
            strcasecmp(t, "object") == 0 || strcasecmp(t, "video") == 0)
            f->nembed++;
        if (f->flags & F_JUNK) continue;
        if (strcasecmp(t, "p") == 0) f->np++;
        if (strcasecmp(t, "img") == 0) f->nimg++;
        if (strcasecmp(t, "li") == 0) f->nli++;
        if (t[0] == 'h' && t[1] >= '1' && t[1] <= '6' && !t[2]) f->nheading++;
        for (xmlNode *k = f->n->children; k; k = k->next) {
            if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
                if (k->content) add_text(c, i, (const char *)k->content);
            } else if (k->type == XML_ELEMENT_NODE && idx_of(k) < 0) {
                xmlChar *s = xmlNodeGetContent(k);
                if (s) {
                    add_text(c, i, (const char *)s);
                    xmlFree(s);
                }
            }
        }
    }
    for (int i = c->n - 1; i > 0; i--) {
        ninfo *f = &c->v[i];
        int p = f->parent;
        if (p < 0) continue;
        ninfo *q = &c->v[p];
        q->ninput += f->ninput;
        q->nembed += f->nembed;
        if (f->flags & F_JUNK) continue;
        q->text += f->text;
        q->link += f->link;
        q->commas += f->commas;
        q->np += f->np;
        q->nimg += f->nimg;
        q->nli += f->nli;
        q->nheading += f->nheading;
    }
}

static double link_density(const ninfo *f)
{
    return f->text > 0 ? (double)f->link / (double)f->text : 0.0;
}

/* ---- pass 4: scoring ---- */

static double class_weight(const ninfo *f)
{
    double w = 0;
    if (f->flags & F_NEG) w -= 25;
    if (f->flags & F_POS) w += 25;
    return w;
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
    const char *ip = attr(f->n, "itemprop");
    if (ip && (ci_contains(ip, "articleBody") || ci_contains(ip, "text"))) s += 30;
    f->score = s + class_weight(f);
}

static int pick_content(ctx *c)
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

static int heading_level(const xmlNode *n)
{
    const char *t = nm(n);
    if ((t[0] == 'h' || t[0] == 'H') && t[1] >= '1' && t[1] <= '6' && !t[2]) return t[1] - '0';
    return 0;
}

/* Boxes inside the content that are not article text (readability's conditional cleaning). */
static char *node_text(const xmlNode *n);
static int person_like(const char *s, size_t n);
static char *source_person(const char *t);

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
    double w = class_weight(f);
    if (!strcasecmp(t, "p")) { /* "Read more: <link>"; a written-out address stays */
        if (!(f->text > 0 && f->text < 250 && link_density(f) > 0.6)) return 0;
        char *s = node_text(f->n);
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
            if (k->type == XML_TEXT_NODE && k->content && text_measure((const char *)k->content, NULL) > 0) last = 0;
        }
        char *s = last && f->text > 3 && f->link == 0 ? node_text(f->n) : NULL;
        int name = s && person_like(s, strlen(s)) && strchr(s, ' ');
        char *src = s && !name ? source_person(s) : NULL;
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
        if (bt_extract_parse_date(clean, 0, &d)) { /* "Cập nhật: 15/04/2009 10:20": metadata */
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
    const char *s = attr(n, "src");
    int placeholder = !s || !*s || (strncasecmp(s, "data:", 5) == 0 && strlen(s) < 200);
    if (placeholder) {
        for (const char *const *p = lazy; *p; p++) {
            const char *v = attr(n, *p);
            if (v && *v) return v;
        }
    }
    return s;
}

static void emit_image(ctx *c, emitter *em, int root, const xmlNode *n)
{
    const char *src = img_src(n);
    if (!src || !*src) return;
    const char *w = attr(n, "width"), *h = attr(n, "height");
    if ((w && atoi(w) > 0 && atoi(w) < 40) || (h && atoi(h) > 0 && atoi(h) < 40)) return;
    static const char *const decor[] = {"logo", "icon", "avatar", "spacer", "pixel", "blank.gif",
                                        "1x1", "tracking", "badge", NULL};
    for (const char *const *d = decor; *d; d++)
        if (strncasecmp(src, "data:", 5) != 0 && ci_contains(src, *d)) return;
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
    const char *alt = attr(n, "alt");
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
                    if (em->buf.len == 0) em->owner = owner(n);
                    bt_buf_adds(&em->buf, (const char *)s);
                    bt_buf_addc(&em->buf, ' ');
                    xmlFree(s);
                }
                skip = 1;
            }
        } else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content) {
                if (em->buf.len == 0) {
                    int o = owner(n->parent);
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

static int person_like(const char *s, size_t n);

/* "Theo Minh Anh (Dân Việt)" (a reporter of another outlet): the person's name, else NULL. */
static char *source_person(const char *t)
{
    if (strncmp(t, "Theo ", 5) != 0) return NULL;
    const char *par = strstr(t, " (");
    size_t tl = strlen(t);
    if (!par || t[tl - 1] != ')' || par <= t + 5) return NULL;
    char *who = bt_text_clean(t + 5, (size_t)(par - (t + 5)));
    if (person_like(who, strlen(who)) && strchr(who, ' ') && bt_utf8_length(who) <= 30 &&
        strncasecmp(who, "Báo ", 5) != 0 && strncasecmp(who, "Tạp chí ", 9) != 0)
        return who;
    free(who);
    return NULL;
}

/* Trailing byline and source lines: "Minh Anh" or "Theo VnExpress" closing the body are
 * metadata, not paragraphs. */
static void trailing_byline(ctx *c)
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
        int name = !source && person_like(t, strlen(t)) && t[strlen(t) - 1] != '.' &&
                   strchr(t, ' ') != NULL;
        if (!source && !name) return;
        if (source && !a->author) {
            char *who = source_person(t);
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
static void emit_content(ctx *c, int best)
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
    const char *bcls = attr(b->n, "class");
    for (xmlNode *k = c->v[parent].n->children; k; k = k->next) {
        int i = idx_of(k);
        if (i < 0) continue;
        ninfo *f = &c->v[i];
        if (f->flags & F_JUNK) continue;
        int take = i == best;
        if (!take) {
            double bonus = 0;
            const char *kc = attr(k, "class");
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

/* ---- metadata ---- */

static char *node_text(const xmlNode *n)
{
    xmlChar *s = xmlNodeGetContent(n);
    if (!s) return bt_xstrdup("");
    char *r = bt_text_clean((const char *)s, strlen((const char *)s));
    xmlFree(s);
    return r;
}

typedef struct {
    char *og_title, *ld_headline, *tw_title, *title_tag, *site_name;
    char *pub_meta, *ld_date, *time_dt, *vis_date;
    char *author_meta, *author_alt, *ld_author, *byline;
    char *section, *ld_section, *crumb, *ld_crumb, *cat_vis;
    char *canonical, *og_url, *ld_url;
    char *lang, *lang2;
    char *description;
    /* visible candidates, judged once the content is known */
    int by_idx[8], nby;
    char *by_txt[8];
    int dt_idx[16], ndt;
    char *dt_txt[16];
} meta;

static void set_once(char **f, const char *v)
{
    if (*f || !v) return;
    char *t = bt_text_clean(v, strlen(v));
    if (*t) *f = t;
    else free(t);
}

static void meta_free(meta *m)
{
    char **f[] = {&m->og_title, &m->ld_headline, &m->tw_title, &m->title_tag, &m->site_name,
                  &m->pub_meta, &m->ld_date, &m->time_dt, &m->vis_date, &m->author_meta, &m->author_alt,
                  &m->ld_author, &m->byline, &m->section, &m->ld_section, &m->crumb, &m->cat_vis,
                  &m->ld_crumb, &m->canonical, &m->og_url, &m->ld_url, &m->lang, &m->lang2,
                  &m->description};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) free(*f[i]);
    for (int i = 0; i < m->nby; i++) free(m->by_txt[i]);
    for (int i = 0; i < m->ndt; i++) free(m->dt_txt[i]);
}

static int ld_is_article(json_t *o)
{
    json_t *t = json_object_get(o, "@type");
    const char *arts[] = {"NewsArticle", "Article", "BlogPosting", "ReportageNews",
                          "AnalysisNewsArticle", "OpinionNewsArticle", "WebPage", "Report",
                          "LiveBlogPosting", "TechArticle", "ScholarlyArticle", NULL};
    size_t n = json_is_array(t) ? json_array_size(t) : 1;
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_is_array(t) ? json_array_get(t, i) : t;
        if (!json_is_string(x)) continue;
        for (const char **p = arts; *p; p++)
            if (strcmp(json_string_value(x), *p) == 0) return 1 + (p - arts < 6);
    }
    return 0;
}

static const char *ld_name(json_t *v)
{
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_array(v) && json_array_size(v) > 0) return ld_name(json_array_get(v, 0));
    if (json_is_object(v)) {
        json_t *n = json_object_get(v, "name");
        if (json_is_string(n)) return json_string_value(n);
    }
    return NULL;
}

static void ld_authors(json_t *v, meta *m)
{
    if (m->ld_author) return;
    if (json_is_array(v)) {
        bt_buf b = {0};
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            const char *s = ld_name(x);
            if (!s || !*s || i > 5) continue;
            if (b.len) bt_buf_adds(&b, ", ");
            bt_buf_adds(&b, s);
        }
        if (b.len) set_once(&m->ld_author, b.data);
        bt_buf_free(&b);
        return;
    }
    const char *s = ld_name(v);
    if (s && strncmp(s, "http", 4) != 0) set_once(&m->ld_author, s);
}

static void ld_object(json_t *o, meta *m, int depth)
{
    if (depth > 6 || !o) return;
    if (json_is_array(o)) {
        size_t i;
        json_t *x;
        json_array_foreach(o, i, x) ld_object(x, m, depth + 1);
        return;
    }
    if (!json_is_object(o)) return;
    json_t *g = json_object_get(o, "@graph");
    if (g) ld_object(g, m, depth + 1);
    json_t *t = json_object_get(o, "@type");
    if (json_is_string(t) && strcmp(json_string_value(t), "BreadcrumbList") == 0) {
        json_t *items = json_object_get(o, "itemListElement");
        size_t nitems = json_array_size(items);
        if (nitems > 0 && !m->ld_crumb) {
            json_t *last = json_array_get(items, nitems - 1);
            const char *name = ld_name(last);
            if (!name) name = ld_name(json_object_get(last, "item"));
            if (name && nitems > 1) set_once(&m->ld_crumb, name);
        }
        return;
    }
    int art = ld_is_article(o);
    if (!art) return;
    if (art == 2 || !m->ld_headline) {
        json_t *h = json_object_get(o, "headline");
        if (json_is_string(h)) set_once(&m->ld_headline, json_string_value(h));
    }
    json_t *d = json_object_get(o, "datePublished");
    if (json_is_string(d)) set_once(&m->ld_date, json_string_value(d));
    json_t *a = json_object_get(o, "author");
    if (a && art == 2) ld_authors(a, m);
    json_t *s = json_object_get(o, "articleSection");
    if (json_is_string(s)) set_once(&m->ld_section, json_string_value(s));
    else if (json_is_array(s) && json_array_size(s) && json_is_string(json_array_get(s, 0)))
        set_once(&m->ld_section, json_string_value(json_array_get(s, 0)));
    json_t *u = json_object_get(o, "url");
    if (json_is_string(u) && art == 2) set_once(&m->ld_url, json_string_value(u));
}

static void json_ld(const char *txt, meta *m)
{
    json_error_t err;
    json_t *j = json_loads(txt, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!j) return;
    ld_object(j, m, 0);
    json_decref(j);
}

static int looks_like_name(const char *s)
{
    size_t l = bt_utf8_length(s);
    if (l < 2 || l > 80) return 0;
    if (strstr(s, "http") || strchr(s, '@') || strchr(s, '/')) return 0;
    for (const char *p = s; *p; p++)
        if (isdigit((unsigned char)*p)) return 0;
    return 1;
}

/* 1 when s starts with the lower-case UTF-8 text w (w is wl bytes), compared case-insensitively. */
static int ci_prefix_utf8(const char *s, const char *w, size_t wl)
{
    size_t i = 0, j = 0;
    while (j < wl) {
        uint32_t a, b;
        if (!s[i]) return 0;
        size_t la = bt_utf8_decode(s + i, strlen(s + i), &a);
        size_t lb = bt_utf8_decode(w + j, wl - j, &b);
        if (la == 0 || lb == 0) return 0;
        if ((uint32_t)utf8proc_tolower((utf8proc_int32_t)a) != b) return 0;
        i += la;
        j += lb;
    }
    return 1;
}

/* 1 when every word of s[0..n) starts upper-case (name particles excepted): a person's name. */
static int person_like(const char *s, size_t n)
{
    static const char *const particles[] = {"von", "van", "der", "den", "de", "da", "do", "dos",
                                            "das", "del", "della", "di", "du", "la", "le", "bin",
                                            "al", "y", "e", "zu", "ter", "ten", NULL};
    /* weekday names start dates ("Thứ Ba, 12/03/2024", "Monday, ..."): never a person */
    static const char *const weekdays[] = {"thứ hai", "thứ ba", "thứ tư", "thứ năm", "thứ sáu",
                                           "thứ bảy", "thứ 2", "thứ 3", "thứ 4", "thứ 5", "thứ 6",
                                           "thứ 7", "chủ nhật", "monday", "tuesday", "wednesday",
                                           "thursday", "friday", "saturday", "sunday", "montag",
                                           "dienstag", "mittwoch", "donnerstag", "freitag",
                                           "samstag", "sonntag", "lundi", "mardi", "mercredi",
                                           "jeudi", "vendredi", "samedi", "dimanche", "lunes",
                                           "martes", "miércoles", "jueves", "viernes", "sábado",
                                           "domingo", NULL};
    for (const char *const *w = weekdays; *w; w++) {
        size_t wl = strlen(*w);
        if (n >= wl && (n == wl || s[wl] == ' ' || s[wl] == ',') && ci_prefix_utf8(s, *w, wl))
            return 0;
    }
    int words = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && s[i] == ' ') i++;
        size_t b = i;
        while (i < n && s[i] != ' ') i++;
        if (i == b) break;
        words++;
        char w[16];
        size_t wl = i - b < sizeof w - 1 ? i - b : sizeof w - 1;
        memcpy(w, s + b, wl);
        w[wl] = '\0';
        if (in_list(w, particles)) continue;
        uint32_t cp;
        bt_utf8_decode(s + b, i - b, &cp);
        if (!utf8proc_isupper((utf8proc_int32_t)cp) &&
            utf8proc_category((utf8proc_int32_t)cp) != UTF8PROC_CATEGORY_LO)
            return 0;
    }
    return words >= 1 && words <= 5;
}

/* Strip "By", "Bởi", "Von", "Por", "Par", "Tác giả:" ... from a byline; keep the person names
 * ("Name, Outlet" -> "Name"; "A, B" -> "A; B"). */
static char *clean_byline(const char *s)
{
    static const char *const pre[] = {"by ", "bởi ", "tác giả:", "tác giả ", "von ", "por ",
                                      "par ", "de ", "autor:", "autor ", "author:", "written by ",
                                      "text:", "texto:", "teksti:", "kirjoittaja ", "redakteur ",
                                      "reporter:", "reporter ", "phóng viên ", "pv ", "pv:", NULL};
    char *t = bt_text_clean(s, strlen(s));
    char *p = t;
    /* "Текст: Name" / "Foo: Name": a short label before a colon */
    char *colon = strchr(p, ':');
    if (colon && bt_utf8_length(p) - bt_utf8_length(colon) <= 14 && colon[1]) p = colon + 1;
    while (*p == ' ' || *p == '\'' || *p == '"') p++;
    for (int again = 1; again;) {
        again = 0;
        for (const char *const *q = pre; *q; q++) {
            size_t l = strlen(*q);
            if (strncasecmp(p, *q, l) == 0 && p[l]) {
                p += l;
                while (*p == ' ') p++;
                again = 1;
            }
        }
    }
    bt_buf out = {0};
    const char *q = p;
    int parts = 0;
    while (*q && parts < 6) {
        size_t n = strcspn(q, ",;|/\n");
        const char *sep = NULL;
        for (const char *k = q; k < q + n; k++)
            if (strncmp(k, " and ", 5) == 0 || strncmp(k, " und ", 5) == 0 || strncmp(k, " và ", 6) == 0 ||
                strncmp(k, " y ", 3) == 0 || strncmp(k, " et ", 4) == 0 || strncmp(k, " e ", 3) == 0 ||
                strncmp(k, " - ", 3) == 0 || strncmp(k, " – ", 5) == 0) {
                sep = k;
                break;
            }
        size_t len = sep ? (size_t)(sep - q) : n;
        char *part = bt_text_clean(q, len);
        size_t pl = strlen(part);
        while (pl && (part[pl - 1] == '\'' || part[pl - 1] == '"' || part[pl - 1] == '.')) part[--pl] = '\0';
        if (*part && person_like(part, pl)) {
            if (out.len) bt_buf_adds(&out, "; ");
            bt_buf_adds(&out, part);
            parts++;
        }
        free(part);
        if (sep) {
            q = sep + 1;
            while (*q && *q != ' ') q++;
        } else {
            q += n;
            if (*q) q++;
        }
        if (parts == 0) break;
    }
    free(t);
    char *r = out.data ? bt_buf_detach(&out, NULL) : bt_xstrdup("");
    /* "Artikel von" / "Written by": the name itself is elsewhere */
    const char *last = strrchr(r, ' ');
    last = last ? last + 1 : r;
    static const char *const dangling[] = {"von", "by", "de", "par", "por", "of", "bởi", "theo",
                                           "da", "di", "van", NULL};
    if (in_list(last, dangling)) r[0] = '\0';
    return r;
}

static int cls_has(const xmlNode *n, const char *what)
{
    char buf[512];
    classid(n, buf, sizeof buf);
    return ci_contains(buf, what);
}

static void scan_meta(ctx *c, meta *m, xmlNode **h1s, int *nh1, int maxh1)
{
    *nh1 = 0;
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        xmlNode *n = f->n;
        const char *t = nm(n);
        if (!strcasecmp(t, "html")) {
            set_once(&m->lang, attr(n, "lang"));
            set_once(&m->lang, attr(n, "xml:lang"));
        }
        if (!strcasecmp(t, "meta")) {
            const char *p = attr(n, "property"), *na = attr(n, "name"), *ip = attr(n, "itemprop");
            const char *v = attr(n, "content");
            const char *he = attr(n, "http-equiv");
            const char *k = p ? p : na ? na : ip ? ip : he;
            if (!k || !v) continue;
            if (!strcasecmp(k, "og:title")) set_once(&m->og_title, v);
            else if (!strcasecmp(k, "og:locale") || !strcasecmp(k, "language") ||
                     !strcasecmp(k, "content-language") || !strcasecmp(k, "dc.language"))
                set_once(&m->lang2, v);
            else if (!strcasecmp(k, "twitter:title")) set_once(&m->tw_title, v);
            else if (!strcasecmp(k, "og:site_name")) set_once(&m->site_name, v);
            else if (!strcasecmp(k, "og:url")) set_once(&m->og_url, v);
            else if (!strcasecmp(k, "og:description") || !strcasecmp(k, "description"))
                set_once(&m->description, v);
            else if (!strcasecmp(k, "article:published_time") ||
                     !strcasecmp(k, "og:article:published_time") || !strcasecmp(k, "pubdate") ||
                     !strcasecmp(k, "publishdate") || !strcasecmp(k, "datePublished") ||
                     !strcasecmp(k, "date") || !strcasecmp(k, "dc.date") ||
                     !strcasecmp(k, "dc.date.issued") || !strcasecmp(k, "dcterms.date") ||
                     !strcasecmp(k, "sailthru.date") || !strcasecmp(k, "parsely-pub-date") ||
                     !strcasecmp(k, "publish-date") || !strcasecmp(k, "article.published") ||
                     !strcasecmp(k, "dateCreated") || !strcasecmp(k, "og:published_time") ||
                     !strcasecmp(k, "article:published"))
                set_once(&m->pub_meta, v);
            else if (!strcasecmp(k, "author") && looks_like_name(v))
                set_once(&m->author_meta, v);
            else if ((!strcasecmp(k, "article:author") ||
                      !strcasecmp(k, "dc.creator") || !strcasecmp(k, "sailthru.author") ||
                      !strcasecmp(k, "parsely-author") || !strcasecmp(k, "byl") ||
                      !strcasecmp(k, "cxenseparse:author") || !strcasecmp(k, "dcterms.creator") ||
                      !strcasecmp(k, "article:author_name")) &&
                     looks_like_name(v))
                set_once(&m->author_alt, v);
            else if (!strcasecmp(k, "article:section") || !strcasecmp(k, "og:article:section"))
                set_once(&m->section, v);
            continue;
        }
        if (!strcasecmp(t, "link")) {
            const char *rel = attr(n, "rel"), *href = attr(n, "href");
            if (rel && href && !strcasecmp(rel, "canonical")) set_once(&m->canonical, href);
            continue;
        }
        if (!strcasecmp(t, "title") && !m->title_tag) {
            char *s = node_text(n);
            set_once(&m->title_tag, s);
            free(s);
            continue;
        }
        if (!strcasecmp(t, "script")) {
            const char *ty = attr(n, "type");
            if (ty && !strcasecmp(ty, "application/ld+json")) {
                xmlChar *s = xmlNodeGetContent(n);
                if (s) {
                    json_ld((const char *)s, m);
                    xmlFree(s);
                }
            }
            continue;
        }
        if (f->flags & F_HARDJUNK) continue;
        if (!strcasecmp(t, "h1") && *nh1 < maxh1) h1s[(*nh1)++] = n;
        if (!strcasecmp(t, "time") && m->ndt < 16) {
            const char *dt = attr(n, "datetime");
            bt_date d;
            if (dt && bt_extract_parse_date(dt, 0, &d)) {
                m->dt_idx[m->ndt] = i;
                m->dt_txt[m->ndt++] = bt_xstrdup(dt);
            }
        }
        /* visible byline */
        const char *rel = attr(n, "rel"), *ip = attr(n, "itemprop");
        int by = (rel && !strcasecmp(rel, "author")) || (ip && !strcasecmp(ip, "author")) ||
                 ((f->flags & F_BLOCK || !strcasecmp(t, "span") || !strcasecmp(t, "a") ||
                   !strcasecmp(t, "strong") || !strcasecmp(t, "b") || !strcasecmp(t, "address")) &&
                  (cls_has(n, "author") || cls_has(n, "byline") || cls_has(n, "writer") ||
                   cls_has(n, "reporter") || cls_has(n, "tac-gia") || cls_has(n, "tacgia") ||
                   cls_has(n, "autor") || cls_has(n, "auteur") || cls_has(n, "firma")));
        if (by && (cls_has(n, "foto") || cls_has(n, "photo") || cls_has(n, "credit") ||
                   cls_has(n, "img") || cls_has(n, "image") || cls_has(n, "comment") ||
                   cls_has(n, "avatar") || cls_has(n, "-bio") || cls_has(n, "desc")))
            by = 0;
        if (by && f->parent >= 0 && (c->v[f->parent].flags & F_INLINK)) by = 0; /* a teaser */
        if (by && m->nby < 8 && !(f->flags & F_HIDDEN) && f->raw < 200) {
            /* a schema.org name inside the byline is the cleanest source */
            xmlNode *src = n;
            for (int k = i + 1; k < c->n && c->v[k].depth > f->depth; k++) {
                const char *kip = attr(c->v[k].n, "itemprop");
                if (kip && !strcasecmp(kip, "name")) { src = c->v[k].n; break; }
            }
            char *s = node_text(src);
            static const char *const credit[] = {"foto", "photo", "ảnh", "bild", "image", "crédit", "credit", NULL};
            int is_credit = 0;
            for (const char *const *cr = credit; *cr; cr++)
                if (strncasecmp(s, *cr, strlen(*cr)) == 0) is_credit = 1;
            char *b = is_credit ? bt_xstrdup("") : clean_byline(s);
            if (looks_like_name(b)) {
                m->by_idx[m->nby] = i;
                m->by_txt[m->nby++] = b;
                b = NULL;
            }
            free(b);
            free(s);
        }
        /* a visible category link ("Posted in X", "detail-cate") */
        if (!m->cat_vis && is_tag(n, "a") && f->raw > 1 && f->raw < 40 && f->parent >= 0) {
            char buf[512];
            classid(c->v[f->parent].n, buf, sizeof buf);
            char own[512];
            classid(n, own, sizeof own);
            if (ci_contains(buf, "cat-links") || ci_contains(buf, "detail-cate") ||
                ci_contains(buf, "chuyen-muc") || ci_contains(buf, "chuyenmuc") ||
                ci_contains(own, "detail-cate") || ci_contains(own, "cate-name") ||
                (attr(n, "rel") && ci_contains(attr(n, "rel"), "category"))) {
                char *s = node_text(n);
                set_once(&m->cat_vis, s);
                free(s);
            }
        }
        /* breadcrumb: last item */
        if (!m->crumb && (cls_has(n, "breadcrumb") || cls_has(n, "bread-crumb") ||
                          (attr(n, "itemtype") && ci_contains(attr(n, "itemtype"), "BreadcrumbList")))) {
            /* last non-empty <a> or <li> text inside */
            char *lastt = NULL;
            int nitems = 0;
            for (int k = i + 1; k < c->n && c->v[k].depth > f->depth; k++) {
                if (!is_tag(c->v[k].n, "a") && !is_tag(c->v[k].n, "li")) continue;
                char *s = node_text(c->v[k].n);
                if (*s && bt_utf8_length(s) < 60) {
                    free(lastt);
                    lastt = s;
                    nitems++;
                } else
                    free(s);
            }
            if (lastt && nitems >= 1) set_once(&m->crumb, lastt);
            free(lastt);
        }
        /* visible date */
        if (m->ndt < 16 && f->raw < 120 && f->raw > 6 && strcasecmp(t, "time") != 0) {
            char buf[512];
            classid(n, buf, sizeof buf);
            if (ci_contains(buf, "date") || ci_contains(buf, "time") || ci_contains(buf, "publish") ||
                ci_contains(buf, "ngay")) {
                char *s = node_text(n);
                bt_date d;
                if (bt_extract_parse_date(s, 420, &d)) {
                    m->dt_idx[m->ndt] = i;
                    m->dt_txt[m->ndt++] = s;
                    s = NULL;
                }
                free(s);
            }
        }
    }
}

/* Remove a " - Site" / " | Site" suffix (or prefix) from a <title>. */
static char *strip_site(const char *title, const char *site)
{
    static const char *const seps[] = {" | ", " - ", " – ", " — ", " :: ", " » ", " · ", NULL};
    char *t = bt_xstrdup(title);
    for (const char *const *s = seps; *s; s++) {
        char *last = NULL;
        for (char *p = strstr(t, *s); p; p = strstr(p + 1, *s)) last = p;
        if (!last) continue;
        const char *tail = last + strlen(*s);
        size_t head_len = bt_utf8_length(t) - bt_utf8_length(last);
        if ((site && loose_eq(tail, site)) ||
            (bt_utf8_length(tail) < 40 && head_len >= 15)) {
            *last = '\0';
            continue;
        }
        char *first = strstr(t, *s);
        if (first) {
            /* "Site - Title" or "Section - Title": a short first part goes */
            char *head = bt_xstrndup(t, (size_t)(first - t));
            const char *rest = first + strlen(*s);
            int words = 1;
            for (const char *q = head; *q; q++) words += *q == ' ';
            int eq = (site && loose_eq(head, site)) ||
                     (words <= 3 && bt_utf8_length(head) < 20 && bt_utf8_length(rest) >= 15 &&
                      bt_utf8_length(rest) > 2 * bt_utf8_length(head));
            free(head);
            if (eq) memmove(t, rest, strlen(rest) + 1);
        }
    }
    return t;
}

/* a is the end of b ("Republicans ..." in "Opinion | Republicans ..."). */
static int loose_suffix(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    for (size_t off = 1; off < lb && lb - off + 8 >= la; off++)
        if ((b[off - 1] == ' ' || b[off - 1] == '|' || b[off - 1] == ':') && loose_eq(a, b + off)) return 1;
    return 0;
}

static int loose_prefix(const char *a, const char *b)
{
    return loose_cmp(a, b, 1);
}

static void choose_meta(ctx *c, meta *m, xmlNode **h1s, int nh1)
{
    bt_article *a = c->a;
    /* language: declared, else Vietnamese when the titles have Vietnamese letters, else unknown */
    const char *decl = m->lang ? m->lang : m->lang2;
    if (!decl) {
        const char *probe[] = {m->title_tag, m->og_title, m->description, m->ld_headline};
        int viet = 0, any = 0;
        for (size_t k = 0; k < 4 && !viet; k++) {
            if (!probe[k]) continue;
            any = 1;
            size_t len = strlen(probe[k]);
            for (size_t i = 0; i < len && !viet;) {
                uint32_t cp;
                size_t step = bt_utf8_decode(probe[k] + i, len - i, &cp);
                if (!step) break;
                i += step;
                viet = (cp >= 0x1EA0 && cp <= 0x1EF9) || cp == 0x0103 || cp == 0x0111 || cp == 0x01A1 ||
                       cp == 0x01B0 || cp == 0x0102 || cp == 0x0110 || cp == 0x01A0 || cp == 0x01AF;
            }
        }
        if (any && !viet) bt_article_set(&a->language, "und");
    }
    if (decl) {
        char l[16];
        size_t k = 0;
        for (const char *p = decl; *p && k + 1 < sizeof l && (isalpha((unsigned char)*p) || *p == '-'); p++)
            l[k++] = *p == '_' ? '-' : *p;
        l[k] = '\0';
        if (k >= 2) {
            for (size_t i = 0; i < k && l[i] != '-'; i++) l[i] = (char)tolower((unsigned char)l[i]);
            bt_article_set(&a->language, l);
        }
    }
    /* title: the visible h1 when it agrees with the declared titles */
    const char *cands[] = {m->og_title, m->ld_headline, m->tw_title, m->title_tag};
    char *title = NULL;
    for (int h = 0; h < nh1 && !title; h++) {
        char *s = node_text(h1s[h]);
        for (size_t k = 0; k < 4 && *s; k++) {
            if (!cands[k]) continue;
            int hi = idx_of(h1s[h]);
            int logo = 0; /* an h1 that is one link (the site's logo) */
            for (int q = hi + 1; hi >= 0 && q < c->n && c->v[q].depth > c->v[hi].depth && !logo; q++)
                logo = is_tag(c->v[q].n, "a") && c->v[q].raw * 10 >= c->v[hi].raw * 9 && c->v[hi].raw > 0;
            if (logo || (m->site_name && loose_eq(s, m->site_name))) continue;
            if (loose_eq(s, cands[k]) || (bt_utf8_length(s) >= 10 && (loose_prefix(s, cands[k]) ||
                                                                        (k < 3 && loose_suffix(s, cands[k]))))) {
                title = s;
                s = NULL;
                c->title_from_h1 = 1;
                break;
            }
        }
        free(s);
    }
    if (!title && m->og_title) title = strip_site(m->og_title, m->site_name);
    if (!title && m->ld_headline) title = bt_xstrdup(m->ld_headline);
    if (!title && m->tw_title) title = strip_site(m->tw_title, m->site_name);
    if (!title && m->title_tag) {
        /* <title> against a lone h1: the h1 wins unless it is not part of a real <title> */
        char *tt = strip_site(m->title_tag, m->site_name);
        int words = 1;
        for (const char *q = tt; *q; q++) words += *q == ' ';
        char *h = nh1 == 1 ? node_text(h1s[0]) : NULL;
        if (h && *h && (words < 3 || strstr(m->title_tag, h))) {
            title = h;
            free(tt);
        } else {
            title = tt;
            free(h);
        }
    }
    if (!title && nh1 == 1) title = node_text(h1s[0]);
    if (title) {
        bt_article_set(&a->title, title);
        free(title);
    }
    /* category */
    const char *cat = m->crumb ? m->crumb : m->ld_crumb ? m->ld_crumb : m->cat_vis ? m->cat_vis : m->section ? m->section : m->ld_section;
    if (cat && a->title && loose_eq(cat, a->title)) cat = m->section ? m->section : m->ld_section;
    if (cat) bt_article_set(&a->category, cat);
    /* canonical URL */
    const char *u = m->canonical ? m->canonical : m->og_url ? m->og_url : m->ld_url;
    if (u && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0))
        bt_article_set(&a->source_url, u);
}

/* Is element i usable as the article's own metadata? pass 0: inside the content box or the
 * box around it (its header); pass 1: anywhere outside boilerplate. */
static int near_content(ctx *c, int i, int best, int pass)
{
    if (pass == 2) return 1;
    for (int p = c->v[i].parent; p >= 0; p = c->v[p].parent) {
        const xmlNode *n = c->v[p].n;
        if (!(c->v[p].flags & F_JUNK) || (c->v[p].flags & F_HIDDEN)) continue;
        if (is_tag(n, "aside") || is_tag(n, "nav")) return 0;
        char buf[512];
        classid(n, buf, sizeof buf);
        if (ci_contains(buf, "comment") || ci_contains(buf, "related") || ci_contains(buf, "footer") ||
            ci_contains(buf, "sidebar") || ci_contains(buf, "teaser") || ci_contains(buf, "recommend") ||
            ci_contains(buf, "popular") || ci_contains(buf, "listing") || ci_contains(buf, "lienquan") ||
            ci_contains(buf, "forum") || ci_contains(buf, "reply") || ci_contains(buf, "vcard") ||
            ci_contains(buf, "lien-quan"))
            return 0;
    }
    if (pass == 1 || best < 0) return 1;
    /* inside best's subtree, or inside an ancestor at most 3 levels above best */
    int up = best;
    for (int k = 0; k < 3 && c->v[up].parent >= 0 && c->v[up].parent != c->body; k++) up = c->v[up].parent;
    for (int p = i; p >= 0; p = c->v[p].parent)
        if (p == up) return 1;
    return 0;
}

/* Move a date with time to another UTC offset (minutes). */
static void to_zone(bt_date *d, int tz)
{
    int64_t t = bt_date_epoch(d);
    if (t < 0) return;
    t += (int64_t)tz * 60;
    int64_t days = t / 86400, secs = t % 86400;
    /* civil date from days since 1970-01-01 (proleptic Gregorian) */
    int64_t z = days + 719468, era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    int yy = (int)(yoe + era * 400 + (mm <= 2));
    d->year = yy;
    d->month = mm;
    d->day = dd;
    d->hour = (int)(secs / 3600);
    d->minute = (int)(secs / 60 % 60);
    d->second = (int)(secs % 60);
    d->tz_minutes = tz;
}

static void choose_late(ctx *c, meta *m, int best, xmlNode **h1s, int nh1)
{
    bt_article *a = c->a;
    /* The visible headline of the article beats a declared title that differs from it. */
    for (int h = 0; h < nh1 && !c->title_from_h1 && best >= 0; h++) {
        int hi = idx_of(h1s[h]);
        if (hi < 0 || (c->v[hi].flags & F_JUNK) || !near_content(c, hi, best, 0)) continue;
        if (c->v[hi].text == 0 || c->v[hi].link * 2 > c->v[hi].text) continue;
        char *t = node_text(h1s[h]);
        size_t l = bt_utf8_length(t);
        if (l >= 10 && l <= 250 && strchr(t, ' ') && !(m->site_name && loose_eq(t, m->site_name))) {
            bt_article_set(&a->title, t);
            free(c->title_text);
            c->title_text = bt_xstrdup(a->title);
            c->title_from_h1 = 1;
        }
        free(t);
    }
    /* date */
    int vi = !a->language || strncmp(a->language, "vi", 2) == 0;
    /* visible dates and bylines count when they are not inside boilerplate, best first when
     * they sit in or next to the article */
    free(m->vis_date);
    m->vis_date = NULL;
    for (int pass = 0; pass < 2 && !m->vis_date; pass++)
        for (int k = 0; k < m->ndt && !m->vis_date; k++)
            if (near_content(c, m->dt_idx[k], best, pass)) m->vis_date = bt_xstrdup(m->dt_txt[k]);
    free(m->byline);
    m->byline = NULL;
    /* near the article first; elsewhere only when no structured author exists */
    int have_structured = m->ld_author || m->author_meta || m->author_alt;
    for (int pass = 0; pass < (have_structured ? 1 : 2) && !m->byline; pass++)
        for (int k = 0; k < m->nby && !m->byline; k++)
            if (near_content(c, m->by_idx[k], best, pass)) {
                const char *b = m->by_txt[k];
                /* "Name" + description run together: a shorter candidate that starts it wins */
                for (int q = 0; q < m->nby; q++)
                    if (strlen(m->by_txt[q]) < strlen(b) && *m->by_txt[q] &&
                        strncmp(b, m->by_txt[q], strlen(m->by_txt[q])) == 0)
                        b = m->by_txt[q];
                m->byline = bt_xstrdup(b);
                c->byline_node = c->v[m->by_idx[k]].n;
            }
    /* Last resort: a short line near the article such as "06.11.2023 13:30 von Olga". */
    if (!m->pub_meta && !m->ld_date && !m->vis_date && best >= 0) {
        int tried = 0;
        for (int i = 0; i < c->n && !m->vis_date && tried < 300; i++) {
            ninfo *f = &c->v[i];
            if ((f->flags & F_HARDJUNK) || f->raw < 8 || f->raw > 80) continue;
            tried++;
            if (!near_content(c, i, best, 0)) continue;
            char *s = node_text(f->n);
            bt_date d;
            if (bt_extract_parse_date(s, vi ? 420 : 0, &d)) {
                /* the innermost element that still holds the date */
                for (int k = i + 1; k < c->n && c->v[k].depth > f->depth; k++) {
                    if (c->v[k].flags & F_HARDJUNK) continue;
                    char *t = node_text(c->v[k].n);
                    if (bt_extract_parse_date(t, vi ? 420 : 0, &d)) {
                        free(s);
                        s = t;
                    } else {
                        free(t);
                    }
                }
                m->vis_date = bt_xstrdup(s);
                static const char *const kw[] = {" von ", " by ", " bởi ", " por ", " par ", " de ", NULL};
                for (const char *const *k = kw; *k && !m->byline && !m->ld_author && !m->author_meta &&
                                                !m->author_alt; k++) {
                    const char *at = strstr(s, *k);
                    if (!at) continue;
                    char *b = clean_byline(at + strlen(*k));
                    if (looks_like_name(b)) m->byline = b;
                    else free(b);
                }
            }
            free(s);
        }
    }
    const char *dates[] = {m->pub_meta, m->ld_date, m->vis_date};
    for (size_t k = 0; k < 3; k++) {
        bt_date d;
        if (dates[k] && bt_extract_parse_date(dates[k], vi ? 420 : 0, &d)) {
            /* Vietnamese pages: a UTC (or other zone) time is shown in Vietnam time */
            if (vi && d.has_time && d.tz_minutes != 420) to_zone(&d, 420);
            a->published = d;
            break;
        }
    }
    /* author */
    if (m->author_meta && m->site_name && (loose_eq(m->author_meta, m->site_name) ||
                                           loose_prefix(m->site_name, m->author_meta))) {
        free(m->author_meta);
        m->author_meta = NULL;
    }
    if (m->ld_author && m->site_name && loose_eq(m->ld_author, m->site_name)) {
        free(m->ld_author);
        m->ld_author = NULL;
    }
    const char *au = m->byline ? m->byline : m->ld_author ? m->ld_author
                   : m->author_meta ? m->author_meta : m->author_alt;
    if (!au && m->nby > 0) { /* last resort: a byline wherever it is */
        m->byline = bt_xstrdup(m->by_txt[0]);
        au = m->byline;
    }
    if (m->byline && m->ld_author && !loose_eq(m->byline, m->ld_author) &&
        strstr(m->ld_author, m->byline) == NULL && bt_utf8_length(m->byline) > 40)
        au = m->ld_author;
    if (m->byline) {
        const char *alts[] = {m->ld_author, m->author_meta, m->author_alt};
        for (size_t k = 0; k < 3; k++) {
            if (!alts[k] || loose_eq(alts[k], m->byline)) continue;
            char *ca = clean_byline(alts[k]);
            int all = *ca != '\0';
            for (char *q = ca; all && *q;) {
                size_t l = strcspn(q, ";");
                char *nm1 = bt_xstrndup(q, l);
                char *t1 = bt_text_clean(nm1, strlen(nm1));
                if (!*t1 || !strstr(m->byline, t1)) all = 0;
                free(t1);
                free(nm1);
                q += l;
                while (*q == ';' || *q == ' ') q++;
            }
            if (all && strlen(ca) < strlen(m->byline)) {
                bt_article_set(&a->author, ca);
                free(ca);
                au = NULL;
                break;
            }
            free(ca);
        }
    }
    if (au) {
        char *b = clean_byline(au);
        if (looks_like_name(b)) bt_article_set(&a->author, b);
        free(b);
    }
}

static int lead_candidate(ctx *c, int i, int best)
{
    static const char *const hints[] = {"sapo", "lead", "lede", "standfirst", "summary", "excerpt",
                                        "description", "intro", "teaser", "chapeau", "dek",
                                        "subtitle", "sub-title", "subhead", "abstract", NULL};
    ninfo *f = &c->v[i];
    if (f->flags & F_HARDJUNK) return 0;
    if (!(f->flags & F_BLOCK) && !is_tag(f->n, "span")) return 0;
    if (is_tag(f->n, "body") || is_tag(f->n, "html") || is_tag(f->n, "meta")) return 0;
    char buf[512];
    classid(f->n, buf, sizeof buf);
    int hit = 0;
    for (const char *const *h = hints; *h && !hit; h++)
        hit = has_token(buf, *h) || (strlen(*h) > 4 && ci_contains(buf, *h));
    const char *ip = attr(f->n, "itemprop");
    if (ip && !strcasecmp(ip, "description")) hit = 1;
    if (!hit) return 0;
    if (f->raw < 40 || f->raw > 1200) return 0;
    if (f->text > 0 && link_density(f) > 0.3) return 0;
    if (f->np > 1 || f->nli > 0 || f->nheading > (heading_level(f->n) ? 1 : 0)) return 0;
    return near_content(c, i, best, 0);
}

/* Lead / sapo: an element whose class or id names it, at the article (innermost match). */
static void find_lead(ctx *c, int best)
{
    for (int i = 0; i < c->n; i++) {
        if (!lead_candidate(c, i, best)) continue;
        int pick = i;
        for (int k = i + 1; k < c->n && c->v[k].depth > c->v[i].depth; k++)
            if (lead_candidate(c, k, best)) pick = k;
        char *s = node_text(c->v[pick].n);
        bt_article_set(&c->a->lead, s);
        c->lead_text = s;
        c->lead_node = c->v[pick].n;
        return;
    }
    /* No named lead: a sub-headline right under the article's h1 (<hgroup>, <header>). */
    for (int i = 0; i < c->n; i++) {
        if (!is_tag(c->v[i].n, "h1") || (c->v[i].flags & F_HARDJUNK)) continue;
        if (!near_content(c, i, best, 0)) continue;
        xmlNode *k = c->v[i].n->next;
        while (k && k->type != XML_ELEMENT_NODE) k = k->next;
        int ki = idx_of(k);
        if (ki < 0 || !is_tag(k, "h2") || c->v[ki].raw < 40 || c->v[ki].raw > 600) continue;
        if (c->v[ki].raw > 0 && c->v[ki].text > 0 && link_density(&c->v[ki]) > 0.3) continue;
        char *s = node_text(k);
        bt_article_set(&c->a->lead, s);
        c->lead_text = s;
        c->lead_node = k;
        return;
    }
}

/* ---- dates ---- */

static int num(const char **p, int maxd, int *out)
{
    int v = 0, k = 0;
    while (k < maxd && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        k++;
    }
    *out = v;
    return k;
}

static void parse_time_zone(const char *p, bt_date *d, int default_tz)
{
    d->tz_minutes = default_tz;
    while (*p == ' ' || *p == 'T' || *p == ',' || *p == '-' || *p == '|') p++;
    int h, mi, s = 0;
    const char *q = p;
    if (num(&q, 2, &h) && *q == ':' && (q++, num(&q, 2, &mi) == 2)) {
        if (*q == ':') { q++; num(&q, 2, &s); }
        if (*q == '.') { q++; while (isdigit((unsigned char)*q)) q++; }
        if (h <= 23 && mi <= 59 && s <= 60) {
            d->hour = h; d->minute = mi; d->second = s; d->has_time = 1;
        }
        while (*q == ' ') q++;
        /* 12-hour clock: "03:05 PM", "3:05 p.m." (a 24-hour time with a stray "PM" stays) */
        if ((q[0] == 'P' || q[0] == 'p' || q[0] == 'A' || q[0] == 'a') &&
            (q[1] == 'M' || q[1] == 'm' || (q[1] == '.' && (q[2] == 'm' || q[2] == 'M')))) {
            int pm = q[0] == 'P' || q[0] == 'p';
            if (d->has_time && d->hour >= 1 && d->hour <= 12) {
                if (pm && d->hour < 12) d->hour += 12;
                if (!pm && d->hour == 12) d->hour = 0;
            }
            q += q[1] == '.' ? 3 : 2;
            if (*q == '.') q++;
            while (*q == ' ') q++;
        }
        if (*q == 'Z' || *q == 'z') { d->tz_minutes = 0; return; }
        if (*q == '+' || *q == '-') {
            int sign = *q == '-' ? -1 : 1, zh = 0, zm = 0;
            q++;
            if (num(&q, 2, &zh) == 2) {
                if (*q == ':') q++;
                num(&q, 2, &zm);
                if (zh <= 14 && zm < 60) d->tz_minutes = sign * (zh * 60 + zm);
            }
            return;
        }
        const char *g = strstr(q, "GMT");
        if (!g) g = strstr(q, "UTC");
        if (g) {
            g += 3;
            int sign = *g == '-' ? -1 : 1, zh = 0;
            if (*g == '+' || *g == '-') {
                g++;
                if (num(&g, 2, &zh) && zh <= 14) d->tz_minutes = sign * zh * 60;
            } else {
                d->tz_minutes = 0;
            }
        }
    }
}

int bt_extract_parse_date(const char *s, int default_tz, bt_date *out)
{
    if (!s) return 0;
    bt_date d;
    memset(&d, 0, sizeof d);
    d.tz_minutes = default_tz;
    /* ISO-like: YYYY-MM-DD or YYYY/MM/DD anywhere */
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p) || (p > s && isdigit((unsigned char)p[-1]))) continue;
        const char *q = p;
        int y, mo, da;
        if (num(&q, 4, &y) == 4 && (*q == '-' || *q == '/' || *q == '.')) {
            char sep = *q++;
            if (num(&q, 2, &mo) >= 1 && *q == sep && (q++, num(&q, 2, &da) >= 1) &&
                !isdigit((unsigned char)*q)) {
                d.year = y; d.month = mo; d.day = da;
                parse_time_zone(q, &d, default_tz);
                if (bt_date_valid(&d) && y >= 1990 && y <= 2100) { *out = d; return 1; }
                memset(&d, 0, sizeof d);
            }
        }
        /* day-first: D/M/YYYY (Vietnamese and European forms) */
        q = p;
        if (num(&q, 2, &da) >= 1 && (*q == '/' || *q == '.' || *q == '-')) {
            char sep = *q++;
            if (num(&q, 2, &mo) >= 1 && *q == sep && (q++, num(&q, 4, &y) == 4) &&
                !isdigit((unsigned char)*q)) {
                d.year = y; d.month = mo; d.day = da;
                d.tz_minutes = default_tz;
                parse_time_zone(q, &d, default_tz);
                if (!d.has_time) {
                    /* time before the date: "16:08 13/02/2022" */
                    const char *b = p;
                    int back = 0;
                    while (b > s && back < 12) { b--; back++; }
                    const char *colon = NULL;
                    for (const char *k = b; k < p; k++)
                        if (*k == ':' && k > s && isdigit((unsigned char)k[-1])) colon = k;
                    if (colon) {
                        const char *h0 = colon - 1;
                        if (h0 > s && isdigit((unsigned char)h0[-1])) h0--;
                        bt_date t = d;
                        parse_time_zone(h0, &t, default_tz);
                        if (t.has_time) d = t;
                        d.year = y; d.month = mo; d.day = da;
                    }
                    const char *g = strstr(s, "GMT");
                    if (g) parse_time_zone("00:00 ", &d, default_tz), d.has_time = d.has_time;
                }
                if (bt_date_valid(&d) && y >= 1990 && y <= 2100) { *out = d; return 1; }
                /* "11/20/2019": month first (US) when day first is impossible */
                int t = d.day;
                d.day = d.month;
                d.month = t;
                if (sep == '/' && bt_date_valid(&d) && y >= 1990 && y <= 2100) { *out = d; return 1; }
                memset(&d, 0, sizeof d);
            }
        }
    }
    /* month names: "19 Oct 2019 00:04:00 +0200", "30 septembre 2018", "October 19, 2019" */
    {
        static const char *const months[][12] = {
            {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"},
            {"janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc"},
            {"jän", "feb", "märz", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "dez"},
            {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"},
            {"jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"},
            {"gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"},
            {"janu", "febr", "mär", "apr", "mai", "jun", "jul", "aug", "sept", "okto", "nov", "dez"},
        };
        for (const char *p = s; *p; p++) {
            if (!isalpha((unsigned char)*p) && (unsigned char)*p < 0x80) continue;
            if (p > s && (isalpha((unsigned char)p[-1]) || (unsigned char)p[-1] >= 0x80)) continue;
            int mo = 0;
            for (size_t l = 0; l < sizeof months / sizeof months[0] && !mo; l++)
                for (int k = 0; k < 12; k++)
                    if (strncasecmp(p, months[l][k], strlen(months[l][k])) == 0) { mo = k + 1; break; }
            if (!mo) continue;
            const char *w = p;
            while (*w && !isspace((unsigned char)*w) && !isdigit((unsigned char)*w)) w++;
            /* day before: "19 Oct" / "19. Oktober" / "30 de septiembre de" */
            int da = 0, y = 0;
            const char *b = p;
            while (b > s && (b[-1] == ' ' || b[-1] == '.' || b[-1] == 'e' || b[-1] == 'd')) {
                if (b - s >= 3 && b[-1] == 'e' && b[-2] == 'd' && b[-3] == ' ') b -= 2;
                else if (b[-1] == ' ' || b[-1] == '.') b--;
                else break;
            }
            const char *db = b;
            while (db > s && isdigit((unsigned char)db[-1]) && b - db < 2) db--;
            if (db < b) da = atoi(db);
            const char *q = w;
            while (*q == ' ' || *q == '.' || *q == ',') q++;
            if (strncmp(q, "de ", 3) == 0) q += 3;
            if (!da) { /* "October 19, 2019" */
                if (num(&q, 2, &da) < 1) continue;
                while (*q == ',' || *q == ' ' || *q == '.') q++;
                while (isalpha((unsigned char)*q)) q++; /* "19th" */
                while (*q == ',' || *q == ' ') q++;
            }
            if (num(&q, 4, &y) != 4) continue;
            d.year = y; d.month = mo; d.day = da;
            d.has_time = 0;
            parse_time_zone(q, &d, default_tz);
            if (bt_date_valid(&d) && y >= 1990 && y <= 2100) { *out = d; return 1; }
            memset(&d, 0, sizeof d);
        }
    }
    /* "ngày 13 tháng 2 năm 2022" */
    const char *p = strstr(s, "tháng");
    if (p) {
        const char *q = p;
        while (q > s && !isdigit((unsigned char)q[-1])) q--;
        const char *b = q;
        while (b > s && isdigit((unsigned char)b[-1])) b--;
        int da = atoi(b), mo = 0, y = 0;
        q = p + strlen("tháng");
        while (*q == ' ') q++;
        num(&q, 2, &mo);
        const char *n2 = strstr(q, "năm");
        if (n2) {
            n2 += strlen("năm");
            while (*n2 == ' ') n2++;
            num(&n2, 4, &y);
        } else if (*q == ',' || *q == '/') { /* "12 tháng 3, 2024 15:05" */
            n2 = q + 1;
            while (*n2 == ' ') n2++;
            if (num(&n2, 4, &y) != 4) y = 0;
        }
        d.year = y; d.month = mo; d.day = da; d.tz_minutes = default_tz;
        if (n2 && y) parse_time_zone(n2, &d, default_tz);
        if (bt_date_valid(&d) && y >= 1990) { *out = d; return 1; }
    }
    return 0;
}

/* ---- entry ---- */

static void clear_private(ctx *c)
{
    for (int i = 0; i < c->n; i++) c->v[i].n->_private = NULL;
}

bt_status bt_extract_article(htmlDocPtr doc, const char *base_dir, bt_article *a, bt_err *e)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.doc = doc;
    c.a = a;
    c.base_dir = base_dir;
    if (!xmlDocGetRootElement(doc)) return bt_err_set(e, BT_EEMPTY, "no HTML content");
    record(&c);
    if (c.n == 0) return bt_err_set(e, BT_EEMPTY, "no HTML content");
    mark_hard(&c);
    sum_raw(&c);

    /* metadata first: the byline and lead are then kept out of the body */
    meta m;
    memset(&m, 0, sizeof m);
    xmlNode *h1s[16];
    int nh1 = 0;
    scan_meta(&c, &m, h1s, &nh1, 16);
    choose_meta(&c, &m, h1s, nh1);
    c.title_text = a->title ? bt_xstrdup(a->title) : NULL;

    /* site rules (data files) */
    bt_site_rules *site = bt_site_rules_find(a->source_url, doc);
    int forced = -1;
    if (site) {
        for (int i = 0; i < c.n; i++) {
            if (bt_site_match(site, BT_SITE_REMOVE, c.v[i].n)) c.v[i].flags |= F_JUNK | F_HARDJUNK;
            if (forced < 0 && bt_site_match(site, BT_SITE_CONTENT, c.v[i].n)) {
                forced = i;
                c.v[i].flags |= F_SITE_CONTENT;
            }
        }
    }
    mark_soft(&c);
    measure(&c);
    int best = forced >= 0 ? forced : pick_content(&c);
    choose_late(&c, &m, best, h1s, nh1);
    find_lead(&c, best);
    meta_free(&m);
    emit_content(&c, best);
    if (a->nblocks == 0 && c.body >= 0) {
        /* no article found (a home page, a list): keep the page's visible text instead */
        c.lenient = 1;
        emitter em = {{0}, -1};
        emit_root(&c, c.body, &em);
        bt_buf_free(&em.buf);
        if (a->nblocks) bt_article_warn(a, "no article found in the page: its visible text is kept");
    }
    trailing_byline(&c);
    if (c.nremote > 0)
        bt_article_warn(a, "%d remote image%s not fetched (bantin works offline): %s%s", c.nremote,
                        c.nremote == 1 ? "" : "s", c.first_remote, c.nremote > 1 ? " ..." : "");
    free(c.first_remote);
    for (int k = 0; k < c.nseen; k++) free(c.seen[k]);
    clear_private(&c);
    free(c.v);
    free(c.title_text);
    free(c.lead_text);
    bt_site_rules_free(site);
    return BT_OK;
}

/* extract.c - metadata and main content of an HTML page (see extract.h).
 *
 * Passes over a flat array of the page's elements in document order (preorder):
 *  1. record every element (depth-limited), its parent, block/inline kind and tag flags;
 *  2. mark boilerplate: junk tags, hidden elements, class/id hints, in preorder;
 *  3. sum text, link text, commas, paragraphs, images, list items bottom-up (reverse order);
 *  4. score paragraph-like blocks and credit their ancestors; pick the best container and the
 *     siblings that belong to it (extract_content.c);
 *  5. emit blocks in document order, dropping link-heavy or form-like boxes on the way
 *     (extract_content.c).
 * Metadata (title, date, author, category, lead, URL, language) comes from meta tags, JSON-LD
 * and visible elements, checked against each other (extract_meta.c). This file holds the
 * element table, passes 1-3, the helpers the others share (extract_int.h) and the entry. */
#include "extract.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bt_limits.h"
#include "extract_int.h"
#include "site.h"
#include "text.h"

/* ---- element table ---- */

/* Attribute value without allocating ("" when present but empty, NULL when absent). */
const char *ex_attr(const xmlNode *n, const char *name)
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

int ex_in_list(const char *s, const char *const *list)
{
    int f = tolower((unsigned char)s[0]);
    for (; *list; list++) /* the first letter first: tag lists are checked for every element */
        if (tolower((unsigned char)(*list)[0]) == f && strcasecmp(s, *list) == 0) return 1;
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
    "textarea", "button", "datalist", "output", "progress", "meter", "dialog",
    /* AMP's ads, trackers and players */
    "amp-ad", "amp-embed", "amp-sticky-ad", "amp-auto-ads", "amp-analytics", "amp-pixel",
    "amp-video", "amp-youtube", "amp-iframe", "amp-consent", "amp-user-notification",
    "amp-social-share", "amp-state", "amp-script", NULL};
/* HTML5 void elements (embed, source, track, wbr, keygen) are unknown to libxml2's HTML 4
 * parser, which makes them containers of whatever follows: they hold no text of their own, so
 * they are simply transparent here (not junk, not blocks) and the swallowed content survives. */

/* Structural boilerplate: not content (metadata may still read them). */
static const char *const soft_junk[] = {"nav", "footer", "aside", "menu", "header", "form", "amp-sidebar",
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
/* A box set apart from the text: fact boxes, key points, notes, summaries. */
static const char *const box_sub[] = {"box", "note", "fact", "summary", "highlight", "callout",
                                      "tomtat", "tom-tat", "tom_tat", "keypoint", "key-point",
                                      "key_point", "takeaway", "ghichu", "ghi-chu", NULL};
static const char *const pos_sub[] = {"article", "content", "entry", "story", "body", "main",
                                      "detail", "post", "text", "fck", "hentry", "blog",
                                      "news-", "page-", "single", "chitiet", "noidung", NULL};

int ex_ci_contains(const char *h, const char *n)
{
    size_t nl = strlen(n);
    if (!nl) return 1;
    int f = tolower((unsigned char)n[0]);
    for (; *h; h++) /* the first letter first: this runs for every element and hint word */
        if (tolower((unsigned char)*h) == f && strncasecmp(h, n, nl) == 0) return 1;
    return 0;
}

int ex_has_token(const char *s, const char *tok)
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
const char *ex_classid(const xmlNode *n, char *buf, size_t sz)
{
    const char *c = ex_attr(n, "class"), *i = ex_attr(n, "id");
    size_t cl = c ? strlen(c) : 0, il = i ? strlen(i) : 0;
    if (!sz) return buf;
    if (cl > sz - 1) cl = sz - 1;
    memcpy(buf, c ? c : "", cl);
    size_t k = cl;
    if (k < sz - 1) buf[k++] = ' ';
    if (il > sz - 1 - k) il = sz - 1 - k;
    memcpy(buf + k, i ? i : "", il);
    buf[k + il] = '\0';
    return buf;
}

static void class_hints(const xmlNode *n, unsigned *flags)
{
    char buf[512];
    ex_classid(n, buf, sizeof buf);
    if (buf[0] == ' ' && buf[1] == '\0') return;
    for (char *q = buf; *q; q++) *q = (char)tolower((unsigned char)*q); /* the lists are lower case */
    int neg = 0, pos = 0, box = 0;
    for (const char *const *p = neg_sub; *p && !neg; p++) neg = strstr(buf, *p) != NULL;
    if (neg) *flags |= F_STRONGNEG;
    /* whole words ("ad", "date", ...); only "info"/"notice" against it: a box or a table may
     * still be text ("box-info") */
    int other = neg;
    for (char *q = buf; *q;) {
        while (*q && !isalnum((unsigned char)*q)) q++;
        char *b = q;
        while (isalnum((unsigned char)*q)) q++;
        if (q == b) break;
        char save = *q;
        *q = '\0';
        if (ex_in_list(b, neg_tok)) {
            neg = 1;
            other |= strcmp(b, "info") != 0 && strcmp(b, "notice") != 0;
        }
        *q = save;
    }
    if (!other) *flags |= F_BOXABLE;
    for (const char *const *p = box_sub; *p && !box; p++) box = strstr(buf, *p) != NULL;
    if (box) *flags |= F_BOX;
    for (const char *const *p = pos_sub; *p && !pos; p++) pos = strstr(buf, *p) != NULL;
    if (neg) *flags |= F_NEG;
    if (pos) *flags |= F_POS;
    if (strstr(buf, "caption")) *flags |= F_CAPTION;
}

static int is_hidden(const xmlNode *n)
{
    if (ex_attr(n, "hidden")) return 1;
    const char *ah = ex_attr(n, "aria-hidden");
    if (ah && strcasecmp(ah, "true") == 0 && !is_tag(n, "img") && !is_tag(n, "figure")) return 1;
    const char *st = ex_attr(n, "style");
    if (st) {
        char b[256];
        size_t k = 0;
        for (const char *p = st; *p && k + 1 < sizeof b; p++)
            if (!isspace((unsigned char)*p)) b[k++] = (char)tolower((unsigned char)*p);
        b[k] = '\0';
        if (strstr(b, "display:none") || strstr(b, "visibility:hidden")) return 1;
    }
    const char *ty = ex_attr(n, "type");
    if (ty && is_tag(n, "input") && strcasecmp(ty, "hidden") == 0) return 1;
    const char *role = ex_attr(n, "role");
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
int ex_loose_cmp(const char *a, const char *b, int prefix)
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

/* ---- text measures ---- */

/* Characters of text, white-space runs counted once; commas counted into *commas. */
long ex_text_measure(const char *s, int *commas)
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


char *ex_node_text(const xmlNode *n)
{
    xmlChar *s = xmlNodeGetContent(n);
    if (!s) return bt_xstrdup("");
    char *r = bt_text_clean((const char *)s, strlen((const char *)s));
    xmlFree(s);
    return r;
}


double ex_class_weight(const ninfo *f)
{
    double w = 0;
    if (f->flags & F_NEG) w -= 25;
    if (f->flags & F_POS) w += 25;
    return w;
}


/* Nearest recorded element at or above n (for text nodes and flattened elements). */
int ex_owner(const xmlNode *n)
{
    for (int hops = 0; n && hops < BT_MAX_HTML_DEPTH * 4 + 64; hops++, n = n->parent) {
        int i = idx_of(n);
        if (i >= 0) return i;
    }
    return -1;
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
                if (ex_in_list(t, block_tags)) f->flags |= F_BLOCK;
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

/* ---- pass 2: boilerplate flags (preorder: parents first) ---- */

static void mark_hard(ctx *c)
{
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        unsigned pf = f->parent >= 0 ? c->v[f->parent].flags : 0;
        if (pf & F_HARDJUNK) f->flags |= F_HARDJUNK | F_JUNK;
        if (pf & F_INLINK) f->flags |= F_INLINK;
        if (is_tag(f->n, "a")) f->flags |= F_INLINK;
        if (ex_in_list(nm(f->n), hard_junk)) f->flags |= F_HARDJUNK | F_JUNK;
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
                if (k->content) f->raw += ex_text_measure((const char *)k->content, NULL);
            } else if (k->type == XML_ELEMENT_NODE && idx_of(k) < 0) {
                /* flattened subtree: count its text here */
                xmlChar *t = xmlNodeGetContent(k);
                if (t) {
                    f->raw += ex_text_measure((const char *)t, NULL);
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
        if (ex_in_list(t, soft_junk)) {
            /* A <form> or <header> wrapping most of the page is layout, not a box. */
            if ((strcasecmp(t, "form") == 0 || strcasecmp(t, "header") == 0) && page > 0 &&
                f->raw * 2 > page)
                continue;
            f->flags |= F_JUNK;
            continue;
        }
        if (f->flags & F_NEG) {
            if (is_tag(f->n, "article") || is_tag(f->n, "main") || heading_level(f->n)) continue;
            /* "box-info", "table.tbl-info": a box in the text */
            if ((f->flags & F_BOXABLE) && f->raw < 1500 &&
                (is_tag(f->n, "table") ||
                 ((f->flags & F_BOX) && (is_tag(f->n, "div") || is_tag(f->n, "aside") ||
                                         is_tag(f->n, "section") || is_tag(f->n, "ul") || is_tag(f->n, "dl"))))) {
                f->flags |= F_KEPTBOX;
                continue;
            }
            /* most of the page's text: the main column, whatever its class says ("sidebar-1") */
            int big = f->raw >= 200 && page > 0 && f->raw * 2 > page;
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
    long m = ex_text_measure(s, &commas);
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
        f->np = f->nimg = f->nli = f->ninput = f->nembed = f->nheading = f->ncap = 0;
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
        if (strcasecmp(t, "img") == 0 || strcasecmp(t, "amp-img") == 0) f->nimg++;
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
        if (!(f->flags & F_JUNK) && f->text > 0 && !f->ncap &&
            (is_tag(f->n, "figcaption") || (f->flags & F_CAPTION)))
            f->ncap = 1;
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
        q->ncap += f->ncap;
    }
}

/* ---- entry ---- */

static void clear_private(ctx *c)
{
    for (int i = 0; i < c->n; i++) c->v[i].n->_private = NULL;
}

bt_status bt_extract_article(htmlDocPtr doc, const char *base_dir, bt_article *a, bt_err *e)
{
    return bt_extract_article_from(doc, base_dir, NULL, a, e);
}

bt_status bt_extract_article_from(htmlDocPtr doc, const char *base_dir, const struct bt_origin *origin,
                                  bt_article *a, bt_err *e)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.doc = doc;
    c.a = a;
    c.base_dir = base_dir;
    c.origin = origin;
    if (!xmlDocGetRootElement(doc)) return bt_err_set(e, BT_EEMPTY, "no HTML content");
    record(&c);
    if (c.n == 0) return bt_err_set(e, BT_EEMPTY, "no HTML content");
    mark_hard(&c);
    sum_raw(&c);

    /* metadata first: the byline and lead are then kept out of the body */
    ex_meta *m = ex_meta_read(&c);
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
    int best = forced >= 0 ? forced : ex_pick_content(&c);
    ex_meta_choose(&c, m, best);
    ex_meta_free(m);
    ex_emit_content(&c, best);
    if (a->nblocks == 0 && c.body >= 0) {
        /* no article found (a home page, a list): keep the page's visible text instead */
        ex_emit_page(&c);
        if (a->nblocks) bt_article_warn(a, "no article found in the page: its visible text is kept");
    }
    ex_trailing_byline(&c);
    ex_mark_boxes(&c);
    if (!a->author) bt_article_set(&a->author, c.source_author ? c.source_author : c.outlet_author);
    free(c.source_author);
    free(c.outlet_author);
    if (c.nremote > 0)
        bt_article_warn(a, "%d remote image%s not fetched (bantin works offline): %s%s", c.nremote,
                        c.nremote == 1 ? "" : "s", c.first_remote, c.nremote > 1 ? " ..." : "");
    free(c.block_owner);
    free(c.first_remote);
    for (int k = 0; k < c.nseen; k++) free(c.seen[k]);
    clear_private(&c);
    free(c.v);
    free(c.title_text);
    free(c.lead_text);
    bt_site_rules_free(site);
    return BT_OK;
}


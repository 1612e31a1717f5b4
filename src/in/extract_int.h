/* extract_int.h - private to the HTML extractor (extract.c, extract_content.c, extract_meta.c).
 *
 * The extractor works on a flat table of the page's elements in document order (preorder); each
 * xmlNode's _private holds its index + 1 while the table lives. extract.c builds the table and
 * the measures, extract_content.c finds and emits the body, extract_meta.c reads the metadata.
 * Nothing here is part of the public interface (extract.h). */
#ifndef BT_EXTRACT_INT_H
#define BT_EXTRACT_INT_H

#include <libxml/HTMLparser.h>
#include <stdint.h>
#include <strings.h>

#include "article.h"
#include "site.h"
#include "util.h"

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
    F_BOX = 1 << 9,          /* class/id names a box (fact box, key points, note) */
    F_STRONGNEG = 1 << 10,   /* class/id says boilerplate by a whole word (related, comment, ...) */
    F_BOXABLE = 1 << 12,     /* no class word against it but "info" or "notice" */
    F_KEPTBOX = 1 << 11,     /* a box or table kept although a weak class word ("info") is against it */
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
    int ncap;    /* figcaptions (or caption-classed elements) with text: a photo story's text */
    double score;
    int scored;
} ninfo;

typedef struct {
    htmlDocPtr doc;
    bt_article *a;
    const char *base_dir;
    const struct bt_origin *origin; /* a page from the web: images load through it */
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
    char *outlet_author; /* the publication named as the author: used only when no byline is found */
    int *block_owner; /* element each emitted block came from (-1: none), parallel to a->blocks */
    size_t nowners, capowners;
    char *source_author;
    const xmlNode *last_img; /* the last picture met, and whether a file was named for it */
    int last_img_ok;
    int live; /* the content is a live blog: its entries' times are kept */ /* "Theo <outlet>" closing the body: before the publication, after a byline */
} ctx;

/* ---- small helpers on nodes and text (extract.c) ---- */

static inline int idx_of(const xmlNode *n)
{
    return n && n->type == XML_ELEMENT_NODE && n->_private ? (int)(intptr_t)n->_private - 1 : -1;
}

static inline const char *nm(const xmlNode *n)
{
    return n && n->name ? (const char *)n->name : "";
}

static inline int is_tag(const xmlNode *n, const char *t)
{
    return n && n->type == XML_ELEMENT_NODE && strcasecmp(nm(n), t) == 0;
}

static inline int heading_level(const xmlNode *n)
{
    const char *t = nm(n);
    if ((t[0] == 'h' || t[0] == 'H') && t[1] >= '1' && t[1] <= '6' && !t[2]) return t[1] - '0';
    return 0;
}

static inline double link_density(const ninfo *f)
{
    return f->text > 0 ? (double)f->link / (double)f->text : 0.0;
}

/* Attribute value without allocating ("" when present but empty, NULL when absent). */
const char *ex_attr(const xmlNode *n, const char *name);
int ex_in_list(const char *s, const char *const *list);
/* ASCII-case-insensitive substring / whole alphanumeric token. */
int ex_ci_contains(const char *h, const char *n);
int ex_has_token(const char *s, const char *tok);
/* "class id" of n into buf. */
const char *ex_classid(const xmlNode *n, char *buf, size_t sz);
/* Text equality ignoring white space, ASCII punctuation and ASCII case (any script). With
 * prefix set: a is a prefix of b. */
int ex_loose_cmp(const char *a, const char *b, int prefix);
static inline int loose_eq(const char *a, const char *b) { return ex_loose_cmp(a, b, 0); }
/* Characters of text, white-space runs counted once; commas counted into *commas. */
long ex_text_measure(const char *s, int *commas);
/* The cleaned text of a subtree (heap string). */
char *ex_node_text(const xmlNode *n);
/* +25 for a class/id that says content, -25 for one that says boilerplate. */
double ex_class_weight(const ninfo *f);
/* Nearest recorded element at or above n (for text nodes and flattened elements). */
int ex_owner(const xmlNode *n);

/* ---- the body (extract_content.c) ---- */

/* The element that holds the article (readability-style scoring). */
int ex_pick_content(ctx *c);
/* Emit the content box and the siblings that belong to it. */
void ex_emit_content(ctx *c, int best);
/* No article found: emit the whole page's visible text, without box dropping. */
void ex_emit_page(ctx *c);
/* Drop a trailing byline or source line from the blocks (it is metadata). */
void ex_trailing_byline(ctx *c);
/* Boxes at the top of the body (fact boxes, key points, tables, short unpunctuated lines
 * before the first paragraph) become box blocks. */
void ex_mark_boxes(ctx *c);

/* ---- pictures (extract_image.c) ---- */

#define EX_MAX_SRCS 24
typedef struct {
    char *url[EX_MAX_SRCS]; /* owned */
    double weight[EX_MAX_SRCS];
    int n;
} ex_srcs;
/* The main source of an <img> or <amp-img>: src, or a lazy-loading attribute behind a
 * placeholder src (a tiny data: URI, "blank.gif", ...). NULL when it names none. */
const char *ex_image_main_src(const xmlNode *n);
/* Its srcset candidates (and those of its <picture>'s <source>s), best first. */
void ex_image_sources(const xmlNode *n, ex_srcs *out);
void ex_image_sources_free(ex_srcs *s);
/* The best candidate found in the page's folder (none of them is main_src), or NULL. */
bt_image *ex_image_load_best(ctx *c, const ex_srcs *s, const char *main_src);

/* ---- metadata (extract_meta.c) ---- */

typedef struct ex_meta ex_meta;
/* Read the page's metadata (meta tags, JSON-LD, visible candidates) and set title, language,
 * category and URL. Caller frees with ex_meta_free. */
ex_meta *ex_meta_read(ctx *c);
/* Once the content box is known: date, author, lead (visible candidates near it win). */
void ex_meta_choose(ctx *c, ex_meta *m, int best);
void ex_meta_free(ex_meta *m);

#endif

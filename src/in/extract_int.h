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
    F_SRONLY = 1 << 13,      /* class says screen readers only ("sr-only", "visually-hidden"): not shown */
};

/* Element names the rules ask about, each with its kind (block level, never content, never
 * article text), read once per element into ninfo.tag (T_OTHER: any other name). */
enum { K_BLOCK = 1, K_HARD = 2, K_SOFT = 4 };
#define EX_TAGS(X)                                                                                 \
    X(A, "a", 0) X(ADDRESS, "address", K_BLOCK) X(AMP_AD, "amp-ad", K_HARD)                        \
    X(AMP_ANALYTICS, "amp-analytics", K_HARD) X(AMP_AUTO_ADS, "amp-auto-ads", K_HARD)              \
    X(AMP_CONSENT, "amp-consent", K_HARD) X(AMP_EMBED, "amp-embed", K_HARD)                        \
    X(AMP_IFRAME, "amp-iframe", K_HARD) X(AMP_IMG, "amp-img", 0) X(AMP_PIXEL, "amp-pixel", K_HARD) \
    X(AMP_SCRIPT, "amp-script", K_HARD) X(AMP_SIDEBAR, "amp-sidebar", K_SOFT)                      \
    X(AMP_SOCIAL_SHARE, "amp-social-share", K_HARD) X(AMP_STATE, "amp-state", K_HARD)              \
    X(AMP_STICKY_AD, "amp-sticky-ad", K_HARD)                                                      \
    X(AMP_USER_NOTIFICATION, "amp-user-notification", K_HARD) X(AMP_VIDEO, "amp-video", K_HARD)    \
    X(AMP_YOUTUBE, "amp-youtube", K_HARD) X(APPLET, "applet", K_HARD) X(AREA, "area", K_HARD)      \
    X(ARTICLE, "article", K_BLOCK) X(ASIDE, "aside", K_BLOCK | K_SOFT)                             \
    X(AUDIO, "audio", K_BLOCK | K_HARD) X(B, "b", 0) X(BASE, "base", K_HARD)                       \
    X(BLOCKQUOTE, "blockquote", K_BLOCK) X(BODY, "body", K_BLOCK) X(BR, "br", 0)                   \
    X(BUTTON, "button", K_BLOCK | K_HARD) X(CANVAS, "canvas", K_BLOCK | K_HARD)                    \
    X(CAPTION, "caption", K_BLOCK) X(CENTER, "center", K_BLOCK) X(DATALIST, "datalist", K_HARD)    \
    X(DD, "dd", K_BLOCK) X(DETAILS, "details", K_BLOCK) X(DIALOG, "dialog", K_BLOCK | K_HARD)      \
    X(DIV, "div", K_BLOCK) X(DL, "dl", K_BLOCK) X(DT, "dt", K_BLOCK) X(EMBED, "embed", 0)          \
    X(FIELDSET, "fieldset", K_BLOCK | K_SOFT) X(FIGCAPTION, "figcaption", K_BLOCK)                 \
    X(FIGURE, "figure", K_BLOCK) X(FOOTER, "footer", K_BLOCK | K_SOFT)                             \
    X(FORM, "form", K_BLOCK | K_SOFT) X(FRAME, "frame", K_HARD) X(FRAMESET, "frameset", K_HARD)    \
    X(H1, "h1", K_BLOCK) X(H2, "h2", K_BLOCK) X(H3, "h3", K_BLOCK) X(H4, "h4", K_BLOCK)            \
    X(H5, "h5", K_BLOCK) X(H6, "h6", K_BLOCK) X(HEAD, "head", K_BLOCK | K_HARD)                    \
    X(HEADER, "header", K_BLOCK | K_SOFT) X(HGROUP, "hgroup", K_BLOCK) X(HR, "hr", K_BLOCK)        \
    X(HTML, "html", K_BLOCK) X(IFRAME, "iframe", K_BLOCK | K_HARD) X(IMG, "img", 0)                \
    X(INPUT, "input", K_HARD) X(LABEL, "label", K_SOFT) X(LEGEND, "legend", K_SOFT)                \
    X(LI, "li", K_BLOCK) X(LINK, "link", K_HARD) X(MAIN, "main", K_BLOCK) X(MAP, "map", K_HARD)    \
    X(MATH, "math", K_HARD) X(MENU, "menu", K_BLOCK | K_SOFT) X(META, "meta", K_HARD)              \
    X(METER, "meter", K_HARD) X(NAV, "nav", K_BLOCK | K_SOFT) X(NOSCRIPT, "noscript", K_BLOCK | K_HARD) \
    X(OBJECT, "object", K_BLOCK | K_HARD) X(OL, "ol", K_BLOCK) X(OPTION, "option", K_BLOCK | K_HARD) \
    X(OUTPUT, "output", K_HARD) X(P, "p", K_BLOCK) X(PARAM, "param", K_HARD)                       \
    X(PICTURE, "picture", K_BLOCK) X(PRE, "pre", K_BLOCK) X(PROGRESS, "progress", K_HARD)          \
    X(Q, "q", 0) X(SCRIPT, "script", K_BLOCK | K_HARD) X(SECTION, "section", K_BLOCK)              \
    X(SELECT, "select", K_BLOCK | K_HARD) X(SOURCE, "source", 0) X(SPAN, "span", 0)                \
    X(STRONG, "strong", 0) X(STYLE, "style", K_BLOCK | K_HARD) X(SUMMARY, "summary", K_BLOCK)      \
    X(SVG, "svg", K_BLOCK | K_HARD) X(TABLE, "table", K_BLOCK) X(TBODY, "tbody", K_BLOCK)          \
    X(TD, "td", K_BLOCK) X(TEMPLATE, "template", K_HARD) X(TEXTAREA, "textarea", K_BLOCK | K_HARD) \
    X(TFOOT, "tfoot", K_BLOCK) X(TH, "th", K_BLOCK) X(THEAD, "thead", K_BLOCK)                     \
    X(TIME, "time", 0) X(TITLE, "title", K_BLOCK | K_HARD) X(TR, "tr", K_BLOCK) X(UL, "ul", K_BLOCK) \
    X(VIDEO, "video", K_BLOCK | K_HARD)
enum {
    T_OTHER = 0,
#define X(id, name, kind) T_##id,
    EX_TAGS(X)
#undef X
    T_COUNT
};

/* Words in an element's class and id that rules ask about one by one, as bits of ninfo.cw
 * (found once per element by extract.c; the word lists are there). */
enum {
    CW_AUTHOR, CW_BYLINE, CW_WRITER, CW_REPORTER, CW_TAC_GIA, CW_TACGIA, CW_AUTOR, CW_AUTEUR,
    CW_FIRMA, CW_FOTO, CW_PHOTO, CW_CREDIT, CW_IMG, CW_IMAGE, CW_COMMENT, CW_AVATAR, CW_BIO,
    CW_DESC, CW_CAT_LINKS, CW_DETAIL_CATE, CW_CHUYEN_MUC, CW_CHUYENMUC, CW_CATE_NAME,
    CW_BREADCRUMB, CW_BREAD_CRUMB, CW_DATE, CW_TIME, CW_PUBLISH, CW_NGAY, CW_NOW, CW_TODAY,
    CW_CURRENT, CW_RELATED, CW_FOOTER, CW_SIDEBAR, CW_TEASER, CW_RECOMMEND, CW_POPULAR,
    CW_LISTING, CW_LIENQUAN, CW_FORUM, CW_REPLY, CW_VCARD, CW_LIEN_QUAN, CW_TIMESTAMP,
    CW_CRUMB, CW_CATEG, CW_KICKER, CW_RUBRIC, CW_EYEBROW, CW_UPDAT, CW_MODIF,
    CW_LEAD,      /* names a lead: "sapo", "lead", "standfirst", "summary", ... */
    CW_TOK_TIME,  /* the whole word "time" */
    CW_TOK_DATE,  /* the whole word "date" */
    CW_TOK_CATE,  /* the whole word "cate" ("parent_cate") */
    CW_COUNT
};
#define CW(w) ((uint64_t)1 << (w))

typedef struct {
    xmlNode *n;
    int parent;
    int depth;
    unsigned flags;
    unsigned short tag; /* T_... */
    uint64_t cw;        /* CW(...) bits of its class and id */
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

/* Build the tables of names and words once for the process (thread-safe); before ex_tag_id. */
void ex_tables_init(void);
/* T_... of an element name (T_OTHER when the rules never ask about it). */
int ex_tag_id(const char *name);

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
/* 1 if element i's text is all (nine tenths) inside <strong>/<b>. */
int ex_all_bold(const ctx *c, int i);

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
/* A paragraph all in bold, short and with no sentence's end, between paragraphs: a sub-heading
 * set as "<p><strong>…</strong></p>" (many Vietnamese editors have no heading button). */
void ex_bold_headings(ctx *c);
/* The cells of a row of a data table in the body become one paragraph ("a | b | c"). */
void ex_join_rows(ctx *c);

/* ---- boilerplate by its words (extract_boiler.c) ---- */

/* The whole text is a label of boilerplate: an ad slot ("Quảng cáo", "Advertisement"), a
 * "read more"/"related" heading, a promo's or comment form's button, a share/print bar. */
int ex_boiler_label(const char *text);
/* The text opens a paywall or newsletter promo, a readers' comment box or its moderation
 * notice ("Đăng ký nhận bản tin", "Ý kiến của bạn sẽ được biên tập", "Subscribe to continue"). */
int ex_boiler_opener(const char *text);

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
/* Captions known by where they stand: the text cell of a picture table, a short line in italics
 * or centred right after a paragraph holding only a picture, italics beside the picture in its
 * paragraph (F_CAPTION). Before measuring. */
void ex_mark_captions(ctx *c);
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

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
#include <pthread.h>
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

/* The kinds of the names in EX_TAGS (extract_int.h): K_BLOCK block level; K_HARD never content,
 * not even for metadata text (scripts, forms' controls, players, AMP's ads and trackers);
 * K_SOFT structural boilerplate, not content (metadata may still read it).
 * HTML5 void elements (embed, source, track, wbr, keygen) are unknown to libxml2's HTML 4
 * parser, which makes them containers of whatever follows: they hold no text of their own, so
 * they are simply transparent here (not junk, not blocks) and the swallowed content survives. */
static const struct tag_def {
    const char *name;
    unsigned short id;
    unsigned char kind;
} tag_defs[] = {
#define X(id, name, kind) {name, T_##id, kind},
    EX_TAGS(X)
#undef X
};
#define NTAGS (sizeof tag_defs / sizeof tag_defs[0])
static unsigned char tag_kind[T_COUNT];

static void build_tables(void);
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static short tag_slot[256]; /* open-addressed hash of the names: index + 1 in tag_defs */

static unsigned tag_hash(const char *s, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

void ex_tables_init(void)
{
    pthread_once(&tables_once, build_tables);
}

int ex_tag_id(const char *name)
{
    char low[24];
    size_t k = 0;
    for (; name[k]; k++) {
        if (k + 1 >= sizeof low) return T_OTHER; /* longer than any name asked about */
        low[k] = (char)tolower((unsigned char)name[k]);
    }
    low[k] = '\0';
    for (unsigned h = tag_hash(low, k) & 255;; h = (h + 1) & 255) {
        int i = tag_slot[h] - 1;
        if (i < 0) return T_OTHER;
        if (strcmp(tag_defs[i].name, low) == 0) return tag_defs[i].id;
    }
}

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
    "instagram", "tiktok", "reddit-embed", "threads-embed",
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

/* Words of the lists above, and the words that rules elsewhere ask about one by one (CW_...),
 * found in one pass over an element's class and id: a table of words by their first letter,
 * built once for the process. */
enum { G_NEG = 1, G_BOX = 2, G_POS = 4, G_CAPTION = 8, G_LEAD = 16, G_SRONLY = 32 };
static const char *const one_words[CW_COUNT] = {
    [CW_AUTHOR] = "author", [CW_BYLINE] = "byline", [CW_WRITER] = "writer",
    [CW_REPORTER] = "reporter", [CW_TAC_GIA] = "tac-gia", [CW_TACGIA] = "tacgia",
    [CW_AUTOR] = "autor", [CW_AUTEUR] = "auteur", [CW_FIRMA] = "firma", [CW_FOTO] = "foto",
    [CW_PHOTO] = "photo", [CW_CREDIT] = "credit", [CW_IMG] = "img", [CW_IMAGE] = "image",
    [CW_COMMENT] = "comment", [CW_AVATAR] = "avatar", [CW_BIO] = "-bio", [CW_DESC] = "desc",
    [CW_CAT_LINKS] = "cat-links", [CW_DETAIL_CATE] = "detail-cate", [CW_CHUYEN_MUC] = "chuyen-muc",
    [CW_CHUYENMUC] = "chuyenmuc", [CW_CATE_NAME] = "cate-name", [CW_BREADCRUMB] = "breadcrumb",
    [CW_BREAD_CRUMB] = "bread-crumb", [CW_DATE] = "date", [CW_TIME] = "time",
    [CW_PUBLISH] = "publish", [CW_NGAY] = "ngay", [CW_NOW] = "now", [CW_TODAY] = "today",
    [CW_CURRENT] = "current", [CW_RELATED] = "related", [CW_FOOTER] = "footer",
    [CW_SIDEBAR] = "sidebar", [CW_TEASER] = "teaser", [CW_RECOMMEND] = "recommend",
    [CW_POPULAR] = "popular", [CW_LISTING] = "listing", [CW_LIENQUAN] = "lienquan",
    [CW_FORUM] = "forum", [CW_REPLY] = "reply", [CW_VCARD] = "vcard", [CW_LIEN_QUAN] = "lien-quan",
    [CW_TIMESTAMP] = "timestamp", [CW_CRUMB] = "crumb", [CW_CATEG] = "categ", [CW_KICKER] = "kicker",
    [CW_RUBRIC] = "rubri", [CW_EYEBROW] = "eyebrow", [CW_UPDAT] = "updat", [CW_MODIF] = "modif"};
/* A lead (sapo, standfirst): the long words as parts of a class, the short ones whole. */
static const char *const lead_sub[] = {"standfirst", "summary", "excerpt", "description", "intro",
                                       "teaser", "chapeau", "chappeau", "subtitle", "sub-title", "subhead",
                                       "abstract", NULL};
static const char *const lead_tok[] = {"sapo", "lead", "lede", "dek", NULL};
/* Text for screen readers only, never shown ("Chú thích hình ảnh," before a caption, "Posted
 * on" before a date): the usual class names of Bootstrap, WordPress, Drupal and CSS-in-JS. */
static const char *const sronly_sub[] = {"sr-only", "visually-hidden", "visuallyhidden",
                                         "screen-reader", "screenreader", "element-invisible",
                                         "a11y-hidden", "assistive-text", NULL};

typedef struct {
    const char *w;
    size_t len;
    uint64_t cw;
    unsigned groups;
} cword;
static cword cwords[256];
static int ncwords;
/* Words by their first two bytes (letters, digits and '-' each their own class, any other byte
 * one class): the words starting like position i are cwords[cw_first[k] .. cw_first[k + 1]). */
#define CW_CLASSES 38
static unsigned char cw_class[256];
static short cw_first[CW_CLASSES * CW_CLASSES + 1];

static int pair_key(const char *w)
{
    return cw_class[(unsigned char)w[0]] * CW_CLASSES + cw_class[(unsigned char)w[1]];
}

static void add_word(const char *w, uint64_t cw, unsigned groups)
{
    for (int i = 0; i < ncwords; i++)
        if (strcmp(cwords[i].w, w) == 0) {
            cwords[i].cw |= cw;
            cwords[i].groups |= groups;
            return;
        }
    if (ncwords < (int)(sizeof cwords / sizeof cwords[0]))
        cwords[ncwords++] = (cword){w, strlen(w), cw, groups};
}

static int cword_cmp(const void *a, const void *b)
{
    return pair_key(((const cword *)a)->w) - pair_key(((const cword *)b)->w);
}

/* Whole words: neg_tok (neg 1 for "info" and "notice", which a box may bear, 2 for the others),
 * lead_tok, "time", "date". */
typedef struct {
    const char *w;
    size_t len;
    int neg;
    uint64_t cw;
} ctoken;
static ctoken ctokens[40];
static int ntokens;
static short tok_first[257]; /* tokens starting with byte b: ctokens[tok_first[b] .. tok_first[b + 1]) */

static int ctoken_cmp(const void *a, const void *b)
{
    return (unsigned char)((const ctoken *)a)->w[0] - (unsigned char)((const ctoken *)b)->w[0];
}

static void add_token(const char *w, int neg, uint64_t cw)
{
    for (int i = 0; i < ntokens; i++)
        if (strcmp(ctokens[i].w, w) == 0) {
            if (neg > ctokens[i].neg) ctokens[i].neg = neg;
            ctokens[i].cw |= cw;
            return;
        }
    if (ntokens < (int)(sizeof ctokens / sizeof ctokens[0]))
        ctokens[ntokens++] = (ctoken){w, strlen(w), neg, cw};
}

static void build_tables(void)
{
    for (const char *const *w = neg_tok; *w; w++)
        add_token(*w, strcmp(*w, "info") && strcmp(*w, "notice") ? 2 : 1, 0);
    for (const char *const *w = lead_tok; *w; w++) add_token(*w, 0, CW(CW_LEAD));
    add_token("time", 0, CW(CW_TOK_TIME));
    add_token("date", 0, CW(CW_TOK_DATE));
    add_token("cate", 0, CW(CW_TOK_CATE));
    qsort(ctokens, (size_t)ntokens, sizeof *ctokens, ctoken_cmp);
    for (int b = 0, k = 0; b <= 256; b++) {
        while (k < ntokens && (unsigned char)ctokens[k].w[0] < b) k++;
        tok_first[b] = (short)k;
    }
    for (size_t i = 0; i < NTAGS; i++) {
        tag_kind[tag_defs[i].id] = tag_defs[i].kind;
        unsigned h = tag_hash(tag_defs[i].name, strlen(tag_defs[i].name)) & 255;
        while (tag_slot[h]) h = (h + 1) & 255;
        tag_slot[h] = (short)(i + 1);
    }
    static const struct { const char *const *list; unsigned g; } lists[] = {
        {neg_sub, G_NEG}, {box_sub, G_BOX}, {pos_sub, G_POS}, {lead_sub, G_LEAD}, {sronly_sub, G_SRONLY}};
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++)
        for (const char *const *w = lists[l].list; *w; w++) add_word(*w, 0, lists[l].g);
    add_word("caption", 0, G_CAPTION);
    /* captions by other names: Vietnamese "chú thích", "image_desc", French "légende" */
    static const char *const cap_sub[] = {"chuthich", "chu-thich", "chu_thich", "image-desc",
                                          "image_desc", "img-desc", "img_desc", "photo-desc",
                                          "pic-desc", "legende", NULL};
    for (const char *const *w = cap_sub; *w; w++) add_word(*w, 0, G_CAPTION);
    add_word("contributor", CW(CW_AUTHOR), G_NEG); /* "TextContributorName", "contributor-info" */
    add_word("overline", CW(CW_KICKER), 0);         /* the section over a headline ("b-overline") */
    for (int k = 0; k < CW_COUNT; k++)
        if (one_words[k]) add_word(one_words[k], CW(k), 0);
    for (int b = 0; b < 256; b++)
        cw_class[b] = b >= 'a' && b <= 'z' ? (unsigned char)(1 + b - 'a')
                    : b >= '0' && b <= '9' ? (unsigned char)(27 + b - '0') : b == '-' ? 37 : 0;
    qsort(cwords, (size_t)ncwords, sizeof *cwords, cword_cmp);
    int k = 0;
    for (int key = 0; key <= CW_CLASSES * CW_CLASSES; key++) {
        while (k < ncwords && pair_key(cwords[k].w) < key) k++;
        cw_first[key] = (short)k;
    }
}

/* The kind bits (K_...) of a tag id. */
static int kind_of(int tag)
{
    return tag_kind[tag];
}

static void class_hints(ninfo *f, const char *cls, const char *id)
{
    char buf[512];
    size_t cl = cls ? strlen(cls) : 0, il = id ? strlen(id) : 0; /* "class id", as ex_classid */
    if (cl > sizeof buf - 1) cl = sizeof buf - 1;
    memcpy(buf, cls ? cls : "", cl);
    size_t n = cl;
    if (n < sizeof buf - 1) buf[n++] = ' ';
    if (il > sizeof buf - 1 - n) il = sizeof buf - 1 - n;
    memcpy(buf + n, id ? id : "", il);
    n += il;
    buf[n] = '\0';
    if (buf[0] == ' ' && buf[1] == '\0') return;
    for (char *q = buf; *q; q++) *q = (char)tolower((unsigned char)*q); /* the lists are lower case */
    uint64_t cw = 0;
    unsigned g = 0;
    for (size_t i = 0; i + 1 < n; i++) { /* every word has two letters or more */
        int key = pair_key(buf + i);
        for (int k = cw_first[key]; k < cw_first[key + 1]; k++) {
            const cword *w = &cwords[k];
            if (w->len > n - i || w->w[0] != buf[i] || w->w[1] != buf[i + 1]) continue;
            size_t j = 2;
            while (j < w->len && w->w[j] == buf[i + j]) j++;
            if (j < w->len) continue;
            cw |= w->cw;
            g |= w->groups;
        }
    }
    int neg = (g & G_NEG) != 0;
    if (neg) f->flags |= F_STRONGNEG;
    if (g & G_LEAD) cw |= CW(CW_LEAD);
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
        size_t tl = (size_t)(q - b);
        if (tl <= 7) { /* no word asked about is longer */
            unsigned char f0 = (unsigned char)b[0];
            for (int k = tok_first[f0]; k < tok_first[f0 + 1]; k++) {
                const ctoken *t = &ctokens[k];
                if (t->len != tl || memcmp(t->w, b, tl) != 0) continue;
                if (t->neg) {
                    neg = 1;
                    other |= t->neg == 2;
                }
                cw |= t->cw;
            }
        }
        *q = save;
    }
    if (!other) f->flags |= F_BOXABLE;
    if (g & G_BOX) f->flags |= F_BOX;
    if (neg) f->flags |= F_NEG;
    if (g & G_POS) f->flags |= F_POS;
    if (g & G_CAPTION) f->flags |= F_CAPTION;
    if (g & G_SRONLY) f->flags |= F_SRONLY;
    f->cw = cw;
}

/* The attributes that the first passes read, in one walk over the element's attributes. */
typedef struct {
    const char *cls, *id, *hidden, *aria_hidden, *style, *type, *role;
} first_attrs;

static void read_attrs(const xmlNode *n, first_attrs *at)
{
    memset(at, 0, sizeof *at);
    for (xmlAttr *p = n->properties; p; p = p->next) {
        if (!p->name) continue;
        const char *nm1 = (const char *)p->name, **slot = NULL;
        switch (tolower((unsigned char)nm1[0])) {
        case 'c': if (!strcasecmp(nm1, "class")) slot = &at->cls; break;
        case 'i': if (!strcasecmp(nm1, "id")) slot = &at->id; break;
        case 'h': if (!strcasecmp(nm1, "hidden")) slot = &at->hidden; break;
        case 'a': if (!strcasecmp(nm1, "aria-hidden")) slot = &at->aria_hidden; break;
        case 's': if (!strcasecmp(nm1, "style")) slot = &at->style; break;
        case 't': if (!strcasecmp(nm1, "type")) slot = &at->type; break;
        case 'r': if (!strcasecmp(nm1, "role")) slot = &at->role; break;
        default: break;
        }
        if (!slot || *slot) continue; /* the first one counts, as in ex_attr */
        *slot = p->children && p->children->type == XML_TEXT_NODE && p->children->content
                    ? (const char *)p->children->content : "";
    }
}

static int is_hidden(const ninfo *f, const first_attrs *at)
{
    if (at->hidden) return 1;
    const char *ah = at->aria_hidden;
    if (ah && strcasecmp(ah, "true") == 0 && f->tag != T_IMG && f->tag != T_FIGURE) return 1;
    const char *st = at->style;
    if (st) {
        char b[256];
        size_t k = 0;
        for (const char *p = st; *p && k + 1 < sizeof b; p++)
            if (!isspace((unsigned char)*p)) b[k++] = (char)tolower((unsigned char)*p);
        b[k] = '\0';
        if (strstr(b, "display:none") || strstr(b, "visibility:hidden")) return 1;
    }
    const char *ty = at->type;
    if (ty && f->tag == T_INPUT && strcasecmp(ty, "hidden") == 0) return 1;
    const char *role = at->role;
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
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        unsigned char b = u[i];
        uint32_t cp;
        size_t k;
        if (b < 0x80) { /* ASCII: the common case */
            cp = b;
            k = 1;
        } else if (b >= 0xC2 && b <= 0xDF && i + 1 < len && (u[i + 1] & 0xC0) == 0x80) {
            cp = (uint32_t)(b & 0x1F) << 6 | (u[i + 1] & 0x3F);
            k = 2;
        } else if (b >= 0xE1 && b <= 0xEC && i + 2 < len && (u[i + 1] & 0xC0) == 0x80 && (u[i + 2] & 0xC0) == 0x80) {
            cp = (uint32_t)(b & 0x0F) << 12 | (uint32_t)(u[i + 1] & 0x3F) << 6 | (u[i + 2] & 0x3F);
            k = 3;
        } else {
            k = bt_utf8_decode(s + i, len - i, &cp);
            if (!k) break;
        }
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
int ex_all_bold(const ctx *c, int i)
{
    long bold = 0;
    for (int k = i + 1; k < c->n && c->v[k].depth > c->v[i].depth; k++) {
        if (c->v[k].tag != T_STRONG && c->v[k].tag != T_B) continue;
        bold += c->v[k].raw;
        int d = c->v[k].depth; /* not the bold inside it again */
        while (k + 1 < c->n && c->v[k + 1].depth > d) k++;
    }
    return c->v[i].raw > 0 && bold * 10 >= c->v[i].raw * 9;
}

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
                f->tag = (unsigned short)ex_tag_id(nm(n));
                if (kind_of(f->tag) & K_BLOCK) f->flags |= F_BLOCK;
                if (f->tag == T_BODY && c->body < 0) c->body = me;
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
        if (f->tag == T_A) f->flags |= F_INLINK;
        if (kind_of(f->tag) & K_HARD) f->flags |= F_HARDJUNK | F_JUNK;
        first_attrs at;
        read_attrs(f->n, &at);
        if (!(f->flags & F_HARDJUNK) && is_hidden(f, &at)) f->flags |= F_HIDDEN | F_JUNK | F_HARDJUNK;
        class_hints(f, at.cls, at.id);
        if ((f->flags & F_SRONLY) && f->tag != T_BODY && f->tag != T_HTML)
            f->flags |= F_HIDDEN | F_JUNK | F_HARDJUNK;
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
        int t = f->tag;
        if (i == c->body || t == T_HTML || t == T_BODY) continue;
        if (f->flags & F_SITE_CONTENT) continue;
        if (kind_of(t) & K_SOFT) {
            /* A <form> or <header> wrapping most of the page is layout, not a box. */
            if ((t == T_FORM || t == T_HEADER) && page > 0 && f->raw * 2 > page) continue;
            f->flags |= F_JUNK;
            continue;
        }
        if (f->flags & F_NEG) {
            if (t == T_ARTICLE || t == T_MAIN || heading_level(f->n)) continue;
            /* "box-info", "table.tbl-info": a box in the text */
            if ((f->flags & F_BOXABLE) && f->raw < 1500 &&
                (t == T_TABLE || ((f->flags & F_BOX) && (t == T_DIV || t == T_ASIDE || t == T_SECTION ||
                                                         t == T_UL || t == T_DL)))) {
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
        int t = f->tag;
        /* a control in a junk box does not count, but one in a label does: the choices of a
         * poll or a quiz ("<label><input type=radio> 15-25%</label>") */
        int pjunk = f->parent >= 0 && (c->v[f->parent].flags & F_JUNK) && c->v[f->parent].tag != T_LABEL;
        if (!pjunk && (t == T_INPUT || t == T_SELECT || t == T_TEXTAREA)) f->ninput++;
        if (t == T_IFRAME || t == T_EMBED || t == T_OBJECT || t == T_VIDEO) f->nembed++;
        if (f->flags & F_JUNK) continue;
        if (t == T_P) f->np++;
        if (t == T_IMG || t == T_AMP_IMG) f->nimg++;
        if (t == T_LI) f->nli++;
        if (t >= T_H1 && t <= T_H6) f->nheading++;
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
        if (!(f->flags & F_JUNK) && f->text > 0 && !f->ncap && (f->tag == T_FIGCAPTION || (f->flags & F_CAPTION)))
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

/* Characters of the text blocks (paragraphs, list items, quotes) emitted so far. */
static size_t body_chars(const bt_article *a)
{
    size_t n = 0;
    for (size_t k = 0; k < a->nblocks; k++)
        if (a->blocks[k].type == BT_BLOCK_PARAGRAPH || a->blocks[k].type == BT_BLOCK_LIST_ITEM ||
            a->blocks[k].type == BT_BLOCK_QUOTE)
            n += bt_utf8_length(a->blocks[k].text);
    return n;
}

/* 1 when n is node or inside it. */
static int inside(const xmlNode *n, const xmlNode *node)
{
    for (int hops = 0; n && hops < BT_MAX_HTML_DEPTH * 4 + 64; hops++, n = n->parent)
        if (n == node) return 1;
    return 0;
}

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
    ex_tables_init();
    record(&c);
    if (c.n == 0) return bt_err_set(e, BT_EEMPTY, "no HTML content");
    mark_hard(&c);
    sum_raw(&c);

    /* metadata first: the byline and lead are then kept out of the body */
    ex_meta *m = ex_meta_read(&c);
    c.title_text = a->title ? bt_xstrdup(a->title) : NULL;

    /* site rules (data files) */
    const bt_site_rules *site = bt_site_rules_find(a->source_url, doc);
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
    ex_mark_captions(&c);
    measure(&c);
    int best = forced >= 0 ? forced : ex_pick_content(&c);
    ex_meta_choose(&c, m, best);
    ex_meta_free(m);
    int nremote0 = c.nremote, nseen0 = c.nseen;
    ex_emit_content(&c, best);
    if (c.lead_node && best >= 0 && inside(c.lead_node, c.v[best].n) && c.lead_text &&
        body_chars(a) < 60 && body_chars(a) * 2 < bt_utf8_length(c.lead_text)) {
        /* The lead held all the text of the article (a video's description, a short brief),
         * a byline at most beside it: it is the body, not a lead over nothing. */
        for (size_t k = 0; k < a->nblocks; k++) {
            free(a->blocks[k].text);
            bt_image_free(a->blocks[k].image);
        }
        a->nblocks = 0;
        c.nowners = 0;
        c.lead_node = NULL;
        free(c.lead_text);
        c.lead_text = NULL;
        bt_article_set(&a->lead, NULL);
        for (int k = nseen0; k < c.nseen; k++) free(c.seen[k]);
        c.nseen = nseen0;
        if (c.nremote && !nremote0) {
            free(c.first_remote);
            c.first_remote = NULL;
        }
        c.nremote = nremote0;
        ex_emit_content(&c, best);
    }
    if (a->nblocks == 0 && c.body >= 0) {
        /* no article found (a home page, a list): keep the page's visible text instead */
        ex_emit_page(&c);
        if (a->nblocks) bt_article_warn(a, "no article found in the page: its visible text is kept");
    }
    ex_trailing_byline(&c);
    ex_mark_boxes(&c);
    ex_bold_headings(&c);
    ex_join_rows(&c);
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
    return BT_OK;
}


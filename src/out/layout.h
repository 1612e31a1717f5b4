/* layout.h - typeset articles into pages of positioned text runs, images and rules.
 *
 * The result is plain data in PDF user space (points, origin at the bottom-left of the page,
 * text positioned by its baseline origin). It never touches a PDF library: widths come from
 * font.h. bt_layout_dump() prints it as text so tests can check the typesetting.
 *
 * What it does: line breaking at Unicode line-break opportunities (libunibreak), words
 * measured with the font's advance widths, justified paragraphs with a ragged last line (each
 * word placed at its own x), tokens longer than a line broken between characters, a title
 * block, lead, headings kept with what follows, centred italic captions, indented quotes,
 * bulleted/numbered list items, images scaled to the column with their caption, the author
 * right-aligned at the end, a running header and a "Trang i/n" footer, and no widow or orphan
 * lines. Characters no face can draw are reported once per article (bt_article_warn). */
#ifndef BT_LAYOUT_H
#define BT_LAYOUT_H

#include <stddef.h>
#include "article.h"
#include "font.h"
#include "util.h"

typedef struct {
    const char *name;              /* "a4", "a5", "letter" */
    double width, height;          /* page size, points */
    double left, right, top, bottom; /* margins: the text area lies inside them */
    double body_size;              /* body text size, points */
    double leading;                /* body line height as a multiple of the size */
    const struct bt_template *tpl; /* the look: columns, styles, header, footer, masthead
                                    * (template.h); NULL: the built-in look */
    int page_first;                /* 0: each article's pages are numbered on their own
                                    * ("Trang 2/3"); else pages are numbered through a bulletin
                                    * of several articles, the first laid out being this one */
    int page_total;                /* with page_first: the bulletin's page count ("Trang 5/48") */
} bt_page_geom;

/* Fill g for a paper name (case-insensitive); 0 when unknown. */
int bt_layout_paper(const char *name, bt_page_geom *g);

typedef enum { BT_ITEM_TEXT, BT_ITEM_IMAGE, BT_ITEM_RULE } bt_item_kind;

typedef enum {
    BT_ROLE_BODY,     /* inside the text area */
    BT_ROLE_HEADER,   /* running header (top margin) */
    BT_ROLE_FOOTER    /* page number (bottom margin) */
} bt_item_role;

/* What an item is in the article's structure (tagged PDF). Items of one structure element
 * share tag and block. */
typedef enum {
    BT_TAG_ARTIFACT = 0, /* not part of the text: rules, running header, footer */
    BT_TAG_CATEGORY,     /* the category line above the title */
    BT_TAG_TITLE,        /* the title */
    BT_TAG_DATE,         /* the date line */
    BT_TAG_URL,          /* the source URL under the title (a link) */
    BT_TAG_LEAD,         /* the lead paragraph */
    BT_TAG_BLOCK,        /* an article block (its type says paragraph, heading, image...) */
    BT_TAG_LABEL,        /* a list item's marker */
    BT_TAG_AUTHOR,       /* the author line */
    BT_TAG_TOC_TITLE,    /* contents page: its heading */
    BT_TAG_TOC_SECTION,  /* contents page: a category over its articles (block = the index of
                          * its first entry) */
    BT_TAG_TOC_ENTRY     /* contents page: one article (block = the entry's index) */
} bt_tag;

typedef struct {
    bt_item_kind kind;
    bt_item_role role;
    bt_tag tag;
    bt_face face;      /* text */
    double size;       /* text: font size */
    double x, y;       /* text: baseline origin; image/rule: lower-left corner */
    double w, h;       /* text: advance width (h = size); image: box; rule: length, thickness */
    int dotted;        /* rule: drawn as round dots (a contents page's leader) */
    unsigned color;    /* 0xRRGGBB */
    size_t text;       /* text: offset of the NUL-terminated UTF-8 in the layout's pool */
    size_t len;        /* text: byte length */
    const bt_image *image; /* image: borrowed from the article (must outlive the layout) */
    size_t block;      /* source block index; (size_t)-1 for title block, header, footer */
} bt_item;

typedef struct {
    bt_item *items;
    size_t nitems, cap;
    size_t article; /* index of the article the page belongs to */
    int number;     /* 1-based page number within the article */
    int count;      /* pages of that article */
} bt_page;

typedef struct {
    bt_page_geom geom;
    bt_page *pages;
    size_t npages, cap;
    size_t *first_page; /* per article: index of its first page */
    size_t narticles;
    char *pool;         /* text of all items */
    size_t pool_len, pool_cap;
} bt_layout;

/* Lay out n >= 1 articles, each from a new page. Warnings (missing glyphs, unusable images)
 * go to the articles. *out is freed with bt_layout_free(). */
bt_status bt_layout_articles(bt_article **arts, size_t n, bt_fontset *fs, const bt_page_geom *g,
                             bt_layout **out, bt_err *e);
void bt_layout_free(bt_layout *l);

/* One line of a contents page: an article of a document of several. */
typedef struct {
    const char *title;
    const char *section;  /* a category line above the entry (the first of its category); NULL
                           * or "": none */
    const char *date;     /* the date line under the title; NULL or "": none */
    int page;             /* the number printed: where the article starts (bulletin numbering) */
} bt_toc_entry;

/* Lay out the contents pages of a document: heading (e.g. "Mục lục") over the entries v[0..n),
 * each title with a dotted leader to its page number and its date under it, kept together.
 * Items: the heading BT_TAG_TOC_TITLE, category lines BT_TAG_TOC_SECTION, an entry's title,
 * number and date BT_TAG_TOC_ENTRY with block = the entry's index; leaders and the footer (the
 * page's number in lower-case roman, as the page labels give it) are artifacts. The pages are
 * one column over the whole text area, in the template's faces and colours. */
bt_status bt_layout_contents(const bt_toc_entry *v, size_t n, const char *heading, bt_fontset *fs,
                             const bt_page_geom *g, bt_layout **out, bt_err *e);

/* "i", "ii", ... for 1 <= n < 4000 (else decimal) into buf. */
void bt_layout_roman(int n, char *buf, size_t size);

/* The text of a text item. */
const char *bt_layout_text(const bt_layout *l, const bt_item *it);

/* The layout as text, one line per page and per item (heap string):
 *   page 1/2 article 0
 *   text body F0 10.50 62.00 760.12 35.20 "Tiếp"
 *   image body 62.00 400.00 471.00 300.00
 * Numbers use '.' whatever the locale. */
char *bt_layout_dump(const bt_layout *l);

#endif

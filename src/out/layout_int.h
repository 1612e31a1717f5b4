/* layout_int.h - private to the layout (layout.c, layout_text.c).
 *
 * layout_text.c turns a text and its style into formatted lines (font runs, line-break
 * opportunities, the choice of breaks, justification): an fblock of flines whose items wait in
 * the context's scratch array. layout.c puts those blocks on pages (columns, keep rules, widows
 * and orphans) and builds the title block, running heads and the contents page. Nothing here is
 * part of the public interface (layout.h). */
#ifndef BT_LAYOUT_INT_H
#define BT_LAYOUT_INT_H

#include <stdint.h>

#include "layout.h"
#include "template.h"

/* The block index of items that belong to no source block (title block, running heads). */
#define NOBLOCK ((size_t)-1)

/* An item of a formatted line: x from the column's left edge, y from the line's baseline. */
typedef struct {
    size_t item0, nitems; /* in the scratch item array */
    double height;        /* vertical advance of the line */
    double ascent;        /* from the line's top to its baseline */
    int hyph;             /* ends inside a word: 1 with a drawn hyphen (its last item),
                           * 2 after a hyphen of the text ("Covid-") */
} fline;

typedef struct {
    fline *lines;
    size_t n, cap;
    double space_before;
    int keep_with_next; /* headings, images, title block */
    int keep_together;  /* never split (title block, captions) */
} fblock;

typedef struct {
    size_t s, e;  /* content bytes in the text */
    double w;     /* content width */
    double sp;    /* width of the trailing space (0: none, no stretch after this box) */
    double hy;    /* a forced break inside a word: width of the hyphen drawn when a line ends
                   * here (pdftotext joins the word again), 0 otherwise */
    int one;      /* the content is a single character */
} box;

typedef struct {
    bt_layout *L;
    bt_fontset *fs;
    bt_article *art;
    const bt_page_geom *g;
    double colw;         /* width of the text being formatted: a column, or the text area */
    /* the template (NULL: the built-in look) and its columns */
    const bt_template *t;
    int ncols, col;      /* columns of the page, the one being filled */
    double fullw;        /* text area width */
    double colgap;
    double col_top;      /* y where the columns start on this page (under a spanning title) */
    double column_w;     /* width of one column */
    int in_title;        /* placing the title block: no balancing yet */
    double bottom;       /* lowest baseline room: the bottom margin, or higher to balance */
    size_t balance_page; /* page whose columns end at balance_h (SIZE_MAX: none) */
    double balance_h;
    int quiet;           /* a repeated layout of the same article: no warnings again */
    /* scratch items of the block being formatted */
    bt_item *items;
    size_t nitems, cap;
    /* characters reported missing in this article */
    uint32_t *missing;
    size_t nmissing, capmissing;
    unsigned char *missing_bits; /* a bit per code point, for the listed ones */
    /* reused buffers */
    char *brks;
    size_t brks_cap;
    char *lbtext; /* the text as libunibreak may see it (see lb_safe_text) */
    size_t lbtext_cap;
    box *boxes;
    size_t nboxes, boxes_cap;
    const char *cur_text; /* the text the boxes are cut from */
    bt_tag tag;           /* structure tag of the items being made */
    double *cost;       /* line breaking */
    size_t cost_cap, *prev, prev_cap, *next, next_cap;
    /* pagination */
    bt_page *page;
    double cursor;      /* y of the top of the free space */
    int at_top;         /* nothing placed yet on this page */
} ctx;

typedef enum { AL_JUSTIFY, AL_LEFT, AL_CENTER, AL_RIGHT } align;

typedef struct {
    bt_face face;
    double size;
    double leading;   /* line height, points */
    unsigned color;
    align al;
    double indent;    /* left indent of every line */
    double rindent;   /* right indent */
} style;


/* The items array, pages, lines...: grown to hold need elements of size bytes (doubling). */
void *lay_grow(void *p, size_t *cap, size_t need, size_t size);
/* A new zeroed item at the end of the scratch array (block NOBLOCK). */
bt_item *lay_item(ctx *c);
/* A new empty line of fb whose items start at the end of the scratch array. */
fline *lay_line(fblock *fb, ctx *c, double height, double ascent);
void lay_fblock_free(fblock *fb);

/* Characters no face can draw: forgotten at an article's start, reported at its end (one
 * warning through bt_article_warn, none for a repeated layout). */
void lay_missing_reset(ctx *c);
void lay_missing_report(ctx *c);

/* Width of s[0..len) in face at size points, with fallback faces and kerning. */
double lay_measure(ctx *c, bt_face face, double size, const char *s, size_t len);
/* Append text items for s[0..len) at x (line-relative) to ln; returns the width. */
double lay_emit(ctx *c, fline *ln, bt_face face, double size, unsigned color, double x, const char *s, size_t len,
                size_t block);
/* Format text as lines of fb in the width c->colw. block: source block index for the items. */
void lay_format(ctx *c, fblock *fb, const style *st, const char *text, size_t block);

static inline double lay_body(const ctx *c) { return c->g->body_size; }
/* A style scale times the body size, leading times its size. */
style lay_style(const ctx *c, bt_face face, double scale, double leading, unsigned color, align al);
/* What the template changes in a style (only what it gives; nothing without a template).
 * space: the block's space before, when it has one. */
void lay_tpl_style(const ctx *c, style *s, bt_text_role r, double *space);

#endif

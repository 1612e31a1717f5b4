/* template.h - the look of bantin's outputs, read from a template folder.
 *
 * A template is a folder: template.json (page size, margins, columns, fonts, sizes, leading,
 * colours, spacing, the style of each text role, header and footer strings, a masthead),
 * epub.css (the EPUB stylesheet) and catalogue.css (the archive catalogue's page). The bundled
 * templates live in the data directory's templates/ folder (default, bao, a5); a user's own
 * folder works the same. A key absent from template.json keeps the value of the template named
 * by "base" (the built-in look when there is none), so a template says only what it changes.
 * templates/README.md documents every key.
 *
 * Every problem (unreadable or invalid JSON, an unknown key, a value of the wrong type, a
 * missing font, logo or stylesheet, margins that leave no room) is one line naming the file and
 * the key, e.g. "tpl/template.json: page.margins.left: must be a length such as \"18mm\"".
 *
 * Ownership: bt_template_load() returns a template the caller frees with bt_template_free().
 * It is read-only after loading, so threads may share one. Strings in it belong to it. */
#ifndef BT_TEMPLATE_H
#define BT_TEMPLATE_H

#include <stddef.h>
#include "article.h"
#include "font.h"
#include "util.h"

typedef enum { BT_ALIGN_JUSTIFY, BT_ALIGN_LEFT, BT_ALIGN_CENTER, BT_ALIGN_RIGHT } bt_align;

/* A length in points, or a multiple of the body size when em is set ("0.55em"). */
typedef struct {
    double v;
    int em;
} bt_len;

/* The length in points for a body size. */
double bt_len_pt(bt_len l, double body_size);

/* Text roles, each with its own style. */
typedef enum {
    BT_TR_BODY,       /* paragraphs */
    BT_TR_CATEGORY,   /* above the title */
    BT_TR_TITLE,
    BT_TR_DATE,       /* under the title */
    BT_TR_LEAD,       /* standfirst */
    BT_TR_HEADING,    /* level 2 */
    BT_TR_SUBHEADING, /* levels 3-6 */
    BT_TR_CAPTION,
    BT_TR_QUOTE,
    BT_TR_LIST,
    BT_TR_AUTHOR,
    BT_TR_IMAGE,      /* only its spacing counts */
    BT_TR_HEADER,     /* running header */
    BT_TR_FOOTER,
    BT_TR_MASTHEAD,   /* the masthead's name line */
    BT_TR_MASTHEAD_SUB, /* the masthead's second line */
    BT_TR_COUNT
} bt_text_role;

/* Colour roles: a style takes the colour of its role unless it names its own. */
typedef enum { BT_COLOR_TEXT, BT_COLOR_ACCENT, BT_COLOR_MUTED, BT_COLOR_CAPTION, BT_COLOR_RULE, BT_COLOR_COUNT } bt_color_role;

typedef struct {
    bt_face face;
    bt_len size;          /* the body style's size is in points; 0 = the paper's own body size */
    double leading;       /* line height as a multiple of the size; 0 = the body's leading */
    unsigned color;       /* 0xRRGGBB, resolved */
    bt_align align;
    bt_len space_before;  /* space above the block */
    bt_len indent;        /* left and right indent */
    bt_color_role color_role; /* where color came from when not given */
    int color_set;        /* color given by the template */
    unsigned set;         /* BT_TPL_SET_* bits: what the template (or its base) gives; the
                           * PDF layout changes only those, so a template that gives nothing
                           * draws exactly the built-in look */
} bt_tpl_style;

enum {
    BT_TPL_SET_FACE = 1, BT_TPL_SET_SIZE = 2, BT_TPL_SET_LEADING = 4, BT_TPL_SET_COLOR = 8,
    BT_TPL_SET_ALIGN = 16, BT_TPL_SET_SPACE = 32, BT_TPL_SET_INDENT = 64
};

/* A running header or footer: three slots, strings with placeholders (bt_template_expand). */
typedef struct {
    char *left, *center, *right; /* NULL or "" = empty slot */
    int first_page;              /* also on the first page of an article */
    int rule;                    /* a thin rule between it and the text */
    int set;                     /* given by the template (else the built-in header/footer) */
} bt_tpl_band;

typedef struct {
    int on;
    char *title;        /* placeholders allowed; default "{org}" */
    char *subtitle;     /* default "{date}" */
    char *logo;         /* absolute path of a JPEG or PNG, or NULL */
    bt_image *logo_image; /* its bytes, read when the template is loaded (owned), or NULL */
    bt_len logo_height;
    int rule;           /* a double rule under the masthead */
} bt_tpl_masthead;

typedef struct bt_template {
    char *name;        /* the folder's name ("bao") */
    char *dir;         /* the folder */
    char *file;        /* its template.json (for messages) */
    char *description;
    char *org;         /* {org}: the publishing organisation */
    /* page: size from a paper name, or a custom width x height (points) */
    char *paper;       /* "a4", "a5", "letter", or NULL for a custom size */
    double width, height;
    int margins_set;   /* margins given: top, right, bottom, left (points) */
    double margin[4];
    int columns;       /* >= 1 */
    bt_len column_gap;
    int balance;       /* balance the columns on an article's last page */
    int span_title;    /* the title block runs across all columns */
    /* fonts: NULL = the bundled family */
    char *font_dir;
    char *font_family; /* the family name stylesheets use ("Noto Serif") */
    bt_tpl_style style[BT_TR_COUNT];
    unsigned color[BT_COLOR_COUNT];
    int color_given[BT_COLOR_COUNT]; /* colors.* given by the template */
    bt_tpl_band header, footer;
    bt_tpl_masthead masthead;
    char *catalogue_title; /* placeholders {org}; default "{org}" */
    /* stylesheets: the text of the template's files (or of its base's) */
    char *epub_css;
    size_t epub_css_len;
    char *catalogue_css;
    size_t catalogue_css_len;
    char *epub_css_path, *catalogue_css_path;
} bt_template;

/* Load a template: a bundled name ("default", "bao") or a folder holding template.json
 * (a bundled name wins over a folder of the same name in the working directory; write
 * "./bao" for the folder). NULL or "" loads "default". Errors: BT_EIO (not found, unreadable),
 * BT_EPARSE (invalid), BT_EFONT (fonts), each with the one-line message described above. */
bt_status bt_template_load(const char *name_or_dir, bt_template **out, bt_err *e);
void bt_template_free(bt_template *t);

/* The bundled templates, by name, ascending (heap array of heap strings; *n entries), and the
 * description of one (heap string or NULL). */
char **bt_template_list(size_t *n);
void bt_template_list_free(char **names, size_t n);

/* Page geometry for a paper override (NULL: the template's own page): width, height, margins
 * (top, right, bottom, left), body size and leading. A template without margins or body size
 * takes those of the paper (the built-in ones for a4, a5, letter). 0 and a one-line message
 * naming the template's file when the margins leave no text area or columns too narrow. */
typedef struct {
    double width, height;
    double margin[4];
    double body_size, leading;
    double column_width, column_gap;
    int columns;
} bt_tpl_page;
int bt_template_page(const bt_template *t, const char *paper, bt_tpl_page *p, bt_err *e);

/* Values of the placeholders {org} {title} {category} {date} {page} {pages}. NULL = "". */
typedef struct {
    const char *org, *title, *category, *date;
    int page, pages;
} bt_tpl_vars;

/* fmt with its placeholders replaced ("{{" and "}}" give braces). Heap string. */
char *bt_template_expand(const char *fmt, const bt_tpl_vars *v);

#endif

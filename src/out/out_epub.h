/* out_epub.h - package articles as an EPUB 3 book (libxml2 for XML, libzip for the container). */
#ifndef BT_OUT_EPUB_H
#define BT_OUT_EPUB_H

#include <stdint.h>
#include "article.h"
#include "template.h"
#include "util.h"

typedef enum { BT_GROUP_CATEGORY, BT_GROUP_DATE, BT_GROUP_NONE } bt_group;
typedef enum { BT_SORT_DATE, BT_SORT_TITLE, BT_SORT_INPUT } bt_sort;

typedef struct {
    const char *title;      /* book title; NULL: the article's title (one) or a generated one */
    const char *author;     /* overrides dc:creator */
    const char *publisher;
    const char *lang;       /* overrides dc:language */
    const char *cover_path; /* JPEG/PNG cover, or NULL for a generated title page */
    const char *font_dir;   /* NULL = the template's fonts */
    const bt_template *tpl; /* the look (epub.css, fonts); NULL = the default template */
    int no_fonts;           /* do not embed fonts */
    bt_group group;
    bt_sort sort;
    int64_t epoch;          /* SOURCE_DATE_EPOCH, or -1 (then dcterms:modified = now) */
    int threads;            /* 1: compress on the calling thread only (a caller that renders
                             * books in parallel); 0: also on a helper thread when there are
                             * several CPUs. The bytes are the same either way. */
} bt_epub_opts;

/* Package n >= 1 articles into one EPUB in memory (*out owned by the caller). */
bt_status bt_epub_render(bt_article **arts, size_t n, const bt_epub_opts *o,
                         unsigned char **out, size_t *len, bt_err *e);

#endif

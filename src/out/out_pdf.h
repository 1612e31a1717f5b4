/* out_pdf.h - typeset articles into a PDF (layout.h + libharu). */
#ifndef BT_OUT_PDF_H
#define BT_OUT_PDF_H

#include <stddef.h>
#include <stdint.h>
#include "article.h"
#include "util.h"

typedef struct {
    const char *paper;    /* "a4", "a5" or "letter"; NULL: the template's, else a4 */
    const char *font_dir; /* directory with the four faces; NULL = bundled fonts */
    int64_t epoch;        /* SOURCE_DATE_EPOCH, or -1 */
    const struct bt_template *tpl; /* the look (template.h): page, columns, styles, header,
                                    * footer, masthead, fonts; NULL = the built-in look. paper,
                                    * when given, overrides the template's page size */
    int pdfa;             /* 1: PDF/A-2a (XMP metadata, sRGB output intent; docs/pdfa.md) */
    int embed_source;     /* 1: each article's source file as an associated file (PDF/A-3a
                           * with pdfa) */
    int image_dpi;        /* > 0: images finer than this many pixels per inch at their printed
                           * size are downsampled to it (JPEG stays JPEG); 0: original pixels */
    int release_blocks;   /* 1: bt_pdf_write frees each article's blocks (text, images) once its
                           * pages are written, leaving nblocks 0 (title, metadata, source and
                           * warnings stay): memory stays low for documents of many articles.
                           * For callers that free the articles afterwards anyway. */
} bt_pdf_opts;

/* 1 if name is a paper size we know. */
int bt_pdf_paper_valid(const char *name);

/* Where bt_pdf_write puts the bytes: returns 0, or non-zero when they could not be written. */
typedef int (*bt_pdf_sink)(void *user, const void *data, size_t len);

/* Render n >= 1 articles into one PDF, handing its bytes to fn in order as they are made (no
 * copy of the whole file is kept). Otherwise as bt_pdf_render. */
bt_status bt_pdf_write(bt_article **arts, size_t n, const bt_pdf_opts *o, bt_pdf_sink fn, void *user, bt_err *e);

/* Where the time of the bt_pdf_write calls of this process went (milliseconds, summed over
 * calls; for `bantin pdf -v` and make bench): laying out, subsetting the fonts, writing the
 * pages' content and objects, and saving the file (compression of the fonts included). */
typedef struct {
    double layout, font, pages, save;
} bt_pdf_times;
void bt_pdf_times_get(bt_pdf_times *t);

/* Render n >= 1 articles into one PDF in memory; each starts on a new page, and with n > 1 each
 * gets a bookmark. *out is heap memory owned by the caller. Problems that do not stop the
 * rendering (missing glyphs, unreadable images) are added to the article's warnings. */
bt_status bt_pdf_render(bt_article **arts, size_t n, const bt_pdf_opts *o,
                        unsigned char **out, size_t *len, bt_err *e);

#endif

/* epub_int.h - private to the EPUB writer (out_epub.c, epub_xw.c, epub_pkg.c, epub_zip.c).
 *
 * out_epub.c orders the articles, writes the pages (cover, title page, one per article), the
 * fonts and stylesheet, and runs the whole; epub_xw.c is the XML writing layer every file goes
 * through (and the set of characters the pages display); epub_pkg.c writes the package files
 * (nav, NCX, OPF, container.xml); epub_zip.c deflates the entries ahead on a helper thread and
 * builds the container with libzip (the EPUB writer's only file that includes zip.h). Nothing
 * here is part of the public interface (out_epub.h). */
#ifndef BT_EPUB_INT_H
#define BT_EPUB_INT_H

#include <pthread.h>
#include <stdint.h>

#include <libxml/xmlwriter.h>

#include "out_epub.h"
#include "template.h"

/* Labels (Vietnamese for a Vietnamese book, English otherwise). */
typedef struct {
    const char *toc, *articles, *uncategorized, *undated, *source, *cover, *unknown_author,
        *digest, *start;
} epub_labels;

/* ---------------------------------------------------------------------------------------------
 * Compressing ahead. Deflating the entries is the largest single cost of a book, so each file is
 * deflated as soon as it is written, on a helper thread while the next pages are written, and
 * libzip is handed the finished streams (a source that says its data is deflated already).
 * Every entry is deflated the same way, on whichever thread, so the book's bytes are the same
 * whether or not a helper thread ran: a raw 32 KB window, memory level 8 (half the hash table
 * that is cleared for every entry), the default strategy, and
 * - for text (XHTML, CSS, the package files) zlib level 5 (EPUB_DEFLATE_LEVEL) rather than
 *   libzip's default 9: on a 100-article digest 0.1 % larger (level 6: 0.09 %) in about two
 *   thirds of the time;
 * - for the fonts level 1 (EPUB_FONT_DEFLATE_LEVEL): the font subsets are most of a small book's
 *   bytes (a digest of a few articles: 76 of 90 KB) and of the time spent deflating it; level 1
 *   deflates them 1.8 times as fast as level 6 for 6 % more bytes (on 180 subsets of an archive's
 *   digests: 2.38 MB instead of 2.24 MB). */

#define EPUB_DEFLATE_LEVEL 5
#define EPUB_FONT_DEFLATE_LEVEL 1

typedef struct {
    const unsigned char *data; /* the entry's bytes (not owned; live until the book is freed) */
    size_t len;
    unsigned char *out;        /* the deflate stream (owned) */
    size_t olen;
    uint32_t crc;
    int level;                 /* zlib's compression level */
    int ok;                    /* 0: not deflated (libzip compresses it itself) */
} zjob;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    zjob **q; /* every job, in the order they were queued */
    size_t n, cap, next;
    int closing, threaded;
    pthread_t th;
} zpack;

/* threads: 1 = deflate on the calling thread only, at the end (e.g. when the caller runs books
 * in parallel already); otherwise one helper thread when the machine has more than one CPU. */
void zpack_init(zpack *pk, int threads);
/* Queue data (which must stay unchanged and alive until zpack_free) for deflating. */
zjob *zpack_push(zpack *pk, const unsigned char *data, size_t len, int level);
/* Deflate what is still queued (the calling thread helps), and stop the helper. With abandon,
 * what is queued is dropped instead (the book failed). */
void zpack_finish(zpack *pk, int abandon);
void zpack_free(zpack *pk);

/* ---------------------------------------------------------------------------------------------
 * The package being built: a list of files in their final order. */

typedef struct {
    char *name;         /* path in the zip */
    char *id;           /* manifest id (NULL: not in the manifest) */
    const char *mime;   /* media type */
    char *props;        /* manifest properties or NULL */
    unsigned char *data; /* owned */
    size_t len;
    int store;          /* 1: do not compress */
    zjob *z;            /* its deflate stream, once queued (owned by the book's zpack) */
} epub_file;

typedef struct {
    epub_file *f;
    size_t n, cap;
} epub_files;

/* ---------------------------------------------------------------------------------------------
 * The code points a book displays (for font subsetting): one bit per Unicode scalar value, set
 * for every character written, read back in ascending order. A plain bitmap rather than a
 * general set: adding is the inner loop of writing the text. */

#define CPSET_WORDS (0x110000 / 64)
uint64_t *cpset_new(void); /* empty; free() it */
void cpset_add(uint64_t *set, uint32_t cp);

/* ---------------------------------------------------------------------------------------------
 * XML writing: a thin layer over xmlTextWriter that remembers the first failure and collects the
 * code points of displayed text (for font subsetting). */

typedef struct {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    int failed;
    uint64_t *cps; /* NULL: do not collect */
} xw;

/* A copy of s that is valid UTF-8 with no character XML 1.0 forbids. Heap string. */
char *epub_xml_clean(const char *s);
/* A document in memory; cps: where to collect the code points of the text (NULL: nowhere).
 * -1 when no writer could be made. */
int xw_open(xw *x, uint64_t *cps);
/* Finish the document; on success hand over its bytes (heap) and return 0. */
int xw_close(xw *x, unsigned char **out, size_t *len);
void xw_start(xw *x, const char *name);
void xw_end(xw *x);
void xw_fend(xw *x); /* an end tag that stays explicit (never <x/>), e.g. XHTML ones */
void xw_attr(xw *x, const char *name, const char *val);
void xw_nl(xw *x);
void xw_text(xw *x, const char *s);
void xw_elem(xw *x, const char *name, const char *cls, const char *text); /* <name [class=cls]>text</name> */
/* <html> ... <head> with title and stylesheet, then <body>; and their end. */
void xw_xhtml_head(xw *x, const char *lang, const char *title, const char *body_class);
void xw_xhtml_tail(xw *x);

/* Ordering and grouping. */
typedef struct {
    const bt_article *a;
    size_t input;      /* position in the input */
    int64_t when;      /* epoch seconds, or INT64_MAX when undated */
    char *title_key;   /* folded title */
    char *group_key;   /* grouping key ("" = none) */
    char *group_label; /* shown in the TOC */
    char *date_label;  /* display date or "" */
    char *file;        /* "a0001.xhtml" */
    char *id;          /* "a0001" */
    size_t group;      /* group index */
    bt_sort sort;      /* the order asked for (copied into each item for qsort) */
    size_t pos;        /* position after sorting, before grouping */
} epub_item;

typedef struct {
    char *key, *label;
    size_t first; /* first item (index into the ordered items) */
    size_t count;
} epub_group;

/* ---------------------------------------------------------------------------------------------
 * The book. */

typedef struct {
    const bt_epub_opts *o;
    const epub_labels *L;
    int vi;
    char *lang;
    char *title;
    char uuid[64]; /* "urn:uuid:..." */
    char modified[32];
    char date[32];
    char *date_range; /* "" when unknown */
    epub_item *items;
    size_t n;
    epub_group *groups;
    size_t ngroups;
    int two_level;
    int digest;
    uint64_t *cps;    /* the characters the pages display (cpset_*) */
    epub_files files; /* XHTML pages and images, in spine/manifest order */
    epub_files fonts;
    zpack pack;       /* the entries being deflated ahead */
    size_t queued, fonts_queued; /* files and fonts queued so far */
    char *cover_name; /* "images/cover.jpg" or NULL */
    unsigned char *css;
    size_t css_len;
    const bt_template *tpl; /* o->tpl, or the default template (owned_tpl) */
    bt_template *owned_tpl;
} book;

/* The package files, written from the book (heap bytes in *out). */
bt_status epub_nav(book *b, unsigned char **out, size_t *olen, bt_err *e);
bt_status epub_ncx(book *b, unsigned char **out, size_t *olen, bt_err *e);
bt_status epub_opf(book *b, unsigned char **out, size_t *olen, bt_err *e);
bt_status epub_container(unsigned char **out, size_t *olen, bt_err *e);

/* The entries deflated ahead, by name (NULL: libzip deflates it). */
typedef struct {
    const zjob *container, *opf, *nav, *ncx, *css;
} epub_zjobs;

/* The book's container in memory (*out, heap): mimetype, the package files, the fonts and the
 * pages, in a fixed order with fixed times and attributes. */
bt_status epub_zip(book *b, const unsigned char *container, size_t clen, const unsigned char *opf, size_t olen,
                   const unsigned char *nav, size_t nlen, const unsigned char *ncx, size_t xlen,
                   const epub_zjobs *zj, unsigned char **out, size_t *len, bt_err *e);

#endif

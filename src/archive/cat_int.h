/* cat_int.h - what the catalogue's files share: the records summed up, ordered and grouped once
 * (catalogue.c), the streaming writer and the files it writes (cat_write.c), then the page
 * (cat_html.c) and the OPDS feeds (cat_opds.c).
 *
 * Memory: the model keeps a fixed-size summary per article (cat_item, ~40 bytes) and aggregates
 * per category and digest; titles, paths and the rest are fetched again (cat_get) at the moment
 * they are written, and each file is written as a stream. */
#ifndef BT_CAT_INT_H
#define BT_CAT_INT_H

#include <stdio.h>

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "catalogue.h"

typedef struct {
    uint32_t src;        /* index of the article in the catalogue's input */
    uint32_t group;      /* index in the groups */
    uint32_t title_rank; /* position in Vietnamese title order */
    int32_t digest;      /* index in the catalogue's digests, or -1 */
    int32_t ymd;         /* 20230527, or 0 when undated */
    int16_t hm;          /* 1400, or -1 when the time is unknown */
    int16_t tz;          /* offset from UTC in minutes (when the date has one) */
    int64_t t;           /* the instant, seconds since 1970 (UTC), or -1 when undated */
    uint8_t pdf;         /* it has a PDF (an entry in the feeds) */
} cat_item;

typedef struct {
    char *slug;      /* "kinh-doanh"; "khac" for articles without a category */
    char *name;      /* one display name */
    char *sort_key;
    size_t n;        /* archived articles */
    size_t ndigests;
    int first, last; /* dates of its articles (yyyymmdd), 0 when none */
    size_t index;    /* position in Vietnamese order = colour slot */
    size_t start;    /* its articles: by_group[start .. start + n) */
} cat_group;

/* The articles as first read, kept in a temp file of plain records (lengths and bytes): the
 * catalogue reads each article several times (about six on average), and the archive's getter
 * parses a JSON record each time. Only an offset per article stays in memory. */
typedef struct {
    FILE *f;         /* NULL: not kept (in-memory articles, or the temp file failed) */
    uint64_t *off;   /* record i is off[i] .. off[i + 1] */
    size_t n;        /* records written */
    int flushed;
    char *buf;       /* the record last read (what cat_get's strings point into) */
    size_t cap;
} cat_spill;

typedef struct {
    const bt_catalogue *c;
    cat_spill *spill;
    cat_item *items;     /* archived articles, newest first (undated last) */
    size_t n;
    uint32_t *others;    /* failed and duplicates: their input indices, in input order */
    size_t nothers;
    cat_group *groups;   /* in Vietnamese order of their names */
    size_t ngroups;
    uint32_t *by_group;  /* indices into items: category by category, newest first in each */
    size_t *digest_group; /* per digest: its group */
    long *digest_newest; /* per digest: its newest article (index into items), or -1 */
    int first, last;     /* date range of the dated articles (yyyymmdd), 0 when none */
    int64_t updated;     /* the feeds' updated time */
} cat_model;

/* Build and free the model (reads every article once through the getter, keeping a copy in a
 * temp file in tmpdir, or the system's when NULL). */
bt_status cat_model_build(const bt_catalogue *c, const char *tmpdir, cat_model *m, bt_err *e);
void cat_model_free(cat_model *m);
/* Article i of the input (valid until the next call). */
bt_status cat_get(const cat_model *m, size_t i, bt_cat_article *a, bt_err *e);

/* "27/05/2023" for 20230527 (buf >= 11 bytes). */
void cat_day(int ymd, char *buf, size_t cap);
/* RFC 3339 time of an item (its date, else the feeds' updated time) into buf (>= 32 bytes). */
void cat_item_time(const cat_model *m, const cat_item *it, char *buf, size_t cap);
/* RFC 3339 UTC form of seconds since 1970. */
void cat_epoch_time(int64_t t, char *buf, size_t cap);
/* A path as an href: up ("" or "../") and each byte outside the unreserved set and '/'
 * percent-encoded. Heap string. */
char *cat_href(const char *up, const char *path);

/* ---------------------------------------------------------------- writing (cat_write.c) */

/* Where the files go: a folder (each file streamed into a temp file, renamed when complete) or
 * memory (bt_catalogue_render). */
typedef struct {
    const char *dir;     /* NULL: memory */
    bt_strvec *names;    /* dir: the names written */
    bt_cat_file *files;  /* memory: the files */
    size_t nfiles, cap;
} cat_out;

/* One file being written. Every write goes through the cw_ helpers below, which remember the
 * first failure (bad) instead of being checked one by one; cat_w_close reports it. */
typedef struct {
    xmlTextWriterPtr w;
    xmlDocPtr utf8;      /* an empty document that says UTF-8: libxml2 escapes text against it
                          * and leaves non-ASCII characters as they are */
    int html;            /* an HTML page: attribute values escaped by hand through libxml2 (see
                          * cw_attr), no XML declaration */
    int bad;
    char *name;
    bt_outfile of;       /* on disk */
    xmlBufferPtr mem;    /* in memory */
} cat_w;

/* Open name (relative to the output) for writing: an XML document (UTF-8 declaration, two-space
 * indentation like libxml2's tree serialiser) or, with html, an HTML page. */
bt_status cat_w_open(cat_out *o, const char *name, int html, cat_w *w, bt_err *e);
/* Finish the file: renamed into place (disk) or appended to the files (memory). */
bt_status cat_w_close(cat_out *o, cat_w *w, bt_err *e);
/* Give up a file (its temp file removed). */
void cat_w_abort(cat_w *w);

void cw_start(cat_w *w, const char *name);
/* End the element: <x/> when it is empty (XML, and HTML void elements such as <meta>). */
void cw_end(cat_w *w);
/* End the element with an end tag even when it is empty (HTML: <span></span>). */
void cw_close(cat_w *w);
void cw_attr(cat_w *w, const char *name, const char *value);
void cw_attrf(cat_w *w, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Text content, escaped the way libxml2's tree serialisers escape it (& < > and CR). */
void cw_text(cat_w *w, const char *s);
/* Bytes as they are: the contents of <script> and <style> (checked by their makers), and JSON. */
void cw_raw(cat_w *w, const char *s, size_t n);
/* <name>text</name> (text NULL: <name/> in XML, <name></name> in HTML). */
void cw_el(cat_w *w, const char *name, const char *text);

bt_status cat_write_html(const cat_model *m, cat_out *o, bt_err *e);
/* Every OPDS file. */
bt_status cat_write_opds(const cat_model *m, cat_out *o, bt_err *e);

#endif

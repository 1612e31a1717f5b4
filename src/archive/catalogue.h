/* catalogue.h - an archive's catalogue for people and for e-reader apps, from plain records.
 *
 * index.html: one self-contained page (no network, works from a disk and from any static web
 * server) styled by the template's catalogue.css: categories under one display name each (case
 * and spelling variants grouped), counts, the date range, a chart of articles per month by
 * category (inline SVG), every article with links to its PDF, its digest and its source, and a
 * search over title, category and date that ignores diacritics ("tinh uy" finds "Tỉnh ủy").
 * The page lists the newest articles of each category as HTML (what a reader without script
 * sees); every article is in a compact JSON block in the page, from which the script searches,
 * orders and shows more rows (a page of 100,000 articles stays a few megabytes and opens fast).
 *
 * opds.xml and the feeds in opds/: an OPDS 1.2 catalogue (Atom, RFC 4287). opds.xml is the catalogue's
 * root, a complete acquisition feed of every digest (EPUB) and article (PDF), newest first, with
 * one facet per category; opds/index.xml is a navigation feed of the categories; each
 * opds/cat-SLUG.xml is the acquisition feed of one category.
 *
 * Everything is written with libxml2's xmlTextWriter, as a stream: memory does not grow with the
 * number of articles (a fixed-size summary of each is kept; its texts are fetched again when
 * they are written). The same records give the same bytes. Nothing here prints. */
#ifndef BT_CATALOGUE_H
#define BT_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

/* One article of the archive. Paths are relative to the catalogue's folder (the bag's data/). */
typedef struct {
    const char *title;
    const char *category; /* as written by the source, or NULL */
    const char *date;     /* ISO 8601: "2023-05-27T14:00:00+07:00", "2023-05-27", or NULL */
    const char *author;   /* or NULL */
    const char *language; /* BCP 47, or NULL */
    const char *pdf;      /* "articles/2023/05/x.pdf", or NULL */
    uint64_t pdf_size;
    const char *digest;   /* the EPUB digest holding it, or NULL */
    const char *url;      /* the source's address (http/https only are linked), or NULL */
    const char *status;   /* NULL or "ok": archived; else ("failed", "duplicate") listed apart */
    const char *reason;   /* why it failed, or what it duplicates */
    const char *key;      /* what identifies the publication for good (its text's SHA-256), so
                           * its feed entry keeps its id; NULL: its PDF's path */
} bt_cat_article;

typedef struct {
    const char *path;     /* "digests/kinh-doanh-2020-10.epub" */
    const char *category; /* as written, or NULL */
    const char *period;   /* "tháng 10/2020" */
    size_t articles;
    uint64_t size;
} bt_cat_digest;

/* Fill *a with article i (0 <= i < narticles) of the catalogue; what it points to stays valid
 * until the next call. The catalogue asks for each article several times, in any order. */
typedef bt_status (*bt_cat_get_fn)(void *ud, size_t i, bt_cat_article *a, bt_err *e);

typedef struct {
    const bt_cat_article *articles; /* the articles in memory, or NULL: from get */
    size_t narticles;
    const bt_cat_digest *digests;
    size_t ndigests;
    const char *title;   /* the page's and the feeds' title */
    const char *org;     /* the publisher (feed author); NULL: the title */
    const char *css;     /* the template's catalogue.css, or NULL */
    const char *id_seed; /* what makes the feeds' ids unique and stable wherever the files are
                          * moved; NULL: the org and the title */
    int64_t updated;     /* the feeds' atom:updated (seconds since 1970); < 0: the newest date */
    const char *generator; /* "bantin 0.1.0" */
    bt_cat_get_fn get;   /* when articles is NULL */
    void *get_ud;
} bt_catalogue;

/* A file of the catalogue: its path relative to the folder and its bytes. */
typedef struct {
    char *name;
    char *data;
    size_t len;
} bt_cat_file;

/* Render every file into memory (index.html first, then opds.xml, then opds/...): for tests and
 * small catalogues. *files is freed with bt_catalogue_files_free. */
bt_status bt_catalogue_render(const bt_catalogue *c, bt_cat_file **files, size_t *nfiles, bt_err *e);
void bt_catalogue_files_free(bt_cat_file *files, size_t n);

/* Stream every file into dir (each atomically: a temp file renamed into place; opds/ created);
 * the names written (relative to dir, in the order above) are appended to *names. On failure
 * the files already written stay (a run writes into its staging area). */
bt_status bt_catalogue_write(const char *dir, const bt_catalogue *c, bt_strvec *names, bt_err *e);

/* Exposed for tests. */
/* The group key of a category: folded, case and diacritics and punctuation ignored
 * ("SỨC KHỎE", "Sức khoẻ" -> "suc-khoe"); "khac" for none. Heap string. */
char *bt_catalogue_category_key(const char *category);
/* The display name of a category from its variants (n >= 1, with how often each occurs): the
 * most frequent one not in capitals, else the most frequent in sentence case per part
 * ("AN NINH – QUỐC PHÒNG" -> "An ninh – Quốc phòng"). Heap string. */
char *bt_catalogue_category_name(const char *const *variants, const size_t *counts, size_t n);
/* A key that sorts strings in Vietnamese alphabetical order with strcmp (a ă â b c d đ e ê ...,
 * tones: none, grave, hook, tilde, acute, dot below; word by word). Heap string. */
char *bt_catalogue_sort_key(const char *s);
/* Lower-case ASCII words of s, diacritics dropped, đ -> d, one space between words: how the
 * page's search folds a query and each article's title, category, date and author. Heap string. */
char *bt_catalogue_search_key(const char *s);

#endif

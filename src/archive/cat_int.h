/* cat_int.h - what the catalogue's files share: the records ordered and grouped once
 * (catalogue.c), then written as a page (cat_html.c) and as OPDS feeds (cat_opds.c). */
#ifndef BT_CAT_INT_H
#define BT_CAT_INT_H

#include <libxml/tree.h>

#include "catalogue.h"

typedef struct {
    const bt_cat_article *a;
    int ymd;            /* 20230527, or 0 when undated */
    int hm;             /* 1400, or -1 when the time is unknown */
    int tz;             /* offset from UTC in minutes (when the date has one) */
    int64_t t;          /* the instant, seconds since 1970 (UTC), or -1 when undated */
    size_t group;       /* index in the groups */
    char *title_key;    /* Vietnamese sort key of the title */
    size_t title_rank;  /* position in Vietnamese title order */
} cat_item;

typedef struct {
    char *slug;      /* "kinh-doanh"; "khac" for articles without a category */
    char *name;      /* one display name */
    char *sort_key;
    size_t n;        /* archived articles */
    size_t ndigests;
    int first, last; /* dates of its articles (yyyymmdd), 0 when none */
    size_t index;    /* position in Vietnamese order = colour slot */
} cat_group;

typedef struct {
    const bt_catalogue *c;
    cat_item *items;     /* archived articles, newest first (undated last) */
    size_t n;
    cat_item *others;    /* failed and duplicates, in input order */
    size_t nothers;
    cat_group *groups;   /* in Vietnamese order of their names */
    size_t ngroups;
    size_t *digest_group; /* per digest: its group */
    int first, last;     /* date range of the dated articles (yyyymmdd), 0 when none */
    int64_t updated;     /* the feeds' updated time */
} cat_model;

/* Build and free the model. */
bt_status cat_model_build(const bt_catalogue *c, cat_model *m, bt_err *e);
void cat_model_free(cat_model *m);

/* "27/05/2023" for 20230527 (buf >= 11 bytes). */
void cat_day(int ymd, char *buf, size_t cap);
/* RFC 3339 time of an item (its date, else the feeds' updated time) into buf (>= 32 bytes). */
void cat_item_time(const cat_model *m, const cat_item *it, char *buf, size_t cap);
/* RFC 3339 UTC form of seconds since 1970. */
void cat_epoch_time(int64_t t, char *buf, size_t cap);

/* Serialise a document into a file of the list (takes the name; frees nothing of doc). */
void cat_files_add(bt_cat_file **files, size_t *n, size_t *cap, const char *name, char *data, size_t len);

bt_status cat_write_html(const cat_model *m, char **out, size_t *len, bt_err *e);
/* Every OPDS file, appended to the list. */
bt_status cat_write_opds(const cat_model *m, bt_cat_file **files, size_t *n, size_t *cap, bt_err *e);

#endif

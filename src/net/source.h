/* source.h - what a command-line argument names, and the articles it gives. The one place every
 * command (parse, pdf, epub, archive) resolves its inputs:
 *
 *   a local path   an article file (text or HTML), a WARC file (.warc or .warc.gz: its response
 *                  records; the feeds and sitemaps among them fill the fields of the pages they
 *                  list and give their order), or a feed/sitemap file (its items are URLs)
 *   "-"            an article on standard input
 *   a URL          fetched; by its Content-Type and content it is an article page, an RSS/Atom
 *                  feed, a sitemap or a sitemap index (whose sitemaps are fetched in turn)
 *
 * Feed and sitemap items are checked against the site's robots.txt (unless ignore_robots) and
 * are "referenced" resources for the private-address rule (fetch.h). A page fetched from the
 * web gets its images fetched too (http/https only, a count and a byte cap, the private-address
 * rule; failures are warnings). Nothing here prints: problems are returned or recorded as
 * warnings/skips in the list for the caller to report. */
#ifndef BT_SOURCE_H
#define BT_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "feed.h"
#include "fetch.h"
#include "input.h"
#include "util.h"
#include "warc.h"

#define BT_MAX_PAGE_IMAGES 50                            /* images fetched per page */
#define BT_MAX_PAGE_IMAGE_BYTES ((size_t)40 * 1024 * 1024) /* all images of one page */

typedef struct bt_source_opts {
    int offline;              /* never touch the network: URLs are refused */
    int ignore_robots;
    int no_images;            /* do not fetch the images of web pages */
    bt_fetch_opts fetch;      /* user agent, timeouts, caps, politeness, insecure, allow_private */
    bt_input_opts io;         /* parser options (from, lang, max input); origin is set per page */
} bt_source_opts;

typedef struct bt_source bt_source;

bt_source *bt_source_new(const bt_source_opts *o);
void bt_source_free(bt_source *s);

/* The fetcher (created on first use; NULL when offline or libcurl cannot start, e set). */
bt_fetcher *bt_source_fetcher(bt_source *s, bt_err *e);

typedef enum { BT_ITEM_FILE, BT_ITEM_URL, BT_ITEM_WARC } bt_item_kind;

typedef struct {
    bt_item_kind kind;
    char *name;               /* what messages name: the path, the URL, or "FILE.warc.gz: URL" */
    char *url;                /* URL and WARC items: the article's URL */
    char *path;               /* FILE items: the path; WARC items: the WARC file */
    uint64_t warc_offset, warc_skip; /* WARC items: where the response record is */
    char *warc_date;          /* WARC items: WARC-Date */
    uint64_t *warc_also;      /* WARC items: other records of the file the article rests on (the
                               * feed that listed it, the redirects that led to it), as (offset,
                               * skip) pairs; nwarc_also pairs. Copied with it as evidence. */
    size_t nwarc_also;
    bt_feed_item *meta;       /* from a feed or sitemap: fills what the page lacks; or NULL */
    int referenced;           /* came from a feed or sitemap (the private-address rule) */
    int referrer_internal;    /* ... which itself came from a non-public address */
    char *from;               /* the feed/sitemap/WARC it came from, or NULL */
    bt_fetch_result *page;    /* URL items: the answer already fetched while expanding, or NULL
                               * (status 304: an archived page found unchanged, no body) */
} bt_item;

typedef struct {
    bt_item *v;
    size_t n, cap;
    char *title;              /* the first feed's title (a digest's title), or NULL */
    int from_feed;            /* some items came from a feed or sitemap (keep their order) */
    /* What expansion left out, for the caller to report: */
    char **notes;             /* one line each: "URL: skipped: disallowed by robots.txt" */
    size_t nnotes;
    size_t robots_skipped, nolink, warc_skipped_revisit, warc_skipped_other;
    size_t over;              /* feed items past the most a feed may list */
    size_t warc_too_large;    /* WARC response records over the input limit (also in _other) */
    /* What the last bt_source_expand that failed learned: the HTTP status of its answer (0 when
     * none came) and whether the failure is worth retrying later (network, timeout, 429, 5xx). */
    long fail_status;
    int fail_transient;
} bt_item_list;

void bt_item_list_free(bt_item_list *l);

/* How a command reports the skip counts of one WARC file (two %zu: revisit, other). */
#define BT_WARC_SKIPPED_FMT \
    "WARC records skipped: %zu revisit, %zu not an HTML page or a feed with status 200 (images serve their pages)"


/* Validators from an earlier run, for a conditional request. */
typedef struct {
    const char *etag, *last_modified;
} bt_validators;

/* What an archive remembers of URLs from its earlier runs, so that expanding a source again
 * costs a conditional request. Called from the thread that expands. */
typedef struct {
    void *ud;
    /* Validators for url (return 1), or 0 when none are known. *page: url was archived as an
     * article page (a 304 then needs no body); else it was a feed or sitemap. The strings must
     * stay valid until the source is freed. */
    int (*known)(void *ud, const char *url, bt_validators *v, int *page);
    /* After a 304 for a feed or sitemap: its body as last received (heap; *ctype heap or NULL). */
    bt_status (*earlier)(void *ud, const char *url, char **body, size_t *len, char **ctype, bt_err *e);
    /* A feed or sitemap answered 2xx: r has its exchanges, validators and decoded body. */
    void (*fetched)(void *ud, const char *url, const bt_fetch_result *r);
} bt_source_memory;

/* Give the source an archive's memory (copied; NULL forgets it). */
void bt_source_set_memory(bt_source *s, const bt_source_memory *m);

/* 1 when path is a local file whose items are web items: a WARC file (plain or gzip), or a
 * feed or sitemap file (its items are URLs). Any other file is an article file. */
int bt_source_is_web_file(const char *path);

/* Expand one argument into items appended to l. Fails (e set, nothing appended) when the
 * argument itself cannot be used: offline and a URL, a fetch failure, a feed that is not XML, a
 * WARC that cannot be read. Skipped items are counted and noted in l. */
bt_status bt_source_expand(bt_source *s, const char *arg, bt_item_list *l, bt_err *e);

/* A record of a WARC file that an article was made from (WARC items). */
typedef struct {
    char *path;
    uint64_t offset, skip;
    int page;                 /* 1 for the page's own response record */
} bt_warc_ref;

/* What loading one item learned besides the article (for the archive). */
typedef struct {
    long status;              /* HTTP status of the page (0 for files) */
    int not_modified;         /* a conditional request was answered 304: no article */
    int transient;            /* a failure worth retrying on a later run */
    char *final_url;          /* after redirects */
    char *etag, *last_modified;
    char sha256[65];          /* of the decoded body (hex), "" for files */
    size_t body_len;          /* the decoded body's length (0 for files) */
    int64_t date_us;          /* when it was fetched (or the WARC-Date) */
    double fetch_ms;          /* time spent fetching the page and its images */
    bt_http_exchange *x;      /* every exchange made (page, redirects, images), for a WARC */
    size_t nx;
    /* WARC items: every record the article was made from, in file order for a copy: the page's
     * response with its warcinfo and the records concurrent to it (request, metadata), then the
     * response records of the images used (with theirs) */
    bt_warc_ref *refs;
    size_t nrefs;
} bt_load_info;

void bt_load_info_free(bt_load_info *li);

/* Load one item as an article. val (may be NULL): send a conditional request; on 304, BT_OK with
 * *out NULL and info->not_modified. info (may be NULL) receives what was learned (and the
 * exchanges, which the caller then owns through bt_load_info_free). */
bt_status bt_source_load(bt_source *s, const bt_item *it, const bt_validators *val, bt_article **out,
                         bt_load_info *info, bt_err *e);

/* Load the page in the response record at `offset` of a WARC file (one the archive wrote, or a
 * crawl), its images taken from the same file. name: what warnings name. */
bt_status bt_source_load_warc(bt_source *s, const char *warc_path, uint64_t offset, const char *name,
                              bt_article **out, bt_err *e);

/* A WARC file this process writes from its start (bt_warc_open_listen's callback, with the path
 * later loads name it by): its records are indexed as they are written, so that loading from it
 * (bt_source_load_warc) needs no pass over the file. Thread-safe. Should the first record told
 * not be at offset 0, or records be told after a load from path, the index is built by a pass
 * over the file instead, as for any other. */
void bt_source_warc_written(bt_source *s, const char *path, const bt_warc_record *rec);

/* Load items[0..n) with `jobs` threads; arts[i] is the article or NULL, errs[i] the reason. */
void bt_source_load_all(bt_source *s, const bt_item_list *l, int jobs, bt_article **arts, bt_err *errs);

#endif

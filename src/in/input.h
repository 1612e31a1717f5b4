/* input.h - load an article from a file: read with limits, reject unusable input, sniff the
 * format (HTML or plain text) and hand the bytes to the matching parser. */
#ifndef BT_INPUT_H
#define BT_INPUT_H

#include "article.h"
#include "bt_limits.h" /* the limits it enforces */
#include "util.h"

typedef enum { BT_FROM_AUTO, BT_FROM_TEXT, BT_FROM_HTML } bt_from;

/* What the transport knows about a page that did not come from a local file (a URL, a WARC
 * record). Plain data and a callback: the parsers never see the network. */
typedef struct bt_origin {
    const char *url;     /* the page's final URL: relative image references resolve against it,
                            and it is the article's source_url unless the page names its own */
    const char *charset; /* charset label from the HTTP Content-Type header, or NULL */
    /* Load an image the page refers to (src as written in the page): returns it, or NULL after
     * adding a warning to a. NULL callback: only data: URIs are loaded. */
    bt_image *(*load_image)(void *ctx, const char *src, bt_article *a);
    void *ctx;
} bt_origin;

typedef struct {
    bt_from from;
    const char *lang;        /* override the language, or NULL */
    size_t max_input_bytes;  /* 0 = BT_MAX_INPUT_BYTES */
    const bt_origin *origin; /* a page from the web or a WARC, or NULL */
} bt_input_opts;

/* "html", "text" or "auto" to a bt_from; 0 if the name is unknown. */
int bt_input_from_name(const char *name, bt_from *out);

/* Process-wide default for max_input_bytes (the --max-input option); 0 restores the built-in. */
void bt_input_set_default_limit(size_t bytes);
/* The limit in force: o->max_input_bytes if set, else the process-wide default. */
size_t bt_input_limit(const bt_input_opts *o);

/* Parse a file ("-" = stdin). On success *out is a new article (caller frees) whose
 * source_path is path; warnings are in (*out)->warnings. */
bt_status bt_input_load(const char *path, const bt_input_opts *o, bt_article **out, bt_err *e);

/* Parse bytes already in memory. base_dir is where relative image paths are resolved
 * (NULL: images are not loaded); o->origin, when set, replaces it for pages from the web. */
bt_status bt_input_parse(const char *buf, size_t len, const char *base_dir, const bt_input_opts *o,
                         bt_article **out, bt_err *e);

/* 1 if the bytes look like HTML. */
int bt_input_is_html(const char *buf, size_t len);

/* Plain-text parser (in_text.c). buf must be valid UTF-8 (already repaired). */
bt_status bt_text_parse(const char *buf, size_t len, bt_article *a, bt_err *e);

/* HTML parser (in_html.c). Raw bytes in any charset; base_dir as above. */
bt_status bt_html_parse(const char *buf, size_t len, const char *base_dir, bt_article *a, bt_err *e);
/* The same for a page with an origin (charset from the transport, images through its loader). */
bt_status bt_html_parse_from(const char *buf, size_t len, const char *base_dir,
                             const bt_origin *origin, bt_article *a, bt_err *e);

#endif

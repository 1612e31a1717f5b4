/* feed.h - what a fetched body is (HTML page, RSS, Atom, sitemap, ...) and the items of feeds
 * and sitemaps.
 *
 * Parsing is libxml2's XML parser with no network, no DTD loading and no entity substitution;
 * a document that declares entities is refused outright (entity expansion attacks). Relative
 * links resolve against the feed's own URL. Items without a usable http(s) link are counted in
 * nolink and left out. */
#ifndef BT_FEED_H
#define BT_FEED_H

#include <stddef.h>

#include "article.h"
#include "util.h"

typedef enum {
    BT_KIND_UNKNOWN = 0,
    BT_KIND_HTML,
    BT_KIND_TEXT,           /* plain text (a bantin article file) */
    BT_KIND_RSS,            /* RSS 2.0 (also 0.9x and RSS 1.0/RDF) */
    BT_KIND_ATOM,           /* Atom 1.0 */
    BT_KIND_SITEMAP,        /* <urlset> */
    BT_KIND_SITEMAP_INDEX,  /* <sitemapindex>: its items are sitemaps */
    BT_KIND_XML,            /* some other XML document */
    BT_KIND_WARC,
    BT_KIND_GZIP,           /* gzip data: decompress and look again */
    BT_KIND_PDF,
    BT_KIND_IMAGE,
    BT_KIND_BINARY
} bt_kind;

/* "an HTML page", "an RSS feed", ... for messages. */
const char *bt_kind_name(bt_kind k);
/* 1 for RSS, Atom, sitemap and sitemap index. */
int bt_kind_is_feed(bt_kind k);

/* The kind of a body: from Content-Type when it is specific (text/html, application/rss+xml,
 * application/atom+xml, application/pdf, image/...), then from the content (magic numbers, the
 * root element of XML). content_type may be NULL (a local file). */
bt_kind bt_kind_sniff(const char *content_type, const char *buf, size_t len);

typedef struct {
    char *url;          /* absolute http(s) URL of the article */
    char *title;        /* NULL when the feed gives none; all strings NFC, white space folded */
    char *author;
    char *category;     /* the first category */
    char *description;  /* plain text (markup removed) */
    char *image;        /* absolute URL of the item's image (image:loc, enclosure, media:content) */
    bt_date date;       /* pubDate / updated / published / lastmod / news:publication_date */
} bt_feed_item;

/* Free the strings of an item (not the item itself); its fields are then NULL. */
void bt_feed_item_clear(bt_feed_item *it);

typedef struct {
    bt_kind kind;
    char *title;        /* channel or feed title, sitemap news:name, or NULL */
    char *link;         /* the site's own link, or NULL */
    bt_feed_item *items;
    size_t nitems;
    size_t nolink;      /* items left out for having no usable link */
    size_t over;        /* items left out past the most a feed may list (50,000) */
} bt_feed;

/* Parse a feed or sitemap. base_url: the URL it came from (relative links resolve against it;
 * NULL: only absolute links are kept). Errors: BT_EPARSE "not XML" / "not a feed or sitemap",
 * BT_EUNSAFE for entity declarations. */
bt_status bt_feed_parse(const char *buf, size_t len, const char *base_url, bt_feed **out, bt_err *e);
void bt_feed_free(bt_feed *f);

/* An RFC 822 / RFC 1123 date as RSS uses it ("Sat, 27 May 2023 07:00:00 +0700", zone names
 * GMT, UT, Z, EST ... accepted), or ISO 8601. 1 on success. */
int bt_feed_parse_date(const char *s, bt_date *d);

#endif

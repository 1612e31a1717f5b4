/* extract.h - find the article in a parsed HTML page: metadata and main content.
 *
 * Works on a libxml2 HTML document (the only place besides in_html.c that sees libxml2 nodes)
 * and fills a bt_article. General rules: text and link density, paragraph scoring in the manner
 * of readability, class/id hints (article/content/body vs nav/footer/related/comment/share/ads),
 * plus optional site rules read from templates/sites/ (see site.h). Never recurses as deep as
 * the input nests: every walk follows parent/next pointers. */
#ifndef BT_EXTRACT_H
#define BT_EXTRACT_H

#include <libxml/HTMLparser.h>

#include "article.h"
#include "util.h"

/* Fill a from doc. base_dir: folder for local images (NULL: images are not loaded). */
bt_status bt_extract_article(htmlDocPtr doc, const char *base_dir, bt_article *a, bt_err *e);
/* The same for a page from the web or a WARC: its images are loaded through origin (input.h). */
struct bt_origin;
bt_status bt_extract_article_from(htmlDocPtr doc, const char *base_dir, const struct bt_origin *origin,
                                  bt_article *a, bt_err *e);

#endif

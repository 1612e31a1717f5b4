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

#define BT_MAX_HTML_NODES 250000 /* pages with more elements are refused (memory bound) */

/* Fill a from doc. base_dir: folder for local images (NULL: images are not loaded). */
bt_status bt_extract_article(htmlDocPtr doc, const char *base_dir, bt_article *a, bt_err *e);

/* Tolerant date parser used for metadata: ISO 8601 and common variants ("2022-02-13 16:08"),
 * day-first Vietnamese forms ("Chủ nhật, 13/2/2022, 16:08 (GMT+7)", "16:08 13/02/2022",
 * "ngày 13 tháng 2 năm 2022"). default_tz: minutes east of UTC when the text gives no zone.
 * 1 on success. */
int bt_extract_parse_date(const char *s, int default_tz, bt_date *d);

#endif

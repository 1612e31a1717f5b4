/* site.h - site-specific extraction rules, read at run time from templates/sites/NAME.conf.
 *
 * Rules are data, never C. A file holds lines of "key value"; '#' starts a comment:
 *   host     vnexpress.net        (matches the host and its subdomains; repeatable)
 *   content  article.fck_detail   (the element holding the article body; first match wins)
 *   remove   .box-tinlienquan     (elements that are never content; repeatable)
 * Selectors are simple: tag, .class, #id, or tag.class / tag#id combinations (all must match). */
#ifndef BT_SITE_H
#define BT_SITE_H

#include <libxml/tree.h>

typedef struct bt_site_rules bt_site_rules;

typedef enum { BT_SITE_CONTENT, BT_SITE_REMOVE } bt_site_kind;

/* Rules for the page's URL (NULL when none apply or url is NULL): shared and read-only, the
 * folder read at the first call and kept for the process. */
const bt_site_rules *bt_site_rules_find(const char *url, xmlDocPtr doc);
/* Rules parsed from the text of one .conf file (for tests). NULL on syntax errors. */
bt_site_rules *bt_site_rules_parse(const char *text);
/* 1 if the rules' hosts cover url's host. */
int bt_site_rules_host(const bt_site_rules *r, const char *url);
/* 1 if element n matches a selector of that kind. */
int bt_site_match(const bt_site_rules *r, bt_site_kind kind, const xmlNode *n);
void bt_site_rules_free(bt_site_rules *r);

#endif

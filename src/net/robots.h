/* robots.h - robots.txt (RFC 9309): may bantin fetch this path?
 *
 * The group for the product token "bantin" is used when the file has one, else the "*" group.
 * Allow and Disallow rules match path prefixes with '*' and a final '$'; the longest match wins
 * and Allow wins a tie. Honoured for the items of feeds and sitemaps (the user named the feed;
 * the site decides about the rest); --ignore-robots turns it off. Crawl-delay, once read, spaces
 * every later request to that host (bounded by BT_ROBOTS_MAX_DELAY). */
#ifndef BT_ROBOTS_H
#define BT_ROBOTS_H

#include <stddef.h>

typedef struct bt_robots bt_robots;

/* Parse robots.txt text (any size; only the first 512 KB are read, as RFC 9309 allows). */
bt_robots *bt_robots_parse(const char *txt, size_t len, const char *product);
/* Rules that allow everything (no robots.txt, or a 4xx for it) or nothing (5xx, unreachable). */
bt_robots *bt_robots_all(int allowed);
void bt_robots_free(bt_robots *r);

/* 1 if path (with its query) may be fetched. */
int bt_robots_allowed(const bt_robots *r, const char *path);

/* Crawl-delay of the group in seconds, as the file says it (0 when none). */
double bt_robots_crawl_delay(const bt_robots *r);

/* The Crawl-delay bantin keeps between two requests to the host: bounded, so that a site cannot
 * stall an archive run for hours with one line (the user's --delay is the floor). */
#define BT_ROBOTS_MAX_DELAY 30.0
double bt_robots_delay_used(const bt_robots *r);

#endif

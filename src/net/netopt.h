/* netopt.h - the network options every command shares (parse, pdf, epub, archive), so that they
 * are spelled, checked and documented once. Put BT_NET_LONGOPTS into a getopt_long table and pass
 * every option code to bt_netopt_handle. */
#ifndef BT_NETOPT_H
#define BT_NETOPT_H

#include <getopt.h>
#include <stddef.h>

#include "source.h"

enum {
    BT_NETOPT_OFFLINE = 400,
    BT_NETOPT_USER_AGENT,
    BT_NETOPT_INSECURE,
    BT_NETOPT_ALLOW_PRIVATE,
    BT_NETOPT_IGNORE_ROBOTS,
    BT_NETOPT_DELAY,
    BT_NETOPT_TIMEOUT,
    BT_NETOPT_NO_IMAGES,
    BT_NETOPT_PER_HOST
};

#define BT_NET_LONGOPTS                                                                          \
    {"offline", no_argument, NULL, BT_NETOPT_OFFLINE},                                           \
    {"user-agent", required_argument, NULL, BT_NETOPT_USER_AGENT},                               \
    {"insecure", no_argument, NULL, BT_NETOPT_INSECURE},                                         \
    {"allow-private", no_argument, NULL, BT_NETOPT_ALLOW_PRIVATE},                               \
    {"ignore-robots", no_argument, NULL, BT_NETOPT_IGNORE_ROBOTS},                               \
    {"delay", required_argument, NULL, BT_NETOPT_DELAY},                                         \
    {"timeout", required_argument, NULL, BT_NETOPT_TIMEOUT},                                     \
    {"no-images", no_argument, NULL, BT_NETOPT_NO_IMAGES},                                       \
    {"per-host", required_argument, NULL, BT_NETOPT_PER_HOST}

/* The options' help lines. */
#define BT_NET_USAGE                                                                             \
    "web sources (URLs of pages, RSS/Atom feeds, sitemaps; WARC files):\n"                       \
    "      --offline           never use the network (URLs are refused)\n"                      \
    "      --user-agent TEXT   User-Agent header (default: bantin/VERSION)\n"                   \
    "      --insecure          do not verify TLS certificates\n"                                \
    "      --allow-private     let pages refer to private, loopback and link-local addresses\n" \
    "      --ignore-robots     fetch feed and sitemap items that robots.txt disallows\n"        \
    "      --delay SECONDS     wait between two requests to one host (default 0; robots.txt\n" \
    "                          Crawl-delay, at most 30 s, can make it longer)\n"            \
    "      --per-host N        requests at a time to one host (default 2)\n"                    \
    "      --timeout SECONDS   give up on a request after this long (default 120)\n"            \
    "      --no-images         do not fetch the images of web pages\n"

/* 1 if c was a network option (applied to o), 0 if not one, -1 for a bad value (msg says why). */
int bt_netopt_handle(int c, const char *arg, bt_source_opts *o, char *msg, size_t msgsz);

#endif

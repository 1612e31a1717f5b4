/* url.h - web addresses: telling a URL from a path, resolving relative references, the host.
 *
 * Parsing and resolution are libcurl's URL API (curl_url): no hand-written URL grammar. Only
 * http and https are web addresses for bantin; every other scheme is refused by the callers.
 * Returned strings are heap-allocated; the caller frees them. */
#ifndef BT_URL_H
#define BT_URL_H

/* 1 if s has the shape "scheme://..." (any scheme), so that it is a URL, not a file path. */
int bt_url_has_scheme(const char *s);

/* 1 if s is an http:// or https:// URL (case-insensitive scheme). */
int bt_url_is_web(const char *s);

/* ref resolved against base (RFC 3986), normalised by libcurl, fragment dropped. NULL when
 * either cannot be parsed. base may be NULL (ref must then be absolute). */
char *bt_url_resolve(const char *base, const char *ref);

/* The host name of url, lower-case, without brackets for IPv6 literals; NULL if none. */
char *bt_url_host(const char *url);

/* "host:port" of url (the port given or the scheme's default): the key for per-host limits. */
char *bt_url_origin(const char *url);

/* The scheme of url, lower-case ("http"); NULL if none. */
char *bt_url_scheme(const char *url);

/* path (with query) part of url, "/" when empty. */
char *bt_url_path(const char *url);

#endif

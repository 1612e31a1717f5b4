/* fetch.h - HTTP(S) GET through libcurl, politely and safely, keeping the evidence.
 *
 * One bt_fetcher is shared by all threads of a run (it is thread-safe); each bt_fetch() is one
 * logical GET that may take several exchanges (redirects, retries after 429/503). What it does:
 *  - HTTP/1.1 and HTTP/2, TLS verified unless insecure (against CURL_CA_BUNDLE, else
 *    SSL_CERT_FILE / SSL_CERT_DIR when set, as the curl tool does; libcurl alone reads none of
 *    them), proxies from the environment as curl reads them (http_proxy, HTTPS_PROXY,
 *    ALL_PROXY, NO_PROXY);
 *  - Accept-Encoding gzip, deflate, br: the body is kept as received (for WARC) and decoded here
 *    (decode.h) with a cap, so a compression bomb fails cleanly;
 *  - redirects followed by hand (each hop is its own exchange in the evidence), at most
 *    max_redirects, only to http/https, a loop is named as such;
 *  - the server-side request forgery rule of addr.h, checked on the address each connection
 *    really uses: a URL that was referenced by a page (bt_fetch_req.referenced) and every
 *    redirect target may not reach a non-public address unless its referrer came from one or
 *    allow_private is set (through a proxy: the target's name is judged instead, resolved here
 *    when it is not an IP address or localhost);
 *  - connect, total and low-speed timeouts; a byte cap per response;
 *  - at most per_host requests at a time to one host:port, and delay_s between two request
 *    starts to one host (or the host's own delay, when bt_fetcher_host_delay set a longer one);
 *  - 429 and 503 answered with Retry-After: waited for (bounded by retry_cap_s) and retried
 *    up to `retries` times;
 *  - conditional requests (If-None-Match, If-Modified-Since) when the caller knows a validator.
 * Nothing here prints. */
#ifndef BT_FETCH_H
#define BT_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#ifndef BT_HOMEPAGE
#define BT_HOMEPAGE "" /* "+URL" in the default User-Agent when the project has a home page */
#endif

typedef struct {
    const char *user_agent; /* NULL: bt_fetch_default_user_agent() */
    int insecure;           /* do not verify TLS certificates */
    int allow_private;      /* referenced resources may be on non-public addresses */
    long timeout_s;         /* whole request; 0 = 120 */
    size_t max_bytes;       /* per response as received and per decoded body; 0 = 50 MB */
    int per_host;           /* concurrent requests per host:port; 0 = 2 */
    double delay_s;         /* minimum time between request starts to one host:port */
    int max_redirects;      /* 0 = 10 */
    int retries;            /* retries after 429/503; -1 = none, 0 = 2 */
    long retry_cap_s;       /* the longest Retry-After honoured; 0 = 60 */
} bt_fetch_opts;

typedef struct bt_fetcher bt_fetcher;

/* NULL when libcurl cannot start, or a CA file named by the environment cannot be read (e is
 * set). */
bt_fetcher *bt_fetcher_new(const bt_fetch_opts *o, bt_err *e);
void bt_fetcher_free(bt_fetcher *f);

/* The least time between two request starts to url's host:port from now on (robots.txt
 * Crawl-delay); the fetcher's delay_s stays the floor. Thread-safe. */
void bt_fetcher_host_delay(bt_fetcher *f, const char *url, double seconds);

/* "bantin/VERSION" (plus " (+HOMEPAGE)" when built with one). Static string. */
const char *bt_fetch_default_user_agent(void);

typedef struct {
    const char *etag;          /* sent as If-None-Match, or NULL */
    const char *last_modified; /* sent as If-Modified-Since, or NULL */
    const char *accept;        /* Accept header, or NULL for curl's default */
    int referenced;            /* the URL came from a page, a feed or a sitemap */
    int referrer_internal;     /* ... which itself came from a non-public address */
    size_t max_bytes;          /* 0: the fetcher's cap */
} bt_fetch_req;

/* One HTTP exchange as it went over the wire: what a WARC request/response pair holds. */
typedef struct {
    char *url;                 /* the requested URL */
    char *ip;                  /* the peer's address, or NULL */
    int64_t time_us;           /* when the request started, microseconds since the epoch (UTC) */
    long status;
    char *req_head;            /* request line and headers, CRLF line ends, blank line included */
    size_t req_head_len;
    char *resp_head;           /* status line and headers, blank line included */
    size_t resp_head_len;
    char *payload;             /* the body as received: transfer coding removed, content coding kept */
    size_t payload_len;
    int payload_sha256_set;    /* 1: payload_sha256 is the payload's SHA-256, computed already */
    unsigned char payload_sha256[32];
} bt_http_exchange;

typedef struct {
    long status;               /* final HTTP status; 0 when no answer came */
    char *url;                 /* final URL (after redirects) */
    char *content_type;        /* header values of the final response, or NULL */
    char *charset;             /* the charset parameter of Content-Type, or NULL */
    char *etag, *last_modified, *date, *content_encoding;
    char *body;                /* decoded body (NUL-terminated), NULL for 304 or on failure */
    size_t body_len;
    int internal;              /* the final answer came from a non-public address */
    int transient;             /* on failure: worth retrying later (network, timeout, 429, 5xx) */
    int64_t date_us;           /* when the final request started */
    double ms;                 /* wall time spent, waits included */
    bt_http_exchange *x;       /* every exchange, in order (redirect hops, retries) */
    size_t nx;
} bt_fetch_result;

/* GET url. BT_OK for a 2xx answer (body decoded) and for 304 when a validator was sent (body
 * NULL); otherwise an error with a one-line reason (the HTTP status with its phrase, "connection
 * refused", "timed out after 5 s", "redirect loop", "body cut short", ...), r->status and
 * r->transient set and whatever exchanges happened kept in r->x. r must be freed in every case. */
bt_status bt_fetch(bt_fetcher *f, const char *url, const bt_fetch_req *rq, bt_fetch_result *r,
                   bt_err *e);
void bt_fetch_result_free(bt_fetch_result *r);

/* The value of header `name` (case-insensitive) in a raw response head, heap string or NULL. */
char *bt_http_header(const char *head, size_t len, const char *name);

/* The charset parameter of a Content-Type value ("text/html; charset=windows-1258"), heap string
 * or NULL. */
char *bt_http_charset(const char *content_type);

/* "Not Found" for 404 and so on ("" when unknown). */
const char *bt_http_reason(long status);

#endif

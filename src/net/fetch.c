/* fetch.c - GET with libcurl: redirects by hand, address checks, caps, politeness, evidence. */
#include "fetch.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include "curl_dl.h"
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "decode.h"
#include "url.h"

#define DEFAULT_MAX_BYTES ((size_t)50 * 1024 * 1024)

typedef struct {
    char *key; /* host:port */
    int active;
    double last_start;
    double delay; /* the host's own minimum (robots.txt Crawl-delay); the user's --delay is the floor */
} host_slot;

struct bt_fetcher {
    bt_fetch_opts o;
    char *ua;
    char *ca_file, *ca_dir; /* trust anchors named by the environment, or NULL (libcurl's own) */
    CURLSH *share;
    pthread_mutex_t share_mu[CURL_LOCK_DATA_LAST];
    pthread_mutex_t mu;
    pthread_cond_t cv;
    host_slot *hosts;
    size_t nhosts, cap;
    CURL **pool; /* idle easy handles: each keeps its own live connections */
    size_t npool, pool_cap;
};

const char *bt_fetch_default_user_agent(void)
{
    return BT_HOMEPAGE[0] ? "bantin/" BT_VERSION " (+" BT_HOMEPAGE ")" : "bantin/" BT_VERSION;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t wall_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void sleep_s(double s)
{
    if (s <= 0) return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* The share object holds the DNS cache and TLS sessions; connections stay per easy handle
 * (libcurl does not support sharing them between concurrent threads). */
static void share_lock(CURL *h, curl_lock_data d, curl_lock_access a, void *u)
{
    (void)h;
    (void)a;
    bt_fetcher *f = u;
    if ((unsigned)d < CURL_LOCK_DATA_LAST) pthread_mutex_lock(&f->share_mu[d]);
}

static void share_unlock(CURL *h, curl_lock_data d, void *u)
{
    (void)h;
    bt_fetcher *f = u;
    if ((unsigned)d < CURL_LOCK_DATA_LAST) pthread_mutex_unlock(&f->share_mu[d]);
}

bt_fetcher *bt_fetcher_new(const bt_fetch_opts *o, bt_err *e)
{
    if (bt_curl_load() != 0) {
        bt_err_set(e, BT_EOTHER, "cannot start libcurl: %s", bt_curl_error());
        return NULL;
    }
    bt_fetcher *f = bt_xcalloc(1, sizeof *f);
    if (o) f->o = *o;
    if (!f->o.timeout_s) f->o.timeout_s = 120;
    if (!f->o.max_bytes) f->o.max_bytes = DEFAULT_MAX_BYTES;
    if (f->o.per_host <= 0) f->o.per_host = 2;
    if (f->o.max_redirects <= 0) f->o.max_redirects = 10;
    if (f->o.retries == 0) f->o.retries = 2;
    if (f->o.retries < 0) f->o.retries = 0;
    if (!f->o.retry_cap_s) f->o.retry_cap_s = 60;
    f->ua = bt_xstrdup(f->o.user_agent && *f->o.user_agent ? f->o.user_agent
                                                           : bt_fetch_default_user_agent());
    /* Trust anchors as the curl tool takes them from the environment (libcurl itself reads none
     * of these): CURL_CA_BUNDLE, else SSL_CERT_FILE / SSL_CERT_DIR. One that cannot be read is
     * said at once, rather than as a TLS failure of every URL. */
    const char *cab = getenv("CURL_CA_BUNDLE"), *scf = getenv("SSL_CERT_FILE"), *scd = getenv("SSL_CERT_DIR");
    const char *var = cab && *cab ? "CURL_CA_BUNDLE" : scf && *scf ? "SSL_CERT_FILE" : NULL;
    const char *file = cab && *cab ? cab : scf && *scf ? scf : NULL;
    if (file && access(file, R_OK) != 0) {
        bt_err_set(e, BT_EUSAGE, "%s names %s: %s", var, file, strerror(errno));
        free(f->ua);
        free(f);
        return NULL;
    }
    if (file) f->ca_file = bt_xstrdup(file);
    if (!(cab && *cab) && scd && *scd) f->ca_dir = bt_xstrdup(scd);
    f->o.user_agent = f->ua;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&f->share_mu[i], NULL);
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    f->share = curl_share_init();
    if (f->share) {
        curl_share_setopt(f->share, CURLSHOPT_LOCKFUNC, share_lock);
        curl_share_setopt(f->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
        curl_share_setopt(f->share, CURLSHOPT_USERDATA, f);
        curl_share_setopt(f->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(f->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
    return f;
}

void bt_fetcher_free(bt_fetcher *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->npool; i++) curl_easy_cleanup(f->pool[i]);
    free(f->pool);
    if (f->share) curl_share_cleanup(f->share);
    for (size_t i = 0; i < f->nhosts; i++) free(f->hosts[i].key);
    free(f->hosts);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_destroy(&f->share_mu[i]);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    free(f->ua);
    free(f->ca_file);
    free(f->ca_dir);
    free(f);
}

static CURL *take_handle(bt_fetcher *f)
{
    CURL *h = NULL;
    pthread_mutex_lock(&f->mu);
    if (f->npool) h = f->pool[--f->npool];
    pthread_mutex_unlock(&f->mu);
    if (h) curl_easy_reset(h);
    else h = curl_easy_init();
    return h;
}

static void give_handle(bt_fetcher *f, CURL *h)
{
    pthread_mutex_lock(&f->mu);
    if (f->npool < 16) {
        if (f->npool == f->pool_cap) {
            f->pool_cap = f->pool_cap ? f->pool_cap * 2 : 8;
            f->pool = bt_xrealloc(f->pool, f->pool_cap * sizeof *f->pool);
        }
        f->pool[f->npool++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&f->mu);
    if (h) curl_easy_cleanup(h);
}

/* The slot of key's host, made on first use (with f->mu held). */
static host_slot *host_slot_of(bt_fetcher *f, const char *key)
{
    for (size_t i = 0; i < f->nhosts; i++)
        if (strcmp(f->hosts[i].key, key) == 0) return &f->hosts[i];
    if (f->nhosts == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->hosts = bt_xrealloc(f->hosts, f->cap * sizeof *f->hosts);
    }
    host_slot *s = &f->hosts[f->nhosts++];
    s->key = bt_xstrdup(key);
    s->active = 0;
    s->last_start = -1e9;
    s->delay = 0;
    return s;
}

void bt_fetcher_host_delay(bt_fetcher *f, const char *url, double seconds)
{
    char *key = bt_url_origin(url);
    if (!key) return;
    pthread_mutex_lock(&f->mu);
    host_slot_of(f, key)->delay = seconds > 0 ? seconds : 0;
    pthread_mutex_unlock(&f->mu);
    free(key);
}

/* Wait for a free slot on key's host (per_host at a time, the host's delay between starts). */
static void host_acquire(bt_fetcher *f, const char *key)
{
    pthread_mutex_lock(&f->mu);
    size_t idx = (size_t)(host_slot_of(f, key) - f->hosts);
    for (;;) {
        host_slot *s = &f->hosts[idx]; /* the array may have moved while we waited */
        double delay = s->delay > f->o.delay_s ? s->delay : f->o.delay_s;
        double wait = s->last_start + delay - mono_s();
        if (s->active < f->o.per_host && wait <= 0) break;
        if (s->active < f->o.per_host) {
            /* only the delay keeps us: sleep it off without holding the lock */
            pthread_mutex_unlock(&f->mu);
            sleep_s(wait);
            pthread_mutex_lock(&f->mu);
            continue;
        }
        pthread_cond_wait(&f->cv, &f->mu);
    }
    f->hosts[idx].active++;
    f->hosts[idx].last_start = mono_s();
    pthread_mutex_unlock(&f->mu);
}

static void host_release(bt_fetcher *f, const char *key)
{
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->nhosts; i++)
        if (strcmp(f->hosts[i].key, key) == 0 && f->hosts[i].active > 0) f->hosts[i].active--;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

/* ---- headers ---- */

char *bt_http_header(const char *head, size_t len, const char *name)
{
    size_t nl = strlen(name);
    const char *p = head, *end = head + len;
    char *found = NULL;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1, *ve = eol;
            while (v < ve && (*v == ' ' || *v == '\t')) v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t')) ve--;
            free(found); /* the last one wins (repeated headers are rare for the ones we read) */
            found = bt_xstrndup(v, (size_t)(ve - v));
        }
        p = eol + 1;
    }
    return found;
}

char *bt_http_charset(const char *ct)
{
    if (!ct) return NULL;
    const char *p = ct;
    while ((p = strchr(p, ';')) != NULL) {
        p++;
        while (*p == ' ' || *p == '\t') p++;
        if (strncasecmp(p, "charset", 7) != 0) continue;
        const char *v = p + 7;
        while (*v == ' ') v++;
        if (*v != '=') continue;
        v++;
        while (*v == ' ') v++;
        int q = *v == '"' || *v == '\'';
        if (q) v++;
        size_t n = 0;
        while (v[n] && v[n] != ';' && v[n] != ' ' && v[n] != '"' && v[n] != '\'') n++;
        return n ? bt_xstrndup(v, n) : NULL;
    }
    return NULL;
}

const char *bt_http_reason(long s)
{
    switch (s) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

/* ---- one exchange ---- */

typedef struct {
    bt_fetcher *f;
    bt_buf head, body, req;
    size_t cap;
    int too_big;
    int check_addr;      /* apply the address rule to this hop */
    int blocked;         /* the rule refused the connection */
    bt_addr_class peer;  /* class of the address used */
    char peer_ip[128];
    int proxied;
} xfer;

static size_t on_body(char *p, size_t sz, size_t n, void *u)
{
    xfer *x = u;
    size_t k = sz * n;
    if (x->body.len + k > x->cap) {
        x->too_big = 1;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    bt_buf_add(&x->body, p, k);
    return k;
}

static size_t on_header(char *p, size_t sz, size_t n, void *u)
{
    xfer *x = u;
    size_t k = sz * n;
    /* A new status line starts a new response (after 100 Continue and the like): keep the last. */
    if (k >= 5 && strncmp(p, "HTTP/", 5) == 0) bt_buf_reset(&x->head);
    if (x->head.len + k > 256 * 1024) return 0; /* a header flood */
    bt_buf_add(&x->head, p, k);
    return k;
}

static int on_debug(CURL *h, curl_infotype t, char *p, size_t n, void *u)
{
    (void)h;
    xfer *x = u;
    if (t == CURLINFO_HEADER_OUT) {
        bt_buf_reset(&x->req);
        bt_buf_add(&x->req, p, n);
    }
    return 0;
}

/* Called once the connection (new or reused) is there, before the request is sent: the address
 * it really uses is checked here, so DNS rebinding cannot slip past. */
static int on_prereq(void *u, char *ip, char *local_ip, int port, int local_port)
{
    (void)local_ip;
    (void)port;
    (void)local_port;
    xfer *x = u;
    snprintf(x->peer_ip, sizeof x->peer_ip, "%s", ip ? ip : "");
    if (x->proxied) return CURL_PREREQFUNC_OK; /* the proxy's address says nothing of the target */
    x->peer = bt_addr_classify(ip);
    if (x->check_addr && bt_addr_is_internal(x->peer)) {
        x->blocked = 1;
        return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
}

/* Does curl send this URL through a proxy from the environment? (curl's own rules: the scheme's
 * variable, then ALL_PROXY; NO_PROXY host suffixes or "*".) */
static int env_proxied(const char *scheme, const char *host)
{
    const char *p = NULL;
    if (strcmp(scheme, "https") == 0) p = getenv("https_proxy") ? getenv("https_proxy") : getenv("HTTPS_PROXY");
    else p = getenv("http_proxy");
    if (!p || !*p) p = getenv("all_proxy") ? getenv("all_proxy") : getenv("ALL_PROXY");
    if (!p || !*p) return 0;
    const char *np = getenv("no_proxy") ? getenv("no_proxy") : getenv("NO_PROXY");
    if (!np) return 1;
    size_t hl = strlen(host);
    const char *s = np;
    while (*s) {
        while (*s == ',' || *s == ' ') s++;
        const char *t = s;
        while (*s && *s != ',' && *s != ' ') s++;
        size_t n = (size_t)(s - t);
        if (n == 1 && *t == '*') return 0;
        if (n && *t == '.') { t++; n--; }
        if (n && hl >= n && strncasecmp(host + hl - n, t, n) == 0 &&
            (hl == n || host[hl - n - 1] == '.'))
            return 0;
    }
    return 1;
}

/* The class of a host reached through a proxy: an IP address's own; localhost and *.localhost
 * loopback (RFC 6761); another name, when resolve is set, the most internal class among the
 * addresses it resolves to here (the proxy may resolve it otherwise: DNS rebinding through a
 * proxy cannot be seen from here); BT_ADDR_INVALID when nothing can be said (a name not
 * resolved, or one only the proxy can resolve). shown: what a message names. */
static bt_addr_class proxied_target_class(const char *host, int resolve, char *shown, size_t cap)
{
    snprintf(shown, cap, "%s", host);
    char h[256];
    size_t n = strlen(host);
    if (n >= sizeof h) return BT_ADDR_INVALID;
    memcpy(h, host, n + 1);
    if (n > 2 && h[0] == '[' && h[n - 1] == ']') { /* an IPv6 literal in a URL */
        memmove(h, h + 1, n - 2);
        h[n - 2] = '\0';
        n -= 2;
    }
    while (n && h[n - 1] == '.') h[--n] = '\0'; /* "localhost." is localhost */
    bt_addr_class c = bt_addr_classify(h);
    if (c != BT_ADDR_INVALID) return c;
    if (strcasecmp(h, "localhost") == 0 || (n > 10 && strcasecmp(h + n - 10, ".localhost") == 0))
        return BT_ADDR_LOOPBACK;
    if (!resolve) return BT_ADDR_INVALID;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(h, NULL, &hints, &res) != 0) return BT_ADDR_INVALID;
    bt_addr_class worst = BT_ADDR_INVALID;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        bt_addr_class k = bt_addr_classify_sa(a->ai_addr);
        if (k == BT_ADDR_INVALID) continue;
        if (worst == BT_ADDR_INVALID || (bt_addr_is_internal(k) && !bt_addr_is_internal(worst))) {
            worst = k;
            char ip[INET6_ADDRSTRLEN] = "";
            const void *src = a->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr
                                                      : (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr;
            if (inet_ntop(a->ai_family, src, ip, sizeof ip)) snprintf(shown, cap, "%.60s (%s)", host, ip);
        }
    }
    freeaddrinfo(res);
    return worst;
}

static void free_exchange(bt_http_exchange *x)
{
    free(x->url);
    free(x->ip);
    free(x->req_head);
    free(x->resp_head);
    free(x->payload);
}

void bt_fetch_result_free(bt_fetch_result *r)
{
    if (!r) return;
    free(r->url);
    free(r->content_type);
    free(r->charset);
    free(r->etag);
    free(r->last_modified);
    free(r->date);
    free(r->content_encoding);
    free(r->body);
    for (size_t i = 0; i < r->nx; i++) free_exchange(&r->x[i]);
    free(r->x);
    memset(r, 0, sizeof *r);
}

/* Seconds to wait from a Retry-After value (delta-seconds or an HTTP date); -1 if unusable. */
static long retry_after_s(const char *v)
{
    if (!v || !*v) return -1;
    if (isdigit((unsigned char)*v)) {
        char *end;
        long s = strtol(v, &end, 10);
        return *end == '\0' && s >= 0 ? s : -1;
    }
    time_t t = curl_getdate(v, NULL);
    if (t < 0) return -1;
    long d = (long)(t - time(NULL));
    return d < 0 ? 0 : d;
}

static const char *scheme_ok(const char *url)
{
    return bt_url_is_web(url) ? NULL : "only http and https URLs are fetched";
}

/* Message and transience for a failed curl transfer. */
static bt_status curl_failure(CURLcode rc, const xfer *x, const char *errbuf, const char *url,
                              long timeout, size_t cap, bt_fetch_result *r, bt_err *e)
{
    r->transient = 1;
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST: {
        char *host = bt_url_host(url);
        bt_err_set(e, BT_EIO, "cannot resolve the host name %s", host ? host : "");
        free(host);
        return BT_EIO;
    }
    case CURLE_COULDNT_RESOLVE_PROXY: return bt_err_set(e, BT_EIO, "cannot resolve the proxy: %s", errbuf);
    case CURLE_COULDNT_CONNECT: return bt_err_set(e, BT_EIO, "connection refused or unreachable (%s)", errbuf);
    case CURLE_OPERATION_TIMEDOUT:
        if (strstr(errbuf, "too slow"))
            return bt_err_set(e, BT_EIO, "timed out: the server sent too little for too long");
        return bt_err_set(e, BT_EIO, "timed out after %ld s", timeout);
    case CURLE_PARTIAL_FILE: return bt_err_set(e, BT_EIO, "body cut short (%s)", errbuf);
    case CURLE_GOT_NOTHING: return bt_err_set(e, BT_EIO, "the server closed the connection without an answer");
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR: return bt_err_set(e, BT_EIO, "connection broken (%s)", errbuf);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        r->transient = 0;
        if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
            return bt_err_set(e, BT_EIO, "TLS failure: %s (--insecure skips verification; CURL_CA_BUNDLE or "
                              "SSL_CERT_FILE names other trusted certificates)", errbuf);
        return bt_err_set(e, BT_EIO, "TLS failure: %s (--insecure skips verification)", errbuf);
    case CURLE_ABORTED_BY_CALLBACK:
        if (x->blocked) {
            r->transient = 0;
            return bt_err_set(e, BT_EUNSAFE,
                              "refused: the address %s is %s (a page may not point there; "
                              "--allow-private allows it)",
                              x->peer_ip, bt_addr_class_name(x->peer));
        }
        break;
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
        if (x->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
            r->transient = 0;
            return bt_err_set(e, BT_ELIMIT, "response larger than %zu bytes", cap);
        }
        break;
    case CURLE_UNSUPPORTED_PROTOCOL:
        r->transient = 0;
        return bt_err_set(e, BT_EUSAGE, "%s", errbuf);
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_URL_MALFORMAT:
        r->transient = 0;
        return bt_err_set(e, BT_EUSAGE, "not a valid URL (%s)", errbuf);
    default: break;
    }
    return bt_err_set(e, BT_EIO, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
}

/* One request/answer. Fills ex (the evidence) and r's status; returns the curl code. */
static CURLcode exchange(bt_fetcher *f, const char *url, const bt_fetch_req *rq, int check_addr,
                         size_t cap, xfer *x, bt_http_exchange *ex, char *errbuf)
{
    CURL *h = take_handle(f);
    if (!h) {
        snprintf(errbuf, CURL_ERROR_SIZE, "cannot create a libcurl handle");
        return CURLE_OUT_OF_MEMORY;
    }
    memset(x, 0, sizeof *x);
    x->f = f;
    x->cap = cap;
    x->check_addr = check_addr;
    x->peer = BT_ADDR_INVALID;
    char *scheme = bt_url_scheme(url), *host = bt_url_host(url);
    x->proxied = scheme && host && env_proxied(scheme, host);
    if (x->proxied && host) {
        /* Through a proxy, the connection's address is the proxy's: the target is judged by its
         * name instead (an IP address, localhost, or what the name resolves to here). */
        char shown[128];
        bt_addr_class c = proxied_target_class(host, check_addr, shown, sizeof shown);
        x->peer = c == BT_ADDR_INVALID ? BT_ADDR_PUBLIC : c;
        if (check_addr && bt_addr_is_internal(x->peer)) {
            x->blocked = 1;
            snprintf(x->peer_ip, sizeof x->peer_ip, "%s", shown);
        }
    }
    free(scheme);
    free(host);
    if (x->blocked) {
        give_handle(f, h);
        errbuf[0] = '\0';
        return CURLE_ABORTED_BY_CALLBACK;
    }
    bt_buf_add(&x->head, "", 0);
    bt_buf_add(&x->body, "", 0);
    bt_buf_add(&x->req, "", 0);
    errbuf[0] = '\0';

    struct curl_slist *hdrs = NULL;
    char *line = NULL;
    if (rq && rq->etag && *rq->etag) {
        line = bt_xasprintf("If-None-Match: %s", rq->etag);
        hdrs = curl_slist_append(hdrs, line);
        free(line);
    }
    if (rq && rq->last_modified && *rq->last_modified) {
        line = bt_xasprintf("If-Modified-Since: %s", rq->last_modified);
        hdrs = curl_slist_append(hdrs, line);
        free(line);
    }
    if (rq && rq->accept) {
        line = bt_xasprintf("Accept: %s", rq->accept);
        hdrs = curl_slist_append(hdrs, line);
        free(line);
    }

    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* hops are followed (and checked) by hand */
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(h, CURLOPT_USERAGENT, f->ua);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    /* Ask for every coding libcurl knows but keep the body as sent: it goes into the WARC as
     * received and decode.c undoes the coding with a cap. */
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, f->o.insecure ? 0L : 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, f->o.insecure ? 0L : 2L);
    if (f->ca_file) curl_easy_setopt(h, CURLOPT_CAINFO, f->ca_file);
    if (f->ca_dir) curl_easy_setopt(h, CURLOPT_CAPATH, f->ca_dir);
    long timeout = f->o.timeout_s;
    curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout < 15 ? timeout : 15L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 10L); /* bytes/s ... */
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, timeout < 30 ? timeout : 30L); /* ... for this long */
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, x);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L); /* only so that the debug callback sees the request */
    curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(h, CURLOPT_PREREQDATA, x);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    if (f->share) curl_easy_setopt(h, CURLOPT_SHARE, f->share);

    ex->url = bt_xstrdup(url);
    ex->time_us = wall_us();
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    ex->status = status;
    if (x->peer_ip[0]) ex->ip = bt_xstrdup(x->peer_ip);
    ex->req_head = bt_buf_detach(&x->req, &ex->req_head_len);
    ex->resp_head = bt_buf_detach(&x->head, &ex->resp_head_len);
    ex->payload = bt_buf_detach(&x->body, &ex->payload_len);
    curl_slist_free_all(hdrs);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(h, CURLOPT_SHARE, NULL);
    give_handle(f, h);
    return rc;
}

static int is_redirect(long s)
{
    return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

bt_status bt_fetch(bt_fetcher *f, const char *url0, const bt_fetch_req *rq, bt_fetch_result *r,
                   bt_err *e)
{
    memset(r, 0, sizeof *r);
    double t0 = mono_s();
    static const bt_fetch_req none = {0};
    if (!rq) rq = &none;
    size_t cap = rq->max_bytes ? rq->max_bytes : f->o.max_bytes;
    const char *why = scheme_ok(url0);
    if (why) return bt_err_set(e, BT_EUSAGE, "%s", why);
    char *url = bt_url_resolve(NULL, url0);
    if (!url) return bt_err_set(e, BT_EUSAGE, "not a valid URL");

    bt_status st = BT_OK;
    int check = rq->referenced && !rq->referrer_internal && !f->o.allow_private;
    int hops = 0, retries = 0;
    char **seen = NULL;
    size_t nseen = 0;
    char errbuf[CURL_ERROR_SIZE];
    for (;;) {
        r->x = bt_xrealloc(r->x, (r->nx + 1) * sizeof *r->x);
        bt_http_exchange *ex = &r->x[r->nx++];
        memset(ex, 0, sizeof *ex);
        xfer x;
        char *key = bt_url_origin(url);
        host_acquire(f, key ? key : "");
        CURLcode rc = exchange(f, url, rq, check, cap, &x, ex, errbuf);
        host_release(f, key ? key : "");
        free(key);
        bt_buf_free(&x.head);
        bt_buf_free(&x.body);
        bt_buf_free(&x.req);
        r->status = ex->status;
        r->internal = x.peer != BT_ADDR_INVALID && bt_addr_is_internal(x.peer);
        r->date_us = ex->time_us;
        if (rc != CURLE_OK) {
            st = curl_failure(rc, &x, errbuf, url, f->o.timeout_s, cap, r, e);
            break;
        }
        long s = ex->status;
        if (is_redirect(s)) {
            char *loc = bt_http_header(ex->resp_head, ex->resp_head_len, "Location");
            char *next = loc ? bt_url_resolve(url, loc) : NULL;
            if (!next) {
                st = bt_err_set(e, BT_EPARSE, "HTTP %ld redirect without a usable Location", s);
                free(loc);
                break;
            }
            free(loc);
            if (!bt_url_is_web(next)) {
                st = bt_err_set(e, BT_EUNSAFE, "redirect to a non-http(s) URL refused: %.200s", next);
                free(next);
                break;
            }
            int loop = strcmp(next, url) == 0;
            for (size_t i = 0; i < nseen && !loop; i++) loop = strcmp(seen[i], next) == 0;
            if (loop) {
                st = bt_err_set(e, BT_EPARSE, "redirect loop (%.200s)", next);
                free(next);
                break;
            }
            if (++hops > f->o.max_redirects) {
                st = bt_err_set(e, BT_ELIMIT, "more than %d redirects", f->o.max_redirects);
                free(next);
                break;
            }
            seen = bt_xrealloc(seen, (nseen + 1) * sizeof *seen);
            seen[nseen++] = url;
            url = next;
            /* the next hop is referenced by this answer: the address rule applies unless this
             * answer itself came from a non-public address (or the user allowed them) */
            check = !f->o.allow_private && !r->internal;
            continue;
        }
        if ((s == 429 || s == 503) && retries < f->o.retries) {
            char *ra = bt_http_header(ex->resp_head, ex->resp_head_len, "Retry-After");
            long wait = ra ? retry_after_s(ra) : (1L << retries);
            free(ra);
            if (wait >= 0 && wait <= f->o.retry_cap_s) {
                retries++;
                sleep_s(wait > 0 ? (double)wait : 0.2);
                continue;
            }
        }
        break;
    }
    for (size_t i = 0; i < nseen; i++) free(seen[i]);
    free(seen);
    r->url = url;
    r->ms = (mono_s() - t0) * 1000.0;
    if (st != BT_OK) return st;

    bt_http_exchange *last = &r->x[r->nx - 1];
    const char *hd = last->resp_head;
    size_t hl = last->resp_head_len;
    r->content_type = bt_http_header(hd, hl, "Content-Type");
    r->charset = bt_http_charset(r->content_type);
    r->etag = bt_http_header(hd, hl, "ETag");
    r->last_modified = bt_http_header(hd, hl, "Last-Modified");
    r->date = bt_http_header(hd, hl, "Date");
    r->content_encoding = bt_http_header(hd, hl, "Content-Encoding");
    long s = r->status;
    if (s == 304 && (rq->etag || rq->last_modified)) return BT_OK;
    if (s < 200 || s > 299) {
        r->transient = s == 429 || s == 408 || s >= 500;
        const char *why2 = bt_http_reason(s);
        if (s == 429 || s == 503) {
            char *ra = bt_http_header(hd, hl, "Retry-After");
            if (ra) {
                st = bt_err_set(e, BT_EIO, "HTTP %ld %s (Retry-After: %.40s)", s, why2, ra);
                free(ra);
                return st;
            }
        }
        return bt_err_set(e, BT_EIO, "HTTP %ld%s%s", s, *why2 ? " " : "", why2);
    }
    bt_err le;
    bt_err_clear(&le);
    st = bt_decode_body(r->content_encoding, last->payload, last->payload_len, cap, &r->body,
                        &r->body_len, &le);
    if (st != BT_OK) return bt_err_set(e, st, "%s", le.msg);
    return BT_OK;
}

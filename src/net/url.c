/* url.c - URL helpers on top of libcurl's URL API. */
#include "url.h"

#include <ctype.h>
#include <curl/curl.h>
#include "curl_dl.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

int bt_url_has_scheme(const char *s)
{
    if (!s || !isalpha((unsigned char)s[0])) return 0;
    size_t i = 1;
    while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.') i++;
    return strncmp(s + i, "://", 3) == 0;
}

int bt_url_is_web(const char *s)
{
    return s && (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0);
}

/* curl's strings come from curl's allocator: copy them into ours. */
static char *take(char *s)
{
    if (!s) return NULL;
    char *r = bt_xstrdup(s);
    curl_free(s);
    return r;
}

static CURLU *parse(const char *base, const char *ref)
{
    if (bt_curl_load() != 0) return NULL; /* (every other libcurl call here follows a parse) */
    CURLU *h = curl_url();
    if (!h) return NULL;
    /* Default scheme off: "example.com/x" is not a URL here. Non-ASCII is percent-encoded the way
     * browsers send it (CURLU_URLENCODE only touches characters that need it). */
    unsigned flags = CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE;
    if (base && curl_url_set(h, CURLUPART_URL, base, flags) != CURLUE_OK) {
        curl_url_cleanup(h);
        return NULL;
    }
    if (ref && curl_url_set(h, CURLUPART_URL, ref, flags) != CURLUE_OK) {
        curl_url_cleanup(h);
        return NULL;
    }
    return h;
}

char *bt_url_resolve(const char *base, const char *ref)
{
    if (!ref) return NULL;
    /* white space around a URL in a feed or an attribute is not part of it */
    while (*ref == ' ' || *ref == '\t' || *ref == '\n' || *ref == '\r') ref++;
    size_t n = strlen(ref);
    while (n && (ref[n - 1] == ' ' || ref[n - 1] == '\t' || ref[n - 1] == '\n' || ref[n - 1] == '\r')) n--;
    if (n == 0) return NULL;
    char *r = bt_xstrndup(ref, n);
    CURLU *h = parse(base, r);
    free(r);
    if (!h) return NULL;
    curl_url_set(h, CURLUPART_FRAGMENT, NULL, 0);
    char *out = NULL;
    CURLUcode rc = curl_url_get(h, CURLUPART_URL, &out, 0);
    curl_url_cleanup(h);
    return rc == CURLUE_OK ? take(out) : NULL;
}

static char *part(const char *url, CURLUPart p, unsigned flags)
{
    CURLU *h = parse(NULL, url);
    if (!h) return NULL;
    char *out = NULL;
    CURLUcode rc = curl_url_get(h, p, &out, flags);
    curl_url_cleanup(h);
    return rc == CURLUE_OK ? take(out) : NULL;
}

char *bt_url_host(const char *url)
{
    char *h = part(url, CURLUPART_HOST, 0);
    if (!h) return NULL;
    size_t n = strlen(h);
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
        memmove(h, h + 1, n - 2);
        h[n - 2] = '\0';
    }
    for (char *p = h; *p; p++) *p = (char)tolower((unsigned char)*p);
    return h;
}

char *bt_url_scheme(const char *url)
{
    char *s = part(url, CURLUPART_SCHEME, 0);
    if (s)
        for (char *p = s; *p; p++) *p = (char)tolower((unsigned char)*p);
    return s;
}

char *bt_url_origin(const char *url)
{
    char *host = bt_url_host(url);
    char *port = part(url, CURLUPART_PORT, CURLU_DEFAULT_PORT);
    char *r = host ? bt_xasprintf("%s:%s", host, port ? port : "") : NULL;
    free(host);
    free(port);
    return r;
}

char *bt_url_path(const char *url)
{
    char *p = part(url, CURLUPART_PATH, 0);
    char *q = part(url, CURLUPART_QUERY, 0);
    char *r = bt_xasprintf("%s%s%s", p && *p ? p : "/", q ? "?" : "", q ? q : "");
    free(p);
    free(q);
    return r;
}

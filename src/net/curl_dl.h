/* curl_dl.h - libcurl, loaded when the network is first needed instead of at process start.
 *
 * Linking libcurl makes every bantin process map it and the ~30 libraries it needs (TLS, LDAP,
 * Kerberos, SSH, IDN...): about 10 ms before main() runs, half the time of converting one text
 * file, for a library that most runs never call. The few functions bantin uses are looked up
 * with dlopen/dlsym on first use instead (the ABI is libcurl.so.4's, stable since 2006).
 *
 * Include after <curl/curl.h>, in the files that call libcurl only: the calls below then go
 * through the table. bt_curl_load() must have returned 0 before any of them is called. */
#ifndef BT_CURL_DL_H
#define BT_CURL_DL_H

#include <curl/curl.h>

typedef struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_reset)(CURL *);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLSH *(*share_init)(void);
    CURLSHcode (*share_setopt)(CURLSH *, CURLSHoption, ...);
    CURLSHcode (*share_cleanup)(CURLSH *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    time_t (*getdate)(const char *, const time_t *);
    void (*free)(void *);
    CURLU *(*url)(void);
    void (*url_cleanup)(CURLU *);
    CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
    CURLUcode (*url_get)(const CURLU *, CURLUPart, char **, unsigned int);
} bt_curl_api;

extern bt_curl_api bt_curl_fn;

/* Load libcurl once (thread-safe) and call curl_global_init. 0 when ready; -1 when it cannot
 * be loaded, with the reason in bt_curl_error() (a static string). */
int bt_curl_load(void);
const char *bt_curl_error(void);

/* curl.h may define some of these as type-checking macros; the table replaces them. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_share_setopt
#define curl_global_init (bt_curl_fn.global_init)
#define curl_easy_init (bt_curl_fn.easy_init)
#define curl_easy_setopt (bt_curl_fn.easy_setopt)
#define curl_easy_perform (bt_curl_fn.easy_perform)
#define curl_easy_getinfo (bt_curl_fn.easy_getinfo)
#define curl_easy_reset (bt_curl_fn.easy_reset)
#define curl_easy_cleanup (bt_curl_fn.easy_cleanup)
#define curl_easy_strerror (bt_curl_fn.easy_strerror)
#define curl_share_init (bt_curl_fn.share_init)
#define curl_share_setopt (bt_curl_fn.share_setopt)
#define curl_share_cleanup (bt_curl_fn.share_cleanup)
#define curl_slist_append (bt_curl_fn.slist_append)
#define curl_slist_free_all (bt_curl_fn.slist_free_all)
#define curl_getdate (bt_curl_fn.getdate)
#define curl_free (bt_curl_fn.free)
#define curl_url (bt_curl_fn.url)
#define curl_url_cleanup (bt_curl_fn.url_cleanup)
#define curl_url_set (bt_curl_fn.url_set)
#define curl_url_get (bt_curl_fn.url_get)

#endif

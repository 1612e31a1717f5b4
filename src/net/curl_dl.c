/* curl_dl.c - libcurl looked up on first use (see curl_dl.h for why). */
#include "curl_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

bt_curl_api bt_curl_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded = -1;
static const char *why = "libcurl not loaded";

/* dlsym returns void *; POSIX guarantees it converts to a function pointer. */
#define SYM(field, name)                                                                        \
    do {                                                                                        \
        void *p_ = dlsym(h, name);                                                              \
        if (!p_) {                                                                              \
            why = "libcurl.so.4 lacks " name " (libcurl 7.62 or newer is needed)";              \
            return;                                                                             \
        }                                                                                       \
        memcpy(&bt_curl_fn.field, &p_, sizeof p_);                                              \
    } while (0)

static void load(void)
{
    /* RTLD_NODELETE: handles and threads of libcurl may outlive any caller; never unloaded. */
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!h) {
        why = "libcurl.so.4 cannot be loaded (install libcurl4)";
        return;
    }
    SYM(global_init, "curl_global_init");
    SYM(easy_init, "curl_easy_init");
    SYM(easy_setopt, "curl_easy_setopt");
    SYM(easy_perform, "curl_easy_perform");
    SYM(easy_getinfo, "curl_easy_getinfo");
    SYM(easy_reset, "curl_easy_reset");
    SYM(easy_cleanup, "curl_easy_cleanup");
    SYM(easy_strerror, "curl_easy_strerror");
    SYM(share_init, "curl_share_init");
    SYM(share_setopt, "curl_share_setopt");
    SYM(share_cleanup, "curl_share_cleanup");
    SYM(slist_append, "curl_slist_append");
    SYM(slist_free_all, "curl_slist_free_all");
    SYM(getdate, "curl_getdate");
    SYM(free, "curl_free");
    SYM(url, "curl_url");
    SYM(url_cleanup, "curl_url_cleanup");
    SYM(url_set, "curl_url_set");
    SYM(url_get, "curl_url_get");
    if (bt_curl_fn.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        why = "libcurl's global set-up failed";
        return;
    }
    loaded = 0;
}

int bt_curl_load(void)
{
    pthread_once(&once, load);
    return loaded;
}

const char *bt_curl_error(void)
{
    return why;
}

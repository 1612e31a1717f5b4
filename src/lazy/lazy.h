/* lazy.h - libraries loaded on first use instead of at process start.
 *
 * Every shared library a program is linked with is mapped, relocated and symbol-bound before
 * main() runs, whether the run calls it or not. For bantin most runs need few of them: turning
 * a text file into a PDF never touches libxml2 (and the ICU and C++ libraries it brings),
 * libzip and OpenSSL's libcrypto (about 3,400 symbol bindings on their own), uchardet or the
 * GIF, WebP and JPEG decoders; yet loading them was about half of such a process's time.
 *
 * So these libraries are compiled against (their headers, their types) but not linked: the
 * files beside this one define each function bantin calls, with the library's own prototype
 * (the compiler checks it against the header), as a small forwarder that loads the library
 * with dlopen the first time one of its functions is called and then calls the real one. The
 * callers are unchanged. libcurl does the same through a table of its own (net/curl_dl.h):
 * curl_easy_setopt and curl_easy_getinfo take variable arguments, which a forwarder cannot pass
 * on, and a missing libcurl fails that source, not the whole run.
 *
 * A library that cannot be loaded when it is first needed (a broken installation) ends the
 * process with a one-line message and exit status 4, as a missing resource does. */
#ifndef BT_LAZY_H
#define BT_LAZY_H

#include <stdatomic.h>
#include <string.h>

typedef struct {
    const char *soname; /* e.g. "libzip.so.4": the ABI the headers describe */
    _Atomic(void *) handle;
    /* called once, right after loading and before any function of the library runs, with
     * dlopen's handle (NULL: none) */
    void (*init)(void *handle);
} bt_lazy_lib;

/* lib's handle if it is loaded, else NULL. */
void *bt_lazy_loaded(bt_lazy_lib *lib);

/* The address of symbol name in lib, loading lib first if needed; cached in *slot. Never
 * NULL (exits instead). Thread-safe. */
void *bt_lazy_sym(bt_lazy_lib *lib, _Atomic(void *) *slot, const char *name);

/* A forwarder: ret name params { return real_name args; } (BT_LAZY_VOID: no value). */
#define BT_LAZY_FN(lib, ret, name, params, args)                                                   \
    ret name params                                                                                \
    {                                                                                              \
        static _Atomic(void *) slot_;                                                              \
        void *p_ = bt_lazy_sym(&lib, &slot_, #name);                                               \
        ret(*f_) params;                                                                           \
        memcpy(&f_, &p_, sizeof f_); /* (dlsym gives a void *; POSIX makes it a function) */       \
        return f_ args;                                                                            \
    }
#define BT_LAZY_VOID(lib, name, params, args)                                                      \
    void name params                                                                               \
    {                                                                                              \
        static _Atomic(void *) slot_;                                                              \
        void *p_ = bt_lazy_sym(&lib, &slot_, #name);                                               \
        void(*f_) params;                                                                          \
        memcpy(&f_, &p_, sizeof f_);                                                               \
        f_ args;                                                                                   \
    }

#endif

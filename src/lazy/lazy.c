/* lazy.c - loading a library on first use (see lazy.h). */
#include "lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static _Noreturn void fail(const char *what, const char *soname)
{
    const char *why = dlerror();
    fprintf(stderr, "bantin: %s %s (%s)\n", soname, what, why ? why : "?");
    exit(4); /* missing resources (the exit status of a missing font or data folder) */
}

static void *load(bt_lazy_lib *lib)
{
    void *h = atomic_load_explicit(&lib->handle, memory_order_acquire);
    if (h) return h;
    pthread_mutex_lock(&lock);
    h = atomic_load_explicit(&lib->handle, memory_order_relaxed);
    if (!h) {
        /* RTLD_NODELETE: never unloaded (its memory and threads may outlive any caller) */
        h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        if (!h) {
            pthread_mutex_unlock(&lock);
            fail("cannot be loaded", lib->soname);
        }
        if (lib->init) lib->init(h); /* (other threads wait on the lock meanwhile) */
        atomic_store_explicit(&lib->handle, h, memory_order_release);
    }
    pthread_mutex_unlock(&lock);
    return h;
}

void *bt_lazy_loaded(bt_lazy_lib *lib)
{
    return atomic_load_explicit(&lib->handle, memory_order_acquire);
}

void *bt_lazy_sym(bt_lazy_lib *lib, _Atomic(void *) *slot, const char *name)
{
    void *p = atomic_load_explicit(slot, memory_order_acquire);
    if (p) return p;
    p = dlsym(load(lib), name);
    if (!p) {
        char what[160];
        snprintf(what, sizeof what, "lacks %s", name);
        fail(what, lib->soname);
    }
    atomic_store_explicit(slot, p, memory_order_release);
    return p;
}

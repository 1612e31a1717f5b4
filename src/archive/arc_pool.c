/* arc_pool.c - the worker threads: o->jobs threads (the calling one among them) take the items of
 * a phase one at a time from a shared counter, so a slow article never holds up a whole share. */
#include "arc_int.h"

#include <stdlib.h>

typedef struct {
    arc_ctx *c;
    arc_job_fn fn;
} pool_arg;

static void *pool_main(void *p) {
    pool_arg *a = p;
    arc_ctx *c = a->c;
    for (;;) {
        pthread_mutex_lock(&c->mu);
        size_t i = c->next < c->total ? c->next++ : (size_t)-1;
        pthread_mutex_unlock(&c->mu);
        if (i == (size_t)-1) break;
        a->fn(c, i);
    }
    return NULL;
}

void arc_pool_run(arc_ctx *c, size_t total, arc_job_fn fn) {
    c->next = 0;
    c->done = 0;
    c->total = total;
    pool_arg a = {c, fn};
    int jobs = c->o->jobs < 1 ? 1 : c->o->jobs;
    if ((size_t)jobs > total) jobs = total ? (int)total : 1;
    pthread_t *th = bt_xcalloc((size_t)jobs, sizeof *th);
    char *started = bt_xcalloc((size_t)jobs, 1);
    for (int t = 1; t < jobs; t++) {
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setstacksize(&at, (size_t)8 << 20);
        started[t] = pthread_create(&th[t], &at, pool_main, &a) == 0;
        pthread_attr_destroy(&at);
    }
    pool_main(&a); /* a thread that could not start leaves its share to the others */
    for (int t = 1; t < jobs; t++)
        if (started[t]) pthread_join(th[t], NULL);
    free(started);
    free(th);
}

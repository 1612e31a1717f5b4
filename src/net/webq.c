/* webq.c - loader threads ahead of the render workers, with a bounded window. */
#include "webq.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NREADY 16

typedef struct {
    int state; /* 0 waiting, 1 loading, 2 loaded, 3 taken */
    bt_status st;
    bt_article *a;
    bt_load_info info;
    bt_err e;
} slot;

struct bt_webq {
    bt_source *s;
    const bt_item_list *l;
    const bt_validators *val;
    size_t window;
    slot *v;
    size_t next;   /* next item to start loading */
    size_t low;    /* lowest item not yet taken */
    int stop;
    double load_ms;
    pthread_mutex_t mu;
    /* Who is woken by what: a loader waits for room in the window (space, signalled when the
     * lowest item is taken), a worker for its item to be loaded (ready[i % NREADY]). One
     * condition for both woke every thread at every event, each to find it was not its turn. */
    pthread_cond_t space;
    pthread_cond_t ready[NREADY];
    pthread_t *t;
    int *started;
    int nt;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void *loader(void *u)
{
    bt_webq *q = u;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->stop && q->next < q->l->n && q->next >= q->low + q->window) pthread_cond_wait(&q->space, &q->mu);
        if (q->stop || q->next >= q->l->n) break;
        size_t i = q->next++;
        q->v[i].state = 1;
        pthread_mutex_unlock(&q->mu);
        slot r;
        memset(&r, 0, sizeof r);
        bt_err_clear(&r.e);
        double t0 = now_ms();
        r.st = bt_source_load(q->s, &q->l->v[i], q->val ? &q->val[i] : NULL, &r.a, &r.info, &r.e);
        double dt = now_ms() - t0;
        pthread_mutex_lock(&q->mu);
        r.state = 2;
        q->v[i] = r;
        q->load_ms += dt;
        pthread_cond_broadcast(&q->ready[i % NREADY]);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

bt_webq *bt_webq_new(bt_source *s, const bt_item_list *l, const bt_validators *val, int fetchers,
                     size_t window)
{
    bt_webq *q = bt_xcalloc(1, sizeof *q);
    q->s = s;
    q->l = l;
    q->val = val;
    q->window = window ? window : 16;
    q->v = bt_xcalloc(l->n ? l->n : 1, sizeof *q->v);
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->space, NULL);
    for (int k = 0; k < NREADY; k++) pthread_cond_init(&q->ready[k], NULL);
    if (fetchers < 1) fetchers = 1;
    q->nt = fetchers;
    q->t = bt_xcalloc((size_t)fetchers, sizeof *q->t);
    q->started = bt_xcalloc((size_t)fetchers, sizeof *q->started);
    for (int i = 0; i < fetchers; i++) q->started[i] = pthread_create(&q->t[i], NULL, loader, q) == 0;
    return q;
}

bt_status bt_webq_take(bt_webq *q, size_t i, bt_article **out, bt_load_info *info, bt_err *e)
{
    *out = NULL;
    if (i >= q->l->n) return bt_err_set(e, BT_EOTHER, "no such item");
    int any = 0;
    for (int k = 0; k < q->nt; k++) any |= q->started[k];
    if (!any) { /* no thread could start: load here */
        double t0 = now_ms();
        bt_status st = bt_source_load(q->s, &q->l->v[i], q->val ? &q->val[i] : NULL, out, info, e);
        q->load_ms += now_ms() - t0;
        return st;
    }
    pthread_mutex_lock(&q->mu);
    while (q->v[i].state != 2) {
        if (q->v[i].state == 3) {
            pthread_mutex_unlock(&q->mu);
            return bt_err_set(e, BT_EOTHER, "item taken twice");
        }
        pthread_cond_wait(&q->ready[i % NREADY], &q->mu);
    }
    slot *r = &q->v[i];
    r->state = 3;
    *out = r->a;
    r->a = NULL;
    if (info) *info = r->info;
    else bt_load_info_free(&r->info);
    memset(&r->info, 0, sizeof r->info);
    if (e) *e = r->e;
    bt_status st = r->st;
    size_t low = q->low;
    while (q->low < q->l->n && q->v[q->low].state == 3) q->low++;
    if (q->low != low) pthread_cond_broadcast(&q->space);
    pthread_mutex_unlock(&q->mu);
    return st;
}

void bt_webq_free(bt_webq *q)
{
    if (!q) return;
    pthread_mutex_lock(&q->mu);
    q->stop = 1;
    pthread_cond_broadcast(&q->space);
    pthread_mutex_unlock(&q->mu);
    for (int k = 0; k < q->nt; k++)
        if (q->started[k]) pthread_join(q->t[k], NULL);
    for (size_t i = 0; i < q->l->n; i++) {
        bt_article_free(q->v[i].a);
        bt_load_info_free(&q->v[i].info);
    }
    free(q->v);
    free(q->t);
    free(q->started);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->space);
    for (int k = 0; k < NREADY; k++) pthread_cond_destroy(&q->ready[k]);
    free(q);
}

double bt_webq_load_ms(const bt_webq *q)
{
    return q->load_ms;
}

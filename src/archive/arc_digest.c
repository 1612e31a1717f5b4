/* arc_digest.c - digest EPUBs: one per category and period (month, ISO week, or undated). A digest
 * is "dirty" when an article joined or left it; dirty digests are rendered again from their
 * articles' sources in the workers, or, when merging, copied from the one shard that holds all
 * their articles. */
#include "arc_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "out_epub.h"
#include "text.h"

int arc_date_ymd(const bt_date *d) {
    if (!d || !bt_date_valid(d)) return 0;
    return d->year * 10000 + d->month * 100 + d->day;
}

int arc_ymd_from_iso(const char *s) {
    bt_date d;
    return s && bt_date_parse_iso(s, &d) ? arc_date_ymd(&d) : 0;
}

/* ISO 8601 week of a date: sets *wy (week-based year) and *wk. */
static void iso_week(int ymd, int *wy, int *wk) {
    bt_date d = {ymd / 10000, ymd / 100 % 100, ymd % 100, 0, 0, 0, 0, 420};
    bt_date_iso_week(&d, wy, wk);
}

static int same_digest(void *ud, int32_t v, const void *key, size_t len) {
    const arc_ctx *c = ud;
    const char *name = c->dg[v].name;
    return strlen(name) == len && memcmp(name, key, len) == 0;
}

void arc_digest_init(arc_ctx *c) {
    c->dgmap.same = same_digest;
    c->dgmap.ud = c;
}

/* A category or period name, kept once for every digest that shows it. */
static const char *dg_string(arc_ctx *c, const char *s) {
    int32_t k = bt_map_gets(&c->dgnames, s);
    if (k < 0) {
        k = (int32_t)c->dgtext.n;
        bt_strvec_push(&c->dgtext, bt_xstrdup(s));
        bt_map_puts(&c->dgnames, s, k);
    }
    return c->dgtext.v[k];
}

int32_t arc_digest_get(arc_ctx *c, const char *name, const char *category, const char *label) {
    int32_t i = bt_idx_gets(&c->dgmap, name);
    if (i >= 0) return i;
    if (c->ndg == c->capdg) {
        c->capdg = c->capdg ? c->capdg * 2 : 64;
        c->dg = bt_xrealloc(c->dg, c->capdg * sizeof *c->dg);
    }
    arc_digest *d = &c->dg[c->ndg];
    memset(d, 0, sizeof *d);
    d->name = bt_strpool_add(&c->dgstr, name);
    d->category = dg_string(c, category ? category : "");
    d->label = dg_string(c, label ? label : "");
    d->from_bag = -1;
    bt_idx_puts(&c->dgmap, name, (int32_t)c->ndg);
    return (int32_t)c->ndg++;
}

static const char *const vi_khac = "Kh\xc3\xa1" "c";

void arc_digest_name(arc_ctx *c, const arc_record *r, char **name, char **cat, char **label) {
    const char *category = r->category;
    char *slug = category ? bt_slugify(category, 60) : NULL;
    if (!slug || !*slug) {
        free(slug);
        slug = bt_xstrdup("khac");
        category = vi_khac;
    }
    int ymd = arc_ymd_from_iso(r->date);
    char period[32];
    if (!ymd) {
        snprintf(period, sizeof period, "undated");
        *label = bt_xstrdup("ch\xc6\xb0" "a r\xc3\xb5 ng\xc3\xa0y");
    } else if (c->o->digest == BT_DIGEST_WEEK) {
        int wy, wk;
        iso_week(ymd, &wy, &wk);
        snprintf(period, sizeof period, "%04d-W%02d", wy, wk);
        *label = bt_xasprintf("tu\xe1\xba\xa7n %d/%04d", wk, wy);
    } else {
        snprintf(period, sizeof period, "%04d-%02d", ymd / 10000, ymd / 100 % 100);
        *label = bt_xasprintf("th\xc3\xa1ng %02d/%04d", ymd / 100 % 100, ymd / 10000);
    }
    *name = bt_xasprintf("digests/%s-%s.epub", slug, period);
    *cat = bt_xstrdup(category);
    free(slug);
}

/* One unit of the digests phase done (called with the lock held). */
static void digest_done(arc_ctx *c, arc_digest *d) {
    c->done++;
    arc_emit(c, BT_AEV_ITEM, "digests", c->done, c->total, d->name, NULL);
}

/* Merge: one shard holds every article of this digest: copy its file. */
static void digest_copy(arc_ctx *c, arc_digest *d) {
    bt_err ce = {0};
    char *from = bt_xasprintf("%s/data/%s", c->bags[d->from_bag], d->name);
    char *dest = bt_path_join(c->stage_data, d->name);
    bt_status cs = bt_copy_file(from, dest, &ce);
    int full = cs != BT_OK && bt_errno_is_full(errno);
    free(from);
    free(dest);
    pthread_mutex_lock(&c->mu);
    if (full) arc_fail(c, "%s", ce.msg);
    if (cs == BT_OK) {
        d->exists = 1;
    } else {
        d->failed = 1;
        c->stats->digests_failed++;
        if (!full) arc_emit(c, BT_AEV_FAILED, "digests", c->done, c->total, d->name, ce.msg);
    }
    digest_done(c, d);
    pthread_mutex_unlock(&c->mu);
}

/* Render one dirty digest from its articles' sources, into the stage. */
void arc_digest_job(arc_ctx *c, size_t k) {
    arc_digest *d = &c->dg[c->list[k]];
    if (arc_failed(c)) {
        pthread_mutex_lock(&c->mu);
        digest_done(c, d);
        pthread_mutex_unlock(&c->mu);
        return;
    }
    if (d->from_bag >= 0) {
        digest_copy(c, d);
        return;
    }
    bt_article **arts = bt_xcalloc(d->nmem ? d->nmem : 1, sizeof *arts);
    size_t na = 0;
    bt_err e = {0};
    bt_status st = BT_OK;
    char why[700] = "";
    for (size_t m = 0; m < d->nmem; m++) {
        arc_ent *x = &c->ents[d->mem[m]];
        /* a file that is gone: its PDF stays archived; a web article is read back from the bag's
         * WARC evidence (a feed's items drop off it while its month's digest still grows) */
        if (!x->present && x->origin == ARC_ORIGIN_FILE) continue;
        bt_article *a = NULL;
        bt_status ls = x->origin == ARC_ORIGIN_FILE ? arc_source_load(x, &a, &e)
                                                    : arc_web_reload(c, (size_t)d->mem[m], &a, &e);
        if (ls == BT_OK) {
            arts[na++] = a;
        } else { /* its PDF stays archived; the digest goes on without it */
            snprintf(why, sizeof why, "%s: %s", x->src, e.msg);
            pthread_mutex_lock(&c->mu);
            char *w = bt_xasprintf("left out of %s: %s", d->name, e.msg);
            arc_emit(c, BT_AEV_WARN, "digests", c->done, c->total, x->src, w);
            free(w);
            pthread_mutex_unlock(&c->mu);
        }
    }
    if (na == 0 && d->exists) { /* only articles whose sources are gone: keep the digest as it is */
        free(arts);
        pthread_mutex_lock(&c->mu);
        digest_done(c, d);
        pthread_mutex_unlock(&c->mu);
        return;
    }
    unsigned char *out = NULL;
    size_t len = 0;
    if (na == 0) {
        st = BT_EEMPTY;
        if (!why[0]) snprintf(why, sizeof why, "no readable source left");
    } else {
        char *title = bt_xasprintf("%s \xe2\x80\x93 %s", d->category, d->label);
        bt_epub_opts eo = {0};
        eo.title = title;
        eo.publisher = c->o->source_org;
        eo.tpl = c->o->tpl;
        eo.group = BT_GROUP_NONE;
        eo.sort = BT_SORT_DATE;
        eo.epoch = c->o->epoch;
        eo.threads = 1; /* the digests are rendered in parallel already */
        errno = 0;
        st = bt_epub_render(arts, na, &eo, &out, &len, &e);
        free(title);
        if (st != BT_OK) snprintf(why, sizeof why, "EPUB: %s", e.msg);
    }
    int full = st != BT_OK && bt_errno_is_full(errno);
    if (st == BT_OK) {
        char *dest = bt_path_join(c->stage_data, d->name);
        st = bt_write_file_nosync(dest, out, len, &e);
        if (st != BT_OK) snprintf(why, sizeof why, "%s", e.msg);
        full = st != BT_OK && bt_errno_is_full(errno);
        free(dest);
    }
    char hex[BT_SHA256_HEX] = "";
    if (st == BT_OK) bt_sha256_hex(out, len, hex);
    free(out);
    for (size_t m = 0; m < na; m++) bt_article_free(arts[m]);
    free(arts);
    pthread_mutex_lock(&c->mu);
    if (full) arc_fail(c, "%s", why); /* not this digest's fault: stop the run */
    if (st == BT_OK) {
        memcpy(d->sha, hex, BT_SHA256_HEX);
        d->size = len;
        d->members = na;
        d->exists = 1;
        c->stats->digests_rendered++;
    } else {
        d->failed = 1;
        c->stats->digests_failed++;
        if (!c->fatal.code) arc_emit(c, BT_AEV_FAILED, "digests", c->done, c->total, d->name, why);
    }
    digest_done(c, d);
    pthread_mutex_unlock(&c->mu);
}

/* Put the digest table in the order of each digest's first article in source order (digests no
 * article refers to last, as they were). A fresh run creates them in that order anyway; a merge
 * reads them shard by shard and an incremental run keeps older ones first: this makes the state,
 * index.json and the manifest list them the same way whatever the history. */
void arc_digest_order(arc_ctx *c) {
    if (c->ndg < 2) return;
    int32_t *newidx = bt_xmalloc(c->ndg * sizeof *newidx);
    for (size_t d = 0; d < c->ndg; d++) newidx[d] = -1;
    int32_t k = 0;
    for (size_t i = 0; i < c->n; i++) {
        int32_t d = c->ents[i].digest;
        if (d >= 0 && newidx[d] < 0) newidx[d] = k++;
    }
    for (size_t d = 0; d < c->ndg; d++)
        if (newidx[d] < 0) newidx[d] = k++;
    /* (the new table as big as it needs to be: no digest is added after this) */
    arc_digest *dg = bt_xmalloc(c->ndg * sizeof *dg);
    for (size_t d = 0; d < c->ndg; d++) dg[newidx[d]] = c->dg[d];
    free(c->dg);
    c->dg = dg;
    c->capdg = c->ndg;
    for (size_t i = 0; i < c->n; i++)
        if (c->ents[i].digest >= 0) c->ents[i].digest = newidx[c->ents[i].digest];
    /* the index compares names at the values it holds, which now mean other digests: rebuilt */
    bt_idx_free(&c->dgmap);
    for (size_t d = 0; d < c->ndg; d++) bt_idx_puts(&c->dgmap, c->dg[d].name, (int32_t)d);
    free(newidx);
}

/* Collect the members of the dirty digests, drop the empty ones, render (or copy) the rest. */
void arc_render_digests(arc_ctx *c) {
    size_t ndirty = 0;
    for (size_t d = 0; d < c->ndg; d++) ndirty += c->dg[d].dirty != 0;
    if (!ndirty) return;
    c->changed = 1;
    /* the members of every dirty digest in one array: counted, then placed (no allocation per
     * digest, nothing grown one member at a time) */
    size_t total = 0;
    for (size_t i = 0; i < c->n; i++) {
        arc_ent *x = &c->ents[i];
        if (x->status != ST_OK || x->digest < 0 || !c->dg[x->digest].dirty) continue;
        c->dg[x->digest].nmem++;
        total++;
    }
    free(c->dgmem);
    c->dgmem = bt_xmalloc((total ? total : 1) * sizeof *c->dgmem);
    size_t at = 0;
    for (size_t d = 0; d < c->ndg; d++) {
        arc_digest *g = &c->dg[d];
        g->mem = c->dgmem + at;
        at += g->nmem;
        g->nmem = 0;
    }
    for (size_t i = 0; i < c->n; i++) {
        arc_ent *x = &c->ents[i];
        if (x->status != ST_OK || x->digest < 0) continue;
        arc_digest *g = &c->dg[x->digest];
        if (g->dirty) g->mem[g->nmem++] = (int)i;
    }
    free(c->list);
    c->list = bt_xmalloc(ndirty * sizeof *c->list);
    size_t k = 0;
    for (size_t d = 0; d < c->ndg; d++) {
        arc_digest *g = &c->dg[d];
        if (!g->dirty) continue;
        if (g->from_bag >= 0) /* merge: copy only when that shard holds exactly these articles */
            for (size_t m = 0; m < g->nmem; m++)
                if (c->ents[g->mem[m]].from_bag != g->from_bag || g->nmem != g->members) g->from_bag = -1;
        if (g->nmem == 0) { /* no article left in it */
            if (g->exists) bt_strvec_push(&c->dels, bt_xasprintf("data/%s", g->name));
            g->gone = 1;
            continue;
        }
        c->list[k++] = d;
    }
    arc_emit(c, BT_AEV_PHASE, "digests", 0, k, NULL, NULL);
    if (k) arc_pool_run(c, k, arc_digest_job);
}

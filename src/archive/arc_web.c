/* arc_web.c - web sources of an archive run (the source seam of arc_int.h): URLs of pages, feeds
 * and sitemaps, and WARC files, resolved by net/source.h.
 *
 *  walk   each web argument is expanded into entries: a page or feed item is keyed by its URL
 *         (origin url), a WARC response record by "WARCFILE#OFFSET" (origin warc). Then the
 *         entries already archived are checked, in parallel: a conditional GET with the ETag and
 *         Last-Modified kept in their records; a 304, or a 200 whose body has the same SHA-256 as
 *         before, leaves the entry unchanged (no render). A permanent failure (404, 410, another
 *         4xx, a refused address) is not fetched again; a transient one (network, timeout, 429,
 *         5xx) is retried on every run.
 *  load   in the render workers, a fetch queue (net/webq.h) loads the items ahead of them, so
 *         fetching hides behind rendering; each item's HTTP exchanges (redirects, the page, its
 *         images) go into this run's WARC file data/warc/YYYY-MM-DD.warc.gz, and the record keeps
 *         the validators, the body's SHA-256 and where its response record is.
 *  commit the WARC files are payload: listed in the manifest (earlier ones with the digests the
 *         bag's manifest already has). */
#include "arc_int.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "feed.h"
#include "source.h"
#include "url.h"
#include "warc.h"
#include "webq.h"

typedef struct {
    char *etag, *last_modified, *sha256;
    int check;      /* 1: an archived source to check with a conditional request */
    int unchanged;  /* the check says: not modified (or could not say: the copy stays) */
    int gone;       /* the check says: 404 or 410, the page is gone from the site */
    int permanent;  /* an earlier permanent failure: not fetched again */
} web_old;

/* What the state says of a URL: an archived page's validators, or a feed's (or sitemap's)
 * validators and where its last body is kept. */
typedef struct {
    char *url, *etag, *last_modified, *sha256;
    char *warc_file, *warc_record_id; /* feeds: the response record of the last body */
    int64_t warc_offset;
    int page;       /* from an article record (else a feed line) */
    int status;     /* article records: arc_status */
    int retry;      /* a failed article record marked to be retried */
    int seen;       /* feeds: expanded by this run (written back to the state) */
} web_mem;

struct arc_web {
    bt_source *src;
    bt_map memmap;          /* URL -> index in mem */
    web_mem *mem;
    size_t nmem, cmem;
    bt_item_list items;
    bt_map keymap;          /* entry key -> item index */
    bt_map failmap;         /* key of a source that could not be expanded -> index in fails */
    bt_map keepmap;         /* key of an archived page that could not be checked: kept as it is */
    bt_strvec fails;        /* ... and why */
    web_old *old;           /* per item */
    size_t *check;          /* items to check (indexes) */
    size_t ncheck;
    /* render phase */
    pthread_mutex_t mu;
    int q_started;
    bt_webq *q;
    bt_item_list qlist;     /* the items to load, in the order the workers take them */
    size_t *qpos;           /* item index -> position in qlist */
    bt_warc_writer *w;
    char *warc_rel;         /* "warc/2026-11-30.warc.gz" */
    char *warc_path;        /* ... in the stage, as reloads name it */
    int warc_failed;
    bt_map copied;          /* "PATH\nOFFSET:SKIP" of a crawl's record -> index in copy_off */
    uint64_t *copy_off;     /* where this run's WARC file has the copy */
    size_t ncopy;
    double wait_ms;         /* render workers waiting for the queue */
    double fetch_ms;        /* time in HTTP requests (pages, redirects, images), summed */
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int arc_web_claims(const char *arg)
{
    /* (a gzip file that is not a WARC is an article file to the local walk, which refuses it) */
    return bt_url_has_scheme(arg) || bt_source_is_web_file(arg);
}

static int in_shard(const arc_ctx *c, const char *key)
{
    if (c->o->shard_n <= 1) return 1;
    uint64_t h = bt_sha256_u64(key, strlen(key));
    return (int)(h % (uint64_t)c->o->shard_n) == c->o->shard_k - 1;
}

static char *item_key(const bt_item *it)
{
    if (it->kind == BT_ITEM_WARC) return bt_xasprintf("%s#%llu", it->path, (unsigned long long)it->warc_offset);
    return bt_xstrdup(it->url ? it->url : it->path);
}

void arc_web_free(arc_ctx *c)
{
    struct arc_web *w = c->web;
    if (!w) return;
    if (w->q && w->qlist.n) { /* how well fetching hid behind rendering (shown with -v) */
        char msg[200];
        snprintf(msg, sizeof msg, "web: %zu pages loaded: %.0f ms in HTTP requests, %.0f ms of loader time "
                 "(fetch and parse); render workers waited %.0f ms for them", w->qlist.n, w->fetch_ms,
                 bt_webq_load_ms(w->q), w->wait_ms);
        arc_emit(c, BT_AEV_PHASE, msg, 0, 0, NULL, NULL);
    }
    bt_webq_free(w->q);
    if (w->w) bt_warc_close(w->w, NULL);
    free(w->warc_rel);
    free(w->warc_path);
    for (size_t i = 0; i < w->items.n; i++) {
        free(w->old[i].etag);
        free(w->old[i].last_modified);
        free(w->old[i].sha256);
    }
    free(w->old);
    free(w->check);
    free(w->qpos);
    bt_map_free(&w->copied);
    free(w->copy_off);
    for (size_t i = 0; i < w->nmem; i++) {
        web_mem *m = &w->mem[i];
        free(m->url);
        free(m->etag);
        free(m->last_modified);
        free(m->sha256);
        free(m->warc_file);
        free(m->warc_record_id);
    }
    free(w->mem);
    bt_map_free(&w->memmap);
    /* qlist shares its items with items: free only its array */
    free(w->qlist.v);
    bt_item_list_free(&w->items);
    bt_map_free(&w->keymap);
    bt_map_free(&w->failmap);
    bt_map_free(&w->keepmap);
    bt_strvec_free(&w->fails);
    bt_source_free(w->src);
    pthread_mutex_destroy(&w->mu);
    free(w);
    c->web = NULL;
}

static int extra_bool(const arc_record *r, const char *key)
{
    json_t *v = r->extra ? json_object_get(r->extra, key) : NULL;
    return v && json_is_true(v);
}

static web_mem *mem_get(struct arc_web *w, const char *url, int create)
{
    int32_t i = bt_map_gets(&w->memmap, url);
    if (i >= 0) return &w->mem[i];
    if (!create) return NULL;
    if (w->nmem == w->cmem) {
        w->cmem = w->cmem ? w->cmem * 2 : 64;
        w->mem = bt_xrealloc(w->mem, w->cmem * sizeof *w->mem);
    }
    web_mem *m = &w->mem[w->nmem];
    memset(m, 0, sizeof *m);
    m->url = bt_xstrdup(url);
    bt_map_puts(&w->memmap, url, (int32_t)w->nmem++);
    return m;
}

static const char *jstr_of(json_t *j, const char *k)
{
    json_t *v = json_object_get(j, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The state's memory of URLs: archived pages (their validators) and feed lines. */
static void mem_load(arc_ctx *c, struct arc_web *w)
{
    char *opts = NULL;
    bt_err e2 = {0};
    char *sp = bt_path_join(c->bag, ARC_STATE_NAME);
    arc_state_reader rd;
    memset(&rd, 0, sizeof rd);
    /* (a damaged state file is the plan's to report: here it only means less is known) */
    if (arc_state_open(&rd, sp, ARC_STATE_NAME, &opts, &e2) == BT_OK && rd.f) {
        arc_line l;
        while (arc_state_next(&rd, &l, &e2) > 0) {
            if (l.kind == ARC_LINE_ARTICLE && l.rec.origin == ARC_ORIGIN_URL) {
                web_mem *m = mem_get(w, l.rec.src, 1);
                m->page = 1;
                m->status = (int)l.rec.status;
                m->retry = extra_bool(&l.rec, "retry");
                if (l.rec.status == ST_OK || l.rec.status == ST_FILTERED) {
                    arc_set(&m->etag, l.rec.etag);
                    arc_set(&m->last_modified, l.rec.last_modified);
                    arc_set(&m->sha256, l.rec.sha256);
                }
            } else if (l.kind == ARC_LINE_WEB) {
                web_mem *m = mem_get(w, jstr_of(l.web, "url"), 1);
                m->page = 0;
                arc_set(&m->etag, jstr_of(l.web, "etag"));
                arc_set(&m->last_modified, jstr_of(l.web, "last_modified"));
                arc_set(&m->sha256, jstr_of(l.web, "sha256"));
                arc_set(&m->warc_file, jstr_of(l.web, "warc_file"));
                arc_set(&m->warc_record_id, jstr_of(l.web, "warc_record_id"));
                m->warc_offset = (int64_t)json_integer_value(json_object_get(l.web, "warc_offset"));
            }
            arc_line_free(&l);
        }
    }
    arc_state_close(&rd);
    free(sp);
    free(opts);
}

static int mem_known(void *ud, const char *url, bt_validators *v, int *page)
{
    struct arc_web *w = ((arc_ctx *)ud)->web;
    const web_mem *m = mem_get(w, url, 0);
    if (!m || (!m->etag && !m->last_modified)) return 0;
    if (!m->page && !m->warc_file) return 0; /* a 304 would leave nothing to read the items from */
    v->etag = m->etag;
    v->last_modified = m->last_modified;
    *page = m->page;
    return 1;
}

/* Where a WARC file named in a record is: this run's stage (flushed first), else the bag. */
static char *warc_path_of(arc_ctx *c, const char *rel)
{
    struct arc_web *w = c->web;
    char *path = bt_path_join(c->stage_data, rel);
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (w) {
            pthread_mutex_lock(&w->mu);
            if (w->w) bt_warc_flush(w->w, NULL);
            pthread_mutex_unlock(&w->mu);
        }
        return path;
    }
    free(path);
    return bt_xasprintf("%s/data/%s", c->bag, rel);
}

static bt_status mem_earlier(void *ud, const char *url, char **body, size_t *len, char **ctype, bt_err *e)
{
    arc_ctx *c = ud;
    const web_mem *m = mem_get(c->web, url, 0);
    if (!m || !m->warc_file) return bt_err_set(e, BT_EUSAGE, "not kept");
    char *path = warc_path_of(c, m->warc_file);
    size_t cap = bt_input_limit(c->o->web ? &c->o->web->io : NULL);
    bt_warc_record rec;
    bt_warc_http h;
    bt_status st = bt_warc_read_at(path, (uint64_t)m->warc_offset, 0, cap + (size_t)1024 * 1024, &rec, e);
    free(path);
    if (st == BT_OK && (!rec.block || !rec.record_id || !m->warc_record_id || strcmp(rec.record_id, m->warc_record_id) != 0))
        st = bt_err_set(e, BT_EPARSE, "not the record kept");
    if (st == BT_OK) st = bt_warc_http_parse(rec.block, rec.block_len, cap, &h, e);
    bt_warc_record_free(&rec);
    if (st != BT_OK) return st;
    *body = h.body;
    *len = h.body_len;
    *ctype = h.content_type;
    return BT_OK;
}

static bt_warc_writer *warc_of_run(arc_ctx *c, struct arc_web *w);

/* Each record of this run's WARC file, as written: the source keeps the file's index, and
 * reloading an article from it for a digest needs no pass over the file. */
static void warc_written(void *ud, const bt_warc_record *rec)
{
    struct arc_web *w = ud;
    bt_source_warc_written(w->src, w->warc_path, rec);
}

/* A feed or sitemap with a new answer: when its body differs from the one kept, the answer goes
 * into this run's WARC file (the feed as it was published is evidence too) and the run commits. */
static void mem_fetched(void *ud, const char *url, const bt_fetch_result *r)
{
    arc_ctx *c = ud;
    struct arc_web *w = c->web;
    web_mem *m = mem_get(w, url, 1);
    m->page = 0;
    m->seen = 1;
    char hex[BT_SHA256_HEX];
    bt_sha256_hex(r->body ? r->body : "", r->body_len, hex);
    int same = m->sha256 && strcmp(m->sha256, hex) == 0 && m->warc_file;
    if (!same) {
        pthread_mutex_lock(&w->mu);
        bt_warc_writer *ww = warc_of_run(c, w);
        int wrote = 0;
        for (size_t k = 0; ww && k < r->nx; k++) {
            uint64_t off = 0;
            bt_err we;
            if (bt_warc_write_exchange(ww, &r->x[k], &off, &we) != BT_OK) {
                w->warc_failed = 1;
                break;
            }
            if (k == r->nx - 1 && r->x[k].status >= 200 && r->x[k].status < 300) {
                arc_set(&m->warc_file, w->warc_rel);
                arc_set(&m->warc_record_id, bt_warc_last_response_id(ww));
                m->warc_offset = (int64_t)off;
                wrote = 1;
            }
        }
        pthread_mutex_unlock(&w->mu);
        if (!wrote) { /* not kept: no conditional request next time */
            arc_set(&m->warc_file, NULL);
            arc_set(&m->warc_record_id, NULL);
        }
        arc_set(&m->sha256, hex);
        c->changed = 1;
    }
    arc_set(&m->etag, r->etag);
    arc_set(&m->last_modified, r->last_modified);
}

int arc_web_state_lines(arc_ctx *c, FILE *f)
{
    struct arc_web *w = c->web;
    int bad = 0;
    for (size_t i = 0; w && i < w->nmem; i++) {
        web_mem *m = &w->mem[i];
        if (m->page || (!m->seen && bt_map_gets(&w->failmap, m->url) < 0)) continue;
        json_t *j = json_object();
        json_object_set_new(j, "kind", json_string("feed"));
        json_object_set_new(j, "url", json_string(m->url));
        if (m->etag) json_object_set_new(j, "etag", json_string(m->etag));
        if (m->last_modified) json_object_set_new(j, "last_modified", json_string(m->last_modified));
        if (m->sha256) json_object_set_new(j, "sha256", json_string(m->sha256));
        if (m->warc_file) {
            json_object_set_new(j, "warc_file", json_string(m->warc_file));
            json_object_set_new(j, "warc_offset", json_integer(m->warc_offset));
            if (m->warc_record_id) json_object_set_new(j, "warc_record_id", json_string(m->warc_record_id));
        }
        char *s = json_dumps(j, JSON_COMPACT);
        bad |= !s || fprintf(f, "%s\n", s) < 0;
        free(s);
        json_decref(j);
    }
    return bad;
}

static void check_done(arc_ctx *c, const bt_item *it)
{
    pthread_mutex_lock(&c->mu);
    c->done++;
    arc_emit(c, BT_AEV_ITEM, "check", c->done, c->total, it->url, NULL);
    pthread_mutex_unlock(&c->mu);
}

/* The check of an archived page failed: say what becomes of the archived copy. */
static void check_warn(arc_ctx *c, const char *url, int gone, const char *why)
{
    char msg[700];
    snprintf(msg, sizeof msg, gone ? "gone from the site (%s): the archived copy stays, marked as removed"
                                   : "cannot be checked (%s): the archived copy stays; checked again next run",
             why);
    pthread_mutex_lock(&c->mu);
    arc_emit(c, BT_AEV_WARN, "check", 0, 0, url, msg);
    pthread_mutex_unlock(&c->mu);
}

/* A conditional request for one archived item (in the pool). */
static void check_job(arc_ctx *c, size_t k)
{
    struct arc_web *w = c->web;
    size_t i = w->check[k];
    const bt_item *it = &w->items.v[i];
    web_old *o = &w->old[i];
    bt_err e;
    if (it->page) { /* given as a source: expanding it already asked, conditionally */
        if (it->page->status == 304) {
            o->unchanged = 1;
        } else if (it->page->body && o->sha256) {
            char hex[BT_SHA256_HEX];
            bt_sha256_hex(it->page->body, it->page->body_len, hex);
            o->unchanged = strcmp(hex, o->sha256) == 0;
        }
        check_done(c, it);
        return;
    }
    bt_fetcher *f = bt_source_fetcher(w->src, &e);
    if (!f) return;
    bt_fetch_req rq = {0};
    rq.etag = o->etag;
    rq.last_modified = o->last_modified;
    rq.referenced = it->referenced;
    rq.referrer_internal = it->referrer_internal;
    rq.accept = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5";
    bt_fetch_result r;
    if (bt_fetch(f, it->url, &rq, &r, &e) == BT_OK) {
        if (r.status == 304) {
            o->unchanged = 1;
        } else if (r.body && o->sha256) {
            char hex[BT_SHA256_HEX];
            bt_sha256_hex(r.body, r.body_len, hex);
            o->unchanged = strcmp(hex, o->sha256) == 0;
        }
    } else {
        /* an archived copy is never given up for a failed check: a page the site says is gone
         * stays archived, marked as removed from its source; any other failure leaves it as it
         * is, to be checked again on the next run */
        o->gone = r.status == 404 || r.status == 410;
        o->unchanged = !o->gone;
        check_warn(c, it->url, o->gone, e.msg);
    }
    bt_fetch_result_free(&r);
    check_done(c, it);
}

/* Append a walk entry for key (taken over). */
static void push_ent(arc_ctx *c, arc_found **wv, size_t *wn, size_t *wcap, char *key, arc_origin origin)
{
    if (*wn == *wcap) {
        *wcap = *wcap ? *wcap * 2 : 256;
        *wv = bt_big_realloc(*wv, *wcap * sizeof **wv);
    }
    arc_found x = {0};
    x.src = bt_strpool_add(&c->srcs, key);
    free(key);
    x.origin = (uint8_t)origin;
    (*wv)[(*wn)++] = x;
}

bt_status arc_web_walk(arc_ctx *c, arc_found **wv, size_t *wn, size_t *wcap, bt_err *e)
{
    const bt_archive_opts *o = c->o;
    int any = 0;
    for (size_t s = 0; s < o->nsrcs; s++) any |= arc_web_claims(o->srcs[s]);
    if (!any) return BT_OK;
    struct arc_web *w = bt_xcalloc(1, sizeof *w);
    c->web = w;
    pthread_mutex_init(&w->mu, NULL);
    bt_source_opts so;
    memset(&so, 0, sizeof so);
    if (o->web) so = *o->web;
    w->src = bt_source_new(&so);
    mem_load(c, w);
    bt_source_memory sm = {c, mem_known, mem_earlier, mem_fetched};
    bt_source_set_memory(w->src, &sm);
    typedef struct {
        const char *arg;
        long status;
        int transient;
    } failed_arg;
    failed_arg *fa = bt_xcalloc(o->nsrcs ? o->nsrcs : 1, sizeof *fa);
    size_t nfa = 0;
    for (size_t s = 0; s < o->nsrcs; s++) {
        if (!arc_web_claims(o->srcs[s])) continue;
        bt_err le;
        bt_err_clear(&le);
        size_t before = w->items.nnotes, rv = w->items.warc_skipped_revisit, ot = w->items.warc_skipped_other;
        size_t nolink0 = w->items.nolink, robots0 = w->items.robots_skipped, over0 = w->items.over;
        size_t big0 = w->items.warc_too_large;
        if (bt_source_expand(w->src, o->srcs[s], &w->items, &le) != BT_OK &&
            in_shard(c, o->srcs[s]) && bt_map_gets(&w->failmap, o->srcs[s]) < 0) {
            bt_map_puts(&w->failmap, o->srcs[s], (int32_t)w->fails.n);
            bt_strvec_push(&w->fails, bt_xstrdup(le.msg));
            fa[nfa].arg = o->srcs[s];
            fa[nfa].status = w->items.fail_status;
            fa[nfa].transient = w->items.fail_transient;
            nfa++;
        }
        for (size_t k = before; k < w->items.nnotes; k++) arc_emit(c, BT_AEV_WARN, "scan", 0, 0, NULL, w->items.notes[k]);
        /* what the source's expansion left out, one line without -v (the notes name each) */
        size_t nl = w->items.nolink - nolink0, rb = w->items.robots_skipped - robots0, ov = w->items.over - over0;
        size_t big = w->items.warc_too_large - big0;
        if (nl + rb + ov + big) {
            char msg[300];
            size_t ml = (size_t)snprintf(msg, sizeof msg, "%zu item%s left out:", nl + rb + ov + big, nl + rb + ov + big == 1 ? "" : "s");
            const size_t cnt[4] = {nl, rb, ov, big};
            const char *const why[4] = {"without an http or https link", "disallowed by robots.txt",
                                        "past the most a feed may list", "over the input limit"};
            for (int k = 0, first = 1; k < 4; k++)
                if (cnt[k] && ml < sizeof msg) {
                    ml += (size_t)snprintf(msg + ml, sizeof msg - ml, "%s %zu %s", first ? "" : ",", cnt[k], why[k]);
                    first = 0;
                }
            if (ml < sizeof msg) snprintf(msg + ml, sizeof msg - ml, " (-v says more)");
            arc_emit(c, BT_AEV_NOTICE, "scan", 0, 0, o->srcs[s], msg);
        }
        if (w->items.warc_skipped_revisit > rv || w->items.warc_skipped_other > ot) {
            char msg[200];
            snprintf(msg, sizeof msg, BT_WARC_SKIPPED_FMT, w->items.warc_skipped_revisit - rv,
                     w->items.warc_skipped_other - ot);
            arc_emit(c, BT_AEV_WARN, "scan", 0, 0, o->srcs[s], msg);
        }
    }
    /* this shard's items, once each; a feed item the feed dates before --since is not fetched
     * (a page is not published after its feed says; one archived already is checked as ever) */
    size_t *mine = bt_xcalloc(w->items.n ? w->items.n : 1, sizeof *mine);
    size_t nmine = 0, nold = 0;
    for (size_t i = 0; i < w->items.n; i++) {
        const bt_item *it = &w->items.v[i];
        if (o->since && it->kind == BT_ITEM_URL && it->meta && bt_date_valid(&it->meta->date) &&
            arc_date_ymd(&it->meta->date) < o->since) {
            const web_mem *m = mem_get(w, it->url, 0);
            if (!m || !m->page) {
                nold++;
                continue;
            }
        }
        char *key = item_key(it);
        if (in_shard(c, key) && bt_map_gets(&w->keymap, key) < 0) {
            bt_map_puts(&w->keymap, key, (int32_t)i);
            mine[nmine++] = i;
        }
        free(key);
    }
    if (nold) {
        char msg[160];
        snprintf(msg, sizeof msg, "%zu feed item%s dated before --since not fetched", nold, nold == 1 ? "" : "s");
        arc_emit(c, BT_AEV_NOTICE, "scan", 0, 0, NULL, msg);
    }

    /* the archived ones: their validators, then conditional requests in parallel */
    w->old = bt_xcalloc(w->items.n ? w->items.n : 1, sizeof *w->old);
    w->check = bt_xcalloc(w->items.n ? w->items.n : 1, sizeof *w->check);
    for (size_t k = 0; k < nmine; k++) {
        size_t i = mine[k];
        const bt_item *it = &w->items.v[i];
        const web_mem *m = it->kind == BT_ITEM_URL ? mem_get(w, it->url, 0) : NULL;
        if (!m || !m->page) continue;
        web_old *od = &w->old[i];
        if (m->status == ST_FAILED) {
            od->permanent = !m->retry;
        } else if (m->status == ST_OK || m->status == ST_FILTERED) {
            arc_set(&od->etag, m->etag);
            arc_set(&od->last_modified, m->last_modified);
            arc_set(&od->sha256, m->sha256);
            od->check = 1;
            if (!so.offline) w->check[w->ncheck++] = i;
        }
    }
    if (w->ncheck) {
        arc_emit(c, BT_AEV_PHASE, "check", 0, w->ncheck, NULL, NULL);
        arc_pool_run(c, w->ncheck, check_job);
    }

    /* the entries: a page gone from the site (404, 410) has none, so that the plan keeps its
     * archived copy as one whose source is removed */
    for (size_t k = 0; k < nmine; k++) {
        size_t i = mine[k];
        if (w->old[i].gone) continue;
        const bt_item *it = &w->items.v[i];
        push_ent(c, wv, wn, wcap, item_key(it), it->kind == BT_ITEM_WARC ? ARC_ORIGIN_WARC : ARC_ORIGIN_URL);
    }
    /* sources that could not be expanded become failed entries of their own (in index.json,
     * retried next run) and the run goes on; but an archived page given as a source keeps its
     * copy, as a checked one does */
    for (size_t k = 0; k < nfa; k++) {
        const web_mem *m = bt_url_has_scheme(fa[k].arg) ? mem_get(w, fa[k].arg, 0) : NULL;
        if (m && m->page && (m->status == ST_OK || m->status == ST_FILTERED)) {
            int gone = fa[k].status == 404 || fa[k].status == 410;
            check_warn(c, fa[k].arg, gone, w->fails.v[bt_map_gets(&w->failmap, fa[k].arg)]);
            if (gone) continue;
            bt_map_puts(&w->keepmap, fa[k].arg, 1);
        }
        push_ent(c, wv, wn, wcap, bt_xstrdup(fa[k].arg), bt_url_has_scheme(fa[k].arg) ? ARC_ORIGIN_URL : ARC_ORIGIN_WARC);
    }
    free(mine);
    free(fa);
    (void)e;
    return BT_OK;
}

int arc_web_same(arc_ctx *c, const arc_found *x, const arc_record *old)
{
    struct arc_web *w = c->web;
    if (!w) return 0;
    if (bt_map_gets(&w->keepmap, x->src) >= 0) return old->status == ST_OK || old->status == ST_FILTERED;
    int32_t i = bt_map_gets(&w->keymap, x->src);
    if (i < 0) return 0; /* (a source that failed to expand is tried again) */
    if (x->origin == ARC_ORIGIN_WARC) { /* a record in a WARC file does not change */
        /* (an article whose evidence stayed in the crawl, from before the bag kept copies: again) */
        if (old->status == ST_OK && !old->warc_record_id) return 0;
        return old->status == ST_OK || old->status == ST_FILTERED || old->status == ST_FAILED;
    }
    if (old->status == ST_FAILED) return w->old[i].permanent;
    return w->old[i].unchanged;
}

/* The WARC file of this run, opened on first use (under w->mu). */
static bt_warc_writer *warc_of_run(arc_ctx *c, struct arc_web *w)
{
    if (w->w || w->warc_failed) return w->w;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char day[16];
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    for (int k = 1; k < 1000 && !w->warc_rel; k++) {
        char *rel = k == 1 ? bt_xasprintf("warc/%s.warc.gz", day) : bt_xasprintf("warc/%s-%d.warc.gz", day, k);
        char *inbag = bt_xasprintf("%s/data/%s", c->bag, rel);
        struct stat sb;
        if (stat(inbag, &sb) != 0) w->warc_rel = rel;
        else free(rel);
        free(inbag);
    }
    bt_err e;
    char *dir = bt_path_join(c->stage_data, "warc");
    w->warc_path = w->warc_rel ? bt_path_join(c->stage_data, w->warc_rel) : NULL;
    const char *path = w->warc_path;
    char *fields = bt_xasprintf("http-header-user-agent: %s\r\nrobots: %s\r\n",
                                c->o->web && c->o->web->fetch.user_agent ? c->o->web->fetch.user_agent
                                                                         : bt_fetch_default_user_agent(),
                                c->o->web && c->o->web->ignore_robots ? "ignore" : "obey");
    if (!path || bt_mkdirs(dir, 0755, &e) != BT_OK ||
        bt_warc_open_listen(path, fields, warc_written, w, &w->w, &e) != BT_OK) {
        w->warc_failed = 1;
        arc_emit(c, BT_AEV_NOTICE, "render", 0, 0, path, "cannot write the WARC file: the HTTP evidence is not kept");
    }
    free(fields);
    free(dir);
    return w->w;
}

/* Start the fetch queue over the to-do web items, in the order the workers take them. */
static void start_queue(arc_ctx *c, struct arc_web *w)
{
    w->q_started = 1;
    w->qpos = bt_xcalloc(w->items.n ? w->items.n : 1, sizeof *w->qpos);
    for (size_t k = 0; k < c->total; k++) {
        const arc_ent *x = &c->ents[c->list[k]];
        if (x->origin == ARC_ORIGIN_FILE) continue;
        int32_t i = bt_map_gets(&w->keymap, x->src);
        if (i < 0) continue;
        if (w->qlist.n == w->qlist.cap) {
            w->qlist.cap = w->qlist.cap ? w->qlist.cap * 2 : 64;
            w->qlist.v = bt_xrealloc(w->qlist.v, w->qlist.cap * sizeof *w->qlist.v);
        }
        w->qpos[i] = w->qlist.n;
        w->qlist.v[w->qlist.n++] = w->items.v[i]; /* shallow: the strings stay owned by items */
    }
    int jobs = c->o->jobs < 1 ? 1 : c->o->jobs;
    w->q = bt_webq_new(w->src, &w->qlist, NULL, jobs, (size_t)jobs * 4);
}

/* A crawl's records that an article was made from, copied as they are into this run's WARC file
 * (once each per run): the bag carries its own evidence, and index.json points at the copy of
 * the page's response. A record that cannot be copied is a warning; without the page's own
 * record the article has no evidence in the bag (under w->mu). */
static void copy_evidence(arc_ctx *c, struct arc_web *w, const bt_load_info *info, arc_record *r)
{
    bt_warc_writer *ww = warc_of_run(c, w);
    size_t cap = bt_input_limit(c->o->web ? &c->o->web->io : NULL) + (size_t)1024 * 1024;
    for (size_t k = 0; ww && k < info->nrefs; k++) {
        const bt_warc_ref *f = &info->refs[k];
        char *key = bt_xasprintf("%s\n%llu:%llu", f->path, (unsigned long long)f->offset, (unsigned long long)f->skip);
        int32_t i = bt_map_gets(&w->copied, key);
        uint64_t off = 0;
        bt_warc_record rec;
        memset(&rec, 0, sizeof rec);
        bt_err e;
        bt_err_clear(&e);
        if (i >= 0) {
            off = w->copy_off[i];
            if (f->page && bt_warc_read_at(f->path, f->offset, f->skip, 1, &rec, &e) != BT_OK) i = -2;
        } else if (bt_warc_read_at(f->path, f->offset, f->skip, cap, &rec, &e) != BT_OK ||
                   (!rec.block && bt_err_set(&e, BT_ELIMIT, "record larger than %zu bytes", cap)) ||
                   bt_warc_write_record(ww, &rec, &off, &e) != BT_OK) {
            i = -2;
        } else {
            w->copy_off = bt_xrealloc(w->copy_off, (w->ncopy + 1) * sizeof *w->copy_off);
            w->copy_off[w->ncopy] = off;
            bt_map_puts(&w->copied, key, (int32_t)w->ncopy++);
        }
        if (i == -2) {
            char msg[700];
            snprintf(msg, sizeof msg, "record at offset %llu not copied into the bag: %s",
                     (unsigned long long)f->offset, e.msg);
            arc_emit(c, BT_AEV_WARN, "render", 0, 0, f->path, msg);
        } else if (f->page) {
            arc_set(&r->warc_file, w->warc_rel);
            r->warc_offset = (int64_t)off;
            arc_set(&r->warc_record_id, rec.record_id);
        }
        bt_warc_record_free(&rec);
        free(key);
    }
}

static void set_extra(arc_record *r, const char *key, json_t *v)
{
    if (!r->extra) r->extra = json_object();
    json_object_set_new(r->extra, key, v);
}

bt_status arc_web_load(arc_ctx *c, size_t ei, arc_record *r, bt_article **a, bt_err *e)
{
    struct arc_web *w = c->web;
    const arc_ent *x = &c->ents[ei];
    int32_t fi = w ? bt_map_gets(&w->failmap, x->src) : -1;
    if (fi >= 0) {
        set_extra(r, "retry", json_true());
        return bt_err_set(e, BT_EIO, "%s", w->fails.v[fi]);
    }
    int32_t i = w ? bt_map_gets(&w->keymap, x->src) : -1;
    if (i < 0) return bt_err_set(e, BT_EUSAGE, "the source is no longer given");
    pthread_mutex_lock(&w->mu);
    if (!w->q_started) start_queue(c, w);
    pthread_mutex_unlock(&w->mu);
    bt_load_info info;
    double t0 = now_ms();
    bt_status st = bt_webq_take(w->q, w->qpos[i], a, &info, e);
    double waited = now_ms() - t0;
    const bt_item *it = &w->items.v[i];
    arc_set(&r->url, info.final_url ? info.final_url : it->url);
    if (info.sha256[0]) {
        arc_set(&r->sha256, info.sha256);
        r->size = (int64_t)info.body_len; /* (index.json: the source's bytes, as for a file) */
    }
    arc_set(&r->etag, info.etag);
    arc_set(&r->last_modified, info.last_modified);
    if (info.status) set_extra(r, "http_status", json_integer(info.status));
    if (st != BT_OK && x->origin == ARC_ORIGIN_URL) set_extra(r, "retry", json_boolean(info.transient));
    if (st == BT_OK && *a && it->meta && it->meta->description) {
        /* digests reload the page from the WARC evidence: what the feed said of it is kept here */
        json_t *v = json_string(it->meta->description);
        if (v) set_extra(r, "feed_lead", v);
    }
    pthread_mutex_lock(&w->mu);
    if (x->origin == ARC_ORIGIN_WARC && st == BT_OK) copy_evidence(c, w, &info, r);
    w->wait_ms += waited;
    w->fetch_ms += info.fetch_ms;
    if (info.nx && x->origin == ARC_ORIGIN_URL && st == BT_OK) {
        /* the evidence: every exchange of this item; the record points at the page's response */
        bt_warc_writer *ww = warc_of_run(c, w);
        for (size_t k = 0; ww && k < info.nx; k++) {
            uint64_t off = 0;
            bt_err we;
            if (bt_warc_write_exchange(ww, &info.x[k], &off, &we) != BT_OK) {
                w->warc_failed = 1;
                break;
            }
            if (info.x[k].status >= 200 && info.x[k].status < 300 && !r->warc_file &&
                strcmp(info.x[k].url, info.final_url ? info.final_url : it->url) == 0) {
                arc_set(&r->warc_file, w->warc_rel);
                r->warc_offset = (int64_t)off;
                arc_set(&r->warc_record_id, bt_warc_last_response_id(ww));
            }
        }
    }
    pthread_mutex_unlock(&w->mu);
    bt_load_info_free(&info);
    if (st == BT_OK && !*a) return bt_err_set(e, BT_EOTHER, "not modified, but not archived before");
    return st;
}

/* A line "HEX  data/warc/NAME" of the bag's manifest: the digest of an earlier WARC file. */
static int old_digest(const char *bag, const char *rel, char hex[BT_SHA256_HEX])
{
    char *mp = bt_path_join(bag, "manifest-sha256.txt");
    FILE *f = fopen(mp, "r");
    free(mp);
    if (!f) return 0;
    char line[1024];
    int found = 0;
    size_t rl = strlen(rel);
    while (!found && fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        if (n > 66 && line[64] == ' ' && strcmp(line + n - rl, rel) == 0 && line[n - rl - 1] == ' ') {
            memcpy(hex, line, 64);
            hex[64] = '\0';
            found = 1;
        }
    }
    fclose(f);
    return found;
}

bt_status arc_web_manifest(arc_ctx *c, bt_bag_manifest *m, bt_err *e)
{
    struct arc_web *w = c->web;
    bt_status st = BT_OK;
    if (w && w->w) { /* this run's file is complete once the workers are done */
        bt_warc_writer *ww = w->w;
        w->w = NULL;
        st = bt_warc_close(ww, e);
        if (st != BT_OK) return st;
    }
    /* every WARC file: the earlier ones in the bag, this run's in the stage */
    for (int pass = 0; pass < 2 && st == BT_OK; pass++) {
        char *dir = pass ? bt_path_join(c->stage_data, "warc") : bt_xasprintf("%s/data/warc", c->bag);
        DIR *d = opendir(dir);
        struct dirent *de;
        bt_strvec names = {0};
        while (d && (de = readdir(d)) != NULL) {
            size_t n = strlen(de->d_name);
            if (de->d_name[0] != '.' && n > 8 && strcmp(de->d_name + n - 8, ".warc.gz") == 0)
                bt_strvec_push(&names, bt_xstrdup(de->d_name));
        }
        if (d) closedir(d);
        bt_strvec_sort(&names);
        for (size_t k = 0; k < names.n && st == BT_OK; k++) {
            char *rel = bt_xasprintf("data/warc/%s", names.v[k]);
            char *abs = bt_path_join(dir, names.v[k]);
            char hex[BT_SHA256_HEX];
            uint64_t size = 0;
            struct stat sb;
            if (!pass && old_digest(c->bag, rel, hex) && stat(abs, &sb) == 0) size = (uint64_t)sb.st_size;
            else st = bt_sha256_file(abs, hex, &size, e);
            if (st == BT_OK) st = bt_bag_manifest_add(m, rel, hex, size, e);
            free(rel);
            free(abs);
        }
        bt_strvec_free(&names);
        free(dir);
    }
    return st;
}

bt_status arc_web_reload(arc_ctx *c, size_t ei, bt_article **a, bt_err *e)
{
    *a = NULL;
    const arc_ent *x = &c->ents[ei];
    arc_record r;
    pthread_mutex_lock(&c->mu);
    int ok = arc_rec_read(c, x->rec, &r) == 0;
    pthread_mutex_unlock(&c->mu);
    if (!ok) return bt_err_set(e, BT_EIO, "cannot read back its record");
    if (!r.warc_file) {
        arc_record_free(&r);
        return bt_err_set(e, BT_EUSAGE, "no WARC record kept for it");
    }
    struct arc_web *w = c->web;
    bt_source *own = NULL, *src = w ? w->src : NULL;
    if (!src) {
        bt_source_opts so;
        memset(&so, 0, sizeof so);
        src = own = bt_source_new(&so);
    }
    char *path;
    if (x->origin == ARC_ORIGIN_WARC && !r.warc_record_id) {
        path = bt_xstrdup(r.warc_file); /* (from before the bag kept copies: the crawl itself) */
    } else {
        path = bt_path_join(c->stage_data, r.warc_file); /* written by this run? */
        struct stat sb;
        if (stat(path, &sb) == 0 && w) {
            pthread_mutex_lock(&w->mu);
            if (w->w) bt_warc_flush(w->w, NULL);
            pthread_mutex_unlock(&w->mu);
        } else {
            free(path);
            path = bt_xasprintf("%s/data/%s", c->bag, r.warc_file);
        }
    }
    bt_status st = bt_source_load_warc(src, path, (uint64_t)r.warc_offset, x->src, a, e);
    free(path);
    if (st == BT_OK) { /* what the feed gave the page when it was archived */
        bt_article *ar = *a;
        if (!ar->title && r.title) bt_article_set(&ar->title, r.title);
        if (!ar->category && r.category) bt_article_set(&ar->category, r.category);
        if (!ar->author && r.author) bt_article_set(&ar->author, r.author);
        if (!ar->published.year && r.date) bt_date_parse_iso(r.date, &ar->published);
        json_t *fl = r.extra ? json_object_get(r.extra, "feed_lead") : NULL;
        if (!ar->lead && json_is_string(fl)) bt_article_set(&ar->lead, json_string_value(fl));
        if (r.url) bt_article_set(&ar->source_url, r.url);
    }
    arc_record_free(&r);
    bt_source_free(own);
    return st;
}

double arc_web_wait_ms(const arc_ctx *c)
{
    return c->web ? c->web->wait_ms : 0;
}

/* source.c - arguments to items (files, URLs, feeds, sitemaps, WARC records), items to articles. */
#include "source.h"

#include <errno.h>
#include <libxml/parser.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "decode.h"
#include "hash.h"
#include "image.h"
#include "robots.h"
#include "url.h"
#include "warc.h"

#define MAX_CHILD_SITEMAPS 1000
#define MAX_WARC_SLACK ((size_t)256 * 1024) /* a record holds the HTTP head besides the body */

#define ACCEPT_PAGE "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml," \
                    "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
#define ACCEPT_IMAGE "image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.5"

typedef struct {
    char *origin; /* host:port */
    bt_robots *r;
} robots_entry;

/* What bantin keeps of a WARC file's records: enough to find a page's images and every record an
 * article was made from (its response, the records concurrent to it, their warcinfo), so that an
 * archive can copy that evidence into its bag. Built in one pass over the file, then read-only. */
typedef struct {
    uint64_t off, skip;
    char *id, *warcinfo; /* WARC-Record-ID, WARC-Warcinfo-ID (or NULL) */
    char *conc;          /* its WARC-Concurrent-To values, '\n'-joined, or NULL */
} wrec;

typedef struct {
    int32_t rec, next;   /* a record concurrent to some ID; the next one for the same ID */
} wlink;

typedef struct {
    char *path;
    wrec *v;
    size_t n, cap;
    wlink *links;
    size_t nl, cl;
    bt_map byid;         /* WARC-Record-ID -> record */
    bt_map byconc;       /* a record ID -> first link to a record concurrent to it */
    bt_map byimage;      /* URI of an image response (status 200) -> record (the first) */
    bt_map byoff;        /* "OFFSET:SKIP" -> record */
    int stale;           /* published, then records were added to the file: not used again */
    int broken;          /* told of a file that had records before: built by a pass instead */
} warc_index;

struct bt_source {
    bt_source_opts o;
    pthread_mutex_t mu;
    bt_fetcher *f;
    int fetch_failed;
    bt_err fetch_err;
    robots_entry *robots;
    size_t nrobots;
    warc_index **widx; /* WARC files indexed (each complete before it is published here) */
    size_t nwidx;
    warc_index **told; /* WARC files being written, indexed as written (under mu) */
    size_t ntold;
    pthread_mutex_t build_mu; /* one pass over a WARC file at a time: the others wait for it */
    bt_source_memory mem; /* an archive's memory of earlier runs (mem.known NULL: none) */
};

static void warc_index_free(warc_index *x)
{
    if (!x) return;
    for (size_t i = 0; i < x->n; i++) {
        free(x->v[i].id);
        free(x->v[i].warcinfo);
        free(x->v[i].conc);
    }
    free(x->v);
    free(x->links);
    bt_map_free(&x->byid);
    bt_map_free(&x->byconc);
    bt_map_free(&x->byimage);
    bt_map_free(&x->byoff);
    free(x->path);
    free(x);
}

bt_source *bt_source_new(const bt_source_opts *o)
{
    xmlInitParser(); /* before any thread parses (bt_source_load_all, the fetch queue) */
    bt_source *s = bt_xcalloc(1, sizeof *s);
    if (o) s->o = *o;
    s->o.io.origin = NULL;
    if (!s->o.fetch.max_bytes) s->o.fetch.max_bytes = bt_input_limit(&s->o.io);
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->build_mu, NULL);
    return s;
}

void bt_source_free(bt_source *s)
{
    if (!s) return;
    bt_fetcher_free(s->f);
    for (size_t i = 0; i < s->nrobots; i++) {
        free(s->robots[i].origin);
        bt_robots_free(s->robots[i].r);
    }
    free(s->robots);
    for (size_t i = 0; i < s->nwidx; i++) warc_index_free(s->widx[i]);
    free(s->widx);
    for (size_t i = 0; i < s->ntold; i++) warc_index_free(s->told[i]);
    free(s->told);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->build_mu);
    free(s);
}

void bt_source_set_memory(bt_source *s, const bt_source_memory *m)
{
    if (m) s->mem = *m;
    else memset(&s->mem, 0, sizeof s->mem);
}

bt_fetcher *bt_source_fetcher(bt_source *s, bt_err *e)
{
    if (s->o.offline) {
        bt_err_set(e, BT_EUSAGE, "refused: --offline forbids the network");
        return NULL;
    }
    pthread_mutex_lock(&s->mu);
    if (!s->f && !s->fetch_failed) {
        s->f = bt_fetcher_new(&s->o.fetch, &s->fetch_err);
        if (!s->f) s->fetch_failed = 1;
    }
    bt_fetcher *f = s->f;
    pthread_mutex_unlock(&s->mu);
    if (!f && e) *e = s->fetch_err;
    return f;
}

/* ---- lists ---- */

static void feed_item_free(bt_feed_item *m)
{
    if (!m) return;
    bt_feed_item_clear(m);
    free(m);
}

static void item_free(bt_item *it)
{
    free(it->name);
    free(it->url);
    free(it->path);
    free(it->warc_date);
    free(it->warc_also);
    free(it->from);
    feed_item_free(it->meta);
    if (it->page) {
        bt_fetch_result_free(it->page);
        free(it->page);
    }
}

void bt_item_list_free(bt_item_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) item_free(&l->v[i]);
    free(l->v);
    free(l->title);
    for (size_t i = 0; i < l->nnotes; i++) free(l->notes[i]);
    free(l->notes);
    memset(l, 0, sizeof *l);
}

static bt_item *add_item(bt_item_list *l, bt_item_kind k, const char *name)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = bt_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    bt_item *it = &l->v[l->n++];
    memset(it, 0, sizeof *it);
    it->kind = k;
    it->name = bt_xstrdup(name);
    return it;
}

static void note(bt_item_list *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(bt_item_list *l, const char *fmt, ...)
{
    if (l->nnotes >= 1000) return; /* the counts say the rest */
    va_list ap;
    va_start(ap, fmt);
    char buf[700];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    l->notes = bt_xrealloc(l->notes, (l->nnotes + 1) * sizeof *l->notes);
    l->notes[l->nnotes++] = bt_xstrdup(buf);
}

/* ---- robots.txt ---- */

static const bt_robots *robots_for(bt_source *s, const char *url, int referenced, int referrer_internal,
                                   bt_item_list *l)
{
    char *origin = bt_url_origin(url);
    if (!origin) return NULL;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->nrobots; i++)
        if (strcmp(s->robots[i].origin, origin) == 0) {
            const bt_robots *r = s->robots[i].r;
            pthread_mutex_unlock(&s->mu);
            free(origin);
            return r;
        }
    pthread_mutex_unlock(&s->mu);
    bt_robots *r = NULL;
    bt_fetcher *f = bt_source_fetcher(s, NULL);
    char *rurl = bt_url_resolve(url, "/robots.txt");
    if (f && rurl) {
        bt_fetch_req rq = {0};
        rq.referenced = referenced;
        rq.referrer_internal = referrer_internal;
        rq.accept = "text/plain";
        rq.max_bytes = 512 * 1024;
        bt_fetch_result res;
        bt_err e;
        bt_status st = bt_fetch(f, rurl, &rq, &res, &e);
        if (st == BT_OK) {
            r = bt_robots_parse(res.body, res.body_len, "bantin");
            /* the site's Crawl-delay spaces every later request to it, bounded */
            double d = bt_robots_delay_used(r);
            if (d > 0) bt_fetcher_host_delay(f, url, d);
            if (bt_robots_crawl_delay(r) > d)
                note(l, "%s: Crawl-delay of %.0f s: %.0f s used between requests to this host", rurl,
                     bt_robots_crawl_delay(r), d);
        }
        else if (st == BT_EUNSAFE || (res.status >= 400 && res.status < 500) || st == BT_ELIMIT)
            r = bt_robots_all(1); /* no robots.txt: everything allowed (RFC 9309) */
        else
            r = bt_robots_all(0); /* unreachable or a server error: nothing (RFC 9309) */
        bt_fetch_result_free(&res);
    } else {
        r = bt_robots_all(1);
    }
    free(rurl);
    pthread_mutex_lock(&s->mu);
    s->robots = bt_xrealloc(s->robots, (s->nrobots + 1) * sizeof *s->robots);
    s->robots[s->nrobots].origin = origin;
    s->robots[s->nrobots].r = r;
    s->nrobots++;
    pthread_mutex_unlock(&s->mu);
    return r;
}

/* ---- expanding ---- */

static bt_feed_item *take_meta(bt_feed_item *src)
{
    bt_feed_item *m = bt_xcalloc(1, sizeof *m);
    *m = *src;
    memset(src, 0, sizeof *src);
    return m;
}

/* Items of a parsed feed or sitemap. */
static void add_feed_items(bt_source *s, bt_feed *fd, const char *from, int referenced, int internal,
                           bt_item_list *l)
{
    if (!l->title && fd->title) l->title = bt_xstrdup(fd->title);
    l->from_feed = 1;
    if (fd->nolink) {
        l->nolink += fd->nolink;
        note(l, "%s: %zu item%s without a link left out (none, or not an http or https URL)", from, fd->nolink, fd->nolink == 1 ? "" : "s");
    }
    l->over += fd->over;
    if (fd->over) /* (they were left out without a word) */
        note(l, "%s: %zu item%s past the first %zu left out", from, fd->over, fd->over == 1 ? "" : "s", fd->nitems);
    /* the URLs already listed, to leave duplicates out in linear time (a scan of the list per
     * item was quadratic: a 50,000-item sitemap took minutes) */
    bt_map seen = {0};
    for (size_t k = 0; k < l->n; k++)
        if (l->v[k].url) bt_map_puts(&seen, l->v[k].url, 1);
    for (size_t i = 0; i < fd->nitems; i++) {
        bt_feed_item *fi = &fd->items[i];
        if (bt_map_gets(&seen, fi->url) >= 0) continue;
        bt_map_puts(&seen, fi->url, 1);
        if (!s->o.ignore_robots && !s->o.offline) {
            const bt_robots *r = robots_for(s, fi->url, referenced, internal, l);
            char *path = bt_url_path(fi->url);
            int ok = bt_robots_allowed(r, path);
            free(path);
            if (!ok) {
                l->robots_skipped++;
                note(l, "%s: skipped: disallowed by the site's robots.txt (--ignore-robots overrides)", fi->url);
                continue;
            }
        }
        bt_item *it = add_item(l, BT_ITEM_URL, fi->url);
        it->url = bt_xstrdup(fi->url);
        it->referenced = referenced;
        it->referrer_internal = internal;
        it->from = bt_xstrdup(from);
        it->meta = take_meta(fi);
    }
    bt_map_free(&seen);
}

/* A gzip body (a sitemap.xml.gz) decompressed, capped. */
static int gunzip_body(char **body, size_t *len, size_t cap)
{
    char *out;
    size_t ol;
    bt_err e;
    if (bt_decode_body("gzip", *body, *len, cap, &out, &ol, &e) != BT_OK) return -1;
    free(*body);
    *body = out;
    *len = ol;
    return 0;
}

static size_t input_cap(const bt_source *s)
{
    return bt_input_limit(&s->o.io);
}

static bt_status fetch_url(bt_source *s, const char *url, int referenced, int internal,
                           const bt_validators *val, bt_fetch_result *r, bt_err *e)
{
    bt_fetcher *f = bt_source_fetcher(s, e);
    if (!f) {
        memset(r, 0, sizeof *r);
        return e ? e->code : BT_EUSAGE;
    }
    bt_fetch_req rq = {0};
    rq.referenced = referenced;
    rq.referrer_internal = internal;
    rq.accept = ACCEPT_PAGE;
    rq.max_bytes = input_cap(s);
    if (val) {
        rq.etag = val->etag;
        rq.last_modified = val->last_modified;
    }
    return bt_fetch(f, url, &rq, r, e);
}

static bt_status expand_warc(bt_source *s, const char *path, bt_item_list *l, bt_err *e);

/* Fetch a URL given as a source or listed by a sitemap index, conditionally when the archive's
 * memory has validators for it. A 304 for what was an article page: BT_OK, r->status 304, no
 * body (*page set). A 304 for a feed or sitemap: its earlier body from the memory, as if it had
 * come again (a feed that has not changed still lists the same items); when that body cannot be
 * had, the URL is fetched again without validators. */
static bt_status fetch_listing(bt_source *s, const char *url, int referenced, int internal, bt_fetch_result *r,
                               int *page, bt_err *e)
{
    bt_validators v = {0};
    *page = 0;
    int have = s->mem.known && s->mem.known(s->mem.ud, url, &v, page);
    bt_status st = fetch_url(s, url, referenced, internal, have ? &v : NULL, r, e);
    if (st != BT_OK || r->status != 304) return st;
    if (*page) return BT_OK;
    char *body = NULL, *ctype = NULL;
    size_t len = 0;
    bt_err le;
    if (s->mem.earlier && s->mem.earlier(s->mem.ud, url, &body, &len, &ctype, &le) == BT_OK) {
        free(r->body);
        r->body = body;
        r->body_len = len;
        free(r->content_type);
        r->content_type = ctype;
        return BT_OK;
    }
    bt_fetch_result_free(r);
    return fetch_url(s, url, referenced, internal, NULL, r, e);
}

/* A feed or sitemap that came with a new answer: the archive keeps it (evidence, validators). */
static void remember_listing(bt_source *s, const char *url, const bt_fetch_result *r)
{
    if (s->mem.fetched && r->status >= 200 && r->status < 300) s->mem.fetched(s->mem.ud, url, r);
}

/* What a fetched body is, gzip unwrapped (sitemaps are often .xml.gz). */
static bt_kind body_kind(bt_source *s, bt_fetch_result *r)
{
    bt_kind k = bt_kind_sniff(r->content_type, r->body, r->body_len);
    if (k == BT_KIND_GZIP && gunzip_body(&r->body, &r->body_len, input_cap(s)) == 0)
        k = bt_kind_sniff(NULL, r->body, r->body_len);
    return k;
}

static bt_status expand_url(bt_source *s, const char *url, bt_item_list *l, bt_err *e)
{
    if (!bt_url_is_web(url))
        return bt_err_set(e, BT_EUSAGE, "unsupported URL scheme (only http and https)");
    if (s->o.offline) return bt_err_set(e, BT_EUSAGE, "refused: --offline forbids the network");
    bt_fetch_result *r = bt_xcalloc(1, sizeof *r);
    int page304 = 0;
    bt_status st = fetch_listing(s, url, 0, 0, r, &page304, e);
    l->fail_status = r->status;
    l->fail_transient = st != BT_OK && r->transient;
    if (st != BT_OK) {
        bt_fetch_result_free(r);
        free(r);
        return st;
    }
    if (page304) { /* an archived page, not modified: the archive knows what it is */
        bt_item *it = add_item(l, BT_ITEM_URL, url);
        it->url = bt_xstrdup(url);
        it->page = r;
        return BT_OK;
    }
    bt_kind k = body_kind(s, r);
    if (k == BT_KIND_HTML || k == BT_KIND_TEXT) {
        bt_item *it = add_item(l, BT_ITEM_URL, url);
        it->url = bt_xstrdup(url);
        it->page = r;
        return BT_OK;
    }
    if (bt_kind_is_feed(k)) {
        bt_feed *fd = NULL;
        st = bt_feed_parse(r->body, r->body_len, r->url, &fd, e);
        if (st != BT_OK) {
            bt_fetch_result_free(r);
            free(r);
            return st;
        }
        remember_listing(s, url, r);
        int internal = r->internal;
        if (fd->kind == BT_KIND_SITEMAP_INDEX) {
            /* its items are sitemaps: fetch each (one level; a nested index is noted) */
            l->from_feed = 1;
            if (!l->title && fd->title) l->title = bt_xstrdup(fd->title);
            for (size_t i = 0; i < fd->nitems && i < MAX_CHILD_SITEMAPS; i++) {
                const char *cu = fd->items[i].url;
                bt_fetch_result cr;
                bt_err ce;
                int p304 = 0;
                if (fetch_listing(s, cu, 1, internal, &cr, &p304, &ce) != BT_OK || p304) {
                    if (p304) bt_err_set(&ce, BT_EPARSE, "an article page where a sitemap was expected");
                    note(l, "%s: sitemap skipped: %s", cu, ce.msg);
                    bt_fetch_result_free(&cr);
                    continue;
                }
                bt_kind ck = body_kind(s, &cr);
                bt_feed *cf = NULL;
                if (ck == BT_KIND_SITEMAP_INDEX) {
                    note(l, "%s: a sitemap index inside a sitemap index is not followed", cu);
                } else if (bt_feed_parse(cr.body, cr.body_len, cr.url, &cf, &ce) != BT_OK) {
                    note(l, "%s: sitemap skipped: %s", cu, ce.msg);
                } else {
                    remember_listing(s, cu, &cr);
                    add_feed_items(s, cf, cu, 1, cr.internal, l);
                }
                bt_feed_free(cf);
                bt_fetch_result_free(&cr);
            }
        } else {
            add_feed_items(s, fd, url, 1, internal, l);
        }
        bt_feed_free(fd);
        bt_fetch_result_free(r);
        free(r);
        return BT_OK;
    }
    const char *ct = r->content_type ? r->content_type : "none";
    if (k == BT_KIND_WARC)
        st = bt_err_set(e, BT_EUSAGE, "a WARC file over HTTP: download it and give the file");
    else if (k == BT_KIND_XML)
        st = bt_err_set(e, BT_EPARSE, "an XML document that is not a feed or a sitemap");
    else
        st = bt_err_set(e, BT_EBINARY, "not an article, feed or sitemap: looks like %s (Content-Type %s)",
                        bt_kind_name(k), ct);
    bt_fetch_result_free(r);
    free(r);
    return st;
}

/* A gzip file holding a WARC (else some other gzip file, which the parsers refuse): its first
 * record reads, or is cut short (a damaged crawl is still a crawl, reported as such). */
static int gzip_is_warc(const char *path)
{
    bt_warc_reader *r;
    bt_warc_record rec;
    bt_err pe;
    int is_warc = 0;
    if (bt_warc_reader_open(path, 1, &r, &pe) == BT_OK) {
        is_warc = bt_warc_next(r, &rec, &pe) == BT_OK;
        if (is_warc) bt_warc_record_free(&rec);
        else is_warc = strstr(pe.msg, "not a WARC record") == NULL && strstr(pe.msg, "corrupt") == NULL &&
                       strstr(pe.msg, "cut short") != NULL;
        bt_warc_reader_close(r);
    }
    return is_warc;
}

int bt_source_is_web_file(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return 0;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char head[4096];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    bt_kind k = bt_kind_sniff(NULL, head, n);
    return k == BT_KIND_WARC || bt_kind_is_feed(k) || (k == BT_KIND_GZIP && gzip_is_warc(path));
}

bt_status bt_source_expand(bt_source *s, const char *arg, bt_item_list *l, bt_err *e)
{
    if (strcmp(arg, "-") == 0) {
        bt_item *it = add_item(l, BT_ITEM_FILE, "-");
        it->path = bt_xstrdup("-");
        return BT_OK;
    }
    if (bt_url_has_scheme(arg)) return expand_url(s, arg, l, e);
    struct stat st;
    if (stat(arg, &st) == 0 && S_ISREG(st.st_mode)) {
        FILE *f = fopen(arg, "rb");
        char head[4096];
        size_t n = f ? fread(head, 1, sizeof head, f) : 0;
        if (f) fclose(f);
        bt_kind k = bt_kind_sniff(NULL, head, n);
        if (k == BT_KIND_WARC || (k == BT_KIND_GZIP && gzip_is_warc(arg))) return expand_warc(s, arg, l, e);
        if (bt_kind_is_feed(k)) {
            char *buf;
            size_t len;
            bt_status rs = bt_read_file(arg, input_cap(s), &buf, &len, e);
            if (rs != BT_OK) return rs;
            bt_feed *fd = NULL;
            rs = bt_feed_parse(buf, len, NULL, &fd, e);
            free(buf);
            if (rs != BT_OK) return rs;
            if (fd->kind == BT_KIND_SITEMAP_INDEX) {
                for (size_t i = 0; i < fd->nitems; i++) {
                    bt_err ce;
                    if (expand_url(s, fd->items[i].url, l, &ce) != BT_OK)
                        note(l, "%s: sitemap skipped: %s", fd->items[i].url, ce.msg);
                }
            } else {
                /* a feed file the user gave lists URLs as the command line would */
                add_feed_items(s, fd, arg, 0, 0, l);
            }
            bt_feed_free(fd);
            if (s->o.offline && l->n) {
                /* the items are URLs: with --offline they cannot be loaded */
                return bt_err_set(e, BT_EUSAGE, "the feed's items are URLs, and --offline forbids the network");
            }
            return BT_OK;
        }
    }
    bt_item *it = add_item(l, BT_ITEM_FILE, arg);
    it->path = bt_xstrdup(arg);
    return BT_OK;
}

static void off_key(uint64_t off, uint64_t skip, char out[48])
{
    snprintf(out, 48, "%llu:%llu", (unsigned long long)off, (unsigned long long)skip);
}

/* What a response record is to bantin (status 200 unless said). */
enum { WK_OTHER = 0, WK_PAGE, WK_IMAGE, WK_FEED, WK_REDIRECT /* a 3xx with a Location */ };

/* Keep what is needed of one record: every record but the responses that are none of the kinds
 * above (kind WK_OTHER: another response, or not a response). */
static void index_record(warc_index *x, const bt_warc_record *rec, int kind)
{
    int resp = rec->type && strcmp(rec->type, "response") == 0;
    if (resp && !kind) return;
    if (!resp && !rec->record_id) return;
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 64;
        x->v = bt_xrealloc(x->v, x->cap * sizeof *x->v);
    }
    int32_t i = (int32_t)x->n++;
    wrec *w = &x->v[i];
    memset(w, 0, sizeof *w);
    w->off = rec->offset;
    w->skip = rec->skip;
    w->id = rec->record_id ? bt_xstrdup(rec->record_id) : NULL;
    w->warcinfo = rec->warcinfo_id ? bt_xstrdup(rec->warcinfo_id) : NULL;
    bt_buf cb = {0};
    for (size_t k = 0; k < rec->concurrent.n; k++) {
        if (k) bt_buf_add(&cb, "\n", 1);
        bt_buf_adds(&cb, rec->concurrent.v[k]);
        if (x->nl == x->cl) {
            x->cl = x->cl ? x->cl * 2 : 64;
            x->links = bt_xrealloc(x->links, x->cl * sizeof *x->links);
        }
        x->links[x->nl].rec = i;
        x->links[x->nl].next = bt_map_gets(&x->byconc, rec->concurrent.v[k]);
        bt_map_puts(&x->byconc, rec->concurrent.v[k], (int32_t)x->nl);
        x->nl++;
    }
    if (cb.len) w->conc = bt_buf_detach(&cb, NULL);
    bt_buf_free(&cb);
    if (w->id && bt_map_gets(&x->byid, w->id) < 0) bt_map_puts(&x->byid, w->id, i);
    if (kind == WK_IMAGE && rec->target_uri && bt_map_gets(&x->byimage, rec->target_uri) < 0)
        bt_map_puts(&x->byimage, rec->target_uri, i);
    char k[48];
    off_key(rec->offset, rec->skip, k);
    bt_map_puts(&x->byoff, k, i);
}

static warc_index *warc_index_new(const char *path)
{
    warc_index *x = bt_xcalloc(1, sizeof *x);
    x->path = bt_xstrdup(path);
    return x;
}

/* The published index of path, or NULL. */
static const warc_index *warc_index_of(bt_source *s, const char *path)
{
    const warc_index *x = NULL;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->nwidx && !x; i++)
        if (!s->widx[i]->stale && strcmp(s->widx[i]->path, path) == 0) x = s->widx[i];
    pthread_mutex_unlock(&s->mu);
    return x;
}

/* Publish a complete index (x is freed when another thread was first). */
static const warc_index *warc_index_publish(bt_source *s, warc_index *x)
{
    const warc_index *have = NULL;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->nwidx && !have; i++)
        if (!s->widx[i]->stale && strcmp(s->widx[i]->path, x->path) == 0) have = s->widx[i];
    if (!have) {
        s->widx = bt_xrealloc(s->widx, (s->nwidx + 1) * sizeof *s->widx);
        s->widx[s->nwidx++] = x;
        have = x;
        x = NULL;
    }
    pthread_mutex_unlock(&s->mu);
    warc_index_free(x);
    return have;
}

/* What a response block is (WK_*); h (may be NULL) keeps the parsed answer for the caller (free
 * it when the kind is not WK_OTHER), its body gzip-unwrapped for a feed (a sitemap.xml.gz). */
static int response_classify(const bt_warc_record *rec, size_t cap, bt_warc_http *keep)
{
    bt_warc_http h;
    bt_err he;
    if (!rec->block || bt_warc_http_parse(rec->block, rec->block_len, cap, &h, &he) != BT_OK) return WK_OTHER;
    int kind = WK_OTHER;
    if (h.status == 200) {
        bt_kind k = bt_kind_sniff(h.content_type, h.body, h.body_len);
        if (k == BT_KIND_GZIP) {
            char *out;
            size_t ol;
            if (bt_decode_body("gzip", h.body, h.body_len, cap, &out, &ol, &he) == BT_OK) {
                k = bt_kind_sniff(NULL, out, ol);
                if (bt_kind_is_feed(k)) {
                    free(h.body);
                    h.body = out;
                    h.body_len = ol;
                } else {
                    free(out);
                }
            }
        }
        kind = k == BT_KIND_HTML ? WK_PAGE : k == BT_KIND_IMAGE ? WK_IMAGE : bt_kind_is_feed(k) ? WK_FEED : WK_OTHER;
    } else if (h.status >= 300 && h.status < 400) {
        char *loc = bt_http_header(h.head, h.head_len, "Location");
        if (loc && *loc) kind = WK_REDIRECT;
        free(loc);
    }
    if (keep && kind != WK_OTHER) *keep = h;
    else bt_warc_http_free(&h);
    return kind;
}

static int response_kind(const bt_warc_record *rec, size_t cap)
{
    return response_classify(rec, cap, NULL);
}

void bt_source_warc_written(bt_source *s, const char *path, const bt_warc_record *rec)
{
    int resp = rec->type && strcmp(rec->type, "response") == 0;
    int kind = resp && rec->target_uri ? response_kind(rec, input_cap(s)) : WK_OTHER;
    pthread_mutex_lock(&s->mu);
    warc_index *x = NULL;
    for (size_t i = 0; i < s->ntold && !x; i++)
        if (strcmp(s->told[i]->path, path) == 0) x = s->told[i];
    if (!x) {
        /* an index published already no longer has every record of the file */
        for (size_t i = 0; i < s->nwidx; i++)
            if (strcmp(s->widx[i]->path, path) == 0) s->widx[i]->stale = 1;
        x = warc_index_new(path);
        x->broken = rec->offset != 0 || rec->skip != 0; /* not told from the file's start */
        s->told = bt_xrealloc(s->told, (s->ntold + 1) * sizeof *s->told);
        s->told[s->ntold++] = x;
    }
    if (!x->broken) index_record(x, rec, kind);
    pthread_mutex_unlock(&s->mu);
}

/* The index told of path while it was written, taken out of the told list (NULL: none). */
static warc_index *told_take(bt_source *s, const char *path)
{
    warc_index *x = NULL;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->ntold && !x; i++)
        if (strcmp(s->told[i]->path, path) == 0) {
            x = s->told[i];
            s->told[i] = s->told[--s->ntold];
        }
    pthread_mutex_unlock(&s->mu);
    if (x && x->broken) {
        warc_index_free(x);
        x = NULL;
    }
    return x;
}

/* The index of a WARC file: told as it was written, else built on first use by one pass over it
 * (one thread makes the pass, the others wait for it; a file that cannot be read gives an empty
 * index). */
static const warc_index *warc_index_get(bt_source *s, const char *path)
{
    const warc_index *have = warc_index_of(s, path);
    if (have) return have;
    warc_index *x = told_take(s, path);
    if (x) return warc_index_publish(s, x);
    pthread_mutex_lock(&s->build_mu);
    have = warc_index_of(s, path);
    if (have) {
        pthread_mutex_unlock(&s->build_mu);
        return have;
    }
    x = warc_index_new(path);
    bt_warc_reader *r;
    bt_err e;
    if (bt_warc_reader_open(path, input_cap(s) + MAX_WARC_SLACK, &r, &e) == BT_OK) {
        bt_warc_record rec;
        bt_status rs;
        while ((rs = bt_warc_next(r, &rec, &e)) != BT_EEMPTY) {
            if (rs != BT_OK) {
                if (bt_warc_resync(r, &e) == BT_OK) continue; /* (expand_warc names it) */
                break;
            }
            int resp = rec.type && strcmp(rec.type, "response") == 0;
            index_record(x, &rec, resp && rec.target_uri ? response_kind(&rec, input_cap(s)) : WK_OTHER);
            bt_warc_record_free(&rec);
        }
        bt_warc_reader_close(r);
    }
    have = warc_index_publish(s, x);
    pthread_mutex_unlock(&s->build_mu);
    return have;
}

/* What expand_warc learns of a WARC's feeds and redirects besides its pages. */
typedef struct {
    bt_feed *fd;
    uint64_t off, skip;
} wfeed;

typedef struct {
    char *from, *to;     /* its WARC-Target-URI; the Location, resolved */
    uint64_t off, skip;
} wredir;

typedef struct {
    wfeed *feeds;
    size_t nfeeds;
    wredir *redirs;
    size_t nredirs;
    bt_map byfrom;       /* a redirect's WARC-Target-URI -> redirs index (the first) */
} warc_extra;

static void also_add(bt_item *it, uint64_t off, uint64_t skip)
{
    for (size_t i = 0; i < it->nwarc_also; i++)
        if (it->warc_also[2 * i] == off && it->warc_also[2 * i + 1] == skip) return;
    it->warc_also = bt_xrealloc(it->warc_also, (it->nwarc_also + 1) * 2 * sizeof *it->warc_also);
    it->warc_also[2 * it->nwarc_also] = off;
    it->warc_also[2 * it->nwarc_also + 1] = skip;
    it->nwarc_also++;
}

/* The page item that url leads to in this WARC (following its redirects), or -1; the redirects
 * followed are added to the item's records when it is found. */
static int32_t warc_follow(bt_item_list *l, const bt_map *pages, const warc_extra *wx, const char *url)
{
    int32_t hops[10];
    int nh = 0;
    const char *u = url;
    for (;;) {
        int32_t p = bt_map_gets(pages, u);
        if (p >= 0) {
            for (int h = 0; h < nh; h++) also_add(&l->v[p], wx->redirs[hops[h]].off, wx->redirs[hops[h]].skip);
            return p;
        }
        int32_t r = bt_map_gets(&wx->byfrom, u);
        if (r < 0 || nh == 10) return -1;
        for (int h = 0; h < nh; h++)
            if (hops[h] == r) return -1; /* a loop */
        hops[nh++] = r;
        u = wx->redirs[r].to;
    }
}

typedef struct {
    size_t rank, pos;
} worder;

static int worder_cmp(const void *a, const void *b)
{
    const worder *x = a, *y = b;
    if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The feeds and sitemaps of a WARC applied to its pages (items l->v[before..]): a listed page
 * gets the item's fields (the page wins where it has them, as for a fetched feed) and the feed's
 * record as evidence; listed pages come first, in the feeds' order, then the others in file
 * order. Redirects in the WARC lead to the pages they point at (and become their evidence).
 * Listed items whose page is not in the WARC are noted: a WARC is read offline. */
static void warc_apply(bt_item_list *l, size_t before, const bt_map *pages, warc_extra *wx, const char *path)
{
    for (size_t r = 0; r < wx->nredirs; r++) warc_follow(l, pages, wx, wx->redirs[r].from);
    size_t n = l->n - before, listed = 0, missing = 0;
    worder *ord = bt_xcalloc(n ? n : 1, sizeof *ord);
    for (size_t i = 0; i < n; i++) {
        ord[i].rank = SIZE_MAX;
        ord[i].pos = i;
    }
    for (size_t f = 0; f < wx->nfeeds; f++) {
        bt_feed *fd = wx->feeds[f].fd;
        if (fd->nolink)
            note(l, "%s: %zu item%s without a link left out (none, or not an http or https URL)", path, fd->nolink, fd->nolink == 1 ? "" : "s");
        for (size_t k = 0; k < fd->nitems; k++) {
            int32_t p = warc_follow(l, pages, wx, fd->items[k].url);
            if (p < 0) {
                missing++;
                continue;
            }
            bt_item *it = &l->v[p];
            if (it->meta) continue; /* listed twice: the first listing counts */
            it->meta = take_meta(&fd->items[k]);
            also_add(it, wx->feeds[f].off, wx->feeds[f].skip);
            ord[(size_t)p - before].rank = listed++;
            if (!l->title && fd->title) l->title = bt_xstrdup(fd->title);
        }
    }
    if (listed) {
        l->from_feed = 1;
        qsort(ord, n, sizeof *ord, worder_cmp);
        bt_item *v = bt_xmalloc((n ? n : 1) * sizeof *v);
        for (size_t i = 0; i < n; i++) v[i] = l->v[before + ord[i].pos];
        memcpy(l->v + before, v, n * sizeof *v);
        free(v);
    }
    if (missing)
        note(l, "%s: %zu item%s of its feeds %s not in this WARC file (left out: a WARC is read offline)", path,
             missing, missing == 1 ? "" : "s", missing == 1 ? "is" : "are");
    free(ord);
}

static void warc_extra_free(warc_extra *wx)
{
    for (size_t i = 0; i < wx->nfeeds; i++) bt_feed_free(wx->feeds[i].fd);
    free(wx->feeds);
    for (size_t i = 0; i < wx->nredirs; i++) {
        free(wx->redirs[i].from);
        free(wx->redirs[i].to);
    }
    free(wx->redirs);
    bt_map_free(&wx->byfrom);
}

/* The response records of a WARC: pages become items, images are indexed for their pages,
 * feeds and sitemaps fill the fields of the pages they list, redirects lead to pages. */
static bt_status expand_warc(bt_source *s, const char *path, bt_item_list *l, bt_err *e)
{
    /* the index is built on the same pass (unless this file was indexed already) */
    warc_index *x = warc_index_of(s, path) ? NULL : warc_index_new(path);
    bt_warc_reader *r;
    bt_status st = bt_warc_reader_open(path, input_cap(s) + MAX_WARC_SLACK, &r, e);
    if (st != BT_OK) {
        warc_index_free(x);
        return st;
    }
    bt_warc_record rec;
    bt_map urls = {0}; /* pages of this file already listed -> their item */
    warc_extra wx;
    memset(&wx, 0, sizeof wx);
    size_t before = l->n, nresp = 0;
    bt_err first_bad;        /* the first broken record that was skipped */
    memset(&first_bad, 0, sizeof first_bad);
    size_t nbad = 0;
    bt_strvec bad = {0};     /* ... and the others, noted when the file gives articles */
    for (;;) {
        st = bt_warc_next(r, &rec, e);
        if (st == BT_EEMPTY) break;
        if (st != BT_OK) {
            /* a broken record is skipped when the next one can be found; else the rest is lost */
            bt_err re;
            if (bt_warc_resync(r, &re) != BT_OK) break;
            if (nbad++ == 0) first_bad = *e;
            else bt_strvec_push(&bad, bt_xstrdup(e->msg));
            continue;
        }
        if (!rec.type) {
            bt_warc_record_free(&rec);
            continue;
        }
        int kind = WK_OTHER;
        if (strcmp(rec.type, "revisit") == 0) {
            l->warc_skipped_revisit++;
        } else if (strcmp(rec.type, "response") == 0 && rec.target_uri && bt_url_is_web(rec.target_uri) &&
                   !rec.block) { /* skipped by the reader for its size: said, not taken for no page */
            nresp++;
            note(l, "%s: %.300s: record of %zu bytes, over the input limit (--max-input raises it): left out", path,
                 rec.target_uri, rec.block_len);
            l->warc_skipped_other++;
            l->warc_too_large++;
        } else if (strcmp(rec.type, "response") == 0 && rec.target_uri && bt_url_is_web(rec.target_uri)) {
            nresp++;
            bt_warc_http h;
            kind = response_classify(&rec, input_cap(s), &h);
            if (kind == WK_PAGE && bt_map_gets(&urls, rec.target_uri) < 0) {
                bt_map_puts(&urls, rec.target_uri, (int32_t)l->n);
                char *name = bt_xasprintf("%s: %s", path, rec.target_uri);
                bt_item *it = add_item(l, BT_ITEM_WARC, name);
                free(name);
                it->url = bt_xstrdup(rec.target_uri);
                it->path = bt_xstrdup(path);
                it->warc_offset = rec.offset;
                it->warc_skip = rec.skip;
                it->warc_date = rec.date ? bt_xstrdup(rec.date) : NULL;
                it->from = bt_xstrdup(path);
            } else if (kind == WK_FEED) {
                bt_feed *fd = NULL;
                bt_err fe;
                if (bt_feed_parse(h.body, h.body_len, rec.target_uri, &fd, &fe) != BT_OK) {
                    note(l, "%s: %s: feed left out: %s", path, rec.target_uri, fe.msg);
                    l->warc_skipped_other++;
                } else if (fd->kind == BT_KIND_SITEMAP_INDEX) {
                    bt_feed_free(fd); /* its sitemaps are records of their own when crawled */
                } else {
                    wx.feeds = bt_xrealloc(wx.feeds, (wx.nfeeds + 1) * sizeof *wx.feeds);
                    wx.feeds[wx.nfeeds++] = (wfeed){fd, rec.offset, rec.skip};
                }
            } else if (kind == WK_REDIRECT && bt_map_gets(&wx.byfrom, rec.target_uri) < 0) {
                char *loc = bt_http_header(h.head, h.head_len, "Location");
                char *to = loc ? bt_url_resolve(rec.target_uri, loc) : NULL;
                free(loc);
                if (to) {
                    bt_map_puts(&wx.byfrom, rec.target_uri, (int32_t)wx.nredirs);
                    wx.redirs = bt_xrealloc(wx.redirs, (wx.nredirs + 1) * sizeof *wx.redirs);
                    wx.redirs[wx.nredirs++] = (wredir){bt_xstrdup(rec.target_uri), to, rec.offset, rec.skip};
                }
            } else if (kind != WK_REDIRECT) {
                l->warc_skipped_other++; /* (a page twice: the first answer is the article) */
            }
            if (kind != WK_OTHER) bt_warc_http_free(&h);
        }
        if (x) index_record(x, &rec, kind);
        bt_warc_record_free(&rec);
    }
    bt_warc_reader_close(r);
    if (x) warc_index_publish(s, x);
    if (l->n > before) warc_apply(l, before, &urls, &wx, path);
    bt_map_free(&urls);
    warc_extra_free(&wx);
    if (nbad && l->n == before && st == BT_EEMPTY) {
        /* nothing usable: the first broken record is the reason, the others are noted */
        for (size_t k = 0; k < bad.n; k++) note(l, "%s: %s (that record is skipped)", path, bad.v[k]);
        bt_strvec_free(&bad);
        *e = first_bad;
        return e->code;
    }
    if (nbad) note(l, "%s: %s (that record is skipped)", path, first_bad.msg);
    for (size_t k = 0; k < bad.n; k++) note(l, "%s: %s (that record is skipped)", path, bad.v[k]);
    bt_strvec_free(&bad);
    if (st != BT_EEMPTY) {
        /* a broken record: what came before it is kept, the rest of the file is lost */
        if (l->n == before) return st;
        note(l, "%s: %s (the records before it are used)", path, e->msg);
    }
    if (nresp == 0 && l->n == before)
        return bt_err_set(e, BT_EEMPTY, "no HTTP response records in this WARC file");
    return BT_OK;
}

/* ---- loading ---- */

typedef struct {
    bt_source *s;
    const char *page_url;
    int internal;
    int n, warned_count, warned_bytes;
    size_t bytes;
    bt_load_info *info;      /* exchanges are appended here (may be NULL) */
    const warc_index *warc;  /* WARC pages: images come from the same file */
    int warc_missing;
    int declined;            /* --no-images: images not fetched */
} img_ctx;

static bt_image *no_image(void *ctx, const char *src, bt_article *a)
{
    (void)src;
    (void)a;
    ((img_ctx *)ctx)->declined++;
    return NULL;
}

static void keep_exchanges(bt_load_info *info, bt_fetch_result *r)
{
    if (!info) return;
    info->x = bt_xrealloc(info->x, (info->nx + r->nx) * sizeof *info->x);
    if (r->nx) memcpy(info->x + info->nx, r->x, r->nx * sizeof *r->x);
    info->nx += r->nx;
    free(r->x);
    r->x = NULL;
    r->nx = 0;
}

static void add_ref(bt_load_info *info, const char *path, const wrec *w, int page)
{
    for (size_t i = 0; i < info->nrefs; i++)
        if (info->refs[i].offset == w->off && info->refs[i].skip == w->skip && strcmp(info->refs[i].path, path) == 0) {
            info->refs[i].page |= page;
            return;
        }
    info->refs = bt_xrealloc(info->refs, (info->nrefs + 1) * sizeof *info->refs);
    bt_warc_ref *r = &info->refs[info->nrefs++];
    r->path = bt_xstrdup(path);
    r->offset = w->off;
    r->skip = w->skip;
    r->page = page;
}

/* File order (the records of one load all come from one file). */
static int ref_cmp(const void *a, const void *b)
{
    const bt_warc_ref *x = a, *y = b;
    if (x->offset != y->offset) return x->offset < y->offset ? -1 : 1;
    return x->skip < y->skip ? -1 : x->skip > y->skip;
}

/* Record j of x and what belongs with it, in the order a copy should have them: its warcinfo,
 * the records it names as concurrent (a request, for wget), itself, then the records that name
 * it (a request, for bantin and Heritrix; metadata). info NULL: nothing to do. */
static void add_record_refs(bt_load_info *info, const warc_index *x, int32_t j, int page)
{
    if (!info) return;
    const wrec *w = &x->v[j];
    int32_t k = w->warcinfo ? bt_map_gets(&x->byid, w->warcinfo) : -1;
    if (k >= 0) add_ref(info, x->path, &x->v[k], 0);
    for (const char *p = w->conc; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        k = bt_map_get(&x->byid, p, n);
        if (k >= 0 && k != j) add_ref(info, x->path, &x->v[k], 0);
        p = nl ? nl + 1 : p + n;
    }
    add_ref(info, x->path, w, page);
    for (int32_t l = w->id ? bt_map_gets(&x->byconc, w->id) : -1; l >= 0; l = x->links[l].next)
        if (x->links[l].rec != j) add_ref(info, x->path, &x->v[x->links[l].rec], 0);
}

static bt_image *image_from(img_ctx *c, const char *url, const char *data, size_t len, bt_article *a)
{
    if (c->bytes + len > BT_MAX_PAGE_IMAGE_BYTES) {
        if (!c->warned_bytes++)
            bt_article_warn(a, "images beyond %zu MB for this page not loaded", BT_MAX_PAGE_IMAGE_BYTES >> 20);
        return NULL;
    }
    c->bytes += len;
    char hint[32];
    snprintf(hint, sizeof hint, "web-%d", c->n);
    if (!bt_image_charge(a, (const unsigned char *)data, len, url)) return NULL;
    const char *why = NULL;
    bt_image *im = bt_image_from_bytes((const unsigned char *)data, len, hint, &why);
    if (!im) bt_article_warn(a, "image skipped (%.200s): %s", url, why ? why : "unusable");
    return im;
}

static bt_image *web_image(void *ctx, const char *src, bt_article *a)
{
    img_ctx *c = ctx;
    char *url = bt_url_resolve(c->page_url, src);
    if (!url || !bt_url_is_web(url)) {
        bt_article_warn(a, "image not loaded (%.200s): only http and https images are fetched", src);
        free(url);
        return NULL;
    }
    if (c->n >= BT_MAX_PAGE_IMAGES) {
        if (!c->warned_count++)
            bt_article_warn(a, "more than %d images: the rest are not loaded", BT_MAX_PAGE_IMAGES);
        free(url);
        return NULL;
    }
    c->n++;
    bt_image *im = NULL;
    if (c->warc) {
        /* a page from a WARC: its images only from the same WARC */
        int32_t j = bt_map_gets(&c->warc->byimage, url);
        if (j < 0) {
            c->warc_missing++;
        } else {
            const wrec *w = &c->warc->v[j];
            bt_warc_record rec;
            bt_warc_http h;
            bt_err e;
            if (bt_warc_read_at(c->warc->path, w->off, w->skip, BT_MAX_IMAGE_BYTES * 2, &rec, &e) == BT_OK && rec.block &&
                bt_warc_http_parse(rec.block, rec.block_len, BT_MAX_IMAGE_BYTES, &h, &e) == BT_OK) {
                im = image_from(c, url, h.body, h.body_len, a);
                bt_warc_http_free(&h);
                if (im) add_record_refs(c->info, c->warc, j, 0);
            } else {
                bt_article_warn(a, "image skipped (%.200s): %s", url, e.msg);
            }
            bt_warc_record_free(&rec);
        }
        free(url);
        return im;
    }
    bt_fetcher *f = bt_source_fetcher(c->s, NULL);
    if (!f) {
        free(url);
        return NULL;
    }
    bt_fetch_req rq = {0};
    rq.referenced = 1;
    rq.referrer_internal = c->internal;
    rq.accept = ACCEPT_IMAGE;
    rq.max_bytes = BT_MAX_IMAGE_BYTES;
    bt_fetch_result r;
    bt_err e;
    bt_status st = bt_fetch(f, url, &rq, &r, &e);
    if (c->info) c->info->fetch_ms += r.ms;
    if (st != BT_OK) bt_article_warn(a, "image not loaded (%.200s): %s", url, e.msg);
    else im = image_from(c, url, r.body, r.body_len, a);
    keep_exchanges(c->info, &r);
    bt_fetch_result_free(&r);
    free(url);
    return im;
}

void bt_load_info_free(bt_load_info *li)
{
    if (!li) return;
    free(li->final_url);
    free(li->etag);
    free(li->last_modified);
    for (size_t i = 0; i < li->nx; i++) {
        free(li->x[i].url);
        free(li->x[i].ip);
        free(li->x[i].req_head);
        free(li->x[i].resp_head);
        free(li->x[i].payload);
    }
    free(li->x);
    for (size_t i = 0; i < li->nrefs; i++) free(li->refs[i].path);
    free(li->refs);
    memset(li, 0, sizeof *li);
}

/* Feed fields fill what the page lacks (the page wins where it has the field). */
static void fill_from_meta(bt_article *a, const bt_feed_item *m)
{
    if (!m) return;
    if ((!a->title || !*a->title) && m->title) bt_article_set(&a->title, m->title);
    if (!a->published.year && m->date.year) a->published = m->date;
    if (!a->category && m->category) bt_article_set(&a->category, m->category);
    if (!a->author && m->author) bt_article_set(&a->author, m->author);
    if (!a->lead && m->description) bt_article_set(&a->lead, m->description);
    if (!a->source_url && m->url) bt_article_set(&a->source_url, m->url);
}

/* Parse a page's decoded body with its origin. */
static bt_status parse_page(bt_source *s, const bt_item *it, const char *body, size_t len,
                            const char *ctype, const char *url, int internal, const warc_index *warc,
                            bt_load_info *info, bt_article **out, bt_err *e)
{
    bt_kind k = bt_kind_sniff(ctype, body, len);
    if (k != BT_KIND_HTML && k != BT_KIND_TEXT) {
        if (bt_kind_is_feed(k))
            return bt_err_set(e, BT_EPARSE, "%s where an article page was expected", bt_kind_name(k));
        return bt_err_set(e, BT_EBINARY, "not an article page: looks like %s (Content-Type %s)",
                          bt_kind_name(k), ctype ? ctype : "none");
    }
    char *charset = bt_http_charset(ctype);
    img_ctx ic;
    memset(&ic, 0, sizeof ic);
    ic.s = s;
    ic.page_url = url;
    ic.internal = internal;
    ic.info = info;
    ic.warc = warc;
    bt_origin og = {url, charset, s->o.no_images ? no_image : web_image, &ic};
    bt_input_opts io = s->o.io;
    io.origin = &og;
    if (k == BT_KIND_HTML) io.from = BT_FROM_HTML;
    else if (io.from == BT_FROM_AUTO) io.from = BT_FROM_TEXT;
    bt_status st = bt_input_parse(body, len, NULL, &io, out, e);
    free(charset);
    if (st != BT_OK) return st;
    if (ic.declined)
        bt_article_warn(*out, "%d image%s not fetched (--no-images)", ic.declined, ic.declined == 1 ? "" : "s");
    if (ic.warc_missing)
        bt_article_warn(*out, "%d image%s not in the WARC file", ic.warc_missing, ic.warc_missing == 1 ? "" : "s");
    if (!(*out)->source_url) bt_article_set(&(*out)->source_url, url);
    fill_from_meta(*out, it->meta);
    (*out)->source_path = bt_xstrdup(it->name);
    return BT_OK;
}

/* The page in rec (read from it->path at it->warc_offset) as an article; info may be NULL. */
static bt_status load_warc_record(bt_source *s, const bt_item *it, const bt_warc_record *rec,
                                  bt_load_info *info, bt_article **out, bt_err *e)
{
    bt_warc_http h = {0};
    bt_status st;
    if (!rec->block) st = bt_err_set(e, BT_ELIMIT, "record larger than the input limit");
    else st = bt_warc_http_parse(rec->block, rec->block_len, input_cap(s), &h, e);
    if (st != BT_OK) return st;
    /* what the article is made from: this record and its companions, then its images */
    const warc_index *x = warc_index_get(s, it->path);
    if (info) {
        info->status = h.status;
        bt_sha256_hex(h.body, h.body_len, info->sha256);
        info->body_len = h.body_len;
        info->final_url = bt_xstrdup(it->url);
        char k[48];
        for (size_t a = 0; a < it->nwarc_also; a++) {
            off_key(it->warc_also[2 * a], it->warc_also[2 * a + 1], k);
            int32_t ja = bt_map_gets(&x->byoff, k);
            if (ja >= 0) add_record_refs(info, x, ja, 0);
        }
        off_key(it->warc_offset, it->warc_skip, k);
        int32_t j = bt_map_gets(&x->byoff, k);
        if (j >= 0) add_record_refs(info, x, j, 1);
    }
    st = parse_page(s, it, h.body, h.body_len, h.content_type, it->url, 1, x, info, out, e);
    bt_warc_http_free(&h);
    if (info && info->nrefs > 1) qsort(info->refs, info->nrefs, sizeof *info->refs, ref_cmp);
    return st;
}

bt_status bt_source_load(bt_source *s, const bt_item *it, const bt_validators *val, bt_article **out,
                         bt_load_info *info, bt_err *e)
{
    *out = NULL;
    bt_load_info dummy;
    memset(&dummy, 0, sizeof dummy);
    if (!info) info = &dummy;
    memset(info, 0, sizeof *info);
    bt_status st;
    if (it->kind == BT_ITEM_FILE) {
        st = bt_input_load(it->path, &s->o.io, out, e);
        if (st == BT_OK) fill_from_meta(*out, it->meta);
        return st;
    }
    if (it->kind == BT_ITEM_WARC) {
        bt_warc_record rec;
        st = bt_warc_read_at(it->path, it->warc_offset, it->warc_skip, input_cap(s) + MAX_WARC_SLACK, &rec, e);
        if (st != BT_OK) return st;
        st = load_warc_record(s, it, &rec, info == &dummy ? NULL : info, out, e);
        bt_warc_record_free(&rec);
        return st;
    }
    /* a URL */
    bt_fetch_result own, *r = it->page;
    if (!r || val || r->status == 304) { /* (a 304 while expanding: the body is needed now) */
        r = &own;
        st = fetch_url(s, it->url, it->referenced, it->referrer_internal, val, r, e);
        info->fetch_ms += r->ms;
        info->status = r->status;
        info->transient = r->transient;
        info->date_us = r->date_us;
        keep_exchanges(info, r);
        if (st != BT_OK) {
            bt_fetch_result_free(r);
            bt_load_info_free(&dummy);
            return st;
        }
        if (r->status == 304) {
            info->not_modified = 1;
            info->etag = r->etag ? bt_xstrdup(r->etag) : NULL;
            info->last_modified = r->last_modified ? bt_xstrdup(r->last_modified) : NULL;
            bt_fetch_result_free(r);
            bt_load_info_free(&dummy);
            return BT_OK;
        }
        if (body_kind(s, r) == BT_KIND_GZIP) {
            bt_fetch_result_free(r);
            bt_load_info_free(&dummy);
            return bt_err_set(e, BT_EBINARY, "not an article page: gzip data");
        }
    } else {
        info->fetch_ms += r->ms;
        info->status = r->status;
        info->date_us = r->date_us;
        /* the exchanges stay with the item's answer; copy them for the caller */
        for (size_t i = 0; i < r->nx && info != &dummy; i++) {
            bt_http_exchange c = r->x[i];
            c.url = c.url ? bt_xstrdup(c.url) : NULL;
            c.ip = c.ip ? bt_xstrdup(c.ip) : NULL;
            c.req_head = c.req_head ? bt_xstrndup(c.req_head, c.req_head_len) : NULL;
            c.resp_head = c.resp_head ? bt_xstrndup(c.resp_head, c.resp_head_len) : NULL;
            if (c.payload) {
                char *p = bt_xmalloc(c.payload_len + 1);
                memcpy(p, r->x[i].payload, c.payload_len);
                p[c.payload_len] = '\0';
                c.payload = p;
            }
            info->x = bt_xrealloc(info->x, (info->nx + 1) * sizeof *info->x);
            info->x[info->nx++] = c;
        }
    }
    info->final_url = bt_xstrdup(r->url ? r->url : it->url);
    info->etag = r->etag ? bt_xstrdup(r->etag) : NULL;
    info->last_modified = r->last_modified ? bt_xstrdup(r->last_modified) : NULL;
    if (info != &dummy) {
        unsigned char d[BT_SHA256_LEN];
        bt_sha256(r->body ? r->body : "", r->body_len, d);
        bt_hex(d, sizeof d, info->sha256);
        /* a body that came without content coding is its exchange's payload: the WARC writer
         * takes this digest rather than hashing the same bytes again */
        for (size_t i = 0; i < info->nx; i++) {
            bt_http_exchange *x = &info->x[i];
            if (x->payload_len == r->body_len && (r->body_len == 0 || (x->payload && r->body &&
                                                  memcmp(x->payload, r->body, r->body_len) == 0))) {
                memcpy(x->payload_sha256, d, sizeof d);
                x->payload_sha256_set = 1;
            }
        }
    }
    info->body_len = r->body_len;
    st = parse_page(s, it, r->body, r->body_len, r->content_type, info->final_url, r->internal, NULL, info, out, e);
    if (r == &own) bt_fetch_result_free(r);
    bt_load_info_free(&dummy);
    return st;
}

bt_status bt_source_load_warc(bt_source *s, const char *warc_path, uint64_t offset, const char *name,
                              bt_article **out, bt_err *e)
{
    *out = NULL;
    bt_warc_record rec;
    bt_status st = bt_warc_read_at(warc_path, offset, 0, input_cap(s) + MAX_WARC_SLACK, &rec, e);
    if (st != BT_OK) return st;
    bt_item it;
    memset(&it, 0, sizeof it);
    it.kind = BT_ITEM_WARC;
    it.name = (char *)name;
    it.url = rec.target_uri;
    it.path = (char *)warc_path;
    it.warc_offset = offset;
    st = load_warc_record(s, &it, &rec, NULL, out, e);
    bt_warc_record_free(&rec);
    return st;
}

/* ---- in parallel ---- */

typedef struct {
    bt_source *s;
    const bt_item_list *l;
    bt_article **arts;
    bt_err *errs;
    size_t next;
    pthread_mutex_t mu;
} pool;

static void *worker(void *u)
{
    pool *p = u;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->l->n) return NULL;
        bt_err_clear(&p->errs[i]);
        if (bt_source_load(p->s, &p->l->v[i], NULL, &p->arts[i], NULL, &p->errs[i]) != BT_OK) p->arts[i] = NULL;
    }
}

void bt_source_load_all(bt_source *s, const bt_item_list *l, int jobs, bt_article **arts, bt_err *errs)
{
    if (jobs < 1) jobs = 1;
    if ((size_t)jobs > l->n) jobs = (int)(l->n ? l->n : 1);
    pool p = {s, l, arts, errs, 0, PTHREAD_MUTEX_INITIALIZER};
    pthread_t *t = bt_xcalloc((size_t)jobs, sizeof *t);
    int *ok = bt_xcalloc((size_t)jobs, sizeof *ok);
    for (int i = 1; i < jobs; i++) ok[i] = pthread_create(&t[i], NULL, worker, &p) == 0;
    /* the calling thread works too; threads that could not start leave more for it */
    worker(&p);
    for (int i = 1; i < jobs; i++)
        if (ok[i]) pthread_join(t[i], NULL);
    free(ok);
    free(t);
}

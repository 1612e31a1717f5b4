/* cat_opds.c - the catalogue for e-reader apps: OPDS 1.2 feeds (Atom, RFC 4287) built as libxml2
 * writers.
 *
 *   opds.xml             the OPDS Catalog Root: a complete acquisition feed of every digest and
 *                        article, most recently updated first (fh:complete), with one facet
 *                        link per category and a link to the navigation feed
 *   opds/index.xml       a navigation feed: one entry per category (and one for everything)
 *   opds/cat-SLUG.xml    the acquisition feed of one category, its facet marked active
 *
 * Every feed has its id, title, updated, author and self and start links; every entry its id,
 * title, updated and an acquisition link with the publication's media type. Ids are urn:uuid
 * values derived from the catalogue's seed and the publication's path, so they stay the same
 * from run to run. Links are relative: the bag can be served from anywhere.
 *
 * Each feed is written as a stream (cat_write.c): memory does not grow with the entries; an
 * entry's texts are fetched from its record when it is written. */
#include "cat_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_OPDS "http://opds-spec.org/2010/catalog"
#define NS_DC "http://purl.org/dc/terms/"
#define NS_THR "http://purl.org/syndication/thread/1.0"
#define NS_FH "http://purl.org/syndication/history/1.0"
#define T_ACQ "application/atom+xml;profile=opds-catalog;kind=acquisition"
#define T_NAV "application/atom+xml;profile=opds-catalog;kind=navigation"
#define REL_ACQ "http://opds-spec.org/acquisition"
#define REL_FACET "http://opds-spec.org/facet"
#define FACET_GROUP "Chuy\xc3\xaan m\xe1\xbb\xa5" "c"

typedef struct {
    const cat_model *m;
    cat_w w;
    const char *up; /* "" for data/, "../" for data/opds/ */
} feed;

/* "urn:uuid:..." from the seed and a name (SHA-256, shaped as a version 5 UUID). */
static void uuid_of(const cat_model *m, const char *name, char out[48])
{
    bt_buf b = {0};
    if (m->c->id_seed) bt_buf_printf(&b, "%s\n%s", m->c->id_seed, name);
    else bt_buf_printf(&b, "%s\n%s\n%s", m->c->org ? m->c->org : "", m->c->title ? m->c->title : "", name);
    unsigned char h[BT_SHA256_LEN];
    bt_sha256(b.data, b.len, h);
    bt_buf_free(&b);
    h[6] = (unsigned char)((h[6] & 0x0F) | 0x50);
    h[8] = (unsigned char)((h[8] & 0x3F) | 0x80);
    char hex[BT_SHA256_HEX];
    bt_hex(h, 16, hex);
    snprintf(out, 48, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

/* A link element; more attributes may follow before link_end. */
static void link_start(feed *f, const char *rel, const char *href, const char *type, const char *title)
{
    cw_start(&f->w, "link");
    cw_attr(&f->w, "rel", rel);
    cw_attr(&f->w, "href", href);
    if (type) cw_attr(&f->w, "type", type);
    if (title) cw_attr(&f->w, "title", title);
}

static void link_el(feed *f, const char *rel, const char *href, const char *type, const char *title)
{
    link_start(f, rel, href, type, title);
    cw_end(&f->w);
}

/* An href from the feed's folder to a path of the catalogue's folder, percent-encoded. */
static char *href(const feed *f, const char *path)
{
    return cat_href(f->up, path);
}

/* An href to another feed: feeds in opds/ link to each other by name. */
static char *feed_href(const feed *f, const char *path)
{
    if (f->up[0] && strncmp(path, "opds/", 5) == 0) return cat_href("", path + 5);
    return cat_href(f->up, path);
}

static const char *org(const cat_model *m)
{
    if (m->c->org && *m->c->org) return m->c->org;
    return m->c->title && *m->c->title ? m->c->title : "bantin";
}

static void author(feed *f, const char *name)
{
    cw_start(&f->w, "author");
    cw_el(&f->w, "name", name);
    cw_end(&f->w);
}

/* A feed with its metadata; self is the feed's path in the catalogue's folder. */
static bt_status feed_open(feed *f, const cat_model *m, cat_out *o, const char *self, const char *title,
                           const char *kind_type, bt_err *e)
{
    memset(f, 0, sizeof *f);
    f->m = m;
    f->up = strchr(self, '/') ? "../" : "";
    bt_status st = cat_w_open(o, self, 0, &f->w, e);
    if (st != BT_OK) return st;
    cw_start(&f->w, "feed");
    cw_attr(&f->w, "xmlns", NS_ATOM);
    cw_attr(&f->w, "xmlns:opds", NS_OPDS);
    cw_attr(&f->w, "xmlns:dc", NS_DC);
    cw_attr(&f->w, "xmlns:thr", NS_THR);
    cw_attr(&f->w, "xmlns:fh", NS_FH);
    char id[48], when[40];
    uuid_of(m, self, id);
    cw_el(&f->w, "id", id);
    cw_el(&f->w, "title", title);
    cat_epoch_time(m->updated, when, sizeof when);
    cw_el(&f->w, "updated", when);
    author(f, org(m));
    if (m->c->generator) cw_el(&f->w, "generator", m->c->generator);
    char *h = feed_href(f, self);
    link_el(f, "self", h, kind_type, NULL);
    free(h);
    h = href(f, "opds.xml");
    link_el(f, "start", h, T_ACQ, NULL);
    free(h);
    return BT_OK;
}

static bt_status feed_close(feed *f, cat_out *o, bt_status st, bt_err *e)
{
    if (st != BT_OK) {
        cat_w_abort(&f->w);
        return st;
    }
    cw_end(&f->w); /* </feed> */
    return cat_w_close(o, &f->w, e);
}

/* One facet link per category (this feed's own one active). */
static void facets(feed *f, const char *active_slug)
{
    const cat_model *m = f->m;
    for (size_t g = 0; g < m->ngroups; g++) {
        const cat_group *x = &m->groups[g];
        char path[300];
        snprintf(path, sizeof path, "opds/cat-%s.xml", x->slug);
        char *h = feed_href(f, path);
        link_start(f, REL_FACET, h, T_ACQ, x->name);
        free(h);
        cw_attr(&f->w, "opds:facetGroup", FACET_GROUP);
        char cnt[32];
        snprintf(cnt, sizeof cnt, "%zu", x->n + x->ndigests);
        cw_attr(&f->w, "thr:count", cnt);
        if (active_slug && strcmp(active_slug, x->slug) == 0) cw_attr(&f->w, "opds:activeFacet", "true");
        cw_end(&f->w);
    }
}

static void category_el(feed *f, const cat_group *g)
{
    cw_start(&f->w, "category");
    cw_attr(&f->w, "term", g->slug);
    cw_attr(&f->w, "label", g->name);
    cw_end(&f->w);
}

static void length_attr(feed *f, uint64_t size)
{
    if (!size) return;
    char n[32];
    snprintf(n, sizeof n, "%llu", (unsigned long long)size);
    cw_attr(&f->w, "length", n);
}

static void text_el(feed *f, const char *name, const char *type, const char *text)
{
    cw_start(&f->w, name);
    cw_attr(&f->w, "type", type);
    cw_text(&f->w, text);
    cw_end(&f->w);
}

static void digest_entry(feed *f, size_t d)
{
    const cat_model *m = f->m;
    const bt_cat_digest *x = &m->c->digests[d];
    const cat_group *g = &m->groups[m->digest_group[d]];
    cw_start(&f->w, "entry");
    char title[400], id[48], when[40];
    snprintf(title, sizeof title, "%s \xe2\x80\x93 %s", g->name, x->period ? x->period : "");
    cw_el(&f->w, "title", title);
    uuid_of(m, x->path, id);
    cw_el(&f->w, "id", id);
    long k = m->digest_newest[d];
    if (k >= 0) cat_item_time(m, &m->items[k], when, sizeof when);
    else cat_epoch_time(m->updated, when, sizeof when);
    cw_el(&f->w, "updated", when);
    author(f, org(m));
    cw_el(&f->w, "dc:language", "vi");
    if (k >= 0 && m->items[k].ymd) {
        char day[16];
        int ymd = m->items[k].ymd;
        snprintf(day, sizeof day, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
        cw_el(&f->w, "dc:issued", day);
    }
    category_el(f, g);
    char sum[160];
    snprintf(sum, sizeof sum, "B\xe1\xba\xa3n tin EPUB: %zu b\xc3\xa0i, %s", x->articles, x->period ? x->period : "");
    text_el(f, "summary", "text", sum);
    char *h = href(f, x->path);
    link_start(f, REL_ACQ, h, "application/epub+zip", NULL);
    length_attr(f, x->size);
    cw_end(&f->w);
    free(h);
    cw_end(&f->w); /* </entry> */
}

static bt_status article_entry(feed *f, const cat_item *it, bt_err *e)
{
    const cat_model *m = f->m;
    bt_cat_article a;
    bt_status st = cat_get(m, it->src, &a, e);
    if (st != BT_OK) return st;
    const cat_group *g = &m->groups[it->group];
    cw_start(&f->w, "entry");
    char id[48], when[40];
    cw_el(&f->w, "title", a.title);
    uuid_of(m, a.key && *a.key ? a.key : a.pdf, id);
    cw_el(&f->w, "id", id);
    cat_item_time(m, it, when, sizeof when);
    cw_el(&f->w, "updated", when);
    author(f, a.author && *a.author ? a.author : org(m));
    cw_el(&f->w, "dc:language", a.language && *a.language ? a.language : "vi");
    if (it->ymd) {
        char day[16];
        snprintf(day, sizeof day, "%04d-%02d-%02d", it->ymd / 10000, it->ymd / 100 % 100, it->ymd % 100);
        cw_el(&f->w, "dc:issued", day);
    }
    category_el(f, g);
    char sum[400], day[16];
    cat_day(it->ymd, day, sizeof day);
    snprintf(sum, sizeof sum, "%s%s%s", g->name, *day ? " \xc2\xb7 " : "", day);
    text_el(f, "summary", "text", sum);
    char *h = href(f, a.pdf);
    link_start(f, REL_ACQ, h, "application/pdf", NULL);
    length_attr(f, a.pdf_size);
    cw_end(&f->w);
    free(h);
    if (a.digest) {
        h = href(f, a.digest);
        link_el(f, "related", h, "application/epub+zip", "B\xe1\xba\xa3n tin EPUB c\xc3\xb3 b\xc3\xa0i n\xc3\xa0y");
        free(h);
    }
    if (a.url && (strncmp(a.url, "http://", 7) == 0 || strncmp(a.url, "https://", 8) == 0))
        link_el(f, "alternate", a.url, "text/html", "Ngu\xe1\xbb\x93n");
    cw_end(&f->w); /* </entry> */
    return BT_OK;
}

typedef struct {
    int64_t t;      /* the entry's updated instant */
    uint32_t group; /* its category */
    uint32_t digest; /* 1: a digest (before articles of the same instant) */
    size_t i;       /* index of the digest, or of the article in the model's order */
} slot;

static int cmp_slot(const void *pa, const void *pb)
{
    const slot *a = pa, *b = pb;
    if (a->t != b->t) return a->t > b->t ? -1 : 1;
    if (a->digest != b->digest) return a->digest ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static int cmp_slot_group(const void *pa, const void *pb)
{
    const slot *a = pa, *b = pb;
    if (a->group != b->group) return a->group < b->group ? -1 : 1;
    return cmp_slot(pa, pb);
}

/* Every entry of the acquisition feeds (digests, and articles with a PDF) with the instant it is
 * listed by (an undated one: the feed's time). */
static slot *all_slots(const cat_model *m, size_t *ns)
{
    size_t nd = m->c->ndigests, n = 0;
    slot *v = bt_xmalloc((m->n + nd + 1) * sizeof *v);
    for (size_t d = 0; d < nd; d++) {
        long k = m->digest_newest[d];
        v[n++] = (slot){k >= 0 && m->items[k].t >= 0 ? m->items[k].t : m->updated, (uint32_t)m->digest_group[d], 1, d};
    }
    for (size_t i = 0; i < m->n; i++) {
        const cat_item *it = &m->items[i];
        if (!it->pdf) continue;
        v[n++] = (slot){it->t >= 0 ? it->t : m->updated, it->group, 0, i};
    }
    *ns = n;
    return v;
}

/* Entries of an acquisition feed, most recently updated first (a complete acquisition feed must
 * be in that order): digests and articles merged by their updated instants. */
static bt_status entries(feed *f, const slot *v, size_t n, bt_err *e)
{
    bt_status st = BT_OK;
    for (size_t k = 0; k < n && st == BT_OK; k++) {
        if (v[k].digest) digest_entry(f, v[k].i);
        else st = article_entry(f, &f->m->items[v[k].i], e);
    }
    return st;
}

bt_status cat_write_opds(const cat_model *m, cat_out *o, bt_err *e)
{
    const char *title = m->c->title && *m->c->title ? m->c->title : "M\xe1\xbb\xa5" "c l\xe1\xbb\xa5" "c l\xc6\xb0u tr\xe1\xbb\xaf";
    size_t ns;
    slot *v = all_slots(m, &ns);
    qsort(v, ns, sizeof *v, cmp_slot);
    feed f;
    /* the root: everything */
    bt_status st = feed_open(&f, m, o, "opds.xml", title, T_ACQ, e);
    if (st == BT_OK) {
        link_el(&f, "http://opds-spec.org/crawlable", "opds.xml", T_ACQ, NULL);
        link_el(&f, "related", "opds/index.xml", T_NAV, "Chuy\xc3\xaan m\xe1\xbb\xa5" "c");
        link_el(&f, "alternate", "index.html", "text/html", NULL);
        facets(&f, NULL);
        cw_el(&f.w, "fh:complete", NULL);
        st = feed_close(&f, o, entries(&f, v, ns, e), e);
    }

    /* the navigation feed */
    if (st == BT_OK) {
        char t[400];
        snprintf(t, sizeof t, "%s: chuy\xc3\xaan m\xe1\xbb\xa5" "c", title);
        st = feed_open(&f, m, o, "opds/index.xml", t, T_NAV, e);
    }
    if (st == BT_OK) {
        link_el(&f, "up", "../opds.xml", T_ACQ, NULL);
        cw_start(&f.w, "entry");
        char id[48], when[40];
        cw_el(&f.w, "title", "T\xe1\xba\xa5t c\xe1\xba\xa3, m\xe1\xbb\x9bi nh\xe1\xba\xa5t tr\xc6\xb0\xe1\xbb\x9b" "c");
        uuid_of(m, "opds.xml#all", id);
        cw_el(&f.w, "id", id);
        cat_epoch_time(m->updated, when, sizeof when);
        cw_el(&f.w, "updated", when);
        char sum[160];
        snprintf(sum, sizeof sum, "%zu b\xc3\xa0i, %zu b\xe1\xba\xa3n tin EPUB", m->n, m->c->ndigests);
        text_el(&f, "content", "text", sum);
        link_el(&f, "http://opds-spec.org/sort/new", "../opds.xml", T_ACQ, NULL);
        cw_end(&f.w);
        for (size_t g = 0; g < m->ngroups; g++) {
            const cat_group *x = &m->groups[g];
            cw_start(&f.w, "entry");
            cw_el(&f.w, "title", x->name);
            char path[300];
            snprintf(path, sizeof path, "opds/cat-%s.xml", x->slug);
            uuid_of(m, path, id);
            cw_el(&f.w, "id", id);
            cw_el(&f.w, "updated", when);
            bt_buf c = {0};
            bt_buf_printf(&c, "%zu b\xc3\xa0i", x->n);
            if (x->ndigests) bt_buf_printf(&c, ", %zu b\xe1\xba\xa3n tin EPUB", x->ndigests);
            if (x->first) {
                char a[16], b[16];
                cat_day(x->first, a, sizeof a);
                cat_day(x->last, b, sizeof b);
                if (x->first == x->last) bt_buf_printf(&c, ", %s", a);
                else bt_buf_printf(&c, ", %s \xe2\x80\x93 %s", a, b);
            }
            text_el(&f, "content", "text", c.data);
            bt_buf_free(&c);
            link_el(&f, "subsection", path + 5, T_ACQ, NULL);
            cw_end(&f.w);
        }
        st = feed_close(&f, o, BT_OK, e);
    }

    /* one acquisition feed per category: the same entries, category by category */
    qsort(v, ns, sizeof *v, cmp_slot_group);
    size_t k = 0;
    for (size_t g = 0; st == BT_OK && g < m->ngroups; g++) {
        const cat_group *x = &m->groups[g];
        char path[300], t[400];
        snprintf(path, sizeof path, "opds/cat-%s.xml", x->slug);
        snprintf(t, sizeof t, "%s: %s", title, x->name);
        st = feed_open(&f, m, o, path, t, T_ACQ, e);
        if (st != BT_OK) break;
        link_el(&f, "up", "index.xml", T_NAV, NULL);
        facets(&f, x->slug);
        size_t k0 = k;
        while (k < ns && v[k].group == g) k++;
        st = feed_close(&f, o, entries(&f, v + k0, k - k0, e), e);
    }
    free(v);
    return st;
}

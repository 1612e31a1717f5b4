/* cat_opds.c - the catalogue for e-reader apps: OPDS 1.2 feeds (Atom, RFC 4287) built as libxml2
 * trees.
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
 * from run to run. Links are relative: the bag can be served from anywhere. */
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
    xmlDocPtr doc;
    xmlNodePtr feed;
    xmlNsPtr opds, dc, thr, fh;
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

static xmlNodePtr child(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *text)
{
    return xmlNewTextChild(parent, ns, BAD_CAST name, text ? BAD_CAST text : NULL);
}

static xmlNodePtr link_el(xmlNodePtr parent, const char *rel, const char *href, const char *type, const char *title)
{
    xmlNodePtr l = child(parent, NULL, "link", NULL);
    xmlNewProp(l, BAD_CAST "rel", BAD_CAST rel);
    xmlNewProp(l, BAD_CAST "href", BAD_CAST href);
    if (type) xmlNewProp(l, BAD_CAST "type", BAD_CAST type);
    if (title) xmlNewProp(l, BAD_CAST "title", BAD_CAST title);
    return l;
}

/* An href from the feed's folder to a path of the catalogue's folder, percent-encoded. */
static char *href(const feed *f, const char *path)
{
    bt_buf b = {0};
    bt_buf_adds(&b, f->up);
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
            bt_buf_addc(&b, (char)*p);
        else
            bt_buf_printf(&b, "%%%02X", *p);
    }
    return bt_buf_detach(&b, NULL);
}

/* An href to another feed: feeds in opds/ link to each other by name. */
static char *feed_href(const feed *f, const char *path)
{
    if (f->up[0] && strncmp(path, "opds/", 5) == 0) {
        feed g = *f;
        g.up = "";
        return href(&g, path + 5);
    }
    return href(f, path);
}

static const char *org(const cat_model *m)
{
    if (m->c->org && *m->c->org) return m->c->org;
    return m->c->title && *m->c->title ? m->c->title : "bantin";
}

static void author(xmlNodePtr parent, const char *name)
{
    xmlNodePtr a = child(parent, NULL, "author", NULL);
    child(a, NULL, "name", name);
}

/* A feed with its metadata; self is the feed's path in the catalogue's folder. */
static void feed_open(feed *f, const cat_model *m, const char *self, const char *title, const char *kind_type)
{
    memset(f, 0, sizeof *f);
    f->m = m;
    f->up = strchr(self, '/') ? "../" : "";
    f->doc = xmlNewDoc(BAD_CAST "1.0");
    f->feed = xmlNewNode(NULL, BAD_CAST "feed");
    xmlDocSetRootElement(f->doc, f->feed);
    xmlSetNs(f->feed, xmlNewNs(f->feed, BAD_CAST NS_ATOM, NULL));
    f->opds = xmlNewNs(f->feed, BAD_CAST NS_OPDS, BAD_CAST "opds");
    f->dc = xmlNewNs(f->feed, BAD_CAST NS_DC, BAD_CAST "dc");
    f->thr = xmlNewNs(f->feed, BAD_CAST NS_THR, BAD_CAST "thr");
    f->fh = xmlNewNs(f->feed, BAD_CAST NS_FH, BAD_CAST "fh");
    char id[48], when[40];
    uuid_of(m, self, id);
    child(f->feed, NULL, "id", id);
    child(f->feed, NULL, "title", title);
    cat_epoch_time(m->updated, when, sizeof when);
    child(f->feed, NULL, "updated", when);
    author(f->feed, org(m));
    if (m->c->generator) child(f->feed, NULL, "generator", m->c->generator);
    char *h = feed_href(f, self);
    link_el(f->feed, "self", h, kind_type, NULL);
    free(h);
    h = href(f, "opds.xml");
    link_el(f->feed, "start", h, T_ACQ, NULL);
    free(h);
}

static bt_status feed_close(feed *f, const char *name, bt_cat_file **files, size_t *n, size_t *cap, bt_err *e)
{
    xmlChar *mem = NULL;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(f->doc, &mem, &size, "UTF-8", 1);
    xmlFreeDoc(f->doc);
    if (!mem || size <= 0) {
        xmlFree(mem);
        return bt_err_set(e, BT_ENOMEM, "libxml2 could not serialise %s", name);
    }
    char *data = bt_xmalloc((size_t)size + 1);
    memcpy(data, mem, (size_t)size);
    data[size] = '\0';
    xmlFree(mem);
    cat_files_add(files, n, cap, name, data, (size_t)size);
    return BT_OK;
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
        xmlNodePtr l = link_el(f->feed, REL_FACET, h, T_ACQ, x->name);
        free(h);
        xmlNewNsProp(l, f->opds, BAD_CAST "facetGroup", BAD_CAST FACET_GROUP);
        char cnt[32];
        snprintf(cnt, sizeof cnt, "%zu", x->n + x->ndigests);
        xmlNewNsProp(l, f->thr, BAD_CAST "count", BAD_CAST cnt);
        if (active_slug && strcmp(active_slug, x->slug) == 0)
            xmlNewNsProp(l, f->opds, BAD_CAST "activeFacet", BAD_CAST "true");
    }
}

static void category_el(feed *f, xmlNodePtr entry, const cat_group *g)
{
    xmlNodePtr c = child(entry, NULL, "category", NULL);
    xmlNewProp(c, BAD_CAST "term", BAD_CAST g->slug);
    xmlNewProp(c, BAD_CAST "label", BAD_CAST g->name);
    (void)f;
}

static void length_attr(xmlNodePtr l, uint64_t size)
{
    if (!size) return;
    char n[32];
    snprintf(n, sizeof n, "%llu", (unsigned long long)size);
    xmlNewProp(l, BAD_CAST "length", BAD_CAST n);
}

/* The newest date of a digest's articles (index into items; or -1). */
static long digest_newest(const cat_model *m, size_t d)
{
    const char *path = m->c->digests[d].path;
    for (size_t i = 0; i < m->n; i++) /* items are newest first */
        if (m->items[i].a->digest && strcmp(m->items[i].a->digest, path) == 0) return (long)i;
    return -1;
}

static void digest_entry(feed *f, size_t d)
{
    const cat_model *m = f->m;
    const bt_cat_digest *x = &m->c->digests[d];
    const cat_group *g = &m->groups[m->digest_group[d]];
    xmlNodePtr en = child(f->feed, NULL, "entry", NULL);
    char title[400], id[48], when[40];
    snprintf(title, sizeof title, "%s \xe2\x80\x93 %s", g->name, x->period ? x->period : "");
    child(en, NULL, "title", title);
    uuid_of(m, x->path, id);
    child(en, NULL, "id", id);
    long k = digest_newest(m, d);
    if (k >= 0) cat_item_time(m, &m->items[k], when, sizeof when);
    else cat_epoch_time(m->updated, when, sizeof when);
    child(en, NULL, "updated", when);
    author(en, org(m));
    child(en, f->dc, "language", "vi");
    if (k >= 0 && m->items[k].ymd) {
        char day[16];
        int ymd = m->items[k].ymd;
        snprintf(day, sizeof day, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
        child(en, f->dc, "issued", day);
    }
    category_el(f, en, g);
    char sum[160];
    snprintf(sum, sizeof sum, "B\xe1\xba\xa3n tin EPUB: %zu b\xc3\xa0i, %s", x->articles, x->period ? x->period : "");
    xmlNodePtr s = child(en, NULL, "summary", sum);
    xmlNewProp(s, BAD_CAST "type", BAD_CAST "text");
    char *h = href(f, x->path);
    xmlNodePtr l = link_el(en, REL_ACQ, h, "application/epub+zip", NULL);
    length_attr(l, x->size);
    free(h);
}

static void article_entry(feed *f, const cat_item *it)
{
    const cat_model *m = f->m;
    const bt_cat_article *a = it->a;
    const cat_group *g = &m->groups[it->group];
    xmlNodePtr en = child(f->feed, NULL, "entry", NULL);
    char id[48], when[40];
    child(en, NULL, "title", a->title);
    uuid_of(m, a->key && *a->key ? a->key : a->pdf, id);
    child(en, NULL, "id", id);
    cat_item_time(m, it, when, sizeof when);
    child(en, NULL, "updated", when);
    author(en, a->author && *a->author ? a->author : org(m));
    child(en, f->dc, "language", a->language && *a->language ? a->language : "vi");
    if (it->ymd) {
        char day[16];
        snprintf(day, sizeof day, "%04d-%02d-%02d", it->ymd / 10000, it->ymd / 100 % 100, it->ymd % 100);
        child(en, f->dc, "issued", day);
    }
    category_el(f, en, g);
    char sum[400], day[16];
    cat_day(it->ymd, day, sizeof day);
    snprintf(sum, sizeof sum, "%s%s%s", g->name, *day ? " \xc2\xb7 " : "", day);
    xmlNodePtr s = child(en, NULL, "summary", sum);
    xmlNewProp(s, BAD_CAST "type", BAD_CAST "text");
    char *h = href(f, a->pdf);
    xmlNodePtr l = link_el(en, REL_ACQ, h, "application/pdf", NULL);
    length_attr(l, a->pdf_size);
    free(h);
    if (a->digest) {
        h = href(f, a->digest);
        link_el(en, "related", h, "application/epub+zip", "B\xe1\xba\xa3n tin EPUB c\xc3\xb3 b\xc3\xa0i n\xc3\xa0y");
        free(h);
    }
    if (a->url && (strncmp(a->url, "http://", 7) == 0 || strncmp(a->url, "https://", 8) == 0))
        link_el(en, "alternate", a->url, "text/html", "Ngu\xe1\xbb\x93n");
}

typedef struct {
    int64_t t;   /* the entry's updated instant */
    int digest;  /* 1: a digest (before articles of the same instant) */
    size_t i;    /* index of the digest, or of the article in the model's order */
} slot;

static int cmp_slot(const void *pa, const void *pb)
{
    const slot *a = pa, *b = pb;
    if (a->t != b->t) return a->t > b->t ? -1 : 1;
    if (a->digest != b->digest) return b->digest - a->digest;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* Entries of an acquisition feed, most recently updated first (a complete acquisition feed must
 * be in that order): digests and articles merged by their updated instants (group: only that
 * category; (size_t)-1 for all). An undated entry's updated time is the feed's. */
static void entries(feed *f, size_t group)
{
    const cat_model *m = f->m;
    size_t nd = m->c->ndigests, n = 0;
    slot *v = bt_xmalloc((m->n + nd + 1) * sizeof *v);
    for (size_t d = 0; d < nd; d++) {
        if (group != (size_t)-1 && m->digest_group[d] != group) continue;
        long k = digest_newest(m, d);
        v[n++] = (slot){k >= 0 && m->items[k].t >= 0 ? m->items[k].t : m->updated, 1, d};
    }
    for (size_t i = 0; i < m->n; i++) {
        const cat_item *it = &m->items[i];
        if (!it->a->pdf || (group != (size_t)-1 && it->group != group)) continue;
        v[n++] = (slot){it->t >= 0 ? it->t : m->updated, 0, i};
    }
    qsort(v, n, sizeof *v, cmp_slot);
    for (size_t k = 0; k < n; k++) {
        if (v[k].digest) digest_entry(f, v[k].i);
        else article_entry(f, &m->items[v[k].i]);
    }
    free(v);
}

bt_status cat_write_opds(const cat_model *m, bt_cat_file **files, size_t *n, size_t *cap, bt_err *e)
{
    const char *title = m->c->title && *m->c->title ? m->c->title : "M\xe1\xbb\xa5" "c l\xe1\xbb\xa5" "c l\xc6\xb0u tr\xe1\xbb\xaf";
    feed f;
    /* the root: everything */
    feed_open(&f, m, "opds.xml", title, T_ACQ);
    link_el(f.feed, "http://opds-spec.org/crawlable", "opds.xml", T_ACQ, NULL);
    link_el(f.feed, "related", "opds/index.xml", T_NAV, "Chuy\xc3\xaan m\xe1\xbb\xa5" "c");
    link_el(f.feed, "alternate", "index.html", "text/html", NULL);
    facets(&f, NULL);
    child(f.feed, f.fh, "complete", NULL);
    entries(&f, (size_t)-1);
    bt_status st = feed_close(&f, "opds.xml", files, n, cap, e);

    /* the navigation feed */
    if (st == BT_OK) {
        char t[400];
        snprintf(t, sizeof t, "%s: chuy\xc3\xaan m\xe1\xbb\xa5" "c", title);
        feed_open(&f, m, "opds/index.xml", t, T_NAV);
        link_el(f.feed, "up", "../opds.xml", T_ACQ, NULL);
        xmlNodePtr en = child(f.feed, NULL, "entry", NULL);
        char id[48], when[40];
        child(en, NULL, "title", "T\xe1\xba\xa5t c\xe1\xba\xa3, m\xe1\xbb\x9bi nh\xe1\xba\xa5t tr\xc6\xb0\xe1\xbb\x9b" "c");
        uuid_of(m, "opds.xml#all", id);
        child(en, NULL, "id", id);
        cat_epoch_time(m->updated, when, sizeof when);
        child(en, NULL, "updated", when);
        char sum[160];
        snprintf(sum, sizeof sum, "%zu b\xc3\xa0i, %zu b\xe1\xba\xa3n tin EPUB", m->n, m->c->ndigests);
        xmlNewProp(child(en, NULL, "content", sum), BAD_CAST "type", BAD_CAST "text");
        link_el(en, "http://opds-spec.org/sort/new", "../opds.xml", T_ACQ, NULL);
        for (size_t g = 0; g < m->ngroups; g++) {
            const cat_group *x = &m->groups[g];
            en = child(f.feed, NULL, "entry", NULL);
            child(en, NULL, "title", x->name);
            char path[300];
            snprintf(path, sizeof path, "opds/cat-%s.xml", x->slug);
            uuid_of(m, path, id);
            child(en, NULL, "id", id);
            child(en, NULL, "updated", when);
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
            xmlNewProp(child(en, NULL, "content", c.data), BAD_CAST "type", BAD_CAST "text");
            bt_buf_free(&c);
            link_el(en, "subsection", path + 5, T_ACQ, NULL);
        }
        st = feed_close(&f, "opds/index.xml", files, n, cap, e);
    }

    /* one acquisition feed per category */
    for (size_t g = 0; st == BT_OK && g < m->ngroups; g++) {
        const cat_group *x = &m->groups[g];
        char path[300], t[400];
        snprintf(path, sizeof path, "opds/cat-%s.xml", x->slug);
        snprintf(t, sizeof t, "%s: %s", title, x->name);
        feed_open(&f, m, path, t, T_ACQ);
        link_el(f.feed, "up", "index.xml", T_NAV, NULL);
        facets(&f, x->slug);
        entries(&f, g);
        st = feed_close(&f, path, files, n, cap, e);
    }
    return st;
}

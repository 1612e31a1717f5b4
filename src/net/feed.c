/* feed.c - sniff a body's kind; RSS / Atom / sitemap items through libxml2's tree. */
#include "feed.h"

#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "url.h"

#define MAX_ITEMS 50000 /* a sitemap holds at most 50,000 URLs (sitemaps.org) */

const char *bt_kind_name(bt_kind k)
{
    static const char *n[] = {"unknown content", "an HTML page", "a plain-text article", "an RSS feed",
                              "an Atom feed", "a sitemap", "a sitemap index",
                              "an XML document (not a feed)", "a WARC file", "gzip data",
                              "a PDF file", "an image", "binary data"};
    return (unsigned)k < sizeof n / sizeof n[0] ? n[k] : "unknown content";
}

int bt_kind_is_feed(bt_kind k)
{
    return k == BT_KIND_RSS || k == BT_KIND_ATOM || k == BT_KIND_SITEMAP || k == BT_KIND_SITEMAP_INDEX;
}

static int ci_prefix(const char *s, const char *p)
{
    return strncasecmp(s, p, strlen(p)) == 0;
}

/* The root element's name of an XML-looking body (after BOM, white space, the XML declaration,
 * comments, processing instructions and a DOCTYPE), lower-cased, into name. */
static void root_name(const char *buf, size_t len, char *name, size_t namesz)
{
    name[0] = '\0';
    size_t i = 0, n = len < 65536 ? len : 65536;
    if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < n) {
        while (i < n && isspace((unsigned char)buf[i])) i++;
        if (i >= n || buf[i] != '<') return;
        if (i + 1 < n && (buf[i + 1] == '?' || buf[i + 1] == '!')) {
            const char *end = NULL;
            if (i + 3 < n && buf[i + 1] == '!' && buf[i + 2] == '-' && buf[i + 3] == '-') {
                for (size_t k = i + 4; k + 2 < n && !end; k++)
                    if (buf[k] == '-' && buf[k + 1] == '-' && buf[k + 2] == '>') end = buf + k + 2;
            } else {
                int depth = 0; /* a DOCTYPE may hold an internal subset in [...] */
                for (size_t k = i + 1; k < n && !end; k++) {
                    if (buf[k] == '[') depth++;
                    else if (buf[k] == ']') depth--;
                    else if (buf[k] == '>' && depth <= 0) end = buf + k;
                }
            }
            if (!end) return;
            i = (size_t)(end - buf) + 1;
            continue;
        }
        size_t k = i + 1, o = 0;
        while (k < n && o + 1 < namesz && (isalnum((unsigned char)buf[k]) || buf[k] == ':' ||
                                           buf[k] == '-' || buf[k] == '_' || buf[k] == '.'))
            name[o++] = (char)tolower((unsigned char)buf[k++]);
        name[o] = '\0';
        return;
    }
}

static bt_kind kind_of_root(const char *r)
{
    const char *c = strchr(r, ':');
    const char *local = c ? c + 1 : r;
    if (strcmp(local, "rss") == 0 || strcmp(r, "rdf:rdf") == 0) return BT_KIND_RSS;
    if (strcmp(local, "feed") == 0) return BT_KIND_ATOM;
    if (strcmp(local, "urlset") == 0) return BT_KIND_SITEMAP;
    if (strcmp(local, "sitemapindex") == 0) return BT_KIND_SITEMAP_INDEX;
    if (strcmp(local, "html") == 0) return BT_KIND_HTML;
    return r[0] ? BT_KIND_XML : BT_KIND_UNKNOWN;
}

bt_kind bt_kind_sniff(const char *ct, const char *buf, size_t len)
{
    /* magic numbers first: a server's Content-Type is often wrong for binaries */
    if (len >= 5 && memcmp(buf, "%PDF-", 5) == 0) return BT_KIND_PDF;
    if (len >= 6 && memcmp(buf, "WARC/1", 6) == 0) return BT_KIND_WARC;
    if (len >= 2 && (unsigned char)buf[0] == 0x1F && (unsigned char)buf[1] == 0x8B) return BT_KIND_GZIP;
    if ((len >= 4 && memcmp(buf, "\x89PNG", 4) == 0) || (len >= 3 && memcmp(buf, "\xFF\xD8\xFF", 3) == 0) ||
        (len >= 4 && memcmp(buf, "GIF8", 4) == 0) ||
        (len >= 12 && memcmp(buf, "RIFF", 4) == 0 && memcmp(buf + 8, "WEBP", 4) == 0))
        return BT_KIND_IMAGE;
    char r[64];
    root_name(buf, len, r, sizeof r);
    bt_kind byroot = kind_of_root(r);
    if (ct && *ct) {
        if (ci_prefix(ct, "application/rss+xml")) return BT_KIND_RSS;
        if (ci_prefix(ct, "application/atom+xml")) return BT_KIND_ATOM;
        if (ci_prefix(ct, "application/pdf")) return BT_KIND_PDF;
        if (ci_prefix(ct, "image/")) return BT_KIND_IMAGE;
        if (ci_prefix(ct, "text/html") || ci_prefix(ct, "application/xhtml+xml"))
            /* a feed served as text/html happens; a page is never an <rss> */
            return bt_kind_is_feed(byroot) ? byroot : BT_KIND_HTML;
        if (ci_prefix(ct, "application/warc")) return BT_KIND_WARC;
    }
    if (byroot != BT_KIND_UNKNOWN) return byroot;
    if (len && buf[0] != '<') {
        size_t nul = 0, n = len < 4096 ? len : 4096;
        for (size_t i = 0; i < n; i++) nul += buf[i] == '\0';
        if (nul) return BT_KIND_BINARY;
        if (ct && ci_prefix(ct, "text/plain")) return BT_KIND_TEXT;
        if (!ct || !*ct) return BT_KIND_TEXT;
    }
    /* markup without a recognisable root (fragments): HTML */
    if (len && (buf[0] == '<' || (len > 3 && buf[3] == '<'))) return BT_KIND_HTML;
    return ct && ci_prefix(ct, "text/") ? BT_KIND_TEXT : BT_KIND_UNKNOWN;
}

/* ---- dates ---- */

static int month_of(const char *s)
{
    static const char *m[] = {"jan", "feb", "mar", "apr", "may", "jun",
                              "jul", "aug", "sep", "oct", "nov", "dec"};
    for (int i = 0; i < 12; i++)
        if (strncasecmp(s, m[i], 3) == 0) return i + 1;
    return 0;
}

int bt_feed_parse_date(const char *s, bt_date *d)
{
    if (!s) return 0;
    while (isspace((unsigned char)*s)) s++;
    if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
        isdigit((unsigned char)s[3]) && s[4] == '-')
        return bt_date_parse_iso(s, d);
    bt_date r;
    memset(&r, 0, sizeof r);
    /* optional weekday */
    const char *p = s;
    while (isalpha((unsigned char)*p)) p++;
    if (*p == ',') s = p + 1;
    char mon[16] = "", zone[16] = "";
    int day, year, hh = 0, mm = 0, ss = 0, n = 0;
    if (sscanf(s, " %d %15s %d %d:%d%n", &day, mon, &year, &hh, &mm, &n) < 5) {
        n = 0;
        if (sscanf(s, " %d %15s %d%n", &day, mon, &year, &n) < 3) return 0;
        r.has_time = 0;
    } else {
        r.has_time = 1;
    }
    p = s + n;
    if (r.has_time && *p == ':') {
        int k = 0;
        if (sscanf(p, ":%d%n", &ss, &k) == 1) p += k;
    }
    r.day = day;
    r.month = month_of(mon);
    r.year = year < 100 ? (year < 50 ? 2000 + year : 1900 + year) : year;
    r.hour = hh;
    r.minute = mm;
    r.second = ss;
    r.tz_minutes = 0;
    if (sscanf(p, " %15s", zone) == 1) {
        if (zone[0] == '+' || zone[0] == '-') {
            int v = 0, digs = 0;
            for (const char *z = zone + 1; isdigit((unsigned char)*z) || *z == ':'; z++)
                if (*z != ':') { v = v * 10 + (*z - '0'); digs++; }
            if (digs == 4) r.tz_minutes = (zone[0] == '-' ? -1 : 1) * ((v / 100) * 60 + v % 100);
        } else {
            static const struct { const char *n; int m; } z[] = {
                {"GMT", 0}, {"UT", 0}, {"UTC", 0}, {"Z", 0}, {"EST", -300}, {"EDT", -240},
                {"CST", -360}, {"CDT", -300}, {"MST", -420}, {"MDT", -360}, {"PST", -480},
                {"PDT", -420}, {"ICT", 420}};
            for (size_t i = 0; i < sizeof z / sizeof z[0]; i++)
                if (strcasecmp(zone, z[i].n) == 0) r.tz_minutes = z[i].m;
        }
    } else if (r.has_time) {
        r.tz_minutes = 0;
    } else {
        r.tz_minutes = 420;
    }
    if (!r.month || !bt_date_valid(&r)) return 0;
    *d = r;
    return 1;
}

/* ---- XML ---- */

static xmlParserInputPtr no_entities(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static int is_el(const xmlNode *n, const char *local, const char *ns_prefix_hint)
{
    (void)ns_prefix_hint;
    return n && n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, local) == 0;
}

/* Namespaced elements are matched by their namespace URI's tail when one is present, so that
 * <news:title> and <title> are told apart. */
static int ns_has(const xmlNode *n, const char *frag)
{
    return n->ns && n->ns->href && strstr((const char *)n->ns->href, frag);
}

static char *text_of(const xmlNode *n)
{
    xmlChar *c = xmlNodeGetContent(n);
    if (!c) return NULL;
    char *rep = bt_utf8_repair((const char *)c, strlen((const char *)c), NULL);
    xmlFree(c);
    char *t = bt_text_clean(rep, strlen(rep));
    free(rep);
    if (t && !*t) {
        free(t);
        return NULL;
    }
    return t;
}

/* Markup inside a description (escaped HTML, or CDATA) reduced to its text. */
static char *plain_of_html(const char *s)
{
    if (!s || !strchr(s, '<')) return s ? bt_xstrdup(s) : NULL;
    htmlDocPtr d = htmlReadMemory(s, (int)strlen(s), NULL, "UTF-8",
                                  HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                      HTML_PARSE_RECOVER | HTML_PARSE_NOIMPLIED);
    if (!d) return NULL;
    xmlNode *root = xmlDocGetRootElement(d);
    char *t = NULL;
    if (root) {
        xmlChar *c = xmlNodeGetContent(root);
        /* the root may be the only element: include its siblings' text too */
        bt_buf b = {0};
        for (xmlNode *k = root; k; k = k->next) {
            xmlChar *ck = k == root ? c : xmlNodeGetContent(k);
            if (ck) {
                bt_buf_adds(&b, (const char *)ck);
                bt_buf_addc(&b, ' ');
            }
            if (k != root && ck) xmlFree(ck);
        }
        if (c) xmlFree(c);
        char *raw = bt_buf_detach(&b, NULL);
        t = bt_text_clean(raw, strlen(raw));
        free(raw);
        if (t && !*t) {
            free(t);
            t = NULL;
        }
    }
    xmlFreeDoc(d);
    return t;
}

static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v) return NULL;
    char *s = bt_xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

static void set_once(char **field, char *v)
{
    if (!*field && v) *field = v;
    else free(v);
}

static char *abs_link(const char *base, const char *ref)
{
    if (!ref) return NULL;
    char *u = bt_url_resolve(base, ref);
    if (u && !bt_url_is_web(u)) {
        free(u);
        return NULL;
    }
    return u;
}

void bt_feed_item_clear(bt_feed_item *it)
{
    free(it->url);
    free(it->title);
    free(it->author);
    free(it->category);
    free(it->description);
    free(it->image);
    it->url = it->title = it->author = it->category = it->description = it->image = NULL;
}

static void fill_item(bt_feed *f, const xmlNode *item, const char *base)
{
    bt_feed_item it;
    memset(&it, 0, sizeof it);
    char *desc = NULL, *guid = NULL;
    int guid_link = 0;
    for (const xmlNode *c = item->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        const char *nm = (const char *)c->name;
        if (strcasecmp(nm, "link") == 0 && !ns_has(c, "purl.org/dc")) {
            char *href = attr(c, "href"); /* Atom */
            if (href) {
                char *rel = attr(c, "rel");
                if (!rel || strcmp(rel, "alternate") == 0) set_once(&it.url, abs_link(base, href));
                else if (strcmp(rel, "enclosure") == 0) {
                    char *type = attr(c, "type");
                    if (type && strncmp(type, "image/", 6) == 0) set_once(&it.image, abs_link(base, href));
                    free(type);
                }
                free(rel);
                free(href);
            } else {
                char *t = text_of(c);
                set_once(&it.url, abs_link(base, t));
                free(t);
            }
        } else if (strcasecmp(nm, "loc") == 0 && !ns_has(c, "image")) {
            char *t = text_of(c);
            set_once(&it.url, abs_link(base, t));
            free(t);
        } else if (strcasecmp(nm, "guid") == 0) {
            char *pl = attr(c, "isPermaLink");
            guid_link = !pl || strcasecmp(pl, "true") == 0;
            free(pl);
            free(guid);
            guid = text_of(c);
        } else if (strcasecmp(nm, "title") == 0) {
            set_once(&it.title, text_of(c));
        } else if (strcasecmp(nm, "pubDate") == 0 || strcasecmp(nm, "published") == 0 ||
                   strcasecmp(nm, "publication_date") == 0 || strcasecmp(nm, "updated") == 0 ||
                   strcasecmp(nm, "lastmod") == 0 || (strcasecmp(nm, "date") == 0 && ns_has(c, "purl.org/dc"))) {
            /* published wins over updated / lastmod */
            char *t = text_of(c);
            bt_date d;
            int strong = strcasecmp(nm, "updated") != 0 && strcasecmp(nm, "lastmod") != 0;
            if (t && bt_feed_parse_date(t, &d) && (!it.date.year || strong)) it.date = d;
            free(t);
        } else if (strcasecmp(nm, "category") == 0) {
            char *t = attr(c, "term"); /* Atom */
            if (!t) t = text_of(c);
            set_once(&it.category, t);
        } else if (strcasecmp(nm, "author") == 0 || strcasecmp(nm, "creator") == 0) {
            char *t = NULL;
            for (const xmlNode *k = c->children; k; k = k->next)
                if (is_el(k, "name", NULL)) t = text_of(k); /* Atom <author><name> */
            if (!t) t = text_of(c);
            set_once(&it.author, t);
        } else if (strcasecmp(nm, "description") == 0 || strcasecmp(nm, "summary") == 0 ||
                   strcasecmp(nm, "encoded") == 0 ||
                   (strcasecmp(nm, "content") == 0 && !ns_has(c, "search.yahoo.com/mrss"))) {
            if (!desc) desc = text_of(c);
        } else if (strcasecmp(nm, "enclosure") == 0 || (strcasecmp(nm, "content") == 0) ||
                   strcasecmp(nm, "thumbnail") == 0) {
            char *type = attr(c, "type"), *u = attr(c, "url");
            if (u && (!type || strncmp(type, "image/", 6) == 0)) set_once(&it.image, abs_link(base, u));
            free(u);
            free(type);
        } else if (strcasecmp(nm, "image") == 0 && ns_has(c, "image")) {
            for (const xmlNode *k = c->children; k; k = k->next)
                if (is_el(k, "loc", NULL)) {
                    char *t = text_of(k);
                    set_once(&it.image, abs_link(base, t));
                    free(t);
                }
        } else if (strcasecmp(nm, "news") == 0 && ns_has(c, "sitemap-news")) {
            /* <news:news><news:publication>…</news:publication><news:title>…</news:title>
             * <news:publication_date>…</news:publication_date><news:keywords>… */
            for (const xmlNode *k = c->children; k; k = k->next) {
                if (k->type != XML_ELEMENT_NODE) continue;
                if (is_el(k, "title", NULL)) set_once(&it.title, text_of(k));
                else if (is_el(k, "publication_date", NULL)) {
                    char *t = text_of(k);
                    bt_date d;
                    if (t && bt_feed_parse_date(t, &d)) it.date = d;
                    free(t);
                } else if (is_el(k, "publication", NULL) && !f->title) {
                    for (const xmlNode *q = k->children; q; q = q->next)
                        if (is_el(q, "name", NULL)) set_once(&f->title, text_of(q));
                }
            }
        }
    }
    if (!it.url && guid && guid_link) it.url = abs_link(base, guid);
    if (!it.url) {
        /* RSS 1.0: <item rdf:about="..."> */
        xmlChar *about = xmlGetNsProp(item, (const xmlChar *)"about",
                                      (const xmlChar *)"http://www.w3.org/1999/02/22-rdf-syntax-ns#");
        if (about) {
            it.url = abs_link(base, (const char *)about);
            xmlFree(about);
        }
    }
    free(guid);
    if (desc) {
        it.description = plain_of_html(desc);
        free(desc);
    }
    if (it.title && strchr(it.title, '<')) { /* titles with markup in them */
        char *t = plain_of_html(it.title);
        free(it.title);
        it.title = t;
    }
    if (!it.url) {
        f->nolink++;
        bt_feed_item_clear(&it);
        return;
    }
    if (f->nitems >= MAX_ITEMS) {
        f->over++;
        bt_feed_item_clear(&it);
        return;
    }
    /* room in powers of two from 16 (grown by one, a 100,000-item feed was quadratic copying) */
    if (f->nitems == 0 || (f->nitems >= 16 && (f->nitems & (f->nitems - 1)) == 0))
        f->items = bt_xrealloc(f->items, (f->nitems ? 2 * f->nitems : 16) * sizeof *f->items);
    f->items[f->nitems++] = it;
}

static void walk_items(bt_feed *f, const xmlNode *parent, const char *base)
{
    for (const xmlNode *c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        const char *nm = (const char *)c->name;
        if (strcasecmp(nm, "item") == 0 || strcasecmp(nm, "entry") == 0 || strcasecmp(nm, "url") == 0 ||
            strcasecmp(nm, "sitemap") == 0) {
            fill_item(f, c, base);
        } else if (strcasecmp(nm, "channel") == 0) {
            for (const xmlNode *k = c->children; k; k = k->next) {
                if (k->type != XML_ELEMENT_NODE) continue;
                if (is_el(k, "title", NULL) && !f->title) f->title = text_of(k);
                else if (is_el(k, "link", NULL) && !f->link && !k->ns) {
                    char *t = text_of(k);
                    f->link = abs_link(base, t);
                    free(t);
                }
            }
            walk_items(f, c, base); /* RSS 2.0 items live in the channel */
        } else if (f->kind == BT_KIND_ATOM && strcasecmp(nm, "title") == 0 && !f->title) {
            f->title = text_of(c);
            if (f->title && strchr(f->title, '<')) {
                char *t = plain_of_html(f->title);
                free(f->title);
                f->title = t;
            }
        } else if (f->kind == BT_KIND_ATOM && strcasecmp(nm, "link") == 0 && !f->link) {
            char *rel = attr(c, "rel"), *href = attr(c, "href");
            if (!rel || strcmp(rel, "alternate") == 0) f->link = abs_link(base, href);
            free(rel);
            free(href);
        }
    }
}

void bt_feed_free(bt_feed *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->nitems; i++) bt_feed_item_clear(&f->items[i]);
    free(f->items);
    free(f->title);
    free(f->link);
    free(f);
}

static int declares_entities(const char *buf, size_t len)
{
    size_t n = len < 65536 ? len : 65536;
    for (size_t i = 0; i + 8 <= n; i++)
        if (buf[i] == '<' && buf[i + 1] == '!' && strncasecmp(buf + i + 2, "ENTITY", 6) == 0) return 1;
    return 0;
}

bt_status bt_feed_parse(const char *buf, size_t len, const char *base_url, bt_feed **out, bt_err *e)
{
    *out = NULL;
    if (len > (size_t)INT32_MAX) return bt_err_set(e, BT_ELIMIT, "feed too large");
    char r[64];
    root_name(buf, len, r, sizeof r);
    bt_kind k = kind_of_root(r);
    if (!bt_kind_is_feed(k)) {
        if (k == BT_KIND_UNKNOWN) return bt_err_set(e, BT_EPARSE, "not XML: not a feed or sitemap");
        return bt_err_set(e, BT_EPARSE, "not a feed or sitemap (root element <%s>)", r);
    }
    if (declares_entities(buf, len))
        return bt_err_set(e, BT_EUNSAFE, "the feed declares XML entities (refused)");
    xmlExternalEntityLoader old = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(no_entities);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        xmlSetExternalEntityLoader(old);
        return bt_err_set(e, BT_ENOMEM, "cannot create the XML parser");
    }
    /* no XML_PARSE_NOENT (no substitution), no DTDLOAD, no network; recover from the small
     * mistakes real feeds have (a stray & in a title) */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_RECOVER |
               XML_PARSE_NOCDATA | XML_PARSE_COMPACT;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, (int)len, base_url, NULL, opts);
    xmlSetExternalEntityLoader(old);
    xmlFreeParserCtxt(ctxt);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        if (doc) xmlFreeDoc(doc);
        return bt_err_set(e, BT_EPARSE, "not XML: the feed cannot be parsed");
    }
    bt_feed *f = bt_xcalloc(1, sizeof *f);
    f->kind = k;
    walk_items(f, root, base_url);
    xmlFreeDoc(doc);
    *out = f;
    return BT_OK;
}

/* extract_meta.c - the metadata of an HTML page: title, date, author, category, lead, URL and
 * language from meta tags, JSON-LD and visible elements, checked against each other. Visible
 * candidates (bylines, dates, the h1, the lead) count most when they sit at the article, so the
 * last choices wait until the content box is known. */
#include <ctype.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "byline.h"
#include "date.h"
#include "extract_int.h"
#include "text.h"

/* ---- metadata ---- */

typedef struct ex_meta meta;
struct ex_meta {
    char *og_title, *ld_headline, *tw_title, *title_tag, *site_name;
    char *pub_meta, *ld_date, *time_dt, *vis_date;
    char *author_meta, *author_alt, *ld_author, *byline;
    char *ld_publisher, *app_name; /* the outlet's own names: never taken for a person */
    char *section, *ld_section;
    char *crumbs[12], *ld_crumbs[12]; /* items of the visible and the JSON-LD breadcrumb, in order */
    int ncrumbs, nld_crumbs, nld_crumbs_done;
    int cat_idx[8], ncat; /* links that name a category ("detail-cate", "category-label") */
    char *cat_txt[8];
    int cat_weak[8]; /* named by a common word only ("category", "kicker"): after the meta tags */
    char *canonical, *og_url, *ld_url;
    char *lang, *lang2;
    char *description;
    /* visible candidates, judged once the content is known */
    int by_idx[8], nby;
    char *by_txt[8];
    int dt_idx[16], ndt;
    char *dt_txt[16];
    int dt_upd[16]; /* the date of an update ("Cập nhật: ...", dateModified): after the others */
    xmlNode *h1s[16]; /* the page's h1 elements, for the title */
    int nh1;
};

static void set_once(char **f, const char *v)
{
    if (*f || !v) return;
    char *t = bt_text_clean(v, strlen(v));
    if (*t) *f = t;
    else free(t);
}

static void meta_free(meta *m)
{
    char **f[] = {&m->og_title, &m->ld_headline, &m->tw_title, &m->title_tag, &m->site_name,
                  &m->pub_meta, &m->ld_date, &m->time_dt, &m->vis_date, &m->author_meta, &m->author_alt,
                  &m->ld_author, &m->byline, &m->ld_publisher, &m->app_name, &m->section, &m->ld_section,
                  &m->canonical, &m->og_url, &m->ld_url, &m->lang, &m->lang2,
                  &m->description};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) free(*f[i]);
    for (int i = 0; i < m->nby; i++) free(m->by_txt[i]);
    for (int i = 0; i < m->ndt; i++) free(m->dt_txt[i]);
    for (int i = 0; i < m->ncrumbs; i++) free(m->crumbs[i]);
    for (int i = 0; i < m->nld_crumbs; i++) free(m->ld_crumbs[i]);
    for (int i = 0; i < m->ncat; i++) free(m->cat_txt[i]);
}

static int ld_is_article(json_t *o)
{
    json_t *t = json_object_get(o, "@type");
    const char *arts[] = {"NewsArticle", "Article", "BlogPosting", "ReportageNews",
                          "AnalysisNewsArticle", "OpinionNewsArticle", "WebPage", "Report",
                          "LiveBlogPosting", "TechArticle", "ScholarlyArticle", NULL};
    size_t n = json_is_array(t) ? json_array_size(t) : 1;
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_is_array(t) ? json_array_get(t, i) : t;
        if (!json_is_string(x)) continue;
        for (const char **p = arts; *p; p++)
            if (strcmp(json_string_value(x), *p) == 0) return 1 + (p - arts < 6);
    }
    return 0;
}

static const char *ld_name(json_t *v)
{
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_array(v) && json_array_size(v) > 0) return ld_name(json_array_get(v, 0));
    if (json_is_object(v)) {
        json_t *n = json_object_get(v, "name");
        if (json_is_string(n)) return json_string_value(n);
        if (json_is_array(n) && json_is_string(json_array_get(n, 0))) /* "name": ["A"] */
            return json_string_value(json_array_get(n, 0));
    }
    return NULL;
}

static void ld_authors(json_t *v, meta *m)
{
    if (m->ld_author) return;
    if (json_is_array(v)) {
        bt_buf b = {0};
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            const char *s = ld_name(x);
            if (!s || !*s || i > 5) continue;
            if (b.len) bt_buf_adds(&b, ", ");
            bt_buf_adds(&b, s);
        }
        if (b.len) set_once(&m->ld_author, b.data);
        bt_buf_free(&b);
        return;
    }
    const char *s = ld_name(v);
    if (s && strncmp(s, "http", 4) != 0) set_once(&m->ld_author, s);
}

static void ld_object(json_t *o, meta *m, int depth)
{
    if (depth > 6 || !o) return;
    if (json_is_array(o)) {
        size_t i;
        json_t *x;
        json_array_foreach(o, i, x) ld_object(x, m, depth + 1);
        return;
    }
    if (!json_is_object(o)) return;
    json_t *g = json_object_get(o, "@graph");
    if (g) ld_object(g, m, depth + 1);
    json_t *t = json_object_get(o, "@type");
    if (json_is_string(t) && strcmp(json_string_value(t), "BreadcrumbList") == 0) {
        json_t *items = json_object_get(o, "itemListElement");
        size_t nitems = json_array_size(items);
        for (size_t k = 0; k < nitems && !m->nld_crumbs_done && m->nld_crumbs < 12; k++) {
            json_t *it = json_array_get(items, k);
            const char *name = ld_name(it);
            if (!name) name = ld_name(json_object_get(it, "item"));
            char *txt = name ? bt_text_clean(name, strlen(name)) : NULL;
            if (txt && *txt) m->ld_crumbs[m->nld_crumbs++] = txt;
            else free(txt);
        }
        if (nitems) m->nld_crumbs_done = 1; /* the first breadcrumb list only */
        return;
    }
    int art = ld_is_article(o);
    if (!art) return;
    if (art == 2 || !m->ld_headline) {
        json_t *h = json_object_get(o, "headline");
        if (json_is_string(h)) set_once(&m->ld_headline, json_string_value(h));
    }
    json_t *d = json_object_get(o, "datePublished");
    if (json_is_string(d)) set_once(&m->ld_date, json_string_value(d));
    json_t *a = json_object_get(o, "author");
    if (!a) a = json_object_get(o, "creator"); /* schema.org's wider word, used alone by some */
    if (a && art == 2) ld_authors(a, m);
    const char *pub = ld_name(json_object_get(o, "publisher"));
    if (pub) set_once(&m->ld_publisher, pub);
    json_t *s = json_object_get(o, "articleSection");
    if (json_is_string(s)) set_once(&m->ld_section, json_string_value(s));
    else if (json_is_array(s) && json_array_size(s) && json_is_string(json_array_get(s, 0)))
        set_once(&m->ld_section, json_string_value(json_array_get(s, 0)));
    json_t *u = json_object_get(o, "url");
    if (json_is_string(u) && art == 2) set_once(&m->ld_url, json_string_value(u));
}

static void json_ld(const char *txt, meta *m)
{
    json_error_t err;
    json_t *j = json_loads(txt, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (!j) return;
    ld_object(j, m, 0);
    json_decref(j);
}


/* Labels before the dates of a date line: the publication's and an update's. */
static const char *const pub_labels[] = {
    "Ngày đăng", "ngày đăng", "Đăng lúc", "đăng lúc", "Đăng", "đăng", "Xuất bản", "xuất bản",
    "Published", "published", "PUBLISHED", "Posted", "posted", "Veröffentlicht", "veröffentlicht",
    "Publié", "publié", "Publicado", "publicado", "Pubblicato", "pubblicato", "Opublikowano",
    "opublikowano", "Julkaistu", "julkaistu", NULL};
static const char *const upd_labels[] = {
    "Cập nhật", "cập nhật", "CẬP NHẬT", "Updated", "updated", "UPDATED", "Last modified",
    "Modified", "modified", "Aktualisiert", "aktualisiert", "Mis à jour", "mis à jour",
    "Actualizado", "actualizado", "Atualizado", "atualizado", "Aggiornato", "aggiornato",
    "Zaktualizowano", "zaktualizowano", "Päivitetty", "päivitetty", NULL};

/* The first label of the list in s (and its length), or NULL. */
static const char *find_label(const char *s, const char *const *labels, size_t *len)
{
    const char *best = NULL;
    for (const char *const *l = labels; *l; l++) {
        const char *p = strstr(s, *l);
        if (p && (!best || p < best)) {
            best = p;
            *len = strlen(*l);
        }
    }
    return best;
}

/* The part of a date line that holds the publication date: after a "published" label when
 * there is one ("Cập nhật: 28/05 09:15 | Đăng: 27/05 14:00"); before an "updated" label, or
 * after the updated date, when there is a date there; else the line itself, *upd set when it
 * is only an update's date. Heap string; NULL when s has no date. */
static char *date_part(const char *s, int tz, int *upd)
{
    bt_date d;
    *upd = 0;
    if (!bt_date_parse(s, tz, &d)) return NULL;
    size_t l = 0;
    const char *p = find_label(s, pub_labels, &l);
    if (p && bt_date_parse(p + l, tz, &d)) return bt_xstrdup(p + l);
    const char *u = find_label(s, upd_labels, &l);
    if (!u) return bt_xstrdup(s);
    char *before = bt_xstrndup(s, (size_t)(u - s));
    if (bt_date_parse(before, tz, &d)) return before;
    free(before);
    /* past the updated date: its digits, separators and zone */
    const char *q = u + l;
    while (*q && !isdigit((unsigned char)*q)) q++;
    for (;;) { /* "07:00 ngày 17/09/2024": the words within one date too */
        while (*q && (isdigit((unsigned char)*q) || strchr("/.:-, hH", *q))) q++;
        static const char *const within[] = {"ngày ", "lúc ", "at ", "on ", NULL};
        const char *const *w = within;
        while (*w && strncmp(q, *w, strlen(*w)) != 0) w++;
        if (!*w) break;
        q += strlen(*w);
    }
    if (strncmp(q, "GMT", 3) == 0 || strncmp(q, "UTC", 3) == 0) q += 3;
    if (*q && bt_date_parse(q, tz, &d)) return bt_xstrdup(q);
    *upd = 1;
    return bt_xstrdup(u + l);
}

static void scan_meta(ctx *c, meta *m, xmlNode **h1s, int *nh1, int maxh1)
{
    *nh1 = 0;
    for (int i = 0; i < c->n; i++) {
        ninfo *f = &c->v[i];
        xmlNode *n = f->n;
        int tg = f->tag;
        uint64_t cw = f->cw; /* the words of its class and id */
        if (tg == T_HTML) {
            set_once(&m->lang, ex_attr(n, "lang"));
            set_once(&m->lang, ex_attr(n, "xml:lang"));
        }
        if (tg == T_META) {
            const char *p = ex_attr(n, "property"), *na = ex_attr(n, "name"), *ip = ex_attr(n, "itemprop");
            const char *v = ex_attr(n, "content");
            const char *he = ex_attr(n, "http-equiv");
            const char *k = p ? p : na ? na : ip ? ip : he;
            if (!k || !v) continue;
            if (!strcasecmp(k, "og:title")) set_once(&m->og_title, v);
            else if (!strcasecmp(k, "og:locale") || !strcasecmp(k, "language") ||
                     !strcasecmp(k, "content-language") || !strcasecmp(k, "dc.language"))
                set_once(&m->lang2, v);
            else if (!strcasecmp(k, "twitter:title")) set_once(&m->tw_title, v);
            else if (!strcasecmp(k, "og:site_name")) set_once(&m->site_name, v);
            else if (!strcasecmp(k, "application-name") || !strcasecmp(k, "apple-mobile-web-app-title"))
                set_once(&m->app_name, v);
            else if (!strcasecmp(k, "og:url")) set_once(&m->og_url, v);
            else if (!strcasecmp(k, "og:description") || !strcasecmp(k, "description"))
                set_once(&m->description, v);
            else if (!strcasecmp(k, "article:published_time") ||
                     !strcasecmp(k, "og:article:published_time") || !strcasecmp(k, "pubdate") ||
                     !strcasecmp(k, "publishdate") || !strcasecmp(k, "datePublished") ||
                     !strcasecmp(k, "date") || !strcasecmp(k, "dc.date") ||
                     !strcasecmp(k, "dc.date.issued") || !strcasecmp(k, "dcterms.date") ||
                     !strcasecmp(k, "sailthru.date") || !strcasecmp(k, "parsely-pub-date") ||
                     !strcasecmp(k, "publish-date") || !strcasecmp(k, "article.published") ||
                     !strcasecmp(k, "dateCreated") || !strcasecmp(k, "og:published_time") ||
                     !strcasecmp(k, "article:published"))
                set_once(&m->pub_meta, v);
            else if (!strcasecmp(k, "author") && bt_byline_plausible(v))
                set_once(&m->author_meta, v);
            else if ((!strcasecmp(k, "article:author") ||
                      !strcasecmp(k, "dc.creator") || !strcasecmp(k, "sailthru.author") ||
                      !strcasecmp(k, "parsely-author") || !strcasecmp(k, "byl") ||
                      !strcasecmp(k, "cxenseparse:author") || !strcasecmp(k, "dcterms.creator") ||
                      !strcasecmp(k, "article:author_name")) &&
                     bt_byline_plausible(v))
                set_once(&m->author_alt, v);
            else if (!strcasecmp(k, "article:section") || !strcasecmp(k, "og:article:section"))
                set_once(&m->section, v);
            continue;
        }
        if (tg == T_LINK) {
            const char *rel = ex_attr(n, "rel"), *href = ex_attr(n, "href");
            if (rel && href && !strcasecmp(rel, "canonical")) set_once(&m->canonical, href);
            continue;
        }
        if (tg == T_TITLE && !m->title_tag) {
            char *s = ex_node_text(n);
            set_once(&m->title_tag, s);
            free(s);
            continue;
        }
        if (tg == T_SCRIPT) {
            const char *ty = ex_attr(n, "type");
            if (ty && !strcasecmp(ty, "application/ld+json")) {
                xmlChar *s = xmlNodeGetContent(n);
                if (s) {
                    json_ld((const char *)s, m);
                    xmlFree(s);
                }
            }
            continue;
        }
        if (f->flags & F_HARDJUNK) continue;
        if (tg == T_H1 && *nh1 < maxh1) h1s[(*nh1)++] = n;
        {
            /* schema.org microdata on a visible element: <span itemprop="datePublished" content=...> */
            const char *ipd = ex_attr(n, "itemprop");
            if (ipd && !strcasecmp(ipd, "datePublished") && !m->pub_meta) {
                const char *v = ex_attr(n, "datetime");
                if (!v) v = ex_attr(n, "content");
                bt_date d;
                if (v && bt_date_parse(v, 0, &d)) set_once(&m->pub_meta, v);
            }
        }
        if (tg == T_TIME && m->ndt < 16) {
            const char *dt = ex_attr(n, "datetime");
            bt_date d;
            if (dt && bt_date_parse(dt, 0, &d)) {
                /* an update's time: dateModified, a class that says so, "Cập nhật:" before it */
                const char *ipm = ex_attr(n, "itemprop");
                int upd = (ipm && ex_ci_contains(ipm, "modified")) || (cw & (CW(CW_UPDAT) | CW(CW_MODIF)));
                const xmlNode *pv = n->prev;
                while (pv && pv->type == XML_TEXT_NODE && pv->content && !*pv->content) pv = pv->prev;
                size_t ll;
                if (!upd && pv && pv->type == XML_TEXT_NODE && pv->content &&
                    find_label((const char *)pv->content, upd_labels, &ll) &&
                    !find_label((const char *)pv->content, pub_labels, &ll))
                    upd = 1;
                m->dt_upd[m->ndt] = upd;
                m->dt_idx[m->ndt] = i;
                m->dt_txt[m->ndt++] = bt_xstrdup(dt);
            }
        }
        /* visible byline */
        const char *rel = ex_attr(n, "rel"), *ip = ex_attr(n, "itemprop");
        int by = (rel && !strcasecmp(rel, "author")) || (ip && !strcasecmp(ip, "author")) ||
                 ((f->flags & F_BLOCK || tg == T_SPAN || tg == T_A ||
                   tg == T_STRONG || tg == T_B || tg == T_ADDRESS) &&
                  (cw & (CW(CW_AUTHOR) | CW(CW_BYLINE) | CW(CW_WRITER) | CW(CW_REPORTER) | CW(CW_TAC_GIA) |
                         CW(CW_TACGIA) | CW(CW_AUTOR) | CW(CW_AUTEUR) | CW(CW_FIRMA))));
        if (by && (cw & (CW(CW_FOTO) | CW(CW_PHOTO) | CW(CW_CREDIT) | CW(CW_IMG) | CW(CW_IMAGE) |
                         CW(CW_COMMENT) | CW(CW_AVATAR) | CW(CW_BIO) | CW(CW_DESC))))
            by = 0;
        if (by && f->parent >= 0 && (c->v[f->parent].flags & F_INLINK)) by = 0; /* a teaser */
        if (by && m->nby < 8 && !(f->flags & F_HIDDEN) && f->raw < 200) {
            /* a schema.org name inside the byline is the cleanest source; the names of all
             * the authors it marks up when there are several */
            xmlNode *src = n;
            char *s = NULL;
            for (int k = i + 1; k < c->n && c->v[k].depth > f->depth; k++) {
                const char *kip = ex_attr(c->v[k].n, "itemprop");
                if (!kip || strcasecmp(kip, "name")) continue;
                if (src == n) src = c->v[k].n;
                int of_author = 0;
                for (int p = c->v[k].parent; p >= 0 && p >= i && !of_author; p = c->v[p].parent) {
                    const char *pip = ex_attr(c->v[p].n, "itemprop");
                    of_author = pip && !strcasecmp(pip, "author");
                }
                char *t = of_author ? ex_node_text(c->v[k].n) : NULL;
                if (t && *t && (!s || !strstr(s, t))) {
                    char *j = s ? bt_xasprintf("%s; %s", s, t) : bt_xstrdup(t);
                    free(s);
                    s = j;
                }
                free(t);
            }
            if (!s) s = ex_node_text(src);
            /* an author box's e-mail link (its text the address, its href not kept): the
             * address may run into the name ("Lê Phươngle@x.vn") */
            for (int k = i + 1; k < c->n && c->v[k].depth > f->depth; k++) {
                if (c->v[k].tag != T_A || c->v[k].raw < 5 || c->v[k].raw > 80) continue;
                char *mt = ex_node_text(c->v[k].n);
                char *at = strchr(mt, '@') && !strchr(mt, ' ') ? strstr(s, mt) : NULL;
                if (at) memmove(at, at + strlen(mt), strlen(at + strlen(mt)) + 1);
                free(mt);
            }
            static const char *const credit[] = {"foto", "photo", "ảnh", "bild", "image", "crédit", "credit", NULL};
            int is_credit = 0;
            for (const char *const *cr = credit; *cr; cr++)
                if (strncasecmp(s, *cr, strlen(*cr)) == 0) is_credit = 1;
            char *b = is_credit ? bt_xstrdup("") : bt_byline_clean(s);
            if (bt_byline_plausible(b)) {
                m->by_idx[m->nby] = i;
                m->by_txt[m->nby++] = b;
                b = NULL;
            }
            free(b);
            free(s);
        }
        /* a visible category link ("Posted in X", "detail-cate", "category-label", "kicker") */
        if (m->ncat < 8 && tg == T_A && f->raw > 1 && f->raw < 40 && f->parent >= 0) {
            uint64_t pcw = c->v[f->parent].cw;
            const uint64_t weak = CW(CW_CATEG) | CW(CW_TOK_CATE) | CW(CW_KICKER) | CW(CW_RUBRIC) | CW(CW_EYEBROW);
            int strong = (pcw & (CW(CW_CAT_LINKS) | CW(CW_DETAIL_CATE) | CW(CW_CHUYEN_MUC) | CW(CW_CHUYENMUC))) ||
                         (cw & (CW(CW_DETAIL_CATE) | CW(CW_CATE_NAME))) ||
                         (ex_attr(n, "rel") && ex_ci_contains(ex_attr(n, "rel"), "category"));
            /* a category's own link, not one of a list (menus, related articles, tags) */
            int alone = !(c->v[f->parent].tag == T_LI || (cw & CW(CW_RELATED)) || (pcw & CW(CW_RELATED)));
            int nlinks = 0, last = 1;
            for (xmlNode *sib = n->parent ? n->parent->children : NULL; sib && nlinks <= 3; sib = sib->next)
                if (is_tag(sib, "a")) {
                    nlinks++;
                    last = sib == n;
                }
            /* two or three links in a box named as the category ("Kinh doanh", "Thị trường"):
             * a short breadcrumb, whose last link is the most precise */
            if (alone && nlinks > 1) alone = nlinks <= 3 && last && (pcw & weak);
            if (strong || (alone && ((pcw | cw) & weak))) {
                char *s = ex_node_text(n);
                if (*s) {
                    m->cat_weak[m->ncat] = !strong;
                    m->cat_idx[m->ncat] = i;
                    m->cat_txt[m->ncat++] = s;
                } else {
                    free(s);
                }
            }
        }
        /* breadcrumb: its items (class "breadcrumb", "crumbs", schema.org BreadcrumbList in
         * microdata or RDFa, or aria-label="breadcrumb") */
        const char *itt = ex_attr(n, "itemtype"), *tyo = ex_attr(n, "typeof"), *arl = ex_attr(n, "aria-label");
        if (!m->ncrumbs && ((cw & CW(CW_CRUMB)) || (itt && ex_ci_contains(itt, "BreadcrumbList")) ||
                            (tyo && ex_ci_contains(tyo, "BreadcrumbList")) ||
                            (arl && (ex_ci_contains(arl, "breadcrumb") || ex_ci_contains(arl, "đường dẫn"))))) {
            /* the texts of its <a> and <li>, an item once */
            for (int k = i + 1; k < c->n && c->v[k].depth > f->depth && m->ncrumbs < 12; k++) {
                if ((c->v[k].tag != T_A && c->v[k].tag != T_LI) || (c->v[k].flags & F_HIDDEN)) continue;
                char *s = ex_node_text(c->v[k].n);
                if (*s && bt_utf8_length(s) < 80 && !(m->ncrumbs && strcmp(m->crumbs[m->ncrumbs - 1], s) == 0))
                    m->crumbs[m->ncrumbs++] = s;
                else
                    free(s);
            }
        }
        /* visible date */
        if (m->ndt < 16 && f->raw < 120 && f->raw > 6 && tg != T_TIME) {
            if (cw & (CW(CW_DATE) | CW(CW_TIME) | CW(CW_PUBLISH) | CW(CW_NGAY))) {
                char *s = ex_node_text(n);
                int upd = 0;
                char *part = date_part(s, 420, &upd);
                if (part) {
                    m->dt_upd[m->ndt] = upd || (cw & (CW(CW_UPDAT) | CW(CW_MODIF)));
                    m->dt_idx[m->ndt] = i;
                    m->dt_txt[m->ndt++] = part;
                }
                free(s);
            }
        }
    }
}

/* Remove a " - Site" / " | Site" suffix (or prefix) from a <title>. */
static char *strip_site(const char *title, const char *site)
{
    static const char *const seps[] = {" | ", " - ", " – ", " — ", " :: ", " » ", " · ", NULL};
    char *t = bt_xstrdup(title);
    for (const char *const *s = seps; *s; s++) {
        char *last = NULL;
        for (char *p = strstr(t, *s); p; p = strstr(p + 1, *s)) last = p;
        if (!last) continue;
        const char *tail = last + strlen(*s);
        size_t head_len = bt_utf8_length(t) - bt_utf8_length(last);
        if ((site && loose_eq(tail, site)) ||
            (bt_utf8_length(tail) < 40 && head_len >= 15)) {
            *last = '\0';
            continue;
        }
        char *first = strstr(t, *s);
        if (first) {
            /* "Site - Title" or "Section - Title": a short first part goes */
            char *head = bt_xstrndup(t, (size_t)(first - t));
            const char *rest = first + strlen(*s);
            int words = 1;
            for (const char *q = head; *q; q++) words += *q == ' ';
            int eq = (site && loose_eq(head, site)) ||
                     (words <= 3 && bt_utf8_length(head) < 20 && bt_utf8_length(rest) >= 15 &&
                      bt_utf8_length(rest) > 2 * bt_utf8_length(head));
            free(head);
            if (eq) memmove(t, rest, strlen(rest) + 1);
        }
    }
    return t;
}

/* a is the end of b ("Republicans ..." in "Opinion | Republicans ..."). */
static int loose_suffix(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    for (size_t off = 1; off < lb && lb - off + 8 >= la; off++)
        if ((b[off - 1] == ' ' || b[off - 1] == '|' || b[off - 1] == ':') && loose_eq(a, b + off)) return 1;
    return 0;
}

static int loose_prefix(const char *a, const char *b)
{
    return ex_loose_cmp(a, b, 1);
}

static void choose_meta(ctx *c, meta *m, xmlNode **h1s, int nh1)
{
    bt_article *a = c->a;
    /* language: declared, else Vietnamese when the titles have Vietnamese letters, else unknown */
    const char *decl = m->lang ? m->lang : m->lang2;
    if (!decl) {
        const char *probe[] = {m->title_tag, m->og_title, m->description, m->ld_headline};
        int viet = 0, any = 0;
        for (size_t k = 0; k < 4 && !viet; k++) {
            if (!probe[k]) continue;
            any = 1;
            size_t len = strlen(probe[k]);
            for (size_t i = 0; i < len && !viet;) {
                uint32_t cp;
                size_t step = bt_utf8_decode(probe[k] + i, len - i, &cp);
                if (!step) break;
                i += step;
                viet = (cp >= 0x1EA0 && cp <= 0x1EF9) || cp == 0x0103 || cp == 0x0111 || cp == 0x01A1 ||
                       cp == 0x01B0 || cp == 0x0102 || cp == 0x0110 || cp == 0x01A0 || cp == 0x01AF;
            }
        }
        if (any && !viet) bt_article_set(&a->language, "und");
    }
    if (decl) {
        char l[16];
        size_t k = 0;
        for (const char *p = decl; *p && k + 1 < sizeof l && (isalpha((unsigned char)*p) || *p == '-'); p++)
            l[k++] = *p == '_' ? '-' : *p;
        l[k] = '\0';
        if (k >= 2) {
            for (size_t i = 0; i < k && l[i] != '-'; i++) l[i] = (char)tolower((unsigned char)l[i]);
            bt_article_set(&a->language, l);
        }
    }
    /* title: the visible h1 when it agrees with the declared titles */
    const char *cands[] = {m->og_title, m->ld_headline, m->tw_title, m->title_tag};
    char *title = NULL;
    for (int h = 0; h < nh1 && !title; h++) {
        char *s = ex_node_text(h1s[h]);
        for (size_t k = 0; k < 4 && *s; k++) {
            if (!cands[k]) continue;
            int hi = idx_of(h1s[h]);
            int logo = 0; /* an h1 that is one link (the site's logo) */
            for (int q = hi + 1; hi >= 0 && q < c->n && c->v[q].depth > c->v[hi].depth && !logo; q++)
                logo = c->v[q].tag == T_A && c->v[q].raw * 10 >= c->v[hi].raw * 9 && c->v[hi].raw > 0;
            if (logo || (m->site_name && loose_eq(s, m->site_name))) continue;
            if (loose_eq(s, cands[k]) || (bt_utf8_length(s) >= 10 && (loose_prefix(s, cands[k]) ||
                                                                        (k < 3 && loose_suffix(s, cands[k]))))) {
                title = s;
                s = NULL;
                c->title_from_h1 = 1;
                break;
            }
        }
        free(s);
    }
    if (!title && m->og_title) title = strip_site(m->og_title, m->site_name);
    if (!title && m->ld_headline) title = bt_xstrdup(m->ld_headline);
    if (!title && m->tw_title) title = strip_site(m->tw_title, m->site_name);
    if (!title && m->title_tag) {
        /* <title> against a lone h1: the h1 wins unless it is not part of a real <title> */
        char *tt = strip_site(m->title_tag, m->site_name);
        int words = 1;
        for (const char *q = tt; *q; q++) words += *q == ' ';
        char *h = nh1 == 1 ? ex_node_text(h1s[0]) : NULL;
        if (h && *h && (words < 3 || strstr(m->title_tag, h))) {
            title = h;
            free(tt);
        } else {
            title = tt;
            free(h);
        }
    }
    if (!title && nh1 == 1) title = ex_node_text(h1s[0]);
    if (title) {
        bt_article_set(&a->title, title);
        free(title);
    }
    /* canonical URL */
    const char *u = m->canonical ? m->canonical : m->og_url ? m->og_url : m->ld_url;
    if (u && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0))
        bt_article_set(&a->source_url, u);
}

/* Is element i usable as the article's own metadata? pass 0: inside the content box or the
 * box around it (its header); pass 1 (and 2): anywhere outside boilerplate. */
static int near_content(ctx *c, int i, int best, int pass)
{
    /* a <time> may sit in the article's footer ("Published <time>"); other dates there are the
     * site's */
    int time_el = c->v[i].tag == T_TIME;
    if (c->v[i].cw & (CW(CW_NOW) | CW(CW_TODAY) | CW(CW_CURRENT)))
        return 0; /* the site's clock: today's date, not the article's */
    if (c->v[i].tag == T_BLOCKQUOTE && (c->v[i].flags & F_JUNK) && !(c->v[i].flags & F_HIDDEN))
        return 0; /* an embedded post itself (below) */
    for (int p = c->v[i].parent; p >= 0; p = c->v[p].parent) {
        if (!(c->v[p].flags & F_JUNK) || (c->v[p].flags & F_HIDDEN)) continue;
        /* a quotation that is boilerplate is an embedded post (a tweet's blockquote): its
         * date and author are the post's */
        if (c->v[p].tag == T_ASIDE || c->v[p].tag == T_NAV || c->v[p].tag == T_BLOCKQUOTE) return 0;
        uint64_t pcw = c->v[p].cw;
        if ((pcw & (CW(CW_COMMENT) | CW(CW_RELATED) | CW(CW_SIDEBAR) | CW(CW_TEASER) | CW(CW_RECOMMEND) |
                    CW(CW_POPULAR) | CW(CW_LISTING) | CW(CW_LIENQUAN) | CW(CW_FORUM) | CW(CW_REPLY) |
                    CW(CW_VCARD) | CW(CW_LIEN_QUAN))) ||
            (!time_el && (pcw & CW(CW_FOOTER))))
            return 0;
    }
    if (pass == 1 || best < 0) return 1;
    /* inside best's subtree, or inside an ancestor at most 3 levels above best */
    int up = best;
    for (int k = 0; k < 3 && c->v[up].parent >= 0 && c->v[up].parent != c->body; k++) up = c->v[up].parent;
    for (int p = i; p >= 0; p = c->v[p].parent)
        if (p == up) return 1;
    return 0;
}

static int is_outlet(ctx *c, meta *m, const char *name);

/* Digits at s as a number (n of them). */
static int digits_at(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
    return v;
}

/* The date in the article's own address, when the page gives none: "/2024/09/17/slug" (a day),
 * "slug-20240917131400123.htm" (a day and a time: the time stamp many Vietnamese CMSs put in
 * their addresses). */
static void url_date(const char *url, int tz, bt_date *out)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    for (; p && *p && *p != '?' && *p != '#'; p++) {
        bt_date d;
        memset(&d, 0, sizeof d);
        d.tz_minutes = tz;
        if (*p == '/' && isdigit((unsigned char)p[1])) { /* /YYYY/MM/DD/ */
            const char *q = p + 1;
            size_t n = strspn(q, "0123456789");
            if (n == 4 && q[4] == '/' && strspn(q + 5, "0123456789") == 2 && q[7] == '/' &&
                strspn(q + 8, "0123456789") == 2 && (q[10] == '/' || q[10] == '-' || !q[10])) {
                d.year = digits_at(q, 4);
                d.month = digits_at(q + 5, 2);
                d.day = digits_at(q + 8, 2);
            }
        } else if ((*p == '-' || *p == '/') && isdigit((unsigned char)p[1])) { /* -YYYYMMDDhhmmss */
            const char *q = p + 1;
            size_t n = strspn(q, "0123456789");
            if (n >= 14 && n <= 17 && (q[n] == '.' || q[n] == '/' || !q[n])) {
                d.year = digits_at(q, 4);
                d.month = digits_at(q + 4, 2);
                d.day = digits_at(q + 6, 2);
                d.hour = digits_at(q + 8, 2);
                d.minute = digits_at(q + 10, 2);
                d.second = digits_at(q + 12, 2);
                d.has_time = 1;
            }
        }
        if (d.year >= 1990 && d.year <= 2100 && bt_date_valid(&d)) {
            *out = d;
            return;
        }
    }
}

/* The category a breadcrumb names: its last item that is neither the article (its title, or a
 * title-long item) nor the home page. */
static const char *crumb_category(char *const *items, int n, const char *title)
{
    static const char *const home[] = {"trang chu", "trang nhat", "home", "homepage", "home page",
                                       "startseite", "accueil", "inicio", "pagina inicial",
                                       "strona glowna", "etusivu", NULL};
    for (int k = n - 1; k >= 0; k--) {
        const char *t = items[k];
        if (bt_utf8_length(t) > 50) continue;
        if (title && (loose_eq(t, title) || loose_prefix(t, title))) continue;
        char *f = bt_fold_ascii(t);
        char *e = f + strlen(f);
        while (e > f && !isalnum((unsigned char)e[-1])) *--e = '\0';
        char *b = f;
        while (*b && !isalnum((unsigned char)*b)) b++;
        int is_home = ex_in_list(b, home) || !*b;
        free(f);
        if (!is_home) return t;
    }
    return NULL;
}

static void choose_category(ctx *c, meta *m, int best)
{
    const char *title = c->a->title;
    const char *cat = crumb_category(m->crumbs, m->ncrumbs, title);
    if (!cat) cat = crumb_category(m->ld_crumbs, m->nld_crumbs, title);
    /* a category link: the one at the article first (a page lists other categories too); one
     * named by a common class word only ("category", "kicker") after the declared section, and
     * only at the article */
    for (int k = 0; !cat && k < m->ncat; k++)
        if (!m->cat_weak[k] && near_content(c, m->cat_idx[k], best, 0)) cat = m->cat_txt[k];
    for (int k = 0; !cat && k < m->ncat; k++)
        if (!m->cat_weak[k]) cat = m->cat_txt[k];
    if (cat && title && loose_eq(cat, title)) cat = NULL;
    if (!cat) cat = m->section ? m->section : m->ld_section;
    for (int k = 0; !cat && k < m->ncat; k++)
        if (m->cat_weak[k] && near_content(c, m->cat_idx[k], best, 0) &&
            !(title && loose_eq(m->cat_txt[k], title)))
            cat = m->cat_txt[k];
    if (cat) bt_article_set(&c->a->category, cat);
}

/* Of several names "A; B", the ones that are the publication's own are dropped from *names
 * (in place), unless nothing would be left. */
static void drop_outlet_names(ctx *c, meta *m, char **names)
{
    if (!*names || !strstr(*names, "; ")) return;
    bt_buf kept = {0};
    for (const char *q = *names; *q;) {
        size_t l = strcspn(q, ";");
        char *part = bt_xstrndup(q, l);
        if (!is_outlet(c, m, part)) {
            if (kept.len) bt_buf_adds(&kept, "; ");
            bt_buf_adds(&kept, part);
        }
        free(part);
        q += l;
        while (*q == ';' || *q == ' ') q++;
    }
    if (kept.len) {
        free(*names);
        *names = bt_buf_detach(&kept, NULL);
    } else {
        bt_buf_free(&kept);
    }
}

/* 1 when the h1 (its text t) is the declared title plus a label in an element of its own
 * before or after it ("<span class=label>Video</span> Title", "Title <em>LIVE</em>"): the
 * label is not part of the title. */
static int h1_label(const xmlNode *h1, const char *t, const char *title)
{
    const xmlNode *first = NULL, *last = NULL;
    for (const xmlNode *k = h1->children; k; k = k->next) {
        if (k->type == XML_TEXT_NODE && k->content && ex_text_measure((const char *)k->content, NULL) == 0)
            continue;
        if (!first) first = k;
        last = k;
    }
    if (!first || first == last) return 0;
    int r = 0;
    for (int end = 0; end < 2 && !r; end++) {
        const xmlNode *e = end ? last : first;
        if (e->type != XML_ELEMENT_NODE) continue;
        char *lab = ex_node_text(e);
        size_t ll = strlen(lab), tl = strlen(t);
        int words = 1;
        for (const char *q = lab; *q; q++) words += *q == ' ';
        if (ll && ll <= 25 && words <= 3 && tl > ll) {
            if (!end) r = strncmp(t, lab, ll) == 0 && loose_eq(t + ll, title);
            else if (strcmp(t + tl - ll, lab) == 0) {
                char *head = bt_xstrndup(t, tl - ll);
                r = loose_eq(head, title);
                free(head);
            }
        }
        free(lab);
    }
    return r;
}

static void choose_late(ctx *c, meta *m, int best, xmlNode **h1s, int nh1)
{
    bt_article *a = c->a;
    /* The visible headline of the article beats a declared title that differs from it. */
    for (int h = 0; h < nh1 && !c->title_from_h1 && best >= 0; h++) {
        int hi = idx_of(h1s[h]);
        if (hi < 0 || (c->v[hi].flags & F_JUNK) || !near_content(c, hi, best, 0)) continue;
        if (c->v[hi].text == 0 || c->v[hi].link * 2 > c->v[hi].text) continue;
        char *t = ex_node_text(h1s[h]);
        size_t l = bt_utf8_length(t);
        if (a->title && h1_label(h1s[h], t, a->title)) l = 0; /* "<span>Video</span> Title" */
        if (l >= 10 && l <= 250 && strchr(t, ' ') && !(m->site_name && loose_eq(t, m->site_name))) {
            bt_article_set(&a->title, t);
            free(c->title_text);
            c->title_text = bt_xstrdup(a->title);
            c->title_from_h1 = 1;
        }
        free(t);
    }
    choose_category(c, m, best);
    /* date */
    int vi = !a->language || strncmp(a->language, "vi", 2) == 0;
    /* visible dates and bylines count when they are not inside boilerplate, best first when
     * they sit in or next to the article */
    free(m->vis_date);
    m->vis_date = NULL;
    for (int pass = 0; pass < 6 && !m->vis_date; pass++) /* an update's date after the others */
        for (int k = 0; k < m->ndt && !m->vis_date; k++) {
            if (m->dt_upd[k] != (pass >= 3)) continue;
            const ninfo *f = &c->v[m->dt_idx[k]];
            /* last: a <time datetime> wherever it is, but not a teaser's (a link) */
            if (pass % 3 == 2 && (f->tag != T_TIME || (f->flags & F_INLINK))) continue;
            if (near_content(c, m->dt_idx[k], best, pass % 3)) m->vis_date = bt_xstrdup(m->dt_txt[k]);
        }
    free(m->byline);
    m->byline = NULL;
    /* near the article first; elsewhere only when no structured author exists */
    int have_structured = m->ld_author || m->author_meta || m->author_alt;
    for (int pass = 0; pass < (have_structured ? 1 : 2) && !m->byline; pass++)
        for (int k = 0; k < m->nby && !m->byline; k++)
            if (near_content(c, m->by_idx[k], best, pass)) {
                const char *b = m->by_txt[k];
                /* "Name" + description run together: a shorter candidate that starts it wins */
                for (int q = 0; q < m->nby; q++)
                    if (strlen(m->by_txt[q]) < strlen(b) && *m->by_txt[q] &&
                        strncmp(b, m->by_txt[q], strlen(m->by_txt[q])) == 0 &&
                        b[strlen(m->by_txt[q])] != ';') /* not when b lists several names */
                        b = m->by_txt[q];
                m->byline = bt_xstrdup(b);
                c->byline_node = c->v[m->by_idx[k]].n;
                /* schema.org microdata names each author apart ("By <span itemprop=author>A
                 * </span> and <span itemprop=author>B</span>"): all of them, as JSON-LD's */
                const char *ipk = ex_attr(c->byline_node, "itemprop");
                for (int q = k + 1; ipk && !strcasecmp(ipk, "author") && q < m->nby; q++) {
                    const char *ipq = ex_attr(c->v[m->by_idx[q]].n, "itemprop");
                    if (!ipq || strcasecmp(ipq, "author") || !near_content(c, m->by_idx[q], best, pass) ||
                        strstr(m->byline, m->by_txt[q]))
                        continue;
                    char *j = bt_xasprintf("%s; %s", m->byline, m->by_txt[q]);
                    free(m->byline);
                    m->byline = j;
                }
            }
    /* Last resort: a short line near the article such as "06.11.2023 13:30 von Olga". */
    if (!m->pub_meta && !m->ld_date && !m->vis_date && best >= 0) {
        int tried = 0;
        for (int i = 0; i < c->n && !m->vis_date && tried < 300; i++) {
            ninfo *f = &c->v[i];
            if ((f->flags & F_HARDJUNK) || f->raw < 8 || f->raw > 80) continue;
            tried++;
            if (!near_content(c, i, best, 0)) continue;
            char *s = ex_node_text(f->n);
            bt_date d;
            if (bt_date_parse(s, vi ? 420 : 0, &d)) {
                /* the innermost element that still holds the date */
                for (int k = i + 1; k < c->n && c->v[k].depth > f->depth; k++) {
                    if (c->v[k].flags & F_HARDJUNK) continue;
                    char *t = ex_node_text(c->v[k].n);
                    if (bt_date_parse(t, vi ? 420 : 0, &d)) {
                        free(s);
                        s = t;
                    } else {
                        free(t);
                    }
                }
                int upd = 0;
                m->vis_date = date_part(s, vi ? 420 : 0, &upd);
                if (!m->vis_date) m->vis_date = bt_xstrdup(s);
                static const char *const kw[] = {" von ", " by ", " bởi ", " por ", " par ", " de ", NULL};
                for (const char *const *k = kw; *k && !m->byline && !m->ld_author && !m->author_meta &&
                                                !m->author_alt; k++) {
                    const char *at = strstr(s, *k);
                    if (!at) continue;
                    char *b = bt_byline_clean(at + strlen(*k));
                    if (bt_byline_plausible(b)) m->byline = b;
                    else free(b);
                }
            }
            free(s);
        }
    }
    const char *dates[] = {m->pub_meta, m->ld_date, m->vis_date};
    for (size_t k = 0; k < 3; k++) {
        bt_date d;
        if (dates[k] && bt_date_parse(dates[k], vi ? 420 : 0, &d)) {
            /* Vietnamese pages: a UTC (or other zone) time is shown in Vietnam time */
            if (vi && d.has_time && d.tz_minutes != 420) bt_date_to_zone(&d, 420);
            a->published = d;
            break;
        }
    }
    if (!bt_date_valid(&a->published) && a->source_url) url_date(a->source_url, vi ? 420 : 0, &a->published);
    /* "Lê Phương | Báo Mẫu": of several names, the publication's is not an author's */
    drop_outlet_names(c, m, &m->byline);
    /* author: the publication's own name given as the author (JSON-LD, meta tags, an author
     * box) is not a person. It is kept aside and used only when no byline turns up, not even
     * the one closing the body (see ex_trailing_byline). */
    for (char **f[] = {&m->byline, &m->ld_author, &m->author_meta, &m->author_alt}, ***p = f;
         p < f + 4; p++) {
        if (!**p || !(is_outlet(c, m, **p) || (*p == &m->author_meta && m->site_name &&
                                               loose_prefix(m->site_name, **p))))
            continue;
        if (!c->outlet_author) c->outlet_author = bt_byline_clean(**p);
        free(**p);
        **p = NULL;
    }
    const char *au = m->byline ? m->byline : m->ld_author ? m->ld_author
                   : m->author_meta ? m->author_meta : m->author_alt;
    for (int k = 0; !au && k < m->nby; k++) /* last resort: a byline wherever it is */
        if (!is_outlet(c, m, m->by_txt[k])) au = m->byline = bt_xstrdup(m->by_txt[k]);
    if (m->byline && m->ld_author && !loose_eq(m->byline, m->ld_author) &&
        strstr(m->ld_author, m->byline) == NULL && bt_utf8_length(m->byline) > 40)
        au = m->ld_author;
    if (m->byline) {
        const char *alts[] = {m->ld_author, m->author_meta, m->author_alt};
        for (size_t k = 0; k < 3; k++) {
            if (!alts[k] || loose_eq(alts[k], m->byline)) continue;
            char *ca = bt_byline_clean(alts[k]);
            int all = *ca != '\0';
            for (char *q = ca; all && *q;) {
                size_t l = strcspn(q, ";");
                char *nm1 = bt_xstrndup(q, l);
                char *t1 = bt_text_clean(nm1, strlen(nm1));
                if (!*t1 || !strstr(m->byline, t1)) all = 0;
                free(t1);
                free(nm1);
                q += l;
                while (*q == ';' || *q == ' ') q++;
            }
            if (all && strlen(ca) < strlen(m->byline)) {
                bt_article_set(&a->author, ca);
                free(ca);
                au = NULL;
                break;
            }
            free(ca);
        }
    }
    if (au) {
        char *b = bt_byline_clean(au);
        drop_outlet_names(c, m, &b); /* meta author "Lê Phương - Báo Mẫu" */
        if (bt_byline_plausible(b)) bt_article_set(&a->author, b);
        free(b);
    }
}

/* Is name the publication itself (its site name, publisher, <title> suffix or host)? */
static int is_outlet(ctx *c, meta *m, const char *name)
{
    char *title_site = NULL;
    if (m->title_tag) { /* "Headline - VnExpress": the part after the last separator */
        static const char *const seps[] = {" - ", " | ", " – ", " — ", NULL};
        for (const char *const *sp = seps; *sp && !title_site; sp++) {
            const char *last = NULL;
            for (const char *q = strstr(m->title_tag, *sp); q; q = strstr(q + 1, *sp)) last = q;
            if (last && bt_utf8_length(last) <= 40) title_site = bt_xstrdup(last + strlen(*sp));
        }
    }
    const char *outlets[] = {m->site_name, m->ld_publisher, m->app_name, title_site};
    int r = bt_byline_is_outlet(name, outlets, sizeof outlets / sizeof outlets[0], c->a->source_url);
    free(title_site);
    return r;
}

/* Element e is k or inside it. */
static int holds_el(const ctx *c, int k, int e)
{
    for (int hops = 0; e >= 0 && hops < 300; e = c->v[e].parent, hops++)
        if (e == k) return 1;
    return 0;
}

static int lead_candidate(ctx *c, int i, int best)
{
    ninfo *f = &c->v[i];
    if (f->flags & F_HARDJUNK) return 0;
    if (!(f->flags & F_BLOCK) && f->tag != T_SPAN) return 0;
    if (f->tag == T_BODY || f->tag == T_HTML || f->tag == T_META) return 0;
    /* a picture's caption is no lead, whatever its itemprop says */
    if (f->tag == T_FIGCAPTION || (f->flags & F_CAPTION)) return 0;
    for (int p = f->parent, up = 0; p >= 0 && up < 4; p = c->v[p].parent, up++)
        if (c->v[p].tag == T_FIGURE || c->v[p].tag == T_FIGCAPTION) return 0;
    /* class or id says "sapo", "lead", "lede", "standfirst", "summary", "excerpt",
     * "description", "intro", "teaser", "chapeau", "dek", "subtitle", "subhead", "abstract" */
    int hit = (f->cw & CW(CW_LEAD)) != 0;
    const char *ip = ex_attr(f->n, "itemprop");
    if (ip && !strcasecmp(ip, "description")) hit = 1;
    if (!hit) return 0;
    if (f->raw < 40 || f->raw > 1200) return 0;
    if (f->text > 0 && link_density(f) > 0.3) return 0;
    if (f->np > 1 || f->nli > 0 || f->nheading > (heading_level(f->n) ? 1 : 0)) return 0;
    if (best >= 0 && i > best) { /* after the body's end: a teaser's sapo in a list below it */
        int end = best + 1;
        while (end < c->n && c->v[end].depth > c->v[best].depth) end++;
        if (i >= end) return 0;
    }
    return near_content(c, i, best, 0);
}

static int h2_lead(ctx *c, int best);
static int standfirst_lead(ctx *c, int best);
static void bold_lead(ctx *c, int best);

/* Lead / sapo: an element whose class or id names it, at the article (innermost match). */
static void find_lead(ctx *c, int best)
{
    for (int i = 0; i < c->n; i++) {
        if (!lead_candidate(c, i, best)) continue;
        int pick = i;
        for (int k = i + 1; k < c->n && c->v[k].depth > c->v[i].depth; k++)
            if (lead_candidate(c, k, best)) pick = k;
        char *s = ex_node_text(c->v[pick].n);
        bt_article_set(&c->a->lead, s);
        c->lead_text = s;
        c->lead_node = c->v[pick].n;
        return;
    }
    /* No named lead: a sub-headline right under the article's h1 (<hgroup>, <header>); on a
     * Vietnamese page the first paragraph of the body all in bold (the sapo as many sites set
     * it). */
    if (h2_lead(c, best)) return;
    if (standfirst_lead(c, best)) return;
    bold_lead(c, best);
}

static void bold_lead(ctx *c, int best)
{
    const char *lang = c->a->language;
    if (best < 0 || (lang && strncmp(lang, "vi", 2) != 0)) return;
    int first = -1, after = 0;
    for (int k = best + 1; k < c->n && c->v[k].depth > c->v[best].depth; k++) {
        const ninfo *f = &c->v[k];
        /* paragraphs, or a div of text of its own ("<div class=tomtat><b>…</b></div>", a body
         * of lines split by <br>); a short div is the date or byline line */
        int div = f->tag == T_DIV && f->own > 0 && (f->own == f->text || f->own >= 400);
        if ((f->tag != T_P && !div) || (f->flags & F_JUNK) || f->text < 1) continue;
        if (div && first < 0) {
            if (f->own < 40 || f->own != f->text || link_density(f) > 0.3) continue;
            char *t = ex_node_text(f->n); /* the title or date line in a div */
            bt_date d;
            int skip = (c->title_text && loose_eq(t, c->title_text)) || (f->own < 80 && bt_date_parse(t, 0, &d));
            free(t);
            if (skip) continue;
        }
        int in_fig = 0;
        for (int p = f->parent, up = 0; p >= 0 && p != best && up < 4 && !in_fig; p = c->v[p].parent, up++)
            in_fig = c->v[p].tag == T_FIGURE || c->v[p].tag == T_FIGCAPTION || (c->v[p].flags & F_CAPTION);
        if (in_fig || (f->flags & F_CAPTION)) continue;
        if (first < 0) first = k;
        else if (f->text >= 80) after += div && f->own >= 400 ? 2 : 1;
    }
    if (first < 0 || after < 2) return;
    const ninfo *f = &c->v[first];
    if (f->text < 40 || f->text > 600 || link_density(f) > 0.3 || !ex_all_bold(c, first)) return;
    char *s = ex_node_text(f->n);
    size_t n = strlen(s);
    /* a sentence, not a bold heading ("Nguyên nhân") */
    if (!n || !(s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?' || s[n - 1] == ')' ||
                (n >= 3 && strcmp(s + n - 3, "…") == 0))) {
        free(s);
        return;
    }
    bt_article_set(&c->a->lead, s);
    c->lead_text = s;
    c->lead_node = f->n;
}

/* A standfirst without a name: the first block of sentences after the article's h1 (or after
 * the wrapper it sits in, two levels at most), outside the body box, past the short lines of the
 * byline and date; "<div><p>The lead.</p></div>" in a header. */
static int standfirst_lead(ctx *c, int best)
{
    if (best < 0) return 0;
    int h1 = -1;
    for (int i = 0; i < c->n && h1 < 0; i++)
        if (c->v[i].tag == T_H1 && !(c->v[i].flags & F_JUNK) && near_content(c, i, best, 0)) h1 = i;
    if (h1 < 0 || holds_el(c, best, h1)) return 0;
    const xmlNode *from = c->v[h1].n;
    for (int up = 0; up < 3 && from; up++, from = from->parent) {
        int seen = 0;
        for (const xmlNode *k = from->next; k && seen < 3; k = k->next) {
            int ki = idx_of(k);
            if (ki < 0) continue;
            const ninfo *f = &c->v[ki];
            if (f->flags & F_JUNK) continue;
            seen++;
            if (ki == best || holds_el(c, ki, best) || holds_el(c, best, ki)) return 0;
            if (f->raw < 40) continue; /* the byline, the date, a kicker */
            if (f->raw > 600 || f->np > 1 || f->nimg || f->nli || f->nheading || f->text <= 0 ||
                link_density(f) > 0.3 || (f->cw & (CW(CW_AUTHOR) | CW(CW_BYLINE) | CW(CW_DATE))))
                return 0;
            char *s = ex_node_text(k);
            size_t n = strlen(s);
            if (!n || !(s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?' || s[n - 1] == ')' ||
                        (n >= 3 && (strcmp(s + n - 3, "…") == 0 || strcmp(s + n - 3, "”") == 0)))) {
                free(s);
                return 0;
            }
            bt_article_set(&c->a->lead, s);
            c->lead_text = s;
            c->lead_node = (xmlNode *)k;
            return 1;
        }
        if (seen) return 0;
    }
    return 0;
}

/* A sub-headline right under the article's h1 (<hgroup>, <header>). */
static int h2_lead(ctx *c, int best)
{
    for (int i = 0; i < c->n; i++) {
        if (c->v[i].tag != T_H1 || (c->v[i].flags & F_HARDJUNK)) continue;
        if (!near_content(c, i, best, 0)) continue;
        xmlNode *k = c->v[i].n->next;
        while (k && k->type != XML_ELEMENT_NODE) k = k->next;
        int ki = idx_of(k);
        if (ki < 0 || !is_tag(k, "h2") || c->v[ki].raw < 40 || c->v[ki].raw > 600) continue;
        if (c->v[ki].raw > 0 && c->v[ki].text > 0 && link_density(&c->v[ki]) > 0.3) continue;
        char *s = ex_node_text(k);
        bt_article_set(&c->a->lead, s);
        c->lead_text = s;
        c->lead_node = k;
        return 1;
    }
    return 0;
}


ex_meta *ex_meta_read(ctx *c)
{
    meta *m = bt_xcalloc(1, sizeof *m);
    scan_meta(c, m, m->h1s, &m->nh1, 16);
    choose_meta(c, m, m->h1s, m->nh1);
    return m;
}

void ex_meta_choose(ctx *c, ex_meta *m, int best)
{
    choose_late(c, m, best, m->h1s, m->nh1);
    find_lead(c, best);
}

void ex_meta_free(ex_meta *m)
{
    if (!m) return;
    meta_free(m);
    free(m);
}

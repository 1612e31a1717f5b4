/* cat_html.c - the catalogue page, data/index.html: an HTML tree built with libxml2 and
 * serialised by its HTML writer (which escapes text and attributes and leaves the contents of
 * <style> and <script> as they are). The page works without script; the script only filters
 * and re-orders the rows. */
#include "cat_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLtree.h>

#define PALETTE 12       /* chart colours: .s0 ... .s11 in catalogue.css; .sx for "Khác" */
#define MAX_MONTH_BINS 120 /* beyond ten years the chart counts years */

/* The search and ordering, the only script of the page. It folds the query the way
 * bt_catalogue_search_key folded each row's text (data-k): no diacritics, đ -> d, lower-case
 * words; a row matches when one of its words starts the query's phrase. */
static const char script[] =
    "(function () {\n"
    "  'use strict';\n"
    "  var form = document.getElementById('find'), q = document.getElementById('q');\n"
    "  var order = document.getElementById('order'), found = document.getElementById('found');\n"
    "  if (!form || !q || !order || !found || !''.normalize) return;\n"
    "  var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-k]'));\n"
    "  var sections = Array.prototype.slice.call(document.querySelectorAll('section.cat'));\n"
    "  var all = found.textContent;\n"
    "  function fold(s) {\n"
    "    return s.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '').replace(/[\\u0110\\u0111]/g, 'd')\n"
    "      .toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();\n"
    "  }\n"
    "  function filter() {\n"
    "    var k = fold(q.value), shown = 0;\n"
    "    rows.forEach(function (r) {\n"
    "      var on = k === '' || (' ' + r.getAttribute('data-k') + ' ').indexOf(' ' + k) >= 0;\n"
    "      r.hidden = !on;\n"
    "      if (on) shown++;\n"
    "    });\n"
    "    sections.forEach(function (s) {\n"
    "      s.hidden = !s.querySelector('tr[data-k]:not([hidden])');\n"
    "    });\n"
    "    found.textContent = k === '' ? all : 'T\\u00ecm th\\u1ea5y ' + shown + ' / ' + rows.length + ' b\\u00e0i';\n"
    "  }\n"
    "  function reorder() {\n"
    "    var key = order.value === 'title' ? 'data-t' : 'data-d', sign = order.value === 'old' ? -1 : 1;\n"
    "    sections.forEach(function (s) {\n"
    "      var body = s.querySelector('tbody');\n"
    "      if (!body) return;\n"
    "      Array.prototype.slice.call(body.children).sort(function (a, b) {\n"
    "        return sign * (a.getAttribute(key) - b.getAttribute(key));\n"
    "      }).forEach(function (r) { body.appendChild(r); });\n"
    "    });\n"
    "  }\n"
    "  form.hidden = false;\n"
    "  form.addEventListener('submit', function (e) { e.preventDefault(); filter(); });\n"
    "  q.addEventListener('input', filter);\n"
    "  q.addEventListener('keydown', function (e) {\n"
    "    if (e.key === 'Escape') { q.value = ''; filter(); }\n"
    "  });\n"
    "  order.addEventListener('change', reorder);\n"
    "  document.addEventListener('keydown', function (e) {\n"
    "    var t = e.target && e.target.tagName;\n"
    "    if (e.key === '/' && t !== 'INPUT' && t !== 'SELECT' && t !== 'TEXTAREA') {\n"
    "      e.preventDefault();\n"
    "      q.focus();\n"
    "    }\n"
    "  });\n"
    "  if (q.value) filter();\n"
    "})();\n";

/* ---------------------------------------------------------------- tree helpers */

static xmlNodePtr el(xmlNodePtr parent, const char *name, const char *text)
{
    return xmlNewTextChild(parent, NULL, BAD_CAST name, text ? BAD_CAST text : NULL);
}

static xmlNodePtr el_cls(xmlNodePtr parent, const char *name, const char *cls, const char *text)
{
    xmlNodePtr n = el(parent, name, text);
    if (cls) xmlNewProp(n, BAD_CAST "class", BAD_CAST cls);
    return n;
}

static void at(xmlNodePtr n, const char *name, const char *value)
{
    xmlNewProp(n, BAD_CAST name, BAD_CAST value);
}

static void atf(xmlNodePtr n, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void atf(xmlNodePtr n, const char *name, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    at(n, name, buf);
}

static void text(xmlNodePtr parent, const char *s)
{
    xmlAddChild(parent, xmlNewText(BAD_CAST s));
}

static xmlNodePtr link_to(xmlNodePtr parent, const char *href, const char *label)
{
    xmlNodePtr a = el(parent, "a", label);
    at(a, "href", href);
    return a;
}

/* A path as an href: each byte outside the unreserved set and '/' percent-encoded. Heap. */
static char *href_of(const char *path)
{
    bt_buf b = {0};
    bt_buf_adds(&b, "");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            bt_buf_addc(&b, (char)*p);
        else
            bt_buf_printf(&b, "%%%02X", *p);
    }
    return bt_buf_detach(&b, NULL);
}

static int is_web_url(const char *u)
{
    return u && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0);
}

/* ---------------------------------------------------------------- parts of the page */

/* The colour class of a category in the chart: its place in the list, grey for "Khác". */
static void colour_class(const cat_group *g, char *buf, size_t cap)
{
    if (strcmp(g->slug, "khac") == 0) snprintf(buf, cap, "sx");
    else snprintf(buf, cap, "s%zu", g->index % PALETTE);
}

static void summary(const cat_model *m, xmlNodePtr parent)
{
    char a[16], b[16];
    bt_buf s = {0};
    bt_buf_printf(&s, "%zu b\xc3\xa0i", m->n);
    size_t ncat = 0;
    for (size_t g = 0; g < m->ngroups; g++) ncat += m->groups[g].n > 0;
    bt_buf_printf(&s, " trong %zu chuy\xc3\xaan m\xe1\xbb\xa5" "c", ncat);
    if (m->first) {
        cat_day(m->first, a, sizeof a);
        cat_day(m->last, b, sizeof b);
        if (m->first == m->last) bt_buf_printf(&s, ", ng\xc3\xa0y %s", a);
        else bt_buf_printf(&s, ", t\xe1\xbb\xab %s \xc4\x91\xe1\xba\xbfn %s", a, b);
    }
    if (m->c->ndigests) bt_buf_printf(&s, "; %zu b\xe1\xba\xa3n tin EPUB", m->c->ndigests);
    if (m->nothers) bt_buf_printf(&s, "; %zu b\xc3\xa0i kh\xc3\xb4ng l\xc6\xb0u", m->nothers);
    bt_buf_adds(&s, ".");
    el_cls(parent, "p", "summary", s.data);
    bt_buf_free(&s);
}

static void nav(const cat_model *m, xmlNodePtr body)
{
    xmlNodePtr n = el(body, "nav", NULL);
    at(n, "aria-label", "Chuy\xc3\xaan m\xe1\xbb\xa5" "c");
    xmlNodePtr ul = el_cls(n, "ul", "categories", NULL);
    for (size_t g = 0; g < m->ngroups; g++) {
        const cat_group *x = &m->groups[g];
        if (!x->n) continue;
        xmlNodePtr li = el(ul, "li", NULL);
        char href[300];
        snprintf(href, sizeof href, "#c-%s", x->slug);
        link_to(li, href, x->name);
        char cnt[32];
        snprintf(cnt, sizeof cnt, "%zu", x->n);
        text(li, " ");
        el_cls(li, "span", "count", cnt);
    }
}

/* Articles per month (or per year) by category, as stacked bars. */
static void chart(const cat_model *m, xmlNodePtr main)
{
    if (!m->first) return;
    int y0 = m->first / 10000, mo0 = m->first / 100 % 100, y1 = m->last / 10000, mo1 = m->last / 100 % 100;
    int months = (y1 - y0) * 12 + (mo1 - mo0) + 1;
    int yearly = months > MAX_MONTH_BINS;
    int nb = yearly ? y1 - y0 + 1 : months;
    size_t ng = m->ngroups;
    size_t *cnt = bt_xcalloc((size_t)nb * ng, sizeof *cnt);
    size_t maxv = 0;
    for (size_t i = 0; i < m->n; i++) {
        const cat_item *it = &m->items[i];
        if (!it->ymd) continue;
        int y = it->ymd / 10000, mo = it->ymd / 100 % 100;
        int b = yearly ? y - y0 : (y - y0) * 12 + (mo - mo0);
        cnt[(size_t)b * ng + it->group]++;
    }
    for (int b = 0; b < nb; b++) {
        size_t s = 0;
        for (size_t g = 0; g < ng; g++) s += cnt[(size_t)b * ng + g];
        if (s > maxv) maxv = s;
    }
    xmlNodePtr sec = el_cls(main, "section", "chart", NULL);
    at(sec, "aria-labelledby", "chart-h");
    xmlNodePtr h = el(sec, "h2", yearly ? "S\xe1\xbb\x91 b\xc3\xa0i theo n\xc4\x83m"
                                        : "S\xe1\xbb\x91 b\xc3\xa0i theo th\xc3\xa1ng");
    at(h, "id", "chart-h");

    /* geometry: a fixed coordinate system scaled by the stylesheet */
    const double W = 760, H = 240, left = 40, right = 8, top = 12, bottom = 34;
    double pw = W - left - right, ph = H - top - bottom;
    double bw = pw / nb, gap = bw > 6 ? bw * 0.18 : 0;
    size_t step = 1; /* y ticks: 1, 2, 5 x 10^k, at most five of them */
    for (size_t p = 1, k = 0; maxv / step > 4; k = (k + 1) % 3, p = k ? p : p * 10)
        step = p * (k == 0 ? 2 : k == 1 ? 5 : 10);
    size_t ymax = ((maxv + step - 1) / step) * step;
    if (ymax == 0) ymax = 1;

    xmlNodePtr svg = el(sec, "svg", NULL);
    atf(svg, "viewBox", "0 0 %.0f %.0f", W, H);
    at(svg, "role", "img");
    at(svg, "aria-labelledby", "chart-t chart-d");
    at(svg, "class", "chart");
    el(svg, "title", yearly ? "S\xe1\xbb\x91 b\xc3\xa0i theo n\xc4\x83m v\xc3\xa0 chuy\xc3\xaan m\xe1\xbb\xa5" "c"
                            : "S\xe1\xbb\x91 b\xc3\xa0i theo th\xc3\xa1ng v\xc3\xa0 chuy\xc3\xaan m\xe1\xbb\xa5" "c");
    xmlNodePtr t = svg->last;
    at(t, "id", "chart-t");
    char desc[160], a[16], b[16];
    cat_day(m->first, a, sizeof a);
    cat_day(m->last, b, sizeof b);
    snprintf(desc, sizeof desc, "C\xe1\xbb\x99t ch\xe1\xbb\x93ng theo chuy\xc3\xaan m\xe1\xbb\xa5" "c, t\xe1\xbb\xab %s \xc4\x91\xe1\xba\xbfn %s; nhi\xe1\xbb\x81u nh\xe1\xba\xa5t %zu b\xc3\xa0i.", a, b, maxv);
    xmlNodePtr d = el(svg, "desc", desc);
    at(d, "id", "chart-d");
    for (size_t v = 0; v <= ymax; v += step) {
        double y = top + ph - ph * (double)v / (double)ymax;
        xmlNodePtr ln = el_cls(svg, "line", "grid", NULL);
        atf(ln, "x1", "%.1f", left);
        atf(ln, "x2", "%.1f", W - right);
        atf(ln, "y1", "%.1f", y);
        atf(ln, "y2", "%.1f", y);
        char num[32];
        snprintf(num, sizeof num, "%zu", v);
        xmlNodePtr tx = el_cls(svg, "text", "axis", num);
        atf(tx, "x", "%.1f", left - 6);
        atf(tx, "y", "%.1f", y + 4);
        at(tx, "text-anchor", "end");
    }
    /* x labels: one per bar when there is room, else on Januaries (every n years) */
    int every = (int)(64 / bw) + 1, ystep = (every + 11) / 12;
    for (int bi = 0; bi < nb; bi++) {
        int y = yearly ? y0 + bi : y0 + (mo0 - 1 + bi) / 12, mo = yearly ? 1 : (mo0 - 1 + bi) % 12 + 1;
        double x = left + bw * bi;
        double ybase = top + ph;
        size_t acc = 0;
        for (size_t g = 0; g < ng; g++) {
            size_t c = cnt[(size_t)bi * ng + g];
            if (!c) continue;
            double hh = ph * (double)c / (double)ymax;
            double yy = ybase - ph * (double)(acc + c) / (double)ymax;
            char cls[16];
            colour_class(&m->groups[g], cls, sizeof cls);
            xmlNodePtr r = el_cls(svg, "rect", cls, NULL);
            atf(r, "x", "%.2f", x + gap / 2);
            atf(r, "y", "%.2f", yy);
            atf(r, "width", "%.2f", bw - gap);
            atf(r, "height", "%.2f", hh);
            char tip[400];
            if (yearly) snprintf(tip, sizeof tip, "%d \xc2\xb7 %s: %zu b\xc3\xa0i", y, m->groups[g].name, c);
            else snprintf(tip, sizeof tip, "%02d/%d \xc2\xb7 %s: %zu b\xc3\xa0i", mo, y, m->groups[g].name, c);
            el(r, "title", tip);
            acc += c;
        }
        int label;
        char lab[16];
        if (yearly) {
            label = bi % every == 0;
            snprintf(lab, sizeof lab, "%d", y);
        } else if (every <= 1) {
            label = 1;
            snprintf(lab, sizeof lab, "%02d/%02d", mo, y % 100);
        } else {
            /* Januaries, and the first bar when the first January is far enough */
            label = (mo == 1 && (y - y0) % ystep == 0) || (bi == 0 && 13 - mo0 >= every);
            snprintf(lab, sizeof lab, "%d", y);
        }
        if (label) {
            xmlNodePtr tx = el_cls(svg, "text", "axis", lab);
            atf(tx, "x", "%.1f", x + bw / 2);
            atf(tx, "y", "%.1f", top + ph + 16);
            at(tx, "text-anchor", every <= 1 ? "middle" : "start");
        }
    }
    /* legend */
    xmlNodePtr ul = el_cls(sec, "ul", "legend", NULL);
    for (size_t g = 0; g < ng; g++) {
        if (!m->groups[g].n) continue;
        xmlNodePtr li = el(ul, "li", NULL);
        char cls[24];
        snprintf(cls, sizeof cls, "sw ");
        colour_class(&m->groups[g], cls + 3, sizeof cls - 3);
        xmlNodePtr sw = el_cls(li, "span", cls, NULL);
        at(sw, "aria-hidden", "true");
        text(li, m->groups[g].name);
    }
    /* the same numbers as a table, for screen readers and for copying */
    xmlNodePtr det = el(sec, "details", NULL);
    el(det, "summary", "S\xe1\xbb\x91 li\xe1\xbb\x87u c\xe1\xbb\xa7" "a bi\xe1\xbb\x83u \xc4\x91\xe1\xbb\x93");
    xmlNodePtr tab = el_cls(det, "table", "data", NULL);
    xmlNodePtr tr = el(el(tab, "thead", NULL), "tr", NULL);
    at(el(tr, "th", yearly ? "N\xc4\x83m" : "Th\xc3\xa1ng"), "scope", "col");
    for (size_t g = 0; g < ng; g++)
        if (m->groups[g].n) at(el(tr, "th", m->groups[g].name), "scope", "col");
    xmlNodePtr tb = el(tab, "tbody", NULL);
    for (int bi = 0; bi < nb; bi++) {
        size_t s = 0;
        for (size_t g = 0; g < ng; g++) s += cnt[(size_t)bi * ng + g];
        if (!s) continue;
        int y = yearly ? y0 + bi : y0 + (mo0 - 1 + bi) / 12, mo = (mo0 - 1 + bi) % 12 + 1;
        char lab[16];
        if (yearly) snprintf(lab, sizeof lab, "%d", y);
        else snprintf(lab, sizeof lab, "%02d/%d", mo, y);
        xmlNodePtr row = el(tb, "tr", NULL);
        at(el(row, "th", lab), "scope", "row");
        for (size_t g = 0; g < ng; g++) {
            if (!m->groups[g].n) continue;
            char num[32];
            snprintf(num, sizeof num, "%zu", cnt[(size_t)bi * ng + g]);
            el(row, "td", num);
        }
    }
    free(cnt);
}

static void search_form(const cat_model *m, xmlNodePtr main)
{
    xmlNodePtr f = el(main, "form", NULL);
    at(f, "id", "find");
    at(f, "role", "search");
    at(f, "hidden", "hidden"); /* shown by the script, which makes it work */
    xmlNodePtr lab = el(f, "label", "T\xc3\xacm b\xc3\xa0i");
    at(lab, "for", "q");
    xmlNodePtr in = el(f, "input", NULL);
    at(in, "type", "search");
    at(in, "id", "q");
    at(in, "name", "q");
    at(in, "autocomplete", "off");
    at(in, "placeholder", "ti\xc3\xaau \xc4\x91\xe1\xbb\x81, chuy\xc3\xaan m\xe1\xbb\xa5" "c, ng\xc3\xa0y (c\xc3\xb3 d\xe1\xba\xa5u hay kh\xc3\xb4ng)");
    at(in, "aria-describedby", "q-help");
    xmlNodePtr lab2 = el(f, "label", "S\xe1\xba\xafp x\xe1\xba\xbfp");
    at(lab2, "for", "order");
    xmlNodePtr sel = el(f, "select", NULL);
    at(sel, "id", "order");
    static const char *const opts[][2] = {
        {"new", "M\xe1\xbb\x9bi nh\xe1\xba\xa5t tr\xc6\xb0\xe1\xbb\x9b" "c"},
        {"old", "C\xc5\xa9 nh\xe1\xba\xa5t tr\xc6\xb0\xe1\xbb\x9b" "c"},
        {"title", "Theo ti\xc3\xaau \xc4\x91\xe1\xbb\x81 (A\xe2\x80\x93Z)"}};
    for (size_t i = 0; i < 3; i++) at(el(sel, "option", opts[i][1]), "value", opts[i][0]);
    xmlNodePtr help = el_cls(f, "p", "help",
                             "G\xc3\xb5 \xe2\x80\x9ctinh uy\xe2\x80\x9d \xc4\x91\xe1\xbb\x83 t\xc3\xacm \xe2\x80\x9cT\xe1\xbb\x89nh \xe1\xbb\xa7y\xe2\x80\x9d; ph\xc3\xadm / \xc4\x91\xe1\xbb\x83 t\xc3\xacm, Esc \xc4\x91\xe1\xbb\x83 x\xc3\xb3" "a.");
    at(help, "id", "q-help");
    char all[64];
    snprintf(all, sizeof all, "%zu b\xc3\xa0i", m->n);
    xmlNodePtr out = el(f, "output", all);
    at(out, "id", "found");
    at(out, "aria-live", "polite");
    at(out, "for", "q");
}

/* One row of a category's table. */
static void row(const cat_model *m, xmlNodePtr tb, const cat_item *it, size_t pos)
{
    const bt_cat_article *a = it->a;
    const cat_group *g = &m->groups[it->group];
    char day[16], k[32];
    cat_day(it->ymd, day, sizeof day);
    bt_buf key = {0};
    bt_buf_printf(&key, "%s %s %s %s", a->title, g->name, day, a->author ? a->author : "");
    char *sk = bt_catalogue_search_key(key.data);
    bt_buf_free(&key);
    xmlNodePtr tr = el(tb, "tr", NULL);
    at(tr, "data-k", sk);
    free(sk);
    snprintf(k, sizeof k, "%zu", pos);
    at(tr, "data-d", k);
    snprintf(k, sizeof k, "%zu", it->title_rank);
    at(tr, "data-t", k);
    xmlNodePtr td = el_cls(tr, "td", "date", NULL);
    if (it->ymd) {
        char iso[32];
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", it->ymd / 10000, it->ymd / 100 % 100, it->ymd % 100);
        if (it->hm >= 0)
            snprintf(iso + 10, sizeof iso - 10, "T%02d:%02d", it->hm / 100, it->hm % 100);
        xmlNodePtr tm = el(td, "time", day);
        at(tm, "datetime", iso);
    } else {
        el_cls(td, "span", "undated", "kh\xc3\xb4ng r\xc3\xb5 ng\xc3\xa0y");
    }
    td = el_cls(tr, "td", "title", NULL);
    if (a->pdf) {
        char *h = href_of(a->pdf);
        link_to(td, h, a->title);
        free(h);
    } else {
        text(td, a->title);
    }
    if (a->author && *a->author) {
        text(td, " ");
        el_cls(td, "span", "author", a->author);
    }
    el_cls(tr, "td", "category", g->name);
    td = el_cls(tr, "td", "files", NULL);
    int any = 0;
    if (a->digest) {
        char *h = href_of(a->digest);
        xmlNodePtr l = link_to(td, h, "EPUB");
        at(l, "title", "B\xe1\xba\xa3n tin EPUB c\xc3\xb3 b\xc3\xa0i n\xc3\xa0y");
        free(h);
        any = 1;
    }
    if (is_web_url(a->url)) {
        if (any) text(td, " ");
        xmlNodePtr l = link_to(td, a->url, "Ngu\xe1\xbb\x93n");
        at(l, "rel", "external noopener");
        at(l, "title", a->url);
    }
}

static void category_sections(const cat_model *m, xmlNodePtr main)
{
    static const char *const heads[] = {"Ng\xc3\xa0y", "Ti\xc3\xaau \xc4\x91\xe1\xbb\x81 (PDF)",
                                        "Chuy\xc3\xaan m\xe1\xbb\xa5" "c", "T\xe1\xbb\x87p kh\xc3\xa1" "c"};
    for (size_t g = 0; g < m->ngroups; g++) {
        const cat_group *x = &m->groups[g];
        if (!x->n) continue;
        xmlNodePtr sec = el_cls(main, "section", "cat", NULL);
        char id[300];
        snprintf(id, sizeof id, "c-%s", x->slug);
        at(sec, "id", id);
        snprintf(id, sizeof id, "h-%s", x->slug);
        at(sec, "aria-labelledby", id);
        xmlNodePtr h = el(sec, "h2", x->name);
        at(h, "id", id);
        char cnt[64];
        snprintf(cnt, sizeof cnt, "%zu b\xc3\xa0i", x->n);
        text(h, " ");
        el_cls(h, "span", "count", cnt);
        xmlNodePtr tab = el(sec, "table", NULL);
        xmlNodePtr tr = el(el(tab, "thead", NULL), "tr", NULL);
        for (size_t k = 0; k < 4; k++) at(el(tr, "th", heads[k]), "scope", "col");
        xmlNodePtr tb = el(tab, "tbody", NULL);
        for (size_t i = 0; i < m->n; i++)
            if (m->items[i].group == g) row(m, tb, &m->items[i], i);
    }
}

static void digests(const cat_model *m, xmlNodePtr main)
{
    if (!m->c->ndigests) return;
    xmlNodePtr sec = el_cls(main, "section", "digests", NULL);
    at(sec, "aria-labelledby", "h-digests");
    xmlNodePtr h = el(sec, "h2", "B\xe1\xba\xa3n tin EPUB");
    at(h, "id", "h-digests");
    xmlNodePtr tab = el(sec, "table", NULL);
    xmlNodePtr tr = el(el(tab, "thead", NULL), "tr", NULL);
    static const char *const heads[] = {("Chuy\xc3\xaan m\xe1\xbb\xa5" "c"), "K\xe1\xbb\xb3", "S\xe1\xbb\x91 b\xc3\xa0i", "T\xe1\xbb\x87p"};
    for (size_t k = 0; k < 4; k++) at(el(tr, "th", heads[k]), "scope", "col");
    xmlNodePtr tb = el(tab, "tbody", NULL);
    /* by category (Vietnamese order), then by path (periods in order) */
    for (size_t g = 0; g < m->ngroups; g++)
        for (size_t d = 0; d < m->c->ndigests; d++) {
            if (m->digest_group[d] != g) continue;
            const bt_cat_digest *x = &m->c->digests[d];
            xmlNodePtr r = el(tb, "tr", NULL);
            el(r, "td", m->groups[g].name);
            el(r, "td", x->period ? x->period : "");
            char n[32];
            snprintf(n, sizeof n, "%zu", x->articles);
            el_cls(r, "td", "num", n);
            xmlNodePtr td = el(r, "td", NULL);
            char *hr = href_of(x->path);
            char lab[64];
            snprintf(lab, sizeof lab, "EPUB, %.0f KB", (double)x->size / 1024.0);
            link_to(td, hr, lab);
            free(hr);
        }
}

static void others(const cat_model *m, xmlNodePtr main)
{
    if (!m->nothers) return;
    xmlNodePtr sec = el_cls(main, "section", "others", NULL);
    at(sec, "aria-labelledby", "h-others");
    xmlNodePtr det = el(sec, "details", NULL);
    char s[96];
    snprintf(s, sizeof s, "B\xc3\xa0i kh\xc3\xb4ng l\xc6\xb0u (%zu)", m->nothers);
    xmlNodePtr sum = el(det, "summary", NULL);
    xmlNodePtr h = el(sum, "h2", s);
    at(h, "id", "h-others");
    xmlNodePtr ul = el(det, "ul", NULL);
    for (size_t i = 0; i < m->nothers; i++) {
        const bt_cat_article *a = m->others[i].a;
        xmlNodePtr li = el(ul, "li", NULL);
        el_cls(li, "span", "title", a->title);
        int dup = a->status && strcmp(a->status, "duplicate") == 0;
        bt_buf note = {0};
        bt_buf_printf(&note, " \xe2\x80\x94 %s", dup ? "tr\xc3\xb9ng l\xe1\xba\xb7p" : "l\xe1\xbb\x97i");
        if (a->reason && *a->reason) bt_buf_printf(&note, ": %s", a->reason);
        el_cls(li, "span", "reason", note.data);
        bt_buf_free(&note);
    }
}

bt_status cat_write_html(const cat_model *m, char **out, size_t *len, bt_err *e)
{
    const bt_catalogue *c = m->c;
    htmlDocPtr doc = htmlNewDocNoDtD(NULL, NULL);
    if (!doc) return bt_err_set(e, BT_ENOMEM, "libxml2 could not create a document");
    xmlCreateIntSubset(doc, BAD_CAST "html", NULL, NULL);
    xmlNodePtr html = xmlNewNode(NULL, BAD_CAST "html");
    xmlDocSetRootElement(doc, html);
    at(html, "lang", "vi");
    xmlNodePtr head = el(html, "head", NULL);
    at(el(head, "meta", NULL), "charset", "utf-8");
    xmlNodePtr vp = el(head, "meta", NULL);
    at(vp, "name", "viewport");
    at(vp, "content", "width=device-width, initial-scale=1");
    if (c->generator) {
        xmlNodePtr gm = el(head, "meta", NULL);
        at(gm, "name", "generator");
        at(gm, "content", c->generator);
    }
    const char *title = c->title && *c->title ? c->title : "M\xe1\xbb\xa5" "c l\xe1\xbb\xa5" "c l\xc6\xb0u tr\xe1\xbb\xaf";
    el(head, "title", title);
    xmlNodePtr icon = el(head, "link", NULL); /* no icon: no request a static server answers with 404 */
    at(icon, "rel", "icon");
    at(icon, "href", "data:,");
    xmlNodePtr alt = el(head, "link", NULL);
    at(alt, "rel", "alternate");
    at(alt, "type", "application/atom+xml;profile=opds-catalog;kind=acquisition");
    at(alt, "href", "opds.xml");
    at(alt, "title", "OPDS");
    if (c->css && *c->css) {
        xmlNodePtr style = el(head, "style", NULL);
        text(style, c->css);
    }

    xmlNodePtr body = el(html, "body", NULL);
    link_to(body, "#main", "B\xe1\xbb\x8f qua, \xc4\x91\xe1\xba\xbfn danh s\xc3\xa1" "ch b\xc3\xa0i");
    at(body->last, "class", "skip");
    xmlNodePtr header = el(body, "header", NULL);
    el(header, "h1", title);
    summary(m, header);
    nav(m, body);
    xmlNodePtr main = el(body, "main", NULL);
    at(main, "id", "main");
    chart(m, main);
    search_form(m, main);
    category_sections(m, main);
    digests(m, main);
    others(m, main);
    xmlNodePtr foot = el(body, "footer", NULL);
    xmlNodePtr p = el(foot, "p", NULL);
    link_to(p, "index.json", "index.json");
    text(p, " (d\xe1\xbb\xaf li\xe1\xbb\x87u) \xc2\xb7 ");
    link_to(p, "opds.xml", "opds.xml");
    text(p, " (danh m\xe1\xbb\xa5" "c OPDS cho \xe1\xbb\xa9ng d\xe1\xbb\xa5ng \xc4\x91\xe1\xbb\x8d" "c s\xc3\xa1" "ch)");
    if (c->generator) {
        text(p, " \xc2\xb7 ");
        text(p, c->generator);
    }
    xmlNodePtr scr = el(body, "script", NULL);
    text(scr, script);

    /* serialised as UTF-8 (htmlDocDumpMemory without an encoding would write entities) */
    xmlOutputBufferPtr ob = xmlAllocOutputBuffer(NULL); /* no conversion: the tree is UTF-8 */
    if (!ob) {
        xmlFreeDoc(doc);
        return bt_err_set(e, BT_ENOMEM, "libxml2 could not create an output buffer");
    }
    htmlDocContentDumpFormatOutput(ob, doc, "UTF-8", 1);
    xmlFreeDoc(doc);
    xmlOutputBufferFlush(ob);
    const xmlChar *mem = xmlOutputBufferGetContent(ob);
    size_t size = xmlOutputBufferGetSize(ob);
    if (ob->error || !mem || size == 0) {
        xmlOutputBufferClose(ob);
        return bt_err_set(e, BT_ENOMEM, "libxml2 could not serialise the catalogue page");
    }
    *out = bt_xmalloc(size + 1);
    memcpy(*out, mem, size);
    (*out)[size] = '\0';
    *len = size;
    xmlOutputBufferClose(ob);
    return BT_OK;
}

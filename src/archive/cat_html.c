/* cat_html.c - the catalogue page, data/index.html, written as a stream with libxml2's
 * xmlTextWriter (cat_write.c): text and attribute values escaped by libxml2, the contents of
 * <style> and <script> as they are (the template checks its stylesheet; the script is ours).
 *
 * What the page holds, so that 100,000 articles stay a page that opens fast:
 *   - as HTML, the newest PAGE_ROWS articles of each category (what a reader without script sees,
 *     and all of a small archive);
 *   - every article in one compact JSON block (<script type="application/json" id="articles">),
 *     from which the script searches, orders and shows more rows, PAGE_ROWS at first and
 *     MORE_ROWS more at a time. The JSON, one array per category (newest first):
 *       {"g": [category names, as the sections], "d": [digest paths],
 *        "a": [[[title, when, rank, pdf, digest, author, url], ...], ...]}
 *     when: yyyymmddhhmm, or yyyymmdd when the time is unknown, 0 undated; rank: the position in
 *     Vietnamese title order; pdf: 1 when the PDF has the name the archive gives (articles/YYYY/
 *     MM/YYYY-MM-DD-<slug of the title>.pdf, articles/undated/<slug>.pdf; the script makes the
 *     slug as js_slug below does), a string without '/' for another name in that folder, a
 *     string with '/' for any other path, 0 none; digest: index in "d", -1 none; author and url
 *     (http and https only) are 0 when absent; trailing absent fields are left out. */
#include "cat_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <utf8proc.h>

#include "text.h"

#define PALETTE 12       /* chart colours: .s0 ... .s11 in catalogue.css; .sx for "Khác" */
#define MAX_MONTH_BINS 120 /* beyond ten years the chart counts years */
#define PAGE_ROWS 100    /* rows of a category in the HTML (and shown first by the script) */
#define MORE_ROWS 500    /* rows added by "Xem thêm" */
#define STR(x) #x
#define XSTR(x) STR(x)

/* The search, ordering and paging, the only script of the page (one string per line). It folds the query and each
 * article the way bt_catalogue_search_key folds (no diacritics, đ -> d, lower-case words); an
 * article matches when one of its words starts the query's phrase. */
static const char *const script[] = {
    "(function () {\n",
    "  'use strict';\n",
    "  var form = document.getElementById('find'), q = document.getElementById('q');\n",
    "  var order = document.getElementById('order'), found = document.getElementById('found');\n",
    "  var store = document.getElementById('articles');\n",
    "  if (!form || !q || !order || !found || !store || !''.normalize || !window.JSON) return;\n",
    "  var data = JSON.parse(store.textContent), PAGE = " XSTR(PAGE_ROWS) ", MORE = " XSTR(MORE_ROWS) ", total = 0;\n",
    "  var all = found.textContent;\n",
    "  function bare(s) {\n",
    "    return s.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '').replace(/[\\u0110\\u0111]/g, 'd').toLowerCase();\n",
    "  }\n",
    "  function fold(s) { return bare(s).replace(/[^a-z0-9]+/g, ' ').trim(); }\n",
    "  function slug(t) {\n",
    "    var s = bare(t), out = '', dash = false;\n",
    "    for (var i = 0; i < s.length; i++) {\n",
    "      var c = s.charAt(i);\n",
    "      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {\n",
    "        if (dash && out) out += '-';\n",
    "        dash = false;\n",
    "        if (out.length >= 80) break;\n",
    "        out += c;\n",
    "      } else dash = true;\n",
    "    }\n",
    "    return out.replace(/-+$/, '');\n",
    "  }\n",
    "  function two(n) { return (n < 10 ? '0' : '') + n; }\n",
    "  function four(n) { return ('000' + n).slice(-4); }\n",
    "  function ymdOf(w) { return w > 99999999 ? Math.floor(w / 10000) : w; }\n",
    "  function day(d) { return d ? two(d % 100) + '/' + two(Math.floor(d / 100) % 100) + '/' + four(Math.floor(d / 10000)) : ''; }\n",
    "  function iso(w) {\n",
    "    var d = ymdOf(w), s = four(Math.floor(d / 10000)) + '-' + two(Math.floor(d / 100) % 100) + '-' + two(d % 100);\n",
    "    return w > 99999999 ? s + 'T' + two(Math.floor(w % 10000 / 100)) + ':' + two(w % 100) : s;\n",
    "  }\n",
    "  function pdfPath(r) {\n",
    "    var p = r[3], d = ymdOf(r[1]);\n",
    "    if (!p) return null;\n",
    "    if (typeof p === 'string' && p.indexOf('/') >= 0) return p;\n",
    "    var name = (p === 1 ? slug(r[0]) : p) + '.pdf';\n",
    "    if (!d) return 'articles/undated/' + name;\n",
    "    var y = four(Math.floor(d / 10000)), m = two(Math.floor(d / 100) % 100);\n",
    "    return 'articles/' + y + '/' + m + '/' + y + '-' + m + '-' + two(d % 100) + '-' + name;\n",
    "  }\n",
    "  function href(p) {\n",
    "    return p.split('/').map(function (x) {\n",
    "      return encodeURIComponent(x).replace(/[!'()*]/g, function (c) { return '%' + c.charCodeAt(0).toString(16).toUpperCase(); });\n",
    "    }).join('/');\n",
    "  }\n",
    "  function add(parent, tag, cls, text) {\n",
    "    var e = document.createElement(tag);\n",
    "    if (cls) e.className = cls;\n",
    "    if (text) e.textContent = text;\n",
    "    parent.appendChild(e);\n",
    "    return e;\n",
    "  }\n",
    "  function link(parent, h, text) {\n",
    "    var a = add(parent, 'a', null, text);\n",
    "    a.setAttribute('href', h);\n",
    "    return a;\n",
    "  }\n",
    "  function row(s, r) {\n",
    "    var tr = document.createElement('tr'), td = add(tr, 'td', 'date'), d = ymdOf(r[1]);\n",
    "    if (d) add(td, 'time', null, day(d)).setAttribute('datetime', iso(r[1]));\n",
    "    else add(td, 'span', 'undated', 'kh\\u00f4ng r\\u00f5 ng\\u00e0y');\n",
    "    td = add(tr, 'td', 'title');\n",
    "    var p = pdfPath(r);\n",
    "    if (p) link(td, href(p), r[0]); else td.textContent = r[0];\n",
    "    if (r[5]) { td.appendChild(document.createTextNode(' ')); add(td, 'span', 'author', r[5]); }\n",
    "    add(tr, 'td', 'category', s.name);\n",
    "    td = add(tr, 'td', 'files');\n",
    "    if (r[4] >= 0 && data.d[r[4]]) link(td, href(data.d[r[4]]), 'EPUB').title = 'B\\u1ea3n tin EPUB c\\u00f3 b\\u00e0i n\\u00e0y';\n",
    "    if (r[6]) {\n",
    "      if (td.firstChild) td.appendChild(document.createTextNode(' '));\n",
    "      var l = link(td, r[6], 'Ngu\\u1ed3n');\n",
    "      l.rel = 'external noopener';\n",
    "      l.title = r[6];\n",
    "    }\n",
    "    return tr;\n",
    "  }\n",
    "  var secs = Array.prototype.slice.call(document.querySelectorAll('section.cat')).map(function (el, i) {\n",
    "    var rows = data.a[i] || [];\n",
    "    total += rows.length;\n",
    "    return { el: el, body: el.querySelector('tbody'), name: data.g[i], rows: rows, keys: null, list: null,\n",
    "             shown: Math.min(rows.length, PAGE), more: el.querySelector('p.more'), button: null };\n",
    "  });\n",
    "  function keys(s) {\n",
    "    if (!s.keys) s.keys = s.rows.map(function (r) {\n",
    "      return ' ' + fold(r[0] + ' ' + s.name + ' ' + day(ymdOf(r[1])) + ' ' + (r[5] || '')) + ' ';\n",
    "    });\n",
    "    return s.keys;\n",
    "  }\n",
    "  function list(s) {\n",
    "    if (!s.list) { s.list = []; for (var i = 0; i < s.rows.length; i++) s.list.push(i); }\n",
    "    return s.list;\n",
    "  }\n",
    "  function moreLine(s) {\n",
    "    var n = list(s).length, left = n - s.shown;\n",
    "    if (!s.more) { if (left <= 0) return; s.more = add(s.el, 'p', 'more'); }\n",
    "    if (!s.button) {\n",
    "      s.more.textContent = '';\n",
    "      s.text = add(s.more, 'span');\n",
    "      s.more.appendChild(document.createTextNode(' '));\n",
    "      s.button = add(s.more, 'button');\n",
    "      s.button.type = 'button';\n",
    "      s.button.addEventListener('click', function () { show(s, s.shown + MORE); });\n",
    "    }\n",
    "    s.more.hidden = left <= 0;\n",
    "    s.text.textContent = s.shown + ' / ' + n + ' b\\u00e0i.';\n",
    "    s.button.textContent = 'Xem th\\u00eam ' + Math.min(left, MORE) + ' b\\u00e0i';\n",
    "  }\n",
    "  function show(s, upto) {\n",
    "    var l = list(s), n = Math.min(l.length, upto), f = document.createDocumentFragment();\n",
    "    for (var i = s.shown; i < n; i++) f.appendChild(row(s, s.rows[l[i]]));\n",
    "    s.body.appendChild(f);\n",
    "    s.shown = n;\n",
    "    moreLine(s);\n",
    "  }\n",
    "  function update() {\n",
    "    var k = fold(q.value), needle = ' ' + k, shown = 0, how = order.value;\n",
    "    secs.forEach(function (s) {\n",
    "      var l = [], ks = k ? keys(s) : null, i;\n",
    "      for (i = 0; i < s.rows.length; i++) if (!k || ks[i].indexOf(needle) >= 0) l.push(i);\n",
    "      if (how === 'title') l.sort(function (a, b) { return s.rows[a][2] - s.rows[b][2]; });\n",
    "      else if (how === 'old') l.reverse();\n",
    "      s.list = l;\n",
    "      s.body.textContent = '';\n",
    "      s.shown = 0;\n",
    "      show(s, PAGE);\n",
    "      s.el.hidden = l.length === 0;\n",
    "      shown += l.length;\n",
    "    });\n",
    "    found.textContent = k === '' ? all : 'T\\u00ecm th\\u1ea5y ' + shown + ' / ' + total + ' b\\u00e0i';\n",
    "  }\n",
    "  secs.forEach(moreLine);\n",
    "  form.hidden = false;\n",
    "  form.addEventListener('submit', function (e) { e.preventDefault(); update(); });\n",
    "  q.addEventListener('input', update);\n",
    "  q.addEventListener('keydown', function (e) {\n",
    "    if (e.key === 'Escape') { q.value = ''; update(); }\n",
    "  });\n",
    "  order.addEventListener('change', update);\n",
    "  document.addEventListener('keydown', function (e) {\n",
    "    var t = e.target && e.target.tagName;\n",
    "    if (e.key === '/' && t !== 'INPUT' && t !== 'SELECT' && t !== 'TEXTAREA') {\n",
    "      e.preventDefault();\n",
    "      q.focus();\n",
    "    }\n",
    "  });\n",
    "  if (q.value || order.value !== 'new') update();\n",
    "  /* the search keys while the reader looks at the page, so the first letter typed is fast */\n",
    "  var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 200); };\n",
    "  var next = 0;\n",
    "  (function prepare() { if (next < secs.length) { keys(secs[next++]); idle(prepare); } })();\n",
    "})();\n",
    NULL};

/* ---------------------------------------------------------------- small helpers */

static void nl(cat_w *w)
{
    cw_raw(w, "\n", 1);
}

/* <name class="cls">text</name> */
static void el_cls(cat_w *w, const char *name, const char *cls, const char *text)
{
    cw_start(w, name);
    if (cls) cw_attr(w, "class", cls);
    if (text) cw_text(w, text);
    cw_close(w);
}

static void start_cls(cat_w *w, const char *name, const char *cls)
{
    cw_start(w, name);
    if (cls) cw_attr(w, "class", cls);
}

static void link_to(cat_w *w, const char *href, const char *label)
{
    cw_start(w, "a");
    cw_attr(w, "href", href);
    cw_text(w, label);
    cw_close(w);
}

/* A void element: <meta a="b"/> (attributes given in pairs, NULL-terminated). */
static void void_el(cat_w *w, const char *name, ...)
{
    va_list ap;
    va_start(ap, name);
    cw_start(w, name);
    for (const char *k; (k = va_arg(ap, const char *));) cw_attr(w, k, va_arg(ap, const char *));
    va_end(ap);
    cw_end(w);
    nl(w);
}

static int is_web_url(const char *u)
{
    return u && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0);
}

/* The colour class of a category in the chart: its place in the list, grey for "Khác". */
static void colour_class(const cat_group *g, char *buf, size_t cap)
{
    if (strcmp(g->slug, "khac") == 0) snprintf(buf, cap, "sx");
    else snprintf(buf, cap, "s%zu", g->index % PALETTE);
}

/* ---------------------------------------------------------------- parts of the page */

static void summary(const cat_model *m, cat_w *w)
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
    el_cls(w, "p", "summary", s.data);
    bt_buf_free(&s);
}

static void nav(const cat_model *m, cat_w *w)
{
    cw_start(w, "nav");
    cw_attr(w, "aria-label", "Chuy\xc3\xaan m\xe1\xbb\xa5" "c");
    nl(w);
    start_cls(w, "ul", "categories");
    nl(w);
    for (size_t g = 0; g < m->ngroups; g++) {
        const cat_group *x = &m->groups[g];
        if (!x->n) continue;
        cw_start(w, "li");
        char href[300];
        snprintf(href, sizeof href, "#c-%s", x->slug);
        link_to(w, href, x->name);
        char cnt[32];
        snprintf(cnt, sizeof cnt, "%zu", x->n);
        cw_text(w, " ");
        el_cls(w, "span", "count", cnt);
        cw_close(w);
        nl(w);
    }
    cw_close(w); /* ul */
    nl(w);
    cw_close(w); /* nav */
    nl(w);
}

/* The chart's numbers: articles per (bin, category), only the cells that are not zero, by bin
 * then category (at most one per article, whatever the number of categories). */
typedef struct {
    uint32_t bin, group;
    size_t count;
} cell;

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

static cell *chart_cells(const cat_model *m, int yearly, int y0, int mo0, size_t *ncells)
{
    uint64_t *codes = bt_xmalloc((m->n ? m->n : 1) * sizeof *codes);
    size_t nc = 0;
    for (size_t i = 0; i < m->n; i++) {
        const cat_item *it = &m->items[i];
        if (!it->ymd) continue;
        int y = it->ymd / 10000, mo = it->ymd / 100 % 100;
        int b = yearly ? y - y0 : (y - y0) * 12 + (mo - mo0);
        codes[nc++] = (uint64_t)(uint32_t)b << 32 | it->group;
    }
    qsort(codes, nc, sizeof *codes, cmp_u64);
    cell *cells = bt_xmalloc((nc ? nc : 1) * sizeof *cells);
    size_t n = 0;
    for (size_t i = 0; i < nc; i++) {
        if (n && ((uint64_t)cells[n - 1].bin << 32 | cells[n - 1].group) == codes[i]) {
            cells[n - 1].count++;
            continue;
        }
        cells[n++] = (cell){(uint32_t)(codes[i] >> 32), (uint32_t)codes[i], 1};
    }
    free(codes);
    *ncells = n;
    return cells;
}

/* Articles per month (or per year) by category, as stacked bars. */
static void chart(const cat_model *m, cat_w *w)
{
    if (!m->first) return;
    int y0 = m->first / 10000, mo0 = m->first / 100 % 100, y1 = m->last / 10000, mo1 = m->last / 100 % 100;
    int months = (y1 - y0) * 12 + (mo1 - mo0) + 1;
    int yearly = months > MAX_MONTH_BINS;
    int nb = yearly ? y1 - y0 + 1 : months;
    size_t ng = m->ngroups, ncells;
    cell *cells = chart_cells(m, yearly, y0, mo0, &ncells);
    size_t maxv = 0;
    for (size_t i = 0, s = 0; i < ncells; i++) {
        s += cells[i].count;
        if (s > maxv) maxv = s;
        if (i + 1 == ncells || cells[i + 1].bin != cells[i].bin) s = 0;
    }
    cw_start(w, "section");
    cw_attr(w, "class", "chart");
    cw_attr(w, "aria-labelledby", "chart-h");
    nl(w);
    cw_start(w, "h2");
    cw_attr(w, "id", "chart-h");
    cw_text(w, yearly ? "S\xe1\xbb\x91 b\xc3\xa0i theo n\xc4\x83m" : "S\xe1\xbb\x91 b\xc3\xa0i theo th\xc3\xa1ng");
    cw_close(w);
    nl(w);

    /* geometry: a fixed coordinate system scaled by the stylesheet */
    const double W = 760, H = 240, left = 40, right = 8, top = 12, bottom = 34;
    double pw = W - left - right, ph = H - top - bottom;
    double bw = pw / nb, gap = bw > 6 ? bw * 0.18 : 0;
    size_t step = 1; /* y ticks: 1, 2, 5 x 10^k, at most five of them */
    for (size_t p = 1, k = 0; maxv / step > 4; k = (k + 1) % 3, p = k ? p : p * 10)
        step = p * (k == 0 ? 2 : k == 1 ? 5 : 10);
    size_t ymax = ((maxv + step - 1) / step) * step;
    if (ymax == 0) ymax = 1;

    cw_start(w, "svg");
    cw_attrf(w, "viewBox", "0 0 %.0f %.0f", W, H);
    cw_attr(w, "role", "img");
    cw_attr(w, "aria-labelledby", "chart-t chart-d");
    cw_attr(w, "class", "chart");
    nl(w);
    cw_start(w, "title");
    cw_attr(w, "id", "chart-t");
    cw_text(w, yearly ? "S\xe1\xbb\x91 b\xc3\xa0i theo n\xc4\x83m v\xc3\xa0 chuy\xc3\xaan m\xe1\xbb\xa5" "c"
                      : "S\xe1\xbb\x91 b\xc3\xa0i theo th\xc3\xa1ng v\xc3\xa0 chuy\xc3\xaan m\xe1\xbb\xa5" "c");
    cw_close(w);
    nl(w);
    char desc[160], a[16], b[16];
    cat_day(m->first, a, sizeof a);
    cat_day(m->last, b, sizeof b);
    snprintf(desc, sizeof desc, "C\xe1\xbb\x99t ch\xe1\xbb\x93ng theo chuy\xc3\xaan m\xe1\xbb\xa5" "c, t\xe1\xbb\xab %s \xc4\x91\xe1\xba\xbfn %s; nhi\xe1\xbb\x81u nh\xe1\xba\xa5t %zu b\xc3\xa0i.", a, b, maxv);
    cw_start(w, "desc");
    cw_attr(w, "id", "chart-d");
    cw_text(w, desc);
    cw_close(w);
    nl(w);
    for (size_t v = 0; v <= ymax; v += step) {
        double y = top + ph - ph * (double)v / (double)ymax;
        cw_start(w, "line");
        cw_attr(w, "class", "grid");
        cw_attrf(w, "x1", "%.1f", left);
        cw_attrf(w, "x2", "%.1f", W - right);
        cw_attrf(w, "y1", "%.1f", y);
        cw_attrf(w, "y2", "%.1f", y);
        cw_close(w);
        char num[32];
        snprintf(num, sizeof num, "%zu", v);
        cw_start(w, "text");
        cw_attr(w, "class", "axis");
        cw_attrf(w, "x", "%.1f", left - 6);
        cw_attrf(w, "y", "%.1f", y + 4);
        cw_attr(w, "text-anchor", "end");
        cw_text(w, num);
        cw_close(w);
        nl(w);
    }
    /* x labels: one per bar when there is room, else on Januaries (every n years) */
    int every = (int)(64 / bw) + 1, ystep = (every + 11) / 12;
    size_t ci = 0;
    for (int bi = 0; bi < nb; bi++) {
        int y = yearly ? y0 + bi : y0 + (mo0 - 1 + bi) / 12, mo = yearly ? 1 : (mo0 - 1 + bi) % 12 + 1;
        double x = left + bw * bi;
        double ybase = top + ph;
        size_t acc = 0;
        for (; ci < ncells && cells[ci].bin == (uint32_t)bi; ci++) {
            size_t c = cells[ci].count;
            const cat_group *g = &m->groups[cells[ci].group];
            double hh = ph * (double)c / (double)ymax;
            double yy = ybase - ph * (double)(acc + c) / (double)ymax;
            char cls[16];
            colour_class(g, cls, sizeof cls);
            cw_start(w, "rect");
            cw_attr(w, "class", cls);
            cw_attrf(w, "x", "%.2f", x + gap / 2);
            cw_attrf(w, "y", "%.2f", yy);
            cw_attrf(w, "width", "%.2f", bw - gap);
            cw_attrf(w, "height", "%.2f", hh);
            char tip[400];
            if (yearly) snprintf(tip, sizeof tip, "%d \xc2\xb7 %s: %zu b\xc3\xa0i", y, g->name, c);
            else snprintf(tip, sizeof tip, "%02d/%d \xc2\xb7 %s: %zu b\xc3\xa0i", mo, y, g->name, c);
            cw_el(w, "title", tip);
            cw_close(w);
            nl(w);
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
            cw_start(w, "text");
            cw_attr(w, "class", "axis");
            cw_attrf(w, "x", "%.1f", x + bw / 2);
            cw_attrf(w, "y", "%.1f", top + ph + 16);
            cw_attr(w, "text-anchor", every <= 1 ? "middle" : "start");
            cw_text(w, lab);
            cw_close(w);
            nl(w);
        }
    }
    cw_close(w); /* svg */
    nl(w);
    /* legend */
    start_cls(w, "ul", "legend");
    nl(w);
    for (size_t g = 0; g < ng; g++) {
        if (!m->groups[g].n) continue;
        cw_start(w, "li");
        char cls[24];
        snprintf(cls, sizeof cls, "sw ");
        colour_class(&m->groups[g], cls + 3, sizeof cls - 3);
        start_cls(w, "span", cls);
        cw_attr(w, "aria-hidden", "true");
        cw_close(w);
        cw_text(w, m->groups[g].name);
        cw_close(w);
        nl(w);
    }
    cw_close(w); /* ul */
    nl(w);
    /* the same numbers as a table, for screen readers and for copying */
    cw_start(w, "details");
    nl(w);
    cw_el(w, "summary", "S\xe1\xbb\x91 li\xe1\xbb\x87u c\xe1\xbb\xa7" "a bi\xe1\xbb\x83u \xc4\x91\xe1\xbb\x93");
    nl(w);
    start_cls(w, "table", "data");
    cw_start(w, "thead");
    cw_start(w, "tr");
    cw_start(w, "th");
    cw_attr(w, "scope", "col");
    cw_text(w, yearly ? "N\xc4\x83m" : "Th\xc3\xa1ng");
    cw_close(w);
    for (size_t g = 0; g < ng; g++) {
        if (!m->groups[g].n) continue;
        cw_start(w, "th");
        cw_attr(w, "scope", "col");
        cw_text(w, m->groups[g].name);
        cw_close(w);
    }
    cw_close(w); /* tr */
    cw_close(w); /* thead */
    nl(w);
    cw_start(w, "tbody");
    nl(w);
    for (size_t i = 0; i < ncells;) {
        int bi = (int)cells[i].bin;
        size_t j = i;
        while (j < ncells && cells[j].bin == (uint32_t)bi) j++;
        int y = yearly ? y0 + bi : y0 + (mo0 - 1 + bi) / 12, mo = (mo0 - 1 + bi) % 12 + 1;
        char lab[16];
        if (yearly) snprintf(lab, sizeof lab, "%d", y);
        else snprintf(lab, sizeof lab, "%02d/%d", mo, y);
        cw_start(w, "tr");
        cw_start(w, "th");
        cw_attr(w, "scope", "row");
        cw_text(w, lab);
        cw_close(w);
        size_t k = i;
        for (size_t g = 0; g < ng; g++) {
            if (!m->groups[g].n) continue;
            while (k < j && cells[k].group < g) k++;
            char num[32];
            snprintf(num, sizeof num, "%zu", k < j && cells[k].group == g ? cells[k].count : 0);
            cw_el(w, "td", num);
        }
        cw_close(w);
        nl(w);
        i = j;
    }
    cw_close(w); /* tbody */
    cw_close(w); /* table */
    nl(w);
    cw_close(w); /* details */
    nl(w);
    cw_close(w); /* section */
    nl(w);
    free(cells);
}

static void search_form(const cat_model *m, cat_w *w)
{
    cw_start(w, "form");
    cw_attr(w, "id", "find");
    cw_attr(w, "role", "search");
    cw_attr(w, "hidden", "hidden"); /* shown by the script, which makes it work */
    nl(w);
    cw_start(w, "label");
    cw_attr(w, "for", "q");
    cw_text(w, "T\xc3\xacm b\xc3\xa0i");
    cw_close(w);
    nl(w);
    void_el(w, "input", "type", "search", "id", "q", "name", "q", "autocomplete", "off", "placeholder",
            "ti\xc3\xaau \xc4\x91\xe1\xbb\x81, chuy\xc3\xaan m\xe1\xbb\xa5" "c, ng\xc3\xa0y (c\xc3\xb3 d\xe1\xba\xa5u hay kh\xc3\xb4ng)",
            "aria-describedby", "q-help", (const char *)NULL);
    cw_start(w, "label");
    cw_attr(w, "for", "order");
    cw_text(w, "S\xe1\xba\xafp x\xe1\xba\xbfp");
    cw_close(w);
    nl(w);
    cw_start(w, "select");
    cw_attr(w, "id", "order");
    static const char *const opts[][2] = {
        {"new", "M\xe1\xbb\x9bi nh\xe1\xba\xa5t tr\xc6\xb0\xe1\xbb\x9b" "c"},
        {"old", "C\xc5\xa9 nh\xe1\xba\xa5t tr\xc6\xb0\xe1\xbb\x9b" "c"},
        {"title", "Theo ti\xc3\xaau \xc4\x91\xe1\xbb\x81 (A\xe2\x80\x93Z)"}};
    for (size_t i = 0; i < 3; i++) {
        cw_start(w, "option");
        cw_attr(w, "value", opts[i][0]);
        cw_text(w, opts[i][1]);
        cw_close(w);
    }
    cw_close(w);
    nl(w);
    cw_start(w, "p");
    cw_attr(w, "class", "help");
    cw_attr(w, "id", "q-help");
    cw_text(w, "G\xc3\xb5 \xe2\x80\x9ctinh uy\xe2\x80\x9d \xc4\x91\xe1\xbb\x83 t\xc3\xacm \xe2\x80\x9cT\xe1\xbb\x89nh \xe1\xbb\xa7y\xe2\x80\x9d; ph\xc3\xadm / \xc4\x91\xe1\xbb\x83 t\xc3\xacm, Esc \xc4\x91\xe1\xbb\x83 x\xc3\xb3" "a.");
    cw_close(w);
    nl(w);
    char all[64];
    snprintf(all, sizeof all, "%zu b\xc3\xa0i", m->n);
    cw_start(w, "output");
    cw_attr(w, "id", "found");
    cw_attr(w, "aria-live", "polite");
    cw_attr(w, "for", "q");
    cw_text(w, all);
    cw_close(w);
    nl(w);
    cw_close(w); /* form */
    nl(w);
}

/* One row of a category's table. */
static void row(const cat_model *m, cat_w *w, const cat_item *it, const bt_cat_article *a)
{
    const cat_group *g = &m->groups[it->group];
    char day[16];
    cat_day(it->ymd, day, sizeof day);
    cw_start(w, "tr");
    start_cls(w, "td", "date");
    if (it->ymd) {
        char iso[32];
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", it->ymd / 10000, it->ymd / 100 % 100, it->ymd % 100);
        if (it->hm >= 0)
            snprintf(iso + 10, sizeof iso - 10, "T%02d:%02d", it->hm / 100, it->hm % 100);
        cw_start(w, "time");
        cw_attr(w, "datetime", iso);
        cw_text(w, day);
        cw_close(w);
    } else {
        el_cls(w, "span", "undated", "kh\xc3\xb4ng r\xc3\xb5 ng\xc3\xa0y");
    }
    cw_close(w);
    start_cls(w, "td", "title");
    if (a->pdf) {
        char *h = cat_href("", a->pdf);
        link_to(w, h, a->title);
        free(h);
    } else {
        cw_text(w, a->title);
    }
    if (a->author && *a->author) {
        cw_text(w, " ");
        el_cls(w, "span", "author", a->author);
    }
    cw_close(w);
    el_cls(w, "td", "category", g->name);
    start_cls(w, "td", "files");
    int any = 0;
    if (it->digest >= 0) {
        char *h = cat_href("", m->c->digests[it->digest].path);
        cw_start(w, "a");
        cw_attr(w, "href", h);
        cw_attr(w, "title", "B\xe1\xba\xa3n tin EPUB c\xc3\xb3 b\xc3\xa0i n\xc3\xa0y");
        cw_text(w, "EPUB");
        cw_close(w);
        free(h);
        any = 1;
    }
    if (is_web_url(a->url)) {
        if (any) cw_text(w, " ");
        cw_start(w, "a");
        cw_attr(w, "href", a->url);
        cw_attr(w, "rel", "external noopener");
        cw_attr(w, "title", a->url);
        cw_text(w, "Ngu\xe1\xbb\x93n");
        cw_close(w);
    }
    cw_close(w); /* td */
    cw_close(w); /* tr */
    nl(w);
}

/* Opens a <table> and writes its <thead>: one row of column headers. */
static void table_head(cat_w *w, const char *const *heads, size_t n)
{
    cw_start(w, "table");
    cw_start(w, "thead");
    cw_start(w, "tr");
    for (size_t k = 0; k < n; k++) {
        cw_start(w, "th");
        cw_attr(w, "scope", "col");
        cw_text(w, heads[k]);
        cw_close(w);
    }
    cw_close(w);
    cw_close(w);
    nl(w);
}

static bt_status category_sections(const cat_model *m, cat_w *w, bt_err *e)
{
    static const char *const heads[] = {"Ng\xc3\xa0y", "Ti\xc3\xaau \xc4\x91\xe1\xbb\x81 (PDF)",
                                        "Chuy\xc3\xaan m\xe1\xbb\xa5" "c", "T\xe1\xbb\x87p kh\xc3\xa1" "c"};
    bt_status st = BT_OK;
    for (size_t g = 0; g < m->ngroups && st == BT_OK; g++) {
        const cat_group *x = &m->groups[g];
        if (!x->n) continue;
        cw_start(w, "section");
        cw_attr(w, "class", "cat");
        char id[300];
        snprintf(id, sizeof id, "c-%s", x->slug);
        cw_attr(w, "id", id);
        snprintf(id, sizeof id, "h-%s", x->slug);
        cw_attr(w, "aria-labelledby", id);
        nl(w);
        cw_start(w, "h2");
        cw_attr(w, "id", id);
        cw_text(w, x->name);
        char cnt[64];
        snprintf(cnt, sizeof cnt, "%zu b\xc3\xa0i", x->n);
        cw_text(w, " ");
        el_cls(w, "span", "count", cnt);
        cw_close(w);
        nl(w);
        table_head(w, heads, 4);
        cw_start(w, "tbody");
        nl(w);
        size_t shown = x->n < PAGE_ROWS ? x->n : PAGE_ROWS;
        for (size_t r = 0; r < shown && st == BT_OK; r++) {
            const cat_item *it = &m->items[m->by_group[x->start + r]];
            bt_cat_article a;
            st = cat_get(m, it->src, &a, e);
            if (st == BT_OK) row(m, w, it, &a);
        }
        cw_close(w); /* tbody */
        cw_close(w); /* table */
        nl(w);
        if (x->n > shown) {
            char more[160];
            snprintf(more, sizeof more, "%zu b\xc3\xa0i m\xe1\xbb\x9bi nh\xe1\xba\xa5t trong %zu b\xc3\xa0i.", shown, x->n);
            el_cls(w, "p", "more", more);
            nl(w);
        }
        cw_close(w); /* section */
        nl(w);
    }
    return st;
}

static const size_t *dg_group;
static int cmp_digest(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    if (dg_group[a] != dg_group[b]) return dg_group[a] < dg_group[b] ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* The digests: one row per category, its periods as links (in a closed <details> when there are
 * many: a long archive has thousands of digests, which as rows would weigh on the page). */
static void digests(const cat_model *m, cat_w *w)
{
    size_t nd = m->c->ndigests;
    if (!nd) return;
    cw_start(w, "section");
    cw_attr(w, "class", "digests");
    cw_attr(w, "aria-labelledby", "h-digests");
    nl(w);
    cw_start(w, "h2");
    cw_attr(w, "id", "h-digests");
    cw_text(w, "B\xe1\xba\xa3n tin EPUB");
    cw_close(w);
    nl(w);
    static const char *const heads[] = {("Chuy\xc3\xaan m\xe1\xbb\xa5" "c"), "S\xe1\xbb\x91 b\xe1\xba\xa3n tin", "K\xe1\xbb\xb3"};
    table_head(w, heads, 3);
    cw_start(w, "tbody");
    nl(w);
    /* by category (Vietnamese order), then in the order given (periods in order) */
    size_t *order = bt_xmalloc(nd * sizeof *order);
    for (size_t d = 0; d < nd; d++) order[d] = d;
    dg_group = m->digest_group;
    qsort(order, nd, sizeof *order, cmp_digest);
    dg_group = NULL;
    for (size_t k = 0; k < nd;) {
        size_t g = m->digest_group[order[k]], end = k;
        while (end < nd && m->digest_group[order[end]] == g) end++;
        cw_start(w, "tr");
        cw_el(w, "td", m->groups[g].name);
        char n[32];
        snprintf(n, sizeof n, "%zu", end - k);
        el_cls(w, "td", "num", n);
        start_cls(w, "td", "periods");
        int fold = end - k > 24;
        if (fold) {
            cw_start(w, "details");
            char sum[160];
            const bt_cat_digest *a = &m->c->digests[order[k]], *b = &m->c->digests[order[end - 1]];
            snprintf(sum, sizeof sum, "%s \xe2\x80\x93 %s", a->period ? a->period : "", b->period ? b->period : "");
            cw_el(w, "summary", sum);
        }
        for (size_t q = k; q < end; q++) {
            const bt_cat_digest *x = &m->c->digests[order[q]];
            if (q > k) cw_text(w, " \xc2\xb7 ");
            char *hr = cat_href("", x->path);
            char tip[96];
            snprintf(tip, sizeof tip, "%zu b\xc3\xa0i, EPUB %.0f KB", x->articles, (double)x->size / 1024.0);
            cw_start(w, "a");
            cw_attr(w, "href", hr);
            cw_attr(w, "title", tip);
            cw_text(w, x->period && *x->period ? x->period : x->path);
            cw_close(w);
            free(hr);
        }
        if (fold) cw_close(w); /* details */
        cw_close(w); /* td */
        cw_close(w); /* tr */
        nl(w);
        k = end;
    }
    free(order);
    cw_close(w); /* tbody */
    cw_close(w); /* table */
    nl(w);
    cw_close(w); /* section */
    nl(w);
}

static bt_status others(const cat_model *m, cat_w *w, bt_err *e)
{
    if (!m->nothers) return BT_OK;
    cw_start(w, "section");
    cw_attr(w, "class", "others");
    cw_attr(w, "aria-labelledby", "h-others");
    nl(w);
    cw_start(w, "details");
    char s[96];
    snprintf(s, sizeof s, "B\xc3\xa0i kh\xc3\xb4ng l\xc6\xb0u (%zu)", m->nothers);
    cw_start(w, "summary");
    cw_start(w, "h2");
    cw_attr(w, "id", "h-others");
    cw_text(w, s);
    cw_close(w);
    cw_close(w);
    nl(w);
    cw_start(w, "ul");
    nl(w);
    bt_status st = BT_OK;
    for (size_t i = 0; i < m->nothers && st == BT_OK; i++) {
        bt_cat_article a;
        st = cat_get(m, m->others[i], &a, e);
        if (st != BT_OK) break;
        cw_start(w, "li");
        el_cls(w, "span", "title", a.title);
        int dup = a.status && strcmp(a.status, "duplicate") == 0;
        bt_buf note = {0};
        bt_buf_printf(&note, " \xe2\x80\x94 %s", dup ? "tr\xc3\xb9ng l\xe1\xba\xb7p" : "l\xe1\xbb\x97i");
        if (a.reason && *a.reason) bt_buf_printf(&note, ": %s", a.reason);
        el_cls(w, "span", "reason", note.data);
        bt_buf_free(&note);
        cw_close(w);
        nl(w);
    }
    cw_close(w); /* ul */
    cw_close(w); /* details */
    nl(w);
    cw_close(w); /* section */
    nl(w);
    return st;
}

/* ---------------------------------------------------------------- the JSON block */

/* Serialised by jansson, one value at a time (the block is never whole in memory). A '<' can
 * only stand inside a JSON string, so writing it as \u003c keeps "</script" and "<!--" out of
 * the <script> element without changing the data. A string that is not valid UTF-8 (the model
 * promises it is) is written as "". */
static void json_put(bt_buf *b, json_t *v)
{
    if (!v) v = json_string("");
    char small[1024];
    size_t n = v ? json_dumpb(v, small, sizeof small, JSON_COMPACT | JSON_ENCODE_ANY) : 0;
    char *big = NULL;
    const char *out = small;
    if (n > sizeof small) {
        big = bt_xmalloc(n);
        n = json_dumpb(v, big, n, JSON_COMPACT | JSON_ENCODE_ANY);
        out = big;
    }
    json_decref(v);
    for (size_t i = 0; i < n; i++) {
        if (out[i] == '<') bt_buf_adds(b, "\\u003c");
        else bt_buf_addc(b, out[i]);
    }
    free(big);
}

/* The slug the page's script makes of a title (function slug): NFD, marks U+0300-U+036F dropped,
 * đ -> d, ASCII letters lower-cased; a run of anything else is one '-'; at most 80 characters,
 * no '-' at the end. The PDF's name is left out of the JSON when the archive gave it this slug. */
static char *js_slug(const char *title)
{
    utf8proc_uint8_t *nfd = NULL;
    utf8proc_map((const utf8proc_uint8_t *)title, 0, &nfd, UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE);
    const char *t = nfd ? (const char *)nfd : "";
    bt_buf b = {0};
    bt_buf_adds(&b, "");
    int dash = 0;
    for (size_t n = strlen(t), i = 0; i < n;) {
        uint32_t cp;
        i += bt_utf8_decode(t + i, n - i, &cp);
        if (cp >= 0x300 && cp <= 0x36F) continue;
        if (cp == 0x110 || cp == 0x111) cp = 'd';
        if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
            if (dash && b.len) bt_buf_addc(&b, '-');
            dash = 0;
            if (b.len >= 80) break;
            bt_buf_addc(&b, (char)cp);
        } else {
            dash = 1;
        }
    }
    while (b.len && b.data[b.len - 1] == '-') b.data[--b.len] = '\0';
    free(nfd);
    return bt_buf_detach(&b, NULL);
}

/* The pdf field of a row (see the top of the file). */
static json_t *json_pdf(const cat_item *it, const char *pdf, const char *title)
{
    char folder[64];
    if (it->ymd)
        snprintf(folder, sizeof folder, "articles/%04d/%02d/%04d-%02d-%02d-", it->ymd / 10000, it->ymd / 100 % 100,
                 it->ymd / 10000, it->ymd / 100 % 100, it->ymd % 100);
    else
        snprintf(folder, sizeof folder, "articles/undated/");
    size_t fl = strlen(folder), pl = strlen(pdf);
    if (pl <= fl + 4 || strncmp(pdf, folder, fl) != 0 || strcmp(pdf + pl - 4, ".pdf") != 0 ||
        memchr(pdf + fl, '/', pl - fl - 4))
        return json_string(pdf);
    char *name = bt_xstrndup(pdf + fl, pl - fl - 4);
    char *slug = js_slug(title);
    json_t *v = strcmp(name, slug) == 0 ? json_integer(1) : json_string(name);
    free(slug);
    free(name);
    return v;
}

/* One article's row: [title, when, rank, pdf, digest, author, url], trailing absent fields
 * left out (see the top of the file). */
static json_t *json_row(const cat_item *it, const bt_cat_article *a)
{
    json_t *row = json_array();
    if (!row) return NULL;
    long long when = !it->ymd ? 0 : it->hm < 0 ? it->ymd : (long long)it->ymd * 10000 + it->hm;
    const char *url = is_web_url(a->url) ? a->url : NULL;
    const char *author = a->author && *a->author ? a->author : NULL;
    int last = url ? 6 : author ? 5 : it->digest >= 0 ? 4 : a->pdf ? 3 : 2;
    json_t *title = json_string(a->title ? a->title : "");
    json_array_append_new(row, title ? title : json_string(""));
    json_array_append_new(row, json_integer(when));
    json_array_append_new(row, json_integer((json_int_t)it->title_rank));
    if (last >= 3) json_array_append_new(row, a->pdf ? json_pdf(it, a->pdf, a->title ? a->title : "") : json_integer(0));
    if (last >= 4) json_array_append_new(row, json_integer(it->digest));
    if (last >= 5) json_array_append_new(row, author ? json_string(author) : json_integer(0));
    if (last >= 6) json_array_append_new(row, json_string(url));
    return row;
}

static bt_status json_block(const cat_model *m, cat_w *w, bt_err *e)
{
    cw_start(w, "script");
    cw_attr(w, "type", "application/json");
    cw_attr(w, "id", "articles");
    /* {"g": [...], "d": [...], "a": [[row, ...], ...]}: the two small lists whole, the rows
     * one at a time, so that the block streams. */
    json_t *g = json_array();
    for (size_t i = 0; g && i < m->ngroups; i++)
        if (m->groups[i].n) json_array_append_new(g, json_string(m->groups[i].name));
    bt_buf b = {0};
    bt_buf_adds(&b, "{\"g\":");
    json_put(&b, g);
    /* the digests' paths one at a time too (there is about one per category and month) */
    bt_buf_adds(&b, ",\n\"d\":[");
    for (size_t i = 0; i < m->c->ndigests; i++) {
        if (i) bt_buf_addc(&b, ',');
        json_put(&b, json_string(m->c->digests[i].path ? m->c->digests[i].path : ""));
        if (b.len >= 65536) {
            cw_raw(w, b.data, b.len);
            bt_buf_reset(&b);
        }
    }
    bt_buf_adds(&b, "],\n\"a\":[");
    bt_status st = BT_OK;
    int first = 1;
    for (size_t gi = 0; gi < m->ngroups && st == BT_OK; gi++) {
        const cat_group *x = &m->groups[gi];
        if (!x->n) continue;
        bt_buf_adds(&b, first ? "[" : ",\n[");
        first = 0;
        for (size_t r = 0; r < x->n && st == BT_OK; r++) {
            const cat_item *it = &m->items[m->by_group[x->start + r]];
            bt_cat_article a;
            st = cat_get(m, it->src, &a, e);
            if (st != BT_OK) break;
            bt_buf_adds(&b, r ? ",\n" : "\n");
            json_put(&b, json_row(it, &a));
            if (b.len >= 65536) { /* handed to the writer in pieces: memory stays flat */
                cw_raw(w, b.data, b.len);
                bt_buf_reset(&b);
            }
        }
        bt_buf_addc(&b, ']');
    }
    bt_buf_adds(&b, "]}");
    cw_raw(w, b.data, b.len);
    bt_buf_free(&b);
    cw_close(w);
    nl(w);
    return st;
}

bt_status cat_write_html(const cat_model *m, cat_out *o, bt_err *e)
{
    const bt_catalogue *c = m->c;
    cat_w w;
    bt_status st = cat_w_open(o, "index.html", 1, &w, e);
    if (st != BT_OK) return st;
    cw_start(&w, "html");
    cw_attr(&w, "lang", "vi");
    nl(&w);
    cw_start(&w, "head");
    nl(&w);
    void_el(&w, "meta", "charset", "utf-8", (const char *)NULL);
    void_el(&w, "meta", "name", "viewport", "content", "width=device-width, initial-scale=1", (const char *)NULL);
    if (c->generator) void_el(&w, "meta", "name", "generator", "content", c->generator, (const char *)NULL);
    const char *title = c->title && *c->title ? c->title : "M\xe1\xbb\xa5" "c l\xe1\xbb\xa5" "c l\xc6\xb0u tr\xe1\xbb\xaf";
    cw_el(&w, "title", title);
    nl(&w);
    /* no icon: no request a static server answers with 404 */
    void_el(&w, "link", "rel", "icon", "href", "data:,", (const char *)NULL);
    void_el(&w, "link", "rel", "alternate", "type", "application/atom+xml;profile=opds-catalog;kind=acquisition",
            "href", "opds.xml", "title", "OPDS", (const char *)NULL);
    if (c->css && *c->css) {
        cw_start(&w, "style");
        cw_raw(&w, c->css, strlen(c->css)); /* the template refuses a stylesheet that could end it */
        cw_close(&w);
        nl(&w);
    }
    cw_close(&w); /* head */
    nl(&w);

    cw_start(&w, "body");
    nl(&w);
    cw_start(&w, "a");
    cw_attr(&w, "href", "#main");
    cw_attr(&w, "class", "skip");
    cw_text(&w, "B\xe1\xbb\x8f qua, \xc4\x91\xe1\xba\xbfn danh s\xc3\xa1" "ch b\xc3\xa0i");
    cw_close(&w);
    nl(&w);
    cw_start(&w, "header");
    nl(&w);
    cw_el(&w, "h1", title);
    nl(&w);
    summary(m, &w);
    nl(&w);
    cw_close(&w);
    nl(&w);
    nav(m, &w);
    cw_start(&w, "main");
    cw_attr(&w, "id", "main");
    nl(&w);
    chart(m, &w);
    search_form(m, &w);
    st = category_sections(m, &w, e);
    if (st == BT_OK) {
        digests(m, &w);
        st = others(m, &w, e);
    }
    cw_close(&w); /* main */
    nl(&w);
    cw_start(&w, "footer");
    nl(&w);
    cw_start(&w, "p");
    link_to(&w, "index.json", "index.json");
    cw_text(&w, " (d\xe1\xbb\xaf li\xe1\xbb\x87u) \xc2\xb7 ");
    link_to(&w, "opds.xml", "opds.xml");
    cw_text(&w, " (danh m\xe1\xbb\xa5" "c OPDS cho \xe1\xbb\xa9ng d\xe1\xbb\xa5ng \xc4\x91\xe1\xbb\x8d" "c s\xc3\xa1" "ch)");
    if (c->generator) {
        cw_text(&w, " \xc2\xb7 ");
        cw_text(&w, c->generator);
    }
    cw_close(&w);
    nl(&w);
    cw_close(&w); /* footer */
    nl(&w);
    if (st == BT_OK) st = json_block(m, &w, e);
    cw_start(&w, "script");
    for (size_t k = 0; script[k]; k++) cw_raw(&w, script[k], strlen(script[k]));
    cw_close(&w);
    nl(&w);
    cw_close(&w); /* body */
    nl(&w);
    cw_close(&w); /* html */
    if (st != BT_OK) {
        cat_w_abort(&w);
        return st;
    }
    return cat_w_close(o, &w, e);
}

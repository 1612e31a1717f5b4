/* catalogue.c - the catalogue's model: records grouped by category (one display name each),
 * ordered by date and in Vietnamese alphabetical order; then every file rendered (see
 * catalogue.h, cat_html.c, cat_opds.c). */
#include "cat_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "date.h"
#include "text.h"

/* ---------------------------------------------------------------- Vietnamese order */

/* The primary rank of a base letter in the Vietnamese alphabet (a ă â b c d đ e ê f g h i j
 * k l m n o ô ơ p q r s t u ư v w x y z); mod: 1 breve, 2 circumflex, 3 horn, 0 none. */
static int letter_rank(uint32_t base, int mod)
{
    static const char order[] = "abcdefghijklmnopqrstuvwxyz";
    const char *p = base < 128 ? strchr(order, (int)base) : NULL;
    if (!p || !base) return -1;
    int r = (int)(p - order) * 4; /* room for the modified letters after each */
    if (mod > 0) r += mod;
    return 100 + r;
}

static int tone_of(uint32_t mark)
{
    switch (mark) {
    case 0x0300: return 1; /* huyền */
    case 0x0309: return 2; /* hỏi */
    case 0x0303: return 3; /* ngã */
    case 0x0301: return 4; /* sắc */
    case 0x0323: return 5; /* nặng */
    default: return 0;
    }
}

static void put_rank(bt_buf *b, int r)
{
    if (r < 0) r = 0;
    if (r > 62499) r = 62499;
    bt_buf_addc(b, (char)(r / 250 + 2));
    bt_buf_addc(b, (char)(r % 250 + 2));
}

/* Append one word's key: its letters, then its tones, then its case (so "ba", "ba đình", "bà":
 * syllable by syllable, as dictionaries order). */
static void flush_word(bt_buf *key, bt_buf *prim, bt_buf *tone, bt_buf *cas)
{
    if (!prim->len) return;
    if (key->len) bt_buf_addc(key, 1);
    bt_buf_add(key, prim->data, prim->len);
    bt_buf_addc(key, 1);
    bt_buf_add(key, tone->data, tone->len);
    bt_buf_addc(key, 1);
    bt_buf_add(key, cas->data, cas->len);
    bt_buf_reset(prim);
    bt_buf_reset(tone);
    bt_buf_reset(cas);
}

char *bt_catalogue_sort_key(const char *s)
{
    bt_buf key = {0}, prim = {0}, tone = {0}, cas = {0};
    bt_buf_adds(&key, "");
    utf8proc_uint8_t *nfd = NULL;
    utf8proc_map((const utf8proc_uint8_t *)(s ? s : ""), 0, &nfd, UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE);
    const char *t = nfd ? (const char *)nfd : "";
    size_t n = strlen(t), i = 0;
    while (i < n) {
        uint32_t cp;
        i += bt_utf8_decode(t + i, n - i, &cp);
        uint32_t lower = (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
        int upper = lower != cp;
        int mod = 0, tn = 0;
        /* the marks that follow the base letter */
        while (i < n) {
            uint32_t m;
            size_t k = bt_utf8_decode(t + i, n - i, &m);
            if (m == 0x0306) mod = 1;
            else if (m == 0x0302) mod = 2;
            else if (m == 0x031B) mod = 3;
            else if (tone_of(m)) tn = tone_of(m);
            else if (utf8proc_category((utf8proc_int32_t)m) != UTF8PROC_CATEGORY_MN) break;
            i += k;
        }
        int r;
        if (lower == 0x0111) r = letter_rank('d', 1); /* đ after d */
        else if (lower >= '0' && lower <= '9') r = 10 + (int)(lower - '0');
        else r = letter_rank(lower, mod);
        if (r < 0) {
            utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)lower);
            int letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
            if (!letter && cat != UTF8PROC_CATEGORY_ND) { /* spaces and punctuation end a word */
                flush_word(&key, &prim, &tone, &cas);
                continue;
            }
            r = 300 + (int)(lower % 60000); /* other scripts: by code point, after Latin */
        }
        put_rank(&prim, r);
        bt_buf_addc(&tone, (char)(tn + 2));
        bt_buf_addc(&cas, (char)(upper ? 3 : 2));
    }
    flush_word(&key, &prim, &tone, &cas);
    free(nfd);
    bt_buf_free(&prim);
    bt_buf_free(&tone);
    bt_buf_free(&cas);
    return bt_buf_detach(&key, NULL);
}

/* ---------------------------------------------------------------- keys and names */

char *bt_catalogue_search_key(const char *s)
{
    char *slug = bt_slugify(s ? s : "", 0);
    for (char *p = slug; *p; p++)
        if (*p == '-') *p = ' ';
    return slug;
}

char *bt_catalogue_category_key(const char *category)
{
    char *k = bt_slugify(category ? category : "", 0);
    if (!*k) {
        free(k);
        return bt_xstrdup("khac");
    }
    return k;
}

/* 1 when s has letters and none of them is lower case. */
static int all_caps(const char *s)
{
    size_t n = strlen(s), i = 0;
    int letters = 0;
    while (i < n) {
        uint32_t cp;
        i += bt_utf8_decode(s + i, n - i, &cp);
        if ((uint32_t)utf8proc_toupper((utf8proc_int32_t)cp) != cp) return 0;
        letters |= (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp) != cp;
    }
    return letters;
}

static int starts_upper(const char *s)
{
    uint32_t cp = 0;
    bt_utf8_decode(s, strlen(s), &cp);
    return (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp) != cp;
}

/* Lower case, then an upper-case first letter for the whole and for each part after a dash,
 * slash, '&' or ','. */
static char *sentence_case(const char *s)
{
    bt_buf b = {0};
    bt_buf_adds(&b, "");
    size_t n = strlen(s), i = 0;
    int start = 1;
    while (i < n) {
        uint32_t cp;
        i += bt_utf8_decode(s + i, n - i, &cp);
        utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
        int letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
        uint32_t out = (uint32_t)(letter && start ? utf8proc_toupper((utf8proc_int32_t)cp)
                                                  : utf8proc_tolower((utf8proc_int32_t)cp));
        if (letter) start = 0;
        else if (cat == UTF8PROC_CATEGORY_PD || cp == '/' || cp == '&' || cp == ',' || cp == '|') start = 1;
        char tmp[4];
        bt_buf_add(&b, tmp, bt_utf8_encode(out, tmp));
    }
    return bt_buf_detach(&b, NULL);
}

char *bt_catalogue_category_name(const char *const *v, const size_t *counts, size_t n)
{
    size_t best = n, best_caps = n;
    for (size_t i = 0; i < n; i++) {
        if (all_caps(v[i])) {
            if (best_caps == n || counts[i] > counts[best_caps]) best_caps = i;
        } else if (best == n || counts[i] > counts[best] ||
                   (counts[i] == counts[best] && starts_upper(v[i]) && !starts_upper(v[best]))) {
            best = i; /* the most frequent; of as frequent ones, one with a capital first */
        }
    }
    if (best < n) return bt_xstrdup(v[best]);
    if (best_caps < n) return sentence_case(v[best_caps]);
    return bt_xstrdup("");
}

/* ---------------------------------------------------------------- dates */

void cat_day(int ymd, char *buf, size_t cap)
{
    if (!ymd) snprintf(buf, cap, "%s", "");
    else snprintf(buf, cap, "%02d/%02d/%04d", ymd % 100, ymd / 100 % 100, ymd / 10000);
}

void cat_epoch_time(int64_t t, char *buf, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void cat_item_time(const cat_model *m, const cat_item *it, char *buf, size_t cap)
{
    if (!it->ymd) {
        cat_epoch_time(m->updated, buf, cap);
        return;
    }
    int hm = it->hm < 0 ? 0 : it->hm;
    int tz = it->tz;
    snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:00%c%02d:%02d", it->ymd / 10000, it->ymd / 100 % 100,
             it->ymd % 100, hm / 100, hm % 100, tz < 0 ? '-' : '+', abs(tz) / 60, abs(tz) % 60);
}

/* ---------------------------------------------------------------- the model */

typedef struct {
    char *key;
    char **variants;
    size_t *counts;
    size_t nv;
} gather;

/* The group of a category (made when new); weight: how much this use counts for the name. */
static size_t group_of(gather **gs, size_t *ng, const char *category, size_t weight)
{
    char *key = bt_catalogue_category_key(category);
    size_t g;
    for (g = 0; g < *ng; g++)
        if (strcmp((*gs)[g].key, key) == 0) break;
    if (g == *ng) {
        *gs = bt_xrealloc(*gs, (*ng + 1) * sizeof **gs);
        memset(&(*gs)[g], 0, sizeof **gs);
        (*gs)[g].key = key;
        (*ng)++;
    } else {
        free(key);
    }
    gather *x = &(*gs)[g];
    char *v = bt_text_clean(category ? category : "", category ? strlen(category) : 0);
    size_t k;
    for (k = 0; k < x->nv; k++)
        if (strcmp(x->variants[k], v) == 0) break;
    if (k == x->nv) {
        x->variants = bt_xrealloc(x->variants, (x->nv + 1) * sizeof *x->variants);
        x->counts = bt_xrealloc(x->counts, (x->nv + 1) * sizeof *x->counts);
        x->variants[k] = v;
        x->counts[k] = 0;
        x->nv++;
    } else {
        free(v);
    }
    x->counts[k] += weight;
    return g;
}

static void parse_date(cat_item *it)
{
    bt_date d;
    it->ymd = 0;
    it->hm = -1;
    it->tz = 420;
    it->t = -1;
    if (!it->a->date || !bt_date_parse_iso(it->a->date, &d) || !bt_date_valid(&d)) return;
    it->t = bt_date_epoch(&d);
    it->ymd = d.year * 10000 + d.month * 100 + d.day;
    if (d.has_time) it->hm = d.hour * 100 + d.minute;
    it->tz = d.tz_minutes;
}

static int cmp_newest(const void *pa, const void *pb)
{
    const cat_item *a = pa, *b = pb;
    long ka = a->ymd ? (long)a->ymd * 10000 + (a->hm < 0 ? 0 : a->hm) : -1;
    long kb = b->ymd ? (long)b->ymd * 10000 + (b->hm < 0 ? 0 : b->hm) : -1;
    if (ka != kb) return ka > kb ? -1 : 1;
    int t = strcmp(a->title_key, b->title_key);
    if (t) return t;
    return a->a < b->a ? -1 : a->a > b->a; /* input order */
}

static const cat_item *sort_items;
static int cmp_title_idx(const void *pa, const void *pb)
{
    const cat_item *a = &sort_items[*(const size_t *)pa], *b = &sort_items[*(const size_t *)pb];
    int t = strcmp(a->title_key, b->title_key);
    if (t) return t;
    return cmp_newest(a, b);
}

static int cmp_group(const void *pa, const void *pb)
{
    const cat_group *a = pa, *b = pb;
    /* articles without a category last */
    int ka = strcmp(a->slug, "khac") == 0, kb = strcmp(b->slug, "khac") == 0;
    if (ka != kb) return ka - kb;
    int t = strcmp(a->sort_key, b->sort_key);
    return t ? t : strcmp(a->slug, b->slug);
}

static int is_ok(const bt_cat_article *a)
{
    return !a->status || strcmp(a->status, "ok") == 0;
}

bt_status cat_model_build(const bt_catalogue *c, cat_model *m, bt_err *e)
{
    memset(m, 0, sizeof *m);
    m->c = c;
    gather *gs = NULL;
    size_t ng = 0;
    size_t *item_g = NULL;
    for (size_t i = 0; i < c->narticles; i++) {
        const bt_cat_article *a = &c->articles[i];
        if (!a->title) return bt_err_set(e, BT_EUSAGE, "catalogue: article %zu has no title", i);
        cat_item it;
        memset(&it, 0, sizeof it);
        it.a = a;
        parse_date(&it);
        it.title_key = bt_catalogue_sort_key(a->title);
        if (is_ok(a)) {
            m->items = bt_xrealloc(m->items, (m->n + 1) * sizeof *m->items);
            it.group = group_of(&gs, &ng, a->category, 1);
            m->items[m->n++] = it;
        } else {
            m->others = bt_xrealloc(m->others, (m->nothers + 1) * sizeof *m->others);
            m->others[m->nothers++] = it;
        }
    }
    size_t *dg_raw = bt_xcalloc(c->ndigests ? c->ndigests : 1, sizeof *dg_raw);
    for (size_t d = 0; d < c->ndigests; d++) dg_raw[d] = group_of(&gs, &ng, c->digests[d].category, 0); /* names come from articles */
    (void)item_g;
    /* groups: display names, then Vietnamese order */
    m->groups = bt_xcalloc(ng ? ng : 1, sizeof *m->groups);
    m->ngroups = ng;
    for (size_t g = 0; g < ng; g++) {
        cat_group *x = &m->groups[g];
        x->slug = gs[g].key;
        x->name = strcmp(x->slug, "khac") == 0 ? bt_xstrdup("Khác")
                                               : bt_catalogue_category_name((const char *const *)gs[g].variants,
                                                                            gs[g].counts, gs[g].nv);
        x->sort_key = bt_catalogue_sort_key(x->name);
        x->index = g; /* the old position, for remapping below */
        for (size_t k = 0; k < gs[g].nv; k++) free(gs[g].variants[k]);
        free(gs[g].variants);
        free(gs[g].counts);
    }
    free(gs);
    qsort(m->groups, ng, sizeof *m->groups, cmp_group);
    size_t *remap = bt_xcalloc(ng ? ng : 1, sizeof *remap);
    for (size_t g = 0; g < ng; g++) {
        remap[m->groups[g].index] = g;
        m->groups[g].index = g;
    }
    for (size_t i = 0; i < m->n; i++) m->items[i].group = remap[m->items[i].group];
    m->digest_group = dg_raw;
    for (size_t d = 0; d < c->ndigests; d++) {
        m->digest_group[d] = remap[m->digest_group[d]];
        m->groups[m->digest_group[d]].ndigests++;
    }
    free(remap);
    /* newest first; counts and date ranges */
    if (m->n) qsort(m->items, m->n, sizeof *m->items, cmp_newest);
    for (size_t i = 0; i < m->n; i++) {
        cat_item *it = &m->items[i];
        cat_group *g = &m->groups[it->group];
        g->n++;
        if (!it->ymd) continue;
        if (!g->first || it->ymd < g->first) g->first = it->ymd;
        if (it->ymd > g->last) g->last = it->ymd;
        if (!m->first || it->ymd < m->first) m->first = it->ymd;
        if (it->ymd > m->last) m->last = it->ymd;
    }
    /* Vietnamese title order */
    size_t *idx = bt_xmalloc((m->n ? m->n : 1) * sizeof *idx);
    for (size_t i = 0; i < m->n; i++) idx[i] = i;
    sort_items = m->items;
    if (m->n) qsort(idx, m->n, sizeof *idx, cmp_title_idx);
    sort_items = NULL;
    for (size_t r = 0; r < m->n; r++) m->items[idx[r]].title_rank = r;
    free(idx);
    /* the feeds' time: given, else the newest article's */
    m->updated = c->updated;
    if (m->updated < 0) {
        m->updated = 0;
        for (size_t i = 0; i < m->n; i++)
            if (m->items[i].t > m->updated) m->updated = m->items[i].t;
    }
    return BT_OK;
}

void cat_model_free(cat_model *m)
{
    for (size_t i = 0; i < m->n; i++) free(m->items[i].title_key);
    for (size_t i = 0; i < m->nothers; i++) free(m->others[i].title_key);
    for (size_t g = 0; g < m->ngroups; g++) {
        free(m->groups[g].slug);
        free(m->groups[g].name);
        free(m->groups[g].sort_key);
    }
    free(m->items);
    free(m->others);
    free(m->groups);
    free(m->digest_group);
    memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------------- files */

void cat_files_add(bt_cat_file **files, size_t *n, size_t *cap, const char *name, char *data, size_t len)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *files = bt_xrealloc(*files, *cap * sizeof **files);
    }
    (*files)[*n].name = bt_xstrdup(name);
    (*files)[*n].data = data;
    (*files)[*n].len = len;
    (*n)++;
}

void bt_catalogue_files_free(bt_cat_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(files[i].name);
        free(files[i].data);
    }
    free(files);
}

bt_status bt_catalogue_render(const bt_catalogue *c, bt_cat_file **files, size_t *nfiles, bt_err *e)
{
    *files = NULL;
    *nfiles = 0;
    cat_model m;
    bt_status st = cat_model_build(c, &m, e);
    size_t cap = 0;
    char *html = NULL;
    size_t hlen = 0;
    if (st == BT_OK) st = cat_write_html(&m, &html, &hlen, e);
    if (st == BT_OK) cat_files_add(files, nfiles, &cap, "index.html", html, hlen);
    if (st == BT_OK) st = cat_write_opds(&m, files, nfiles, &cap, e);
    cat_model_free(&m);
    if (st != BT_OK) {
        bt_catalogue_files_free(*files, *nfiles);
        *files = NULL;
        *nfiles = 0;
    }
    return st;
}

bt_status bt_catalogue_write(const char *dir, const bt_catalogue *c, bt_cat_file **files, size_t *nfiles,
                             bt_err *e)
{
    bt_status st = bt_catalogue_render(c, files, nfiles, e);
    for (size_t i = 0; st == BT_OK && i < *nfiles; i++) {
        char *p = bt_path_join(dir, (*files)[i].name);
        char *d = bt_path_dirname(p);
        st = bt_mkdirs(d, 0777, e);
        if (st == BT_OK) st = bt_write_file_atomic(p, (*files)[i].data, (*files)[i].len, e);
        free(d);
        free(p);
    }
    if (st != BT_OK) {
        bt_catalogue_files_free(*files, *nfiles);
        *files = NULL;
        *nfiles = 0;
    }
    return st;
}

/* catalogue.c - the catalogue's model: records summed up in one pass (a fixed-size item each),
 * grouped by category (one display name each), ordered by date and in Vietnamese alphabetical
 * order without holding their titles (see title_ranks); then every file written (cat_write.c,
 * cat_html.c, cat_opds.c). */
#include "cat_int.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* The canonical decomposition (NFD) of s, one character at a time: what utf8proc_map gives for
 * valid text with no combining characters (each character's decomposition is in canonical order
 * already and starts with a base character, so nothing needs reordering), at a tenth of its cost
 * (the catalogue makes a key per title, several for titles that start alike). NULL for anything
 * else. */
static char *nfd_simple(const char *s)
{
    size_t n = strlen(s);
    if (!bt_utf8_valid(s, n)) return NULL;
    bt_buf b = {0};
    bt_buf_add(&b, "", 0);
    for (size_t i = 0; i < n;) {
        if ((unsigned char)s[i] < 0x80) {
            size_t j = i + 1;
            while (j < n && (unsigned char)s[j] < 0x80) j++;
            bt_buf_add(&b, s + i, j - i);
            i = j;
            continue;
        }
        uint32_t cp;
        i += bt_utf8_decode(s + i, n - i, &cp);
        utf8proc_int32_t d[8];
        utf8proc_ssize_t m = utf8proc_get_property((utf8proc_int32_t)cp)->combining_class
                                 ? -1
                                 : utf8proc_decompose_char((utf8proc_int32_t)cp, d, 8, UTF8PROC_DECOMPOSE, NULL);
        if (m < 1 || m > 8) {
            bt_buf_free(&b);
            return NULL;
        }
        for (utf8proc_ssize_t k = 0; k < m; k++) {
            char u[4];
            bt_buf_add(&b, u, bt_utf8_encode((uint32_t)d[k], u));
        }
    }
    return bt_buf_detach(&b, NULL);
}

char *bt_catalogue_sort_key(const char *s)
{
    bt_buf key = {0}, prim = {0}, tone = {0}, cas = {0};
    bt_buf_adds(&key, "");
    char *nfd = nfd_simple(s ? s : "");
    if (!nfd)
        utf8proc_map((const utf8proc_uint8_t *)(s ? s : ""), 0, (utf8proc_uint8_t **)&nfd,
                     UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE);
    const char *t = nfd ? nfd : "";
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


char *cat_href(const char *up, const char *path)
{
    bt_buf b = {0};
    bt_buf_adds(&b, up);
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
            bt_buf_addc(&b, (char)*p);
        else
            bt_buf_printf(&b, "%%%02X", *p);
    }
    return bt_buf_detach(&b, NULL);
}

/* ---------------------------------------------------------------- articles kept (cat_spill) */

/* The string fields of an article, in the order they are recorded. */
static const size_t spill_field[] = {
    offsetof(bt_cat_article, title),  offsetof(bt_cat_article, category), offsetof(bt_cat_article, date),
    offsetof(bt_cat_article, author), offsetof(bt_cat_article, language), offsetof(bt_cat_article, pdf),
    offsetof(bt_cat_article, digest), offsetof(bt_cat_article, url),      offsetof(bt_cat_article, status),
    offsetof(bt_cat_article, reason), offsetof(bt_cat_article, key)};
#define NSPILL (sizeof spill_field / sizeof *spill_field)

static const char *field_get(const bt_cat_article *a, size_t k)
{
    const char *v;
    memcpy(&v, (const char *)a + spill_field[k], sizeof v);
    return v;
}

static void field_set(bt_cat_article *a, size_t k, const char *v)
{
    memcpy((char *)a + spill_field[k], &v, sizeof v);
}

/* A temp file in dir (or the system's), gone from the folder at once: it vanishes with the
 * process whatever happens. */
static FILE *spill_file(const char *dir)
{
    if (!dir) return tmpfile();
    char *path = bt_path_join(dir, ".catalogue-XXXXXX");
    int fd = mkstemp(path);
    FILE *f = NULL;
    if (fd >= 0) {
        unlink(path);
        f = fdopen(fd, "w+");
        if (!f) close(fd);
    }
    free(path);
    return f;
}

static void spill_close(cat_spill *sp)
{
    if (sp->f) fclose(sp->f);
    sp->f = NULL;
}

/* Record article i (read in input order, i == sp->n): each field as a byte (0: none, 1: there)
 * and its bytes with their NUL, then the PDF's size. A failed write stops the keeping (cat_get
 * reads through the getter again). */
static void spill_put(cat_spill *sp, size_t i, const bt_cat_article *a)
{
    if (!sp->f || i != sp->n) {
        spill_close(sp);
        return;
    }
    uint64_t len = 0;
    int bad = 0;
    for (size_t k = 0; k < NSPILL; k++) {
        const char *f = field_get(a, k);
        size_t n = f ? strlen(f) + 1 : 0;
        int there = f ? 1 : 0;
        bad |= fputc(there, sp->f) == EOF || (n && fwrite(f, 1, n, sp->f) != n);
        len += 1 + n;
    }
    bad |= fwrite(&a->pdf_size, sizeof a->pdf_size, 1, sp->f) != 1;
    len += sizeof a->pdf_size;
    if (bad) {
        spill_close(sp);
        return;
    }
    sp->off[i + 1] = sp->off[i] + len;
    sp->n++;
}

/* Article i as recorded, its strings in sp->buf; 0 when it is not there to read. */
static int spill_get(cat_spill *sp, size_t i, bt_cat_article *a)
{
    if (!sp->f || i >= sp->n) return 0;
    if (!sp->flushed) {
        if (fflush(sp->f) != 0) {
            spill_close(sp);
            return 0;
        }
        sp->flushed = 1;
    }
    size_t len = (size_t)(sp->off[i + 1] - sp->off[i]);
    if (len > sp->cap) {
        sp->cap = len > 2 * sp->cap ? len : 2 * sp->cap;
        sp->buf = bt_xrealloc(sp->buf, sp->cap);
    }
    size_t got = 0;
    while (got < len) {
        ssize_t k = pread(fileno(sp->f), sp->buf + got, len - got, (off_t)(sp->off[i] + got));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return 0;
        got += (size_t)k;
    }
    const char *p = sp->buf, *end = sp->buf + len;
    memset(a, 0, sizeof *a);
    for (size_t k = 0; k < NSPILL; k++) {
        if (p >= end) return 0;
        if (!*p++) continue;
        const char *z = memchr(p, '\0', (size_t)(end - p));
        if (!z) return 0;
        field_set(a, k, p);
        p = z + 1;
    }
    if ((size_t)(end - p) != sizeof a->pdf_size) return 0;
    memcpy(&a->pdf_size, p, sizeof a->pdf_size);
    return 1;
}

/* ---------------------------------------------------------------- the model */

bt_status cat_get(const cat_model *m, size_t i, bt_cat_article *a, bt_err *e)
{
    const bt_catalogue *c = m->c;
    if (c->articles) {
        *a = c->articles[i];
        return BT_OK;
    }
    if (m->spill && spill_get(m->spill, i, a)) return BT_OK;
    memset(a, 0, sizeof *a);
    if (!c->get) return bt_err_set(e, BT_EUSAGE, "catalogue: no articles and no way to get them");
    bt_status st = c->get(c->get_ud, i, a, e);
    if (st == BT_OK && !a->title) return bt_err_set(e, BT_EUSAGE, "catalogue: article %zu has no title", i);
    return st;
}

/* The spellings of one category and how often each is used (few per category). */
typedef struct {
    char **variants;
    size_t *counts;
    size_t nv;
} gather;

typedef struct {
    bt_map keys; /* group key -> index */
    bt_strvec key;
    gather *g;
    size_t n, cap;
} gathers;

/* The group of a category (made when new); weight: how much this use counts for the name. */
static size_t group_of(gathers *gs, const char *category, size_t weight)
{
    char *key = bt_catalogue_category_key(category);
    int32_t g = bt_map_gets(&gs->keys, key);
    if (g < 0) {
        if (gs->n == gs->cap) {
            gs->cap = gs->cap ? gs->cap * 2 : 16;
            gs->g = bt_xrealloc(gs->g, gs->cap * sizeof *gs->g);
        }
        g = (int32_t)gs->n++;
        memset(&gs->g[g], 0, sizeof gs->g[g]);
        bt_map_puts(&gs->keys, key, g);
        bt_strvec_push(&gs->key, key);
    } else {
        free(key);
    }
    gather *x = &gs->g[g];
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
    return (size_t)g;
}

static void parse_date(cat_item *it, const char *date)
{
    bt_date d;
    it->ymd = 0;
    it->hm = -1;
    it->tz = 420;
    it->t = -1;
    if (!date || !bt_date_parse_iso(date, &d) || !bt_date_valid(&d)) return;
    it->t = bt_date_epoch(&d);
    it->ymd = d.year * 10000 + d.month * 100 + d.day;
    if (d.has_time) it->hm = (int16_t)(d.hour * 100 + d.minute);
    it->tz = (int16_t)d.tz_minutes;
}

/* Newest first: by date and time, undated last. */
static long date_key(const cat_item *it)
{
    return it->ymd ? (long)it->ymd * 10000 + (it->hm < 0 ? 0 : it->hm) : -1;
}

/* Newest first; of the same minute, in title order (which ends in input order). */
static int cmp_newest(const void *pa, const void *pb)
{
    const cat_item *a = pa, *b = pb;
    long ka = date_key(a), kb = date_key(b);
    if (ka != kb) return ka > kb ? -1 : 1;
    return a->title_rank < b->title_rank ? -1 : a->title_rank > b->title_rank;
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

/* ---------------------------------------------------------------- title order
 *
 * The titles' Vietnamese sort keys are several times as long as the titles: holding them all
 * would make memory grow with the archive. Instead the items are sorted by a 32-byte piece of
 * their keys (most-significant first, like a radix sort); items whose pieces tie are sorted again
 * by the next piece, fetched once more from their records, and a small tie group is settled with
 * its whole keys. Memory: 33 bytes per article while ranking. The order is the one a sort by the
 * whole key gives: title key, then newest first, then input order. */

#define KCHUNK 32
#define SMALL_RUN 64

typedef struct {
    unsigned char k[KCHUNK];
    unsigned char more; /* the key goes on after this piece */
} kchunk;

static void fill_chunk(kchunk *c, const char *key, size_t depth)
{
    size_t len = strlen(key), off = depth * KCHUNK;
    memset(c, 0, sizeof *c);
    if (off >= len) return;
    size_t k = len - off < KCHUNK ? len - off : KCHUNK;
    memcpy(c->k, key + off, k);
    c->more = len - off > KCHUNK;
}

static const kchunk *rk_chunks; /* qsort has no context argument; the catalogue runs on one thread */
static const cat_item *rk_items;
static char **rk_keys;

static int cmp_after_key(const cat_item *a, const cat_item *b)
{
    long ka = date_key(a), kb = date_key(b);
    if (ka != kb) return ka > kb ? -1 : 1;
    return a->src < b->src ? -1 : a->src > b->src;
}

static int cmp_chunk(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    int t = memcmp(rk_chunks[a].k, rk_chunks[b].k, KCHUNK);
    if (t) return t;
    if (rk_chunks[a].more != rk_chunks[b].more) return rk_chunks[a].more - rk_chunks[b].more;
    return cmp_after_key(&rk_items[a], &rk_items[b]); /* equal keys (or settled later) */
}

static int cmp_whole(const void *pa, const void *pb)
{
    const uint32_t *a = pa, *b = pb; /* pairs: position in the run, item */
    int t = strcmp(rk_keys[a[0]], rk_keys[b[0]]);
    return t ? t : cmp_after_key(&rk_items[a[1]], &rk_items[b[1]]);
}

/* A run of items whose keys tie up to depth pieces: settled with their whole keys. */
static bt_status settle_run(const cat_model *m, cat_item *items, uint32_t *idx, size_t n, bt_err *e)
{
    char **keys = bt_xcalloc(n, sizeof *keys);
    uint32_t *pairs = bt_xmalloc(n * 2 * sizeof *pairs);
    bt_status st = BT_OK;
    for (size_t r = 0; r < n && st == BT_OK; r++) {
        bt_cat_article a;
        st = cat_get(m, items[idx[r]].src, &a, e);
        if (st == BT_OK) keys[r] = bt_catalogue_sort_key(a.title);
        pairs[2 * r] = (uint32_t)r;
        pairs[2 * r + 1] = idx[r];
    }
    if (st == BT_OK) {
        rk_keys = keys;
        qsort(pairs, n, 2 * sizeof *pairs, cmp_whole);
        rk_keys = NULL;
        for (size_t r = 0; r < n; r++) idx[r] = pairs[2 * r + 1];
    }
    for (size_t r = 0; r < n; r++) free(keys[r]);
    free(keys);
    free(pairs);
    return st;
}

static bt_status title_ranks(const cat_model *m, cat_item *items, size_t n, kchunk *ch, bt_err *e)
{
    uint32_t *idx = bt_xmalloc((n ? n : 1) * sizeof *idx);
    for (size_t i = 0; i < n; i++) idx[i] = (uint32_t)i;
    typedef struct {
        size_t lo, hi, depth;
    } range;
    range *stack = NULL;
    size_t ns = 0, cap = 0;
    bt_status st = BT_OK;
    rk_chunks = ch;
    rk_items = items;
    if (n > 1) {
        stack = bt_xmalloc(sizeof *stack);
        stack[ns++] = (range){0, n, 0};
        cap = 1;
    }
    while (ns && st == BT_OK) {
        range r = stack[--ns];
        qsort(idx + r.lo, r.hi - r.lo, sizeof *idx, cmp_chunk);
        for (size_t i = r.lo; i < r.hi && st == BT_OK;) {
            size_t j = i + 1;
            if (ch[idx[i]].more)
                while (j < r.hi && ch[idx[j]].more && memcmp(ch[idx[j]].k, ch[idx[i]].k, KCHUNK) == 0) j++;
            if (j - i > SMALL_RUN) { /* the next piece of each key, and sort the run again */
                for (size_t k = i; k < j && st == BT_OK; k++) {
                    bt_cat_article a;
                    st = cat_get(m, items[idx[k]].src, &a, e);
                    if (st != BT_OK) break;
                    char *key = bt_catalogue_sort_key(a.title);
                    fill_chunk(&ch[idx[k]], key, r.depth + 1);
                    free(key);
                }
                if (ns == cap) {
                    cap *= 2;
                    stack = bt_xrealloc(stack, cap * sizeof *stack);
                }
                stack[ns++] = (range){i, j, r.depth + 1};
            } else if (j - i > 1) {
                st = settle_run(m, items, idx + i, j - i, e);
            }
            i = j;
        }
    }
    rk_chunks = NULL;
    rk_items = NULL;
    for (size_t r = 0; st == BT_OK && r < n; r++) items[idx[r]].title_rank = (uint32_t)r;
    free(stack);
    free(idx);
    return st;
}

/* ---------------------------------------------------------------- building */

static int cmp_by_group(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    if (rk_items[a].group != rk_items[b].group) return rk_items[a].group < rk_items[b].group ? -1 : 1;
    return a < b ? -1 : a > b; /* items are newest first */
}

static int same_digest_path(void *ud, int32_t v, const void *key, size_t len)
{
    const char *p = ((const bt_catalogue *)ud)->digests[v].path;
    return strlen(p) == len && memcmp(p, key, len) == 0;
}

bt_status cat_model_build(const bt_catalogue *c, const char *tmpdir, cat_model *m, bt_err *e)
{
    memset(m, 0, sizeof *m);
    m->c = c;
    if (!c->articles && c->narticles < SIZE_MAX / sizeof(uint64_t) - 1) {
        cat_spill *sp = bt_xcalloc(1, sizeof *sp);
        sp->f = spill_file(tmpdir);
        if (sp->f) sp->off = bt_xcalloc(c->narticles + 1, sizeof *sp->off);
        m->spill = sp;
    }
    gathers gs;
    memset(&gs, 0, sizeof gs);
    bt_idx dmap = {0}; /* digest path -> index (the paths compared in c->digests) */
    dmap.same = same_digest_path;
    dmap.ud = (void *)c;
    for (size_t d = 0; d < c->ndigests; d++)
        if (c->digests[d].path) bt_idx_puts(&dmap, c->digests[d].path, (int32_t)d);
    kchunk *ch = NULL;
    size_t n = 0, icap = 0, no = 0, ocap = 0; /* counted here, in m at the end of the pass */
    bt_status st = BT_OK;
    if (c->narticles > UINT32_MAX) st = bt_err_set(e, BT_ELIMIT, "catalogue: too many articles");
    if (st == BT_OK && c->narticles) { /* as many as there can be, at once: no doubling, no copies */
        icap = c->narticles;
        m->items = bt_xmalloc(icap * sizeof *m->items);
        ch = bt_xmalloc(icap * sizeof *ch);
    }
    /* one pass over the articles: a fixed-size summary of each */
    for (size_t i = 0; i < c->narticles && st == BT_OK; i++) {
        bt_cat_article a;
        st = cat_get(m, i, &a, e);
        if (st != BT_OK) break;
        if (m->spill) spill_put(m->spill, i, &a);
        if (!a.title) {
            st = bt_err_set(e, BT_EUSAGE, "catalogue: article %zu has no title", i);
            break;
        }
        if (!is_ok(&a)) {
            if (no == ocap) {
                ocap = ocap ? ocap * 2 : 64;
                m->others = bt_xrealloc(m->others, ocap * sizeof *m->others);
            }
            m->others[no++] = (uint32_t)i;
            continue;
        }
        if (n == icap) {
            icap = icap ? icap * 2 : 256;
            m->items = bt_xrealloc(m->items, icap * sizeof *m->items);
            ch = bt_xrealloc(ch, icap * sizeof *ch);
        }
        cat_item *it = &m->items[n];
        memset(it, 0, sizeof *it);
        it->src = (uint32_t)i;
        parse_date(it, a.date);
        it->group = (uint32_t)group_of(&gs, a.category, 1);
        it->digest = a.digest ? bt_idx_gets(&dmap, a.digest) : -1;
        it->pdf = a.pdf != NULL;
        char *key = bt_catalogue_sort_key(a.title);
        fill_chunk(&ch[n], key, 0);
        free(key);
        n++;
    }
    m->n = n;
    m->nothers = no;
    bt_idx_free(&dmap);
    size_t *dg_raw = bt_xcalloc(c->ndigests ? c->ndigests : 1, sizeof *dg_raw);
    for (size_t d = 0; d < c->ndigests; d++) dg_raw[d] = group_of(&gs, c->digests[d].category, 0); /* names come from articles */
    if (st == BT_OK) st = title_ranks(m, m->items, m->n, ch, e);
    free(ch);
    /* groups: display names, then Vietnamese order */
    size_t ng = gs.n;
    m->groups = bt_xcalloc(ng ? ng : 1, sizeof *m->groups);
    m->ngroups = ng;
    for (size_t g = 0; g < ng; g++) {
        cat_group *x = &m->groups[g];
        x->slug = gs.key.v[g];
        gs.key.v[g] = NULL;
        x->name = strcmp(x->slug, "khac") == 0 ? bt_xstrdup("Kh\xc3\xa1" "c")
                                               : bt_catalogue_category_name((const char *const *)gs.g[g].variants,
                                                                            gs.g[g].counts, gs.g[g].nv);
        x->sort_key = bt_catalogue_sort_key(x->name);
        x->index = g; /* the old position, for remapping below */
        for (size_t k = 0; k < gs.g[g].nv; k++) free(gs.g[g].variants[k]);
        free(gs.g[g].variants);
        free(gs.g[g].counts);
    }
    free(gs.g);
    bt_strvec_free(&gs.key);
    bt_map_free(&gs.keys);
    qsort(m->groups, ng, sizeof *m->groups, cmp_group);
    size_t *remap = bt_xcalloc(ng ? ng : 1, sizeof *remap);
    for (size_t g = 0; g < ng; g++) {
        remap[m->groups[g].index] = g;
        m->groups[g].index = g;
    }
    for (size_t i = 0; i < m->n; i++) m->items[i].group = (uint32_t)remap[m->items[i].group];
    m->digest_group = dg_raw;
    for (size_t d = 0; d < c->ndigests; d++) {
        m->digest_group[d] = remap[m->digest_group[d]];
        m->groups[m->digest_group[d]].ndigests++;
    }
    free(remap);
    if (st != BT_OK) return st; /* cat_model_free cleans up */
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
    /* category by category */
    m->by_group = bt_xmalloc((m->n ? m->n : 1) * sizeof *m->by_group);
    for (size_t i = 0; i < m->n; i++) m->by_group[i] = (uint32_t)i;
    rk_items = m->items;
    if (m->n) qsort(m->by_group, m->n, sizeof *m->by_group, cmp_by_group);
    rk_items = NULL;
    for (size_t g = 0, at = 0; g < ng; g++) {
        m->groups[g].start = at;
        at += m->groups[g].n;
    }
    /* each digest's newest article */
    m->digest_newest = bt_xmalloc((c->ndigests ? c->ndigests : 1) * sizeof *m->digest_newest);
    for (size_t d = 0; d < c->ndigests; d++) m->digest_newest[d] = -1;
    for (size_t i = 0; i < m->n; i++) {
        int32_t d = m->items[i].digest;
        if (d >= 0 && m->digest_newest[d] < 0) m->digest_newest[d] = (long)i;
    }
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
    if (m->spill) {
        spill_close(m->spill);
        free(m->spill->off);
        free(m->spill->buf);
        free(m->spill);
    }
    for (size_t g = 0; g < m->ngroups; g++) {
        free(m->groups[g].slug);
        free(m->groups[g].name);
        free(m->groups[g].sort_key);
    }
    free(m->items);
    free(m->others);
    free(m->groups);
    free(m->by_group);
    free(m->digest_group);
    free(m->digest_newest);
    memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------------- files */

void bt_catalogue_files_free(bt_cat_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(files[i].name);
        free(files[i].data);
    }
    free(files);
}

static bt_status render(const bt_catalogue *c, cat_out *o, bt_err *e)
{
    cat_model m;
    bt_status st = cat_model_build(c, o->dir, &m, e);
    if (st == BT_OK) st = cat_write_html(&m, o, e);
    if (st == BT_OK) st = cat_write_opds(&m, o, e);
    cat_model_free(&m);
    return st;
}

bt_status bt_catalogue_render(const bt_catalogue *c, bt_cat_file **files, size_t *nfiles, bt_err *e)
{
    cat_out o;
    memset(&o, 0, sizeof o);
    bt_status st = render(c, &o, e);
    if (st != BT_OK) {
        bt_catalogue_files_free(o.files, o.nfiles);
        o.files = NULL;
        o.nfiles = 0;
    }
    *files = o.files;
    *nfiles = o.nfiles;
    return st;
}

bt_status bt_catalogue_write(const char *dir, const bt_catalogue *c, bt_strvec *names, bt_err *e)
{
    cat_out o;
    memset(&o, 0, sizeof o);
    o.dir = dir;
    o.names = names;
    return render(c, &o, e);
}

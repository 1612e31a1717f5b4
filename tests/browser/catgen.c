/* catgen.c - catalogue-gen N DIR: the catalogue (index.html, opds.xml, opds/) of N made-up
 * articles, written into DIR as an archive writes it, without the PDFs and digests themselves.
 * For the big-page browser test (size and load time of a page of 100,000 articles) and for
 * measuring the catalogue's memory (the articles are made when asked for, so the peak RSS is the
 * catalogue's own). Articles: one every six hours from 1995, twelve categories (some spelled two
 * ways), titles of 5-11 Vietnamese words, an author on every third, a source URL on every
 * fourth, each in its category's monthly digest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "date.h"
#include "text.h"
#include "util.h"

static const char *const cats[] = {"Thời sự", "THỜI SỰ", "Kinh doanh", "Thể thao", "Giáo dục", "Sức khỏe", "SỨC KHOẺ",
                                   "Pháp luật", "Văn hóa", "Du lịch", "Khoa học", "An ninh – Quốc phòng", "Đời sống",
                                   "Xã hội"};
#define NCATS (sizeof cats / sizeof *cats)
static const char *const words[] = {
    "tỉnh", "ủy", "hà", "nội", "thành", "phố", "hồ", "chí", "minh", "đà", "nẵng", "hải", "phòng", "cần", "thơ",
    "kinh", "tế", "giáo", "dục", "đại", "học", "bóng", "đá", "đội", "tuyển", "việt", "nam", "sức", "khỏe",
    "bệnh", "viện", "người", "dân", "nông", "nghiệp", "lúa", "gạo", "xuất", "khẩu", "giao", "thông", "đường",
    "cao", "tốc", "dự", "án", "đầu", "tư", "doanh", "ngân", "hàng", "lãi", "suất", "thị", "trường", "chứng",
    "khoán", "công", "an", "điều", "tra", "vụ", "quốc", "hội", "chính", "phủ", "thủ", "tướng", "bộ", "học",
    "sinh", "viên", "mùa", "thi"};
#define NWORDS (sizeof words / sizeof *words)

typedef struct {
    size_t n;
    int64_t base;
    char title[512], date[40], author[64], url[96], pdf[256], digest[160];
} gen;

static uint32_t mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    return x ^ (x >> 16);
}

static void day_of(const gen *g, size_t i, bt_date *d)
{
    int64_t t = g->base + (int64_t)i * 6 * 3600;
    int64_t days = t / 86400, secs = t % 86400;
    /* civil from days (Howard Hinnant's algorithm) */
    int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    memset(d, 0, sizeof *d);
    d->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d->month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d->year = (int)(yoe + era * 400 + (d->month <= 2));
    d->hour = (int)(secs / 3600);
}

static size_t cat_of(size_t i)
{
    return mix((uint32_t)i * 2 + 1) % NCATS;
}

static bt_status get(void *ud, size_t i, bt_cat_article *a, bt_err *e)
{
    (void)e;
    gen *g = ud;
    uint32_t h = mix((uint32_t)i);
    bt_date d;
    day_of(g, i, &d);
    size_t nw = 5 + h % 7, at = 0;
    g->title[0] = '\0';
    for (size_t k = 0; k < nw; k++) {
        const char *w = words[mix(h + (uint32_t)k * 7919U) % NWORDS];
        at += (size_t)snprintf(g->title + at, sizeof g->title - at, "%s%s", k ? " " : "", w);
    }
    if (g->title[0] >= 'a' && g->title[0] <= 'z') g->title[0] = (char)(g->title[0] - 'a' + 'A');
    snprintf(g->title + at, sizeof g->title - at, " (số %zu)", i);
    snprintf(g->date, sizeof g->date, "%04d-%02d-%02dT%02d:00:00+07:00", d.year, d.month, d.day, d.hour);
    char *slug = bt_slugify(g->title, 80);
    snprintf(g->pdf, sizeof g->pdf, "articles/%04d/%02d/%04d-%02d-%02d-%s.pdf", d.year, d.month, d.year, d.month,
             d.day, slug);
    free(slug);
    size_t c = cat_of(i);
    char *cs = bt_catalogue_category_key(cats[c]); /* spellings of a category share it */
    snprintf(g->digest, sizeof g->digest, "digests/%s-%04d-%02d.epub", cs, d.year, d.month);
    free(cs);
    memset(a, 0, sizeof *a);
    a->title = g->title;
    a->category = cats[c];
    a->date = g->date;
    if (i % 3 == 0) {
        snprintf(g->author, sizeof g->author, "Tác giả %u", h % 97);
        a->author = g->author;
    }
    a->language = "vi";
    a->pdf = g->pdf;
    a->pdf_size = 15000 + h % 5000;
    a->digest = g->digest;
    if (i % 4 == 0) {
        snprintf(g->url, sizeof g->url, "https://example.vn/bai/%zu.html", i);
        a->url = g->url;
    }
    return BT_OK;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: catalogue-gen N DIR\n");
        return 2;
    }
    char *end;
    unsigned long long n = strtoull(argv[1], &end, 10);
    if (*end || n == 0 || n > 10000000ULL) {
        fprintf(stderr, "catalogue-gen: N must be 1..10000000\n");
        return 2;
    }
    gen g;
    memset(&g, 0, sizeof g);
    g.n = (size_t)n;
    g.base = 788940000; /* 1995-01-01 06:00 UTC */
    /* the digests: one per category and month, as many articles as fall in it */
    bt_cat_digest *dg = NULL;
    size_t nd = 0, cap = 0;
    bt_map seen = {0};
    char **paths = NULL;
    for (size_t i = 0; i < g.n; i++) {
        bt_cat_article a;
        get(&g, i, &a, NULL);
        int32_t k = bt_map_gets(&seen, a.digest);
        if (k < 0) {
            if (nd == cap) {
                cap = cap ? cap * 2 : 256;
                dg = bt_xrealloc(dg, cap * sizeof *dg);
                paths = bt_xrealloc(paths, cap * sizeof *paths);
            }
            paths[nd] = bt_xstrdup(a.digest);
            dg[nd] = (bt_cat_digest){paths[nd], a.category, "một tháng", 0, 40000};
            bt_map_puts(&seen, a.digest, (int32_t)nd);
            k = (int32_t)nd++;
        }
        dg[k].articles++;
    }
    bt_map_free(&seen);
    bt_catalogue cat = {NULL, g.n, dg, nd, "Lưu trữ thử", "Báo Thử", NULL, "catalogue-gen", 1685170800,
                        "bantin test", get, &g};
    char *css = NULL;
    char *tdir = bt_data_dir("templates");
    if (tdir) {
        char *p = bt_path_join(tdir, "default/catalogue.css");
        size_t len;
        if (bt_read_file(p, 1 << 20, &css, &len, NULL) == BT_OK) cat.css = css;
        free(p);
        free(tdir);
    }
    bt_strvec names = {0};
    bt_err e;
    bt_err_clear(&e);
    bt_status st = bt_catalogue_write(argv[2], &cat, &names, &e);
    if (st != BT_OK) fprintf(stderr, "catalogue-gen: %s\n", e.msg);
    else printf("%zu articles, %zu digests, %zu files\n", g.n, nd, names.n);
    bt_strvec_free(&names);
    for (size_t d = 0; d < nd; d++) free(paths[d]);
    free(paths);
    free(dg);
    free(css);
    return st == BT_OK ? 0 : 1;
}

/* test_catalogue.c - the archive catalogue from plain records: Vietnamese order, category
 * grouping and names, the search key, the page and the OPDS feeds parsed back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <jansson.h>

#include "harness.h"
#include "catalogue.h"

#include <utf8proc.h>

static int cmp_key(const void *a, const void *b)
{
    char *x = bt_catalogue_sort_key(*(const char *const *)a), *y = bt_catalogue_sort_key(*(const char *const *)b);
    int r = strcmp(x, y);
    free(x);
    free(y);
    return r;
}

static int count(xmlDocPtr doc, const char *xpath, xmlXPathContextPtr ctx0)
{
    xmlXPathContextPtr ctx = ctx0 ? ctx0 : xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST xpath, ctx);
    int n = o && o->nodesetval ? o->nodesetval->nodeNr : -1;
    xmlXPathFreeObject(o);
    if (!ctx0) xmlXPathFreeContext(ctx);
    return n;
}

static char *str(xmlDocPtr doc, const char *xpath, xmlXPathContextPtr ctx0)
{
    xmlXPathContextPtr ctx = ctx0 ? ctx0 : xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST xpath, ctx);
    char *s = o ? (char *)xmlXPathCastToString(o) : NULL;
    xmlXPathFreeObject(o);
    if (!ctx0) xmlXPathFreeContext(ctx);
    return s;
}

/* The page's JSON block (every article), parsed. */
static json_t *page_data(const bt_cat_file *hf)
{
    const char *open = hf ? strstr(hf->data, "<script type=\"application/json\" id=\"articles\">") : NULL;
    if (!open) return NULL;
    open = strchr(open, '>') + 1;
    const char *close = strstr(open, "</script>");
    return close ? json_loadb(open, (size_t)(close - open), 0, NULL) : NULL;
}

/* Articles through the callback (as the archive gives them), from an array. */
static bt_status get_article(void *ud, size_t i, bt_cat_article *a, bt_err *e)
{
    (void)e;
    *a = ((const bt_cat_article *)ud)[i];
    return BT_OK;
}

static const bt_cat_article *rank_arts;
static int cmp_title_order(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    int r = cmp_key(&rank_arts[a].title, &rank_arts[b].title);
    if (r) return r;
    r = strcmp(rank_arts[b].date, rank_arts[a].date); /* newest first */
    return r ? r : (a < b ? -1 : a > b);
}

static const bt_cat_file *file(const bt_cat_file *f, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].name, name) == 0) return &f[i];
    return NULL;
}

int main(void)
{
    /* Vietnamese alphabetical order: letters, then tones (none, grave, hook, tilde, acute, dot),
     * word by word */
    const char *words[] = {"bạ", "Đà Nẵng", "anh", "ăn", "ba", "An ninh", "bá", "bả", "âm", "bã", "bà", "ba ba",
                           "da", "dạ", "ê", "e", "ơn", "ôm", "om", "ưa", "ua", "Ba Đình", "1 năm", "Zalo"};
    const char *want[] = {"1 năm", "An ninh", "anh", "ăn", "âm", "ba", "ba ba", "Ba Đình", "bà", "bả", "bã", "bá", "bạ",
                          "da", "dạ", "Đà Nẵng", "e", "ê", "om", "ôm", "ơn", "ua", "ưa", "Zalo"};
    size_t nw = sizeof words / sizeof *words;
    qsort(words, nw, sizeof *words, cmp_key);
    int ok = 1;
    for (size_t i = 0; i < nw; i++)
        if (strcmp(words[i], want[i]) != 0) {
            printf("  at %zu: %s (want %s)\n", i, words[i], want[i]);
            ok = 0;
        }
    CHECK("order: Vietnamese alphabet, tones, word by word", ok);
    char *k1 = bt_catalogue_sort_key("Tỉnh"), *k2 = bt_catalogue_sort_key("Tỉnh"); /* NFC, NFD */
    CHECK("order: composed and decomposed text sort alike", strcmp(k1, k2) == 0);
    free(k1);
    free(k2);
    /* text without combining marks takes a quicker way to its decomposition than text with them
     * (utf8proc's): both ways give the same keys, letters of other scripts and Hangul included */
    {
        const char *texts[] = {"Đường Hồ Chí Minh: ặ ẫ ỡ Ự ữ", "Ελλάδα ΐ", "Йошкар-Ола ё", "한국어 뉴스",
                               "日本語 ｶﾞ", "Ǆemal ǅ ﬁ Å", "x\xc3\xa9\xcc\x81"};
        int same = 1;
        for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
            utf8proc_uint8_t *nfd = NULL;
            utf8proc_map((const utf8proc_uint8_t *)texts[i], 0, &nfd, UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE);
            /* the decomposed text has combining marks: utf8proc's way; the original: the quick one */
            char *a1 = bt_catalogue_sort_key(texts[i]), *a2 = bt_catalogue_sort_key((const char *)nfd);
            if (strcmp(a1, a2) != 0) {
                printf("  differs: %s\n", texts[i]);
                same = 0;
            }
            free(a1), free(a2), free(nfd);
        }
        CHECK("order: the quick decomposition gives utf8proc's keys", same);
    }

    /* categories */
    char *a = bt_catalogue_category_key("SỨC KHỎE"), *b = bt_catalogue_category_key("Sức khoẻ"),
         *c = bt_catalogue_category_key("GIÁO DỤC - HƯỚNG NGHIỆP"), *d = bt_catalogue_category_key("Giáo dục – Hướng nghiệp"),
         *k = bt_catalogue_category_key(NULL);
    CHECK("category: case and tone placement grouped", strcmp(a, b) == 0);
    CHECK("category: dash variants grouped", strcmp(c, d) == 0);
    CHECK_STR("category: none is khac", k, "khac");
    free(a), free(b), free(c), free(d), free(k);
    const char *v1[] = {"SỨC KHỎE", "Sức khỏe", "SỨC KHỎE"};
    size_t n1[] = {2, 1, 5};
    char *name = bt_catalogue_category_name(v1, n1, 2);
    CHECK_STR("category: a variant not in capitals wins", name, "Sức khỏe");
    free(name);
    const char *v2[] = {"AN NINH – QUỐC PHÒNG"};
    size_t n2[] = {3};
    name = bt_catalogue_category_name(v2, n2, 1);
    CHECK_STR("category: capitals become sentence case per part", name, "An ninh – Quốc phòng");
    free(name);
    char *sk = bt_catalogue_search_key("Tỉnh ủy Hải Dương, “Đà Nẵng” 27/05/2023");
    CHECK_STR("search key: folded words", sk, "tinh uy hai duong da nang 27 05 2023");
    free(sk);

    /* a catalogue */
    bt_cat_article arts[] = {
        {"Tỉnh ủy Hải Dương làm tốt công tác cơ yếu", "AN NINH – QUỐC PHÒNG", "2023-05-27T14:00:00+07:00", "Dương Trường",
         "vi", "articles/2023/05/2023-05-27-tinh-uy.pdf", 35265, "digests/an-ninh-quoc-phong-2023-05.epub",
         "https://example.vn/tinh-uy?a=1&b=2", NULL, NULL, "text-sha-1"},
        {"Giá vàng <b>tăng</b> & “nóng”", "KINH DOANH", "2020-10-03", NULL, "vi", "articles/2020/10/gia-vang.pdf", 1000,
         "digests/kinh-doanh-2020-10.epub", NULL, "ok", NULL, NULL},
        {"Cổ phiếu ngân hàng", "Kinh doanh", "2020-11-15", NULL, NULL, "articles/2020/11/co phieu.pdf", 2000,
         NULL, "javascript:alert(1)", NULL, NULL, NULL},
        {"Bài không ngày", NULL, NULL, NULL, NULL, "articles/undated/bai.pdf", 10, NULL, NULL, NULL, NULL, NULL},
        {"Đà Nẵng: “Cổ phiếu” tăng 10%", "Kinh doanh", "2020-11-20T08:30:00+07:00", NULL, NULL,
         "articles/2020/11/2020-11-20-da-nang-co-phieu-tang-10.pdf", 3000, NULL, NULL, NULL, NULL, NULL},
        {"Bài hỏng", "XÃ HỘI", "2021-01-01", NULL, NULL, NULL, 0, NULL, NULL, "failed", "empty article", NULL},
    };
    bt_cat_digest dgs[] = {
        {"digests/an-ninh-quoc-phong-2023-05.epub", "AN NINH – QUỐC PHÒNG", "tháng 05/2023", 1, 43245},
        {"digests/kinh-doanh-2020-10.epub", "Kinh doanh", "tháng 10/2020", 1, 50643},
    };
    bt_catalogue cat = {arts, 6, dgs, 2, "Lưu trữ thử", "Sở Thông tin", "body{color:#123}", "test-bag", 1685170800,
                        "bantin test", NULL, NULL};
    bt_cat_file *f = NULL, *f2 = NULL;
    size_t nf = 0, nf2 = 0;
    bt_err e;
    bt_err_clear(&e);
    CHECK("render: ok", bt_catalogue_render(&cat, &f, &nf, &e) == BT_OK && nf == 6);
    if (e.msg[0]) printf("  %s\n", e.msg);
    CHECK("render: same bytes twice", bt_catalogue_render(&cat, &f2, &nf2, &e) == BT_OK && nf2 == nf &&
                                          f2[0].len == f[0].len && memcmp(f[0].data, f2[0].data, f[0].len) == 0 &&
                                          memcmp(f[1].data, f2[1].data, f[1].len) == 0);
    bt_catalogue_files_free(f2, nf2);
    /* the same catalogue from a callback (as the archive gives its records): the same bytes */
    bt_catalogue viacb = cat;
    viacb.articles = NULL;
    viacb.get = get_article;
    viacb.get_ud = arts;
    CHECK("render: from a callback, the same bytes", bt_catalogue_render(&viacb, &f2, &nf2, &e) == BT_OK && nf2 == nf &&
                                                         f2[0].len == f[0].len && memcmp(f[0].data, f2[0].data, f[0].len) == 0 &&
                                                         f2[1].len == f[1].len && memcmp(f[1].data, f2[1].data, f[1].len) == 0);
    bt_catalogue_files_free(f2, nf2);

    mkdir("tests/out", 0755);
    bt_strvec names = {0};
    CHECK("write: files in a folder", bt_catalogue_write("tests/out/unit-catalogue", &cat, &names, &e) == BT_OK &&
                                          names.n == nf && strcmp(names.v[0], "index.html") == 0);
    for (size_t i = 0; i < names.n && i < nf; i++) { /* the same bytes as in memory */
        char *p = bt_path_join("tests/out/unit-catalogue", names.v[i]), *data = NULL;
        size_t len = 0;
        int same = bt_read_file(p, 1 << 24, &data, &len, NULL) == BT_OK && len == f[i].len && memcmp(data, f[i].data, len) == 0;
        if (!same) printf("  %s differs from the rendered file\n", names.v[i]);
        CHECK("write: a streamed file equals the rendered one", same);
        free(data);
        free(p);
    }
    bt_strvec_free(&names);
    struct stat sb;
    CHECK("write: opds/ made", stat("tests/out/unit-catalogue/opds/index.xml", &sb) == 0);

    const bt_cat_file *hf = file(f, nf, "index.html");
    htmlDocPtr h = hf ? htmlReadMemory(hf->data, (int)hf->len, "index.html", "UTF-8",
                                       HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET) : NULL;
    CHECK("html: parses", h != NULL);
    if (h) {
        CHECK("html: doctype and lang", hf->len > 15 && strncmp(hf->data, "<!DOCTYPE html>", 15) == 0 &&
                                            count(h, "/html[@lang='vi']", NULL) == 1);
        CHECK("html: one row per archived article", count(h, "//section[@class='cat']//tbody/tr", NULL) == 5);
        CHECK("html: one PDF link per archived article", count(h, "//a[substring(@href, string-length(@href) - 3) = '.pdf']", NULL) == 5);
        CHECK("html: categories grouped (3 sections: An ninh, Kinh doanh, Khác)", count(h, "//section[@class='cat']", NULL) == 3);
        char *s = str(h, "//section[@id='c-kinh-doanh']/h2/text()", NULL);
        CHECK_STR("html: KINH DOANH and Kinh doanh under one name", s, "Kinh doanh ");
        xmlFree(s);
        s = str(h, "//section[@id='c-an-ninh-quoc-phong']/h2/text()", NULL);
        CHECK_STR("html: a category only in capitals in sentence case", s, "An ninh – Quốc phòng ");
        xmlFree(s);
        CHECK("html: categories in Vietnamese order, none last",
              count(h, "//section[@class='cat'][1][@id='c-an-ninh-quoc-phong']", NULL) == 1 &&
                  count(h, "//section[@class='cat'][3][@id='c-khac']", NULL) == 1);
        json_t *pd = page_data(hf);
        json_t *ks = json_object_get(pd, "a"), *kd = json_array_get(ks, 1);
        CHECK("html: every article in the JSON block, category by category",
              json_array_size(ks) == 3 && json_array_size(json_array_get(ks, 0)) == 1 && json_array_size(kd) == 3 &&
                  json_array_size(json_array_get(ks, 2)) == 1 &&
                  strcmp(json_string_value(json_array_get(json_object_get(pd, "g"), 1)), "Kinh doanh") == 0);
        json_t *r0 = json_array_get(json_array_get(ks, 0), 0), *r1 = json_array_get(kd, 0);
        CHECK("html: a row: title, when, rank, PDF name, digest, author, source",
              json_array_size(r0) == 7 && strcmp(json_string_value(json_array_get(r0, 0)), arts[0].title) == 0 &&
                  json_integer_value(json_array_get(r0, 1)) == 202305271400LL &&
                  strcmp(json_string_value(json_array_get(r0, 3)), "tinh-uy") == 0 &&
                  json_integer_value(json_array_get(r0, 4)) == 0 &&
                  strcmp(json_string_value(json_array_get(r0, 5)), "Dương Trường") == 0 &&
                  strcmp(json_string_value(json_array_get(r0, 6)), arts[0].url) == 0);
        CHECK("html: the PDF name the page makes from the title is left out (1), trailing fields too",
              json_array_size(r1) == 4 && json_integer_value(json_array_get(r1, 3)) == 1 &&
                  json_integer_value(json_array_get(r1, 1)) == 202011200830LL);
        json_t *r2 = json_array_get(kd, 2);
        CHECK("html: a path outside the archive's names is given whole, a date without time as yyyymmdd",
              strcmp(json_string_value(json_array_get(r2, 3)), "articles/2020/10/gia-vang.pdf") == 0 &&
                  json_integer_value(json_array_get(r2, 1)) == 20201003);
        CHECK("html: no '<' in the JSON block", hf->data && !strstr(strstr(hf->data, "id=\"articles\">"), "<b>"));
        json_decref(pd);
        s = str(h, "//a[contains(@href, 'co%20phieu')]/@href", NULL);
        CHECK_STR("html: paths are percent-encoded", s, "articles/2020/11/co%20phieu.pdf");
        xmlFree(s);
        CHECK("html: only http(s) sources are linked", count(h, "//a[starts-with(@href, 'javascript')]", NULL) == 0 &&
                                                           count(h, "//a[@href='https://example.vn/tinh-uy?a=1&b=2']", NULL) == 1);
        CHECK("html: markup in titles is text", count(h, "//b", NULL) == 0 && hf->data && strstr(hf->data, "&lt;b&gt;tăng"));
        CHECK("html: one script, one data block, one style (the template's)",
              count(h, "//script[not(@type)]", NULL) == 1 && count(h, "//script[@type='application/json']", NULL) == 1 &&
                                                                  count(h, "//style[contains(., 'color:#123')]", NULL) == 1);
        CHECK("html: no external resources", count(h, "//script[@src] | //link[@rel='stylesheet'] | //img", NULL) == 0);
        CHECK("html: landmarks", count(h, "//header", NULL) == 1 && count(h, "//nav[@aria-label]", NULL) == 1 &&
                                     count(h, "//main[@id='main']", NULL) == 1 && count(h, "//footer", NULL) == 1);
        CHECK("html: the search box is labelled", count(h, "//label[@for='q'] | //input[@id='q'][@type='search']", NULL) == 2);
        CHECK("html: the chart is inline SVG with a title", count(h, "//svg[@role='img']/title", NULL) == 1 &&
                                                                count(h, "//svg//rect", NULL) == 3);
        CHECK("html: a failed article is listed apart, without a link", count(h, "//section[@class='others']//li", NULL) == 1);
        CHECK("html: the date range", (s = str(h, "//p[@class='summary']", NULL)) && strstr(s, "03/10/2020") && strstr(s, "27/05/2023"));
        xmlFree(s);
        CHECK("html: digests listed", count(h, "//section[@class='digests']//a[contains(@href, '.epub')]", NULL) == 2);
        xmlFreeDoc(h);
    }

    const bt_cat_file *of = file(f, nf, "opds.xml");
    xmlDocPtr x = of ? xmlReadMemory(of->data, (int)of->len, "opds.xml", NULL, XML_PARSE_NONET) : NULL;
    CHECK("opds: parses", x != NULL);
    if (x) {
        xmlXPathContextPtr ctx = xmlXPathNewContext(x);
        xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
        xmlXPathRegisterNs(ctx, BAD_CAST "opds", BAD_CAST "http://opds-spec.org/2010/catalog");
        CHECK("opds: an Atom feed with id, title, updated, author", count(x, "/a:feed/a:id", ctx) == 1 &&
                                                                        count(x, "/a:feed/a:title", ctx) == 1 &&
                                                                        count(x, "/a:feed/a:updated[.='2023-05-27T07:00:00Z']", ctx) == 1 &&
                                                                        count(x, "/a:feed/a:author/a:name", ctx) == 1);
        CHECK("opds: self and start", count(x, "/a:feed/a:link[@rel='self'][@href='opds.xml']", ctx) == 1 &&
                                          count(x, "/a:feed/a:link[@rel='start'][@href='opds.xml']", ctx) == 1);
        CHECK("opds: every digest and archived article", count(x, "/a:feed/a:entry", ctx) == 7);
        CHECK("opds: each with one acquisition link of its type",
              count(x, "/a:feed/a:entry[count(a:link[@rel='http://opds-spec.org/acquisition'][@type]) = 1]", ctx) == 7 &&
                  count(x, "//a:link[@rel='http://opds-spec.org/acquisition'][@type='application/pdf']", ctx) == 5);
        CHECK("opds: facets per category", count(x, "/a:feed/a:link[@rel='http://opds-spec.org/facet'][@opds:facetGroup]", ctx) == 3);
        char *id1 = str(x, "/a:feed/a:entry[a:link[contains(@href, 'tinh-uy')]]/a:id", ctx);
        CHECK("opds: an article's id comes from its key (stays when the files move)",
              id1 && strncmp(id1, "urn:uuid:", 9) == 0 && strlen(id1) == 45);
        xmlFree(id1);
        CHECK("opds: newest first", count(x, "/a:feed/a:entry[1]/a:updated[.='2023-05-27T14:00:00+07:00']", ctx) == 1);
        xmlXPathFreeContext(ctx);
        xmlFreeDoc(x);
    }
    const bt_cat_file *nv = file(f, nf, "opds/index.xml");
    x = nv ? xmlReadMemory(nv->data, (int)nv->len, "index.xml", NULL, XML_PARSE_NONET) : NULL;
    if (x) {
        xmlXPathContextPtr ctx = xmlXPathNewContext(x);
        xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
        CHECK("opds: navigation feed without acquisition links",
              count(x, "//a:link[starts-with(@rel, 'http://opds-spec.org/acquisition')]", ctx) == 0 &&
                  count(x, "/a:feed/a:link[@rel='self'][contains(@type, 'kind=navigation')]", ctx) == 1 &&
                  count(x, "/a:feed/a:entry/a:link[contains(@type, 'kind=acquisition')]", ctx) == 4);
        xmlXPathFreeContext(ctx);
        xmlFreeDoc(x);
    } else {
        CHECK("opds: navigation feed", 0);
    }
    CHECK("opds: one feed per category", file(f, nf, "opds/cat-kinh-doanh.xml") && file(f, nf, "opds/cat-khac.xml") &&
                                             file(f, nf, "opds/cat-an-ninh-quoc-phong.xml"));
    bt_catalogue_files_free(f, nf);

    /* title order without holding the titles: 400 titles that share long beginnings (several
     * rounds of 32-byte pieces, runs above and below the size settled at once), some the same */
    enum { NR = 400 };
    bt_cat_article *many = calloc(NR, sizeof *many);
    char (*titles)[160] = calloc(NR, sizeof *titles), (*dates)[32] = calloc(NR, sizeof *dates);
    const char *stems[] = {"Thành phố Hồ Chí Minh tổ chức hội nghị tổng kết công tác năm", "Thành phố Hồ Chí Minh tổ chức",
                           "Hà Nội", "Hà Nội: "};
    for (size_t i = 0; i < NR; i++) {
        unsigned v = (unsigned)(i * 2654435761u >> 7);
        snprintf(titles[i], sizeof titles[i], "%s %s %u", stems[v % 4], v % 3 ? "Đà" : "đá", v % 37);
        snprintf(dates[i], sizeof dates[i], "2021-%02u-%02uT%02u:00:00+07:00", v % 12 + 1, v % 28 + 1, v % 24);
        many[i] = (bt_cat_article){titles[i], v % 5 ? "Thời sự" : "Kinh tế", dates[i], NULL, NULL, NULL, 0, NULL, NULL,
                                   NULL, NULL, NULL};
    }
    bt_catalogue big = {NULL, NR, NULL, 0, "t", NULL, NULL, "seed", 0, NULL, get_article, many};
    CHECK("render: 400 articles", bt_catalogue_render(&big, &f2, &nf2, &e) == BT_OK);
    json_t *bd = page_data(file(f2, nf2, "index.html"));
    size_t want_rank[NR], byrank[NR], got = 0, bad = 0;
    rank_arts = many;
    for (size_t i = 0; i < NR; i++) byrank[i] = i;
    qsort(byrank, NR, sizeof *byrank, cmp_title_order);
    for (size_t r = 0; r < NR; r++) want_rank[byrank[r]] = r;
    json_t *cats = json_object_get(bd, "a"), *cnames = json_object_get(bd, "g");
    for (size_t g = 0; g < json_array_size(cats); g++) {
        const char *cname = json_string_value(json_array_get(cnames, g));
        json_t *rows = json_array_get(cats, g);
        for (size_t q = 0; q < json_array_size(rows); q++, got++) {
            json_t *r = json_array_get(rows, q);
            const char *t = json_string_value(json_array_get(r, 0));
            size_t rank = (size_t)json_integer_value(json_array_get(r, 2)), i = byrank[rank < NR ? rank : 0];
            if (rank >= NR || strcmp(many[i].title, t) != 0 || strcmp(many[i].category, cname) != 0 || want_rank[i] != rank) bad++;
        }
    }
    CHECK("title order: every rank as a sort by the whole key gives", got == NR && bad == 0);
    if (bad) printf("  %zu of %zu ranks differ\n", bad, got);
    json_decref(bd);
    bt_catalogue_files_free(f2, nf2);
    free(many);
    free(titles);
    free(dates);

    /* an empty archive still makes a valid page and feed */
    bt_catalogue empty = {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, -1, NULL, NULL, NULL};
    CHECK("render: an empty archive", bt_catalogue_render(&empty, &f, &nf, &e) == BT_OK && nf == 3);
    bt_catalogue_files_free(f, nf);
    TEST_END();
}

/* test_html.c - unit tests for the HTML input modules: charset detection and decoding, the
 * site rules, and image loading/conversion (JPEG, PNG, WebP, GIF, data:,
 * refused paths), plus bt_html_parse on small pages. */
#include <stdio.h>

#include <gif_lib.h>
#include <jpeglib.h>
#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <webp/encode.h>

#include "article.h"
#include "date.h"
#include "charset.h"
#include "extract.h"
#include "harness.h"
#include "image.h"
#include "input.h"
#include "site.h"
#include "util.h"

static char *to_utf8(const char *bytes, const char *cs)
{
    char *out = NULL;
    size_t n = 0;
    bt_err e;
    if (bt_charset_to_utf8(bytes, strlen(bytes), cs, &out, &n, NULL, &e) != BT_OK) return NULL;
    return out;
}

static void test_charset(void)
{
    char name[48];
    size_t bom = 0;
    const char *p1 = "<html><head><meta charset=\"ISO-8859-2\"></head><body>\xB1</body></html>";
    CHECK("declared charset wins", bt_charset_detect(p1, strlen(p1), name, sizeof name, &bom) == BT_CS_FROM_DECLARED &&
                                       strcmp(name, "ISO-8859-2") == 0);
    const char *p2 = "\xEF\xBB\xBF<html><body>x</body></html>";
    CHECK("UTF-8 BOM", bt_charset_detect(p2, strlen(p2), name, sizeof name, &bom) == BT_CS_FROM_BOM && bom == 3);
    const char *p3 = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><p>\xCF\xF0\xE8</p>";
    bt_charset_detect(p3, strlen(p3), name, sizeof name, NULL);
    CHECK_STR("http-equiv charset", name, "windows-1251");
    const char *p4 = "<!-- <meta charset=\"koi8-r\"> --><meta charset='utf-8'><p>Vi\xE1\xBB\x87t</p>";
    bt_charset_detect(p4, strlen(p4), name, sizeof name, NULL);
    CHECK_STR("meta in a comment ignored", name, "UTF-8");
    const char *p5 = "<meta charset=\"utf-8\"><p>Gr\xFC\xDF" "e aus M\xFCnchen, sch\xF6ne Gr\xFC\xDF" "e</p>";
    bt_charset_detect(p5, strlen(p5), name, sizeof name, NULL);
    CHECK("declared UTF-8 but not UTF-8 is detected", strcmp(name, "UTF-8") != 0);
    char canon[48];
    bt_charset_canonical("latin1", canon, sizeof canon);
    CHECK_STR("latin1 is windows-1252", canon, "windows-1252");
    bt_charset_canonical("x-viet-vni", canon, sizeof canon);
    CHECK_STR("VNI label", canon, "VNI");
    bt_charset_canonical("no-such-thing", canon, sizeof canon);
    CHECK_STR("unknown label", canon, "");

    char *s = to_utf8("\x93quoted\x94 \x80", "windows-1252");
    CHECK_STR("windows-1252 C1 range", s, "\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC");
    free(s);
    /* TCVN3: "Việt Nam" = V i 0xD6 t  N a m */
    s = to_utf8("Vi\xD6t Nam \xA7\xE9\x63 l\xCB\x70", "TCVN3");
    CHECK_STR("TCVN3 decoding", s, "Vi\xE1\xBB\x87t Nam \xC4\x90\xE1\xBB\x99\x63 l\xE1\xBA\xAD\x70");
    free(s);
    /* VNI: "Vieät" = Việt (decomposed: e + U+0302 + U+0323) */
    s = to_utf8("Vie\xE4t", "VNI");
    CHECK_STR("VNI decoding (decomposed)", s, "Vie\xCC\x82\xCC\xA3t");
    free(s);
    s = to_utf8("\xF6\xF4\xF8", "VNI"); /* ư ơ + grave */
    CHECK_STR("VNI horn letters", s, "\xC6\xB0\xC6\xA1\xCC\x80");
    free(s);
    s = to_utf8("a\xFF" "b", "UTF-8");
    CHECK_STR("invalid UTF-8 repaired", s, "a\xEF\xBF\xBD" "b");
    free(s);
    size_t nbad = 0, n = 0;
    char *out = NULL;
    bt_err e;
    bt_charset_to_utf8("ab\x81" "c", 4, "windows-1252", &out, &n, &nbad, &e);
    CHECK("undefined windows-1252 byte counted", nbad == 1 && out && strstr(out, "\xEF\xBF\xBD"));
    free(out);
}

static void test_site(void)
{
    bt_site_rules *r = bt_site_rules_parse("# test\nhost example.vn\ncontent article.fck_detail\nremove #comments\n");
    CHECK("site rules parse", r != NULL);
    CHECK("host matches subdomain", bt_site_rules_host(r, "https://www.example.vn/a.html"));
    CHECK("host does not match suffix", !bt_site_rules_host(r, "https://badexample.vn/a.html"));
    xmlNodePtr n = xmlNewNode(NULL, BAD_CAST "article");
    xmlNewProp(n, BAD_CAST "class", BAD_CAST "x fck_detail");
    CHECK("content selector matches", bt_site_match(r, BT_SITE_CONTENT, n));
    CHECK("remove selector does not match", !bt_site_match(r, BT_SITE_REMOVE, n));
    xmlFreeNode(n);
    bt_site_rules_free(r);
    CHECK("bad rule refused", bt_site_rules_parse("frobnicate everything\n") == NULL);
}

/* ---- images made here with the encoders ---- */

static unsigned char *make_jpeg(int w, int h, size_t *len)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    unsigned char *buf = NULL;
    unsigned long size = 0;
    jpeg_mem_dest(&c, &buf, &size);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_start_compress(&c, TRUE);
    unsigned char *row = calloc((size_t)w * 3, 1);
    while (c.next_scanline < c.image_height) {
        JSAMPROW rp = row;
        jpeg_write_scanlines(&c, &rp, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    *len = size;
    return buf;
}

static unsigned char *make_webp(int w, int h, size_t *len)
{
    unsigned char *rgba = calloc((size_t)w * (size_t)h, 4);
    for (int i = 0; i < w * h; i++) rgba[i * 4 + 1] = 200, rgba[i * 4 + 3] = 255;
    uint8_t *out = NULL;
    *len = WebPEncodeLosslessRGBA(rgba, w, h, w * 4, &out);
    free(rgba);
    return out;
}

typedef struct { unsigned char *d; size_t n; } gbuf;
static int gif_write(GifFileType *g, const GifByteType *b, int n)
{
    gbuf *o = g->UserData;
    o->d = realloc(o->d, o->n + (size_t)n);
    memcpy(o->d + o->n, b, (size_t)n);
    o->n += (size_t)n;
    return n;
}

static unsigned char *make_gif(int w, int h, size_t *len)
{
    gbuf o = {NULL, 0};
    int err = 0;
    GifFileType *g = EGifOpen(&o, gif_write, &err);
    GifColorType cols[2] = {{255, 0, 0}, {0, 0, 255}};
    ColorMapObject *cm = GifMakeMapObject(2, cols);
    EGifPutScreenDesc(g, w, h, 1, 0, cm);
    EGifPutImageDesc(g, 0, 0, w, h, false, NULL);
    GifPixelType *line = calloc((size_t)w, 1);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) line[x] = (GifPixelType)((x + y) & 1);
        EGifPutLine(g, line, w);
    }
    free(line);
    EGifCloseFile(g, &err);
    GifFreeMapObject(cm);
    *len = o.n;
    return o.d;
}

static void test_images(void)
{
    const char *why = NULL;
    size_t n;
    unsigned char *j = make_jpeg(33, 21, &n);
    bt_image *im = bt_image_from_bytes(j, n, "photo.jpeg", &why);
    CHECK("JPEG kept as is", im && strcmp(im->mime, "image/jpeg") == 0 && im->width == 33 && im->height == 21 &&
                                 im->len == n && strcmp(im->name, "photo.jpg") == 0);
    bt_image_free(im);
    im = bt_image_from_bytes(j, 40, "cut.jpg", &why);
    CHECK("truncated JPEG refused", im == NULL);
    free(j);
    unsigned char *w = make_webp(17, 9, &n);
    im = bt_image_from_bytes(w, n, "pic.webp", &why);
    CHECK("WebP converted to PNG", im && strcmp(im->mime, "image/png") == 0 && im->width == 17 && im->height == 9 &&
                                       strcmp(im->name, "pic.png") == 0 && memcmp(im->data, "\x89PNG", 4) == 0);
    bt_image_free(im);
    w[n / 2] ^= 0xFF;
    w[n / 2 + 1] ^= 0xFF;
    im = bt_image_from_bytes(w, n / 2, "bad.webp", &why);
    CHECK("corrupt WebP refused", im == NULL);
    WebPFree(w);
    unsigned char *g = make_gif(12, 7, &n);
    im = bt_image_from_bytes(g, n, "anim.gif", &why);
    CHECK("GIF converted to PNG", im && strcmp(im->mime, "image/png") == 0 && im->width == 12 && im->height == 7);
    /* the converted PNG decodes to the GIF's pixels */
    if (im) {
        png_image pi;
        memset(&pi, 0, sizeof pi);
        pi.version = PNG_IMAGE_VERSION;
        png_image_begin_read_from_memory(&pi, im->data, im->len);
        pi.format = PNG_FORMAT_RGBA;
        unsigned char *px = malloc(PNG_IMAGE_SIZE(pi));
        png_image_finish_read(&pi, NULL, px, 0, NULL);
        CHECK("GIF pixels survive", px[0] == 255 && px[2] == 0 && px[4] == 0 && px[6] == 255);
        free(px);
    }
    bt_image_free(im);
    im = bt_image_from_bytes(g, 20, "cut.gif", &why);
    CHECK("truncated GIF refused", im == NULL);
    free(g);
    im = bt_image_from_bytes((const unsigned char *)"BM....", 6, "x.bmp", &why);
    CHECK("BMP refused with a reason", im == NULL && why && strstr(why, "BMP"));

    bt_article *a = bt_article_new();
    im = bt_image_load("data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", NULL, a);
    CHECK("data: URI GIF loaded without a folder", im && im->width == 1 && strcmp(im->mime, "image/png") == 0);
    bt_image_free(im);
    im = bt_image_load("data:image/png;base64,!!!!", NULL, a);
    CHECK("bad data: URI refused", im == NULL);
    size_t before = a->nwarnings;
    CHECK("remote URL not fetched", bt_image_load("https://example.invalid/a.jpg", ".", a) == NULL &&
                                        a->nwarnings == before + 1);
    CHECK("file: URL refused", bt_image_load("file:///etc/passwd", ".", a) == NULL);
    CHECK("absolute path refused", bt_image_load("/etc/passwd", ".", a) == NULL);
    CHECK("../ escape refused", bt_image_load("x/../../etc/passwd", ".", a) == NULL);
    CHECK("%2e%2e escape refused", bt_image_load("%2e%2e/%2e%2e/etc/passwd", ".", a) == NULL);
    CHECK("NUL trick refused", bt_image_load("a.png%00.jpg", ".", a) == NULL);
    CHECK("warnings recorded", a->nwarnings >= before + 6);
    bt_article_free(a);
}

static void test_parse(void)
{
    const char *page =
        "<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Tiêu đề bài - Báo Mẫu</title>"
        "<meta property=\"og:site_name\" content=\"Báo Mẫu\">"
        "<meta property=\"article:published_time\" content=\"2023-05-27T14:00:00+07:00\">"
        "<link rel=\"canonical\" href=\"https://bao.example/tieu-de.html\"></head><body>"
        "<nav><a href=\"/\">Trang chủ</a><a href=\"/tt\">Thời sự</a></nav>"
        "<ul class=\"breadcrumb\"><li><a href=\"/\">Trang chủ</a></li><li><a href=\"/ts\">Thời sự</a></li></ul>"
        "<article><h1>Tiêu đề bài</h1><p class=\"sapo\">Đoạn mở đầu tóm tắt của bài báo, dài hơn bốn mươi ký tự.</p>"
        "<p>Đoạn thứ nhất của bài, có dấu phẩy, đủ dài để tính là nội dung.</p>"
        "<h2>Tiểu mục</h2><ul><li>Ý thứ nhất</li><li>Ý thứ hai</li></ul>"
        "<blockquote>Trích dẫn dài đủ để thành một khối trích dẫn trong bài.</blockquote>"
        "<p>Đoạn cuối cùng của bài, cũng đủ dài để được giữ lại, có dấu phẩy.</p>"
        "<p class=\"author\">Nguyễn Văn A</p></article>"
        "<div class=\"related-news\"><a href=\"/1\">Tin liên quan một</a><a href=\"/2\">Tin liên quan hai</a></div>"
        "<footer>Bản quyền thuộc về Báo Mẫu</footer></body></html>";
    bt_article *a = bt_article_new();
    bt_err e;
    bt_status st = bt_html_parse(page, strlen(page), NULL, a, &e);
    CHECK("small page parses", st == BT_OK);
    CHECK_STR("title from h1, site suffix gone", a->title, "Tiêu đề bài");
    CHECK_STR("author from byline", a->author, "Nguyễn Văn A");
    CHECK_STR("category from breadcrumb", a->category, "Thời sự");
    CHECK_STR("lead from sapo", a->lead, "Đoạn mở đầu tóm tắt của bài báo, dài hơn bốn mươi ký tự.");
    CHECK_STR("canonical URL", a->source_url, "https://bao.example/tieu-de.html");
    char iso[32];
    bt_date_iso(&a->published, iso);
    CHECK_STR("published", iso, "2023-05-27T14:00:00+07:00");
    CHECK("blocks in order", a->nblocks == 6 && a->blocks[0].type == BT_BLOCK_PARAGRAPH &&
                                 a->blocks[1].type == BT_BLOCK_HEADING && a->blocks[1].level == 2 &&
                                 a->blocks[2].type == BT_BLOCK_LIST_ITEM && a->blocks[3].type == BT_BLOCK_LIST_ITEM &&
                                 a->blocks[4].type == BT_BLOCK_QUOTE && a->blocks[5].type == BT_BLOCK_PARAGRAPH);
    int leak = 0;
    for (size_t i = 0; i < a->nblocks; i++)
        if (strstr(a->blocks[i].text, "liên quan") || strstr(a->blocks[i].text, "Bản quyền") ||
            strstr(a->blocks[i].text, "Trang chủ") || strstr(a->blocks[i].text, "Nguyễn Văn A"))
            leak = 1;
    CHECK("no nav, related, footer or byline in the body", !leak);
    bt_article_free(a);

    const char *utc = "<html lang=\"vi\"><head><meta property=\"article:published_time\" "
                      "content=\"2022-02-13T20:08:35Z\"><title>T</title></head><body><p>Một đoạn văn "
                      "bản đủ dài để được coi là nội dung của bài viết này.</p></body></html>";
    a = bt_article_new();
    bt_html_parse(utc, strlen(utc), NULL, a, &e);
    bt_date_iso(&a->published, iso);
    CHECK_STR("UTC time shown in Vietnam time", iso, "2022-02-14T03:08:35+07:00");
    bt_article_free(a);

    a = bt_article_new();
    st = bt_html_parse("<html><body></body></html>", 26, NULL, a, &e);
    CHECK("empty page is an error", st == BT_EEMPTY);
    bt_article_free(a);
}

/* JSON-LD authors in the shapes generators write: a name given as an array, "creator" alone. */
static void test_ld_author_shapes(void)
{
    static const char *const lds[] = {
        "[{\"@type\":\"BreadcrumbList\"},{\"@type\":[\"NewsArticle\"],\"author\":{\"@type\":\"Person\",\"name\":[\"Jane Doe\"]}}]",
        "{\"@type\":\"NewsArticle\",\"creator\":[\"Jane Doe\"]}"};
    for (size_t k = 0; k < sizeof lds / sizeof lds[0]; k++) {
        char *page = bt_xasprintf("<html><head><title>T</title><script type=\"application/ld+json\">%s</script>"
                                  "</head><body><article><h1>T</h1><p>First paragraph of the article, long "
                                  "enough, with a comma.</p></article></body></html>", lds[k]);
        bt_article *a = bt_article_new();
        bt_err e;
        bt_status st = bt_html_parse(page, strlen(page), NULL, a, &e);
        CHECK(k ? "JSON-LD creator is the author" : "JSON-LD author name as an array",
              st == BT_OK && a->author && strcmp(a->author, "Jane Doe") == 0);
        bt_article_free(a);
        free(page);
    }
}

/* No date on the page: the one in its own address ("/2019/11/19/", "-20201001115305629.htm"). */
static void test_url_date(void)
{
    static const char *const urls[] = {"https://news.example.com/2019/11/19/oil-prices-fall/",
                                       "https://baomau.vn/giao-duc/lao-cai-20201001115305629.htm",
                                       "https://baomau.vn/tin-4954454.html"};
    static const char *const want[] = {"2019-11-19", "2020-10-01T11:53:05+07:00", ""};
    for (size_t k = 0; k < 3; k++) {
        char *page = bt_xasprintf("<html lang=\"vi\"><head><title>T</title><link rel=\"canonical\" href=\"%s\">"
                                  "</head><body><article><h1>T</h1><p>First paragraph of the article, long "
                                  "enough, with a comma.</p></article></body></html>", urls[k]);
        bt_article *a = bt_article_new();
        bt_err e;
        bt_status st = bt_html_parse(page, strlen(page), NULL, a, &e);
        char iso[32];
        bt_date_iso(&a->published, iso);
        CHECK(k == 0 ? "date from /YYYY/MM/DD/ in the address" : k == 1 ? "date and time from a time stamp in the address"
                                                                       : "an article number is no date",
              st == BT_OK && strcmp(iso, want[k]) == 0);
        bt_article_free(a);
        free(page);
    }
}

/* What the parser is spared (attributes nobody reads, script and drawing text, blank runs between
 * tags) changes nothing that the extractor reads, whatever the markup looks like. */
static void test_slim(void)
{
    const char *page =
        "<html lang=\"vi\"><head><meta charset=\"utf-8\">"
        "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":"
        "\"B\xC3\xA0i <b onclick=\\\"x\\\" title='t'>\xC4\x91\xE1\xBA\xADm</b>\"}</script></head>\n   \n  <body>"
        "<svg viewBox=\"0 0 1 1\"><title>SVG-TITLE</title><text>SVG-TEXT</text></svg>"
        "<svg><svg></svg><text>NESTED-SVG</text></svg>"
        "<article title=x data-a=1 class=content>"
        "<div onclick=\"if (a > b) go()\" data-track='x>y' class=\"sapo\"id=\"s1\">\xC4\x90o\xE1\xBA\xA1n m\xE1\xBB\x9F "
        "\xC4\x91\xE1\xBA\xA7u t\xC3\xB3m t\xE1\xBA\xAFt c\xE1\xBB\xA7\x61 b\xC3\xA0i, d\xC3\xA0i h\xC6\xA1n b\xE1\xBB\x91n m\xC6\xB0\xC6\xA1i k\xC3\xBD t\xE1\xBB\xB1.</div>"
        "\n    <p @click=\"x\" style=\"display: none\">HIDDEN-TEXT</p>\n"
        "    <p title=\"a &quot;b&quot;\"   class  =  'text'>First paragraph of the article, long enough, with a comma.</p>   \n\t  "
        "<p>Second <b>bold</b>   <i>italic</i> paragraph of the article, with a comma too.</p></article></body></html>";
    bt_article *a = bt_article_new();
    bt_err e;
    bt_status st = bt_html_parse(page, strlen(page), NULL, a, &e);
    CHECK("slimmed page parses", st == BT_OK);
    CHECK("JSON-LD text kept as it is", a->title && strstr(a->title, "onclick=\"x\" title='t'"));
    CHECK("class after a dropped attribute with '>' in it (lead)", a->lead && strstr(a->lead, "m\xE1\xBB\x9F"));
    int bad = 0, first = 0, second = 0;
    for (size_t i = 0; i < a->nblocks; i++) {
        const char *t = a->blocks[i].text;
        bad |= strstr(t, "SVG-") || strstr(t, "HIDDEN-TEXT") || strstr(t, "NESTED") != NULL;
        first |= strcmp(t, "First paragraph of the article, long enough, with a comma.") == 0;
        second |= strcmp(t, "Second bold italic paragraph of the article, with a comma too.") == 0;
    }
    CHECK("drawings and hidden text left out", !bad);
    CHECK("text between tags as before", first && second);
    bt_article_free(a);
}

int main(void)
{
    test_charset();
    test_site();
    test_images();
    test_parse();
    test_slim();
    test_ld_author_shapes();
    test_url_date();
    TEST_END();
}

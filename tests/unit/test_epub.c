/* test_epub.c - bt_epub_render on articles built in memory: every block type, images (a PNG is
 * packaged stored, a broken image is left out but its alt text kept), hostile strings, options,
 * reproducibility. The rich book is also written to tests/out/unit-epub/rich.epub, which
 * tests/e2e/30-epub.sh hands to epubcheck and inspects. Run from the repository root. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "out_epub.h"

/* A valid 1x1 RGBA PNG. */
static const unsigned char png1[] = {
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
    0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00,
    0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49,
    0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};

static bt_image *image(const unsigned char *d, size_t n, const char *mime)
{
    bt_image *img = bt_xcalloc(1, sizeof *img);
    img->data = bt_xmalloc(n);
    memcpy(img->data, d, n);
    img->len = n;
    img->mime = bt_xstrdup(mime);
    img->width = 1;
    img->height = 1;
    img->name = bt_xstrdup("x.png");
    return img;
}

static bt_article *rich(void)
{
    bt_article *a = bt_article_new();
    bt_block *b;
    bt_article_set(&a->title, "Giá xăng & dầu <giảm> \"mạnh\" – 'lần 3' 🚗");
    bt_article_set(&a->category, "KINH DOANH & <TÀI CHÍNH>");
    bt_article_set(&a->author, "Nguyễn Văn A");
    bt_article_set(&a->lead, "Sapo: giá xăng giảm lần thứ ba liên tiếp.");
    bt_article_set(&a->source_url, "https://example.com/a?x=1&y=<2>");
    a->published = (bt_date){2023, 5, 27, 14, 0, 0, 1, 420};
    bt_article_add(a, BT_BLOCK_PARAGRAPH, "Đoạn một với ký tự đặc biệt: a < b && c > d; \"trích\".");
    bt_article_add(a, BT_BLOCK_HEADING, "Tiêu đề phụ")->level = 2;
    b = bt_article_add(a, BT_BLOCK_IMAGE, "Ảnh minh họa");
    b->image = image(png1, sizeof png1, "image/png");
    bt_article_add(a, BT_BLOCK_CAPTION, "Chú thích ảnh. Ảnh: Tác giả");
    bt_article_add(a, BT_BLOCK_QUOTE, "Một câu trích dẫn dài.");
    bt_article_add(a, BT_BLOCK_LIST_ITEM, "mục một")->level = 0;
    bt_article_add(a, BT_BLOCK_LIST_ITEM, "mục hai")->level = 0;
    bt_article_add(a, BT_BLOCK_LIST_ITEM, "bước một")->level = 1;
    b = bt_article_add(a, BT_BLOCK_IMAGE, "Ảnh hỏng");
    b->image = image((const unsigned char *)"not an image at all", 19, "image/jpeg");
    bt_article_add(a, BT_BLOCK_HEADING, "Tiêu đề cấp 9")->level = 9;
    bt_article_add(a, BT_BLOCK_PARAGRAPH, "Đoạn cuối.");
    return a;
}

static bt_article *plain(const char *title, const char *cat, int day)
{
    bt_article *a = bt_article_new();
    bt_article_set(&a->title, title);
    bt_article_set(&a->category, cat);
    a->published = (bt_date){2023, 5, day, 0, 0, 0, 0, 420};
    bt_article_add(a, BT_BLOCK_PARAGRAPH, "Nội dung bài viết.");
    return a;
}

static int contains(const unsigned char *hay, size_t n, const void *needle, size_t m)
{
    for (size_t i = 0; m <= n && i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0) return 1;
    return 0;
}

int main(void)
{
    bt_epub_opts o;
    unsigned char *out = NULL, *out2 = NULL;
    size_t len = 0, len2 = 0;
    bt_err e;
    bt_article *a = rich();

    if (!getenv("BANTIN_DATA_DIR")) setenv("BANTIN_DATA_DIR", ".", 1);
    memset(&o, 0, sizeof o);
    o.group = BT_GROUP_CATEGORY;
    o.sort = BT_SORT_DATE;
    o.epoch = 1685170800;

    bt_err_clear(&e);
    CHECK("epub: render a rich article", bt_epub_render(&a, 1, &o, &out, &len, &e) == BT_OK);
    CHECK("epub: output starts with a stored mimetype",
          out && len > 60 && memcmp(out, "PK\003\004", 4) == 0 && out[8] == 0 && out[9] == 0 &&
              memcmp(out + 30, "mimetypeapplication/epub+zip", 28) == 0);
    CHECK("epub: the PNG is packaged (stored, bytes intact)",
          out && contains(out, len, png1, sizeof png1));
    CHECK("epub: the PNG has its name in the package",
          out && contains(out, len, "OEBPS/images/a0001-01.png", 25));
    CHECK("epub: the broken image is left out",
          out && !contains(out, len, "not an image at all", 19) &&
              !contains(out, len, "OEBPS/images/a0001-02", 21));
    bt_err_clear(&e);
    CHECK("epub: same bytes twice",
          bt_epub_render(&a, 1, &o, &out2, &len2, &e) == BT_OK && len == len2 &&
              memcmp(out, out2, len) == 0);
    free(out2);
    out2 = NULL;
    mkdir("tests/out", 0755);
    mkdir("tests/out/unit-epub", 0755);
    bt_err_clear(&e);
    CHECK("epub: rich book saved for epubcheck",
          bt_write_file_atomic("tests/out/unit-epub/rich.epub", out, len, &e) == BT_OK);
    free(out);
    out = NULL;

    /* A digest with the cover and no fonts. */
    {
        bt_article *d[3] = {plain("Bài C", "XÃ HỘI", 3), plain("Bài A", NULL, 1),
                            plain("Bài B", "XÃ HỘI", 2)};
        o.no_fonts = 1;
        o.group = BT_GROUP_DATE;
        o.title = "Tuyển tập \x01 <thử>";
        bt_err_clear(&e);
        CHECK("epub: digest by date without fonts",
              bt_epub_render(d, 3, &o, &out, &len, &e) == BT_OK && out &&
                  !contains(out, len, ".ttf", 4));
        free(out);
        out = NULL;
        o.epoch = 1685170801;
        bt_err_clear(&e);
        CHECK("epub: another SOURCE_DATE_EPOCH, other bytes",
              bt_epub_render(d, 3, &o, &out2, &len2, &e) == BT_OK);
        free(out2);
        out2 = NULL;
        o.font_dir = "tests/no-such-fonts";
        o.no_fonts = 0;
        bt_err_clear(&e);
        CHECK("epub: missing font directory -> BT_EFONT",
              bt_epub_render(d, 3, &o, &out, &len, &e) == BT_EFONT && out == NULL && e.msg[0]);
        o.font_dir = NULL;
        o.cover_path = "tests/no-such-cover.png";
        bt_err_clear(&e);
        CHECK("epub: unreadable cover -> error, no output",
              bt_epub_render(d, 3, &o, &out, &len, &e) != BT_OK && out == NULL);
        o.cover_path = NULL;
        bt_err_clear(&e);
        CHECK("epub: no articles -> BT_EEMPTY", bt_epub_render(d, 0, &o, &out, &len, &e) == BT_EEMPTY);
        for (int i = 0; i < 3; i++) bt_article_free(d[i]);
    }
    bt_article_free(a);
    TEST_END();
}

/* test_image.c - the PDF writer's image work on JPEGs made here with libjpeg: CMYK detection in
 * both conventions (plain ink values, and Adobe's inverted ones behind an APP14 marker), the
 * CMYK -> RGB conversion of --pdfa (known colours come back), downsampling (size and aspect),
 * and the /Decode entry of a CMYK JPEG that passes through (Adobe only). Run from the
 * repository root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "harness.h"
#include "image.h"
#include "out_pdf.h"

/* A w x h JPEG of n components whose left half is pixel a and right half pixel b. adobe: for
 * CMYK, write the Adobe marker (and then the values are stored inverted, as Adobe does). */
static bt_image *make_jpeg(int w, int h, int n, const unsigned char *a, const unsigned char *b, int adobe)
{
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr jerr;
    unsigned char *buf = NULL;
    unsigned long len = 0;
    ci.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, &buf, &len);
    ci.image_width = (JDIMENSION)w;
    ci.image_height = (JDIMENSION)h;
    ci.input_components = n;
    ci.in_color_space = n == 4 ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, 95, TRUE);
    if (n == 4) ci.write_Adobe_marker = adobe ? TRUE : FALSE;
    jpeg_start_compress(&ci, TRUE);
    unsigned char *row = malloc((size_t)w * (size_t)n);
    for (int x = 0; x < w; x++)
        for (int c = 0; c < n; c++) {
            unsigned v = (x < w / 2 ? a : b)[c];
            row[x * n + c] = (unsigned char)(n == 4 && adobe ? 255 - v : v);
        }
    while (ci.next_scanline < ci.image_height) jpeg_write_scanlines(&ci, &row, 1);
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    free(row);
    bt_image *im = bt_xcalloc(1, sizeof *im);
    im->data = buf;
    im->len = len;
    im->mime = bt_xstrdup("image/jpeg");
    im->width = w;
    im->height = h;
    im->name = bt_xstrdup("t.jpg");
    return im;
}

/* The RGB pixel at (x, y) of a JPEG; 0 if it is not a 3-component JPEG. */
static int pixel(const bt_image *im, int x, int y, unsigned char rgb[3])
{
    struct jpeg_decompress_struct ci;
    struct jpeg_error_mgr jerr;
    ci.err = jpeg_std_error(&jerr);
    jpeg_create_decompress(&ci);
    jpeg_mem_src(&ci, im->data, (unsigned long)im->len);
    jpeg_read_header(&ci, TRUE);
    int ok = ci.num_components == 3;
    ci.out_color_space = JCS_RGB;
    jpeg_start_decompress(&ci);
    unsigned char *row = malloc((size_t)ci.output_width * 3);
    while (ci.output_scanline < ci.output_height) {
        JDIMENSION at = ci.output_scanline;
        jpeg_read_scanlines(&ci, &row, 1);
        if ((int)at == y) memcpy(rgb, row + x * 3, 3);
    }
    jpeg_finish_decompress(&ci);
    jpeg_destroy_decompress(&ci);
    free(row);
    return ok;
}

static int near(const unsigned char *p, int r, int g, int b)
{
    return abs(p[0] - r) <= 8 && abs(p[1] - g) <= 8 && abs(p[2] - b) <= 8;
}

/* The bytes of a one-article PDF holding im. */
static char *pdf_with(bt_image *im, int pdfa, size_t *len)
{
    bt_article *a = bt_article_new();
    bt_article_set(&a->title, "Ảnh CMYK");
    bt_article_add(a, BT_BLOCK_PARAGRAPH, "Một đoạn.");
    bt_block *b = bt_article_add(a, BT_BLOCK_IMAGE, "ảnh");
    b->image = im;
    bt_pdf_opts o = {.epoch = 0, .pdfa = pdfa};
    unsigned char *out = NULL;
    bt_err e;
    bt_err_clear(&e);
    if (bt_pdf_render(&a, 1, &o, &out, len, &e) != BT_OK) out = NULL;
    b->image = NULL; /* the caller's */
    bt_article_free(a);
    return (char *)out;
}

static int has(const char *d, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(d + i, s, k) == 0) return 1;
    return 0;
}

int main(void)
{
    if (!getenv("BANTIN_DATA_DIR")) setenv("BANTIN_DATA_DIR", ".", 1);
    const unsigned char cyan[4] = {255, 0, 0, 0}, grey[4] = {0, 0, 0, 128};
    const char *why = NULL;
    int adobe = -1;
    for (int conv = 0; conv < 2; conv++) {
        char name[96];
        bt_image *im = make_jpeg(64, 16, 4, cyan, grey, conv);
        snprintf(name, sizeof name, "cmyk (%s): detected, Adobe marker %s", conv ? "Adobe" : "plain", conv ? "seen" : "absent");
        CHECK(name, bt_image_jpeg_cmyk(im, &adobe) == 1 && adobe == conv);
        bt_image *rgb = bt_image_cmyk_to_rgb(im, 0, 0, &why);
        unsigned char l[3] = {0}, r[3] = {0};
        snprintf(name, sizeof name, "cmyk (%s) -> rgb: an RGB JPEG of the same size", conv ? "Adobe" : "plain");
        CHECK(name, rgb && rgb->width == 64 && rgb->height == 16 && pixel(rgb, 8, 8, l) && pixel(rgb, 56, 8, r));
        snprintf(name, sizeof name, "cmyk (%s) -> rgb: cyan ink is (0,255,255), 50%% black is grey", conv ? "Adobe" : "plain");
        CHECK(name, near(l, 0, 255, 255) && near(r, 127, 127, 127));
        if (!near(l, 0, 255, 255) || !near(r, 127, 127, 127))
            printf("  got (%d,%d,%d) and (%d,%d,%d)\n", l[0], l[1], l[2], r[0], r[1], r[2]);
        bt_image_free(rgb);
        /* converting and downsampling at once */
        rgb = bt_image_cmyk_to_rgb(im, 16, 16, &why);
        snprintf(name, sizeof name, "cmyk (%s) -> rgb downsampled to 16x4, colours kept", conv ? "Adobe" : "plain");
        CHECK(name, rgb && rgb->width == 16 && rgb->height == 4 && pixel(rgb, 1, 2, l) && near(l, 0, 255, 255));
        bt_image_free(rgb);
        /* passing through (no --pdfa): /Decode [1 0 ...] only for Adobe's inverted values */
        size_t n = 0;
        char *pdf = pdf_with(im, 0, &n);
        snprintf(name, sizeof name, "cmyk (%s) in a plain PDF: DeviceCMYK, %s /Decode", conv ? "Adobe" : "plain",
                 conv ? "with" : "without");
        CHECK(name, pdf && has(pdf, n, "/DeviceCMYK") && has(pdf, n, "/Decode") == conv);
        free(pdf);
        pdf = pdf_with(im, 1, &n);
        snprintf(name, sizeof name, "cmyk (%s) under PDF/A: no DeviceCMYK left", conv ? "Adobe" : "plain");
        CHECK(name, pdf && !has(pdf, n, "/DeviceCMYK") && has(pdf, n, "/DeviceRGB"));
        free(pdf);
        bt_image_free(im);
    }
    const unsigned char red[3] = {220, 20, 20}, blue[3] = {20, 20, 220};
    bt_image *im = make_jpeg(400, 300, 3, red, blue, 0);
    CHECK("rgb: not CMYK", bt_image_jpeg_cmyk(im, &adobe) == 0);
    CHECK("rgb: cmyk_to_rgb refuses it", bt_image_cmyk_to_rgb(im, 0, 0, &why) == NULL && why);
    bt_image *s = bt_image_downsample(im, 100, 100, &why);
    unsigned char l[3] = {0}, r[3] = {0};
    CHECK("downsample: 400x300 into 100x100 gives 100x75", s && s->width == 100 && s->height == 75);
    CHECK("downsample: still a JPEG, halves keep their colours",
          s && s->len > 2 && s->data[0] == 0xFF && pixel(s, 10, 30, l) && pixel(s, 90, 30, r) &&
              near(l, 220, 20, 20) && near(r, 20, 20, 220));
    bt_image_free(s);
    CHECK("downsample: an image that fits is left alone", bt_image_downsample(im, 400, 300, &why) == NULL && !why);
    bt_image_free(im);
    TEST_END();
}

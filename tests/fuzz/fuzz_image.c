/* fuzz_image.c - libFuzzer harness for image decoding: bytes -> bt_image_from_bytes (PNG/JPEG
 * checked, WebP/GIF converted, limits on bytes and pixels) -> the image typeset into a PDF in
 * memory on every fourth input (libharu reads the bytes the loader let through). */
#include "fuzz_common.h"
#include "image.h"
#include "layout.h"
#include "out_pdf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    bt_fuzz_init(argc, argv);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > BT_FUZZ_MAX_LEN) return 0;
    const char *why = NULL;
    bt_image *img = bt_image_from_bytes(data, size, "fuzz.img", &why);
    if (!img) {
        if (!why || !*why) abort(); /* a refusal says why */
        return 0;
    }
    if (!img->data || !img->len || !img->mime) abort();
    if (strcmp(img->mime, "image/jpeg") != 0 && strcmp(img->mime, "image/png") != 0) abort();
    if (img->width < 0 || img->height < 0 ||
        (int64_t)img->width * img->height > BT_MAX_IMAGE_PIXELS) abort();
    int w = 0, h = 0;
    (void)bt_image_dimensions(img->data, img->len, &w, &h);

    if ((size & 3) == 0) {
        bt_article *a = bt_article_new();
        bt_article_set(&a->title, "Ảnh");
        bt_article_add(a, BT_BLOCK_PARAGRAPH, "Đoạn văn trước ảnh.");
        bt_block *b = bt_article_add(a, BT_BLOCK_IMAGE, "ảnh");
        if (b) {
            b->image = img;
            img = NULL;
        }
        bt_article_add(a, BT_BLOCK_CAPTION, "Chú thích.");
        bt_pdf_opts o = {.paper = "a5", .epoch = 1685170800};
        unsigned char *pdf = NULL;
        size_t len = 0;
        bt_err e;
        bt_err_clear(&e);
        if (bt_pdf_render(&a, 1, &o, &pdf, &len, &e) == BT_OK) {
            if (!pdf || len < 8 || memcmp(pdf, "%PDF-", 5) != 0) abort();
        } else if (pdf || !e.msg[0]) {
            abort();
        }
        free(pdf);
        bt_article_free(a);
    }
    bt_image_free(img);
    return 0;
}

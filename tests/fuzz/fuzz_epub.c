/* fuzz_epub.c - libFuzzer harness for the EPUB writer: bytes -> article (format sniffed)
 * -> bt_epub_render in memory. The first byte picks options (fonts, grouping, sorting). */
#include "fuzz_common.h"
#include "out_epub.h"

#include <stdio.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    bt_fuzz_init(argc, argv);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > BT_FUZZ_MAX_LEN / 4) return 0;
    unsigned flags = data[0];
    bt_article *arts[2] = {NULL, NULL};
    size_t n = 1;
    arts[0] = bt_fuzz_article(data + 1, size - 1, BT_FROM_AUTO);
    if (!arts[0]) return 0;
    if (flags & 8) { /* a two-article book: the second half as a second article */
        size_t half = (size - 1) / 2;
        arts[1] = bt_fuzz_article(data + 1 + half, size - 1 - half, BT_FROM_AUTO);
        if (arts[1]) n = 2;
    }
    bt_epub_opts o;
    memset(&o, 0, sizeof o);
    o.no_fonts = !(flags & 1); /* fonts (subsetting) cost ~10x: use them on half the runs */
    o.group = (bt_group)((flags >> 1) % 3);
    o.sort = (bt_sort)((flags >> 4) % 3);
    o.epoch = 1685170800;
    unsigned char *epub = NULL;
    size_t len = 0;
    bt_err e;
    bt_err_clear(&e);
    bt_status st = bt_epub_render(arts, n, &o, &epub, &len, &e);
    if (st == BT_OK) {
        if (!epub || len < 30 || memcmp(epub, "PK\x03\x04", 4) != 0) abort();
        if (len < 38 + 20 || memcmp(epub + 30, "mimetype", 8) != 0) abort();
    } else if (epub || e.msg[0] == '\0' || st == BT_EZIP) {
        /* no output and a message on failure; libzip failing on a parsed article is a bug */
        fprintf(stderr, "bt_epub_render: %s\n", e.msg);
        abort();
    }
    free(epub);
    bt_article_free(arts[0]);
    bt_article_free(arts[1]);
    return 0;
}

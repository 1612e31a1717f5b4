/* fuzz_pdf.c - libFuzzer harness for the layout + PDF path: bytes -> article (format sniffed)
 * -> bt_pdf_render in memory. The first byte picks the paper size. */
#include "fuzz_common.h"
#include "out_pdf.h"

#include <stdio.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    bt_fuzz_init(argc, argv);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* typesetting costs far more per byte than parsing: keep inputs smaller */
    if (size < 1 || size > BT_FUZZ_MAX_LEN / 4) return 0;
    static const char *papers[] = {"a4", "a5", "letter"};
    const char *paper = papers[data[0] % 3];
    bt_article *a = bt_fuzz_article(data + 1, size - 1, BT_FROM_AUTO);
    if (!a) return 0;
    bt_pdf_opts o = {.paper = paper, .epoch = 1685170800};
    unsigned char *pdf = NULL;
    size_t len = 0;
    bt_err e;
    bt_err_clear(&e);
    bt_status st = bt_pdf_render(&a, 1, &o, &pdf, &len, &e);
    if (st == BT_OK) {
        if (!pdf || len < 8 || memcmp(pdf, "%PDF-", 5) != 0) abort();
    } else if (pdf || e.msg[0] == '\0') {
        abort(); /* failure: no output, and a message */
    } else if (st == BT_EPDF) {
        /* an article that parsed must typeset: libharu failing on it is a bug (this is how
         * the libharu 0x1033 save failure was found) */
        fprintf(stderr, "bt_pdf_render: %s\n", e.msg);
        abort();
    }
    free(pdf);
    bt_article_free(a);
    return 0;
}

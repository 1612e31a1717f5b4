/* fuzz_html.c - libFuzzer harness: bytes -> HTML parser (charset sniffing, libxml2, extraction)
 * -> article model -> JSON. Images are not loaded (no base directory). */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    bt_fuzz_init(argc, argv);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > BT_FUZZ_MAX_LEN) return 0;
    bt_article *a = bt_fuzz_article(data, size, BT_FROM_HTML);
    if (a) {
        bt_fuzz_check_model(a);
        bt_article_free(a);
    }
    /* and through format sniffing, as `bantin parse FILE` does */
    a = bt_fuzz_article(data, size, BT_FROM_AUTO);
    bt_article_free(a);
    return 0;
}

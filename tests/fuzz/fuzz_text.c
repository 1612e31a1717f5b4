/* fuzz_text.c - libFuzzer harness: bytes -> plain-text parser -> article model -> JSON,
 * plus the UTF-8 helpers of text.c on the same bytes. */
#include "fuzz_common.h"
#include "text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    bt_fuzz_init(argc, argv);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > BT_FUZZ_MAX_LEN) return 0;

    /* text.c on raw bytes */
    size_t nbad = 0;
    char *fixed = bt_utf8_repair((const char *)data, size, &nbad);
    if (!bt_utf8_valid(fixed, strlen(fixed))) abort(); /* repair must give valid UTF-8 */
    char *clean = bt_text_clean(fixed, strlen(fixed));
    if (!bt_utf8_valid(clean, strlen(clean))) abort();
    char *slug = bt_slugify(clean, 60);
    if (strlen(slug) > 60) abort();
    for (const char *p = slug; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) abort();
    char *fold = bt_fold_ascii(clean);
    (void)bt_text_loose_equal(clean, fold);
    (void)bt_utf8_length(clean);
    free(fold);
    free(slug);
    free(clean);
    free(fixed);

    /* the text parser through the input layer, as `bantin parse --from text` does */
    bt_article *a = bt_fuzz_article(data, size, BT_FROM_TEXT);
    if (a) {
        bt_fuzz_check_model(a);
        bt_article_free(a);
    }
    return 0;
}

/* fuzz_common.h - shared set-up for the libFuzzer harnesses (see fuzz.mk). */
#ifndef BT_FUZZ_COMMON_H
#define BT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "input.h"
#include "util.h"

/* Inputs larger than this are skipped: the limits for big inputs are covered by the hostile
 * suite, and libFuzzer finds more per second on small inputs. */
#define BT_FUZZ_MAX_LEN ((size_t)256 * 1024)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Remember argv[0] so bt_data_dir() finds fonts/ one level above build-fuzz/. */
static inline void bt_fuzz_init(int *argc, char ***argv)
{
    if (argc && *argc > 0 && argv && *argv && (*argv)[0]) bt_set_argv0((*argv)[0]);
}

/* Bytes to article, the way `bantin` reads a file (auto-detected format). NULL on refusal. */
static inline bt_article *bt_fuzz_article(const uint8_t *data, size_t size, bt_from from)
{
    bt_input_opts o = {from, NULL, 0, NULL};
    bt_article *a = NULL;
    bt_err e;
    bt_err_clear(&e);
    bt_status st = bt_input_parse((const char *)data, size, NULL, &o, &a, &e);
    if (st != BT_OK) {
        /* A refusal must leave no article behind and must say why. */
        if (a || e.msg[0] == '\0') abort();
        return NULL;
    }
    if (!a || !a->title) abort(); /* success promises a title */
    return a;
}

/* Walk the model: every string must be NUL-terminated UTF-8 (ASan catches overruns). */
static inline void bt_fuzz_check_model(const bt_article *a)
{
    for (size_t i = 0; i < a->nblocks; i++) {
        const bt_block *b = &a->blocks[i];
        if (!b->text) abort();
        if (b->type != BT_BLOCK_IMAGE && b->text[0] == '\0') abort();
        size_t n = strlen(b->text);
        /* an ASan-visible read of the whole string */
        volatile unsigned sum = 0;
        for (size_t k = 0; k < n; k++) sum += (unsigned char)b->text[k];
        (void)sum;
    }
    char *json = bt_article_to_json(a, (int)(a->nblocks & 1));
    if (!json) abort();
    free(json);
}

#endif

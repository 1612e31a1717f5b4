/* dump.c - `layout-dump PAPER FILE...`: lay the articles out with the bundled fonts (one after
 * the other, each from a new page) and print bt_layout_dump(). The tool behind the layout
 * goldens (tests/layout/golden.py); run from the repository root. Exit 0, or 1 with a message. */
#include <stdio.h>
#include <stdlib.h>

#include "font.h"
#include "input.h"
#include "layout.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: layout-dump PAPER FILE...\n", stderr);
        return 2;
    }
    int rc = 1;
    size_t n = (size_t)argc - 2;
    bt_article **arts = bt_xcalloc(n, sizeof *arts);
    bt_fontset *fs = NULL;
    bt_layout *L = NULL;
    bt_page_geom g;
    bt_input_opts io = {0};
    bt_err e;
    if (!bt_layout_paper(argv[1], &g)) {
        fprintf(stderr, "layout-dump: unknown paper '%s'\n", argv[1]);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (bt_input_load(argv[i + 2], &io, &arts[i], &e) != BT_OK) {
            fprintf(stderr, "layout-dump: %s: %s\n", argv[i + 2], e.msg);
            goto done;
        }
    if (bt_fontset_open("fonts", &fs, &e) != BT_OK || bt_layout_articles(arts, n, fs, &g, &L, &e) != BT_OK) {
        fprintf(stderr, "layout-dump: %s\n", e.msg);
        goto done;
    }
    char *dump = bt_layout_dump(L);
    fputs(dump, stdout);
    free(dump);
    rc = fflush(stdout) == 0 ? 0 : 1;
done:
    bt_layout_free(L);
    bt_fontset_free(fs);
    for (size_t i = 0; i < n; i++) bt_article_free(arts[i]);
    free(arts);
    return rc;
}

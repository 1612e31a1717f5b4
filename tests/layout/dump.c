/* dump.c - `layout-dump PAPER [--contents] FILE...`: lay the articles out with the bundled fonts
 * (one after the other, each from a new page) and print bt_layout_dump(); with --contents, the
 * contents pages of those articles instead (each entry's title, date and first page). The tool
 * behind the layout goldens (tests/layout/golden.py); run from the repository root. Exit 0, or
 * 1 with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "font.h"
#include "input.h"
#include "layout.h"

/* The contents of the articles laid out in L. */
static bt_status contents(bt_article **arts, size_t n, bt_fontset *fs, const bt_layout *L, bt_layout **out,
                          bt_err *e)
{
    bt_toc_entry *v = bt_xcalloc(n, sizeof *v);
    char **dates = bt_xcalloc(n, sizeof *dates);
    for (size_t i = 0; i < n; i++) {
        v[i].title = arts[i]->title;
        v[i].section = i == 0 || !arts[i - 1]->category || !arts[i]->category ||
                               strcmp(arts[i - 1]->category, arts[i]->category) != 0
                           ? arts[i]->category
                           : NULL;
        v[i].date = dates[i] = bt_date_vi(&arts[i]->published);
        v[i].page = (int)L->first_page[i] + 1;
    }
    bt_status st = bt_layout_contents(v, n, "Mục lục", fs, &L->geom, out, e);
    for (size_t i = 0; i < n; i++) free(dates[i]);
    free(dates);
    free(v);
    return st;
}

int main(int argc, char **argv)
{
    int toc = argc > 2 && strcmp(argv[2], "--contents") == 0;
    if (argc < 3 + toc) {
        fputs("usage: layout-dump PAPER [--contents] FILE...\n", stderr);
        return 2;
    }
    int rc = 1;
    size_t n = (size_t)(argc - 2 - toc);
    char **files = argv + 2 + toc;
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
        if (bt_input_load(files[i], &io, &arts[i], &e) != BT_OK) {
            fprintf(stderr, "layout-dump: %s: %s\n", files[i], e.msg);
            goto done;
        }
    if (bt_fontset_open("fonts", &fs, &e) != BT_OK || bt_layout_articles(arts, n, fs, &g, &L, &e) != BT_OK) {
        fprintf(stderr, "layout-dump: %s\n", e.msg);
        goto done;
    }
    if (toc) {
        bt_layout *T = NULL;
        if (contents(arts, n, fs, L, &T, &e) != BT_OK) {
            fprintf(stderr, "layout-dump: %s\n", e.msg);
            goto done;
        }
        bt_layout_free(L);
        L = T;
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

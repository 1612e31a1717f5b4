/* cmd_sources.c - expand and report sources for the commands. */
#include "cmd_sources.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "url.h"

void bt_cmd_expand(bt_source *s, char *const *args, int n, bt_item_list *l, int *failed)
{
    for (int i = 0; i < n; i++) {
        bt_err e;
        bt_err_clear(&e);
        size_t before = l->nnotes, rv = l->warc_skipped_revisit, ot = l->warc_skipped_other, n0 = l->n;
        struct stat st;
        bt_status rs = bt_source_expand(s, args[i], l, &e);
        if (rs != BT_OK) {
            bt_cli_error(args[i], "%s", e.msg);
            (*failed)++;
        }
        for (size_t k = before; k < l->nnotes; k++) bt_cli_warn(NULL, "%s", l->notes[k]);
        if (l->warc_skipped_revisit > rv || l->warc_skipped_other > ot)
            bt_cli_info("%s: " BT_WARC_SKIPPED_FMT, args[i], l->warc_skipped_revisit - rv, l->warc_skipped_other - ot);
        if (rs == BT_OK && l->n == n0 && !(stat(args[i], &st) == 0 && S_ISDIR(st.st_mode))) {
            /* a feed, sitemap or WARC with nothing to convert in it is a failed input, said as
             * one (it was silent: exit 3 with no message, or 0 from parse); a folder says so
             * in its own note */
            bt_cli_error(args[i], "no articles in it to convert");
            (*failed)++;
        }
    }
}

char *bt_cmd_item_stem(const bt_item *it, const char *ext)
{
    char *base;
    if (it->kind == BT_ITEM_FILE) {
        base = strcmp(it->path, "-") == 0 ? bt_xstrdup("stdin") : bt_path_basename(it->path);
    } else {
        char *p = bt_url_path(it->url);
        char *q = p ? strchr(p, '?') : NULL;
        if (q) *q = '\0';
        size_t n = p ? strlen(p) : 0;
        while (n && p[n - 1] == '/') p[--n] = '\0';
        const char *slash = p ? strrchr(p, '/') : NULL;
        base = bt_xstrdup(slash ? slash + 1 : "");
        free(p);
    }
    char *dot = strrchr(base, '.');
    if (dot && dot != base) *dot = '\0';
    /* a URL's segment: keep letters, digits, '-', '_', '.' (percent-escapes become '-') */
    for (char *c = base; it->kind != BT_ITEM_FILE && *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.' || (unsigned char)*c >= 0x80))
            *c = '-';
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        free(base);
        base = bt_xstrdup("page");
    }
    char *r = bt_xasprintf("%s%s", base, ext);
    free(base);
    return r;
}

const bt_item *bt_cmd_output_is_input(const char *out, const bt_item *items, size_t n)
{
    struct stat so, si;
    if (!out || strcmp(out, "-") == 0 || stat(out, &so) != 0 || !S_ISREG(so.st_mode)) return NULL;
    for (size_t i = 0; i < n; i++)
        if ((items[i].kind == BT_ITEM_FILE || items[i].kind == BT_ITEM_WARC) && items[i].path &&
            stat(items[i].path, &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
            return &items[i];
    return NULL;
}

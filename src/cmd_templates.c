/* cmd_templates.c - `bantin templates`: the bundled templates; and loading --template for the
 * other commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "template.h"

int bt_cli_template(const char *name, bt_template **out)
{
    bt_err e;
    bt_err_clear(&e);
    if (bt_template_load(name, out, &e) != BT_OK) {
        bt_cli_error(NULL, "%s", e.msg);
        return BT_EXIT_INTERNAL;
    }
    return BT_EXIT_OK;
}

static void templates_usage(FILE *f)
{
    fputs("usage: bantin templates [NAME|DIR]\n"
          "\n"
          "Lists the bundled templates (use one with --template NAME on pdf, epub and archive),\n"
          "or checks one template (a bundled name or a folder with template.json) and prints\n"
          "what it sets. A template folder holds template.json, epub.css and catalogue.css;\n"
          "see templates/README.md in the data directory.\n",
          f);
}

static const char *align_name(bt_align a)
{
    static const char *const n[] = {"justify", "left", "center", "right"};
    return n[a];
}

/* One template, checked, described in a few lines. */
static int show(const char *name)
{
    bt_template *t = NULL;
    int rc = bt_cli_template(name, &t);
    if (rc != BT_EXIT_OK) return rc;
    bt_tpl_page p;
    bt_err e;
    bt_err_clear(&e);
    bt_template_page(t, NULL, &p, &e);
    printf("%s: %s\n", t->name, t->description ? t->description : "");
    printf("  folder   %s\n", t->dir);
    printf("  page     %s %.2f x %.2f pt, margins %.2f %.2f %.2f %.2f pt (top right bottom left), "
           "%d column%s, gap %.2f pt\n",
           t->paper ? t->paper : "custom", p.width, p.height, p.margin[0], p.margin[1], p.margin[2],
           p.margin[3], p.columns, p.columns == 1 ? "" : "s", p.column_gap);
    printf("  text     %s %.2f pt, leading %.2f, %s\n", t->font_family, p.body_size, p.leading,
           align_name(t->style[BT_TR_BODY].align));
    printf("  header   \"%s\" \"%s\" \"%s\"\n", t->header.left ? t->header.left : "",
           t->header.center ? t->header.center : "", t->header.right ? t->header.right : "");
    printf("  footer   \"%s\" \"%s\" \"%s\"\n", t->footer.left ? t->footer.left : "",
           t->footer.center ? t->footer.center : "", t->footer.right ? t->footer.right : "");
    printf("  masthead %s\n", t->masthead.on ? "yes" : "no");
    bt_template_free(t);
    return BT_EXIT_OK;
}

int bt_cmd_templates(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        templates_usage(stdout);
        return BT_EXIT_OK;
    }
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        templates_usage(stderr);
        return BT_EXIT_USAGE;
    }
    if (argc == 2) return show(argv[1]);
    size_t n = 0;
    char **names = bt_template_list(&n);
    if (n == 0) {
        bt_cli_error(NULL, "no bundled templates found (set BANTIN_DATA_DIR)");
        return BT_EXIT_INTERNAL;
    }
    int rc = BT_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        bt_template *t = NULL;
        bt_err e;
        bt_err_clear(&e);
        if (bt_template_load(names[i], &t, &e) != BT_OK) {
            bt_cli_error(NULL, "%s", e.msg);
            rc = BT_EXIT_INTERNAL;
            continue;
        }
        printf("%-10s %s\n", names[i], t->description ? t->description : "");
        bt_template_free(t);
    }
    bt_template_list_free(names, n);
    return rc;
}

/* test_template.c - template folders: the bundled ones load, every kind of mistake gives one
 * line naming the file and the key, placeholders expand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "template.h"
#include "util.h"

static const char *root = "tests/out/unit-template";

/* Write dir/template.json (and make dir); returns the folder (static buffer). */
static const char *tpl(const char *name, const char *json)
{
    static char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", root, name);
    mkdir(dir, 0755);
    char *f = bt_path_join(dir, "template.json");
    bt_err e;
    bt_write_file_atomic(f, json, strlen(json), &e);
    free(f);
    return dir;
}

/* Load json as a template: the error message ("" when it loaded). */
static char msg[600];
static const char *load(const char *name, const char *json)
{
    bt_template *t = NULL;
    bt_err e;
    bt_err_clear(&e);
    msg[0] = '\0';
    if (bt_template_load(tpl(name, json), &t, &e) != BT_OK) snprintf(msg, sizeof msg, "%s", e.msg);
    bt_template_free(t);
    return msg;
}

/* The message names the file and the key, on one line. */
static int names(const char *m, const char *name, const char *key)
{
    char file[600];
    snprintf(file, sizeof file, "%s/%s/template.json: %s: ", root, name, key);
    return strncmp(m, file, strlen(file)) == 0 && !strchr(m, '\n');
}

int main(void)
{
    if (!getenv("BANTIN_DATA_DIR")) setenv("BANTIN_DATA_DIR", ".", 1);
    mkdir("tests/out", 0755);
    mkdir(root, 0755);
    bt_err e;

    /* the bundled templates */
    size_t n = 0;
    char **list = bt_template_list(&n);
    int have[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        have[0] |= strcmp(list[i], "default") == 0;
        have[1] |= strcmp(list[i], "bao") == 0;
        have[2] |= strcmp(list[i], "a5") == 0;
    }
    CHECK("templates: default, bao and a5 are listed (sites/ is not)", have[0] && have[1] && have[2] && n == 3);
    bt_template_list_free(list, n);
    for (const char *const *nm = (const char *const[]){"default", "bao", "a5", NULL}; *nm; nm++) {
        bt_template *t = NULL;
        bt_err_clear(&e);
        char name[64];
        snprintf(name, sizeof name, "templates: %s loads", *nm);
        CHECK(name, bt_template_load(*nm, &t, &e) == BT_OK && t && t->epub_css_len > 0 && t->description);
        if (t && strcmp(*nm, "bao") == 0) {
            bt_tpl_page p;
            CHECK("templates: bao is two columns with a masthead", t->columns == 2 && t->masthead.on &&
                                                                     bt_template_page(t, NULL, &p, &e) &&
                                                                     p.column_width > 200 && p.column_width < 260);
        }
        if (t && strcmp(*nm, "default") == 0) {
            bt_tpl_page p;
            CHECK("templates: default keeps the paper's margins and body size",
                  bt_template_page(t, NULL, &p, &e) && p.margin[3] == 62.0 && p.body_size == 10.5 &&
                      bt_template_page(t, "a5", &p, &e) && p.margin[3] == 42.0 && p.body_size == 9.5);
            CHECK("templates: default colours", t->style[BT_TR_CATEGORY].color == 0xA0161B &&
                                                    t->style[BT_TR_DATE].color == 0x555555);
        }
        bt_template_free(t);
    }

    /* a small template of one's own: only what it changes, the rest from the default look */
    const char *own = "{\"org\": \"Sở Thông tin\", \"colors\": {\"accent\": \"#004488\"},"
                      " \"page\": {\"margins\": \"20mm\"}, \"header\": {\"right\": \"{org} – {page}\"}}";
    bt_template *t = NULL;
    bt_err_clear(&e);
    CHECK("own: loads", bt_template_load(tpl("own", own), &t, &e) == BT_OK);
    if (t) {
        CHECK("own: accent colour reaches the category style", t->style[BT_TR_CATEGORY].color == 0x004488);
        CHECK("own: 20mm margins", t->margin[0] > 56.69 && t->margin[0] < 56.70 && t->margins_set);
        CHECK("own: the default stylesheet", t->epub_css && strstr(t->epub_css, "font-family"));
        CHECK_STR("own: name is the folder's", t->name, "own");
        bt_tpl_vars v = {t->org, "Tiêu đề", "XÃ HỘI", "27/05/2023", 2, 5};
        char *s = bt_template_expand(t->header.right, &v);
        CHECK_STR("own: placeholders expand", s, "Sở Thông tin – 2");
        free(s);
        s = bt_template_expand("{{x}} {title} {pages}", &v);
        CHECK_STR("expand: braces and numbers", s, "{x} Tiêu đề 5");
        free(s);
    }
    bt_template_free(t);

    /* mistakes: one line naming the file and the key */
    load("k1", "{\"page\": {\"colums\": 2}}");
    CHECK("bad: unknown key", names(msg, "k1", "page.colums") && strstr(msg, "unknown key"));
    load("k2", "{\"styles\": {\"title\": {\"size\": true}}}");
    CHECK("bad: wrong type", names(msg, "k2", "styles.title.size") && strstr(msg, "length"));
    load("k3", "{\"colors\": {\"accent\": \"red\"}}");
    CHECK("bad: colour", names(msg, "k3", "colors.accent") && strstr(msg, "#RRGGBB"));
    load("k4", "{\"fonts\": {\"dir\": \"nofonts\"}}");
    CHECK("bad: missing font folder", names(msg, "k4", "fonts.dir") && strstr(msg, "not found"));
    mkdir("tests/out/unit-template/k5", 0755);
    mkdir("tests/out/unit-template/k5/fonts", 0755);
    load("k5", "{\"fonts\": {\"dir\": \"fonts\"}}");
    CHECK("bad: font folder without fonts", names(msg, "k5", "fonts.dir") && strstr(msg, "no usable font"));
    load("k6", "{\"fonts\": {\"family\": \"Comic Sans\"}}");
    CHECK("bad: no such bundled family", names(msg, "k6", "fonts.family"));
    load("k7", "{\"masthead\": {\"logo\": \"logo.png\"}}");
    CHECK("bad: missing logo", names(msg, "k7", "masthead.logo") && strstr(msg, "not found"));
    tpl("k8", "{}");
    bt_write_file_atomic("tests/out/unit-template/k8/logo.png", "GIF89a....", 10, &e);
    load("k8", "{\"masthead\": {\"logo\": \"logo.png\"}}");
    CHECK("bad: logo that is no image", names(msg, "k8", "masthead.logo") && strstr(msg, "JPEG or PNG"));
    load("k9", "{\"masthead\": {\"logo\": \"../k8/logo.png\"}}");
    CHECK("bad: logo outside the folder", names(msg, "k9", "masthead.logo") && strstr(msg, "inside"));
    load("k10", "{\"page\": {\"margins\": {\"top\": \"10mm\", \"right\": \"110mm\", \"bottom\": \"10mm\", \"left\": \"110mm\"}}}");
    CHECK("bad: margins wider than the page", names(msg, "k10", "page.margins") && strstr(msg, "text area"));
    load("k11", "{\"page\": {\"margins\": {\"top\": \"10mm\"}}}");
    CHECK("bad: margins missing a side", names(msg, "k11", "page.margins.right"));
    load("k12", "{\"page\": {\"columns\": 4, \"size\": \"a5\", \"margins\": \"20mm\"}}");
    CHECK("bad: columns too narrow", names(msg, "k12", "page.columns") && strstr(msg, "narrow"));
    load("k13", "{\"header\": {\"left\": \"{titel}\"}}");
    CHECK("bad: unknown placeholder", names(msg, "k13", "header.left") && strstr(msg, "{titel}"));
    load("k14", "{\"page\": {\"size\": \"a3\"}}");
    CHECK("bad: unknown paper", names(msg, "k14", "page.size"));
    load("k15", "{\"page\": {\"margins\": \"-3mm\"}}");
    CHECK("bad: negative margin", names(msg, "k15", "page.margins") && strstr(msg, "negative"));
    load("k16", "{\"base\": \"nope\"}");
    CHECK("bad: unknown base", names(msg, "k16", "base"));
    load("k17", "{\"page\": {\"size\": \"a4\"},,}");
    CHECK("bad: invalid JSON names the file, line and column",
          strncmp(msg, "tests/out/unit-template/k17/template.json:1:", 44) == 0 && strstr(msg, "invalid JSON"));
    load("k18", "[1, 2]");
    CHECK("bad: not an object", strstr(msg, "k18/template.json: ") && strstr(msg, "one JSON object"));
    load("k19", "{\"styles\": {\"titel\": {}}}");
    CHECK("bad: unknown style", names(msg, "k19", "styles.titel"));
    load("k20", "{\"styles\": {\"body\": {\"size\": \"1em\"}}}");
    CHECK("bad: body size in em", names(msg, "k20", "styles.body.size"));
    load("k21", "{\"page\": {\"columns\": 2.5}}");
    CHECK("bad: fractional columns", names(msg, "k21", "page.columns"));
    load("k22", "{\"epub\": {\"css\": \"missing.css\"}}");
    CHECK("bad: named stylesheet missing", names(msg, "k22", "epub.css") && strstr(msg, "not found"));
    load("k23", "{\"page\": {\"size\": \"a4\", \"size\": \"a5\"}}");
    CHECK("bad: duplicate key", strstr(msg, "k23/template.json:") && strstr(msg, "duplicate"));
    tpl("k24", "{}");
    bt_write_file_atomic("tests/out/unit-template/k24/epub.css", "p{}</style>", 11, &e);
    load("k24", "{}");
    CHECK("bad: a stylesheet that closes its element", strstr(msg, "k24/epub.css") != NULL);
    bt_err_clear(&e);
    CHECK("bad: a folder without template.json",
          bt_template_load("tests/out", &t, &e) != BT_OK && strstr(e.msg, "no template.json"));
    bt_err_clear(&e);
    CHECK("bad: unknown name", bt_template_load("no-such-template", &t, &e) != BT_OK &&
                                   strstr(e.msg, "no template named"));
    TEST_END();
}

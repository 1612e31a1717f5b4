/* test_locale.c - every output is the same under a comma-decimal locale. bantin never calls
 * setlocale today, so a locale in the environment cannot reach it; this test switches the whole
 * process to de_DE.UTF-8 itself, checks that the switch took effect (a comma decimal point),
 * and parses and renders the same articles under "C" and under it: model JSON, PDF and EPUB must
 * be byte-identical. Without the locale it says SKIPPED (`make deps-test` generates it). Run
 * from the repository root. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "input.h"
#include "out_epub.h"
#include "out_pdf.h"

#define EPOCH 1685170800
static const char *const inputs[] = {"tests/fixtures/text/000-seed.txt", "tests/fixtures/text/010.txt",
                                     "tests/fixtures/html/pages/sh-0ec95c7261d1.html"};
#define NIN (sizeof inputs / sizeof inputs[0])

typedef struct {
    char *json[NIN];
    unsigned char *pdf, *pdf_a5, *epub;
    size_t pdf_len, pdf_a5_len, epub_len;
} outputs;

static int render(outputs *o)
{
    bt_article *arts[NIN] = {0};
    bt_input_opts io = {0};
    bt_err e;
    int ok = 1;
    for (size_t i = 0; i < NIN && ok; i++) {
        ok = bt_input_load(inputs[i], &io, &arts[i], &e) == BT_OK;
        if (!ok) printf("FAIL: load %s (%s)\n", inputs[i], e.msg);
        else o->json[i] = bt_article_to_json(arts[i], 0);
    }
    bt_pdf_opts po = {.paper = "a4", .font_dir = "fonts", .epoch = EPOCH};
    ok = ok && bt_pdf_render(arts, NIN, &po, &o->pdf, &o->pdf_len, &e) == BT_OK;
    po.paper = "a5";
    ok = ok && bt_pdf_render(arts, 1, &po, &o->pdf_a5, &o->pdf_a5_len, &e) == BT_OK;
    bt_epub_opts eo = {0};
    eo.font_dir = "fonts";
    eo.epoch = EPOCH;
    ok = ok && bt_epub_render(arts, NIN, &eo, &o->epub, &o->epub_len, &e) == BT_OK;
    if (!ok) printf("FAIL: render (%s)\n", e.msg);
    for (size_t i = 0; i < NIN; i++) bt_article_free(arts[i]);
    return ok;
}

static void release(outputs *o)
{
    for (size_t i = 0; i < NIN; i++) free(o->json[i]);
    free(o->pdf);
    free(o->pdf_a5);
    free(o->epub);
}

static int same(const unsigned char *a, size_t na, const unsigned char *b, size_t nb)
{
    return a && b && na == nb && memcmp(a, b, na) == 0;
}

int main(void)
{
    outputs c = {0}, de = {0};
    if (!getenv("BANTIN_DATA_DIR")) setenv("BANTIN_DATA_DIR", ".", 1); /* fonts/, templates/ */
    setlocale(LC_ALL, "C");
    CHECK("locale: articles parse and render under C", render(&c));
    if (!setlocale(LC_ALL, "de_DE.UTF-8")) {
        printf("SKIPPED: locale: outputs under de_DE.UTF-8 (locale not installed: make deps-test)\n");
        release(&c);
        TEST_END();
    }
    char num[32];
    snprintf(num, sizeof num, "%.2f", 1.5);
    CHECK("locale: the switch to de_DE.UTF-8 took effect (1.5 prints as 1,50)",
          strcmp(localeconv()->decimal_point, ",") == 0 && strcmp(num, "1,50") == 0);
    CHECK("locale: articles parse and render under de_DE.UTF-8", render(&de));
    setlocale(LC_ALL, "C");
    int json_same = 1;
    for (size_t i = 0; i < NIN; i++)
        json_same &= c.json[i] && de.json[i] && strcmp(c.json[i], de.json[i]) == 0;
    CHECK("locale: model JSON identical under a comma-decimal locale", json_same);
    CHECK("locale: PDF (A4, three articles) byte-identical", same(c.pdf, c.pdf_len, de.pdf, de.pdf_len));
    CHECK("locale: PDF (A5) byte-identical", same(c.pdf_a5, c.pdf_a5_len, de.pdf_a5, de.pdf_a5_len));
    CHECK("locale: EPUB byte-identical", same(c.epub, c.epub_len, de.epub, de.epub_len));
    release(&c);
    release(&de);
    TEST_END();
}

/* test_kern.c - kerning read from the fonts' GPOS tables (kern.h) gives the advances HarfBuzz's
 * shaper gives: every word of the text fixtures and every pair of a few hundred Latin,
 * Vietnamese, Greek and Cyrillic letters, digits and punctuation, in the four bundled faces and
 * in DejaVu Sans (a font with an old 'kern' table beside GPOS, and other lookup types), shaped
 * by one set with the shortcut and by one without. Run from the repository root. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "font.h"
#include "text.h"
#include "util.h"

typedef struct {
    long words, differ, kerned;
    char first[160];
} tally;

static void compare(bt_fontset *own, bt_fontset *hb, bt_face face, const char *s, size_t len, tally *t)
{
    const bt_glyph *g;
    long wa = 0, wb = 0;
    size_t n = bt_font_shape(own, face, s, len, &g, &wa);
    bt_glyph *a = malloc((n ? n : 1) * sizeof *a);
    if (!a) return;
    memcpy(a, g, n * sizeof *g);
    size_t m = bt_font_shape(hb, face, s, len, &g, &wb);
    int same = n == m && wa == wb;
    int kerned = 0;
    for (size_t i = 0; same && i < n; i++) {
        same = a[i].gid == g[i].gid && a[i].w == g[i].w && a[i].adv == g[i].adv && a[i].cp == g[i].cp;
        if (a[i].adv != a[i].w) kerned = 1;
    }
    t->words++;
    t->kerned += kerned;
    if (!same && !t->differ++) snprintf(t->first, sizeof t->first, "face %d \"%.*s\"", (int)face, (int)len, s);
    free(a);
}

/* Every space-separated word of the file. */
static void words_of(const char *path, bt_fontset *own, bt_fontset *hb, tally *t)
{
    char *data = NULL;
    size_t len = 0;
    bt_err e;
    if (bt_read_file(path, (size_t)16 << 20, &data, &len, &e) != BT_OK) return;
    for (size_t i = 0; i < len;) {
        while (i < len && (data[i] == ' ' || data[i] == '\n')) i++;
        size_t k = i;
        while (k < len && data[k] != ' ' && data[k] != '\n') k++;
        if (k > i)
            for (int f = 0; f < 4; f++) compare(own, hb, (bt_face)f, data + i, k - i, t);
        i = k;
    }
    free(data);
}

static size_t put_utf8(char *p, uint32_t c)
{
    if (c < 0x80) return p[0] = (char)c, 1;
    if (c < 0x800) return p[0] = (char)(0xC0 | c >> 6), p[1] = (char)(0x80 | (c & 0x3F)), 2;
    p[0] = (char)(0xE0 | c >> 12);
    p[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    p[2] = (char)(0x80 | (c & 0x3F));
    return 3;
}

/* Every pair of characters of the ranges. */
static void pairs(bt_fontset *own, bt_fontset *hb, tally *t)
{
    static const uint32_t ranges[][2] = {{0x21, 0x7E},     {0xC0, 0x17F},   {0x1A0, 0x1B0},  {0x391, 0x3A9},
                                         {0x3B1, 0x3C9},   {0x410, 0x44F},  {0x1EA0, 0x1EF9}, {0x2013, 0x2014},
                                         {0x2018, 0x201D}, {0x2026, 0x2026}};
    uint32_t cs[600];
    size_t n = 0;
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
        for (uint32_t c = ranges[r][0]; c <= ranges[r][1] && n < sizeof cs / sizeof cs[0]; c += c >= 0x1EA0 ? 3 : 1)
            cs[n++] = c;
    char w[8];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            size_t len = put_utf8(w, cs[i]);
            len += put_utf8(w + len, cs[j]);
            compare(own, hb, (bt_face)((i + j) % 4), w, len, t);
        }
}

static void check_dir(const char *dir, const char *name, int fixtures)
{
    bt_fontset *own = NULL, *hb = NULL;
    bt_err e;
    if (bt_fontset_open(dir, &own, &e) != BT_OK || bt_fontset_open(dir, &hb, &e) != BT_OK) {
        printf("FAIL: %s: open %s (%s)\n", name, dir, e.msg);
        exit(1);
    }
    bt_fontset_own_kern(hb, 0);
    tally t = {0};
    pairs(own, hb, &t);
    if (fixtures) {
        DIR *d = opendir("tests/fixtures/text");
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            if (!strstr(de->d_name, ".txt")) continue;
            char *p = bt_path_join("tests/fixtures/text", de->d_name);
            words_of(p, own, hb, &t);
            free(p);
        }
        if (d) closedir(d);
    }
    char label[400];
    snprintf(label, sizeof label, "kern: %s: %ld words, %ld kerned, the same advances as HarfBuzz's shaper%s%s",
             name, t.words, t.kerned, t.differ ? "; first difference: " : "", t.first);
    CHECK(label, t.differ == 0);
    snprintf(label, sizeof label, "kern: %s: the test kerns something (%ld of %ld words)", name, t.kerned, t.words);
    CHECK(label, t.kerned > 1000);
    bt_fontset_free(own);
    bt_fontset_free(hb);
}

int main(void)
{
    check_dir("fonts", "bundled Noto Serif", 1);
    const char *dejavu = "/usr/share/fonts/truetype/dejavu";
    DIR *d = opendir(dejavu);
    if (d) {
        closedir(d);
        check_dir(dejavu, "DejaVu Sans", 0);
    } else {
        printf("SKIPPED: kern: DejaVu Sans is not installed (fonts-dejavu-core)\n");
    }
    TEST_END();
}

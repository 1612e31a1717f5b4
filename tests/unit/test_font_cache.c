/* test_font_cache.c - bt_font_shape's cache past its size cap: the cache is cleared to make
 * room, and the glyphs just returned must not be in the memory that was released (found by
 * clang's analyzer; under `make asan` a use after free fails this test). Run from the
 * repository root. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "font.h"

int main(void)
{
    bt_fontset *fs = NULL;
    bt_err e;
    if (bt_fontset_open("fonts", &fs, &e) != BT_OK) {
        printf("FAIL: open bundled fonts (%s)\n", e.msg);
        return 1;
    }
    /* distinct words of 40 letters: ~100k of them fill the 8 MB cache more than once */
    int ok = 1;
    char w[48];
    for (int i = 0; i < 200000 && ok; i++) {
        snprintf(w, sizeof w, "Nghi%07dquy%07dtr%07dh%07dx", i, i * 7, i * 13, i * 31);
        size_t len = strlen(w);
        const bt_glyph *g = NULL;
        long width = 0;
        size_t n = bt_font_shape(fs, BT_FACE_REGULAR, w, len, &g, &width);
        long sum = 0;
        for (size_t k = 0; k < n; k++) sum += g[k].adv;
        ok = n == len && g[0].cp == 'N' && g[n - 1].cp == 'x' && sum == width && width > 0;
    }
    CHECK("font cache: glyphs right before and after the cache is cleared (200,000 words)", ok);
    bt_fontset_free(fs);
    TEST_END();
}

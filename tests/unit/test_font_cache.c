/* test_font_cache.c - bt_font_shape's cache past its size cap: its older generation is dropped
 * to make room, and the glyphs just returned must not be in the memory that was released (found
 * by clang's analyzer; under `make asan` a use after free fails this test); words found in the
 * older generation are moved into the newer one and come back the same. Run from the
 * repository root. */
#include <stdlib.h>
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
    /* distinct words of 40 letters (about 550 bytes each in the cache): 60,000 of them fill the
     * 1 MB cache many times over; after each, words shaped 300, 900, 1,500 and 3,000 words
     * earlier are asked for again (in the newer generation, the older, or gone), and must come
     * back as they were the first time */
    enum { N = 60000 };
    static const int back[] = {0, 300, 900, 1500, 3000};
    long *widths = calloc(N, sizeof *widths);
    int ok = widths != NULL, again = 1;
    char w[64];
    for (int i = 0; i < N && ok && again; i++) {
        for (size_t pass = 0; pass < sizeof back / sizeof *back; pass++) {
            int k = i - back[pass];
            if (k < 0) continue;
            snprintf(w, sizeof w, "Nghi%07dquy%07dtr%07dh%07dx", k, k * 7, k * 13, k * 31);
            size_t len = strlen(w);
            const bt_glyph *g = NULL;
            long width = 0;
            size_t n = bt_font_shape(fs, BT_FACE_REGULAR, w, len, &g, &width);
            long sum = 0;
            for (size_t m = 0; m < n; m++) sum += g[m].adv;
            ok = n == len && g[0].cp == 'N' && g[n - 1].cp == 'x' && sum == width && width > 0;
            if (!pass) widths[k] = width;
            else again = width == widths[k];
        }
    }
    CHECK("font cache: glyphs right before and after a generation is dropped (60,000 words)", ok);
    CHECK("font cache: a word asked for again comes back the same", again);
    free(widths);
    bt_fontset_free(fs);
    TEST_END();
}

/* test_layout.c - the layout engine, checked through its plain-data output and text dump. */
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "article.h"
#include "font.h"
#include "image.h"
#include "layout.h"
#include "out_pdf.h"
#include "pdf_content.h"
#include "text.h"

static bt_fontset *fs;

static bt_article *make(const char *title, const char *const *paras, size_t n)
{
    bt_article *a = bt_article_new();
    bt_article_set(&a->title, title);
    for (size_t i = 0; i < n; i++) bt_article_add(a, BT_BLOCK_PARAGRAPH, paras[i]);
    return a;
}

static bt_layout *lay(bt_article *a, const char *paper)
{
    bt_page_geom g;
    bt_layout_paper(paper, &g);
    bt_layout *L = NULL;
    bt_err e;
    bt_article *arts[1] = {a};
    if (bt_layout_articles(arts, 1, fs, &g, &L, &e) != BT_OK) return NULL;
    return L;
}

/* A long Vietnamese paragraph. */
static char *long_para(int words)
{
    static const char *const w[] = {"Tỉnh", "ủy", "Hải", "Dương", "và", "Hưng", "Yên", "quan", "tâm",
                                    "làm", "tốt", "công", "tác", "cơ", "yếu,", "bảo", "mật", "an", "toàn",
                                    "thông", "tin", "trên", "địa", "bàn", "tỉnh."};
    bt_buf b = {0};
    for (int i = 0; i < words; i++) {
        if (i) bt_buf_addc(&b, ' ');
        bt_buf_adds(&b, w[(i * 7) % 25]);
    }
    return bt_buf_detach(&b, NULL);
}

int main(void)
{
    bt_err e;
    bt_page_geom g;
    CHECK("paper a4 known", bt_layout_paper("a4", &g) && fabs(g.width - 595.276) < 0.01);
    CHECK("paper A5 known (case-insensitive)", bt_layout_paper("A5", &g) && g.width < 420);
    CHECK("paper letter known", bt_layout_paper("letter", &g) && g.height == 792.0);
    CHECK("paper b7 unknown", !bt_layout_paper("b7", &g));

    if (bt_fontset_open("fonts", &fs, &e) != BT_OK) {
        printf("FAIL: open bundled fonts (%s)\n", e.msg);
        return 1;
    }
    CHECK("fonts: Vietnamese letters covered", bt_font_has(fs, BT_FACE_REGULAR, 0x1EA1) &&
                                                   bt_font_has(fs, BT_FACE_BOLDITALIC, 0x1EF1) &&
                                                   bt_font_has(fs, BT_FACE_ITALIC, 0x0111));
    CHECK("fonts: width of 'ab' = sum of advances",
          fabs(bt_font_width(fs, BT_FACE_REGULAR, 10, "ab", 2) -
               (bt_font_advance(fs, BT_FACE_REGULAR, 'a') + bt_font_advance(fs, BT_FACE_REGULAR, 'b')) / 100.0) <
              1e-9);
    CHECK("fonts: bold is wider than regular",
          bt_font_width(fs, BT_FACE_BOLD, 10, "Hưng Yên", strlen("Hưng Yên")) >
              bt_font_width(fs, BT_FACE_REGULAR, 10, "Hưng Yên", strlen("Hưng Yên")));

    /* 1. A long article: justified lines, inside the column, headings kept, no widows. */
    bt_article *a = bt_article_new();
    bt_article_set(&a->title, "Tiêu đề bài báo thử nghiệm bố cục");
    bt_article_set(&a->category, "THỜI SỰ");
    bt_article_set(&a->author, "Dương Trường");
    bt_date_parse_iso("2023-05-27T14:00:00+07:00", &a->published);
    for (int i = 0; i < 30; i++) {
        char *p = long_para(40 + (i * 37) % 160);
        if (i % 7 == 3) bt_article_add(a, BT_BLOCK_HEADING, "Một tiêu đề nhỏ");
        bt_article_add(a, BT_BLOCK_PARAGRAPH, p);
        if (i % 5 == 2) bt_article_add(a, BT_BLOCK_CAPTION, "Ảnh minh họa cho bài viết");
        free(p);
    }
    bt_article_add(a, BT_BLOCK_LIST_ITEM, "mục một của danh sách")->level = 1;
    bt_article_add(a, BT_BLOCK_LIST_ITEM, "mục hai của danh sách")->level = 1;
    bt_article_add(a, BT_BLOCK_QUOTE, "Một câu trích dẫn khá dài để thử thụt lề hai bên của khối trích dẫn.");
    bt_layout *L = lay(a, "a4");
    CHECK("layout: several pages", L && L->npages >= 3);
    if (!L) return 1;
    double left = L->geom.left, right = L->geom.width - L->geom.right;
    double top = L->geom.height - L->geom.top, bottom = L->geom.bottom;
    int inside = 1, numbered = 1, justified_ok = 1, justified_lines = 0, footers = 1;
    for (size_t p = 0; p < L->npages; p++) {
        const bt_page *pg = &L->pages[p];
        if (pg->number != (int)p + 1 || pg->count != (int)L->npages) numbered = 0;
        char want[64];
        snprintf(want, sizeof want, "Trang %zu/%zu", p + 1, L->npages);
        /* footer text = its items joined */
        bt_buf ft = {0};
        for (size_t i = 0; i < pg->nitems; i++) {
            const bt_item *it = &pg->items[i];
            if (it->kind == BT_ITEM_TEXT && it->role == BT_ROLE_FOOTER) bt_buf_adds(&ft, bt_layout_text(L, it));
            if (it->kind != BT_ITEM_TEXT) continue;
            if (it->x < left - 0.01 || it->x + it->w > right + 0.01) inside = 0;
            if (it->role == BT_ROLE_BODY && (it->y > top || it->y < bottom)) inside = 0;
        }
        char *ftxt = bt_buf_detach(&ft, NULL);
        if (strcmp(ftxt, want) != 0) footers = 0;
        free(ftxt);
        /* lines of regular body text: group items by baseline */
        for (size_t i = 0; i < pg->nitems;) {
            const bt_item *it = &pg->items[i];
            size_t j = i;
            double maxx = 0;
            while (j < pg->nitems && pg->items[j].y == it->y && pg->items[j].kind == BT_ITEM_TEXT) {
                if (pg->items[j].x + pg->items[j].w > maxx) maxx = pg->items[j].x + pg->items[j].w;
                j++;
            }
            if (j == i) { i++; continue; }
            /* a full paragraph line is followed by another line of the same block */
            if (it->role == BT_ROLE_BODY && it->face == BT_FACE_REGULAR && it->block != (size_t)-1 &&
                a->blocks[it->block].type == BT_BLOCK_PARAGRAPH && j < pg->nitems &&
                pg->items[j].block == it->block && j - i > 3) {
                justified_lines++;
                if (fabs(maxx - right) > 0.01 || fabs(it->x - left) > 0.01) justified_ok = 0;
            }
            i = j;
        }
    }
    CHECK("layout: every text item inside the column and text area", inside);
    CHECK("layout: pages numbered i/n", numbered);
    CHECK("layout: footer reads 'Trang i/n'", footers);
    CHECK("layout: justified lines end exactly at the right margin", justified_ok && justified_lines > 50);

    /* widows/orphans: a block split across pages has >= 2 lines on each side */
    int widows = 1, heading_alone = 1;
    for (size_t p = 0; p + 1 < L->npages; p++) {
        const bt_page *pg = &L->pages[p], *nx = &L->pages[p + 1];
        size_t last = (size_t)-1;
        for (size_t i = 0; i < pg->nitems; i++)
            if (pg->items[i].role == BT_ROLE_BODY && pg->items[i].kind == BT_ITEM_TEXT) last = pg->items[i].block;
        size_t firstb = (size_t)-1;
        for (size_t i = 0; i < nx->nitems; i++)
            if (nx->items[i].role == BT_ROLE_BODY && nx->items[i].kind == BT_ITEM_TEXT) {
                firstb = nx->items[i].block;
                break;
            }
        if (last != (size_t)-1 && a->blocks[last].type == BT_BLOCK_HEADING) heading_alone = 0;
        if (last == (size_t)-1 || last != firstb) continue;
        /* count baselines of that block on both pages */
        int n1 = 0, n2 = 0;
        double y = -1;
        for (size_t i = 0; i < pg->nitems; i++)
            if (pg->items[i].block == last && pg->items[i].y != y) { n1++; y = pg->items[i].y; }
        y = -1;
        for (size_t i = 0; i < nx->nitems; i++)
            if (nx->items[i].block == last && nx->items[i].y != y) { n2++; y = nx->items[i].y; }
        if (n1 < 2 || n2 < 2) widows = 0;
    }
    CHECK("layout: no widow or orphan lines", widows);
    CHECK("layout: a heading never ends a page", heading_alone);

    /* the dump: text, with '.' decimals whatever the locale */
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8"))
        printf("SKIPPED: dump under a comma-decimal locale (de_DE.UTF-8 not installed: make deps-test)\n");
    char *dump = bt_layout_dump(L);
    CHECK("dump: first page header line", strncmp(dump, "page 1/", 7) == 0);
    CHECK("dump: title words present", strstr(dump, "Tiêu đề bài") != NULL);
    /* one item per word: the spaces between them are drawn from the gaps */
    CHECK("dump: date line in Vietnamese", strstr(dump, "\"Thứ\"") && strstr(dump, "\"27/05/2023,\"") &&
                                               strstr(dump, "\"14:00\""));
    CHECK("dump: author present", strstr(dump, "\"Dương\"") && strstr(dump, "\"Trường\""));
    CHECK("dump: numbered list marker", strstr(dump, "\"1.\"") && strstr(dump, "\"2.\""));
    CHECK("dump: no comma decimals", strstr(dump, ",00 ") == NULL && strstr(dump, " 62.00 ") != NULL);
    setlocale(LC_NUMERIC, "C");
    free(dump);
    bt_layout_free(L);
    bt_article_free(a);

    /* 2. A token longer than a line: cut between characters, nothing lost, linear. */
    size_t n = 20000;
    char *big = bt_xmalloc(n * 2 + 32);
    strcpy(big, "Trước ");
    size_t k = strlen(big);
    for (size_t i = 0; i < n; i++) { memcpy(big + k, "ă", 2); k += 2; }
    strcpy(big + k, " sau.");
    const char *paras[1] = {big};
    a = make("Từ dài", paras, 1);
    L = lay(a, "a5");
    CHECK("long word: laid out", L != NULL);
    size_t letters = 0;
    int wide = 0;
    double colw = L ? L->geom.width - L->geom.left - L->geom.right : 0;
    for (size_t p = 0; L && p < L->npages; p++)
        for (size_t i = 0; i < L->pages[p].nitems; i++) {
            const bt_item *it = &L->pages[p].items[i];
            if (it->kind != BT_ITEM_TEXT || it->role != BT_ROLE_BODY) continue;
            const char *t = bt_layout_text(L, it);
            for (const char *q = t; (q = strstr(q, "ă")) != NULL; q += 2) letters++;
            if (it->w > colw + 0.01) wide = 1;
        }
    CHECK("long word: every letter kept", letters == n);
    CHECK("long word: no piece wider than the column", !wide);
    bt_layout_free(L);
    bt_article_free(a);
    free(big);

    /* 3. Missing glyph: one warning per article with the code point. */
    const char *cjk[2] = {"Chữ 中 và 中 nữa.", "Lại 中."};
    a = make("Thử", cjk, 2);
    L = lay(a, "a4");
    size_t nw = 0;
    for (size_t i = 0; i < a->nwarnings; i++) nw += strstr(a->warnings[i], "U+4E2D") != NULL;
    CHECK("missing glyph: reported once with its code point", nw == 1);
    bt_layout_free(L);
    bt_article_free(a);

    /* 4. Image sizes from headers. */
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                        0, 0, 0x01, 0x40, 0, 0, 0, 0xF0};
    int w, h;
    CHECK("image: PNG size", bt_image_dimensions(png, sizeof png, &w, &h) && w == 320 && h == 240);
    static const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 0, 100, 0, 200, 3,
                                        1, 2, 3, 0xFF, 0xDA, 0, 2, 9, 9, 9, 0xFF, 0xD9};
    CHECK("image: JPEG size", bt_image_dimensions(jpg, sizeof jpg, &w, &h) && w == 200 && h == 100);
    CHECK("image: truncated JPEG refused", !bt_image_dimensions(jpg, sizeof jpg - 2, &w, &h));
    CHECK("image: garbage refused", !bt_image_dimensions((const unsigned char *)"hello world", 11, &w, &h));

    /* 5. Images through the PDF back end: good ones embedded, a broken one is a warning. */
    {
        bt_article *ia = bt_article_new();
        bt_article_set(&ia->title, "Ảnh");
        const char *files[3] = {"tests/fixtures/pdf/tiny.jpg", "tests/fixtures/pdf/tiny.png", NULL};
        for (int i = 0; i < 3; i++) {
            bt_block *b = bt_article_add(ia, BT_BLOCK_IMAGE, "ảnh");
            if (!b) break;
            b->image = bt_xcalloc(1, sizeof *b->image);
            if (files[i]) {
                char *data = NULL;
                size_t len = 0;
                bt_read_file(files[i], 1 << 20, &data, &len, &e);
                b->image->data = (unsigned char *)data;
                b->image->len = len;
                b->image->mime = bt_xstrdup(i == 0 ? "image/jpeg" : "image/png");
            } else {
                /* a JPEG header that claims 64x64, then garbage */
                static const unsigned char bad[] = {0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 64, 0, 64, 3, 1, 2, 3, 4};
                b->image->data = bt_xmalloc(sizeof bad);
                memcpy(b->image->data, bad, sizeof bad);
                b->image->len = sizeof bad;
                b->image->mime = bt_xstrdup("image/jpeg");
            }
            b->image->name = bt_xstrdup(files[i] ? files[i] : "bad.jpg");
            bt_article_add(ia, BT_BLOCK_CAPTION, "Chú thích ảnh");
        }
        bt_article *arts[1] = {ia};
        bt_pdf_opts po = {.paper = "a4", .font_dir = "fonts", .epoch = 1685170800};
        unsigned char *pdf = NULL;
        size_t plen = 0;
        bt_status st = bt_pdf_render(arts, 1, &po, &pdf, &plen, &e);
        CHECK("pdf: article with images renders", st == BT_OK && plen > 8 && memcmp(pdf, "%PDF-", 5) == 0);
        size_t nimg = 0;
        for (size_t i = 0; pdf && i + 15 <= plen; i++) nimg += memcmp(pdf + i, "/Subtype /Image", 15) == 0;
        CHECK("pdf: the two good images are embedded", nimg == 2);
        int warned = 0;
        for (size_t i = 0; i < ia->nwarnings; i++) warned |= strstr(ia->warnings[i], "bad.jpg") != NULL;
        CHECK("pdf: the broken image becomes a warning", warned);
        free(pdf);
        bt_article_free(ia);
    }

    /* Contents pages: numbers in roman for their labels; entries kept whole, over pages. */
    {
        char r[32];
        bt_layout_roman(1, r, sizeof r);
        CHECK("roman: 1", strcmp(r, "i") == 0);
        bt_layout_roman(14, r, sizeof r);
        CHECK("roman: 14", strcmp(r, "xiv") == 0);
        bt_layout_roman(1994, r, sizeof r);
        CHECK("roman: 1994", strcmp(r, "mcmxciv") == 0);
        bt_layout_roman(4000, r, sizeof r);
        CHECK("roman: 4000 in decimal", strcmp(r, "4000") == 0);
        bt_layout_roman(3888, r, 4);
        CHECK("roman: cut to the buffer", strcmp(r, "mmm") == 0);
        enum { N = 60 };
        bt_toc_entry v[N];
        char *titles[N];
        for (int i = 0; i < N; i++) {
            titles[i] = bt_xasprintf("Bài thứ %d: %s", i + 1,
                                     i % 7 ? "tin ngắn"
                                           : "một tiêu đề rất dài, dài đến mức phải xuống dòng hai "
                                             "lần trong mục lục của bản tin");
            v[i] = (bt_toc_entry){titles[i], i % 10 == 0 ? "THỜI SỰ" : NULL, i % 3 ? "Thứ Bảy, 27/05/2023" : NULL,
                                  1 + 2 * i};
        }
        bt_page_geom tg;
        bt_layout_paper("a5", &tg);
        bt_layout *T = NULL;
        CHECK("contents: laid out", bt_layout_contents(v, N, "Mục lục", fs, &tg, &T, &e) == BT_OK && T);
        int pages_ok = T && T->npages > 1, whole = 1, numbers = 0, in_area = 1;
        size_t seen_page[N];
        for (int i = 0; i < N; i++) seen_page[i] = SIZE_MAX;
        for (size_t p = 0; T && p < T->npages; p++)
            for (size_t j = 0; j < T->pages[p].nitems; j++) {
                const bt_item *it = &T->pages[p].items[j];
                if (it->x < tg.left - 0.01 || it->x + it->w > tg.width - tg.right + 0.01) in_area = 0;
                if (it->tag != BT_TAG_TOC_ENTRY || it->block >= N) continue;
                if (seen_page[it->block] != SIZE_MAX && seen_page[it->block] != p) whole = 0;
                seen_page[it->block] = p;
                char want[16];
                snprintf(want, sizeof want, "%d", v[it->block].page);
                if (strcmp(bt_layout_text(T, it), want) == 0 &&
                    fabs(it->x + it->w - (tg.width - tg.right)) < 0.01)
                    numbers++;
            }
        CHECK("contents: several pages", pages_ok);
        CHECK("contents: an entry never split over two pages", whole);
        CHECK("contents: each entry's number at the right edge", numbers == N);
        CHECK("contents: everything inside the text area", in_area);
        bt_layout_free(T);
        for (int i = 0; i < N; i++) free(titles[i]);
    }

    { /* text strings from the article over PDF's limit (a 100 KB image description, for the
       * structure tree's Alt): cut below BT_PDF_STRING_MAX bytes at a character, never between
       * the two halves of a surrogate pair, whatever the character at the limit */
        int all_ok = 1;
        for (int shift = 0; shift < 4; shift++) {
            bt_buf in = {0}, hex = {0};
            for (int i = 0; i < shift; i++) bt_buf_addc(&in, 'a');
            for (size_t i = 0; in.len < 100 * 1024; i++) /* U+1F3E0 (a pair), then "nhà " */
                bt_buf_adds(&in, i % 4 ? "\xF0\x9F\x8F\xA0" : "nh\xC3\xA0 ");
            size_t wl;
            unsigned char *whole = bt_pdf_utf16(in.data, SIZE_MAX, &wl);
            bt_pdf_text_hex(&hex, in.data);
            size_t hn = hex.len >= 2 ? (hex.len - 2) / 2 : 0;
            unsigned char *u = malloc(hn ? hn : 1);
            int ok = u && hex.len > 2 && hex.data[0] == '<' && hex.data[hex.len - 1] == '>';
            for (size_t i = 0; ok && i < hn; i++) {
                unsigned v;
                ok = sscanf(hex.data + 1 + 2 * i, "%2X", &v) == 1;
                u[i] = (unsigned char)v;
            }
            ok = ok && hn <= BT_PDF_STRING_MAX && hn > BT_PDF_STRING_MAX - 8 && hn % 2 == 0 && u[0] == 0xFE &&
                 u[1] == 0xFF && u[hn - 2] == 0x20 && u[hn - 1] == 0x26 && wl > hn &&
                 memcmp(u, whole, hn - 2) == 0;
            for (size_t i = 2; ok && i + 1 < hn; i += 2) {
                unsigned c = (unsigned)u[i] << 8 | u[i + 1];
                unsigned next = i + 3 < hn ? (unsigned)u[i + 2] << 8 | u[i + 3] : 0;
                if (c >= 0xD800 && c < 0xDC00) {
                    ok = next >= 0xDC00 && next < 0xE000;
                    i += 2;
                } else if (c >= 0xDC00 && c < 0xE000) {
                    ok = 0;
                }
            }
            if (!ok) all_ok = 0;
            free(u);
            free(whole);
            bt_buf_free(&in);
            bt_buf_free(&hex);
        }
        CHECK("pdf strings: a 100 KB text cut below 32,767 bytes at a character, no pair split", all_ok);
    }

    bt_fontset_free(fs);
    TEST_END();
}

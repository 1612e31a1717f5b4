/* test_text.c - UTF-8 repair, NFC, white space, folding, slugs, the text parser. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "article.h"
#include "input.h"
#include "text.h"

static void t_utf8(void)
{
    size_t bad;
    char *r = bt_utf8_repair("a\xC3\x28" "b", 4, &bad); /* invalid continuation */
    CHECK_STR("repair invalid continuation", r, "a\xEF\xBF\xBD(b");
    CHECK("repair counts", bad == 1);
    free(r);
    r = bt_utf8_repair("\xC0\xAF", 2, &bad); /* overlong '/' */
    CHECK("overlong rejected", bad >= 1 && strstr(r, "/") == NULL);
    CHECK("overlong: one U+FFFD per byte (as Python and WHATWG decode)", bad == 2);
    free(r);
    r = bt_utf8_repair("\xE1\xBBx\xF0\x9F\x98", 6, &bad); /* truncated sequences */
    CHECK_STR("truncated: one U+FFFD per maximal subpart", r, "\xEF\xBF\xBDx\xEF\xBF\xBD");
    free(r);
    r = bt_utf8_repair("\xED\xA0\x80x", 4, &bad); /* surrogate */
    CHECK("surrogate rejected", bad >= 1 && strchr(r, 'x'));
    free(r);
    r = bt_utf8_repair("a\0b", 3, &bad);
    CHECK("NUL replaced", bad == 1 && strlen(r) == 5);
    free(r);
    /* ASCII is read eight bytes at a time: bad bytes inside and at the end of long runs */
    r = bt_utf8_repair("abcdefghijk\0mnopqrstuvwxyz0123456\xFF", 34, &bad);
    CHECK_STR("NUL and a bad byte after long ASCII runs", r,
              "abcdefghijk\xEF\xBF\xBDmnopqrstuvwxyz0123456\xEF\xBF\xBD");
    CHECK("  counted", bad == 2);
    free(r);
    r = bt_utf8_repair("0123456789abcdef\xC3\xA9", 18, &bad);
    CHECK_STR("a letter after sixteen ASCII bytes", r, "0123456789abcdef\xC3\xA9");
    free(r);
    CHECK("valid utf8", bt_utf8_valid("Tiếng Việt", strlen("Tiếng Việt")));
    CHECK("truncated invalid", !bt_utf8_valid("\xE1\xBB", 2));
}

static void t_clean(void)
{
    /* Decomposed "ệ" (e + U+0323 + U+0302) becomes the precomposed letter. */
    char *s = bt_text_clean("Vie\xCC\xA3\xCC\x82t", strlen("Vie\xCC\xA3\xCC\x82t"));
    CHECK_STR("NFC composes", s, "Việt");
    free(s);
    const char *in = "  a\xC2\xA0\xC2\xA0 b\t\x1F\nc\xE2\x80\x8B" "d\xC2\xAD" "e\x01  ";
    s = bt_text_clean(in, strlen(in));
    CHECK_STR("white space collapsed; zero-width kept; soft hyphen and controls dropped", s,
              "a b c\xE2\x80\x8B" "de");
    free(s);
}

static void t_fold(void)
{
    char *s = bt_slugify("Tỉnh ủy Hải Dương", 80);
    CHECK_STR("slug folds Vietnamese", s, "tinh-uy-hai-duong");
    free(s);
    s = bt_slugify("Đường đến “2030”: Hà Nội & TP.HCM!", 80);
    CHECK_STR("slug đ and punctuation", s, "duong-den-2030-ha-noi-tp-hcm");
    free(s);
    s = bt_slugify("aaaa bbbb cccc", 9);
    CHECK_STR("slug truncates without trailing dash", s, "aaaa-bbbb");
    free(s);
    CHECK("loose equal", bt_text_loose_equal("An ninh - Quốc phòng", "AN NINH – QUỐC PHÒNG"));
    CHECK("loose differs", !bt_text_loose_equal("An ninh", "Quốc phòng"));
}

static bt_article *parse(const char *s)
{
    bt_article *a = NULL;
    bt_err e;
    bt_input_opts o = {BT_FROM_TEXT, NULL, 0, NULL};
    if (bt_input_parse(s, strlen(s), NULL, &o, &a, &e) != BT_OK) return NULL;
    return a;
}

static void t_parser(void)
{
    bt_article *a = parse("Tiêu đề\n\n01/10/2020 | KINH DOANH\nĐoạn một.\n\nĐoạn hai.\n");
    CHECK("date|category parsed", a && a->published.year == 2020 && a->published.month == 10 &&
                                      !a->published.has_time);
    CHECK_STR("category", a ? a->category : NULL, "KINH DOANH");
    CHECK("two paragraphs", a && a->nblocks == 2);
    bt_article_free(a);

    a = parse("Tiêu đề\n\n15:23 | 17/09/2024\nĐoạn một.\n");
    CHECK("time|date parsed", a && a->published.hour == 15 && a->published.minute == 23 &&
                                  a->published.day == 17 && !a->category);
    bt_article_free(a);

    a = parse("Tiêu đề\n\n08:30:15 | 2023-05-27 | Thời sự\nĐoạn một.\n");
    CHECK("ISO date and seconds in meta", a && a->published.year == 2023 && a->published.hour == 8 &&
                                              a->published.minute == 30);
    CHECK_STR("mixed-case category with a date", a ? a->category : NULL, "Thời sự");
    bt_article_free(a);

    /* Lines of other shapes stay text: no words may be lost. */
    a = parse("Tiêu đề\n\n27/05/2023 14:00\nĐoạn một.\n");
    CHECK("a date line without '|' stays text", a && a->published.year == 0 && a->nblocks == 2);
    bt_article_free(a);
    a = parse("Tiêu đề\n\nĐoạn một.\n\nXem thêm\n\nĐoạn hai.\n");
    CHECK("only the known boilerplate headings end the article", a && a->nblocks == 3);
    bt_article_free(a);

    a = parse("Tiêu đề\n\n09:15 | 02/01/2024 | THỜI SỰ | Lan Anh\nĐoạn một.\n");
    CHECK_STR("a name after the category is the author", a ? a->author : NULL, "Lan Anh");
    CHECK_STR("category before the name", a ? a->category : NULL, "THỜI SỰ");
    bt_article_free(a);
    a = parse("Tiêu đề\n\n02/01/2024 | Tác giả: Minh Châu | Kinh Doanh\nĐoạn một.\n");
    CHECK_STR("a labelled author field", a ? a->author : NULL, "Minh Châu");
    CHECK_STR("title-case category", a ? a->category : NULL, "Kinh Doanh");
    CHECK("date kept with an author field", a && a->published.year == 2024 && a->nblocks == 1);
    bt_article_free(a);
    a = parse("Tiêu đề\n\n15:23 | THỜI SỰ\nĐoạn một.\n");
    CHECK("time and category without a date", a && a->published.year == 0 && a->category &&
                                                  strcmp(a->category, "THỜI SỰ") == 0 && a->nblocks == 1);
    bt_article_free(a);

    a = parse("Tiêu đề\nTHỜI SỰ\nĐoạn một.\n");
    CHECK_STR("category alone", a ? a->category : NULL, "THỜI SỰ");
    CHECK("category alone: no date", a && a->published.year == 0);
    bt_article_free(a);

    a = parse("Tiêu đề\nĐoạn một không có dòng meta.\n");
    CHECK("no meta line", a && !a->category && a->published.year == 0 && a->nblocks == 1);
    bt_article_free(a);

    a = parse("Tiêu đề\n\nĐoạn một.\n\nẢnh chụp toàn cảnh\n\nĐoạn hai kết thúc. Nguyễn Văn An\n");
    CHECK_STR("byline ending the last paragraph", a ? a->author : NULL, "Nguyễn Văn An");
    CHECK("caption between paragraphs", a && a->nblocks == 3 && a->blocks[1].type == BT_BLOCK_CAPTION);
    CHECK_STR("byline removed from paragraph", a ? a->blocks[2].text : NULL, "Đoạn hai kết thúc.");
    bt_article_free(a);

    a = parse("Tiêu đề\n\nĐoạn một.\n\nĐoạn hai.\n\nNguyễn Lan Anh\n");
    CHECK_STR("an author named Anh (not a photo credit)", a ? a->author : NULL, "Nguyễn Lan Anh");
    bt_article_free(a);

    /* the same byline lines as on HTML pages (byline.h) */
    a = parse("Tiêu đề\n\nĐoạn một.\n\nĐoạn hai.\n\nBài, ảnh: Bình Minh\n");
    CHECK_STR("labelled byline line", a ? a->author : NULL, "Bình Minh");
    CHECK("labelled byline line is not a paragraph", a && a->nblocks == 2);
    bt_article_free(a);
    a = parse("Tiêu đề\n\nĐoạn một.\n\nĐoạn hai.\n\nMinh Anh |\n");
    CHECK_STR("byline with a separator left over", a ? a->author : NULL, "Minh Anh");
    bt_article_free(a);
    a = parse("Tiêu đề\n\nĐoạn một.\n\nĐoạn hai.\n\nTheo VnExpress\n");
    CHECK("a source line names no author in text", a && !a->author && a->nblocks == 3);
    bt_article_free(a);

    a = parse("Tiêu đề\n\nĐoạn một.\n\nĐoạn hai.\n\nLê Thị Hoa\n\nTin liên quan\n\nBài khác\n");
    CHECK_STR("author line", a ? a->author : NULL, "Lê Thị Hoa");
    CHECK("boilerplate dropped", a && a->nblocks == 2);
    bt_article_free(a);

    a = parse("Tiêu đề\r\n\r\n- mục một\r\n- mục hai\r\n");
    CHECK("CRLF and list items", a && a->nblocks == 2 && a->blocks[0].type == BT_BLOCK_LIST_ITEM &&
                                     strcmp(a->blocks[0].text, "mục một") == 0);
    bt_article_free(a);

    a = parse("Tiêu đề\n\n3. Mục ba của danh sách.\n\n4. Mục bốn.\n");
    CHECK("numbered lines stay paragraphs with their numbers",
          a && a->nblocks == 2 && a->blocks[0].type == BT_BLOCK_PARAGRAPH &&
              strncmp(a->blocks[0].text, "3. ", 3) == 0);
    bt_article_free(a);

    bt_err e;
    bt_article *none = NULL;
    CHECK("empty refused", bt_input_parse("  \n\n ", 5, NULL, NULL, &none, &e) == BT_EEMPTY && !none);
    CHECK("binary refused", bt_input_parse("\x89PNG\r\n\x1a\n\0\0", 10, NULL, NULL, &none, &e) == BT_EBINARY);
}

int main(void)
{
    t_utf8();
    t_clean();
    t_fold();
    t_parser();
    TEST_END();
}

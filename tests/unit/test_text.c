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
    /* U+FFFE, U+FFFF, U+FDD0 and U+10FFFF (noncharacters) go; U+FFFD and U+FDF0 stay */
    in = "a\xEF\xBF\xBE" "b\xEF\xBF\xBF" "c\xEF\xB7\x90" "d\xF4\x8F\xBF\xBF" "e\xEF\xBF\xBD\xEF\xB7\xB0";
    s = bt_text_clean(in, strlen(in));
    CHECK_STR("noncharacters dropped, U+FFFD and U+FDF0 kept", s, "abcde\xEF\xBF\xBD\xEF\xB7\xB0");
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

    /* the text parser adds its paragraphs without cleaning them again: each must already be
     * what bt_text_clean makes of it (spaces of every kind, controls, soft hyphens, decomposed
     * letters, a line starting with a combining mark, bullets, hard-wrapped lines joined) */
    a = parse("Ti\xc3\xaau \xc4\x91\xe1\xbb\x81\n\n"
              "  \tM\xe1\xbb\x99t\xc2\xa0\xc2\xa0" "d\xc3\xb2ng\x01 c\xc3\xb3 kho\xe1\xba\xa3ng\xe2\x80\x83tr\xe1\xba\xafng "
              "v\xc3\xa0 ti\xe1\xba\xbfng Vi\xc3\xaa\xcc\xa3t ph\xc3\xa2n\xc2\xadt\xc3\xa1" "ch\n"
              "\xcc\x81ti\xe1\xba\xbfp theo v\xe1\xbb\x9bi d\xe1\xba\xa5u \xe1\xbb\x9f \xc4\x91\xe1\xba\xa7u d\xc3\xb2ng  \n\n"
              "D\xc3\xb2ng \xc4\x91\xe1\xba\xa7u c\xe1\xbb\xa7" "a m\xe1\xbb\x99t \xc4\x91o\xe1\xba\xa1n v\xc4\x83n kh\xc3\xa1 d\xc3\xa0i \xc4\x91\xe1\xbb\x83 \xc4\x91\xc6\xb0\xe1\xbb\xa3" "c n\xe1\xbb\x91i \n"
              "  v\xe1\xbb\x9bi d\xc3\xb2ng sau vi\xe1\xba\xbft th\xc6\xb0\xe1\xbb\x9dng\n\n"
              "-   m\xe1\xbb\x99t \xc3\xbd\xe2\x80\x8a\n\n"
              "\xe2\x80\xa2 hai \xc3\xbd \n\n"
              "\xe1\xba\xa2nh: Minh H\xc3\xa0 \n\n"
              "C\xc3\xa2u cu\xe1\xbb\x91i c\xc3\xb9ng.\r\n");
    int clean = a && a->nblocks >= 3;
    for (size_t i = 0; a && i < a->nblocks; i++) {
        const char *t = a->blocks[i].text ? a->blocks[i].text : "";
        char *c = bt_text_clean(t, strlen(t));
        if (strcmp(c, t) != 0) {
            printf("  not clean: [%s]\n", t);
            clean = 0;
        }
        free(c);
    }
    CHECK("paragraphs come out clean without a second cleaning", clean);
    int joined = 0;
    for (size_t i = 0; a && i < a->nblocks; i++)
        joined |= a->blocks[i].text && strstr(a->blocks[i].text, "n\xe1\xbb\x91i v\xe1\xbb\x9bi d\xc3\xb2ng") != NULL;
    CHECK("a hard-wrapped line joined to the one before", joined);
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

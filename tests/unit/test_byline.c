/* test_byline.c - the byline module: what is a person's name, and bylines cleaned to names. The
 * text parser and the HTML extractor both use these, so each case holds for both formats. */
#include <stdlib.h>
#include <string.h>

#include "byline.h"
#include "harness.h"

static int name(const char *s) { return bt_byline_is_name(s, strlen(s)); }

static void t_names(void)
{
    CHECK("Vietnamese name", name("Nguyễn Văn An"));
    CHECK("two words", name("Lê Phương"));
    CHECK("capitals (PV)", name("PV"));
    CHECK("particles", name("Ludwig van Beethoven"));
    CHECK("script without case", name("김철수"));
    CHECK("lower-case word is no name", !name("Nguyễn văn an"));
    CHECK("six words are too many", !name("An Bình Chi Dung Em Giang"));
    CHECK("digits are no name", !name("Phòng 12"));
    CHECK("weekday is no name", !name("Thứ Ba, Mười Hai"));
    CHECK("English weekday is no name", !name("Monday"));
    CHECK("over 40 characters", !name("Aaaaaaaaaa Bbbbbbbbbb Cccccccccc Dddddddddd"));
    CHECK("prefix of a longer text", bt_byline_is_name("Lê Phương viết", strlen("Lê Phương")));
}

static void t_clean(void)
{
    char *s;
#define CLEAN(label, in, want) do { s = bt_byline_clean(in); CHECK_STR(label, s, want); free(s); } while (0)
    CLEAN("By", "By Jane Doe", "Jane Doe");
    CLEAN("Vietnamese label", "Tác giả: Minh Anh", "Minh Anh");
    CLEAN("name, outlet", "Jane Doe, Reuters", "Jane Doe; Reuters");
    CLEAN("two people with and", "Jane Doe and John Roe", "Jane Doe; John Roe");
    CLEAN("two people with và", "Minh Anh và Lan Chi", "Minh Anh; Lan Chi");
    CLEAN("dangling von", "Artikel von", "");
    CLEAN("German Von", "Von Max Mustermann", "Max Mustermann");
    CLEAN("short label before colon", "Текст: Иван Петров", "Иван Петров");
#undef CLEAN
    s = bt_byline_source_person("Theo Minh Anh (Dân Việt)");
    CHECK_STR("source line gives the reporter", s, "Minh Anh");
    free(s);
    s = bt_byline_source_person("Theo VnExpress");
    CHECK("a source without a person", s == NULL);
    free(s);
    s = bt_byline_source_person("Theo Báo Mới (Hà Nội)");
    CHECK("a newspaper is not a reporter", s == NULL);
    free(s);
    CHECK("plausible", bt_byline_plausible("Minh Anh"));
    CHECK("URL is not plausible", !bt_byline_plausible("https://example.vn/tac-gia"));
    CHECK("e-mail is not plausible", !bt_byline_plausible("pv@example.vn"));
}

int main(void)
{
    t_names();
    t_clean();
    TEST_END();
}

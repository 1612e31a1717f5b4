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
    CLEAN("agency in brackets", "Thu Hà (TTXVN)", "Thu Hà");
    CLEAN("note in brackets", "Ngọc Anh (tổng hợp)", "Ngọc Anh");
    CLEAN("source in brackets", "Minh Khôi (theo Reuters)", "Minh Khôi");
    CLEAN("two names, note in brackets", "Thu Hà - Minh Anh (thực hiện)", "Thu Hà; Minh Anh");
    CLEAN("Theo before a name", "Theo Lê Phương", "Lê Phương");
    CLEAN("a group of reporters", "Nhóm phóng viên", "Nhóm phóng viên");
    CLEAN("writer and photographer", "Bài: Lê Phương - Ảnh: Bình Minh", "Lê Phương");
    CLEAN("writer ending in a mark, en dash", "Bài: Thu Hà – Ảnh: Bình Minh", "Thu Hà");
    CLEAN("text and photo in English", "Text: Jane Doe, Photos: John Roe", "Jane Doe");
    CLEAN("dangling von", "Artikel von", "");
    CLEAN("German Von", "Von Max Mustermann", "Max Mustermann");
    CLEAN("short label before colon", "Текст: Иван Петров", "Иван Петров");
    CLEAN("separator after the name", "Bình Minh - ", "Bình Minh");
    CLEAN("pipe before a date", "Minh Anh | 22/10/2025", "Minh Anh");
    CLEAN("writer and photographer without a label before", "Lê Phương - Ảnh: Bình Minh", "Lê Phương");
    CLEAN("writer and photographer after an en dash", "Lê Phương – ảnh: Bình Minh", "Lê Phương");
    CLEAN("e-mail after the name", "Lê Phương lephuong@baomau.vn", "Lê Phương");
    CLEAN("labelled e-mail after the name", "Jane Doe Email: jane@example.com", "Jane Doe");
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

static void t_lines(void)
{
    char *s;
    int src = 0;
#define LINE(label, in, want, wsrc)                                                            \
    do {                                                                                   \
        s = bt_byline_from_line(in, &src);                                                 \
        CHECK_STR(label, s, want);                                                         \
        CHECK(label " (kind)", !s || src == (wsrc));                                       \
        free(s);                                                                           \
    } while (0)
    LINE("name alone", "Lê Phương", "Lê Phương", 0);
    LINE("label Bài, ảnh", "Bài, ảnh: Bình Minh", "Bình Minh", 0);
    LINE("label Thực hiện", "Thực hiện: Nhóm PV", "Nhóm PV", 0);
    LINE("separator left over", "Bình Minh -", "Bình Minh", 0);
    LINE("pipe left over", "Minh Anh |", "Minh Anh", 0);
    LINE("PV", "PV", "PV", 0);
    LINE("group of reporters", "Nhóm PV", "Nhóm PV", 0);
    LINE("group of reporters in words", "Nhóm phóng viên", "Nhóm phóng viên", 0);
    LINE("two names with a dash", "Thu Hà - Minh Anh", "Thu Hà; Minh Anh", 0);
    LINE("reporter/agency", "Thu Hà/TTXVN", "Thu Hà", 0);
    LINE("label, reporter/agency", "Bài, ảnh: Thu Hà/TTXVN", "Thu Hà", 0);
    LINE("reporter/station domain", "Hồng Nhung/VOV.VN", "Hồng Nhung", 0);
    LINE("reporter/site domain", "Minh Anh / Dantri.com.vn", "Minh Anh", 0);
    LINE("reporter/station-region", "Thu Hà/VOV-Huế", "Thu Hà", 0);
    LINE("reporter and a note in brackets", "Hà Nguyễn (tổng hợp)", "Hà Nguyễn", 0);
    LINE("two reporters with a slash", "Thu Hà/Minh Anh", "Thu Hà; Minh Anh", 0);
    LINE("two names with 'và'", "Thu Hà và Minh Anh", "Thu Hà; Minh Anh", 0);
    LINE("three names with commas", "Thu Hà, Minh Anh, Hoàng Lan", "Thu Hà; Minh Anh; Hoàng Lan", 0);
    LINE("a name and a sentence are no byline", "Thu Hà - Hà Nội mưa to.", NULL, 0);
    LINE("a name and a lower-case word are no byline", "Thu Hà - tổng hợp", NULL, 0);
    LINE("name (theo outlet)", "Ngọc Ánh (Theo Reuters)", "Ngọc Ánh", 0);
    LINE("reporter of another outlet", "Theo Minh Anh (Dân Việt)", "Minh Anh", 0);
    LINE("source outlet", "Theo Tuổi Trẻ", "Tuổi Trẻ", 1);
    LINE("source outlet with lower-case words", "Theo Sức khỏe & Đời sống", "Sức khỏe & Đời sống", 1);
    LINE("source line in brackets", "(Theo Reuters)", "Reuters", 1);
    LINE("source line in square brackets", "[Nguồn: AFP]", "AFP", 1);
    LINE("source line naming two outlets", "Nguồn: Reuters, AFP", "Reuters; AFP", 1);
    LINE("source line naming outlets with a slash", "Theo AFP/Reuters", "AFP; Reuters", 1);
    LINE("brackets inside are kept", "(Theo) kế hoạch (mới)", NULL, 0);
    LINE("expert and workplace", "ThS.BS Nguyễn Văn An - Bệnh viện Bạch Mai", "ThS.BS Nguyễn Văn An", 0);
    LINE("expert, workplace", "TS Lê Phương, Viện Dinh dưỡng Quốc gia", "TS Lê Phương", 0);
    LINE("name and a sentence about a hospital is no byline", "Thu Hà - Bệnh viện quá tải.", NULL, 0);
    LINE("writer - photographer", "Lê Phương - Ảnh: Bình Minh", "Lê Phương", 0);
    LINE("photo credit is no byline", "Ảnh: Hiểu Nhân", NULL, 0);
    LINE("a sentence is no byline", "Hà Nội mưa to.", NULL, 0);
    LINE("one capitalised word is no byline", "Tin", NULL, 0);
    LINE("Theo + sentence is no source", "Theo kế hoạch, dự án xong năm nay", NULL, 0);
    LINE("a weekday date is no byline", "Thứ Ba, 12/03/2024", NULL, 0);
#undef LINE
    s = bt_byline_photo_credit("Ảnh: Hiểu Nhân");
    CHECK_STR("photo credit", s, "Hiểu Nhân");
    free(s);
    char para[] = "Kết quả được công bố hôm qua. Lê Phương";
    s = bt_byline_split_tail(para);
    CHECK_STR("name run into the last paragraph", s, "Lê Phương");
    CHECK_STR("paragraph without it", para, "Kết quả được công bố hôm qua.");
    free(s);
    char para2[] = "Kết quả được công bố hôm qua. Theo Reuters";
    CHECK("source tail stays", bt_byline_split_tail(para2) == NULL);
}

static void t_outlets(void)
{
    const char *outlets[] = {"vnexpress.net", "Báo VnExpress", NULL, "VnExpress"};
    CHECK("brand equal to publisher", bt_byline_is_outlet("VnExpress", outlets, 4, NULL));
    CHECK("Báo prefix ignored", bt_byline_is_outlet("Báo VnExpress", outlets + 3, 1, NULL));
    CHECK("host label", bt_byline_is_outlet("Dân trí", NULL, 0, "https://dantri.com.vn/a.htm"));
    CHECK("a domain name", bt_byline_is_outlet("VCCorp.vn", NULL, 0, NULL));
    CHECK("a person is no outlet", !bt_byline_is_outlet("Lê Phương", outlets, 4, "https://vnexpress.net/a"));
    CHECK("another outlet is not this one", !bt_byline_is_outlet("Reuters", outlets, 4, "https://vnexpress.net/a"));
}

int main(void)
{
    t_names();
    t_clean();
    t_lines();
    t_outlets();
    TEST_END();
}

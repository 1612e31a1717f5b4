/* test_date.c - the date module: one case per accepted shape, the refusals, the conversions and
 * the formats (dates are parsed nowhere else). */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "harness.h"

static int is(const bt_date *d, int y, int mo, int da, int h, int mi, int tz)
{
    return d->year == y && d->month == mo && d->day == da && d->hour == h && d->minute == mi &&
           d->tz_minutes == tz;
}

static void t_formats(void)
{
    bt_date d = {2023, 5, 27, 14, 0, 0, 1, 420};
    char iso[32];
    bt_date_iso(&d, iso);
    CHECK_STR("iso with time", iso, "2023-05-27T14:00:00+07:00");
    char *vi = bt_date_vi(&d);
    CHECK_STR("Vietnamese date line", vi, "Thứ Bảy, 27/05/2023, 14:00");
    free(vi);
    d.has_time = 0;
    bt_date_iso(&d, iso);
    CHECK_STR("iso date only", iso, "2023-05-27");
    vi = bt_date_vi(&d);
    CHECK_STR("Vietnamese date line without time", vi, "Thứ Bảy, 27/05/2023");
    free(vi);
    bt_date none = {0};
    bt_date_iso(&none, iso);
    CHECK_STR("unknown date is empty", iso, "");
    CHECK("epoch", bt_date_epoch(&(bt_date){2023, 5, 27, 14, 0, 0, 1, 420}) == 1685170800);
    CHECK("epoch of a date without time is its midnight UTC",
          bt_date_epoch(&(bt_date){1970, 1, 2, 0, 0, 0, 0, 420}) == 86400);
    CHECK("weekday", bt_date_weekday(&(bt_date){2023, 5, 27, 0, 0, 0, 0, 420}) == 6);
    bt_date bad = {2023, 2, 30, 0, 0, 0, 0, 420};
    CHECK("30 February is not valid", !bt_date_valid(&bad));
    CHECK("29 February of a leap year", bt_date_valid(&(bt_date){2024, 2, 29, 0, 0, 0, 0, 420}));
    CHECK("29 February of 1900 is not", !bt_date_valid(&(bt_date){1900, 2, 29, 0, 0, 0, 0, 420}));
    CHECK("hour 24 is not valid", !bt_date_valid(&(bt_date){2023, 5, 27, 24, 0, 0, 1, 420}));
    int wy = 0, wk = 0;
    bt_date_iso_week(&(bt_date){2023, 5, 27, 0, 0, 0, 0, 420}, &wy, &wk);
    CHECK("ISO week", wy == 2023 && wk == 21);
    bt_date_iso_week(&(bt_date){2021, 1, 3, 0, 0, 0, 0, 420}, &wy, &wk);
    CHECK("ISO week: early January in the last week of the year before", wy == 2020 && wk == 53);
    bt_date_iso_week(&(bt_date){2024, 12, 30, 0, 0, 0, 0, 420}, &wy, &wk);
    CHECK("ISO week: late December in week 1 of the next year", wy == 2025 && wk == 1);
    bt_date_iso_week(&(bt_date){2026, 1, 1, 0, 0, 0, 0, 420}, &wy, &wk);
    CHECK("ISO week: 1 January on a Thursday", wy == 2026 && wk == 1);
    bt_date z = {2019, 10, 18, 22, 4, 0, 1, 0};
    bt_date_to_zone(&z, 420);
    CHECK("UTC evening is the next morning in Vietnam", is(&z, 2019, 10, 19, 5, 4, 420));
    bt_date nt = {2019, 10, 18, 0, 0, 0, 0, 0};
    bt_date_to_zone(&nt, 420);
    CHECK("a date without time keeps its day", nt.day == 18 && nt.tz_minutes == 0);
}

static void t_iso(void)
{
    bt_date p;
    CHECK("iso", bt_date_parse_iso("2022-02-13T16:08:35+07:00", &p) && is(&p, 2022, 2, 13, 16, 8, 420) &&
                     p.second == 35);
    CHECK("iso Z with fraction", bt_date_parse_iso("2022-02-13T09:08:35.123Z", &p) && p.tz_minutes == 0);
    CHECK("iso without zone is Vietnam time", bt_date_parse_iso("2022-02-13T09:08", &p) && p.tz_minutes == 420);
    CHECK("iso space for T, zone without colon", bt_date_parse_iso("2022-02-13 09:08+0530", &p) &&
                                                     p.tz_minutes == 330);
    CHECK("iso date only", bt_date_parse_iso("2022-02-13", &p) && !p.has_time);
    CHECK("iso refuses a bad day", !bt_date_parse_iso("2023-02-30", &p));
    CHECK("iso refuses day first", !bt_date_parse_iso("13/02/2022", &p));
}

static void t_tolerant(void)
{
    bt_date d;
    /* ISO-like */
    CHECK("ISO with zone", bt_date_parse("2022-02-13T16:08:35+07:00", 0, &d) && is(&d, 2022, 2, 13, 16, 8, 420) &&
                               d.second == 35);
    CHECK("Z is UTC", bt_date_parse("2019-10-18T22:04:00Z", 420, &d) && d.tz_minutes == 0);
    CHECK("zone without colon", bt_date_parse("2019-10-18T22:04:00+0200", 0, &d) && d.tz_minutes == 120);
    CHECK("ISO with slashes and space", bt_date_parse("2022/02/13 16:08", 420, &d) && is(&d, 2022, 2, 13, 16, 8, 420));
    CHECK("ISO with dots", bt_date_parse("2022.02.13", 0, &d) && is(&d, 2022, 2, 13, 0, 0, 0) && !d.has_time);
    CHECK("ISO inside text", bt_date_parse("Cập nhật 2022-02-13 lúc 16:08", 420, &d) && d.day == 13);
    /* day first */
    CHECK("Vietnamese visible date", bt_date_parse("Chủ nhật, 13/2/2022, 16:08 (GMT+7)", 0, &d) &&
                                         is(&d, 2022, 2, 13, 16, 8, 420));
    CHECK("day first with dashes", bt_date_parse("13-02-2022", 420, &d) && d.day == 13 && d.month == 2);
    CHECK("day first with dots (German)", bt_date_parse("06.11.2023 13:30 von Olga", 0, &d) &&
                                             is(&d, 2023, 11, 6, 13, 30, 0));
    CHECK("time before date", bt_date_parse("16:35 16/07/2026", 420, &d) && is(&d, 2026, 7, 16, 16, 35, 420));
    CHECK("time before date, then a GMT zone", bt_date_parse("16:35 16/07/2026 (GMT+7)", 0, &d) &&
                                                 is(&d, 2026, 7, 16, 16, 35, 420));
    CHECK("US month-first date", bt_date_parse("11/20/2019 10:43", 0, &d) && d.month == 11 && d.day == 20);
    CHECK("GMT-5", bt_date_parse("13/2/2022 16:08 GMT-5", 420, &d) && d.tz_minutes == -300);
    CHECK("seconds", bt_date_parse("13/02/2022 16:08:59", 420, &d) && d.second == 59);
    /* 12-hour clock */
    CHECK("12-hour clock PM", bt_date_parse("12-03-2024 - 03:05 PM", 420, &d) && is(&d, 2024, 3, 12, 15, 5, 420));
    CHECK("12-hour clock, time first", bt_date_parse("03:05 pm 12/03/2024", 420, &d) && d.hour == 15);
    CHECK("p.m. with dots", bt_date_parse("March 12, 2024 3:05 p.m.", 0, &d) && d.hour == 15);
    CHECK("12 AM is midnight", bt_date_parse("March 12, 2024 12:30 AM", 0, &d) && d.hour == 0 && d.minute == 30);
    CHECK("24-hour time with PM stays", bt_date_parse("12/03/2024 15:05 PM", 420, &d) && d.hour == 15);
    /* month names */
    CHECK("RFC 822", bt_date_parse("Sat, 19 Oct 2019 00:04:00 +0200", 0, &d) && is(&d, 2019, 10, 19, 0, 4, 120));
    CHECK("English month first", bt_date_parse("November 20, 2019 10:43", 0, &d) && is(&d, 2019, 11, 20, 10, 43, 0));
    CHECK("English ordinal", bt_date_parse("October 19th, 2019", 0, &d) && d.day == 19 && d.month == 10);
    CHECK("French month", bt_date_parse("30 septembre 2018", 0, &d) && d.month == 9 && d.day == 30);
    CHECK("German month with day dot", bt_date_parse("19. Oktober 2019", 0, &d) && d.month == 10 && d.day == 19);
    CHECK("Spanish 'de'", bt_date_parse("30 de septiembre de 2018", 0, &d) && d.month == 9 && d.day == 30);
    CHECK("Portuguese month", bt_date_parse("5 de outubro de 2018", 0, &d) && d.month == 10 && d.day == 5);
    CHECK("Italian month", bt_date_parse("12 maggio 2020", 0, &d) && d.month == 5 && d.day == 12);
    CHECK("English edition, weekday and pm GMT+7", bt_date_parse("Wednesday, October 22, 2025 | 07:25 pm (GMT+7)", 0, &d) &&
                                                     is(&d, 2025, 10, 22, 19, 25, 420));
    CHECK("English short month with dot", bt_date_parse("Oct. 22, 2025, 7:25 am", 420, &d) && is(&d, 2025, 10, 22, 7, 25, 420));
    CHECK("English day first", bt_date_parse("22 October 2025 19:25 GMT+7", 0, &d) && is(&d, 2025, 10, 22, 19, 25, 420));
    /* Vietnamese words */
    CHECK("ngày ... tháng ... năm", bt_date_parse("ngày 13 tháng 2 năm 2022", 420, &d) && is(&d, 2022, 2, 13, 0, 0, 420));
    CHECK("weekday, tháng with comma year, lúc", bt_date_parse("Thứ Tư, 22 tháng 10, 2025 lúc 19:25 (giờ Hà Nội)", 420, &d) &&
                                                   is(&d, 2025, 10, 22, 19, 25, 420));
    CHECK("tháng with comma year", bt_date_parse("12 tháng 3, 2024 15:05", 420, &d) && is(&d, 2024, 3, 12, 15, 5, 420));
    CHECK("Tháng capitalised, year after a space", bt_date_parse("Thứ Ba, 17 Tháng 9 2024 15:02", 420, &d) &&
                                                     is(&d, 2024, 9, 17, 15, 2, 420));
    CHECK("thg (short month word)", bt_date_parse("17 thg 9, 2024", 420, &d) && is(&d, 2024, 9, 17, 0, 0, 420) && !d.has_time);
    /* the Vietnamese clock "15h02", "15h"; a dotted clock "21.10" */
    CHECK("15h02 after the date", bt_date_parse("17/09/2024 15h02", 420, &d) && is(&d, 2024, 9, 17, 15, 2, 420) && d.has_time);
    CHECK("lúc 15h02", bt_date_parse("Ngày 17/09/2024 lúc 15h02", 420, &d) && is(&d, 2024, 9, 17, 15, 2, 420));
    CHECK("15h02 before the date", bt_date_parse("15h02 ngày 17/9/2024", 420, &d) && is(&d, 2024, 9, 17, 15, 2, 420));
    CHECK("15h alone", bt_date_parse("15h ngày 17/9/2024", 420, &d) && is(&d, 2024, 9, 17, 15, 0, 420) && d.has_time);
    CHECK("dotted clock and GMT", bt_date_parse("Tue 19 Nov 2019 21.10 GMT", 420, &d) && is(&d, 2019, 11, 19, 21, 10, 0));
    CHECK("zone by name: BST", bt_date_parse("Tue 17 Sep 2024 13.25 BST", 420, &d) && is(&d, 2024, 9, 17, 13, 25, 60));
    CHECK("US zone without S/D in summer: ET", bt_date_parse("Sept. 17, 2024, 3:02 p.m. ET", 0, &d) && is(&d, 2024, 9, 17, 15, 2, -240));
    CHECK("US zone without S/D in winter: ET", bt_date_parse("Nov. 19, 2019 11:41 a.m. ET", 0, &d) && is(&d, 2019, 11, 19, 11, 41, -300));
    CHECK("PT on the day summer time starts", bt_date_parse("March 9, 2025 10:00 PT", 0, &d) && is(&d, 2025, 3, 9, 10, 0, -420));
    CHECK("PT the day before", bt_date_parse("March 8, 2025 10:00 PT", 0, &d) && is(&d, 2025, 3, 8, 10, 0, -480));
    CHECK("CT on the day summer time ends", bt_date_parse("November 2, 2025 10:00 CT", 0, &d) && is(&d, 2025, 11, 2, 10, 0, -360));
    CHECK("CT the day before", bt_date_parse("November 1, 2025 10:00 CT", 0, &d) && is(&d, 2025, 11, 1, 10, 0, -300));
    CHECK("zone by name: EDT after pm", bt_date_parse("Sept. 17, 2024, 3:02 p.m. EDT", 0, &d) && is(&d, 2024, 9, 17, 15, 2, -240));
    CHECK("zone by name: ICT", bt_date_parse("17/09/2024 15:02 ICT", 0, &d) && is(&d, 2024, 9, 17, 15, 2, 420));
    CHECK("a word in h is no clock", bt_date_parse("17/9/2024 5 học sinh", 420, &d) && !d.has_time);
    CHECK("a dotted date after a date is no clock", bt_date_parse("2019-11-19 21.10.2019", 420, &d) && !d.has_time);
    /* refusals */
    CHECK("no date", !bt_date_parse("Tin mới nhất hôm nay", 420, &d));
    CHECK("invalid day refused", !bt_date_parse("31/02/2022", 420, &d));
    CHECK("year before 1990 refused", !bt_date_parse("13/02/1975", 420, &d));
    CHECK("a phone number is no date", !bt_date_parse("Hotline 0912 345 678", 420, &d));
    CHECK("NULL", !bt_date_parse(NULL, 420, &d));
}

static void t_field(void)
{
    bt_date d;
    int clean = 0;
    memset(&d, 0, sizeof d);
    CHECK("field: time", bt_date_scan_field("14:00", &d, &clean) == 2 && clean && d.hour == 14 && d.has_time);
    memset(&d, 0, sizeof d);
    CHECK("field: D/M/YYYY", bt_date_scan_field("27/5/2023", &d, &clean) == 1 && d.day == 27 && d.month == 5);
    memset(&d, 0, sizeof d);
    CHECK("field: weekday and date", bt_date_scan_field("Thứ Bảy, 27/05/2023", &d, &clean) == 1 && clean);
    memset(&d, 0, sizeof d);
    CHECK("field: ISO date", bt_date_scan_field("2023-05-27", &d, &clean) == 1 && d.year == 2023 && d.day == 27);
    memset(&d, 0, sizeof d);
    CHECK("field: 14h05", bt_date_scan_field("14h05", &d, &clean) == 2 && d.minute == 5);
    memset(&d, 0, sizeof d);
    CHECK("field: date and time", bt_date_scan_field("27-05-2023 14:00:10", &d, &clean) == 3);
    memset(&d, 0, sizeof d);
    CHECK("field: other numbers refuse it", bt_date_scan_field("Phường 12", &d, &clean) == 0);
    memset(&d, 0, sizeof d);
    bt_date_scan_field("Hôm nay là một ngày rất đẹp trời ở 27/05/2023", &d, &clean);
    CHECK("field: long text is not clean", !clean);
}

int main(void)
{
    t_formats();
    t_iso();
    t_tolerant();
    t_field();
    TEST_END();
}

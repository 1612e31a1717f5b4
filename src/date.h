/* date.h - calendar dates: the one place where a date is parsed, checked, converted and
 * formatted. Every shape of date the parsers accept is read here (tests/unit/test_date.c has one
 * case per shape); parsers never scan digits for dates themselves. */
#ifndef BT_DATE_H
#define BT_DATE_H

#include <stdint.h>

/* A calendar date in Vietnam time unless tz says otherwise. year == 0: unknown. */
typedef struct {
    int year, month, day;
    int hour, minute, second;
    int has_time;
    int tz_minutes; /* offset from UTC, +420 for UTC+07:00 */
} bt_date;

/* 1 when the fields make a real date (and time, when has_time) with a zone within a day. */
int bt_date_valid(const bt_date *d);
/* ISO 8601: "2023-05-27T14:00:00+07:00" with time, "2023-05-27" without, "" when unknown.
 * out must hold 32 bytes. */
void bt_date_iso(const bt_date *d, char out[32]);
/* Vietnamese display form "Thứ Bảy, 27/05/2023, 14:00" (heap string, "" when unknown). */
char *bt_date_vi(const bt_date *d);
/* Seconds since the epoch (UTC) of the date (midnight when no time), or -1. */
int64_t bt_date_epoch(const bt_date *d);
/* 0 = Sunday ... 6 = Saturday. */
int bt_date_weekday(const bt_date *d);
/* ISO 8601 week of the date: *week_year (the week-based year, which may differ from the
 * calendar year near New Year) and *week (1-53). */
void bt_date_iso_week(const bt_date *d, int *week_year, int *week);
/* The same instant shown at another UTC offset (minutes); dates without a time are unchanged. */
void bt_date_to_zone(bt_date *d, int tz_minutes);

/* Strict ISO 8601 ("2023-05-27", "2023-05-27T14:00", optional seconds, fraction and zone; a
 * space may stand for the T). No zone: Vietnam time. 1 on success. */
int bt_date_parse_iso(const char *s, bt_date *d);

/* Tolerant parser for a date found somewhere in a text (page metadata, a visible date line).
 * Accepted shapes, tried in this order at each position:
 *   ISO-like   "2022-02-13T16:08:35+07:00", "2022/02/13 16:08", "2022.02.13"
 *   day first  "13/2/2022", "13-02-2022", "13.02.2022", with the time after ("13/2/2022, 16:08
 *              (GMT+7)") or before ("16:08 13/02/2022"); "11/20/2019" month first when day
 *              first is impossible
 *   month name "19 Oct 2019 00:04:00 +0200", "October 19, 2019", "30 septembre 2018",
 *              "19. Oktober 2019", "30 de septiembre de 2018" (en, fr, de, es, pt, it)
 *   Vietnamese "ngày 13 tháng 2 năm 2022", "12 tháng 3, 2024 15:05"
 * Times: "16:08", "16:08:35", "03:05 PM", "3:05 p.m."; zones "Z", "+07:00", "+0700", "GMT+7",
 * "UTC". default_tz: minutes east of UTC when the text names no zone. Years 1990-2100 only.
 * 1 on success. */
int bt_date_parse(const char *s, int default_tz, bt_date *d);

/* One field of a plain-text meta line ("14:00", "27/05/2023", "Thứ Bảy, 27/5/2023",
 * "2023-05-27", "14h00"): the date (D/M/YYYY with '/', '-' or '.', or YYYY-MM-DD) and time
 * (HH:MM, HHhMM, seconds ignored) found in it are stored in d (other fields of d are kept).
 * Returns a bit mask: 1 = a date, 2 = a time; 0 when any other number occurs. *clean is set
 * when besides them the field holds at most a few words (a weekday, "GMT+7"). */
int bt_date_scan_field(const char *f, bt_date *d, int *clean);

#endif

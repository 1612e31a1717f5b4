/* date.c - parsing, checking and formatting calendar dates (see date.h). */
#include "date.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* ---- checks, conversions, formats ---- */

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}

int bt_date_valid(const bt_date *d)
{
    if (d->year < 1000 || d->year > 9999 || d->month < 1 || d->month > 12) return 0;
    if (d->day < 1 || d->day > days_in_month(d->year, d->month)) return 0;
    if (d->has_time && (d->hour < 0 || d->hour > 23 || d->minute < 0 || d->minute > 59 ||
                        d->second < 0 || d->second > 60))
        return 0;
    return d->tz_minutes > -24 * 60 && d->tz_minutes < 24 * 60;
}

void bt_date_iso(const bt_date *d, char out[32])
{
    if (!bt_date_valid(d)) {
        out[0] = '\0';
        return;
    }
    if (!d->has_time) {
        snprintf(out, 32, "%04d-%02d-%02d", d->year, d->month, d->day);
        return;
    }
    int tz = d->tz_minutes, neg = tz < 0;
    if (neg) tz = -tz;
    /* a valid date fits in 25 bytes; format into a roomy buffer so no compiler sees a
     * possible truncation (gcc -O1 warns with -Wformat-truncation), then copy */
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", d->year, d->month, d->day,
             d->hour, d->minute, d->second, neg ? '-' : '+', tz / 60, tz % 60);
    size_t n = strlen(tmp);
    if (n > 31) n = 31;
    memcpy(out, tmp, n);
    out[n] = '\0';
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t bt_date_epoch(const bt_date *d)
{
    if (!bt_date_valid(d)) return -1;
    int64_t t = days_from_civil(d->year, d->month, d->day) * 86400;
    if (d->has_time) t += d->hour * 3600 + d->minute * 60 + d->second - (int64_t)d->tz_minutes * 60;
    return t;
}

int bt_date_weekday(const bt_date *d)
{
    int64_t days = days_from_civil(d->year, d->month, d->day);
    int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

void bt_date_iso_week(const bt_date *d, int *week_year, int *week)
{
    /* the week holds the year's first Thursday: take the Thursday of d's week (Monday first) */
    int64_t days = days_from_civil(d->year, d->month, d->day);
    int wd = (bt_date_weekday(d) + 6) % 7; /* 0 = Monday */
    int64_t thu = days - wd + 3;
    int y = d->year + (d->month == 12 && thu > days_from_civil(d->year, 12, 31)) -
            (d->month == 1 && thu < days_from_civil(d->year, 1, 1));
    *week_year = y;
    *week = (int)((thu - days_from_civil(y, 1, 1)) / 7 + 1);
}

char *bt_date_vi(const bt_date *d)
{
    static const char *wd[] = {"Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư",
                               "Thứ Năm", "Thứ Sáu", "Thứ Bảy"};
    if (!bt_date_valid(d)) return bt_xstrdup("");
    if (d->has_time)
        return bt_xasprintf("%s, %02d/%02d/%04d, %02d:%02d", wd[bt_date_weekday(d)], d->day,
                            d->month, d->year, d->hour, d->minute);
    return bt_xasprintf("%s, %02d/%02d/%04d", wd[bt_date_weekday(d)], d->day, d->month, d->year);
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9') return 0;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 1;
}

int bt_date_parse_iso(const char *s, bt_date *d)
{
    bt_date r;
    memset(&r, 0, sizeof r);
    r.tz_minutes = 420;
    while (*s == ' ') s++;
    if (!digits(&s, 4, &r.year) || *s++ != '-' || !digits(&s, 2, &r.month) || *s++ != '-' ||
        !digits(&s, 2, &r.day))
        return 0;
    if (*s == 'T' || *s == 't' || (*s == ' ' && s[1] >= '0' && s[1] <= '9')) {
        s++;
        if (!digits(&s, 2, &r.hour) || *s++ != ':' || !digits(&s, 2, &r.minute)) return 0;
        r.has_time = 1;
        if (*s == ':') {
            s++;
            if (!digits(&s, 2, &r.second)) return 0;
        }
        if (*s == '.')
            for (s++; *s >= '0' && *s <= '9'; s++) {}
        if (*s == 'Z' || *s == 'z') {
            r.tz_minutes = 0;
            s++;
        } else if (*s == '+' || *s == '-') {
            int sign = *s == '-' ? -1 : 1, hh, mm = 0;
            s++;
            if (!digits(&s, 2, &hh)) return 0;
            if (*s == ':') s++;
            if (*s >= '0' && *s <= '9' && !digits(&s, 2, &mm)) return 0;
            r.tz_minutes = sign * (hh * 60 + mm);
        }
    }
    if (!bt_date_valid(&r)) return 0;
    *d = r;
    return 1;
}

void bt_date_to_zone(bt_date *d, int tz)
{
    int64_t t = d->has_time ? bt_date_epoch(d) : -1;
    if (t < 0) return;
    t += (int64_t)tz * 60;
    int64_t days = t / 86400, secs = t % 86400;
    /* civil date from days since 1970-01-01 (proleptic Gregorian) */
    int64_t z = days + 719468, era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    int yy = (int)(yoe + era * 400 + (mm <= 2));
    d->year = yy;
    d->month = mm;
    d->day = dd;
    d->hour = (int)(secs / 3600);
    d->minute = (int)(secs / 60 % 60);
    d->second = (int)(secs % 60);
    d->tz_minutes = tz;
}

/* ---- tolerant parsing of dates in text ---- */

static int num(const char **p, int maxd, int *out)
{
    int v = 0, k = 0;
    while (k < maxd && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        k++;
    }
    *out = v;
    return k;
}

/* After the hour: ":MM"; "hMM" or an "h" alone ("15h02", "15h": the Vietnamese clock); ".MM"
 * when no third number follows ("21.10 GMT", not "21.10.2019"). Reads the minutes. */
static int clock_sep(const char **pp, int *mi)
{
    const char *q = *pp;
    *mi = 0;
    if (*q == ':' || *q == '.') {
        char sep = *q++;
        if (num(&q, 2, mi) != 2) return 0;
        if (sep == '.' && *q == '.' && isdigit((unsigned char)q[1])) return 0;
    } else if (*q == 'h' || *q == 'H') {
        q++;
        if (isdigit((unsigned char)*q)) {
            if (num(&q, 2, mi) != 2) return 0;
        }
        if (isalpha((unsigned char)*q) || (unsigned char)*q >= 0x80) return 0; /* "5học" */
    } else {
        return 0;
    }
    *pp = q;
    return 1;
}

/* Day of the week, 0 = Sunday (Sakamoto's method). */
static int weekday(int y, int m, int d)
{
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3) y--;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

/* 1 when d's day falls in US daylight saving time (since 2007: from the second Sunday of March
 * to the first Sunday of November); 0 when not or when d has no date. */
static int us_summer(const bt_date *d)
{
    if (d->year < 2007 || d->month < 3 || d->month > 11 || d->day < 1) return 0;
    if (d->month > 3 && d->month < 11) return 1;
    if (d->month == 3) {
        int second_sunday = 8 + (7 - weekday(d->year, 3, 8)) % 7;
        return d->day >= second_sunday;
    }
    int first_sunday = 1 + (7 - weekday(d->year, 11, 1)) % 7;
    return d->day < first_sunday;
}

static void parse_time_zone(const char *p, bt_date *d, int default_tz)
{
    d->tz_minutes = default_tz;
    while (*p == ' ' || *p == 'T' || *p == ',' || *p == '-' || *p == '|') p++;
    /* "lúc 19:25", "at 7:25 pm", "às 20:13", "um 13:30": the word before a time */
    static const char *const at[] = {"lúc ", "at ", "às ", "as ", "um ", "à ", "a las ", "alle ",
                                     "klo ", "vào lúc ", NULL};
    for (const char *const *w = at; *w; w++)
        if (strncasecmp(p, *w, strlen(*w)) == 0) {
            p += strlen(*w);
            break;
        }
    int h, mi = 0, s = 0;
    const char *q = p;
    if (num(&q, 2, &h) && clock_sep(&q, &mi)) {
        if (*q == ':') { q++; num(&q, 2, &s); }
        if (*q == '.') { q++; while (isdigit((unsigned char)*q)) q++; }
        if (h <= 23 && mi <= 59 && s <= 60) {
            d->hour = h; d->minute = mi; d->second = s; d->has_time = 1;
        }
        while (*q == ' ') q++;
        /* 12-hour clock: "03:05 PM", "3:05 p.m." (a 24-hour time with a stray "PM" stays) */
        if ((q[0] == 'P' || q[0] == 'p' || q[0] == 'A' || q[0] == 'a') &&
            (q[1] == 'M' || q[1] == 'm' || (q[1] == '.' && (q[2] == 'm' || q[2] == 'M')))) {
            int pm = q[0] == 'P' || q[0] == 'p';
            if (d->has_time && d->hour >= 1 && d->hour <= 12) {
                if (pm && d->hour < 12) d->hour += 12;
                if (!pm && d->hour == 12) d->hour = 0;
            }
            q += q[1] == '.' ? 3 : 2;
            if (*q == '.') q++;
            while (*q == ' ') q++;
        }
        if (*q == 'Z' || *q == 'z') { d->tz_minutes = 0; return; }
        if (*q == '+' || *q == '-') {
            int sign = *q == '-' ? -1 : 1, zh = 0, zm = 0;
            q++;
            if (num(&q, 2, &zh) == 2) {
                if (*q == ':') q++;
                num(&q, 2, &zm);
                if (zh <= 14 && zm < 60) d->tz_minutes = sign * (zh * 60 + zm);
            }
            return;
        }
        /* zones by name after the time: "19:25 BST", "7:25 pm EDT", "19:25 ICT" */
        static const struct { const char *name; int minutes; } zones[] = {
            {"BST", 60}, {"CET", 60}, {"CEST", 120}, {"EET", 120}, {"EEST", 180}, {"EST", -300},
            {"EDT", -240}, {"CST", -360}, {"CDT", -300}, {"PST", -480}, {"PDT", -420}, {"ICT", 420},
            {"JST", 540}, {"KST", 540}, {"SGT", 480}, {"AEST", 600}, {"AEDT", 660}};
        if (isupper((unsigned char)q[0]) && isupper((unsigned char)q[1]) && isupper((unsigned char)q[2]))
            for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
                size_t zl = strlen(zones[z].name);
                if (strncmp(q, zones[z].name, zl) == 0 && !isalpha((unsigned char)q[zl])) {
                    d->tz_minutes = zones[z].minutes;
                    return;
                }
            }
        /* the US zones named without standard or daylight ("11:41 a.m. ET"): which one the
         * date says, when it is known */
        static const struct { char c; int minutes; } us[] = {{'E', -300}, {'C', -360}, {'M', -420}, {'P', -480}};
        for (size_t z = 0; z < sizeof us / sizeof us[0]; z++)
            if (q[0] == us[z].c && q[1] == 'T' && !isalpha((unsigned char)q[2])) {
                d->tz_minutes = us[z].minutes + (us_summer(d) ? 60 : 0);
                return;
            }
        const char *g = strstr(q, "GMT");
        if (!g) g = strstr(q, "UTC");
        if (g) {
            g += 3;
            int sign = *g == '-' ? -1 : 1, zh = 0;
            if (*g == '+' || *g == '-') {
                g++;
                if (num(&g, 2, &zh) && zh <= 14) d->tz_minutes = sign * zh * 60;
            } else {
                d->tz_minutes = 0;
            }
        }
    }
}

int bt_date_parse(const char *s, int default_tz, bt_date *out)
{
    if (!s) return 0;
    /* every form below has a four-digit year: text without one is no date (most text asked) */
    int run = 0;
    for (const char *p = s; *p && run < 4; p++) run = isdigit((unsigned char)*p) ? run + 1 : 0;
    if (run < 4) return 0;
    bt_date d;
    memset(&d, 0, sizeof d);
    d.tz_minutes = default_tz;
    /* ISO-like: YYYY-MM-DD or YYYY/MM/DD anywhere */
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p) || (p > s && isdigit((unsigned char)p[-1]))) continue;
        const char *q = p;
        int y, mo, da;
        if (num(&q, 4, &y) == 4 && (*q == '-' || *q == '/' || *q == '.')) {
            char sep = *q++;
            if (num(&q, 2, &mo) >= 1 && *q == sep && (q++, num(&q, 2, &da) >= 1) &&
                !isdigit((unsigned char)*q)) {
                d.year = y; d.month = mo; d.day = da;
                parse_time_zone(q, &d, default_tz);
                if (bt_date_valid(&d) && y >= 1990 && y <= 2100) { *out = d; return 1; }
                memset(&d, 0, sizeof d);
            }
        }
        /* day-first: D/M/YYYY (Vietnamese and European forms) */
        q = p;
        if (num(&q, 2, &da) >= 1 && (*q == '/' || *q == '.' || *q == '-')) {
            char sep = *q++;
            if (num(&q, 2, &mo) >= 1 && *q == sep && (q++, num(&q, 4, &y) == 4) &&
                !isdigit((unsigned char)*q)) {
                d.year = y; d.month = mo; d.day = da;
                d.tz_minutes = default_tz;
                parse_time_zone(q, &d, default_tz);
                if (!d.has_time) {
                    /* time before the date: "16:08 13/02/2022" */
                    const char *b = p;
                    int back = 0;
                    while (b > s && back < 16) { b--; back++; }
                    const char *colon = NULL; /* "16:08", "16h08", "16h" */
                    for (const char *k = b; k < p; k++)
                        if ((*k == ':' || *k == 'h') && k > s && isdigit((unsigned char)k[-1])) colon = k;
                    if (colon) {
                        const char *h0 = colon - 1;
                        if (h0 > s && isdigit((unsigned char)h0[-1])) h0--;
                        bt_date t = d;
                        parse_time_zone(h0, &t, default_tz);
                        if (t.has_time) d = t;
                        d.year = y; d.month = mo; d.day = da;
                    }
                    const char *g = strstr(s, "GMT");
                    if (g) {
                        /* the zone only: the time found before the date stays */
                        char zone[40];
                        snprintf(zone, sizeof zone, "00:00 %.32s", g);
                        bt_date z = d;
                        parse_time_zone(zone, &z, default_tz);
                        d.tz_minutes = z.tz_minutes;
                    }
                }
                if (bt_date_valid(&d) && y >= 1990 && y <= 2100) { *out = d; return 1; }
                /* "11/20/2019": month first (US) when day first is impossible */
                int t = d.day;
                d.day = d.month;
                d.month = t;
                if (sep == '/' && bt_date_valid(&d) && y >= 1990 && y <= 2100) { *out = d; return 1; }
                memset(&d, 0, sizeof d);
            }
        }
    }
    /* month names: "19 Oct 2019 00:04:00 +0200", "30 septembre 2018", "October 19, 2019" */
    {
        static const char *const months[][12] = {
            {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"},
            {"janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc"},
            {"jän", "feb", "märz", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "dez"},
            {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"},
            {"jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"},
            {"gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"},
            {"janu", "febr", "mär", "apr", "mai", "jun", "jul", "aug", "sept", "okto", "nov", "dez"},
        };
        for (const char *p = s; *p; p++) {
            if (!isalpha((unsigned char)*p) && (unsigned char)*p < 0x80) continue;
            if (p > s && (isalpha((unsigned char)p[-1]) || (unsigned char)p[-1] >= 0x80)) continue;
            int mo = 0;
            for (size_t l = 0; l < sizeof months / sizeof months[0] && !mo; l++)
                for (int k = 0; k < 12; k++)
                    if ((*p | 0x20) == months[l][k][0] &&
                        strncasecmp(p, months[l][k], strlen(months[l][k])) == 0) { mo = k + 1; break; }
            if (!mo) continue;
            const char *w = p;
            while (*w && !isspace((unsigned char)*w) && !isdigit((unsigned char)*w)) w++;
            /* day before: "19 Oct" / "19. Oktober" / "30 de septiembre de" */
            int da = 0, y = 0;
            const char *b = p;
            while (b > s && (b[-1] == ' ' || b[-1] == '.' || b[-1] == 'e' || b[-1] == 'd')) {
                if (b - s >= 3 && b[-1] == 'e' && b[-2] == 'd' && b[-3] == ' ') b -= 2;
                else if (b[-1] == ' ' || b[-1] == '.') b--;
                else break;
            }
            const char *db = b;
            while (db > s && isdigit((unsigned char)db[-1]) && b - db < 2) db--;
            if (db < b) num(&db, 2, &da);
            const char *q = w;
            while (*q == ' ' || *q == '.' || *q == ',') q++;
            if (strncmp(q, "de ", 3) == 0) q += 3;
            if (!da) { /* "October 19, 2019" */
                if (num(&q, 2, &da) < 1) continue;
                while (*q == ',' || *q == ' ' || *q == '.') q++;
                while (isalpha((unsigned char)*q)) q++; /* "19th" */
                while (*q == ',' || *q == ' ') q++;
            }
            if (num(&q, 4, &y) != 4) continue;
            d.year = y; d.month = mo; d.day = da;
            d.has_time = 0;
            parse_time_zone(q, &d, default_tz);
            if (bt_date_valid(&d) && y >= 1990 && y <= 2100) { *out = d; return 1; }
            memset(&d, 0, sizeof d);
        }
    }
    /* "ngày 13 tháng 2 năm 2022", "13 Tháng 2, 2022", "13 thg 2, 2022" */
    const char *p = strstr(s, "tháng");
    size_t mlen = strlen("tháng");
    if (!p && (p = strstr(s, "Tháng")) == NULL && (p = strstr(s, "THÁNG")) == NULL) {
        p = strstr(s, "thg ");
        mlen = 3;
    }
    if (p) {
        const char *q = p;
        while (q > s && !isdigit((unsigned char)q[-1])) q--;
        const char *b = q;
        while (b > s && isdigit((unsigned char)b[-1])) b--;
        int da = 0, mo = 0, y = 0;
        num(&b, 9, &da);
        q = p + mlen;
        while (*q == ' ') q++;
        num(&q, 2, &mo);
        const char *n2 = strstr(q, "năm");
        if (n2) {
            n2 += strlen("năm");
            while (*n2 == ' ') n2++;
            num(&n2, 4, &y);
        } else if (*q == ',' || *q == '/' || *q == ' ') { /* "12 tháng 3, 2024 15:05" */
            n2 = q + (*q != ' ');
            while (*n2 == ' ') n2++;
            if (num(&n2, 4, &y) != 4) y = 0;
        }
        d.year = y; d.month = mo; d.day = da; d.tz_minutes = default_tz;
        if (n2 && y) parse_time_zone(n2, &d, default_tz);
        if (bt_date_valid(&d) && y >= 1990) { *out = d; return 1; }
    }
    return 0;
}

/* ---- plain-text meta line fields ---- */

static int parse_num(const char **p, int maxdigits, int *v)
{
    int n = 0, x = 0;
    while (**p >= '0' && **p <= '9' && n < maxdigits) {
        x = x * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (!n || (**p >= '0' && **p <= '9')) return 0;
    *v = x;
    return 1;
}

/* A field counts as a date/time field only if nothing but those, weekday words and light
 * punctuation remain: any other number refuses it. */
int bt_date_scan_field(const char *f, bt_date *d, int *clean)
{
    int found = 0;
    size_t letters = 0;
    for (const char *p = f; *p;) {
        if (*p >= '0' && *p <= '9') {
            const char *q = p;
            int a, b, c;
            if (parse_num(&q, 2, &a) && (*q == '/' || *q == '-' || *q == '.')) {
                char sep = *q++;
                if (parse_num(&q, 2, &b) && *q == sep) {
                    q++;
                    if (parse_num(&q, 4, &c) && c >= 1000) {
                        d->day = a;
                        d->month = b;
                        d->year = c;
                        found |= 1;
                        p = q;
                        continue;
                    }
                }
            }
            q = p; /* ISO: YYYY-MM-DD */
            if (parse_num(&q, 4, &c) && c >= 1000 && *q == '-' && (q++, parse_num(&q, 2, &b)) &&
                *q == '-' && (q++, parse_num(&q, 2, &a))) {
                d->year = c;
                d->month = b;
                d->day = a;
                found |= 1;
                p = q;
                continue;
            }
            q = p;
            if (parse_num(&q, 2, &a) && (*q == ':' || *q == 'h') && q[1] >= '0' && q[1] <= '9') {
                q++;
                if (parse_num(&q, 2, &b) && a < 24 && b < 60) {
                    if (*q == ':' && q[1] >= '0' && q[1] <= '9') { /* seconds: ignored */
                        q++;
                        int sec;
                        if (!parse_num(&q, 2, &sec)) return 0;
                    }
                    d->hour = a;
                    d->minute = b;
                    d->has_time = 1;
                    found |= 2;
                    p = q;
                    continue;
                }
            }
            return 0; /* other numbers: not a date field */
        }
        if ((unsigned char)*p >= 0x80 || isalpha((unsigned char)*p)) letters++;
        p++;
    }
    /* Weekday names, "ngày" are fine; long text is not a date field. */
    *clean = letters <= 24;
    return found;
}

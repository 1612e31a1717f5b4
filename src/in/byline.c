/* byline.c - person names and bylines (see byline.h). */
#include "byline.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "text.h"
#include "util.h"

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcasecmp(s, *list) == 0) return 1;
    return 0;
}

static size_t utf8_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* 1 when s starts with the lower-case UTF-8 text w (w is wl bytes), compared case-insensitively. */
static int ci_prefix_utf8(const char *s, const char *w, size_t wl)
{
    size_t i = 0, j = 0;
    while (j < wl) {
        uint32_t a, b;
        if (!s[i]) return 0;
        size_t la = bt_utf8_decode(s + i, strlen(s + i), &a);
        size_t lb = bt_utf8_decode(w + j, wl - j, &b);
        if (la == 0 || lb == 0) return 0;
        if ((uint32_t)utf8proc_tolower((utf8proc_int32_t)a) != b) return 0;
        i += la;
        j += lb;
    }
    return 1;
}

int bt_byline_is_name(const char *s, size_t n)
{
    if (n > 160 || utf8_chars(s, n) > 40) return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] >= '0' && s[i] <= '9') return 0;
    static const char *const particles[] = {"von", "van", "der", "den", "de", "da", "do", "dos",
                                            "das", "del", "della", "di", "du", "la", "le", "bin",
                                            "al", "y", "e", "zu", "ter", "ten", NULL};
    /* weekday names start dates ("Thứ Ba, 12/03/2024", "Monday, ..."): never a person */
    static const char *const weekdays[] = {"thứ hai", "thứ ba", "thứ tư", "thứ năm", "thứ sáu",
                                           "thứ bảy", "thứ 2", "thứ 3", "thứ 4", "thứ 5", "thứ 6",
                                           "thứ 7", "chủ nhật", "monday", "tuesday", "wednesday",
                                           "thursday", "friday", "saturday", "sunday", "montag",
                                           "dienstag", "mittwoch", "donnerstag", "freitag",
                                           "samstag", "sonntag", "lundi", "mardi", "mercredi",
                                           "jeudi", "vendredi", "samedi", "dimanche", "lunes",
                                           "martes", "miércoles", "jueves", "viernes", "sábado",
                                           "domingo", NULL};
    for (const char *const *w = weekdays; *w; w++) {
        size_t wl = strlen(*w);
        if (n >= wl && (n == wl || s[wl] == ' ' || s[wl] == ',') && ci_prefix_utf8(s, *w, wl))
            return 0;
    }
    int words = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && s[i] == ' ') i++;
        size_t b = i;
        while (i < n && s[i] != ' ') i++;
        if (i == b) break;
        words++;
        char w[16];
        size_t wl = i - b < sizeof w - 1 ? i - b : sizeof w - 1;
        memcpy(w, s + b, wl);
        w[wl] = '\0';
        if (in_list(w, particles)) continue;
        uint32_t cp;
        bt_utf8_decode(s + b, i - b, &cp);
        if (!utf8proc_isupper((utf8proc_int32_t)cp) &&
            utf8proc_category((utf8proc_int32_t)cp) != UTF8PROC_CATEGORY_LO)
            return 0;
    }
    return words >= 1 && words <= 5;
}

int bt_byline_plausible(const char *s)
{
    size_t l = bt_utf8_length(s);
    if (l < 2 || l > 80) return 0;
    if (strstr(s, "http") || strchr(s, '@') || strchr(s, '/')) return 0;
    for (const char *p = s; *p; p++)
        if (isdigit((unsigned char)*p)) return 0;
    return 1;
}

char *bt_byline_clean(const char *s)
{
    static const char *const pre[] = {"by ", "bởi ", "tác giả:", "tác giả ", "von ", "por ",
                                      "par ", "de ", "autor:", "autor ", "author:", "written by ",
                                      "text:", "texto:", "teksti:", "kirjoittaja ", "redakteur ",
                                      "reporter:", "reporter ", "phóng viên ", "pv ", "pv:", NULL};
    char *t = bt_text_clean(s, strlen(s));
    char *p = t;
    /* "Текст: Name" / "Foo: Name": a short label before a colon */
    char *colon = strchr(p, ':');
    if (colon && bt_utf8_length(p) - bt_utf8_length(colon) <= 14 && colon[1]) p = colon + 1;
    while (*p == ' ' || *p == '\'' || *p == '"') p++;
    for (int again = 1; again;) {
        again = 0;
        for (const char *const *q = pre; *q; q++) {
            size_t l = strlen(*q);
            if (strncasecmp(p, *q, l) == 0 && p[l]) {
                p += l;
                while (*p == ' ') p++;
                again = 1;
            }
        }
    }
    bt_buf out = {0};
    const char *q = p;
    int parts = 0;
    while (*q && parts < 6) {
        size_t n = strcspn(q, ",;|/\n");
        const char *sep = NULL;
        for (const char *k = q; k < q + n; k++)
            if (strncmp(k, " and ", 5) == 0 || strncmp(k, " und ", 5) == 0 || strncmp(k, " và ", 5) == 0 ||
                strncmp(k, " y ", 3) == 0 || strncmp(k, " et ", 4) == 0 || strncmp(k, " e ", 3) == 0 ||
                strncmp(k, " - ", 3) == 0 || strncmp(k, " – ", 5) == 0) {
                sep = k;
                break;
            }
        size_t len = sep ? (size_t)(sep - q) : n;
        char *part = bt_text_clean(q, len);
        size_t pl = strlen(part);
        while (pl && (part[pl - 1] == '\'' || part[pl - 1] == '"' || part[pl - 1] == '.')) part[--pl] = '\0';
        if (*part && bt_byline_is_name(part, pl)) {
            if (out.len) bt_buf_adds(&out, "; ");
            bt_buf_adds(&out, part);
            parts++;
        }
        free(part);
        if (sep) {
            q = sep + 1;
            while (*q && *q != ' ') q++;
        } else {
            q += n;
            if (*q) q++;
        }
        if (parts == 0) break;
    }
    free(t);
    char *r = out.data ? bt_buf_detach(&out, NULL) : bt_xstrdup("");
    /* "Artikel von" / "Written by": the name itself is elsewhere */
    const char *last = strrchr(r, ' ');
    last = last ? last + 1 : r;
    static const char *const dangling[] = {"von", "by", "de", "par", "por", "of", "bởi", "theo",
                                           "da", "di", "van", NULL};
    if (in_list(last, dangling)) r[0] = '\0';
    return r;
}

char *bt_byline_source_person(const char *t)
{
    if (strncmp(t, "Theo ", 5) != 0) return NULL;
    const char *par = strstr(t, " (");
    size_t tl = strlen(t);
    if (!par || t[tl - 1] != ')' || par <= t + 5) return NULL;
    char *who = bt_text_clean(t + 5, (size_t)(par - (t + 5)));
    if (bt_byline_is_name(who, strlen(who)) && strchr(who, ' ') && bt_utf8_length(who) <= 30 &&
        strncasecmp(who, "Báo ", 5) != 0 && strncasecmp(who, "Tạp chí ", 9) != 0)
        return who;
    free(who);
    return NULL;
}


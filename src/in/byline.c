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

/* Separators around a name in a byline ("Bình Minh -", "| Minh Anh", "Lan Chi –") are not part
 * of it: strip them (and white space) from both ends in place; returns the new length. */
static size_t trim_separators(char *s)
{
    static const char *const seps[] = {"-", "|", ":", "/", "–", "—", "·", "•", ",", NULL};
    size_t n = strlen(s), b = 0;
    for (int again = 1; again;) {
        again = 0;
        while (b < n && s[b] == ' ') b++;
        while (n > b && s[n - 1] == ' ') n--;
        for (const char *const *p = seps; *p; p++) {
            size_t l = strlen(*p);
            if (n - b >= l && memcmp(s + b, *p, l) == 0) { b += l; again = 1; }
            if (n - b >= l && memcmp(s + n - l, *p, l) == 0) { n -= l; again = 1; }
        }
    }
    memmove(s, s + b, n - b);
    s[n - b] = '\0';
    return n - b;
}

/* "Thu Hà/TTXVN", "Minh Anh/VOV", "Hồng Nhung/VOV.VN", "Thu Hà/VOV-Huế": a reporter and, after a
 * slash, the agency or station that employs them (a word in capitals of at most 6 letters, maybe
 * with a region after a dash, or a domain name). Cuts the agency off s (in place). */
static void cut_agency(char *s)
{
    char *sl = strrchr(s, '/');
    if (!sl || sl == s) return;
    const char *w = sl + 1;
    while (*w == ' ') w++;
    size_t n = strlen(w);
    while (n && w[n - 1] == ' ') n--;
    /* or the outlet's domain name: "Hồng Nhung/VOV.VN", "Minh Anh/Dantri.com.vn" */
    size_t dots = 0, alnum = 0;
    for (size_t i = 0; i < n; i++) {
        dots += w[i] == '.';
        alnum += isalnum((unsigned char)w[i]) != 0;
    }
    int domain = dots >= 1 && dots + alnum == n && n <= 24 && w[0] != '.' && w[n - 1] != '.' &&
                 isalpha((unsigned char)w[n - 1]);
    if (!domain) { /* "TTXVN", "VOV1", "VOV-Huế", "VOV-Miền Trung": capitals, then a region */
        size_t k = 0;
        while (k < n && (isupper((unsigned char)w[k]) || (k && isdigit((unsigned char)w[k])))) k++;
        if (k < 2 || k > 6 || n > 30 || (k < n && w[k] != '-')) return;
    }
    char *e = sl;
    while (e > s && e[-1] == ' ') e--;
    if (e == s) return;
    *e = '\0';
}

/* "Bài: Lê Phương - Ảnh: Bình Minh", "Lê Phương - Ảnh: Bình Minh", "Text: A, Photos: B": the
 * writer, not the photographer; the photo credit is cut off t (in place). */
static void cut_photo_credit(char *t)
{
    static const char *const photo_labels[] = {"ảnh:", "Ảnh:", "ẢNH:", "photo:", "photos:", "Photo:",
                                               "Photos:", "foto:", "Foto:", "Fotos:", "video:", "Video:",
                                               "đồ họa:", "Đồ họa:", NULL};
    for (const char *const *l = photo_labels; *l; l++) {
        char *at = strstr(t, *l);
        if (!at || at == t) continue;
        /* a label before ("Bài: A - Ảnh: B") or a separator ("A - Ảnh: B", "A, ảnh: B") */
        int sep = at - t >= 2 && at[-1] == ' ' && strchr("-|,/", at[-2]);
        if (at - t >= 4 && !sep) sep = at[-1] == ' ' && (strncmp(at - 4, "–", 3) == 0 || strncmp(at - 4, "—", 3) == 0);
        if (!sep && (!strchr(t, ':') || strchr(t, ':') >= at)) continue;
        *at = '\0';
        trim_separators(t); /* " - ", " – ", ", " before the photo label */
    }
}

/* "Lê Phương lephuong@baomau.vn", "Jane Doe Email: jane@example.com", "Jane Doe @janedoe": an
 * author box gives the address or handle after the name; the byline ends before it (in place). */
static void cut_contact(char *t)
{
    static const char *const labels[] = {"email", "e-mail", "mail:", "liên hệ:", NULL};
    for (char *w = t; *w;) {
        while (*w == ' ') w++;
        size_t wl = strcspn(w, " ");
        int stop = memchr(w, '@', wl) != NULL;
        for (const char *const *l = labels; *l && !stop; l++)
            stop = ci_prefix_utf8(w, *l, strlen(*l));
        if (stop && w > t) {
            *w = '\0';
            trim_separators(t);
            return;
        }
        w += wl;
    }
}

char *bt_byline_clean(const char *s)
{
    static const char *const pre[] = {"by ", "bởi ", "tác giả:", "tác giả ", "von ", "por ",
                                      "par ", "de ", "autor:", "autor ", "author:", "written by ",
                                      "text:", "texto:", "teksti:", "kirjoittaja ", "redakteur ",
                                      "reporter:", "reporter ", "phóng viên ", "pv ", "pv:", "theo ", NULL};
    char *t = bt_text_clean(s, strlen(s));
    cut_contact(t);
    cut_agency(t);
    /* "Thu Hà (TTXVN)", "Ngọc Anh (tổng hợp)", "Minh Khôi (theo Reuters)": a note in brackets
     * after the name says whose or what kind of text it is, not who wrote it */
    size_t tl = strlen(t);
    char *br = tl > 3 && t[tl - 1] == ')' ? strrchr(t, '(') : NULL;
    if (br && br > t + 1 && br[-1] == ' ' && bt_utf8_length(br) <= 42) {
        char *e = br;
        while (e > t && e[-1] == ' ') e--;
        *e = '\0';
        cut_agency(t);
    }
    cut_photo_credit(t);
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
    /* a group of reporters named as such ("Nhóm phóng viên") */
    static const char *const groups[] = {"nhóm phóng viên", "nhóm pv", "nhóm tác giả", NULL};
    for (const char *const *g = groups; *g; g++)
        if (ci_prefix_utf8(p, *g, strlen(*g)) && !p[strlen(*g)]) {
            char *r = bt_xstrdup(p);
            free(t);
            return r;
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
        size_t pl = trim_separators(part);
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


/* Labels that put a byline on a line of its own ("Bài, ảnh: Bình Minh", "Thực hiện: Nhóm PV"),
 * lower case as ci_prefix_utf8 wants them. A photo credit alone ("Ảnh: ...") is not a byline. */
static const char *const line_labels[] = {
    "bài và ảnh", "bài, ảnh", "bài - ảnh", "bài/ảnh", "bài, video", "bài và video", "bài",
    "tin, ảnh", "tin và ảnh", "tin", "tác giả", "thực hiện", "nhóm thực hiện", "ghi chép",
    "phóng viên", "nhóm phóng viên", "người viết", "by", "written by", "bởi", NULL};

static int all_caps_word(const char *s)
{
    if (strchr(s, ' ')) return 0;
    size_t n = strlen(s), letters = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = bt_utf8_decode(s + i, n - i, &cp);
        if (!k) return 0;
        i += k;
        if (utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_LL) return 0;
        if (utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_LU) letters++;
    }
    return letters >= 2;
}

/* An outlet's name as a source line gives it ("Tuổi Trẻ", "Sức khỏe & Đời sống", "AFP"): starts
 * with a capital, at most 8 words and 50 characters, no sentence punctuation. */
static int outlet_like(const char *s, size_t n)
{
    uint32_t cp = 0;
    bt_utf8_decode(s, n, &cp);
    if (!utf8proc_isupper((utf8proc_int32_t)cp) || utf8_chars(s, n) > 50) return 0;
    int words = 1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ') words++;
        if (strchr(".,;:!?\"", s[i])) return 0;
    }
    return words <= 8;
}

/* "Reuters, AFP", "AFP/Reuters": two to four outlets a source line names, as "A; B"; NULL when
 * any part is not an outlet's name. ("&" and "và" join the words of one name: "Sức khỏe & Đời
 * sống".) */
static char *outlets_alone(const char *t)
{
    bt_buf out = {0};
    int parts = 0, ok = 1;
    for (const char *p = t; *p && ok;) {
        size_t n = strcspn(p, ",/;");
        char *part = bt_text_clean(p, n);
        size_t pl = trim_separators(part);
        ok = pl && outlet_like(part, pl);
        if (ok) {
            if (out.len) bt_buf_adds(&out, "; ");
            bt_buf_adds(&out, part);
            parts++;
        }
        free(part);
        p += n;
        if (*p) p++;
    }
    if (!ok || parts < 2 || parts > 4) {
        bt_buf_free(&out);
        return NULL;
    }
    return bt_buf_detach(&out, NULL);
}

/* A line set whole in round or square brackets loses them, in place. */
static void unwrap_brackets(char *t)
{
    size_t n = strlen(t);
    if (n < 3 || !((t[0] == '(' && t[n - 1] == ')') || (t[0] == '[' && t[n - 1] == ']'))) return;
    if (memchr(t + 1, t[0], n - 2) || memchr(t + 1, t[n - 1], n - 2)) return; /* "(a) b (c)" */
    memmove(t, t + 1, n - 2);
    t[n - 2] = '\0';
    trim_separators(t);
}

/* "Thu Hà - Minh Anh", "Thu Hà và Minh Anh", "Thu Hà, Minh Anh", "Thu Hà/Minh Anh": two to four names alone, each of
 * two words or more (or one in capitals), as "A; B"; NULL when any part is not a name. */
static char *names_alone(const char *t)
{
    static const char *const seps[] = {" - ", " – ", " — ", " và ", " & ", ", ", "/", NULL};
    bt_buf out = {0};
    const char *p = t;
    int parts = 0, ok = 1;
    while (*p && ok) {
        const char *at = NULL;
        size_t sl = 0;
        for (const char *const *sp = seps; *sp; sp++) {
            const char *f = strstr(p, *sp);
            if (f && (!at || f < at)) {
                at = f;
                sl = strlen(*sp);
            }
        }
        size_t n = at ? (size_t)(at - p) : strlen(p);
        char *part = bt_text_clean(p, n);
        size_t pl = strlen(part);
        ok = pl && bt_byline_is_name(part, pl) && (strchr(part, ' ') || all_caps_word(part));
        if (ok) {
            if (out.len) bt_buf_adds(&out, "; ");
            bt_buf_adds(&out, part);
            parts++;
        }
        free(part);
        p = at ? at + sl : p + n;
        if (at && !*p) ok = 0;
    }
    if (!ok || parts < 2 || parts > 4) {
        bt_buf_free(&out);
        return NULL;
    }
    return bt_buf_detach(&out, NULL);
}

/* "ThS.BS Nguyễn Văn An - Bệnh viện Bạch Mai", "TS Lê Phương, Viện Dinh dưỡng": an expert
 * signing the article, with the place they work at: the name, or NULL. */
static char *name_and_workplace(const char *t)
{
    static const char *const places[] = {"Bệnh viện ", "BV ", "Viện ", "Khoa ", "Trường ", "Đại học ",
                                         "Học viện ", "Trung tâm ", "Sở ", "Bộ ", "Cục ", "Tổng cục ",
                                         "Công ty ", "Tập đoàn ", "Ngân hàng ", "Hội ", "Hiệp hội ",
                                         "Phòng khám ", "Ủy ban ", "UBND ", "Quỹ ", NULL};
    static const char *const seps[] = {" - ", " – ", ", ", NULL};
    for (const char *const *sp = seps; *sp; sp++) {
        const char *at = strstr(t, *sp);
        if (!at || at == t) continue;
        const char *w = at + strlen(*sp);
        int place = 0;
        for (const char *const *pl = places; *pl && !place; pl++) place = strncmp(w, *pl, strlen(*pl)) == 0;
        if (!place || strpbrk(w, ".;:!?")) continue;
        char *name = bt_text_clean(t, (size_t)(at - t));
        size_t nl = strlen(name);
        if (nl && bt_byline_is_name(name, nl) && strchr(name, ' ')) return name;
        free(name);
    }
    return NULL;
}

char *bt_byline_from_line(const char *line, int *source)
{
    int dummy;
    if (!source) source = &dummy;
    *source = 0;
    char *t = bt_text_clean(line, strlen(line));
    size_t chars = bt_utf8_length(t);
    char *r = NULL;
    if (chars < 2 || chars > 60) goto done;
    unwrap_brackets(t); /* "(Theo Reuters)", "[Nguồn: AFP]": the same line set in brackets */
    if ((r = bt_byline_source_person(t))) goto done;
    /* "Theo Tuổi Trẻ", "Nguồn: Reuters": the outlet the text comes from */
    static const char *const src_labels[] = {"theo ", "nguồn:", "nguồn ", "source:", NULL};
    for (const char *const *l = src_labels; *l; l++) {
        size_t ll = strlen(*l);
        if (!ci_prefix_utf8(t, *l, ll)) continue;
        char *rest = bt_xstrdup(t + ll);
        size_t rl = trim_separators(rest);
        if (rl && !strpbrk(rest, ",/;") && outlet_like(rest, rl)) {
            *source = 1;
            r = rest;
        } else {
            free(rest);
            if ((r = outlets_alone(t + ll))) *source = 1;
        }
        goto done;
    }
    for (const char *const *l = line_labels; *l; l++) {
        size_t ll = strlen(*l);
        if (!ci_prefix_utf8(t, *l, ll)) continue;
        const char *p = t + ll;
        while (*p == ' ') p++;
        if (*p != ':' && *p != '-' && strncmp(p, "–", strlen("–")) != 0 && p == t + ll) continue;
        char *c = bt_byline_clean(p);
        if (*c) r = c;
        else free(c);
        goto done;
    }
    /* a photo or video credit alone is not a byline */
    static const char *const credits[] = {"ảnh", "photo", "video", "clip", "đồ họa", "infographic", NULL};
    for (const char *const *l = credits; *l; l++)
        if (ci_prefix_utf8(t, *l, strlen(*l))) goto done;
    /* "Ngọc Ánh (theo Reuters)", "Minh Anh (tổng hợp)": the name before the parenthesis */
    char *par = strstr(t, " (");
    if (par && t[strlen(t) - 1] == ')') *par = '\0';
    /* a group of reporters named as such */
    static const char *const groups[] = {"nhóm phóng viên", "nhóm pv", "nhóm tác giả", NULL};
    for (const char *const *g = groups; *g; g++)
        if (ci_prefix_utf8(t, *g, strlen(*g)) && !t[strlen(*g)]) {
            r = bt_xstrdup(t);
            goto done;
        }
    cut_agency(t);
    cut_photo_credit(t); /* "Lê Phương - Ảnh: Bình Minh" */
    if ((r = name_and_workplace(t))) goto done;
    if ((r = names_alone(t))) goto done;
    /* a name alone, maybe with a separator left over from a date after it */
    size_t n = trim_separators(t);
    if (n && t[n - 1] != '.' && !strpbrk(t, ":()[]\"") && bt_byline_is_name(t, n) &&
        (strchr(t, ' ') || all_caps_word(t)))
        r = bt_xstrdup(t);
done:
    free(t);
    return r;
}

/* Host of an http(s) URL without "www." and the port, into buf ("" when none). */
static void url_host(const char *url, char *buf, size_t sz)
{
    buf[0] = '\0';
    if (!url) return;
    const char *p = strstr(url, "://");
    if (!p) return;
    p += 3;
    if (strncasecmp(p, "www.", 4) == 0) p += 4;
    size_t n = strcspn(p, "/:?#");
    if (n >= sz) n = sz - 1;
    for (size_t i = 0; i < n; i++) buf[i] = (char)tolower((unsigned char)p[i]);
    buf[n] = '\0';
}

/* Letters and digits of s folded to lower-case ASCII ("Báo Dân trí" -> "baodantri"). */
static char *squeeze(const char *s)
{
    char *f = bt_fold_ascii(s);
    size_t k = 0;
    for (size_t i = 0; f[i]; i++)
        if (isalnum((unsigned char)f[i])) f[k++] = (char)tolower((unsigned char)f[i]);
    f[k] = '\0';
    return f;
}

/* The name without the words that say "newspaper", "magazine", "online" in front of a brand. */
static const char *brand_of(const char *sq)
{
    static const char *const pre[] = {"baodientu", "baomoi", "bao", "tapchi", "trangtin",
                                      "tinnhanh", "congthongtin", "kenh", "the", NULL};
    for (const char *const *p = pre; *p; p++) {
        size_t l = strlen(*p);
        if (strncmp(sq, *p, l) == 0 && strlen(sq) > l + 2) return sq + l;
    }
    return sq;
}

int bt_byline_is_outlet(const char *name, const char *const *outlets, size_t n, const char *url)
{
    if (!name || !*name) return 0;
    /* "VCCorp.vn", "vnexpress.net": a domain name */
    if (!strchr(name, ' ')) {
        const char *dot = strrchr(name, '.');
        if (dot && dot > name && strlen(dot + 1) >= 2 && strlen(dot + 1) <= 6) {
            int alpha = 1;
            for (const char *p = dot + 1; *p; p++) alpha &= isalpha((unsigned char)*p) != 0;
            if (alpha) return 1;
        }
    }
    char *sq = squeeze(name);
    const char *b = brand_of(sq);
    int hit = 0;
    if (strlen(b) >= 3) {
        for (size_t i = 0; i < n && !hit; i++) {
            if (!outlets[i] || !*outlets[i]) continue;
            char *o = squeeze(outlets[i]);
            const char *ob = brand_of(o);
            hit = strcmp(sq, o) == 0 || (strlen(ob) >= 3 && strcmp(b, ob) == 0);
            free(o);
        }
        char host[256];
        url_host(url, host, sizeof host);
        if (!hit && *host) {
            /* the first label of the host: "vnexpress" of vnexpress.net, "dantri" of dantri.com.vn */
            size_t hl = strcspn(host, ".");
            host[hl] = '\0';
            hit = strcmp(b, host) == 0 || strcmp(sq, host) == 0;
        }
    }
    free(sq);
    return hit;
}

char *bt_byline_split_tail(char *para)
{
    size_t n = strlen(para);
    for (size_t i = n; i > 1; i--) {
        if (para[i - 1] == ' ' && (para[i - 2] == '.' || para[i - 2] == '!' || para[i - 2] == '?' ||
                                   (unsigned char)para[i - 2] == 0x9D /* ” */)) {
            const char *tail = para + i;
            size_t tl = strlen(tail);
            if (!tl || tail[tl - 1] == '.' || !strchr(tail, ' ') || strpbrk(tail, ":()[]\"") ||
                !bt_byline_is_name(tail, tl) || strncmp(tail, "Theo ", 5) == 0 ||
                strstr(tail, "Nguồn") || strstr(tail, "Ảnh"))
                return NULL;
            char *name = bt_xstrdup(tail);
            para[i - 1] = '\0';
            return name;
        }
        if (n - i > 60) return NULL;
    }
    return NULL;
}

char *bt_byline_photo_credit(const char *line)
{
    static const char *const labels[] = {"ảnh:", "ảnh -", "ảnh –", "ảnh ", "photo:", "photos:",
                                         "photo ", "foto:", "ảnh và bài:", "ảnh, bài:", NULL};
    char *t = bt_text_clean(line, strlen(line));
    char *r = NULL;
    for (const char *const *l = labels; *l && !r; l++) {
        size_t ll = strlen(*l);
        if (bt_utf8_length(t) > 60 || !ci_prefix_utf8(t, *l, ll)) continue;
        char *c = bt_byline_clean(t + ll);
        if (*c) r = c;
        else free(c);
        break;
    }
    free(t);
    return r;
}

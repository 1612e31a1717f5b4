/* article.c - the article model: construction, dates, JSON. */
#include "article.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "text.h"
#include "util.h"

bt_article *bt_article_new(void)
{
    bt_article *a = bt_xcalloc(1, sizeof *a);
    a->language = bt_xstrdup("vi");
    return a;
}

void bt_image_free(bt_image *img)
{
    if (!img) return;
    free(img->data);
    free(img->mime);
    free(img->name);
    free(img);
}

void bt_article_free(bt_article *a)
{
    if (!a) return;
    free(a->title);
    free(a->category);
    free(a->author);
    free(a->lead);
    free(a->source_url);
    free(a->language);
    free(a->source_path);
    for (size_t i = 0; i < a->nblocks; i++) {
        free(a->blocks[i].text);
        bt_image_free(a->blocks[i].image);
    }
    free(a->blocks);
    for (size_t i = 0; i < a->nwarnings; i++) free(a->warnings[i]);
    free(a->warnings);
    free(a);
}

bt_block *bt_article_add(bt_article *a, bt_block_type type, const char *text)
{
    char *clean = bt_text_clean(text ? text : "", text ? strlen(text) : 0);
    if (!*clean && type != BT_BLOCK_IMAGE) {
        free(clean);
        return NULL;
    }
    if (a->nblocks >= BT_MAX_BLOCKS) {
        free(clean);
        if (!a->truncated) bt_article_warn(a, "more than %d blocks: the rest is left out", BT_MAX_BLOCKS);
        a->truncated = 1;
        return NULL;
    }
    if (a->nblocks == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->blocks = bt_xrealloc(a->blocks, a->cap * sizeof *a->blocks);
    }
    bt_block *b = &a->blocks[a->nblocks++];
    memset(b, 0, sizeof *b);
    b->type = type;
    b->text = clean;
    return b;
}

void bt_article_set(char **field, const char *s)
{
    free(*field);
    *field = NULL;
    if (!s) return;
    char *clean = bt_text_clean(s, strlen(s));
    if (*clean) *field = clean;
    else free(clean);
}

void bt_article_warn(bt_article *a, const char *fmt, ...)
{
    if (a->nwarnings >= 1000) return; /* hostile input must not grow this without bound */
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    a->warnings = bt_xrealloc(a->warnings, (a->nwarnings + 1) * sizeof *a->warnings);
    a->warnings[a->nwarnings++] = bt_xstrdup(buf);
}

const char *bt_block_type_name(bt_block_type t)
{
    switch (t) {
    case BT_BLOCK_PARAGRAPH: return "paragraph";
    case BT_BLOCK_HEADING: return "heading";
    case BT_BLOCK_CAPTION: return "caption";
    case BT_BLOCK_IMAGE: return "image";
    case BT_BLOCK_QUOTE: return "quote";
    case BT_BLOCK_LIST_ITEM: return "list_item";
    }
    return "paragraph";
}

/* ---- dates ---- */

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

/* ---- JSON ---- */

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

char *bt_article_to_json(const bt_article *a, int pretty)
{
    json_t *o = json_object();
    char iso[32];
    bt_date_iso(&a->published, iso);
    json_object_set_new(o, "title", jstr(a->title ? a->title : ""));
    json_object_set_new(o, "published", iso[0] ? json_string(iso) : json_null());
    json_object_set_new(o, "category", jstr(a->category));
    json_object_set_new(o, "author", jstr(a->author));
    json_object_set_new(o, "lead", jstr(a->lead));
    json_object_set_new(o, "source_url", jstr(a->source_url));
    json_object_set_new(o, "language", jstr(a->language ? a->language : "vi"));
    json_t *blocks = json_array();
    for (size_t i = 0; i < a->nblocks; i++) {
        const bt_block *b = &a->blocks[i];
        json_t *jb = json_object();
        json_object_set_new(jb, "type", json_string(bt_block_type_name(b->type)));
        json_object_set_new(jb, "text", json_string(b->text ? b->text : ""));
        if (b->type == BT_BLOCK_HEADING) json_object_set_new(jb, "level", json_integer(b->level));
        if (b->type == BT_BLOCK_LIST_ITEM) json_object_set_new(jb, "ordered", json_boolean(b->level));
        if (b->type == BT_BLOCK_IMAGE && b->image) {
            json_object_set_new(jb, "mime", jstr(b->image->mime));
            json_object_set_new(jb, "width", json_integer(b->image->width));
            json_object_set_new(jb, "height", json_integer(b->image->height));
            json_object_set_new(jb, "bytes", json_integer((json_int_t)b->image->len));
            if (b->image->name) json_object_set_new(jb, "name", json_string(b->image->name));
        }
        json_array_append_new(blocks, jb);
    }
    json_object_set_new(o, "blocks", blocks);
    size_t flags = JSON_PRESERVE_ORDER | (pretty ? JSON_INDENT(2) : JSON_COMPACT);
    char *s = json_dumps(o, flags);
    json_decref(o);
    if (!s) return bt_xstrdup("{}");
    char *r = bt_xstrdup(s);
    free(s);
    return r;
}

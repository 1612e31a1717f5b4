/* in_text.c - the plain-text article format: title line, optional meta line
 * ("14:00 | 27/05/2023 | CATEGORY" and its variants), paragraphs, captions, author line,
 * then site boilerplate that is dropped. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "byline.h"
#include "date.h"
#include "input.h"
#include "text.h"

typedef struct {
    char *s;       /* cleaned text of the line (NFC, single spaces) */
    int blank_before;
    int boiler;    /* the line, exactly as written, is a boilerplate heading */
} line_t;

/* ---- small predicates on cleaned UTF-8 strings ---- */

static uint32_t first_cp(const char *s)
{
    uint32_t cp = 0;
    bt_utf8_decode(s, strlen(s), &cp);
    return cp;
}

static uint32_t last_cp(const char *s)
{
    size_t n = strlen(s);
    if (!n) return 0;
    size_t i = n - 1;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
    uint32_t cp = 0;
    bt_utf8_decode(s + i, n - i, &cp);
    return cp;
}

static int is_upper_cp(uint32_t cp)
{
    return utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_LU;
}

static int is_lower_cp(uint32_t cp)
{
    return utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_LL;
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    int in = 0;
    for (; *s; s++) {
        if (*s == ' ') in = 0;
        else if (!in) { in = 1; n++; }
    }
    return n;
}

/* Ends like a sentence (or a quotation / parenthesis closing one). */
static int ends_sentence(const char *s)
{
    uint32_t c = last_cp(s);
    return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == 0x2026 /* … */ ||
           c == '"' || c == 0x201D || c == 0x2019 || c == ')' || c == ']' || c == '\'' ||
           c == 0xBB /* » */ || c == ',';
}

/* Letters in the string are all upper case (and there is at least one). */
static int all_upper(const char *s)
{
    size_t n = strlen(s), letters = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += bt_utf8_decode(s + i, n - i, &cp);
        if (is_lower_cp(cp)) return 0;
        if (is_upper_cp(cp)) letters++;
    }
    return letters > 0;
}

static int has_digit(const char *s)
{
    for (; *s; s++)
        if (*s >= '0' && *s <= '9') return 1;
    return 0;
}

/* ---- meta line ---- */

/* The shapes a meta line may have: fields separated by '|' with a D/M/YYYY date or a leading
 * HH:MM time, or a category alone in capitals (under 60 characters, no digits). Anything else
 * stays text, so that no words of an unusual line are ever lost. */
static int meta_shape(const char *s)
{
    if (strchr(s, '|')) {
        if (s[0] >= '0' && s[0] <= '9') {
            const char *p = s + 1;
            if (*p >= '0' && *p <= '9') p++;
            if (p[0] == ':' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9') return 1;
        }
        for (const char *p = s; *p; p++) { /* \d{1,2}/\d{1,2}/\d{4} */
            const char *q = p;
            int n = 0;
            while (*q >= '0' && *q <= '9' && n < 2) q++, n++;
            if (!n || *q != '/') continue;
            q++;
            n = 0;
            while (*q >= '0' && *q <= '9' && n < 2) q++, n++;
            if (!n || *q != '/') continue;
            q++;
            n = 0;
            while (*q >= '0' && *q <= '9' && n < 4) q++, n++;
            if (n == 4) return 1;
        }
        return 0;
    }
    return all_upper(s) && bt_utf8_length(s) < 60 && !has_digit(s);
}

static int looks_like_name(const char *s);

/* "Tác giả: Lan Anh", "Bài: …", "By …": the name after the label, or NULL. */
static const char *author_field(const char *t)
{
    static const char *labels[] = {"Tác giả:", "Tác giả ", "Bài:", "Bài và ảnh:", "By "};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        size_t n = strlen(labels[i]);
        if (strncmp(t, labels[i], n) == 0 && t[n]) return t[n] == ' ' ? t + n + 1 : t + n;
    }
    return NULL;
}

/* Is s a meta line? Fills date, category and (when a field names one) author. */
static int parse_meta(const char *s, bt_date *date, char **category, char **author)
{
    if (strlen(s) > 200 || !meta_shape(s)) return 0;
    bt_date d;
    memset(&d, 0, sizeof d);
    d.tz_minutes = 420;
    char *cat = NULL, *who = NULL;
    int any_dt = 0, nfields = 0, ok = 1;
    char *copy = bt_xstrdup(s);
    char *save = NULL;
    for (char *f = strtok_r(copy, "|", &save); f && ok; f = strtok_r(NULL, "|", &save)) {
        char *t = bt_text_clean(f, strlen(f));
        nfields++;
        int clean = 0;
        int dt = *t ? bt_date_scan_field(t, &d, &clean) : 0;
        const char *name = *t && !dt ? author_field(t) : NULL;
        if (dt && clean) {
            any_dt |= dt;
        } else if (name && !who) {
            who = bt_xstrdup(name);
        } else if (*t && !has_digit(t) && count_words(t) <= 10 && !ends_sentence(t) && !cat) {
            cat = bt_xstrdup(t); /* the first unlabelled text field */
        } else if (*t && !who && looks_like_name(t)) { /* a name after the category */
            who = bt_xstrdup(t);
        } else if (*t) {
            ok = 0;
        }
        free(t);
    }
    free(copy);
    if (ok && !any_dt) /* a category alone must look like one: upper case, short */
        ok = nfields == 1 && cat && all_upper(cat) && count_words(cat) <= 8;
    if (ok && (any_dt & 1)) {
        d.second = 0;
        if (!bt_date_valid(&d)) ok = 0;
    } else if (ok && any_dt) {
        memset(&d, 0, sizeof d); /* a time without a date: no usable date, the rest stands */
    }
    if (!ok) {
        free(cat);
        free(who);
        return 0;
    }
    *date = d;
    *category = cat;
    *author = who;
    return 1;
}

/* ---- boilerplate, author, captions ---- */

/* The headings news sites put between an article and their lists of other articles. Only
 * these exact lines end the article: a looser rule ("Xem thêm", "Bình luận", any case) would
 * also cut real articles that use such words as a line of their own. */
static int is_boilerplate(const char *s, size_t len)
{
    static const char *heads[] = {"Tin cùng chuyên mục", "Tin mới", "Tin liên quan", "Tin khác"};
    /* as written: trimmed, but not normalised (a decomposed look-alike is not the heading) */
    while (len && (*s == ' ' || *s == '\t')) s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        if (strlen(heads[i]) == len && memcmp(s, heads[i], len) == 0) return 1;
    return 0;
}

/* A line that is a byline: a person's name (byline.h, as for HTML pages) that does not end like
 * a sentence (a trailing period is allowed after an initial such as "M.Đức"); one word only when
 * written in capitals ("PV", "TTXVN"); never a source or photo credit. */
static int looks_like_name(const char *s)
{
    if (!bt_byline_is_name(s, strlen(s))) return 0;
    if (ends_sentence(s) && last_cp(s) != '.') return 0;
    if (count_words(s) == 1 && !all_upper(s)) return 0; /* one capitalised word: a heading? */
    /* "Theo VnExpress", "Nguồn: …": a source credit, not a person. */
    if (strncmp(s, "Theo ", 5) == 0 || strstr(s, "Nguồn") || strstr(s, "Ảnh")) return 0;
    return 1;
}

/* A bulleted item: "- …", "• …" or "– …"; *rest is the text after the bullet. Only these
 * bullets are markup. "+ …" and "* …" lines keep their marker as text (sub-items whose marker
 * a reader should still see), and "1. …" lines stay paragraphs: their numbers are the
 * source's own (they may not start at 1), and a list would number them a second time. */
static int is_bullet_item(const char *s, const char **rest)
{
    const unsigned char *u = (const unsigned char *)s;
    if (s[0] == '-' && s[1] == ' ') {
        *rest = s + 2;
        return 1;
    }
    if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA2 || u[2] == 0x93) && s[3] == ' ') { /* • – */
        *rest = s + 4;
        return 1;
    }
    return 0;
}

static int has_photo_credit(const char *s)
{
    /* with their diacritics: folded, "Ảnh" would also match the name "Anh" */
    static const char *marks[] = {"Ảnh:", "ảnh:", "ẢNH:", "Ảnh minh họa", "ảnh minh họa",
                                  "Ảnh minh hoạ", "ảnh minh hoạ", "Ảnh tư liệu", "Nguồn:",
                                  "nguồn:", "NGUỒN:", "Photo:"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (strstr(s, marks[i])) return 1;
    return 0;
}

/* A short line without final punctuation, starting with a capital (or a quote/digit); or a
 * short line with a photo credit (*credit set). */
static int caption_like(const char *s, int *credit)
{
    *credit = 0;
    size_t chars = bt_utf8_length(s);
    if (chars > 180 || count_words(s) > 40) return 0;
    if (has_photo_credit(s)) return *credit = 1;
    if (ends_sentence(s)) return 0;
    uint32_t c = first_cp(s);
    return is_upper_cp(c) || (c >= '0' && c <= '9') || c == '"' || c == 0x201C;
}

bt_status bt_text_parse(const char *buf, size_t len, bt_article *a, bt_err *e)
{
    /* Split into lines (LF, CRLF, CR), clean each. */
    line_t *lines = NULL;
    size_t nlines = 0, cap = 0;
    int blank = 0;
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && buf[j] != '\n' && buf[j] != '\r') j++;
        char *s = bt_text_clean(buf + i, j - i);
        if (!*s) {
            free(s);
            blank = 1;
        } else {
            if (nlines == cap) {
                cap = cap ? cap * 2 : 64;
                lines = bt_xrealloc(lines, cap * sizeof *lines);
            }
            lines[nlines].s = s;
            lines[nlines].blank_before = blank;
            lines[nlines].boiler = j - i < 64 && is_boilerplate(buf + i, j - i);
            nlines++;
            blank = 0;
        }
        if (j >= len) break;
        i = j + (buf[j] == '\r' && j + 1 < len && buf[j + 1] == '\n' ? 2 : 1);
    }
    if (nlines == 0) {
        free(lines);
        return bt_err_set(e, BT_EEMPTY, "no text");
    }

    size_t k = 0;
    /* A first line that is itself a meta line (no title line) is unusual; take line 1 as title. */
    bt_article_set(&a->title, lines[k++].s);
    if (k < nlines) {
        bt_date d;
        char *cat = NULL;
        char *who = NULL;
        if (parse_meta(lines[k].s, &d, &cat, &who)) {
            if (d.year) a->published = d;
            bt_article_set(&a->category, cat);
            bt_article_set(&a->author, who);
            free(cat);
            free(who);
            k++;
        }
    }

    /* Body lines up to the boilerplate; join hard-wrapped lines (no blank line between, the
     * first does not end a sentence, the next starts in lower case). */
    size_t end = k;
    while (end < nlines && !lines[end].boiler) end++;

    bt_buf para = {0};
    char **paras = NULL;
    size_t np = 0, pcap = 0;
    for (size_t i = k; i < end; i++) {
        int join = para.len && !lines[i].blank_before && !ends_sentence(para.data) &&
                   is_lower_cp(first_cp(lines[i].s)) && bt_utf8_length(para.data) > 40;
        if (para.len && !join) {
            if (np == pcap) {
                pcap = pcap ? pcap * 2 : 32;
                paras = bt_xrealloc(paras, pcap * sizeof *paras);
            }
            paras[np++] = bt_buf_detach(&para, NULL);
        }
        if (join) bt_buf_addc(&para, ' ');
        bt_buf_adds(&para, lines[i].s);
    }
    if (para.len) {
        if (np == pcap) {
            pcap = pcap ? pcap * 2 : 32;
            paras = bt_xrealloc(paras, pcap * sizeof *paras);
        }
        paras[np++] = bt_buf_detach(&para, NULL);
    }
    bt_buf_free(&para);

    /* Author: a short last line that is a byline (byline.h: "Minh Anh", "Bài, ảnh: Bình Minh",
     * "PV"; a source line "Theo ..." naming no person stays text); or a byline ending the last
     * paragraph. */
    size_t nbody = np;
    int src = 0;
    char *who = np >= 2 ? bt_byline_from_line(paras[np - 1], &src) : NULL;
    if (who && !src) {
        bt_article_set(&a->author, who);
        nbody = np - 1;
    } else if (np >= 1) {
        char *name = bt_byline_split_tail(paras[np - 1]);
        if (name) {
            bt_article_set(&a->author, name);
            free(name);
        }
    }
    free(who);

    /* Captions and sub-headings are both short unpunctuated lines. Where the article marks
     * its captions with a photo credit ("Ảnh: …"), the unmarked ones are sub-headings. */
    /* (each paragraph's look worked out once: bit 0 caption-like, bit 1 with a photo credit) */
    unsigned char *look = bt_xcalloc(nbody ? nbody : 1, 1);
    int credited = 0;
    for (size_t i = 0; i < nbody; i++) {
        int credit = 0;
        int captionish = caption_like(paras[i], &credit);
        look[i] = (unsigned char)(captionish | (credit ? 2 : 0));
        credited |= credit;
    }

    /* The paragraphs are clean already (clean lines joined by one space): handed to the article
     * as they are, neither cleaned nor copied a second time. */
    for (size_t i = 0; i < nbody; i++) {
        char *s = paras[i];
        const char *rest;
        bt_block_type type = BT_BLOCK_PARAGRAPH;
        int level = 0;
        if (is_bullet_item(s, &rest)) {
            bt_article_add_clean(a, BT_BLOCK_LIST_ITEM, bt_xstrdup(rest)); /* level 0: bulleted */
            continue;
        }
        if (i > 0 && i + 1 < nbody + (nbody < np) && (look[i] & 1)) {
            int credit = look[i] >> 1;
            type = credited && !credit && count_words(s) <= 14 ? BT_BLOCK_HEADING : BT_BLOCK_CAPTION;
            level = type == BT_BLOCK_HEADING ? 2 : 0;
        }
        paras[i] = NULL;
        bt_block *b = bt_article_add_clean(a, type, s);
        if (b) b->level = level;
    }
    free(look);

    for (size_t i = 0; i < np; i++) free(paras[i]);
    free(paras);
    for (size_t i = 0; i < nlines; i++) free(lines[i].s);
    free(lines);
    return BT_OK;
}

/* layout.c - articles -> pages of positioned runs (see layout.h). Never calls a PDF library. */
#include "layout.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linebreak.h>

#include "image.h"
#include "template.h"
#include "text.h"

#define NOBLOCK ((size_t)-1)

/* Colours. */
#define C_TEXT 0x111111u
#define C_CATEGORY 0xA0161Bu
#define C_MUTED 0x555555u
#define C_CAPTION 0x4A4A4Au
#define C_RULE 0xBBBBBBu
#define C_LINK 0x1F4E8Cu

/* ---------------------------------------------------------------- paper */

static const bt_page_geom papers[] = {
    {"a4", 595.276, 841.890, 62.0, 62.0, 68.0, 68.0, 10.5, 1.45, NULL, 0, 0},
    {"a5", 419.528, 595.276, 42.0, 42.0, 54.0, 54.0, 9.5, 1.45, NULL, 0, 0},
    {"letter", 612.0, 792.0, 66.0, 66.0, 66.0, 66.0, 10.5, 1.45, NULL, 0, 0},
};

int bt_layout_paper(const char *name, bt_page_geom *g)
{
    if (!name) name = "a4";
    for (size_t i = 0; i < sizeof papers / sizeof papers[0]; i++)
        if (strcasecmp(name, papers[i].name) == 0) {
            if (g) *g = papers[i];
            return 1;
        }
    return 0;
}

/* ---------------------------------------------------------------- formatted blocks */

/* An item of a formatted line: x from the column's left edge, y from the line's baseline. */
typedef struct {
    size_t item0, nitems; /* in the scratch item array */
    double height;        /* vertical advance of the line */
    double ascent;        /* from the line's top to its baseline */
    int hyph;             /* ends inside a word: 1 with a drawn hyphen (its last item),
                           * 2 after a hyphen of the text ("Covid-") */
} fline;

typedef struct {
    fline *lines;
    size_t n, cap;
    double space_before;
    int keep_with_next; /* headings, images, title block */
    int keep_together;  /* never split (title block, captions) */
} fblock;

typedef struct {
    size_t s, e;  /* content bytes in the text */
    double w;     /* content width */
    double sp;    /* width of the trailing space (0: none, no stretch after this box) */
    double hy;    /* a forced break inside a word: width of the hyphen drawn when a line ends
                   * here (pdftotext joins the word again), 0 otherwise */
    int one;      /* the content is a single character */
} box;

/* Word gaps in a line made only of one-character words ("a ă â"), in em. poppler's text
 * extraction reads evenly spaced single characters as one letter-spaced word, whatever space
 * glyphs are drawn, unless the gaps reach 0.4 em (its maxWideCharSpacing): such lines get a
 * little more room so that every reader finds the words. */
#define ONE_CHAR_GAP 0.44

typedef struct {
    bt_layout *L;
    bt_fontset *fs;
    bt_article *art;
    const bt_page_geom *g;
    double colw;         /* width of the text being formatted: a column, or the text area */
    /* the template (NULL: the built-in look) and its columns */
    const bt_template *t;
    int ncols, col;      /* columns of the page, the one being filled */
    double fullw;        /* text area width */
    double colgap;
    double col_top;      /* y where the columns start on this page (under a spanning title) */
    double column_w;     /* width of one column */
    int in_title;        /* placing the title block: no balancing yet */
    double bottom;       /* lowest baseline room: the bottom margin, or higher to balance */
    size_t balance_page; /* page whose columns end at balance_h (SIZE_MAX: none) */
    double balance_h;
    int quiet;           /* a repeated layout of the same article: no warnings again */
    /* scratch items of the block being formatted */
    bt_item *items;
    size_t nitems, cap;
    /* characters reported missing in this article */
    uint32_t *missing;
    size_t nmissing, capmissing;
    unsigned char *missing_bits; /* a bit per code point, for the listed ones */
    /* reused buffers */
    char *brks;
    size_t brks_cap;
    char *lbtext; /* the text as libunibreak may see it (see lb_safe_text) */
    size_t lbtext_cap;
    box *boxes;
    size_t nboxes, boxes_cap;
    const char *cur_text; /* the text the boxes are cut from */
    bt_tag tag;           /* structure tag of the items being made */
    double *cost;       /* line breaking */
    size_t cost_cap, *prev, prev_cap, *next, next_cap;
    /* pagination */
    bt_page *page;
    double cursor;      /* y of the top of the free space */
    int at_top;         /* nothing placed yet on this page */
} ctx;

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return p;
    size_t c = *cap ? *cap : 16;
    while (c < need) c *= 2;
    p = bt_xrealloc(p, c * size);
    *cap = c;
    return p;
}

static size_t pool_add(bt_layout *L, const char *s, size_t len)
{
    L->pool = grow(L->pool, &L->pool_cap, L->pool_len + len + 1, 1);
    size_t off = L->pool_len;
    memcpy(L->pool + off, s, len);
    L->pool[off + len] = '\0';
    L->pool_len += len + 1;
    return off;
}

static bt_item *scratch_item(ctx *c)
{
    c->items = grow(c->items, &c->cap, c->nitems + 1, sizeof *c->items);
    bt_item *it = &c->items[c->nitems++];
    memset(it, 0, sizeof *it);
    it->block = NOBLOCK;
    return it;
}

static fline *fb_line(fblock *fb, ctx *c, double height, double ascent)
{
    fb->lines = grow(fb->lines, &fb->cap, fb->n + 1, sizeof *fb->lines);
    fline *ln = &fb->lines[fb->n++];
    ln->item0 = c->nitems;
    ln->nitems = 0;
    ln->height = height;
    ln->ascent = ascent;
    ln->hyph = 0;
    return ln;
}

/* A character no face can draw: noted once per article (a bit per code point, set for the
 * listed ones only, so clearing is as cheap as the list is short), reported by
 * report_missing in one line, not a line per character: a page of Chinese would otherwise
 * print thousands. */
static void note_missing(ctx *c, uint32_t cp)
{
    if (cp > 0x10FFFF) cp = 0xFFFD;
    if (!c->missing_bits) c->missing_bits = bt_xcalloc(0x110000 / 8, 1);
    if (c->missing_bits[cp >> 3] & (1u << (cp & 7))) return;
    c->missing_bits[cp >> 3] |= (unsigned char)(1u << (cp & 7));
    c->missing = grow(c->missing, &c->capmissing, c->nmissing + 1, sizeof *c->missing);
    c->missing[c->nmissing++] = cp;
}

static void missing_reset(ctx *c)
{
    for (size_t i = 0; i < c->nmissing; i++) c->missing_bits[c->missing[i] >> 3] = 0;
    c->nmissing = 0;
}

/* One warning naming the article's missing characters (the first few by code point). */
static void report_missing(ctx *c)
{
    enum { SHOWN = 12 };
    if (!c->nmissing || !c->art || c->quiet) return;
    char list[SHOWN * 10 + 32];
    size_t at = 0, n = c->nmissing < SHOWN ? c->nmissing : SHOWN;
    int astral = 0;
    for (size_t i = 0; i < c->nmissing; i++) astral |= c->missing[i] > 0xFFFF;
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(list + at, sizeof list - at, "%sU+%04X", i ? ", " : "", (unsigned)c->missing[i]);
    if (c->nmissing > n) snprintf(list + at, sizeof list - at, " and %zu more", c->nmissing - n);
    if (c->nmissing == 1)
        bt_article_warn(c->art, "character %s cannot be drawn with the fonts in use%s", list,
                        astral ? " (outside the Basic Multilingual Plane)" : "");
    else
        bt_article_warn(c->art, "%zu characters cannot be drawn with the fonts in use%s: %s", c->nmissing,
                        astral ? " (some outside the Basic Multilingual Plane)" : "", list);
}

/* The face that draws cp (a missing character is reported once per article). */
static bt_face pick(ctx *c, bt_face face, uint32_t cp, int *missing)
{
    bt_face f = bt_font_pick(c->fs, face, cp, missing);
    if (*missing) note_missing(c, cp);
    return f;
}

/* Split s[0..len) into runs drawn by one face: a run ends where the face changes, and a
 * character no face has is a run of its own. Calls fn for each run; the runs are what emit()
 * turns into items and what measure() adds up, so both agree to the last kerning pair. */
typedef void (*run_fn)(ctx *c, bt_face face, const char *s, size_t len, void *user);

static void runs(ctx *c, bt_face face, const char *s, size_t len, run_fn fn, void *user)
{
    size_t start = 0, i = 0;
    bt_face runface = face;
    int runmiss = 0, have = 0;
    while (i <= len) {
        uint32_t cp = 0;
        size_t n = 0;
        bt_face f = face;
        int miss = 0;
        if (i < len) {
            n = bt_utf8_decode(s + i, len - i, &cp);
            if (!n) n = 1;
            f = pick(c, face, cp, &miss);
        }
        if (have && (i == len || f != runface || miss || runmiss)) {
            fn(c, runface, s + start, i - start, user);
            start = i;
            have = 0;
        }
        if (i == len) break;
        runface = f;
        runmiss = miss;
        have = 1;
        i += n;
    }
}

static void add_width(ctx *c, bt_face face, const char *s, size_t len, void *user)
{
    const bt_glyph *g;
    long w = 0;
    bt_font_shape(c->fs, face, s, len, &g, &w);
    *(long *)user += w;
}

/* Text drawn whole by one face (nearly every word) is measured without being cut into runs. */
static double measure(ctx *c, bt_face face, double size, const char *s, size_t len)
{
    long total = 0;
    if (!bt_font_own_width(c->fs, face, s, len, &total)) {
        total = 0;
        runs(c, face, s, len, add_width, &total);
    }
    return (double)total * size / 1000.0;
}

typedef struct {
    fline *ln;
    double size, x;
    unsigned color;
    size_t block;
} emit_state;

static void emit_run(ctx *c, bt_face face, const char *s, size_t len, void *user)
{
    emit_state *es = user;
    const bt_glyph *g;
    long w = 0;
    bt_font_shape(c->fs, face, s, len, &g, &w);
    bt_item *it = scratch_item(c);
    it->kind = BT_ITEM_TEXT;
    it->face = face;
    it->size = es->size;
    it->x = es->x;
    it->y = 0;
    it->w = (double)w * es->size / 1000.0;
    it->h = es->size;
    it->color = es->color;
    it->text = pool_add(c->L, s, len);
    it->len = len;
    it->block = es->block;
    it->tag = c->tag;
    es->ln->nitems++;
    es->x += it->w;
}

/* Append text items for s[0..len) starting at x (line-relative); one item per run of characters
 * drawn by the same face (a missing glyph gets a run of its own). Returns the width. */
static double emit(ctx *c, fline *ln, bt_face face, double size, unsigned color, double x,
                   const char *s, size_t len, size_t block)
{
    emit_state es = {ln, size, x, color, block};
    long w;
    if (len && bt_font_own_width(c->fs, face, s, len, &w)) emit_run(c, face, s, len, &es);
    else runs(c, face, s, len, emit_run, &es);
    return es.x - x;
}

typedef enum { AL_JUSTIFY, AL_LEFT, AL_CENTER, AL_RIGHT } align;

typedef struct {
    bt_face face;
    double size;
    double leading;   /* line height, points */
    unsigned color;
    align al;
    double indent;    /* left indent of every line */
    double rindent;   /* right indent */
} style;

static pthread_once_t lb_once = PTHREAD_ONCE_INIT;
static void lb_init(void) { init_linebreak(); }

static void push_box(ctx *c, box bx)
{
    c->boxes = grow(c->boxes, &c->boxes_cap, c->nboxes + 1, sizeof *c->boxes);
    bx.one = 0;
    if (c->cur_text && bx.e > bx.s) {
        uint32_t cp;
        size_t k = bt_utf8_decode(c->cur_text + bx.s, bx.e - bx.s, &cp);
        bx.one = k == bx.e - bx.s;
    }
    c->boxes[c->nboxes++] = bx;
}

/* One box for text[s, e); wider than maxw: cut between characters, each piece as wide as fits
 * with a hyphen after it. hy: the hyphen width for the box's own end (0 at a word's end). */
static void piece_boxes(ctx *c, const style *st, const char *text, size_t s, size_t e, double w, double sp,
                        double maxw, double hy)
{
    if (w + hy <= maxw) {
        push_box(c, (box){s, e, w, sp, hy, 0});
        return;
    }
    long hya = (long)bt_font_advance(c->fs, st->face, '-');
    double hyw = (double)hya * st->size / 1000.0;
    long lim = (long)floor(maxw * 1000.0 / st->size) - hya;
    size_t ps = s;
    while (ps < e) {
        /* as many characters as their own advances allow... */
        size_t j = ps;
        long acc = 0;
        while (j < e) {
            uint32_t q;
            size_t m = bt_utf8_decode(text + j, e - j, &q);
            if (!m) m = 1;
            int miss;
            bt_face f = pick(c, st->face, q, &miss);
            long adv = bt_font_advance(c->fs, f, q);
            if (acc + adv > lim && j > ps) break;
            acc += adv;
            j += m;
        }
        double pw = measure(c, st->face, st->size, text + ps, j - ps);
        if (j >= e && pw + hy <= maxw) {
            push_box(c, (box){ps, e, pw, sp, hy, 0});
            return;
        }
        /* ...fewer when kerning makes the piece wider than that */
        while (pw + hyw > maxw) {
            size_t k = j; /* the start of the character before j */
            do k--;
            while (k > ps && ((unsigned char)text[k] & 0xC0) == 0x80);
            if (k <= ps) break;
            j = k;
            pw = measure(c, st->face, st->size, text + ps, j - ps);
        }
        push_box(c, (box){ps, j, pw, 0, hyw, 0});
        ps = j;
    }
}

/* 1 if the UTF-8 text ending at e ends with a hyphen (a break after it reads back fine). */
static int ends_hyphen(const char *text, size_t s, size_t e)
{
    if (e > s && text[e - 1] == '-') return 1;
    if (e >= s + 3 && (unsigned char)text[e - 3] == 0xE2 && (unsigned char)text[e - 2] == 0x80 &&
        (unsigned char)text[e - 1] == 0x90)
        return 1; /* U+2010 */
    return 0;
}

/* The text as Debian's libunibreak 1.1 can take it: its tables stop before the regional
 * indicators (flag emoji, U+1F1E6..U+1F1FF), whose class fails an assertion that aborts the
 * process, and its UTF-8 reader returns U+FFFF as its end-of-text mark. Those characters are
 * given to it as others of the same byte length and a harmless class: a letter (U+1D400,
 * class AL, so a flag's two halves stay together like a word's letters) and U+FFFD. The
 * break opportunities are per byte, so they still index the real text; the text itself is
 * not changed. Returns text itself when nothing needs replacing (the common case). */
static const char *lb_safe_text(ctx *c, const char *text, size_t len)
{
    const unsigned char *u = (const unsigned char *)text;
    unsigned char *w = NULL; /* the copy, made at the first character to replace */
    for (size_t i = 0; i + 2 < len; i++) {
        int ri = u[i] == 0xF0 && u[i + 1] == 0x9F && i + 3 < len && u[i + 2] == 0x87 && u[i + 3] >= 0xA6 &&
                 u[i + 3] <= 0xBF;
        int ffff = u[i] == 0xEF && u[i + 1] == 0xBF && u[i + 2] == 0xBF;
        if (!ri && !ffff) continue;
        if (!w) {
            c->lbtext = grow(c->lbtext, &c->lbtext_cap, len, 1);
            w = memcpy(c->lbtext, text, len);
        }
        if (ri) memcpy(w + i, "\xF0\x9D\x90\x80", 4); /* U+1D400 */
        else w[i + 2] = 0xBD;                          /* U+FFFD */
        i += ri ? 3 : 2;
    }
    return w ? (const char *)w : text;
}

/* Break text into boxes at line-break opportunities (UAX #14, libunibreak). Words are kept
 * whole when they fit a line: inside a word ("0,13%/năm", "kcal/kg") only a hyphen is a
 * preferred break; the other opportunities are used when the word is wider than a line, and
 * a piece still too wide is cut between characters. */
static void make_boxes(ctx *c, const style *st, const char *text, size_t len, double maxw)
{
    pthread_once(&lb_once, lb_init);
    c->brks = grow(c->brks, &c->brks_cap, len + 1, 1);
    set_linebreaks_utf8((const utf8_t *)lb_safe_text(c, text, len), len,
                        c->art && c->art->language ? c->art->language : "vi", c->brks);
    c->nboxes = 0;
    c->cur_text = text;
    double spw = (double)bt_font_advance(c->fs, st->face, ' ') * st->size / 1000.0;
    /* segments of the current word */
    typedef struct {
        size_t s, e;
        double w;
    } seg;
    seg segs[64];
    size_t nseg = 0;
    size_t wstart = 0; /* start of the current word */
    size_t start = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = bt_utf8_decode(text + i, len - i, &cp);
        if (!n) n = 1;
        i += n;
        char b = c->brks[i - 1];
        if (i < len && b != LINEBREAK_ALLOWBREAK && b != LINEBREAK_MUSTBREAK) continue;
        /* segment [start, i): content then trailing spaces */
        size_t e = i;
        while (e > start && text[e - 1] == ' ') e--;
        double sp = (double)(i - e) * spw;
        if (e == start) { /* only spaces: widen the previous gap */
            if (nseg == 0 && c->nboxes) c->boxes[c->nboxes - 1].sp += sp;
            start = i;
            wstart = i;
            continue;
        }
        double w = measure(c, st->face, st->size, text + start, e - start);
        int word_end = sp > 0 || i >= len || ends_hyphen(text, start, e) || nseg == 63;
        segs[nseg++] = (seg){start, e, w};
        start = i;
        if (!word_end) continue;
        double ww = 0;
        for (size_t k = 0; k < nseg; k++) ww += segs[k].w;
        if (ww <= maxw) {
            /* measured whole, as it is drawn: kerning across its inner break points counts */
            if (nseg > 1) ww = measure(c, st->face, st->size, text + wstart, e - wstart);
            push_box(c, (box){wstart, e, ww, sp, 0, 0});
        } else {
            /* a word wider than the line: break at its inner opportunities, a hyphen marking
             * each break taken (except after a hyphen already there) */
            double hyw = (double)bt_font_advance(c->fs, st->face, '-') * st->size / 1000.0;
            for (size_t k = 0; k < nseg; k++) {
                int end = k + 1 == nseg;
                double hy = end || ends_hyphen(text, segs[k].s, segs[k].e) ? 0 : hyw;
                piece_boxes(c, st, text, segs[k].s, segs[k].e, segs[k].w, end ? sp : 0, maxw, hy);
            }
        }
        nseg = 0;
        wstart = i;
    }
}

/* Choose line breaks for the boxes: the whole paragraph at once (minimum total demerits, in
 * the spirit of Knuth and Plass, without hyphenation), so spaces stay even from line to line.
 * Linear in the number of boxes: a line holds a bounded number of them. c->next[i] is the box
 * that starts the line after the one starting at box i. */
static void choose_breaks(ctx *c, const style *st, const char *text, double maxw, double spw)
{
    size_t n = c->nboxes;
    c->cost = grow(c->cost, &c->cost_cap, n + 1, sizeof *c->cost);
    c->prev = grow(c->prev, &c->prev_cap, n + 1, sizeof *c->prev);
    c->next = grow(c->next, &c->next_cap, n + 1, sizeof *c->next);
    double *cost = c->cost;
    size_t *prev = c->prev;
    cost[0] = 0;
    int justify = st->al == AL_JUSTIFY;
    double onegap = ONE_CHAR_GAP * st->size;
    for (size_t k = 1; k <= n; k++) {
        cost[k] = HUGE_VAL;
        prev[k] = k - 1;
        /* a line ending in a hyphen reads back joined to the next line (pdftotext removes it):
         * right inside a word ("Covid-19"), wrong before a space */
        double hyph = k < n && ends_hyphen(text, c->boxes[k - 1].s, c->boxes[k - 1].e)
                          ? (c->boxes[k - 1].sp > 0 ? 1e9 : 1e4)
                          : 0;
        double w = 0, wide = 0;
        int gaps = 0, one = 1;
        /* line = boxes [i, k) */
        for (size_t i = k; i-- > 0;) {
            w += c->boxes[i].w;
            one &= c->boxes[i].one;
            if (i + 1 < k) {
                w += c->boxes[i].sp;
                if (c->boxes[i].sp > 0) {
                    gaps++;
                    if (c->boxes[i].sp < onegap) wide += onegap - c->boxes[i].sp;
                }
            }
            double wl = k < n ? w + c->boxes[k - 1].hy : w; /* the hyphen of a forced break */
            if (one) wl += wide;
            if (wl > maxw + 1e-6 && i + 1 < k) break;
            if (cost[i] == HUGE_VAL) continue;
            double slack = maxw - wl, d;
            if (slack < 0) slack = 0;
            if (!justify) d = slack * slack; /* ragged text (titles, captions): balanced lines */
            else if (k == n) d = 0;         /* the last line of a paragraph is ragged */
            else {
                /* a line without a gap cannot stretch: as bad as a one-gap line as loose */
                double r = slack / ((gaps ? gaps : 1) * spw);
                double bad = 100.0 * r * r * r;
                if (bad > 10000) bad = 10000;
                d = (10 + bad) * (10 + bad);
            }
            d += hyph;
            if (cost[i] + d < cost[k]) {
                cost[k] = cost[i] + d;
                prev[k] = i;
            }
        }
    }
    for (size_t k = n; k > 0; k = prev[k]) c->next[prev[k]] = k;
}

/* Format text as lines of fb. block: source block index for the items. */
static void format_text(ctx *c, fblock *fb, const style *st, const char *text, size_t block)
{
    size_t len = strlen(text);
    if (!len) return;
    double maxw = c->colw - st->indent - st->rindent;
    if (maxw < st->size) maxw = st->size;
    make_boxes(c, st, text, len, maxw);
    int asc, desc;
    bt_font_vmetrics(c->fs, st->face, &asc, &desc);
    double a = asc * st->size / 1000.0, d = -desc * st->size / 1000.0;
    double ascent = a + (st->leading > a + d ? (st->leading - a - d) / 2 : 0);
    double spw = (double)bt_font_advance(c->fs, st->face, ' ') * st->size / 1000.0;
    size_t nb = c->nboxes;
    choose_breaks(c, st, text, maxw, spw);
    size_t i = 0;
    while (i < nb) {
        size_t j = c->next[i];
        double w = c->boxes[i].w;
        for (size_t k = i + 1; k < j; k++) w += c->boxes[k - 1].sp + c->boxes[k].w;
        int last = j >= nb;
        double hy = last ? 0 : c->boxes[j - 1].hy;
        w += hy;
        /* gaps that may stretch: between boxes where the first has a trailing space */
        int gaps = 0, one = 1;
        for (size_t k = i; k < j; k++) {
            one &= c->boxes[k].one;
            if (k + 1 < j && c->boxes[k].sp > 0) gaps++;
        }
        /* a line of one-character words: wider gaps (ONE_CHAR_GAP) */
        double need = one && gaps && spw < ONE_CHAR_GAP * st->size ? ONE_CHAR_GAP * st->size - spw : 0;
        w += gaps * need;
        double extra = need, x = st->indent;
        align al = st->al;
        if (al == AL_JUSTIFY) {
            if (!last && gaps > 0) {
                extra = need + (maxw - w) / gaps;
                if (extra > 3 * spw + st->size) extra = need; /* a very loose line: leave it ragged */
            }
        } else if (al == AL_CENTER) {
            x += (maxw - w) / 2;
        } else if (al == AL_RIGHT) {
            x += maxw - w;
        }
        fline *ln = fb_line(fb, c, st->leading, ascent);
        /* words: maximal runs of boxes joined without a space, each its own items; the gaps
         * between them are drawn as spaces (out_pdf.c) */
        size_t k = i;
        while (k < j) {
            size_t m = k;
            while (m + 1 < j && c->boxes[m].sp == 0) m++;
            size_t s = c->boxes[k].s, e = c->boxes[m].e;
            double ww = emit(c, ln, st->face, st->size, st->color, x, text + s, e - s, block);
            x += ww;
            if (m + 1 < j) x += c->boxes[m].sp + extra;
            k = m + 1;
        }
        if (hy > 0) {
            emit(c, ln, st->face, st->size, st->color, x, "-", 1, block);
            ln->hyph = 1;
        } else if (!last && c->boxes[j - 1].sp == 0 &&
                   ends_hyphen(text, c->boxes[j - 1].s, c->boxes[j - 1].e)) {
            ln->hyph = 2;
        }
        i = j;
    }
}

static double body(const ctx *c) { return c->g->body_size; }

static style mkstyle(const ctx *c, bt_face face, double scale, double leading, unsigned color, align al)
{
    style s;
    s.face = face;
    s.size = body(c) * scale;
    s.leading = s.size * leading;
    s.color = color;
    s.al = al;
    s.indent = 0;
    s.rindent = 0;
    return s;
}

/* What the template changes in a style (only what it gives; nothing without a template).
 * space: the block's space before, when it has one. */
static void tpl_style(const ctx *c, style *s, bt_text_role r, double *space)
{
    if (!c->t) return;
    const bt_tpl_style *y = &c->t->style[r];
    double mult = s->size > 0 ? s->leading / s->size : 1.2;
    if (y->set & BT_TPL_SET_FACE) s->face = y->face;
    if ((y->set & BT_TPL_SET_SIZE) && r != BT_TR_BODY) s->size = bt_len_pt(y->size, body(c));
    if ((y->set & BT_TPL_SET_LEADING) && r != BT_TR_BODY) mult = y->leading;
    s->leading = s->size * mult;
    if (y->set & BT_TPL_SET_COLOR) s->color = y->color;
    if (y->set & BT_TPL_SET_ALIGN) s->al = (align)y->align;
    if (y->set & BT_TPL_SET_INDENT) {
        s->indent = bt_len_pt(y->indent, body(c));
        if (r != BT_TR_LIST) s->rindent = s->indent;
    }
    if (space && (y->set & BT_TPL_SET_SPACE)) *space = bt_len_pt(y->space_before, body(c));
}

static void fblock_free(fblock *fb)
{
    free(fb->lines);
    memset(fb, 0, sizeof *fb);
}

/* ---------------------------------------------------------------- pagination */

static bt_page *new_page(ctx *c, size_t article)
{
    bt_layout *L = c->L;
    L->pages = grow(L->pages, &L->cap, L->npages + 1, sizeof *L->pages);
    bt_page *p = &L->pages[L->npages++];
    memset(p, 0, sizeof *p);
    p->article = article;
    c->page = p;
    c->cursor = c->g->height - c->g->top;
    c->at_top = 1;
    c->col = 0;
    c->col_top = c->cursor;
    c->bottom = c->g->bottom;
    if (!c->in_title && (size_t)(p - L->pages) == c->balance_page && c->col_top - c->balance_h > c->bottom)
        c->bottom = c->col_top - c->balance_h;
    return p;
}

/* The columns start here (under the title block, or at the top of a page). */
static void columns_start(ctx *c)
{
    c->col_top = c->cursor;
    c->bottom = c->g->bottom;
    if ((size_t)(c->page - c->L->pages) == c->balance_page && c->col_top - c->balance_h > c->bottom)
        c->bottom = c->col_top - c->balance_h;
}

/* Continue in the next column, or on a new page after the last one. */
static void next_column(ctx *c, size_t article)
{
    if (c->col + 1 < c->ncols) {
        c->col++;
        c->cursor = c->col_top;
        c->at_top = 1;
        return;
    }
    new_page(c, article);
}

static void page_add(bt_page *p, const bt_item *it)
{
    p->items = grow(p->items, &p->cap, p->nitems + 1, sizeof *p->items);
    p->items[p->nitems++] = *it;
}

/* Put a line on the page. page_end: it is the page's last line; a page never ends with a
 * drawn hyphen, which pdftotext would join to the page footer. */
static void place_line_at(ctx *c, const fline *ln, int page_end)
{
    double base = c->cursor - ln->ascent;
    size_t n = ln->nitems;
    if (page_end && ln->hyph == 1 && n > 1) n--;
    for (size_t i = 0; i < n; i++) {
        bt_item it = c->items[ln->item0 + i];
        it.x += c->g->left + c->col * (c->colw + c->colgap);
        it.y += base;
        it.role = BT_ROLE_BODY;
        page_add(c->page, &it);
    }
    c->cursor -= ln->height;
    c->at_top = 0;
}

static void place_line(ctx *c, const fline *ln) { place_line_at(c, ln, 0); }

static double lines_height(const fblock *fb, size_t from, size_t to)
{
    double h = 0;
    for (size_t i = from; i < to && i < fb->n; i++) h += fb->lines[i].height;
    return h;
}

/* Number of lines of fb, from line i, that fit in the free space. */
static size_t fit_lines(const ctx *c, const fblock *fb, size_t i, double space)
{
    double y = c->cursor - space;
    size_t k = 0;
    while (i + k < fb->n && y - fb->lines[i + k].height >= c->bottom - 1e-6) {
        y -= fb->lines[i + k].height;
        k++;
    }
    return k;
}

static void place_block(ctx *c, size_t article, const fblock *fb, const fblock *next)
{
    if (fb->n == 0) return;
    double space = c->at_top ? 0 : fb->space_before;
    /* keep with next: this block and the first two lines of the next must share a page */
    if (fb->keep_with_next && next && next->n && !c->at_top) {
        double need = space + lines_height(fb, 0, fb->n) + next->space_before +
                      lines_height(next, 0, next->n < 2 ? next->n : 2);
        if (c->cursor - need < c->bottom - 1e-6) {
            next_column(c, article);
            space = 0;
        }
    }
    size_t i = 0;
    while (i < fb->n) {
        size_t rest = fb->n - i;
        size_t k = fit_lines(c, fb, i, space);
        if (k >= rest) {
            c->cursor -= space;
            for (size_t j = i; j < fb->n; j++) place_line(c, &fb->lines[j]);
            return;
        }
        /* not all fit: no orphan (one line at the foot) and no widow (one at the head) */
        if (fb->keep_together || rest < 4) k = 0;
        else {
            if (rest - k < 2) k = rest - 2;
            if (k < 2) k = 0;
        }
        if (k == 0) {
            if (c->at_top) { /* cannot fit even on an empty page: force one line */
                k = fit_lines(c, fb, i, 0);
                if (k == 0) k = 1;
            } else {
                next_column(c, article);
                space = 0;
                continue;
            }
        }
        /* the page's last line should not end inside a word: give it to the next page when
         * the widow and orphan rules allow */
        if (k > 2 && fb->lines[i + k - 1].hyph && !fb->lines[i + k - 2].hyph) k--;
        c->cursor -= space;
        for (size_t j = i; j < i + k; j++) place_line_at(c, &fb->lines[j], j + 1 == i + k);
        i += k;
        next_column(c, article);
        space = 0;
    }
}

/* ---------------------------------------------------------------- one article */

/* Title shortened with an ellipsis at a word boundary to fit width. Heap string. */
static char *shorten(ctx *c, bt_face face, double size, const char *s, double width)
{
    if (measure(c, face, size, s, strlen(s)) <= width) return bt_xstrdup(s);
    static const char ell[] = "\xE2\x80\xA6";
    double ew = measure(c, face, size, ell, 3);
    size_t len = strlen(s), cut = 0;
    double w = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = bt_utf8_decode(s + i, len - i, &cp);
        if (!n) n = 1;
        double cw = measure(c, face, size, s + i, n);
        if (w + cw + ew > width) break;
        w += cw;
        i += n;
        if (cp == ' ') cut = i - 1;
    }
    if (cut == 0 || cut < i / 2) cut = i;
    while (cut > 0 && s[cut - 1] == ' ') cut--;
    char *out = bt_xmalloc(cut + 4);
    memcpy(out, s, cut);
    memcpy(out + cut, ell, 4);
    return out;
}

static void add_text_item(ctx *c, bt_page *p, bt_item_role role, bt_face face, double size, unsigned color,
                          double x, double y, const char *s)
{
    /* Through a scratch line so missing glyphs and fallback faces are handled alike. */
    fline ln = {c->nitems, 0, 0, 0, 0};
    c->tag = BT_TAG_ARTIFACT;
    emit(c, &ln, face, size, color, x, s, strlen(s), NOBLOCK);
    for (size_t i = 0; i < ln.nitems; i++) {
        bt_item it = c->items[ln.item0 + i];
        it.y = y;
        it.role = role;
        page_add(p, &it);
    }
    c->nitems = ln.item0;
}

/* One running line of a template (header or footer): its three slots, placeholders filled. */
static void band(ctx *c, bt_page *p, const bt_tpl_band *b, bt_item_role role, bt_text_role r, double y,
                 const bt_tpl_vars *v)
{
    const bt_page_geom *g = c->g;
    style s = mkstyle(c, role == BT_ROLE_HEADER ? BT_FACE_ITALIC : BT_FACE_REGULAR, 0.78, 1.2, C_MUTED, AL_LEFT);
    tpl_style(c, &s, r, NULL);
    const char *fmt[3] = {b->left, b->center, b->right};
    char *txt[3];
    int n = 0;
    for (int k = 0; k < 3; k++) {
        txt[k] = bt_template_expand(fmt[k], v);
        n += *txt[k] != '\0';
    }
    for (int k = 0; k < 3; k++) {
        if (!*txt[k]) {
            free(txt[k]);
            continue;
        }
        double room = n == 1 ? c->fullw : k == 1 ? c->fullw / 3 : c->fullw / (n == 2 ? 2 : 3) - s.size;
        char *t = shorten(c, s.face, s.size, txt[k], room);
        double w = measure(c, s.face, s.size, t, strlen(t));
        double x = k == 0 ? g->left : k == 1 ? g->left + (c->fullw - w) / 2 : g->left + c->fullw - w;
        add_text_item(c, p, role, s.face, s.size, s.color, x, y, t);
        free(t);
        free(txt[k]);
    }
    if (b->rule && n) {
        bt_item ru = {0};
        ru.kind = BT_ITEM_RULE;
        ru.role = role;
        ru.x = g->left;
        ru.y = role == BT_ROLE_HEADER ? y - s.size * 0.6 : y + s.size * 1.2;
        ru.w = c->fullw;
        ru.h = 0.4;
        ru.color = c->t->color_given[BT_COLOR_RULE] ? c->t->color[BT_COLOR_RULE] : C_RULE;
        ru.block = NOBLOCK;
        page_add(p, &ru);
    }
}

static void running_heads(ctx *c, size_t article, size_t first)
{
    bt_layout *L = c->L;
    const bt_page_geom *g = c->g;
    int count = (int)(L->npages - first);
    double hs = body(c) * 0.78;
    /* the numbers printed: the article's own, or the bulletin's (g->page_first) */
    int base = g->page_first ? g->page_first - 1 : -(int)first;
    int total = !g->page_first ? count : g->page_total ? g->page_total : base + (int)L->npages;
    if (c->t && (c->t->header.set || c->t->footer.set)) {
        char day[16] = "";
        const bt_date *d = &c->art->published;
        if (d->year) snprintf(day, sizeof day, "%02d/%02d/%04d", d->day, d->month, d->year);
        for (size_t i = first; i < L->npages; i++) {
            bt_page *p = &L->pages[i];
            p->number = (int)(i - first + 1);
            p->count = count;
            bt_tpl_vars v = {c->t->org, c->art->title, c->art->category, day, base + (int)i + 1, total};
            if (p->number > 1 || c->t->header.first_page)
                band(c, p, &c->t->header, BT_ROLE_HEADER, BT_TR_HEADER, g->height - g->top + hs * 1.9, &v);
            if (p->number > 1 || c->t->footer.first_page)
                band(c, p, &c->t->footer, BT_ROLE_FOOTER, BT_TR_FOOTER, g->bottom - hs * 2.6, &v);
        }
        return;
    }
    /* in the regular face: its glyphs are nearly all in the text already (a smaller font subset) */
    char *title = shorten(c, BT_FACE_REGULAR, hs, c->art->title ? c->art->title : "", c->fullw);
    for (size_t i = first; i < L->npages; i++) {
        bt_page *p = &L->pages[i];
        p->number = (int)(i - first + 1);
        p->count = count;
        if (p->number > 1 && *title) {
            double y = g->height - g->top + hs * 1.9;
            add_text_item(c, p, BT_ROLE_HEADER, BT_FACE_REGULAR, hs, C_MUTED, g->left, y, title);
            bt_item r = {0};
            r.kind = BT_ITEM_RULE;
            r.role = BT_ROLE_HEADER;
            r.x = g->left;
            r.y = y - hs * 0.6;
            r.w = c->fullw;
            r.h = 0.4;
            r.color = C_RULE;
            r.block = NOBLOCK;
            page_add(p, &r);
        }
        char num[64];
        snprintf(num, sizeof num, "Trang %d/%d", base + (int)i + 1, total);
        double w = measure(c, BT_FACE_REGULAR, hs, num, strlen(num));
        add_text_item(c, p, BT_ROLE_FOOTER, BT_FACE_REGULAR, hs, C_MUTED, g->left + (c->fullw - w) / 2,
                      g->bottom - hs * 2.6, num);
    }
    free(title);
}

static void image_block(ctx *c, fblock *fb, const bt_block *b, size_t bi)
{
    const bt_image *img = b->image;
    if (!img || !img->data || img->len == 0) return;
    int pw = img->width, ph = img->height;
    int dw, dh;
    if (!bt_image_dimensions(img->data, img->len, &dw, &dh)) {
        if (!c->quiet) bt_article_warn(c->art, "image %s: not a readable JPEG or PNG; left out",
                        img->name ? img->name : "(unnamed)");
        return;
    }
    pw = dw;
    ph = dh;
    double maxh = (c->g->height - c->g->top - c->g->bottom) * 0.55;
    double w = c->colw, h = w * ph / pw;
    if (h > maxh) {
        h = maxh;
        w = h * pw / ph;
    }
    /* small images are not blown up beyond twice their pixel size at 72 dpi */
    if (w > pw * 2.0 && pw * 2.0 < c->colw) {
        w = pw * 2.0;
        h = ph * 2.0;
    }
    fline *ln = fb_line(fb, c, h, h);
    bt_item *it = scratch_item(c);
    it->kind = BT_ITEM_IMAGE;
    it->x = (c->colw - w) / 2;
    it->y = 0;
    it->w = w;
    it->h = h;
    it->image = img;
    it->block = bi;
    it->tag = BT_TAG_BLOCK;
    ln->nitems = 1;
}

static void rule_line(ctx *c, fblock *fb, double gap)
{
    fline *ln = fb_line(fb, c, gap, gap / 2);
    bt_item *it = scratch_item(c);
    it->kind = BT_ITEM_RULE;
    it->x = 0;
    it->y = 0;
    it->w = c->colw;
    it->h = 0.6;
    it->color = C_RULE;
    ln->nitems = 1;
}

/* The masthead of a template: the organisation's name, a second line (the date), a double rule;
 * page furniture, not the article's text (an artifact). */
static void masthead(ctx *c, fblock *tb)
{
    const bt_tpl_masthead *m = &c->t->masthead;
    char *date = bt_date_vi(&c->art->published);
    bt_tpl_vars v = {c->t->org, c->art->title, c->art->category, date, 1, 1};
    char *name = bt_template_expand(m->title, &v), *sub = bt_template_expand(m->subtitle, &v);
    c->tag = BT_TAG_ARTIFACT;
    if (m->logo_image && m->logo_image->width > 0 && m->logo_image->height > 0) {
        const bt_image *im = m->logo_image;
        double h = bt_len_pt(m->logo_height, body(c)), w = h * im->width / im->height;
        if (w > c->colw) {
            w = c->colw;
            h = w * im->height / im->width;
        }
        fline *ln = fb_line(tb, c, h + body(c) * 0.3, h);
        bt_item *it = scratch_item(c);
        it->kind = BT_ITEM_IMAGE;
        it->x = (c->colw - w) / 2;
        it->w = w;
        it->h = h;
        it->image = im;
        it->tag = BT_TAG_ARTIFACT; /* the logo is page furniture, not a figure of the article */
        ln->nitems = 1;
    }
    if (*name) {
        style s = mkstyle(c, BT_FACE_BOLD, 2.6, 1.15, C_CATEGORY, AL_CENTER);
        tpl_style(c, &s, BT_TR_MASTHEAD, NULL);
        format_text(c, tb, &s, name, NOBLOCK);
    }
    if (*sub) {
        style s = mkstyle(c, BT_FACE_ITALIC, 0.9, 1.4, C_MUTED, AL_CENTER);
        double gap = body(c) * 0.2;
        tpl_style(c, &s, BT_TR_MASTHEAD_SUB, &gap);
        fb_line(tb, c, gap, 0);
        format_text(c, tb, &s, sub, NOBLOCK);
    }
    if (m->rule) {
        rule_line(c, tb, body(c) * 0.5);
        rule_line(c, tb, body(c) * 1.2);
    }
    free(name);
    free(sub);
    free(date);
}

static void layout_once(ctx *c, size_t ai)
{
    bt_article *a = c->art;
    size_t first = c->L->npages;
    c->L->first_page[ai] = first;
    int span = c->ncols > 1 && c->t && c->t->span_title;
    c->colw = span ? c->fullw : c->column_w;
    c->in_title = span;
    new_page(c, ai);
    missing_reset(c);

    /* title block */
    fblock tb = {0};
    tb.keep_together = 1;
    if (c->t && c->t->masthead.on) masthead(c, &tb);
    if (a->category && *a->category) {
        style s = mkstyle(c, BT_FACE_BOLD, 0.82, 1.6, C_CATEGORY, AL_LEFT);
        tpl_style(c, &s, BT_TR_CATEGORY, NULL);
        c->tag = BT_TAG_CATEGORY;
        format_text(c, &tb, &s, a->category, NOBLOCK);
    }
    {
        style s = mkstyle(c, BT_FACE_BOLD, 1.9, 1.22, C_TEXT, AL_LEFT);
        tpl_style(c, &s, BT_TR_TITLE, NULL);
        c->tag = BT_TAG_TITLE;
        format_text(c, &tb, &s, a->title && *a->title ? a->title : "", NOBLOCK);
    }
    char *date = bt_date_vi(&a->published);
    if (date && *date) {
        double gap = body(c) * 0.4; /* small gap */
        style s = mkstyle(c, BT_FACE_ITALIC, 0.86, 1.5, C_MUTED, AL_LEFT);
        tpl_style(c, &s, BT_TR_DATE, &gap);
        fb_line(&tb, c, gap, 0);
        c->tag = BT_TAG_DATE;
        format_text(c, &tb, &s, date, NOBLOCK);
    }
    free(date);
    if (a->source_url && *a->source_url) {
        /* where the article comes from, on one line (a link in the PDF) */
        style s = mkstyle(c, BT_FACE_REGULAR, 0.78, 1.5, C_LINK, AL_LEFT);
        char *u = shorten(c, s.face, s.size, a->source_url, c->colw);
        c->tag = BT_TAG_URL;
        format_text(c, &tb, &s, u, NOBLOCK);
        free(u);
    }
    rule_line(c, &tb, body(c) * 1.4);
    place_block(c, ai, &tb, NULL);
    c->nitems = 0;
    fblock_free(&tb);
    if (span) { /* the columns start under the title */
        c->colw = c->column_w;
        c->in_title = 0;
        columns_start(c);
    }

    if (a->lead && *a->lead) {
        fblock fb = {0};
        fb.space_before = 0;
        style s = mkstyle(c, BT_FACE_BOLD, 1.04, 1.45, C_TEXT, AL_JUSTIFY);
        tpl_style(c, &s, BT_TR_LEAD, NULL);
        c->tag = BT_TAG_LEAD;
        format_text(c, &fb, &s, a->lead, NOBLOCK);
        place_block(c, ai, &fb, NULL);
        c->nitems = 0;
        fblock_free(&fb);
    }

    /* body blocks: format one ahead so keep-with-next can look at the next block */
    fblock cur = {0};
    int have_cur = 0;
    int number = 0;
    size_t bi = 0;
    for (;;) {
        fblock fb = {0};
        int have = 0;
        while (bi < a->nblocks && !have) {
            const bt_block *b = &a->blocks[bi];
            size_t idx = bi++;
            style s;
            c->tag = BT_TAG_BLOCK;
            switch (b->type) {
            case BT_BLOCK_PARAGRAPH:
                s = mkstyle(c, BT_FACE_REGULAR, 1.0, c->g->leading, C_TEXT, AL_JUSTIFY);
                fb.space_before = body(c) * 0.55;
                tpl_style(c, &s, BT_TR_BODY, &fb.space_before);
                format_text(c, &fb, &s, b->text ? b->text : "", idx);
                number = 0;
                break;
            case BT_BLOCK_HEADING:
                s = mkstyle(c, BT_FACE_BOLD, b->level <= 2 ? 1.2 : 1.08, 1.35, C_TEXT, AL_LEFT);
                fb.space_before = body(c) * 1.1;
                tpl_style(c, &s, b->level <= 2 ? BT_TR_HEADING : BT_TR_SUBHEADING, &fb.space_before);
                fb.keep_with_next = 1;
                format_text(c, &fb, &s, b->text ? b->text : "", idx);
                number = 0;
                break;
            case BT_BLOCK_CAPTION:
                /* regular, smaller and grey (as Vietnamese news sites set them): an italic face
                 * only for captions would cost its own font subset in every PDF */
                s = mkstyle(c, BT_FACE_REGULAR, 0.88, 1.4, C_CAPTION, AL_CENTER);
                s.indent = s.rindent = body(c) * 1.5;
                fb.space_before = body(c) * 0.45;
                tpl_style(c, &s, BT_TR_CAPTION, &fb.space_before);
                fb.keep_together = 1;
                format_text(c, &fb, &s, b->text ? b->text : "", idx);
                number = 0;
                break;
            case BT_BLOCK_QUOTE:
                s = mkstyle(c, BT_FACE_ITALIC, 1.0, c->g->leading, C_TEXT, AL_JUSTIFY);
                s.indent = s.rindent = body(c) * 2.2;
                fb.space_before = body(c) * 0.7;
                tpl_style(c, &s, BT_TR_QUOTE, &fb.space_before);
                format_text(c, &fb, &s, b->text ? b->text : "", idx);
                number = 0;
                break;
            case BT_BLOCK_BOX: /* a fact box: smaller lines between two rules, kept together */
                s = mkstyle(c, b->level ? BT_FACE_BOLD : BT_FACE_REGULAR, 0.92, 1.4, C_TEXT, AL_LEFT);
                s.indent = s.rindent = body(c) * 1.2;
                fb.space_before = body(c) * 0.2;
                fb.keep_together = 1;
                if (idx == 0 || a->blocks[idx - 1].type != BT_BLOCK_BOX) rule_line(c, &fb, body(c) * 0.9);
                format_text(c, &fb, &s, b->text ? b->text : "", idx);
                if (idx + 1 == a->nblocks || a->blocks[idx + 1].type != BT_BLOCK_BOX) rule_line(c, &fb, body(c) * 0.5);
                number = 0;
                break;
            case BT_BLOCK_LIST_ITEM: {
                s = mkstyle(c, BT_FACE_REGULAR, 1.0, c->g->leading, C_TEXT, AL_JUSTIFY);
                s.indent = body(c) * 2.0;
                fb.space_before = body(c) * 0.3;
                tpl_style(c, &s, BT_TR_LIST, &fb.space_before);
                char mark[32];
                if (b->level == 1) snprintf(mark, sizeof mark, "%d.", ++number);
                else {
                    number = 0;
                    snprintf(mark, sizeof mark, "\xE2\x80\xA2");
                }
                /* the marker hangs in the indent, on the first line's baseline: emit it first
                 * so its items sit right before the first line's */
                double mw = measure(c, s.face, s.size, mark, strlen(mark));
                fline mk = {c->nitems, 0, 0, 0, 0};
                c->tag = BT_TAG_LABEL;
                emit(c, &mk, s.face, s.size, s.color, s.indent - mw - body(c) * 0.5, mark, strlen(mark), idx);
                c->tag = BT_TAG_BLOCK;
                format_text(c, &fb, &s, b->text ? b->text : "", idx);
                if (fb.n > 0) {
                    fb.lines[0].item0 = mk.item0;
                    fb.lines[0].nitems += mk.nitems;
                }
                break;
            }
            case BT_BLOCK_IMAGE:
                fb.space_before = body(c) * 0.8;
                if (c->t && (c->t->style[BT_TR_IMAGE].set & BT_TPL_SET_SPACE))
                    fb.space_before = bt_len_pt(c->t->style[BT_TR_IMAGE].space_before, body(c));
                fb.keep_with_next = 1; /* with its caption */
                image_block(c, &fb, b, idx);
                number = 0;
                break;
            }
            if (fb.n) have = 1;
        }
        if (!have) {
            fblock_free(&fb);
            break;
        }
        if (have_cur) {
            /* an image keeps only with a caption */
            if (cur.lines && cur.n == 1 && c->items[cur.lines[0].item0].kind == BT_ITEM_IMAGE &&
                !(fb.keep_together && fb.lines && c->items[fb.lines[0].item0].kind == BT_ITEM_TEXT &&
                  c->items[fb.lines[0].item0].block < a->nblocks &&
                  a->blocks[c->items[fb.lines[0].item0].block].type == BT_BLOCK_CAPTION))
                cur.keep_with_next = 0;
            place_block(c, ai, &cur, &fb);
            fblock_free(&cur);
        }
        cur = fb;
        have_cur = 1;
    }
    if (have_cur) {
        place_block(c, ai, &cur, NULL);
        fblock_free(&cur);
    }

    if (a->author && *a->author) {
        fblock fb = {0};
        fb.space_before = body(c) * 0.9;
        fb.keep_together = 1;
        style s = mkstyle(c, BT_FACE_BOLD, 1.0, c->g->leading, C_TEXT, AL_RIGHT);
        tpl_style(c, &s, BT_TR_AUTHOR, &fb.space_before);
        c->tag = BT_TAG_AUTHOR;
        format_text(c, &fb, &s, a->author, NOBLOCK);
        place_block(c, ai, &fb, NULL);
        fblock_free(&fb);
    }
    c->nitems = 0;
    running_heads(c, ai, first);
    c->nitems = 0;
}

/* Forget the pages of the article being laid out (from page first, text from pool0 on). */
static void drop_pages(ctx *c, size_t first, size_t pool0)
{
    bt_layout *L = c->L;
    for (size_t i = first; i < L->npages; i++) free(L->pages[i].items);
    L->npages = first;
    L->pool_len = pool0;
    c->nitems = 0;
}

/* One article; with balanced columns, laid out again until its last page's columns end level:
 * the least column height on that page that keeps the article on as many pages, tried upwards
 * from an even share of that page's text (widow and orphan rules and the space between
 * paragraphs make the fit jump, so each height is tried rather than searched for). */
static void layout_article(ctx *c, size_t ai)
{
    size_t first = c->L->npages, pool0 = c->L->pool_len;
    c->balance_page = SIZE_MAX;
    c->quiet = 0;
    layout_once(c, ai);
    report_missing(c);
    if (c->ncols < 2 || !c->t || !c->t->balance) return;
    size_t np = c->L->npages - first, last = first + np - 1;
    /* how much the last page's columns hold: from where they start to their lowest item */
    const bt_page *p = &c->L->pages[last];
    double top = c->col_top, used = 0, full = top - c->g->bottom;
    for (int k = 0; k < c->ncols; k++) {
        double x0 = c->g->left + k * (c->column_w + c->colgap), low = top;
        for (size_t i = 0; i < p->nitems; i++) {
            const bt_item *it = &p->items[i];
            if (it->role != BT_ROLE_BODY || it->x < x0 - 0.5 || it->x > x0 + c->column_w) continue;
            double y = it->kind == BT_ITEM_TEXT ? it->y - it->size * 0.3 : it->y;
            if (y < low) low = y;
        }
        used += top - low;
    }
    if (used <= 0) return;
    c->quiet = 1;
    c->balance_page = last;
    int found = 0;
    for (double h = used / c->ncols; h < full && !found; h += 1.0) {
        drop_pages(c, first, pool0);
        c->balance_h = h;
        layout_once(c, ai);
        found = c->L->npages - first == np;
    }
    if (!found) { /* no shorter columns keep the pages: as laid out first */
        drop_pages(c, first, pool0);
        c->balance_page = SIZE_MAX;
        layout_once(c, ai);
    }
    c->quiet = 0;
    c->balance_page = SIZE_MAX;
}

/* A context laying out n articles on g into a new layout. */
static void ctx_init(ctx *c, size_t n, bt_fontset *fs, const bt_page_geom *g)
{
    bt_layout *L = bt_xcalloc(1, sizeof *L);
    L->geom = *g;
    L->narticles = n;
    L->first_page = bt_xcalloc(n, sizeof *L->first_page);
    memset(c, 0, sizeof *c);
    c->L = L;
    c->fs = fs;
    c->g = &L->geom;
    c->fullw = g->width - g->left - g->right;
    c->t = g->tpl;
    c->ncols = c->t && c->t->columns > 1 ? c->t->columns : 1;
    c->colgap = c->ncols > 1 ? bt_len_pt(c->t->column_gap, g->body_size) : 0;
    c->column_w = (c->fullw - c->colgap * (c->ncols - 1)) / c->ncols;
    c->colw = c->column_w;
    c->balance_page = SIZE_MAX;
}

static void ctx_done(ctx *c)
{
    free(c->items);
    free(c->missing);
    free(c->missing_bits);
    free(c->brks);
    free(c->lbtext);
    free(c->boxes);
    free(c->cost);
    free(c->prev);
    free(c->next);
}

bt_status bt_layout_articles(bt_article **arts, size_t n, bt_fontset *fs, const bt_page_geom *g,
                             bt_layout **out, bt_err *e)
{
    *out = NULL;
    if (n == 0) return bt_err_set(e, BT_EUSAGE, "no article to lay out");
    ctx c;
    ctx_init(&c, n, fs, g);
    for (size_t i = 0; i < n; i++) {
        c.art = arts[i];
        layout_article(&c, i);
    }
    ctx_done(&c);
    *out = c.L;
    return BT_OK;
}

/* ---------------------------------------------------------------- contents */

void bt_layout_roman(int n, char *buf, size_t size)
{
    static const struct {
        int v;
        const char *s;
    } r[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
             {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}};
    if (n < 1 || n >= 4000) {
        snprintf(buf, size, "%d", n);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        for (; n >= r[i].v; n -= r[i].v)
            for (const char *q = r[i].s; *q && k + 1 < size; q++) buf[k++] = *q;
    buf[k] = '\0';
}

/* An entry's last title line gets its page number at the right edge of the column and a
 * dotted leader from the title to it. */
static void toc_number(ctx *c, fline *ln, const style *st, int page, size_t block)
{
    char num[24];
    snprintf(num, sizeof num, "%d", page);
    double nw = measure(c, st->face, st->size, num, strlen(num)), end = 0;
    for (size_t k = 0; k < ln->nitems; k++) {
        const bt_item *it = &c->items[ln->item0 + k];
        if (it->x + it->w > end) end = it->x + it->w;
    }
    double x0 = end + st->size * 0.6, x1 = c->colw - nw - st->size * 0.6;
    if (x1 - x0 > st->size) {
        bt_item *it = scratch_item(c);
        it->kind = BT_ITEM_RULE;
        it->tag = BT_TAG_ARTIFACT;
        it->x = x0;
        it->y = 0;
        it->w = x1 - x0;
        it->h = 0.9;
        it->dotted = 1;
        it->color = C_MUTED;
        ln->nitems++;
    }
    c->tag = BT_TAG_TOC_ENTRY;
    emit(c, ln, st->face, st->size, st->color, c->colw - nw, num, strlen(num), block);
}

bt_status bt_layout_contents(const bt_toc_entry *v, size_t n, const char *heading, bt_fontset *fs,
                             const bt_page_geom *g, bt_layout **out, bt_err *e)
{
    *out = NULL;
    if (n == 0) return bt_err_set(e, BT_EUSAGE, "no entry for a contents page");
    ctx c;
    ctx_init(&c, 1, fs, g);
    c.colw = c.fullw; /* one column over the text area, whatever the template's columns */
    c.ncols = 1;
    new_page(&c, 0);
    fblock hb = {0};
    hb.keep_together = 1;
    style hs = mkstyle(&c, BT_FACE_BOLD, 1.9, 1.22, C_TEXT, AL_LEFT);
    tpl_style(&c, &hs, BT_TR_TITLE, NULL);
    c.tag = BT_TAG_TOC_TITLE;
    format_text(&c, &hb, &hs, heading, NOBLOCK);
    rule_line(&c, &hb, body(&c) * 1.4);
    place_block(&c, 0, &hb, NULL);
    fblock_free(&hb);
    c.nitems = 0;
    /* the page numbers stay clear of the titles: room for the widest */
    int maxpage = 1;
    for (size_t i = 0; i < n; i++)
        if (v[i].page > maxpage) maxpage = v[i].page;
    char widest[24];
    snprintf(widest, sizeof widest, "%d", maxpage);
    for (size_t i = 0; i < n; i++) {
        fblock sec = {0}, fb = {0};
        if (v[i].section && *v[i].section) {
            style s = mkstyle(&c, BT_FACE_BOLD, 0.82, 1.6, C_CATEGORY, AL_LEFT);
            sec.space_before = body(&c) * (i ? 1.3 : 0.2);
            tpl_style(&c, &s, BT_TR_CATEGORY, NULL);
            sec.keep_with_next = 1;
            c.tag = BT_TAG_TOC_SECTION;
            format_text(&c, &sec, &s, v[i].section, i);
        }
        fb.space_before = body(&c) * 0.7;
        fb.keep_together = 1;
        style ts = mkstyle(&c, BT_FACE_REGULAR, 1.0, c.g->leading, C_TEXT, AL_LEFT);
        tpl_style(&c, &ts, BT_TR_BODY, NULL);
        ts.al = AL_LEFT;
        ts.indent = 0;
        ts.rindent = measure(&c, ts.face, ts.size, widest, strlen(widest)) + ts.size * 2.5;
        c.tag = BT_TAG_TOC_ENTRY;
        format_text(&c, &fb, &ts, v[i].title && *v[i].title ? v[i].title : "?", i);
        if (fb.n) toc_number(&c, &fb.lines[fb.n - 1], &ts, v[i].page, i);
        if (v[i].date && *v[i].date) {
            style ds = mkstyle(&c, BT_FACE_ITALIC, 0.86, 1.5, C_MUTED, AL_LEFT);
            tpl_style(&c, &ds, BT_TR_DATE, NULL);
            ds.al = AL_LEFT;
            c.tag = BT_TAG_TOC_ENTRY;
            format_text(&c, &fb, &ds, v[i].date, i);
        }
        if (sec.n) place_block(&c, 0, &sec, &fb);
        place_block(&c, 0, &fb, NULL);
        fblock_free(&sec);
        fblock_free(&fb);
        c.nitems = 0;
    }
    /* the footer: the page's label */
    bt_layout *L = c.L;
    double fs_ = body(&c) * 0.78;
    for (size_t i = 0; i < L->npages; i++) {
        bt_page *p = &L->pages[i];
        p->number = (int)i + 1;
        p->count = (int)L->npages;
        char num[24];
        bt_layout_roman(p->number, num, sizeof num);
        double w = measure(&c, BT_FACE_REGULAR, fs_, num, strlen(num));
        add_text_item(&c, p, BT_ROLE_FOOTER, BT_FACE_REGULAR, fs_, C_MUTED, g->left + (c.fullw - w) / 2,
                      g->bottom - fs_ * 2.6, num);
    }
    ctx_done(&c);
    *out = L;
    return BT_OK;
}

void bt_layout_free(bt_layout *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->npages; i++) free(l->pages[i].items);
    free(l->pages);
    free(l->first_page);
    free(l->pool);
    free(l);
}

const char *bt_layout_text(const bt_layout *l, const bt_item *it)
{
    return it->kind == BT_ITEM_TEXT ? l->pool + it->text : "";
}

/* ---------------------------------------------------------------- dump */

/* Fixed-point number with two decimals, independent of the locale. */
static void num(bt_buf *b, double v)
{
    long long x = llround(v * 100.0);
    if (x < 0) {
        bt_buf_addc(b, '-');
        x = -x;
    }
    bt_buf_printf(b, "%lld.%02lld", x / 100, x % 100);
}

static const char *role_name(bt_item_role r)
{
    return r == BT_ROLE_HEADER ? "header" : r == BT_ROLE_FOOTER ? "footer" : "body";
}

char *bt_layout_dump(const bt_layout *l)
{
    bt_buf b = {0};
    for (size_t i = 0; i < l->npages; i++) {
        const bt_page *p = &l->pages[i];
        bt_buf_printf(&b, "page %d/%d article %zu\n", p->number, p->count, p->article);
        for (size_t j = 0; j < p->nitems; j++) {
            const bt_item *it = &p->items[j];
            if (it->kind == BT_ITEM_TEXT) {
                bt_buf_printf(&b, "text %s F%d ", role_name(it->role), (int)it->face);
                num(&b, it->size);
            } else {
                bt_buf_printf(&b, "%s %s", it->kind == BT_ITEM_IMAGE ? "image" : "rule", role_name(it->role));
            }
            bt_buf_addc(&b, ' ');
            num(&b, it->x);
            bt_buf_addc(&b, ' ');
            num(&b, it->y);
            bt_buf_addc(&b, ' ');
            num(&b, it->w);
            if (it->kind != BT_ITEM_TEXT) {
                bt_buf_addc(&b, ' ');
                num(&b, it->h);
                if (it->dotted) bt_buf_adds(&b, " dotted");
            } else {
                bt_buf_adds(&b, " \"");
                bt_buf_adds(&b, l->pool + it->text);
                bt_buf_addc(&b, '"');
            }
            bt_buf_addc(&b, '\n');
        }
    }
    return bt_buf_detach(&b, NULL);
}

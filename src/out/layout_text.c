/* layout_text.c - a text in a style -> formatted lines (see layout_int.h): the text cut into
 * runs of one face, measured, broken at Unicode line-break opportunities (libunibreak) with the
 * whole paragraph's breaks chosen at once, and justified. Never calls a PDF library. */
#include "layout_int.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <linebreak.h>

#include "text.h"

/* Word gaps in a line made only of one-character words ("a ă â"), in em. poppler's text
 * extraction reads evenly spaced single characters as one letter-spaced word, whatever space
 * glyphs are drawn, unless the gaps reach 0.4 em (its maxWideCharSpacing): such lines get a
 * little more room so that every reader finds the words. */
#define ONE_CHAR_GAP 0.44

void *lay_grow(void *p, size_t *cap, size_t need, size_t size)
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
    L->pool = lay_grow(L->pool, &L->pool_cap, L->pool_len + len + 1, 1);
    size_t off = L->pool_len;
    memcpy(L->pool + off, s, len);
    L->pool[off + len] = '\0';
    L->pool_len += len + 1;
    return off;
}

bt_item *lay_item(ctx *c)
{
    c->items = lay_grow(c->items, &c->cap, c->nitems + 1, sizeof *c->items);
    bt_item *it = &c->items[c->nitems++];
    memset(it, 0, sizeof *it);
    it->block = NOBLOCK;
    return it;
}

fline *lay_line(fblock *fb, ctx *c, double height, double ascent)
{
    fb->lines = lay_grow(fb->lines, &fb->cap, fb->n + 1, sizeof *fb->lines);
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
    c->missing = lay_grow(c->missing, &c->capmissing, c->nmissing + 1, sizeof *c->missing);
    c->missing[c->nmissing++] = cp;
}

void lay_missing_reset(ctx *c)
{
    for (size_t i = 0; i < c->nmissing; i++) c->missing_bits[c->missing[i] >> 3] = 0;
    c->nmissing = 0;
}

/* One warning naming the article's missing characters (the first few by code point). */
void lay_missing_report(ctx *c)
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
 * character no face has is a run of its own. Calls fn for each run; the runs are what lay_emit()
 * turns into items and what lay_measure() adds up, so both agree to the last kerning pair. */
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
double lay_measure(ctx *c, bt_face face, double size, const char *s, size_t len)
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
    bt_item *it = lay_item(c);
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
double lay_emit(ctx *c, fline *ln, bt_face face, double size, unsigned color, double x, const char *s, size_t len,
                size_t block)
{
    emit_state es = {ln, size, x, color, block};
    long w;
    if (len && bt_font_own_width(c->fs, face, s, len, &w)) emit_run(c, face, s, len, &es);
    else runs(c, face, s, len, emit_run, &es);
    return es.x - x;
}


static pthread_once_t lb_once = PTHREAD_ONCE_INIT;
static void lb_init(void) { init_linebreak(); }

static void push_box(ctx *c, box bx)
{
    c->boxes = lay_grow(c->boxes, &c->boxes_cap, c->nboxes + 1, sizeof *c->boxes);
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
        double pw = lay_measure(c, st->face, st->size, text + ps, j - ps);
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
            pw = lay_measure(c, st->face, st->size, text + ps, j - ps);
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
            c->lbtext = lay_grow(c->lbtext, &c->lbtext_cap, len, 1);
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
    c->brks = lay_grow(c->brks, &c->brks_cap, len + 1, 1);
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
        double w = lay_measure(c, st->face, st->size, text + start, e - start);
        int word_end = sp > 0 || i >= len || ends_hyphen(text, start, e) || nseg == 63;
        segs[nseg++] = (seg){start, e, w};
        start = i;
        if (!word_end) continue;
        double ww = 0;
        for (size_t k = 0; k < nseg; k++) ww += segs[k].w;
        if (ww <= maxw) {
            /* measured whole, as it is drawn: kerning across its inner break points counts */
            if (nseg > 1) ww = lay_measure(c, st->face, st->size, text + wstart, e - wstart);
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
    c->cost = lay_grow(c->cost, &c->cost_cap, n + 1, sizeof *c->cost);
    c->prev = lay_grow(c->prev, &c->prev_cap, n + 1, sizeof *c->prev);
    c->next = lay_grow(c->next, &c->next_cap, n + 1, sizeof *c->next);
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
void lay_format(ctx *c, fblock *fb, const style *st, const char *text, size_t block)
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
        fline *ln = lay_line(fb, c, st->leading, ascent);
        /* words: maximal runs of boxes joined without a space, each its own items; the gaps
         * between them are drawn as spaces (out_pdf.c) */
        size_t k = i;
        while (k < j) {
            size_t m = k;
            while (m + 1 < j && c->boxes[m].sp == 0) m++;
            size_t s = c->boxes[k].s, e = c->boxes[m].e;
            double ww = lay_emit(c, ln, st->face, st->size, st->color, x, text + s, e - s, block);
            x += ww;
            if (m + 1 < j) x += c->boxes[m].sp + extra;
            k = m + 1;
        }
        if (hy > 0) {
            lay_emit(c, ln, st->face, st->size, st->color, x, "-", 1, block);
            ln->hyph = 1;
        } else if (!last && c->boxes[j - 1].sp == 0 &&
                   ends_hyphen(text, c->boxes[j - 1].s, c->boxes[j - 1].e)) {
            ln->hyph = 2;
        }
        i = j;
    }
}

style lay_style(const ctx *c, bt_face face, double scale, double leading, unsigned color, align al)
{
    style s;
    s.face = face;
    s.size = lay_body(c) * scale;
    s.leading = s.size * leading;
    s.color = color;
    s.al = al;
    s.indent = 0;
    s.rindent = 0;
    return s;
}

/* What the template changes in a style (only what it gives; nothing without a template).
 * space: the block's space before, when it has one. */
void lay_tpl_style(const ctx *c, style *s, bt_text_role r, double *space)
{
    if (!c->t) return;
    const bt_tpl_style *y = &c->t->style[r];
    double mult = s->size > 0 ? s->leading / s->size : 1.2;
    if (y->set & BT_TPL_SET_FACE) s->face = y->face;
    if ((y->set & BT_TPL_SET_SIZE) && r != BT_TR_BODY) s->size = bt_len_pt(y->size, lay_body(c));
    if ((y->set & BT_TPL_SET_LEADING) && r != BT_TR_BODY) mult = y->leading;
    s->leading = s->size * mult;
    if (y->set & BT_TPL_SET_COLOR) s->color = y->color;
    if (y->set & BT_TPL_SET_ALIGN) s->al = (align)y->align;
    if (y->set & BT_TPL_SET_INDENT) {
        s->indent = bt_len_pt(y->indent, lay_body(c));
        if (r != BT_TR_LIST) s->rindent = s->indent;
    }
    if (space && (y->set & BT_TPL_SET_SPACE)) *space = bt_len_pt(y->space_before, lay_body(c));
}

void lay_fblock_free(fblock *fb)
{
    free(fb->lines);
    memset(fb, 0, sizeof *fb);
}

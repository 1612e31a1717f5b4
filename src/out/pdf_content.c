/* pdf_content.c - one page's content stream (see pdf_content.h). */
#include "pdf_content.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void bt_pdf_num(bt_buf *b, double v, int decimals)
{
    static const double scale[] = {1, 10, 100, 1000, 10000};
    if (decimals < 0) decimals = 0;
    if (decimals > 4) decimals = 4;
    long long x = llround(v * scale[decimals]);
    if (x < 0) { /* never "-0" */
        bt_buf_addc(b, '-');
        x = -x;
    }
    long long ip = x / (long long)scale[decimals], fp = x % (long long)scale[decimals];
    char tmp[48];
    /* the integer part's digits (written by hand: snprintf was most of a page's time here) */
    char rev[24];
    int n = 0, r = 0;
    do {
        rev[r++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip > 0 && r < (int)sizeof rev);
    while (r > 0) tmp[n++] = rev[--r];
    tmp[n] = '\0';
    if (fp) {
        /* the fraction's digits, trailing zeros dropped */
        char frac[8];
        int k = decimals;
        frac[k] = '\0';
        for (int i = decimals - 1; i >= 0; i--) {
            frac[i] = (char)('0' + fp % 10);
            fp /= 10;
        }
        while (k > 0 && frac[k - 1] == '0') frac[--k] = '\0';
        tmp[n++] = '.';
        memcpy(tmp + n, frac, (size_t)k + 1);
    }
    bt_buf_adds(b, tmp);
}

unsigned char *bt_pdf_utf16(const char *s, size_t max, size_t *outlen)
{
    size_t len = strlen(s), i = 0, k = 2;
    unsigned char *u = bt_xmalloc(4 * len + 4);
    u[0] = 0xFE;
    u[1] = 0xFF;
    while (i < len) {
        if (k + 4 > max - 2) { /* room for a surrogate pair and the ellipsis */
            u[k++] = 0x20;
            u[k++] = 0x26;
            break;
        }
        uint32_t cp;
        size_t n = bt_utf8_decode(s + i, len - i, &cp);
        if (!n) {
            n = 1;
            cp = 0xFFFD;
        }
        i += n;
        if (cp > 0xFFFF) {
            uint32_t v = cp - 0x10000;
            unsigned hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
            u[k++] = (unsigned char)(hi >> 8);
            u[k++] = (unsigned char)hi;
            u[k++] = (unsigned char)(lo >> 8);
            u[k++] = (unsigned char)lo;
        } else {
            u[k++] = (unsigned char)(cp >> 8);
            u[k++] = (unsigned char)cp;
        }
    }
    *outlen = k;
    return u;
}

void bt_pdf_text_hex(bt_buf *b, const char *s)
{
    size_t n;
    unsigned char *u = bt_pdf_utf16(s, BT_PDF_STRING_MAX, &n);
    bt_buf_addc(b, '<');
    for (size_t i = 0; i < n; i++) bt_buf_printf(b, "%02X", u[i]);
    bt_buf_addc(b, '>');
    free(u);
}

static void color(bt_buf *b, unsigned c, int stroke)
{
    unsigned r = (c >> 16) & 0xFF, g = (c >> 8) & 0xFF, bl = c & 0xFF;
    if (r == g && g == bl) {
        bt_pdf_num(b, r / 255.0, 3);
        bt_buf_adds(b, stroke ? " G\n" : " g\n");
        return;
    }
    bt_pdf_num(b, r / 255.0, 3);
    bt_buf_addc(b, ' ');
    bt_pdf_num(b, g / 255.0, 3);
    bt_buf_addc(b, ' ');
    bt_pdf_num(b, bl / 255.0, 3);
    bt_buf_adds(b, stroke ? " RG\n" : " rg\n");
}

int bt_pdf_same_sequence(const bt_item *a, const bt_item *b)
{
    int ta = a->kind == BT_ITEM_RULE, tb = b->kind == BT_ITEM_RULE;
    return a->role == b->role && a->tag == b->tag && a->block == b->block && ta == tb &&
           (a->kind != BT_ITEM_IMAGE) == (b->kind != BT_ITEM_IMAGE);
}

/* The writer's state: what the PDF's text state holds, and where the pen is. */
typedef struct {
    bt_buf *b;
    bt_fontset *fs;
    const bt_pdffonts *pf;
    int in_text;   /* inside BT..ET */
    int in_array;  /* inside [ ... ] TJ */
    int in_string; /* inside ( ... ) of that array */
    int face;      /* resolved face of Tf, -1 none */
    double size;
    unsigned fill; /* fill colour, 0xFFFFFFFF unknown */
    double lx, ly; /* start of the current line (text line matrix) */
    double tl;     /* the leading (TL) in effect, 0 unknown */
    double tw;     /* the word spacing (Tw) in effect */
    double pen;    /* x of the pen on the current line, as a reader computes it */
    double end;    /* where the layout ends the last item drawn on the line */
    double y;      /* baseline of the current line */
    int line_open; /* a line has been started in this text object */
    uint32_t last_cp;
} wstate;

static void close_string(wstate *w)
{
    if (w->in_string) {
        bt_buf_addc(w->b, ')');
        w->in_string = 0;
    }
}

static void close_array(wstate *w)
{
    close_string(w);
    if (w->in_array) {
        bt_buf_adds(w->b, "]TJ\n");
        w->in_array = 0;
    }
}

static void open_array(wstate *w)
{
    if (!w->in_array) {
        bt_buf_addc(w->b, '[');
        w->in_array = 1;
    }
}

/* A two-byte code inside a literal string. */
static void put_cid(wstate *w, uint16_t cid)
{
    open_array(w);
    if (!w->in_string) {
        bt_buf_addc(w->b, '(');
        w->in_string = 1;
    }
    unsigned char by[2] = {(unsigned char)(cid >> 8), (unsigned char)cid};
    for (int i = 0; i < 2; i++) {
        unsigned char c = by[i];
        if (c == '(' || c == ')' || c == '\\') {
            char e[2] = {'\\', (char)c};
            bt_buf_add(w->b, e, 2);
        } else if (c == '\r') {
            bt_buf_add(w->b, "\\r", 2);
        } else if (c == '\n') {
            bt_buf_add(w->b, "\\n", 2);
        } else {
            bt_buf_addc(w->b, (char)c);
        }
    }
}

/* A TJ adjustment of n thousandths of an em (positive moves left). */
static void put_adjust(wstate *w, double n)
{
    if (fabs(n) < 0.05) return;
    open_array(w);
    close_string(w);
    bt_pdf_num(w->b, n, 1);
    w->pen -= llround(n * 10) / 10.0 * w->size / 1000.0;
}

static void put_glyph(wstate *w, uint16_t cid, int width)
{
    put_cid(w, (uint16_t)(cid + bt_pdffonts_face(w->pf, (bt_face)w->face)->code_base));
    w->pen += width * w->size / 1000.0;
}

/* Move the pen to x with an adjustment (the gap is not a word space). */
static void move_to(wstate *w, double x)
{
    if (fabs(x - w->pen) >= 0.002) put_adjust(w, -(x - w->pen) * 1000.0 / w->size);
}

/* A space glyph of the current font, then an adjustment so that the pen lands on x. */
/* The one-byte code 32 (fonts with the space CMap: Tw stretches it) inside a string. */
static void put_code32(wstate *w)
{
    open_array(w);
    if (!w->in_string) {
        bt_buf_addc(w->b, '(');
        w->in_string = 1;
    }
    bt_buf_addc(w->b, ' ');
}

/* A word space in the current font: the one-byte code 32 when the font has the space CMap
 * (its advance plus Tw), else the space CID; then an adjustment so that the pen lands on x. */
static void put_space(wstate *w, double x)
{
    const bt_pdffont_face *ff = bt_pdffonts_face(w->pf, (bt_face)w->face);
    if (ff->encoding) {
        put_code32(w);
        w->pen += ff->info.space_w * w->size / 1000.0 + w->tw;
        w->last_cp = ' ';
    } else if (ff->space_cid) {
        put_glyph(w, ff->space_cid, ff->info.space_w);
        w->last_cp = ' ';
    }
    if (x > -1e8) move_to(w, x);
}

/* How much wider than the font's space a word gap is: Tw, for fonts with the space CMap. */
static double space_stretch(const wstate *w, int face, double size, double gap)
{
    const bt_pdffont_face *ff = bt_pdffonts_face(w->pf, (bt_face)face);
    return gap - ff->info.space_w * size / 1000.0 - (ff->encoding ? w->tw : 0);
}

static void set_font(wstate *w, int face, double size)
{
    if (face == w->face && size == w->size) return;
    close_array(w);
    bt_buf_printf(w->b, "/F%d ", face);
    bt_pdf_num(w->b, size, 2);
    bt_buf_adds(w->b, " Tf\n");
    w->face = face;
    w->size = size;
}

static void set_fill(wstate *w, unsigned c)
{
    if (c == w->fill) return;
    close_array(w);
    color(w->b, c, 0);
    w->fill = c;
}

static int ends_in_hyphen(uint32_t cp) { return cp == '-' || cp == 0x2010 || cp == 0xAD; }

/* End the current line: a trailing space (for text read in structure order) unless the line
 * ends inside a word. */
static void end_line(wstate *w, int trailing)
{
    if (!w->line_open) return;
    if (trailing && !ends_in_hyphen(w->last_cp) && w->last_cp != ' ') put_space(w, -1e9);
    close_array(w);
}

static void end_text(wstate *w, int trailing)
{
    end_line(w, trailing);
    if (w->in_text) {
        bt_buf_adds(w->b, "ET\n");
        w->in_text = 0;
    }
    w->line_open = 0;
}

/* The word spacing for the line that starts at item i: the first gap's stretch, when the
 * line's first word font has the space CMap (0 otherwise). */
static double line_tw(const wstate *w, const bt_page *p, size_t i)
{
    const bt_item *a = &p->items[i];
    int face = (int)bt_font_resolve(w->fs, a->face);
    if (!bt_pdffonts_face(w->pf, (bt_face)face)->encoding) return 0;
    for (size_t j = i + 1; j < p->nitems; j++) {
        const bt_item *b = &p->items[j], *pr = &p->items[j - 1];
        if (b->kind != BT_ITEM_TEXT || fabs(b->y - a->y) > 0.001 || !bt_pdf_same_sequence(a, b)) break;
        double gap = b->x - (pr->x + pr->w);
        if (gap > 0.01) {
            double tw = gap - bt_pdffonts_face(w->pf, (bt_face)face)->info.space_w * pr->size / 1000.0;
            return llround(tw * 1000) / 1000.0;
        }
    }
    return 0;
}

static void set_tw(wstate *w, double tw)
{
    if (fabs(tw - w->tw) < 0.0005) return;
    close_array(w);
    bt_pdf_num(w->b, tw, 3);
    bt_buf_adds(w->b, " Tw\n");
    w->tw = tw;
}

static void text_item(wstate *w, const bt_layout *L, const bt_page *p, size_t idx, int trailing)
{
    const bt_item *it = &p->items[idx];
    int face = (int)bt_font_resolve(w->fs, it->face);
    const char *s = bt_layout_text(L, it);
    if (!w->in_text) {
        bt_buf_adds(w->b, "BT\n");
        w->in_text = 1;
        w->lx = w->ly = 0;
        w->line_open = 0;
    }
    double x = it->x, y = it->y;
    if (!w->line_open || fabs(y - w->y) > 0.001 || x < w->pen - 0.5) {
        /* a new line: Td from the previous line's start, on two-decimal coordinates */
        end_line(w, trailing);
        double tx = llround(x * 100) / 100.0, ty = llround(y * 100) / 100.0;
        set_font(w, face, it->size);
        set_fill(w, it->color);
        double dx = tx - w->lx, dy = ty - w->ly;
        if (fabs(dx) < 0.001 && w->tl > 0 && fabs(dy + w->tl) < 0.001) {
            bt_buf_adds(w->b, "T*\n"); /* the next line at the leading set before */
        } else if (fabs(dx) < 0.001 && dy < 0) {
            bt_buf_adds(w->b, "0 ");
            bt_pdf_num(w->b, dy, 2);
            bt_buf_adds(w->b, " TD\n"); /* moves and sets the leading */
            w->tl = -llround(dy * 100) / 100.0;
        } else {
            bt_pdf_num(w->b, dx, 2);
            bt_buf_addc(w->b, ' ');
            bt_pdf_num(w->b, dy, 2);
            bt_buf_adds(w->b, " Td\n");
        }
        set_tw(w, line_tw(w, p, idx));
        w->lx = tx;
        w->ly = ty;
        w->pen = tx;
        w->y = y;
        w->line_open = 1;
        w->last_cp = 0;
    } else {
        /* the same line: a word space when the layout leaves a gap, drawn in the font before
         * it and stretched by the layout's gap alone (not by the pen's rounding), so that the
         * adjustment is one number for every gap of a justified line */
        double gap = x - w->end;
        if (gap > 0.01 && w->last_cp != ' ') {
            double rest = space_stretch(w, w->face, w->size, gap);
            put_space(w, -1e9);
            if (face == w->face && it->size == w->size && fabs(rest) > 0.004)
                put_adjust(w, -rest * 1000.0 / w->size);
        }
        set_font(w, face, it->size);
        set_fill(w, it->color);
    }
    if (fabs(x - w->pen) >= 0.05) move_to(w, x);
    w->end = x + it->w;
    const bt_glyph *g;
    long width = 0;
    size_t n = bt_font_shape(w->fs, it->face, s, it->len, &g, &width);
    for (size_t i = 0; i < n; i++) {
        uint16_t cid = bt_pdffonts_cid(w->pf, it->face, g[i].gid, g[i].cp);
        put_glyph(w, cid, g[i].w);
        if (g[i].adv != g[i].w && i + 1 < n) put_adjust(w, (double)(g[i].w - g[i].adv));
        else if (g[i].adv != g[i].w) put_adjust(w, (double)(g[i].w - g[i].adv));
        w->last_cp = g[i].cp;
    }
}

void bt_pdf_content(bt_buf *out, const bt_layout *L, const bt_page *p, bt_fontset *fs, const bt_pdffonts *pf,
                    const int *img, const bt_pdfmark *mk)
{
    wstate w;
    memset(&w, 0, sizeof w);
    w.b = out;
    w.fs = fs;
    w.pf = pf;
    w.face = -1;
    w.size = -1;
    w.fill = 0xFFFFFFFFu;
    unsigned stroke = 0xFFFFFFFFu;
    int in_mark = 0;
    const bt_item *prev = NULL;
    for (size_t i = 0; i < p->nitems; i++) {
        const bt_item *it = &p->items[i];
        if (it->kind == BT_ITEM_TEXT && it->len == 0) continue;
        if (it->kind == BT_ITEM_IMAGE && (!img || img[i] < 0)) continue;
        int tagged_text = it->role == BT_ROLE_BODY;
        if (!prev || !bt_pdf_same_sequence(prev, it)) {
            end_text(&w, prev && prev->role == BT_ROLE_BODY);
            if (in_mark) bt_buf_adds(out, "EMC\n");
            in_mark = 0;
            if (mk && mk->mark) {
                const char *tag = NULL;
                int mcid = mk->mark(mk->user, it, &tag);
                if (mcid >= 0) bt_buf_printf(out, "/%s <</MCID %d>> BDC\n", tag, mcid);
                else bt_buf_printf(out, "/Artifact %s BDC\n", tag ? tag : "<<>>");
                in_mark = 1;
            }
        }
        prev = it;
        if (it->kind == BT_ITEM_TEXT) {
            text_item(&w, L, p, i, tagged_text);
            continue;
        }
        end_text(&w, 0);
        if (it->kind == BT_ITEM_IMAGE) {
            bt_buf_adds(out, "q ");
            bt_pdf_num(out, it->w, 2);
            bt_buf_adds(out, " 0 0 ");
            bt_pdf_num(out, it->h, 2);
            bt_buf_addc(out, ' ');
            bt_pdf_num(out, it->x, 2);
            bt_buf_addc(out, ' ');
            bt_pdf_num(out, it->y, 2);
            bt_buf_printf(out, " cm /Im%d Do Q\n", img[i]);
        } else if (it->kind == BT_ITEM_RULE) {
            if (it->color != stroke) {
                color(out, it->color, 1);
                stroke = it->color;
            }
            /* dots: round caps on dashes of no length, one every 2.6 times their size */
            if (it->dotted) {
                bt_buf_adds(out, "q 1 J [0 ");
                bt_pdf_num(out, it->h * 2.6, 2);
                bt_buf_adds(out, "] 0 d ");
            }
            bt_pdf_num(out, it->h, 2);
            bt_buf_adds(out, " w ");
            bt_pdf_num(out, it->x, 2);
            bt_buf_addc(out, ' ');
            bt_pdf_num(out, it->y, 2);
            bt_buf_adds(out, " m ");
            bt_pdf_num(out, it->x + it->w, 2);
            bt_buf_addc(out, ' ');
            bt_pdf_num(out, it->y, 2);
            bt_buf_adds(out, it->dotted ? " l S Q\n" : " l S\n");
        }
    }
    end_text(&w, prev && prev->role == BT_ROLE_BODY);
    if (in_mark) bt_buf_adds(out, "EMC\n");
}

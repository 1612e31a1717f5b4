/* template.c - template folders: template.json read with jansson, checked key by key (see
 * template.h). The built-in values below are the "default" look, the one bantin had before
 * templates existed: a template that changes nothing gives byte-identical output. */
#include "template.h"

#include <ctype.h>
#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "image.h"
#include "layout.h"
#include "text.h"

#define MAX_CSS ((size_t)1024 * 1024)
#define MAX_JSON ((size_t)1024 * 1024)
#define MAX_BASE_DEPTH 4
#define MM (72.0 / 25.4)
#define MIN_COLUMN_PT 72.0  /* a column narrower than an inch holds a word or two per line */
#define MIN_HEIGHT_PT 144.0

double bt_len_pt(bt_len l, double body_size) { return l.em ? l.v * body_size : l.v; }

/* ---------------------------------------------------------------- built-in look */

static bt_len pt(double v) { return (bt_len){v, 0}; }
static bt_len em(double v) { return (bt_len){v, 1}; }

static bt_tpl_style st(bt_face f, bt_len size, double leading, bt_color_role c, bt_align al, bt_len before,
                       bt_len indent)
{
    bt_tpl_style s;
    memset(&s, 0, sizeof s);
    s.face = f;
    s.size = size;
    s.leading = leading;
    s.color_role = c;
    s.align = al;
    s.space_before = before;
    s.indent = indent;
    return s;
}

static void builtin(bt_template *t)
{
    t->columns = 1;
    t->column_gap = em(1.6);
    t->balance = 1;
    t->span_title = 1;
    t->font_family = bt_xstrdup("Noto Serif");
    t->org = bt_xstrdup("");
    t->paper = bt_xstrdup("a4");
    bt_tpl_style *s = t->style;
    /* size 0 / leading 0: the paper's body size and leading */
    s[BT_TR_BODY] = st(BT_FACE_REGULAR, pt(0), 0, BT_COLOR_TEXT, BT_ALIGN_JUSTIFY, em(0.55), pt(0));
    s[BT_TR_CATEGORY] = st(BT_FACE_BOLD, em(0.82), 1.6, BT_COLOR_ACCENT, BT_ALIGN_LEFT, pt(0), pt(0));
    s[BT_TR_TITLE] = st(BT_FACE_BOLD, em(1.9), 1.22, BT_COLOR_TEXT, BT_ALIGN_LEFT, pt(0), pt(0));
    s[BT_TR_DATE] = st(BT_FACE_ITALIC, em(0.86), 1.5, BT_COLOR_MUTED, BT_ALIGN_LEFT, em(0.4), pt(0));
    s[BT_TR_LEAD] = st(BT_FACE_BOLD, em(1.04), 1.45, BT_COLOR_TEXT, BT_ALIGN_JUSTIFY, pt(0), pt(0));
    s[BT_TR_HEADING] = st(BT_FACE_BOLD, em(1.2), 1.35, BT_COLOR_TEXT, BT_ALIGN_LEFT, em(1.1), pt(0));
    s[BT_TR_SUBHEADING] = st(BT_FACE_BOLD, em(1.08), 1.35, BT_COLOR_TEXT, BT_ALIGN_LEFT, em(1.1), pt(0));
    s[BT_TR_CAPTION] = st(BT_FACE_ITALIC, em(0.88), 1.4, BT_COLOR_CAPTION, BT_ALIGN_CENTER, em(0.45), em(1.5));
    s[BT_TR_QUOTE] = st(BT_FACE_ITALIC, em(1.0), 0, BT_COLOR_TEXT, BT_ALIGN_JUSTIFY, em(0.7), em(2.2));
    s[BT_TR_LIST] = st(BT_FACE_REGULAR, em(1.0), 0, BT_COLOR_TEXT, BT_ALIGN_JUSTIFY, em(0.3), em(2.0));
    s[BT_TR_AUTHOR] = st(BT_FACE_BOLD, em(1.0), 0, BT_COLOR_TEXT, BT_ALIGN_RIGHT, em(0.9), pt(0));
    s[BT_TR_IMAGE] = st(BT_FACE_REGULAR, em(1.0), 0, BT_COLOR_TEXT, BT_ALIGN_CENTER, em(0.8), pt(0));
    s[BT_TR_HEADER] = st(BT_FACE_ITALIC, em(0.78), 1.2, BT_COLOR_MUTED, BT_ALIGN_LEFT, pt(0), pt(0));
    s[BT_TR_FOOTER] = st(BT_FACE_REGULAR, em(0.78), 1.2, BT_COLOR_MUTED, BT_ALIGN_CENTER, pt(0), pt(0));
    s[BT_TR_MASTHEAD] = st(BT_FACE_BOLD, em(2.6), 1.15, BT_COLOR_ACCENT, BT_ALIGN_CENTER, pt(0), pt(0));
    s[BT_TR_MASTHEAD_SUB] = st(BT_FACE_ITALIC, em(0.9), 1.4, BT_COLOR_MUTED, BT_ALIGN_CENTER, em(0.2), pt(0));
    t->color[BT_COLOR_TEXT] = 0x111111;
    t->color[BT_COLOR_ACCENT] = 0xA0161B;
    t->color[BT_COLOR_MUTED] = 0x555555;
    t->color[BT_COLOR_CAPTION] = 0x333333;
    t->color[BT_COLOR_RULE] = 0xBBBBBB;
    t->header.left = bt_xstrdup("{title}");
    t->header.rule = 1;
    t->footer.center = bt_xstrdup("Trang {page}/{pages}");
    t->footer.first_page = 1;
    t->masthead.title = bt_xstrdup("{org}");
    t->masthead.subtitle = bt_xstrdup("{date}");
    t->masthead.logo_height = em(3.2);
    t->masthead.rule = 1;
    t->catalogue_title = bt_xstrdup("{org}");
}

/* ---------------------------------------------------------------- reading context */

typedef struct {
    bt_template *t;
    const char *file; /* template.json being read */
    const char *dir;  /* its folder */
    bt_err *e;
    char key[256];    /* dotted path of the value being read */
} rd;

/* Set e to "FILE: KEY: message"; bad() is then BT_EPARSE (said in the macro, where static
 * analysis sees it: it does not follow variadic functions). */
static void bad_(rd *r, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void bad_(rd *r, const char *key, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bt_err_set(r->e, BT_EPARSE, "%s: %s: %s", r->file, key, msg);
}
#define bad(...) (bad_(__VA_ARGS__), BT_EPARSE)

static char *keyjoin(const char *a, const char *b)
{
    return *a ? bt_xasprintf("%s.%s", a, b) : bt_xstrdup(b);
}

/* Every key of obj must be in allowed (NULL-terminated). */
static bt_status known_keys(rd *r, json_t *obj, const char *path, const char *const *allowed)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        int ok = 0;
        for (size_t i = 0; allowed[i]; i++)
            if (strcmp(k, allowed[i]) == 0) ok = 1;
        if (!ok) {
            char *full = keyjoin(path, k);
            bt_buf list = {0};
            for (size_t i = 0; allowed[i]; i++) bt_buf_printf(&list, "%s%s", i ? ", " : "", allowed[i]);
            bt_status s = bad(r, full, "unknown key (known here: %s)", list.data);
            bt_buf_free(&list);
            free(full);
            return s;
        }
    }
    return BT_OK;
}

static bt_status want_object(rd *r, json_t *v, const char *key)
{
    return json_is_object(v) ? BT_OK : bad(r, key, "must be an object ({...})");
}

static bt_status get_string(rd *r, json_t *v, const char *key, char **out)
{
    if (!json_is_string(v)) return bad(r, key, "must be a string");
    const char *s = json_string_value(v);
    if (!bt_utf8_valid(s, strlen(s))) return bad(r, key, "must be valid UTF-8 text");
    free(*out);
    *out = bt_xstrdup(s);
    return BT_OK;
}

static bt_status get_bool(rd *r, json_t *v, const char *key, int *out)
{
    if (!json_is_boolean(v)) return bad(r, key, "must be true or false");
    *out = json_is_true(v);
    return BT_OK;
}

/* A length: a number (points) or a string "12pt", "4.5mm", "1cm", "0.5in", "0.55em". */
static bt_status get_len(rd *r, json_t *v, const char *key, int allow_em, double max_pt, bt_len *out)
{
    bt_len l = {0, 0};
    if (json_is_number(v)) {
        l.v = json_number_value(v);
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        /* strtod reads the locale's decimal point: "10.5pt" must mean the same under any locale */
        locale_t cl = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
        locale_t prev = cl ? uselocale(cl) : (locale_t)0;
        l.v = strtod(s, &end);
        if (cl) {
            uselocale(prev);
            freelocale(cl);
        }
        if (end == s) goto fail;
        while (*end == ' ') end++;
        if (strcmp(end, "pt") == 0 || *end == '\0') {
        } else if (strcmp(end, "mm") == 0) l.v *= MM;
        else if (strcmp(end, "cm") == 0) l.v *= 10 * MM;
        else if (strcmp(end, "in") == 0) l.v *= 72.0;
        else if (strcmp(end, "em") == 0 && allow_em) l.em = 1;
        else goto fail;
    } else {
        goto fail;
    }
    if (!isfinite(l.v) || l.v < 0) return bad(r, key, "must not be negative");
    if (!l.em && l.v > max_pt) return bad(r, key, "%.0f pt is too large (at most %.0f pt)", l.v, max_pt);
    if (l.em && l.v > 20) return bad(r, key, "%.2fem is too large (at most 20em)", l.v);
    *out = l;
    return BT_OK;
fail:
    return bad(r, key, "must be a length such as \"18mm\", \"10.5pt\"%s or a number of points",
               allow_em ? ", \"0.5em\"" : "");
}

static bt_status get_number(rd *r, json_t *v, const char *key, double lo, double hi, double *out)
{
    if (!json_is_number(v)) return bad(r, key, "must be a number");
    double d = json_number_value(v);
    if (!isfinite(d) || d < lo || d > hi) return bad(r, key, "must be between %g and %g", lo, hi);
    *out = d;
    return BT_OK;
}

static bt_status get_color(rd *r, json_t *v, const char *key, unsigned *out)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = strlen(s);
        if (n == 7 && s[0] == '#') {
            unsigned x = 0;
            size_t i;
            for (i = 1; i < 7 && isxdigit((unsigned char)s[i]); i++)
                x = x * 16 + (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10));
            if (i == 7) {
                *out = x;
                return BT_OK;
            }
        }
    }
    return bad(r, key, "must be a colour \"#RRGGBB\"");
}

/* A placeholder string: only {org} {title} {category} {date} {page} {pages}, "{{" and "}}". */
static bt_status get_pattern(rd *r, json_t *v, const char *key, char **out)
{
    if (!json_is_string(v)) return bad(r, key, "must be a string");
    const char *s = json_string_value(v);
    static const char *const names[] = {"org", "title", "category", "date", "page", "pages", NULL};
    for (const char *p = s; *p; p++) {
        if (p[0] == '{' && p[1] == '{') { p++; continue; }
        if (p[0] == '}' && p[1] == '}') { p++; continue; }
        if (*p == '}') return bad(r, key, "a lone '}' (write \"}}\" for a brace)");
        if (*p != '{') continue;
        const char *q = strchr(p, '}');
        if (!q) return bad(r, key, "'{' without '}' (write \"{{\" for a brace)");
        int ok = 0;
        for (size_t i = 0; names[i]; i++)
            if ((size_t)(q - p - 1) == strlen(names[i]) && strncmp(p + 1, names[i], strlen(names[i])) == 0) ok = 1;
        if (!ok)
            return bad(r, key, "unknown placeholder {%.*s} (known: {org} {title} {category} {date} {page} {pages})",
                       (int)(q - p - 1 > 40 ? 40 : q - p - 1), p + 1);
        p = q;
    }
    return get_string(r, v, key, out);
}

/* A file inside the template folder (no absolute path, no ".."). Absolute path in *out. */
static bt_status get_file(rd *r, json_t *v, const char *key, char **out)
{
    char *rel = NULL;
    bt_status s = get_string(r, v, key, &rel);
    if (s != BT_OK) return s;
    if (!*rel || !bt_path_inside(rel, 0)) {
        free(rel);
        return bad(r, key, "must name a file inside the template folder");
    }
    char *p = bt_path_join(r->dir, rel);
    free(rel);
    struct stat sb;
    if (stat(p, &sb) != 0) {
        s = bad(r, key, "%s: not found", p);
        free(p);
        return s;
    }
    /* nor through a symbolic link: a template from elsewhere could read any file of the machine */
    char *dreal = realpath(r->dir, NULL), *preal = realpath(p, NULL);
    size_t dl = dreal ? strlen(dreal) : 0;
    int inside = dl && preal && strncmp(preal, dreal, dl) == 0 && (preal[dl] == '/' || dreal[dl - 1] == '/');
    free(dreal);
    free(preal);
    if (!inside) {
        s = bad(r, key, "%s: leads out of the template folder", p);
        free(p);
        return s;
    }
    free(*out);
    *out = p;
    return BT_OK;
}

static void image_release(bt_image *im)
{
    if (!im) return;
    free(im->data);
    free(im->mime);
    free(im->name);
    free(im);
}

/* ---------------------------------------------------------------- sections */

static const char *const face_names[] = {"regular", "bold", "italic", "bolditalic"};
static const char *const align_names[] = {"justify", "left", "center", "right"};
static const char *const role_names[BT_TR_COUNT] = {
    "body", "category", "title", "date", "lead", "heading", "subheading", "caption", "quote",
    "list", "author", "image", "header", "footer", "masthead", "masthead_sub"};
static const char *const color_names[BT_COLOR_COUNT] = {"text", "accent", "muted", "caption", "rule"};

static bt_status rd_style(rd *r, json_t *o, const char *path, bt_text_role role)
{
    static const char *const keys[] = {"face", "size", "leading", "color", "align", "space_before", "indent", NULL};
    bt_status s = want_object(r, o, path);
    if (s == BT_OK) s = known_keys(r, o, path, keys);
    bt_tpl_style *y = &r->t->style[role];
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        if (s != BT_OK) break;
        char *key = keyjoin(path, k);
        if (strcmp(k, "face") == 0) {
            int found = -1;
            for (int i = 0; i < 4; i++)
                if (json_is_string(v) && strcmp(json_string_value(v), face_names[i]) == 0) found = i;
            if (found < 0) s = bad(r, key, "must be \"regular\", \"bold\", \"italic\" or \"bolditalic\"");
            else y->face = (bt_face)found, y->set |= BT_TPL_SET_FACE;
        } else if (strcmp(k, "size") == 0) {
            s = get_len(r, v, key, role != BT_TR_BODY, 200, &y->size);
            y->set |= BT_TPL_SET_SIZE;
            if (s == BT_OK && role == BT_TR_BODY && y->size.v < 4)
                s = bad(r, key, "the body size must be at least 4 pt");
            else if (s == BT_OK && !y->size.em && y->size.v < 3) s = bad(r, key, "too small (at least 3 pt)");
            else if (s == BT_OK && y->size.em && y->size.v < 0.3) s = bad(r, key, "too small (at least 0.3em)");
        } else if (strcmp(k, "leading") == 0) {
            s = get_number(r, v, key, 0.8, 4, &y->leading);
            y->set |= BT_TPL_SET_LEADING;
        } else if (strcmp(k, "color") == 0) {
            s = get_color(r, v, key, &y->color);
            y->color_set = 1;
            y->set |= BT_TPL_SET_COLOR;
        } else if (strcmp(k, "align") == 0) {
            int found = -1;
            for (int i = 0; i < 4; i++)
                if (json_is_string(v) && strcmp(json_string_value(v), align_names[i]) == 0) found = i;
            if (found < 0) s = bad(r, key, "must be \"justify\", \"left\", \"center\" or \"right\"");
            else y->align = (bt_align)found, y->set |= BT_TPL_SET_ALIGN;
        } else if (strcmp(k, "space_before") == 0) {
            s = get_len(r, v, key, 1, 300, &y->space_before);
            y->set |= BT_TPL_SET_SPACE;
        } else if (strcmp(k, "indent") == 0) {
            s = get_len(r, v, key, 1, 300, &y->indent);
            y->set |= BT_TPL_SET_INDENT;
        }
        free(key);
    }
    return s;
}

static bt_status rd_styles(rd *r, json_t *o)
{
    bt_status s = want_object(r, o, "styles");
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        if (s != BT_OK) break;
        int role = -1;
        for (int i = 0; i < BT_TR_COUNT; i++)
            if (strcmp(k, role_names[i]) == 0) role = i;
        char *key = keyjoin("styles", k);
        if (role < 0)
            s = bad(r, key, "unknown key (known here: body, category, title, date, lead, heading, subheading, "
                            "caption, quote, list, author, image, header, footer, masthead, masthead_sub)");
        else
            s = rd_style(r, v, key, (bt_text_role)role);
        free(key);
    }
    return s;
}

static bt_status rd_colors(rd *r, json_t *o)
{
    static const char *const keys[] = {"text", "accent", "muted", "caption", "rule", NULL};
    bt_status s = want_object(r, o, "colors");
    if (s == BT_OK) s = known_keys(r, o, "colors", keys);
    for (int i = 0; s == BT_OK && i < BT_COLOR_COUNT; i++) {
        json_t *v = json_object_get(o, color_names[i]);
        if (!v) continue;
        char *key = keyjoin("colors", color_names[i]);
        s = get_color(r, v, key, &r->t->color[i]);
        r->t->color_given[i] = 1;
        free(key);
    }
    return s;
}

static bt_status rd_margins(rd *r, json_t *v)
{
    bt_template *t = r->t;
    static const char *const sides[] = {"top", "right", "bottom", "left", NULL};
    if (!json_is_object(v)) {
        bt_len l;
        bt_status s = get_len(r, v, "page.margins", 0, 2000, &l);
        if (s != BT_OK) return s;
        for (int i = 0; i < 4; i++) t->margin[i] = l.v;
        t->margins_set = 1;
        return BT_OK;
    }
    bt_status s = known_keys(r, v, "page.margins", sides);
    if (s != BT_OK) return s;
    for (int i = 0; i < 4; i++) {
        json_t *x = json_object_get(v, sides[i]);
        if (!x) {
            if (!t->margins_set) {
                char *key = keyjoin("page.margins", sides[i]);
                s = bad(r, key, "missing (give all four sides, or one length for all)");
                free(key);
                return s;
            }
            continue;
        }
        bt_len l;
        char *key = keyjoin("page.margins", sides[i]);
        s = get_len(r, x, key, 0, 2000, &l);
        free(key);
        if (s != BT_OK) return s;
        t->margin[i] = l.v;
    }
    t->margins_set = 1;
    return BT_OK;
}

static bt_status rd_page(rd *r, json_t *o)
{
    static const char *const keys[] = {"size", "margins", "columns", "column_gap", "balance", "span_title", NULL};
    bt_template *t = r->t;
    bt_status s = want_object(r, o, "page");
    if (s == BT_OK) s = known_keys(r, o, "page", keys);
    json_t *v;
    if (s == BT_OK && (v = json_object_get(o, "size"))) {
        if (json_is_string(v)) {
            bt_page_geom g;
            if (!bt_layout_paper(json_string_value(v), &g))
                return bad(r, "page.size", "unknown paper \"%s\" (a4, a5, letter, or [width, height])",
                           json_string_value(v));
            free(t->paper);
            t->paper = bt_xstrdup(g.name);
            t->width = t->height = 0;
        } else if (json_is_array(v) && json_array_size(v) == 2) {
            bt_len w, h;
            s = get_len(r, json_array_get(v, 0), "page.size[0]", 0, 14400, &w);
            if (s == BT_OK) s = get_len(r, json_array_get(v, 1), "page.size[1]", 0, 14400, &h);
            if (s != BT_OK) return s;
            if (w.v < 144 || h.v < 144) return bad(r, "page.size", "a page must be at least 2 x 2 inches");
            free(t->paper);
            t->paper = NULL;
            t->width = w.v;
            t->height = h.v;
        } else {
            return bad(r, "page.size", "must be a paper name (\"a4\") or [width, height] such as [\"148mm\", \"210mm\"]");
        }
    }
    if (s == BT_OK && (v = json_object_get(o, "margins"))) s = rd_margins(r, v);
    if (s == BT_OK && (v = json_object_get(o, "columns"))) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 4)
            return bad(r, "page.columns", "must be a whole number from 1 to 4");
        t->columns = (int)json_integer_value(v);
    }
    if (s == BT_OK && (v = json_object_get(o, "column_gap"))) s = get_len(r, v, "page.column_gap", 1, 300, &t->column_gap);
    if (s == BT_OK && (v = json_object_get(o, "balance"))) s = get_bool(r, v, "page.balance", &t->balance);
    if (s == BT_OK && (v = json_object_get(o, "span_title"))) s = get_bool(r, v, "page.span_title", &t->span_title);
    return s;
}

/* Does dir hold a regular face named like family ("Noto Serif" -> NotoSerif-Regular.ttf)? */
static int has_family(const char *dir, const char *family)
{
    char want[128];
    size_t n = 0;
    for (const char *p = family; *p && n + 1 < sizeof want; p++)
        if (*p != ' ') want[n++] = *p;
    want[n] = '\0';
    char *f = bt_xasprintf("%s/%s-Regular.ttf", dir, want);
    struct stat sb;
    int ok = stat(f, &sb) == 0 && S_ISREG(sb.st_mode);
    free(f);
    return ok && n > 0;
}

static bt_status rd_fonts(rd *r, json_t *o)
{
    static const char *const keys[] = {"family", "dir", NULL};
    bt_template *t = r->t;
    bt_status s = want_object(r, o, "fonts");
    if (s == BT_OK) s = known_keys(r, o, "fonts", keys);
    json_t *fam = json_object_get(o, "family"), *dir = json_object_get(o, "dir");
    if (s == BT_OK && fam) s = get_string(r, fam, "fonts.family", &t->font_family);
    if (s != BT_OK) return s;
    if (dir) {
        char *d = NULL;
        s = get_file(r, dir, "fonts.dir", &d);
        if (s != BT_OK) return s;
        bt_fontset *fs = NULL;
        bt_err fe;
        bt_err_clear(&fe);
        if (bt_fontset_open(d, &fs, &fe) != BT_OK) {
            s = bad(r, "fonts.dir", "%s", fe.msg);
            free(d);
            r->e->code = BT_EFONT;
            return BT_EFONT;
        }
        bt_fontset_free(fs);
        free(t->font_dir);
        t->font_dir = d;
        if (!fam) { /* the family from the regular face's file name: "Lora-Regular.ttf" -> "Lora" */
            DIR *dh = opendir(d);
            struct dirent *de;
            while (dh && (de = readdir(dh))) {
                const char *suf = strstr(de->d_name, "-Regular.");
                if (suf && suf > de->d_name) {
                    free(t->font_family);
                    t->font_family = bt_xstrndup(de->d_name, (size_t)(suf - de->d_name));
                    break;
                }
            }
            if (dh) closedir(dh);
        }
    } else if (fam) {
        char *fd = bt_data_dir("fonts");
        int ok = fd && has_family(fd, t->font_family);
        free(fd);
        if (!ok) return bad(r, "fonts.family", "no bundled family \"%s\" (bundled: Noto Serif; or give \"dir\")",
                            t->font_family);
        free(t->font_dir);
        t->font_dir = NULL;
    }
    return BT_OK;
}

static bt_status rd_band(rd *r, json_t *o, const char *path, bt_tpl_band *b)
{
    static const char *const keys[] = {"left", "center", "right", "first_page", "rule", NULL};
    bt_status s = want_object(r, o, path);
    if (s == BT_OK) s = known_keys(r, o, path, keys);
    b->set = 1;
    char **slot[] = {&b->left, &b->center, &b->right};
    for (int i = 0; s == BT_OK && i < 3; i++) {
        json_t *v = json_object_get(o, keys[i]);
        if (!v) continue;
        char *key = keyjoin(path, keys[i]);
        s = get_pattern(r, v, key, slot[i]);
        free(key);
    }
    json_t *v;
    if (s == BT_OK && (v = json_object_get(o, "first_page"))) {
        char *key = keyjoin(path, "first_page");
        s = get_bool(r, v, key, &b->first_page);
        free(key);
    }
    if (s == BT_OK && (v = json_object_get(o, "rule"))) {
        char *key = keyjoin(path, "rule");
        s = get_bool(r, v, key, &b->rule);
        free(key);
    }
    return s;
}

static bt_status rd_masthead(rd *r, json_t *o)
{
    static const char *const keys[] = {"title", "subtitle", "logo", "logo_height", "rule", NULL};
    bt_tpl_masthead *m = &r->t->masthead;
    if (json_is_false(o)) {
        m->on = 0;
        return BT_OK;
    }
    bt_status s = json_is_true(o) ? BT_OK : want_object(r, o, "masthead");
    m->on = 1;
    if (s != BT_OK || json_is_true(o)) return s;
    s = known_keys(r, o, "masthead", keys);
    json_t *v;
    if (s == BT_OK && (v = json_object_get(o, "title"))) s = get_pattern(r, v, "masthead.title", &m->title);
    if (s == BT_OK && (v = json_object_get(o, "subtitle"))) s = get_pattern(r, v, "masthead.subtitle", &m->subtitle);
    if (s == BT_OK && (v = json_object_get(o, "logo_height"))) s = get_len(r, v, "masthead.logo_height", 1, 300, &m->logo_height);
    if (s == BT_OK && (v = json_object_get(o, "rule"))) s = get_bool(r, v, "masthead.rule", &m->rule);
    if (s == BT_OK && (v = json_object_get(o, "logo"))) {
        s = get_file(r, v, "masthead.logo", &m->logo);
        if (s == BT_OK) {
            char *data = NULL;
            size_t len = 0;
            bt_err ie;
            int w = 0, h = 0;
            bt_err_clear(&ie);
            if (bt_read_file(m->logo, (size_t)20 * 1024 * 1024, &data, &len, &ie) != BT_OK)
                s = bad(r, "masthead.logo", "%s: %s", m->logo, ie.msg);
            else if (!bt_image_dimensions((unsigned char *)data, len, &w, &h))
                s = bad(r, "masthead.logo", "%s: not a readable JPEG or PNG image", m->logo);
            if (s == BT_OK) { /* kept for the PDF's masthead */
                image_release(m->logo_image);
                m->logo_image = bt_xcalloc(1, sizeof *m->logo_image);
                m->logo_image->data = (unsigned char *)data;
                m->logo_image->len = len;
                m->logo_image->mime = bt_xstrdup(data[0] == (char)0x89 ? "image/png" : "image/jpeg");
                m->logo_image->width = w;
                m->logo_image->height = h;
                m->logo_image->name = bt_xstrdup("logo");
                data = NULL;
            }
            free(data);
        }
    }
    return s;
}

static bt_status rd_css(rd *r, json_t *o, const char *path, char **css_path)
{
    static const char *const keys_epub[] = {"css", NULL};
    static const char *const keys_cat[] = {"css", "title", NULL};
    int cat = strcmp(path, "catalogue") == 0;
    bt_status s = want_object(r, o, path);
    if (s == BT_OK) s = known_keys(r, o, path, cat ? keys_cat : keys_epub);
    json_t *v;
    if (s == BT_OK && (v = json_object_get(o, "css"))) {
        char *key = keyjoin(path, "css");
        s = get_file(r, v, key, css_path);
        free(key);
    }
    if (s == BT_OK && cat && (v = json_object_get(o, "title")))
        s = get_pattern(r, v, "catalogue.title", &r->t->catalogue_title);
    return s;
}

/* ---------------------------------------------------------------- loading */

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The folder of a template name or folder; heap string, or NULL with e set. */
static char *locate(const char *name, bt_err *e)
{
    int pathlike = strchr(name, '/') != NULL || strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
    if (!pathlike) {
        char *td = bt_data_dir("templates");
        if (td) {
            char *d = bt_path_join(td, name);
            char *j = bt_path_join(d, "template.json");
            int ok = is_file(j);
            free(j);
            free(td);
            if (ok) return d;
            free(d);
        }
    }
    if (is_dir(name)) {
        char *j = bt_path_join(name, "template.json");
        int ok = is_file(j);
        free(j);
        if (ok) return bt_xstrdup(name);
        bt_err_set(e, BT_EIO, "%s: not a template folder (no template.json in it)", name);
        return NULL;
    }
    if (pathlike) bt_err_set(e, BT_EIO, "%s: template folder not found", name);
    else bt_err_set(e, BT_EIO, "--template: no template named \"%s\" (bantin templates lists them)", name);
    return NULL;
}

static bt_status load_into(bt_template *t, const char *name, int depth, bt_err *e);

static bt_status apply_json(bt_template *t, const char *file, const char *dir, int depth, bt_err *e)
{
    char *text = NULL;
    size_t len = 0;
    bt_err re;
    bt_err_clear(&re);
    if (bt_read_file(file, MAX_JSON, &text, &len, &re) != BT_OK)
        return bt_err_set(e, BT_EIO, "%s: %s", file, re.msg);
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    free(text);
    if (!root) return bt_err_set(e, BT_EPARSE, "%s:%d:%d: invalid JSON: %s", file, je.line, je.column, je.text);
    rd r = {t, file, dir, e, ""};
    bt_status s = BT_OK;
    static const char *const keys[] = {"base",   "description", "org",      "page",   "fonts",
                                       "colors", "styles",      "header",   "footer", "masthead",
                                       "epub",   "catalogue",   NULL};
    if (!json_is_object(root)) s = bt_err_set(e, BT_EPARSE, "%s: the file must hold one JSON object", file);
    if (s == BT_OK) s = known_keys(&r, root, "", keys);
    json_t *v;
    if (s == BT_OK && (v = json_object_get(root, "base"))) {
        if (!json_is_string(v)) s = bad(&r, "base", "must be the name of a bundled template");
        else if (strchr(json_string_value(v), '/') || !*json_string_value(v))
            s = bad(&r, "base", "must be the name of a bundled template, not a path");
        else if (depth >= MAX_BASE_DEPTH) s = bad(&r, "base", "templates based on each other too deeply");
        else {
            bt_err be;
            bt_err_clear(&be);
            if (load_into(t, json_string_value(v), depth + 1, &be) != BT_OK) s = bad(&r, "base", "%s", be.msg);
        }
    }
    if (s == BT_OK && (v = json_object_get(root, "description"))) s = get_string(&r, v, "description", &t->description);
    if (s == BT_OK && (v = json_object_get(root, "org"))) s = get_string(&r, v, "org", &t->org);
    if (s == BT_OK && (v = json_object_get(root, "page"))) s = rd_page(&r, v);
    if (s == BT_OK && (v = json_object_get(root, "fonts"))) s = rd_fonts(&r, v);
    if (s == BT_OK && (v = json_object_get(root, "colors"))) s = rd_colors(&r, v);
    if (s == BT_OK && (v = json_object_get(root, "styles"))) s = rd_styles(&r, v);
    if (s == BT_OK && (v = json_object_get(root, "header"))) s = rd_band(&r, v, "header", &t->header);
    if (s == BT_OK && (v = json_object_get(root, "footer"))) s = rd_band(&r, v, "footer", &t->footer);
    if (s == BT_OK && (v = json_object_get(root, "masthead"))) s = rd_masthead(&r, v);
    if (s == BT_OK && (v = json_object_get(root, "epub"))) s = rd_css(&r, v, "epub", &t->epub_css_path);
    if (s == BT_OK && (v = json_object_get(root, "catalogue"))) s = rd_css(&r, v, "catalogue", &t->catalogue_css_path);
    /* stylesheets by their usual names when the file does not name them */
    json_t *ep = json_object_get(root, "epub"), *ca = json_object_get(root, "catalogue");
    if (s == BT_OK && !(ep && json_object_get(ep, "css"))) {
        char *p = bt_path_join(dir, "epub.css");
        if (is_file(p)) {
            free(t->epub_css_path);
            t->epub_css_path = p;
        } else free(p);
    }
    if (s == BT_OK && !(ca && json_object_get(ca, "css"))) {
        char *p = bt_path_join(dir, "catalogue.css");
        if (is_file(p)) {
            free(t->catalogue_css_path);
            t->catalogue_css_path = p;
        } else free(p);
    }
    json_decref(root);
    return s;
}

static bt_status load_into(bt_template *t, const char *name, int depth, bt_err *e)
{
    char *dir = locate(name, e);
    if (!dir) return e ? e->code : BT_EIO;
    char *file = bt_path_join(dir, "template.json");
    bt_status s = apply_json(t, file, dir, depth, e);
    if (depth == 0) {
        free(t->dir);
        free(t->file);
        t->dir = dir;
        t->file = file;
    } else {
        free(dir);
        free(file);
    }
    return s;
}

/* What in a stylesheet could fetch or run something: url(), @import, image-set(), image(), src(),
 * expression(), javascript:, behavior. Looked for with comments removed, escapes decoded
 * ("u\\72l(" is url() to a browser) and letters in lower case. NULL when there is none. */
static const char *css_active(const char *css, size_t len)
{
    static const char *const bad[] = {"url(", "@import", "image-set(", "image(", "src(", "expression(",
                                      "javascript:", "behavior", NULL};
    char *n = bt_xmalloc(len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)css[i];
        if (c == '/' && i + 1 < len && css[i + 1] == '*') { /* a comment */
            const char *end = strstr(css + i + 2, "*/");
            i = end ? (size_t)(end - css) + 1 : len;
            continue;
        }
        if (c == '\\' && i + 1 < len) { /* an escape: up to 6 hex digits and a space, or a character */
            unsigned v = 0, d = 0;
            while (d < 6 && i + 1 + d < len && isxdigit((unsigned char)css[i + 1 + d])) {
                char h = css[i + 1 + d];
                v = v * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower((unsigned char)h) - 'a' + 10));
                d++;
            }
            if (d) {
                i += d;
                if (i + 1 < len && isspace((unsigned char)css[i + 1])) i++;
                c = v < 0x80 ? (unsigned char)v : 0x80;
            } else {
                c = (unsigned char)css[++i];
            }
        }
        if (isspace(c) && k && n[k - 1] != '(' && i + 1 < len && css[i + 1] == '(') continue; /* "url (" */
        n[k++] = (char)tolower(c);
    }
    n[k] = '\0';
    const char *found = NULL;
    for (int b = 0; bad[b] && !found; b++)
        if (strstr(n, bad[b])) found = bad[b];
    free(n);
    return found;
}

static bt_status read_css(const char *path, char **out, size_t *len, bt_err *e)
{
    bt_err re;
    bt_err_clear(&re);
    if (bt_read_file(path, MAX_CSS, out, len, &re) != BT_OK) return bt_err_set(e, BT_EIO, "%s: %s", path, re.msg);
    if (!bt_utf8_valid(*out, *len)) return bt_err_set(e, BT_EPARSE, "%s: not valid UTF-8 text", path);
    /* the catalogue inlines its stylesheet in a <style> element: it cannot close that element */
    if (strstr(*out, "</")) return bt_err_set(e, BT_EPARSE, "%s: a stylesheet cannot contain \"</\"", path);
    /* the stylesheet goes into every EPUB and catalogue page as it is: nothing in it may load a
     * resource (a remote one would be fetched by the reader) or run anything */
    const char *act = css_active(*out, *len);
    if (act) return bt_err_set(e, BT_EPARSE, "%s: a stylesheet cannot contain %s (nothing may be loaded from it)", path, act);
    return BT_OK;
}

bt_status bt_template_load(const char *name, bt_template **out, bt_err *e)
{
    *out = NULL;
    if (!name || !*name) name = "default";
    bt_template *t = bt_xcalloc(1, sizeof *t);
    builtin(t);
    bt_status s = load_into(t, name, 0, e);
    if (s == BT_OK) {
        char *b = t->dir ? bt_path_basename(t->dir) : NULL;
        t->name = b ? b : bt_xstrdup(name);
        /* colours of the styles that do not name their own */
        for (int i = 0; i < BT_TR_COUNT; i++)
            if (!t->style[i].color_set) {
                t->style[i].color = t->color[t->style[i].color_role];
                if (t->color_given[t->style[i].color_role]) t->style[i].set |= BT_TPL_SET_COLOR;
            }
        bt_tpl_page p;
        if (!bt_template_page(t, NULL, &p, e)) s = e ? e->code : BT_EPARSE;
    }
    /* the stylesheets: the template's own, else the default template's */
    if (s == BT_OK && (!t->epub_css_path || !t->catalogue_css_path) && strcmp(name, "default") != 0) {
        bt_template *d = NULL;
        bt_err de;
        bt_err_clear(&de);
        if (bt_template_load("default", &d, &de) == BT_OK) {
            if (!t->epub_css_path) t->epub_css_path = bt_xstrdup(d->epub_css_path);
            if (!t->catalogue_css_path && d->catalogue_css_path) t->catalogue_css_path = bt_xstrdup(d->catalogue_css_path);
        }
        bt_template_free(d);
    }
    if (s == BT_OK && !t->epub_css_path)
        s = bt_err_set(e, BT_EIO, "%s: epub.css: not found in %s", t->file, t->dir);
    if (s == BT_OK) s = read_css(t->epub_css_path, &t->epub_css, &t->epub_css_len, e);
    if (s == BT_OK && t->catalogue_css_path)
        s = read_css(t->catalogue_css_path, &t->catalogue_css, &t->catalogue_css_len, e);
    if (s != BT_OK) {
        bt_template_free(t);
        return s;
    }
    *out = t;
    return BT_OK;
}

void bt_template_free(bt_template *t)
{
    if (!t) return;
    char *strs[] = {t->name, t->dir, t->file, t->description, t->org, t->paper, t->font_dir, t->font_family,
                    t->header.left, t->header.center, t->header.right, t->footer.left, t->footer.center,
                    t->footer.right, t->masthead.title, t->masthead.subtitle, t->masthead.logo,
                    t->catalogue_title, t->epub_css, t->catalogue_css, t->epub_css_path,
                    t->catalogue_css_path};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) free(strs[i]);
    image_release(t->masthead.logo_image);
    free(t);
}

/* ---------------------------------------------------------------- listing */

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

char **bt_template_list(size_t *n)
{
    *n = 0;
    char *td = bt_data_dir("templates");
    DIR *d = td ? opendir(td) : NULL;
    char **v = NULL;
    size_t cap = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char *sub = bt_path_join(td, de->d_name);
        char *j = bt_path_join(sub, "template.json");
        if (is_file(j)) {
            if (*n == cap) {
                cap = cap ? cap * 2 : 8;
                v = bt_xrealloc(v, cap * sizeof *v);
            }
            v[(*n)++] = bt_xstrdup(de->d_name);
        }
        free(j);
        free(sub);
    }
    if (d) closedir(d);
    free(td);
    if (*n) qsort(v, *n, sizeof *v, cmp_str);
    return v;
}

void bt_template_list_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

/* ---------------------------------------------------------------- page */

int bt_template_page(const bt_template *t, const char *paper, bt_tpl_page *p, bt_err *e)
{
    memset(p, 0, sizeof *p);
    bt_page_geom g;
    const char *name = paper ? paper : t->paper;
    if (!name) { /* a custom size: margins and body size of A4 unless given */
        bt_layout_paper("a4", &g);
        g.width = t->width;
        g.height = t->height;
    } else if (!bt_layout_paper(name, &g)) {
        bt_err_set(e, BT_EUSAGE, "unknown paper size '%s' (a4, a5, letter)", name);
        return 0;
    }
    p->width = g.width;
    p->height = g.height;
    if (t->margins_set) memcpy(p->margin, t->margin, sizeof p->margin);
    else {
        p->margin[0] = g.top;
        p->margin[1] = g.right;
        p->margin[2] = g.bottom;
        p->margin[3] = g.left;
    }
    const bt_tpl_style *b = &t->style[BT_TR_BODY];
    p->body_size = b->size.v > 0 ? b->size.v : g.body_size;
    p->leading = b->leading > 0 ? b->leading : g.leading;
    p->columns = t->columns;
    p->column_gap = t->columns > 1 ? bt_len_pt(t->column_gap, p->body_size) : 0;
    double tw = p->width - p->margin[1] - p->margin[3];
    double th = p->height - p->margin[0] - p->margin[2];
    const char *file = t->file ? t->file : "template.json";
    if (tw < MIN_COLUMN_PT || th < MIN_HEIGHT_PT) {
        bt_err_set(e, BT_EPARSE,
                   "%s: page.margins: they leave a text area of %.0f x %.0f pt on a %.0f x %.0f pt page "
                   "(at least %.0f x %.0f needed)",
                   file, tw, th, p->width, p->height, MIN_COLUMN_PT, MIN_HEIGHT_PT);
        return 0;
    }
    p->column_width = (tw - p->column_gap * (p->columns - 1)) / p->columns;
    if (p->column_width < MIN_COLUMN_PT) {
        bt_err_set(e, BT_EPARSE, "%s: page.columns: %d columns of %.0f pt are too narrow (at least %.0f pt each)",
                   file, p->columns, p->column_width, MIN_COLUMN_PT);
        return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------- placeholders */

char *bt_template_expand(const char *fmt, const bt_tpl_vars *v)
{
    bt_buf b = {0};
    bt_buf_adds(&b, "");
    for (const char *p = fmt ? fmt : ""; *p; p++) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            bt_buf_addc(&b, *p++);
            continue;
        }
        const char *q = *p == '{' ? strchr(p, '}') : NULL;
        if (!q) {
            bt_buf_addc(&b, *p);
            continue;
        }
        size_t n = (size_t)(q - p - 1);
        const char *k = p + 1;
#define IS(name) (n == sizeof name - 1 && strncmp(k, name, n) == 0)
        if (IS("org")) bt_buf_adds(&b, v && v->org ? v->org : "");
        else if (IS("title")) bt_buf_adds(&b, v && v->title ? v->title : "");
        else if (IS("category")) bt_buf_adds(&b, v && v->category ? v->category : "");
        else if (IS("date")) bt_buf_adds(&b, v && v->date ? v->date : "");
        else if (IS("pages")) bt_buf_printf(&b, "%d", v ? v->pages : 0);
        else if (IS("page")) bt_buf_printf(&b, "%d", v ? v->page : 0);
        else bt_buf_add(&b, p, n + 2);
#undef IS
        p = q;
    }
    return bt_buf_detach(&b, NULL);
}

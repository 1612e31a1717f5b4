/* font.c - the font set: four faces + lazy fallback, metrics, coverage, subsetting (HarfBuzz). */
#include "font.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hb-subset.h>
#include <hb.h>

#include "text.h"

typedef struct {
    char *path;
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *font;
    int upem;
    int ascent, descent; /* 1/1000 em */
    int notdef;          /* advance of glyph 0, 1/1000 em */
    int32_t *cache;      /* BMP: 0 unknown, -1 missing, else advance + 1 */
    hb_set_t *used;      /* code points drawn with this face */
    int loaded;
} bt_face_rec;

#define STANDIN_BASE 0xEB00u
#define STANDIN_MAX 1024u

struct bt_fontset {
    bt_face_rec f[BT_NFACES];
    int alias[BT_NFACES]; /* face actually used for each slot (bold -> regular when absent) */
    int fallback_tried;
    uint32_t standin[STANDIN_MAX]; /* stand-in U+EB00 + i draws standin[i] */
    unsigned nstandin;
};

/* Where a fallback face for rare characters may be found (only read when one is needed). */
static const char *const fallback_candidates[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
    NULL,
};

static int face_load(bt_face_rec *r, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
    if (!blob) return 0;
    hb_face_t *face = hb_face_create(blob, 0);
    unsigned upem = hb_face_get_upem(face);
    if (hb_face_get_glyph_count(face) == 0 || upem == 0) {
        hb_face_destroy(face);
        hb_blob_destroy(blob);
        return 0;
    }
    hb_font_t *font = hb_font_create(face);
    hb_font_set_scale(font, (int)upem, (int)upem);
    /* libharu needs a Unicode cmap: require that 'a' or a space is mapped. */
    hb_codepoint_t g;
    if (!hb_font_get_nominal_glyph(font, ' ', &g) && !hb_font_get_nominal_glyph(font, 'a', &g)) {
        hb_font_destroy(font);
        hb_face_destroy(face);
        hb_blob_destroy(blob);
        return 0;
    }
    r->path = bt_xstrdup(path);
    r->blob = blob;
    r->face = face;
    r->font = font;
    r->upem = (int)upem;
    hb_font_extents_t ext;
    if (hb_font_get_h_extents(font, &ext)) {
        r->ascent = (int)((long)ext.ascender * 1000 / (long)upem);
        r->descent = (int)((long)ext.descender * 1000 / (long)upem);
    } else {
        r->ascent = 900;
        r->descent = -250;
    }
    r->notdef = (int)((long)hb_font_get_glyph_h_advance(font, 0) * 1000 / (long)upem);
    r->used = hb_set_create();
    r->loaded = 1;
    return 1;
}

static void face_free(bt_face_rec *r)
{
    if (!r->loaded) return;
    hb_font_destroy(r->font);
    hb_face_destroy(r->face);
    hb_blob_destroy(r->blob);
    hb_set_destroy(r->used);
    free(r->cache);
    free(r->path);
    memset(r, 0, sizeof *r);
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Font files (.ttf/.otf) in dir, sorted (heap array of heap strings, NULL-terminated). */
static char **list_fonts(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char **v = NULL;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        if (!ends_with(de->d_name, ".ttf") && !ends_with(de->d_name, ".otf") && !ends_with(de->d_name, ".TTF"))
            continue;
        if (*n + 2 > cap) {
            cap = cap ? cap * 2 : 16;
            v = bt_xrealloc(v, cap * sizeof *v);
        }
        v[(*n)++] = bt_xstrdup(de->d_name);
    }
    closedir(d);
    if (!v) return NULL;
    qsort(v, *n, sizeof *v, cmp_str);
    v[*n] = NULL;
    return v;
}

static const char *find_name(char **v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], name) == 0) return v[i];
    return NULL;
}

/* The family's files in dir: the regular face is *-Regular.ttf, else X.ttf next to an
 * X-Bold.ttf, else the first font file; the other faces are <family>-Bold, -Italic (or
 * -Oblique), -BoldItalic (or -BoldOblique) with the same extension. paths[i] heap or NULL. */
static void find_family(const char *dir, char *paths[4])
{
    for (int i = 0; i < 4; i++) paths[i] = NULL;
    size_t n = 0;
    char **v = list_fonts(dir, &n);
    if (!v) return;
    char *prefix = NULL, ext[8] = ".ttf";
    for (size_t i = 0; i < n && !prefix; i++) {
        const char *r = strstr(v[i], "-Regular.");
        if (r && strlen(r) == 12) {
            prefix = bt_xstrndup(v[i], (size_t)(r - v[i]));
            snprintf(ext, sizeof ext, "%s", r + 8);
        }
    }
    for (size_t i = 0; i < n && !prefix; i++) {
        size_t len = strlen(v[i]);
        char *stem = bt_xstrndup(v[i], len - 4);
        char *bold = bt_xasprintf("%s-Bold%s", stem, v[i] + len - 4);
        if (find_name(v, n, bold)) {
            prefix = stem;
            snprintf(ext, sizeof ext, "%s", v[i] + len - 4);
        } else {
            free(stem);
        }
        free(bold);
    }
    if (!prefix) {
        if (n) paths[0] = bt_path_join(dir, v[0]);
    } else {
        static const char *const styles[4][2] = {
            {"-Regular", ""}, {"-Bold", NULL}, {"-Italic", "-Oblique"}, {"-BoldItalic", "-BoldOblique"}};
        for (int f = 0; f < 4; f++)
            for (int k = 0; k < 2 && !paths[f]; k++) {
                if (!styles[f][k]) continue;
                char *name = bt_xasprintf("%s%s%s", prefix, styles[f][k], ext);
                if (find_name(v, n, name)) paths[f] = bt_path_join(dir, name);
                free(name);
            }
        free(prefix);
    }
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

bt_status bt_fontset_open(const char *dir, bt_fontset **out, bt_err *e)
{
    *out = NULL;
    char *owned = NULL;
    if (!dir) {
        owned = bt_data_dir("fonts");
        if (!owned)
            return bt_err_set(e, BT_EFONT, "bundled fonts not found (set BANTIN_DATA_DIR or use --font-dir)");
        dir = owned;
    }
    bt_fontset *fs = bt_xcalloc(1, sizeof *fs);
    char *paths[4];
    find_family(dir, paths);
    for (int i = 0; i < 4; i++) {
        if (paths[i] && !face_load(&fs->f[i], paths[i]) && i == 0) {
            bt_err_set(e, BT_EFONT, "%s: not a usable TrueType font", paths[i]);
            for (int k = 0; k < 4; k++) free(paths[k]);
            free(owned);
            bt_fontset_free(fs);
            return BT_EFONT;
        }
    }
    for (int k = 0; k < 4; k++) free(paths[k]);
    if (!fs->f[0].loaded) {
        bt_err_set(e, BT_EFONT, "%s: no usable font found (expected e.g. Family-Regular.ttf)", dir);
        free(owned);
        bt_fontset_free(fs);
        return BT_EFONT;
    }
    free(owned);
    fs->alias[BT_FACE_REGULAR] = BT_FACE_REGULAR;
    fs->alias[BT_FACE_BOLD] = fs->f[BT_FACE_BOLD].loaded ? BT_FACE_BOLD : BT_FACE_REGULAR;
    fs->alias[BT_FACE_ITALIC] = fs->f[BT_FACE_ITALIC].loaded ? BT_FACE_ITALIC : BT_FACE_REGULAR;
    fs->alias[BT_FACE_BOLDITALIC] = fs->f[BT_FACE_BOLDITALIC].loaded ? BT_FACE_BOLDITALIC
                                    : fs->f[BT_FACE_BOLD].loaded     ? BT_FACE_BOLD
                                    : fs->alias[BT_FACE_ITALIC];
    fs->alias[BT_FACE_FALLBACK] = BT_FACE_FALLBACK;
    *out = fs;
    return BT_OK;
}

void bt_fontset_free(bt_fontset *fs)
{
    if (!fs) return;
    for (int i = 0; i < BT_NFACES; i++) face_free(&fs->f[i]);
    free(fs);
}

static bt_face_rec *rec(bt_fontset *fs, bt_face face)
{
    if ((int)face < 0 || face >= BT_NFACES) face = BT_FACE_REGULAR;
    return &fs->f[fs->alias[face]];
}

/* Advance in 1/1000 em, or -1 when the face has no glyph. */
static int lookup(bt_face_rec *r, uint32_t cp)
{
    if (!r->loaded) return -1;
    if (cp < 0x10000 && r->cache && r->cache[cp]) return r->cache[cp] < 0 ? -1 : r->cache[cp] - 1;
    hb_codepoint_t g;
    int adv = -1;
    if (hb_font_get_nominal_glyph(r->font, cp, &g)) {
        long a = hb_font_get_glyph_h_advance(r->font, g);
        adv = (int)(a * 1000 / r->upem); /* truncated, as libharu writes /W */
        if (adv < 0) adv = 0;
    }
    if (cp < 0x10000) {
        if (!r->cache) r->cache = bt_xcalloc(0x10000, sizeof *r->cache);
        r->cache[cp] = adv < 0 ? -1 : adv + 1;
    }
    return adv;
}

int bt_font_has(bt_fontset *fs, bt_face face, uint32_t cp)
{
    return lookup(rec(fs, face), cp) >= 0;
}

int bt_font_advance(bt_fontset *fs, bt_face face, uint32_t cp)
{
    bt_face_rec *r = rec(fs, face);
    int a = lookup(r, cp);
    return a < 0 ? r->notdef : a;
}

static void load_fallback(bt_fontset *fs)
{
    if (fs->fallback_tried) return;
    fs->fallback_tried = 1;
    const char *env = getenv("BANTIN_FALLBACK_FONT");
    if (env && *env && face_load(&fs->f[BT_FACE_FALLBACK], env)) return;
    for (int i = 0; fallback_candidates[i]; i++)
        if (face_load(&fs->f[BT_FACE_FALLBACK], fallback_candidates[i])) return;
}

bt_face bt_font_pick(bt_fontset *fs, bt_face face, uint32_t cp, int *missing)
{
    if (missing) *missing = 0;
    if (lookup(rec(fs, face), cp) >= 0) return face;
    /* Spaces and controls never need a glyph of their own. */
    load_fallback(fs);
    if (lookup(&fs->f[BT_FACE_FALLBACK], cp) >= 0) return BT_FACE_FALLBACK;
    if (missing) *missing = 1;
    return face;
}

double bt_font_width(bt_fontset *fs, bt_face face, double size, const char *s, size_t len)
{
    bt_face_rec *r = rec(fs, face);
    long total = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = bt_utf8_decode(s + i, len - i, &cp);
        if (n == 0) break;
        i += n;
        int a = lookup(r, cp);
        total += a < 0 ? r->notdef : a;
    }
    return (double)total * size / 1000.0;
}

void bt_font_vmetrics(bt_fontset *fs, bt_face face, int *ascent, int *descent)
{
    bt_face_rec *r = rec(fs, face);
    if (!r->loaded) r = &fs->f[BT_FACE_REGULAR];
    if (ascent) *ascent = r->ascent;
    if (descent) *descent = r->descent;
}

void bt_font_use(bt_fontset *fs, bt_face face, const char *s, size_t len)
{
    bt_face_rec *r = rec(fs, face);
    if (!r->loaded) return;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = bt_utf8_decode(s + i, len - i, &cp);
        if (n == 0) break;
        i += n;
        hb_set_add(r->used, cp);
    }
}

void bt_font_reset_used(bt_fontset *fs)
{
    for (int i = 0; i < BT_NFACES; i++)
        if (fs->f[i].loaded) hb_set_clear(fs->f[i].used);
}

uint32_t bt_font_standin(bt_fontset *fs, uint32_t cp)
{
    for (unsigned i = 0; i < fs->nstandin; i++)
        if (fs->standin[i] == cp) return STANDIN_BASE + i;
    if (fs->nstandin == STANDIN_MAX) return 0xFFFD;
    fs->standin[fs->nstandin] = cp;
    return STANDIN_BASE + fs->nstandin++;
}

uint32_t bt_font_standin_of(const bt_fontset *fs, uint32_t standin)
{
    if (standin < STANDIN_BASE || standin >= STANDIN_BASE + fs->nstandin) return 0;
    return fs->standin[standin - STANDIN_BASE];
}

int bt_font_used(const bt_fontset *fs, bt_face face)
{
    if ((int)face < 0 || face >= BT_NFACES) return 0;
    const bt_face_rec *r = &fs->f[fs->alias[face]];
    return r->loaded && !hb_set_is_empty(r->used) && fs->alias[face] == (int)face;
}

size_t bt_font_used_chars(const bt_fontset *fs, bt_face face, uint32_t **out)
{
    *out = NULL;
    if ((int)face < 0 || face >= BT_NFACES) return 0;
    const bt_face_rec *r = &fs->f[fs->alias[face]];
    if (!r->loaded) return 0;
    size_t n = hb_set_get_population(r->used), i = 0;
    uint32_t *v = bt_xmalloc((n ? n : 1) * sizeof *v);
    hb_codepoint_t cp = HB_SET_VALUE_INVALID;
    while (i < n && hb_set_next(r->used, &cp)) v[i++] = cp;
    *out = v;
    return i;
}

bt_face bt_font_resolve(const bt_fontset *fs, bt_face face)
{
    if ((int)face < 0 || face >= BT_NFACES) return BT_FACE_REGULAR;
    return (bt_face)fs->alias[face];
}

const char *bt_font_path(const bt_fontset *fs, bt_face face)
{
    if ((int)face < 0 || face >= BT_NFACES) return NULL;
    return fs->f[fs->alias[face]].path;
}


/* ---------------------------------------------------------------- compact cmap
 * libharu builds its CIDToGIDMap by asking its cmap parser for all 65,536 BMP code points, and
 * that parser scans the format-4 segments linearly: with the many small segments hb-subset
 * writes for Vietnamese text that loop is most of the time spent on a PDF. We replace the
 * subset's cmap with one holding a few wide segments (gaps filled with glyph 0 through
 * idRangeOffset), which maps exactly the same characters. */

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}
static void put32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}
static unsigned get16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned long get32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static unsigned long table_sum(const unsigned char *p, size_t len)
{
    unsigned long sum = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4) sum = (sum + get32(p + i)) & 0xFFFFFFFFul;
    if (i < len) {
        unsigned char last[4] = {0, 0, 0, 0};
        memcpy(last, p + i, len - i);
        sum = (sum + get32(last)) & 0xFFFFFFFFul;
    }
    return sum;
}

/* A cmap table (encodings 0/3 and 3/1, one format-4 subtable) for cps[i] -> gids[i]
 * (ascending BMP code points). Heap buffer. */
static unsigned char *build_cmap(const uint32_t *cps, const uint16_t *gids, size_t n, size_t *outlen)
{
    enum { GAP = 48 };
    size_t cap = n + 1;
    uint32_t *st = bt_xmalloc(cap * sizeof *st), *en = bt_xmalloc(cap * sizeof *en);
    size_t nseg = 0, nglyph = 0;
    for (size_t i = 0; i < n; i++) {
        if (nseg && cps[i] <= en[nseg - 1] + GAP) en[nseg - 1] = cps[i];
        else {
            st[nseg] = cps[i];
            en[nseg] = cps[i];
            nseg++;
        }
    }
    if (nseg && en[nseg - 1] >= 0xFFFF) en[nseg - 1] = 0xFFFE; /* keep the terminator apart */
    for (size_t i = 0; i < nseg; i++) nglyph += en[i] - st[i] + 1;
    size_t segs = nseg + 1; /* + the 0xFFFF terminator */
    size_t sublen = 16 + segs * 8 + nglyph * 2;
    size_t len = 4 + 2 * 8 + sublen;
    unsigned char *t = bt_xcalloc(1, len);
    put16(t, 0);
    put16(t + 2, 2);
    put16(t + 4, 0);
    put16(t + 6, 3);
    put32(t + 8, 20);
    put16(t + 12, 3);
    put16(t + 14, 1);
    put32(t + 16, 20);
    unsigned char *s = t + 20;
    put16(s, 4);
    put16(s + 2, (unsigned)(sublen > 0xFFFF ? 0xFFFF : sublen));
    put16(s + 4, 0);
    put16(s + 6, (unsigned)(segs * 2));
    unsigned sr = 1, es = 0;
    while (sr * 2 <= segs) {
        sr *= 2;
        es++;
    }
    put16(s + 8, sr * 2);
    put16(s + 10, es);
    put16(s + 12, (unsigned)(segs * 2 - sr * 2));
    unsigned char *endc = s + 14, *startc = endc + segs * 2 + 2, *delta = startc + segs * 2,
                  *roff = delta + segs * 2, *glyphs = roff + segs * 2;
    size_t gi = 0, k = 0;
    for (size_t i = 0; i < nseg; i++) {
        put16(endc + 2 * i, en[i]);
        put16(startc + 2 * i, st[i]);
        put16(delta + 2 * i, 0);
        /* offset from this idRangeOffset entry to its first glyph entry */
        put16(roff + 2 * i, (unsigned)(2 * (segs - i) + 2 * gi));
        for (uint32_t cp = st[i]; cp <= en[i]; cp++) {
            while (k < n && cps[k] < cp) k++;
            put16(glyphs + 2 * (gi + (cp - st[i])), k < n && cps[k] == cp ? gids[k] : 0);
        }
        gi += en[i] - st[i] + 1;
    }
    put16(endc + 2 * nseg, 0xFFFF);
    put16(startc + 2 * nseg, 0xFFFF);
    put16(delta + 2 * nseg, 1);
    put16(roff + 2 * nseg, 0);
    free(st);
    free(en);
    *outlen = len;
    return t;
}

/* The font file with its cmap table replaced (checksums recomputed). NULL if the file is not a
 * TrueType font we understand. */
static unsigned char *replace_cmap(const unsigned char *f, size_t flen, const unsigned char *cmap,
                                   size_t cmaplen, size_t *outlen)
{
    if (flen < 12) return NULL;
    unsigned long ver = get32(f);
    if (ver != 0x00010000ul && ver != 0x74727565ul) return NULL;
    size_t nt = get16(f + 4);
    if (nt == 0 || 12 + nt * 16 > flen) return NULL;
    size_t total = 12 + nt * 16;
    int have_cmap = 0;
    for (size_t i = 0; i < nt; i++) {
        const unsigned char *r = f + 12 + i * 16;
        size_t off = get32(r + 8), len = get32(r + 12);
        if (off > flen || len > flen - off) return NULL;
        int is_cmap = memcmp(r, "cmap", 4) == 0;
        have_cmap |= is_cmap;
        total += ((is_cmap ? cmaplen : len) + 3) & ~(size_t)3;
    }
    if (!have_cmap) return NULL;
    unsigned char *o = bt_xcalloc(1, total);
    memcpy(o, f, 12 + nt * 16);
    size_t pos = 12 + nt * 16, head_off = 0;
    for (size_t i = 0; i < nt; i++) {
        unsigned char *r = o + 12 + i * 16;
        int is_cmap = memcmp(r, "cmap", 4) == 0;
        const unsigned char *src = is_cmap ? cmap : f + get32(r + 8);
        size_t len = is_cmap ? cmaplen : get32(r + 12);
        memcpy(o + pos, src, len);
        if (memcmp(r, "head", 4) == 0 && len >= 12) {
            head_off = pos;
            put32(o + pos + 8, 0); /* checkSumAdjustment, set below */
        }
        put32(r + 4, table_sum(o + pos, len));
        put32(r + 8, pos);
        put32(r + 12, len);
        pos += (len + 3) & ~(size_t)3;
    }
    if (head_off) put32(o + head_off + 8, (0xB1B0AFBAul - table_sum(o, total)) & 0xFFFFFFFFul);
    *outlen = total;
    return o;
}

static bt_status write_temp(const char *data, size_t len, char **path, bt_err *e)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    char *tmpl = bt_xasprintf("%s/bantin-font-XXXXXX", dir);
    int fd = mkstemp(tmpl);
    if (fd < 0) {
        bt_err_set(e, BT_EIO, "cannot create a temporary font file in %s: %s", dir, strerror(errno));
        free(tmpl);
        return BT_EIO;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            bt_err_set(e, BT_EIO, "cannot write a temporary font file: %s", strerror(errno));
            close(fd);
            unlink(tmpl);
            free(tmpl);
            return BT_EIO;
        }
        off += (size_t)w;
    }
    if (close(fd) != 0) {
        bt_err_set(e, BT_EIO, "cannot write a temporary font file: %s", strerror(errno));
        unlink(tmpl);
        free(tmpl);
        return BT_EIO;
    }
    *path = tmpl;
    return BT_OK;
}

bt_status bt_font_subset_file(bt_fontset *fs, bt_face face, unsigned pad, char **path, bt_err *e)
{
    *path = NULL;
    bt_face_rec *r = rec(fs, face);
    if (!r->loaded) return bt_err_set(e, BT_EFONT, "font face %d is not loaded", (int)face);
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) return bt_err_set(e, BT_ENOMEM, "hb-subset: out of memory");
    hb_set_t *u = hb_subset_input_unicode_set(in);
    hb_set_union(u, r->used);
    hb_set_add(u, ' ');
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE);
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    hb_set_add(drop, HB_TAG('G', 'S', 'U', 'B'));
    hb_set_add(drop, HB_TAG('G', 'P', 'O', 'S'));
    hb_set_add(drop, HB_TAG('G', 'D', 'E', 'F'));
    hb_set_add(drop, HB_TAG('D', 'S', 'I', 'G'));
    hb_set_add(drop, HB_TAG('k', 'e', 'r', 'n'));
    hb_face_t *sub = hb_subset_or_fail(r->face, in);
    if (!sub) {
        hb_subset_input_destroy(in);
        return bt_err_set(e, BT_EFONT, "%s: subsetting failed", r->path);
    }
    hb_blob_t *blob = hb_face_reference_blob(sub);
    unsigned len = 0;
    const char *data = hb_blob_get_data(blob, &len);
    bt_status st;
    if (!data || len == 0) {
        st = bt_err_set(e, BT_EFONT, "%s: subsetting gave an empty font", r->path);
    } else {
        /* the subset's own character -> glyph mapping, in a compact cmap */
        hb_font_t *sf = hb_font_create(sub);
        size_t n = hb_set_get_population(u), m = 0;
        uint32_t *cps = bt_xmalloc((n + 1) * sizeof *cps);
        uint16_t *gids = bt_xmalloc((n + 1) * sizeof *gids);
        hb_codepoint_t cp = HB_SET_VALUE_INVALID, g;
        while (hb_set_next(u, &cp) && cp <= 0xFFFF)
            if (hb_font_get_nominal_glyph(sf, cp, &g) && g > 0 && g <= 0xFFFF) {
                cps[m] = cp;
                gids[m] = (uint16_t)g;
                m++;
            }
        hb_font_destroy(sf);
        size_t clen = 0, flen = 0;
        unsigned char *cmap = m ? build_cmap(cps, gids, m, &clen) : NULL;
        if (cmap && pad) { /* zeros after the subtable: the table means the same */
            cmap = bt_xrealloc(cmap, clen + pad);
            memset(cmap + clen, 0, pad);
            clen += pad;
        }
        unsigned char *font = cmap ? replace_cmap((const unsigned char *)data, len, cmap, clen, &flen) : NULL;
        if (font) st = write_temp((const char *)font, flen, path, e);
        else st = write_temp(data, len, path, e);
        free(font);
        free(cmap);
        free(cps);
        free(gids);
    }
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_subset_input_destroy(in);
    return st;
}

bt_status bt_font_subset_mem(bt_fontset *fs, bt_face face, const uint32_t *cps, size_t n,
                             unsigned char **out, size_t *len, bt_err *e)
{
    *out = NULL;
    *len = 0;
    bt_face_rec *r = rec(fs, face);
    if (!r->loaded) return bt_err_set(e, BT_EFONT, "font face %d is not loaded", (int)face);
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) return bt_err_set(e, BT_ENOMEM, "hb-subset: out of memory");
    hb_set_t *u = hb_subset_input_unicode_set(in);
    for (size_t i = 0; i < n; i++) hb_set_add(u, cps[i]);
    hb_set_add(u, ' ');
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    hb_face_t *sub = hb_subset_or_fail(r->face, in);
    hb_subset_input_destroy(in);
    if (!sub) return bt_err_set(e, BT_EFONT, "%s: subsetting failed", r->path);
    hb_blob_t *blob = hb_face_reference_blob(sub);
    unsigned blen = 0;
    const char *data = hb_blob_get_data(blob, &blen);
    bt_status st = BT_OK;
    if (!data || blen == 0) {
        st = bt_err_set(e, BT_EFONT, "%s: subsetting gave an empty font", r->path);
    } else {
        *out = bt_xmalloc(blen);
        memcpy(*out, data, blen);
        *len = blen;
    }
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    return st;
}

/* font.c - the font set: four faces + lazy fallback, metrics, coverage, shaping with a cache,
 * subsetting (HarfBuzz), and a process-wide pool of sets. */
#include "font.h"

#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>

#include "text.h"

/* What the shaping cache may hold (bytes of keys and glyphs, both generations): one font set
 * per worker, so this is per thread. Two generations of 512 KB (~4,500 words each) keep the
 * words in use, and memory stays flat however many articles a process renders: with one 8 MB
 * cache emptied when full, an archive of 10,000 articles peaked 6.5 MB higher than one of
 * 1,000 (now 3.3 MB), for no speed gained (pdf -d of 1,000 articles: the same CPU time). */
#define SHAPE_CACHE_MAX ((size_t)1 << 20)
#define ARENA_BLOCK ((size_t)64 << 10)
/* Runs longer than this (bytes) are shaped each time: words repeat, lines rarely do. */
#define SHAPE_KEY_MAX 64

typedef struct {
    int16_t adv;   /* 1/1000 em */
    uint16_t gid;
    uint8_t state; /* 0 unknown, 1 present, 2 missing */
} glyph_slot;

typedef struct {
    char *path;
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *font;
    int upem;
    int ascent, descent; /* 1/1000 em */
    glyph_slot *cache;   /* BMP code points, allocated on first use */
    uint16_t standin;    /* glyph drawn for characters the face lacks */
    int16_t standin_w;
    uint16_t space_gid;
    int16_t space_w;
    int loaded;
    hb_face_t *outl;     /* the face as only its outline tables, for hb-subset (see outline_face) */
    int outl_tried;
} face_rec;

/* The shaping cache: an open-addressing table of entries kept in an arena, in two generations:
 * new entries go into the current one; when it is full, the older one is dropped and the
 * current one becomes the older; an entry found in the older one is copied into the current. */
typedef struct centry {
    uint32_t hash;
    uint16_t len;
    uint8_t face;
    uint32_t n;
    uint8_t own; /* every character is the face's own or default-ignorable (bt_font_own_width) */
    long width;
    const char *key;
    bt_glyph *g;
} centry;

typedef struct ablock {
    struct ablock *next;
    size_t used, cap;
    max_align_t data[];
} ablock;

typedef struct {
    centry **tab;
    size_t tabcap, tabn, bytes;
    ablock *arena;
} cgen;

struct bt_fontset {
    face_rec f[BT_NFACES];
    int alias[BT_NFACES]; /* face actually used for each slot (bold -> regular when absent) */
    int fallback_tried;
    hb_buffer_t *buf;
    /* shaping cache */
    cgen cur, old;
    /* results of the last uncached run */
    bt_glyph *scratch;
    size_t scratch_cap;
};

/* Where a fallback face for rare characters may be found (only read when one is needed). */
static const char *const fallback_candidates[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
    NULL,
};

static int to1000(const face_rec *r, long v)
{
    return (int)lround((double)v * 1000.0 / r->upem);
}

static int nominal(face_rec *r, uint32_t cp, uint16_t *gid, int *adv)
{
    if (!r->loaded) return 0;
    if (cp < 0x10000 && r->cache && r->cache[cp].state) {
        if (r->cache[cp].state == 2) return 0;
        *gid = r->cache[cp].gid;
        *adv = r->cache[cp].adv;
        return 1;
    }
    hb_codepoint_t g = 0;
    int ok = hb_font_get_nominal_glyph(r->font, cp, &g) && g > 0 && g <= 0xFFFF;
    int a = 0;
    if (ok) {
        a = to1000(r, hb_font_get_glyph_h_advance(r->font, g));
        if (a < 0) a = 0;
        if (a > 32767) a = 32767;
    }
    if (cp < 0x10000) {
        if (!r->cache) r->cache = bt_xcalloc(0x10000, sizeof *r->cache);
        r->cache[cp].state = ok ? 1 : 2;
        r->cache[cp].gid = (uint16_t)g;
        r->cache[cp].adv = (int16_t)a;
    }
    if (!ok) return 0;
    *gid = (uint16_t)g;
    *adv = a;
    return 1;
}

static int face_load(face_rec *r, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
    if (!blob) return 0;
    hb_face_t *face = hb_face_create(blob, 0);
    unsigned upem = hb_face_get_upem(face);
    /* TrueType outlines only: a CFF-flavoured OpenType font has no glyf table */
    hb_blob_t *glyf = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
    int has_glyf = hb_blob_get_length(glyf) > 0;
    hb_blob_destroy(glyf);
    if (hb_face_get_glyph_count(face) == 0 || upem == 0 || !has_glyf) {
        hb_face_destroy(face);
        hb_blob_destroy(blob);
        return 0;
    }
    hb_font_t *font = hb_font_create(face);
    hb_font_set_scale(font, (int)upem, (int)upem);
    /* a Unicode cmap is needed: require that 'a' or a space is mapped */
    hb_codepoint_t g;
    if (!hb_font_get_nominal_glyph(font, ' ', &g) && !hb_font_get_nominal_glyph(font, 'a', &g)) {
        hb_font_destroy(font);
        hb_face_destroy(face);
        hb_blob_destroy(blob);
        return 0;
    }
    memset(r, 0, sizeof *r);
    r->path = bt_xstrdup(path);
    r->blob = blob;
    r->face = face;
    r->font = font;
    r->upem = (int)upem;
    r->loaded = 1;
    hb_font_extents_t ext;
    if (hb_font_get_h_extents(font, &ext)) {
        r->ascent = to1000(r, ext.ascender);
        r->descent = to1000(r, ext.descender);
    } else {
        r->ascent = 900;
        r->descent = -250;
    }
    static const uint32_t standins[] = {0xFFFD, 0x25A1, '?'};
    for (size_t i = 0; i < sizeof standins / sizeof standins[0] && !r->standin; i++) {
        uint16_t sg;
        int sa;
        if (nominal(r, standins[i], &sg, &sa)) {
            r->standin = sg;
            r->standin_w = (int16_t)sa;
        }
    }
    uint16_t sg = 0;
    int sa = 0;
    if (nominal(r, ' ', &sg, &sa)) {
        r->space_gid = sg;
        r->space_w = (int16_t)sa;
    } else {
        r->space_gid = r->standin;
        r->space_w = r->standin_w;
    }
    if (!r->standin) r->standin = r->space_gid;
    return 1;
}

static void face_free(face_rec *r)
{
    if (!r->loaded) return;
    hb_font_destroy(r->font);
    hb_face_destroy(r->outl);
    hb_face_destroy(r->face);
    hb_blob_destroy(r->blob);
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
    fs->buf = hb_buffer_create();
    *out = fs;
    return BT_OK;
}

static void cache_clear(cgen *g)
{
    while (g->arena) {
        ablock *b = g->arena;
        g->arena = b->next;
        bt_big_free(b);
    }
    free(g->tab);
    memset(g, 0, sizeof *g);
}

void bt_fontset_free(bt_fontset *fs)
{
    if (!fs) return;
    for (int i = 0; i < BT_NFACES; i++) face_free(&fs->f[i]);
    cache_clear(&fs->cur);
    cache_clear(&fs->old);
    hb_buffer_destroy(fs->buf);
    free(fs->scratch);
    free(fs);
}

/* ---------------------------------------------------------------- process-wide pool */

typedef struct {
    char *dir; /* "" = the bundled fonts */
    bt_fontset *fs;
    int busy;
} pooled;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pooled *pool;
static size_t npool;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void pool_free(void)
{
    pthread_mutex_lock(&pool_lock);
    for (size_t i = 0; i < npool; i++) {
        if (!pool[i].busy) bt_fontset_free(pool[i].fs);
        free(pool[i].dir);
    }
    free(pool);
    pool = NULL;
    npool = 0;
    pthread_mutex_unlock(&pool_lock);
}

static void pool_init(void)
{
    atexit(pool_free);
    /* HarfBuzz makes its default language on first use, racing when two threads shape first at
     * once (the publication is atomic, but ThreadSanitizer cannot see into HarfBuzz): made here,
     * once, before any set is lent to a thread */
    (void)hb_language_get_default();
}

bt_status bt_fontset_acquire(const char *dir, bt_fontset **out, bt_err *e)
{
    pthread_once(&pool_once, pool_init);
    const char *key = dir ? dir : "";
    pthread_mutex_lock(&pool_lock);
    for (size_t i = 0; i < npool; i++)
        if (!pool[i].busy && strcmp(pool[i].dir, key) == 0) {
            pool[i].busy = 1;
            *out = pool[i].fs;
            pthread_mutex_unlock(&pool_lock);
            return BT_OK;
        }
    pthread_mutex_unlock(&pool_lock);
    bt_status st = bt_fontset_open(dir, out, e);
    if (st) return st;
    pthread_mutex_lock(&pool_lock);
    pool = bt_xrealloc(pool, (npool + 1) * sizeof *pool);
    pool[npool].dir = bt_xstrdup(key);
    pool[npool].fs = *out;
    pool[npool].busy = 1;
    npool++;
    pthread_mutex_unlock(&pool_lock);
    return BT_OK;
}

void bt_fontset_release(bt_fontset *fs)
{
    if (!fs) return;
    pthread_mutex_lock(&pool_lock);
    for (size_t i = 0; i < npool; i++)
        if (pool[i].fs == fs) pool[i].busy = 0;
    pthread_mutex_unlock(&pool_lock);
}

/* ---------------------------------------------------------------- coverage and metrics */

static face_rec *rec(bt_fontset *fs, bt_face face)
{
    if ((int)face < 0 || face >= BT_NFACES) face = BT_FACE_REGULAR;
    face_rec *r = &fs->f[fs->alias[face]];
    return r->loaded ? r : &fs->f[BT_FACE_REGULAR];
}

int bt_font_ignorable(uint32_t cp)
{
    if (cp < 0x00AD || (cp > 0x180F && cp < 0x200B)) return 0; /* Latin, Vietnamese: at once */
    return cp == 0x00AD || cp == 0x034F || cp == 0x061C || (cp >= 0x115F && cp <= 0x1160) ||
           (cp >= 0x17B4 && cp <= 0x17B5) || (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F) ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8) ||
           (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) ||
           (cp >= 0xE0000 && cp <= 0xE0FFF);
}

int bt_font_has(bt_fontset *fs, bt_face face, uint32_t cp)
{
    if ((int)face < 0 || face >= BT_NFACES) face = BT_FACE_REGULAR;
    face_rec *r = &fs->f[fs->alias[face]];
    uint16_t g;
    int a;
    return r->loaded && nominal(r, cp, &g, &a);
}

int bt_font_advance(bt_fontset *fs, bt_face face, uint32_t cp)
{
    face_rec *r = rec(fs, face);
    if (bt_font_ignorable(cp)) return 0;
    uint16_t g;
    int a;
    return nominal(r, cp, &g, &a) ? a : r->standin_w;
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
    if (bt_font_ignorable(cp) || bt_font_has(fs, face, cp)) return face;
    load_fallback(fs);
    if (bt_font_has(fs, BT_FACE_FALLBACK, cp)) return BT_FACE_FALLBACK;
    if (missing) *missing = 1;
    return face;
}

double bt_font_width(bt_fontset *fs, bt_face face, double size, const char *s, size_t len)
{
    const bt_glyph *g;
    long w = 0;
    bt_font_shape(fs, face, s, len, &g, &w);
    return (double)w * size / 1000.0;
}

void bt_font_vmetrics(bt_fontset *fs, bt_face face, int *ascent, int *descent)
{
    face_rec *r = rec(fs, face);
    if (ascent) *ascent = r->ascent;
    if (descent) *descent = r->descent;
}

/* ---------------------------------------------------------------- shaping */

static void *arena_alloc(cgen *g, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    ablock *b = g->arena;
    if (!b || b->cap - b->used < n) {
        /* blocks in mappings of their own (bt_big_realloc), not the heap: a generation dropped
         * goes back to the system whole, instead of leaving holes among the heap's other blocks
         * (a little under ARENA_BLOCK: the mapping's own header shares its pages) */
        size_t cap = ARENA_BLOCK - sizeof *b - sizeof(max_align_t);
        if (n > cap) cap = n;
        b = bt_big_realloc(NULL, sizeof *b + cap);
        b->next = g->arena;
        b->used = 0;
        b->cap = cap;
        g->arena = b;
        g->bytes += sizeof *b + cap;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

static uint32_t hash_key(int face, const char *s, size_t len)
{
    uint32_t h = 2166136261u ^ (uint32_t)face;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h ? h : 1;
}

static centry *cache_find(const cgen *g, uint32_t h, int face, const char *s, size_t len)
{
    if (!g->tab) return NULL;
    for (size_t i = h & (g->tabcap - 1);; i = (i + 1) & (g->tabcap - 1)) {
        centry *c = g->tab[i];
        if (!c) return NULL;
        if (c->hash == h && c->face == face && c->len == len && memcmp(c->key, s, len) == 0) return c;
    }
}

static void cache_put(cgen *g, centry *c)
{
    if ((g->tabn + 1) * 2 > g->tabcap) {
        size_t cap = g->tabcap ? g->tabcap * 2 : 4096;
        centry **t = bt_xcalloc(cap, sizeof *t);
        for (size_t i = 0; i < g->tabcap; i++) {
            centry *o = g->tab[i];
            if (!o) continue;
            size_t k = o->hash & (cap - 1);
            while (t[k]) k = (k + 1) & (cap - 1);
            t[k] = o;
        }
        free(g->tab);
        g->tab = t;
        g->tabcap = cap;
    }
    size_t k = c->hash & (g->tabcap - 1);
    while (g->tab[k]) k = (k + 1) & (g->tabcap - 1);
    g->tab[k] = c;
    g->tabn++;
}

/* Kerning from HarfBuzz when it keeps one glyph per character, each the character's own
 * glyph with no offset; otherwise (ligatures, marks, other scripts) the nominal advances stay. */
static void kern(bt_fontset *fs, face_rec *r, bt_glyph *g, size_t n)
{
    static const hb_feature_t off[] = {
        {HB_TAG('l', 'i', 'g', 'a'), 0, 0, (unsigned)-1}, {HB_TAG('c', 'l', 'i', 'g'), 0, 0, (unsigned)-1},
        {HB_TAG('d', 'l', 'i', 'g'), 0, 0, (unsigned)-1}, {HB_TAG('h', 'l', 'i', 'g'), 0, 0, (unsigned)-1},
        {HB_TAG('c', 'a', 'l', 't'), 0, 0, (unsigned)-1}, {HB_TAG('c', 'c', 'm', 'p'), 0, 0, (unsigned)-1},
        {HB_TAG('l', 'o', 'c', 'l'), 0, 0, (unsigned)-1}, {HB_TAG('r', 'l', 'i', 'g'), 0, 0, (unsigned)-1},
        {HB_TAG('r', 'c', 'l', 't'), 0, 0, (unsigned)-1},
    };
    hb_buffer_t *b = fs->buf;
    hb_buffer_clear_contents(b);
    for (size_t i = 0; i < n; i++) hb_buffer_add(b, g[i].cp, (unsigned)i);
    hb_buffer_set_content_type(b, HB_BUFFER_CONTENT_TYPE_UNICODE);
    hb_buffer_guess_segment_properties(b);
    hb_buffer_set_direction(b, HB_DIRECTION_LTR);
    hb_buffer_set_cluster_level(b, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
    hb_shape(r->font, b, off, sizeof off / sizeof off[0]);
    unsigned m = 0;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(b, &m);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, NULL);
    if (m != n) return;
    for (size_t i = 0; i < n; i++)
        if (info[i].cluster != i || info[i].codepoint != g[i].gid || pos[i].x_offset || pos[i].y_offset ||
            pos[i].y_advance)
            return;
    for (size_t i = 0; i < n; i++) {
        int a = to1000(r, pos[i].x_advance);
        if (a < -32767) a = -32767;
        if (a > 32767) a = 32767;
        g[i].adv = (int16_t)a;
    }
}

/* bt_font_shape, and in *own whether every character is the face's own or default-ignorable. */
static size_t shape(bt_fontset *fs, bt_face face, const char *s, size_t len, const bt_glyph **out, long *width,
                    int *own)
{
    if ((int)face < 0 || face >= BT_NFACES) face = BT_FACE_REGULAR;
    face_rec *r = rec(fs, face);
    int fi = (int)(r - fs->f);
    uint32_t h = 0;
    if (len + 1 > fs->scratch_cap) {
        fs->scratch_cap = len + 16;
        fs->scratch = bt_xrealloc(fs->scratch, fs->scratch_cap * sizeof *fs->scratch);
    }
    size_t n = 0;
    long w = 0;
    int mine = 1;
    if (len <= SHAPE_KEY_MAX) {
        h = hash_key(fi, s, len);
        centry *c = cache_find(&fs->cur, h, fi, s, len);
        if (c) {
            *out = c->g;
            if (width) *width = c->width;
            *own = c->own;
            return c->n;
        }
        c = cache_find(&fs->old, h, fi, s, len);
        if (c) { /* still in use: into the current generation (from scratch: the older one may
                  * be dropped to make room) */
            n = c->n;
            memcpy(fs->scratch, c->g, n * sizeof *c->g);
            w = c->width;
            mine = c->own;
            goto keep;
        }
    }
    size_t i = 0;
    int plain = 1; /* every character present and drawn */
    while (i < len) {
        uint32_t cp;
        size_t k = bt_utf8_decode(s + i, len - i, &cp);
        if (!k) {
            k = 1;
            cp = 0xFFFD;
            mine = 0; /* (bt_font_pick would be asked about another character) */
        }
        i += k;
        bt_glyph *g = &fs->scratch[n++];
        g->cp = cp;
        uint16_t gid;
        int a;
        if (bt_font_ignorable(cp)) {
            g->gid = r->space_gid;
            g->w = r->space_w;
            g->adv = 0;
            plain = 0;
        } else if (nominal(r, cp, &gid, &a)) {
            g->gid = gid;
            g->w = g->adv = (int16_t)a;
        } else {
            g->gid = r->standin;
            g->w = g->adv = r->standin_w;
            plain = 0;
            mine = 0;
        }
    }
    if (plain && n > 1) kern(fs, r, fs->scratch, n);
    for (size_t k = 0; k < n; k++) w += fs->scratch[k].adv;
keep:
    *own = mine;
    if (width) *width = w;
    if (len <= SHAPE_KEY_MAX) {
        /* a full generation is turned over before the new entry is allocated, not after (the
         * entry would go with the older one) */
        if (fs->cur.bytes > SHAPE_CACHE_MAX / 2) {
            cache_clear(&fs->old);
            fs->old = fs->cur;
            memset(&fs->cur, 0, sizeof fs->cur);
        }
        centry *c = arena_alloc(&fs->cur, sizeof *c);
        char *key = arena_alloc(&fs->cur, len ? len : 1);
        bt_glyph *g = arena_alloc(&fs->cur, (n ? n : 1) * sizeof *g);
        memcpy(key, s, len);
        memcpy(g, fs->scratch, n * sizeof *g);
        c->hash = h;
        c->len = (uint16_t)len;
        c->face = (uint8_t)fi;
        c->n = (uint32_t)n;
        c->own = (uint8_t)mine;
        c->width = w;
        c->key = key;
        c->g = g;
        cache_put(&fs->cur, c);
        *out = g;
    } else {
        *out = fs->scratch;
    }
    return n;
}

size_t bt_font_shape(bt_fontset *fs, bt_face face, const char *s, size_t len, const bt_glyph **out,
                     long *width)
{
    int own;
    return shape(fs, face, s, len, out, width, &own);
}

int bt_font_own_width(bt_fontset *fs, bt_face face, const char *s, size_t len, long *width)
{
    if ((int)face < 0 || face >= BT_NFACES) face = BT_FACE_REGULAR;
    /* (bt_font_pick asks the slot's own face, which may not be the one that shapes for it) */
    if (!fs->f[fs->alias[face]].loaded) return 0;
    const bt_glyph *g;
    int own = 0;
    shape(fs, face, s, len, &g, width, &own);
    return own;
}

/* ---------------------------------------------------------------- face facts */

static int be16s(const char *p) { return (int16_t)((unsigned)(unsigned char)p[0] << 8 | (unsigned char)p[1]); }

void bt_font_info(bt_fontset *fs, bt_face face, bt_face_info *o)
{
    face_rec *r = rec(fs, face);
    memset(o, 0, sizeof *o);
    char name[128];
    unsigned nlen = sizeof name;
    nlen = hb_ot_name_get_utf8(r->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, hb_language_from_string("en", -1), &nlen,
                               name);
    size_t k = 0;
    for (unsigned i = 0; i < nlen && k + 1 < sizeof o->psname; i++) {
        char c = name[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
            o->psname[k++] = c;
    }
    if (k == 0) {
        /* from the file name: "NotoSerif-Bold.ttf" -> "NotoSerif-Bold" */
        const char *b = strrchr(r->path, '/');
        b = b ? b + 1 : r->path;
        for (; *b && *b != '.' && k + 1 < sizeof o->psname; b++)
            if ((*b >= 'A' && *b <= 'Z') || (*b >= 'a' && *b <= 'z') || (*b >= '0' && *b <= '9') || *b == '-')
                o->psname[k++] = *b;
        if (k == 0) memcpy(o->psname, "Font", 5), k = 4;
    }
    o->psname[k] = '\0';
    o->ascent = r->ascent;
    o->descent = r->descent;
    hb_position_t cap = 0;
    o->cap_height = hb_ot_metrics_get_position(r->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap) ? to1000(r, cap)
                                                                                            : r->ascent;
    hb_blob_t *head = hb_face_reference_table(r->face, HB_TAG('h', 'e', 'a', 'd'));
    unsigned hl = 0;
    const char *hd = hb_blob_get_data(head, &hl);
    if (hd && hl >= 44)
        for (int i = 0; i < 4; i++) o->bbox[i] = to1000(r, be16s(hd + 36 + 2 * i));
    hb_blob_destroy(head);
    o->italic_angle = hb_style_get_value(r->font, HB_STYLE_TAG_SLANT_ANGLE);
    o->weight = (int)lround(hb_style_get_value(r->font, HB_STYLE_TAG_WEIGHT));
    if (o->weight < 100 || o->weight > 900) o->weight = 400;
    o->italic = hb_style_get_value(r->font, HB_STYLE_TAG_ITALIC) > 0.5f || o->italic_angle != 0;
    o->space_w = r->space_w;
    o->space_gid = r->space_gid;
}

/* ---------------------------------------------------------------- subsetting */

/* The tables a PDF CIDFontType2 needs: the outlines and their metrics. */
static const char outline_tables[][5] = {"glyf", "loca", "head", "hhea", "hmtx", "maxp"};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

typedef struct {
    void *addr;
    size_t len;
} mapping;

static void unmap(void *user)
{
    mapping *m = user;
    munmap(m->addr, m->len);
    free(m);
}

/* The face's file as a font of only its outline tables: a private copy-on-write mapping of the
 * file whose table directory lists those tables alone (one page is copied; the tables stay where
 * they are). hb-subset plans a subset by walking the source's cmap (a hash map of every mapped
 * character) and its layout tables, even when given glyphs and told to drop those tables: most
 * of a subset's time. Without them the plan holds just the glyphs and their components, and the
 * subset is the same font. NULL (subset from the full face) when the file is not a plain
 * TrueType file or cannot be mapped. */
static hb_face_t *outline_face(face_rec *r)
{
    if (r->outl_tried) return r->outl;
    r->outl_tried = 1;
    int fd = open(r->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    unsigned char *p = MAP_FAILED;
    if (fstat(fd, &st) == 0 && st.st_size >= 12 && (uint64_t)st.st_size < ((uint64_t)1 << 31))
        p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) return NULL;
    size_t len = (size_t)st.st_size;
    unsigned ntab = (unsigned)p[4] << 8 | p[5];
    uint32_t ver = be32(p);
    if ((ver != 0x00010000u && ver != 0x74727565u /* 'true' */) || 12 + 16 * (size_t)ntab > len) {
        munmap(p, len);
        return NULL;
    }
    unsigned k = 0;
    for (unsigned i = 0; i < ntab; i++) {
        const unsigned char *ent = p + 12 + 16 * i;
        int want = 0;
        for (size_t j = 0; j < sizeof outline_tables / sizeof outline_tables[0]; j++)
            if (memcmp(ent, outline_tables[j], 4) == 0) want = 1;
        if (!want) continue;
        if (k != i) memmove(p + 12 + 16 * k, ent, 16); /* (entries stay sorted by tag) */
        k++;
    }
    unsigned es = 0;
    while ((2u << es) <= k) es++;
    put16(p + 4, k);
    put16(p + 6, 16u << es);
    put16(p + 8, es);
    put16(p + 10, k * 16 - (16u << es));
    mapping *m = bt_xmalloc(sizeof *m);
    m->addr = p;
    m->len = len;
    hb_blob_t *blob = hb_blob_create((const char *)p, (unsigned)len, HB_MEMORY_MODE_READONLY, m, unmap);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_blob_destroy(blob);
    if (hb_face_get_glyph_count(face) != hb_face_get_glyph_count(r->face)) {
        hb_face_destroy(face);
        return NULL;
    }
    r->outl = face;
    return face;
}

bt_status bt_font_subset(bt_fontset *fs, bt_face face, const uint16_t *gids, size_t n, uint16_t *newgid,
                         unsigned char **data, size_t *len, bt_err *e)
{
    *data = NULL;
    *len = 0;
    face_rec *r = rec(fs, face);
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) return bt_err_set(e, BT_ENOMEM, "hb-subset: out of memory");
    hb_set_t *gs = hb_subset_input_glyph_set(in);
    hb_set_add(gs, 0);
    for (size_t i = 0; i < n; i++) hb_set_add(gs, gids[i]);
    hb_set_clear(hb_subset_input_unicode_set(in));
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    /* everything but the outlines and their metrics */
    hb_face_t *src = outline_face(r);
    if (!src) src = r->face;
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    hb_set_clear(drop);
    unsigned ntab = hb_face_get_table_tags(src, 0, NULL, NULL);
    hb_tag_t *tags = bt_xmalloc((ntab ? ntab : 1) * sizeof *tags);
    hb_face_get_table_tags(src, 0, &ntab, tags);
    for (unsigned i = 0; i < ntab; i++) {
        int k = 0;
        for (size_t j = 0; j < sizeof outline_tables / sizeof outline_tables[0]; j++)
            if (tags[i] == hb_tag_from_string(outline_tables[j], 4)) k = 1;
        if (!k) hb_set_add(drop, tags[i]);
    }
    free(tags);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(src, in);
    hb_subset_input_destroy(in);
    if (!plan) return bt_err_set(e, BT_EFONT, "%s: subsetting failed", r->path);
    const hb_map_t *map = hb_subset_plan_old_to_new_glyph_mapping(plan);
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        hb_codepoint_t v = hb_map_get(map, gids[i]);
        if (v == HB_MAP_VALUE_INVALID || v > 0xFFFF) ok = 0;
        else newgid[i] = (uint16_t)v;
    }
    hb_face_t *sub = ok ? hb_subset_plan_execute_or_fail(plan) : NULL;
    hb_subset_plan_destroy(plan);
    if (!sub) return bt_err_set(e, BT_EFONT, "%s: subsetting failed", r->path);
    hb_blob_t *blob = hb_face_reference_blob(sub);
    unsigned bl = 0;
    const char *bd = hb_blob_get_data(blob, &bl);
    bt_status st = BT_OK;
    if (!bd || bl == 0) {
        st = bt_err_set(e, BT_EFONT, "%s: subsetting gave an empty font", r->path);
    } else {
        *data = bt_xmalloc(bl);
        memcpy(*data, bd, bl);
        *len = bl;
    }
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    return st;
}

bt_face bt_font_resolve(const bt_fontset *fs, bt_face face)
{
    if ((int)face < 0 || face >= BT_NFACES) return BT_FACE_REGULAR;
    int a = fs->alias[face];
    return fs->f[a].loaded ? (bt_face)a : BT_FACE_REGULAR;
}

int bt_font_loaded(const bt_fontset *fs, bt_face face)
{
    if ((int)face < 0 || face >= BT_NFACES) return 0;
    return fs->f[fs->alias[face]].loaded;
}

const char *bt_font_path(const bt_fontset *fs, bt_face face)
{
    if ((int)face < 0 || face >= BT_NFACES) return NULL;
    return fs->f[fs->alias[face]].path;
}

bt_status bt_font_subset_mem(bt_fontset *fs, bt_face face, const uint32_t *cps, size_t n,
                             unsigned char **out, size_t *len, bt_err *e)
{
    *out = NULL;
    *len = 0;
    face_rec *r = rec(fs, face);
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

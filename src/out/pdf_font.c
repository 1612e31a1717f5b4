/* pdf_font.c - glyphs, CIDs, /W and ToUnicode of the fonts of one PDF (see pdf_font.h). */
#include "pdf_font.h"

#include <stdlib.h>
#include <string.h>

#include "pdf_content.h"

/* One (glyph, character) pair drawn with a face. */
typedef struct {
    uint64_t key; /* gid << 32 | cp, 0 = empty slot (gid 0 is never drawn) */
    uint16_t cid;
    int16_t w;
} pair;

typedef struct {
    pair *tab;
    size_t cap, n;
    bt_pdffont_face out;
} facedata;

struct bt_pdffonts {
    bt_fontset *fs;
    facedata f[BT_NFACES];
};

bt_pdffonts *bt_pdffonts_new(bt_fontset *fs)
{
    bt_pdffonts *pf = bt_xcalloc(1, sizeof *pf);
    pf->fs = fs;
    return pf;
}

void bt_pdffonts_free(bt_pdffonts *pf)
{
    if (!pf) return;
    for (int i = 0; i < BT_NFACES; i++) {
        free(pf->f[i].tab);
        free(pf->f[i].out.program);
        free(pf->f[i].out.widths);
        free(pf->f[i].out.tounicode);
        free(pf->f[i].out.cidtogid);
        free(pf->f[i].out.encoding);
    }
    free(pf);
}

static size_t slot(uint64_t key, size_t cap)
{
    uint64_t h = key * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 17) & (cap - 1);
}

static pair *find(const facedata *fd, uint64_t key)
{
    if (!fd->tab) return NULL;
    for (size_t i = slot(key, fd->cap);; i = (i + 1) & (fd->cap - 1)) {
        if (fd->tab[i].key == key) return &fd->tab[i];
        if (fd->tab[i].key == 0) return NULL;
    }
}

static void insert(facedata *fd, uint64_t key, int16_t w)
{
    if ((fd->n + 1) * 2 > fd->cap) {
        size_t cap = fd->cap ? fd->cap * 2 : 256;
        pair *t = bt_xcalloc(cap, sizeof *t);
        for (size_t i = 0; i < fd->cap; i++) {
            if (!fd->tab[i].key) continue;
            size_t k = slot(fd->tab[i].key, cap);
            while (t[k].key) k = (k + 1) & (cap - 1);
            t[k] = fd->tab[i];
        }
        free(fd->tab);
        fd->tab = t;
        fd->cap = cap;
    }
    size_t k = slot(key, fd->cap);
    while (fd->tab[k].key) {
        if (fd->tab[k].key == key) return;
        k = (k + 1) & (fd->cap - 1);
    }
    fd->tab[k].key = key;
    fd->tab[k].w = w;
    fd->n++;
}

void bt_pdffonts_use(bt_pdffonts *pf, bt_face face, const bt_glyph *g, size_t n)
{
    facedata *fd = &pf->f[bt_font_resolve(pf->fs, face)];
    for (size_t i = 0; i < n; i++) {
        if (g[i].gid == 0) continue;
        uint64_t key = (uint64_t)g[i].gid << 32 | g[i].cp;
        pair *p = find(fd, key);
        if (!p) insert(fd, key, g[i].w);
    }
}

static int cmp_pair(const void *a, const void *b)
{
    uint64_t x = ((const pair *)a)->key, y = ((const pair *)b)->key;
    return x < y ? -1 : x > y;
}

typedef struct {
    uint16_t cid;
    int16_t w;
    uint32_t cp;
} cidmap;

static int cmp_cid(const void *a, const void *b)
{
    return (int)((const cidmap *)a)->cid - (int)((const cidmap *)b)->cid;
}

static const char hexdig[] = "0123456789ABCDEF";

/* Four hexadecimal digits of v at t. */
static void put_hex4(char *t, unsigned v)
{
    for (int i = 3; i >= 0; i--, v >>= 4) t[i] = hexdig[v & 15];
}

/* "<XXXX>": v as four hexadecimal digits in angle brackets (no printf: thousands per face). */
static void hex4(bt_buf *b, unsigned v)
{
    char t[6] = {'<', 0, 0, 0, 0, '>'};
    put_hex4(t + 1, v);
    bt_buf_add(b, t, 6);
}

/* A ToUnicode CMap for m[0..n) (sorted by CID): runs of consecutive CIDs within one high byte
 * as bfrange, with one starting character when the characters run on too, else with an
 * array of them; characters beyond the BMP as UTF-16 surrogate pairs. */
static void utf16(bt_buf *b, uint32_t cp)
{
    if (cp > 0xFFFF) {
        uint32_t v = cp - 0x10000;
        char t[10] = {'<', 0, 0, 0, 0, 0, 0, 0, 0, '>'};
        put_hex4(t + 1, 0xD800 + (v >> 10));
        put_hex4(t + 5, 0xDC00 + (v & 0x3FF));
        bt_buf_add(b, t, 10);
    } else {
        hex4(b, cp);
    }
}

static char *tounicode(const cidmap *m, size_t n, int space1, unsigned base)
{
    bt_buf b = {0};
    bt_buf_adds(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n");
    if (space1)
        bt_buf_adds(&b, "2 begincodespacerange\n<20> <20>\n<0000> <1FFF>\nendcodespacerange\n"
                        "1 beginbfchar\n<20> <0020>\nendbfchar\n");
    else
        bt_buf_adds(&b, "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    typedef struct {
        size_t i, n;
    } run;
    run *runs = bt_xmalloc((n ? n : 1) * sizeof *runs);
    size_t nr = 0;
    for (size_t i = 0; i < n;) {
        size_t k = i + 1;
        while (k < n && m[k].cid == m[k - 1].cid + 1 && ((m[k].cid + base) & 0xFF) != 0) k++;
        runs[nr++] = (run){i, k - i};
        i = k;
    }
    for (size_t i = 0; i < nr; i += 100) {
        size_t cnt = nr - i < 100 ? nr - i : 100;
        bt_buf_printf(&b, "%zu beginbfrange\n", cnt);
        for (size_t k = i; k < i + cnt; k++) {
            const cidmap *c = &m[runs[k].i];
            size_t len = runs[k].n;
            int seq = c->cp <= 0xFFFF;
            for (size_t j = 1; j < len && seq; j++) seq = c[j].cp == c->cp + j && c[j].cp <= 0xFFFF;
            hex4(&b, c->cid + base);
            bt_buf_addc(&b, ' ');
            hex4(&b, (unsigned)(c->cid + base + len - 1));
            bt_buf_addc(&b, ' ');
            if (seq) {
                utf16(&b, c->cp);
            } else {
                bt_buf_addc(&b, '[');
                for (size_t j = 0; j < len; j++) utf16(&b, c[j].cp);
                bt_buf_addc(&b, ']');
            }
            bt_buf_addc(&b, '\n');
        }
        bt_buf_adds(&b, "endbfrange\n");
    }
    free(runs);
    bt_buf_adds(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    return bt_buf_detach(&b, NULL);
}

/* Six capital letters from the glyphs drawn: the same subset gets the same tag. */
static void subset_tag(const pair *p, size_t n, int face, char tag[7])
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)face;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i].key) * 1099511628211ULL;
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = '\0';
}

static bt_status finish_face(bt_pdffonts *pf, int face, facedata *fd, bt_err *e)
{
    /* the pairs in a fixed order, whatever the hash table did */
    pair *p = bt_xmalloc(fd->n * sizeof *p);
    size_t n = 0;
    for (size_t i = 0; i < fd->cap; i++)
        if (fd->tab[i].key) p[n++] = fd->tab[i];
    qsort(p, n, sizeof *p, cmp_pair);
    /* distinct glyphs */
    uint16_t *gids = bt_xmalloc(n * sizeof *gids), *newg = bt_xmalloc(n * sizeof *newg);
    size_t ng = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t g = (uint16_t)(p[i].key >> 32);
        if (!ng || gids[ng - 1] != g) gids[ng++] = g;
    }
    bt_pdffont_face *o = &fd->out;
    bt_status st = bt_font_subset(pf->fs, (bt_face)face, gids, ng, newg, &o->program, &o->program_len, e);
    if (st) {
        free(p);
        free(gids);
        free(newg);
        return st;
    }
    /* CIDs: the subset's glyph number for a glyph's first character, extra ones after the
     * highest glyph number for its further characters */
    uint16_t maxg = 0;
    for (size_t i = 0; i < ng; i++)
        if (newg[i] > maxg) maxg = newg[i];
    unsigned next = (unsigned)maxg + 1;
    cidmap *m = bt_xmalloc(n * sizeof *m);
    int extra = 0;
    bt_font_info(pf->fs, (bt_face)face, &o->info);
    /* The word space gets CID 32 whatever its glyph number: poppler hands CIDs, not codes, to
     * its text extraction and takes word spacing (Tw) off the width of whatever has CID 32. */
    int space32 = 0;
    for (size_t i = 0; i < n && !space32; i++)
        space32 = (uint32_t)p[i].key == ' ' && (uint16_t)(p[i].key >> 32) == o->info.space_gid;
    space32 = space32 && maxg < 0x1E00;
    if (space32 && next <= 32) next = 33; /* CID 32 lies past the glyphs of a small subset */
    for (size_t i = 0, gi = 0; i < n; i++) {
        uint16_t g = (uint16_t)(p[i].key >> 32);
        uint32_t cp = (uint32_t)p[i].key;
        while (gids[gi] != g) gi++;
        int first = i == 0 || (uint16_t)(p[i - 1].key >> 32) != g;
        unsigned cid = first ? newg[gi] : next++;
        if (space32 && cp == ' ' && g == o->info.space_gid) {
            cid = 32;
            if (newg[gi] != 32) extra = 1;
        } else if (space32 && cid == 32) {
            cid = next++;
            extra = 1;
        }
        if (cid > 0xFFFF) cid = newg[gi]; /* cannot happen with 64 Ki glyphs at most */
        if (!first) extra = 1;
        pair *q = find(fd, p[i].key);
        q->cid = (uint16_t)cid;
        m[i].cid = (uint16_t)cid;
        m[i].w = p[i].w;
        m[i].cp = cp;
        if (cp == ' ' && g == o->info.space_gid) o->space_cid = (uint16_t)cid;
    }
    qsort(m, n, sizeof *m, cmp_cid);
    /* /W: runs of consecutive CIDs */
    bt_buf w = {0};
    bt_buf_addc(&w, '[');
    for (size_t i = 0; i < n;) {
        size_t k = i + 1;
        while (k < n && m[k].cid == m[k - 1].cid + 1) k++;
        if (i) bt_buf_addc(&w, ' ');
        bt_pdf_num(&w, m[i].cid, 0);
        bt_buf_adds(&w, " [");
        for (size_t j = i; j < k; j++) {
            if (j > i) bt_buf_addc(&w, ' ');
            bt_pdf_num(&w, m[j].w, 0);
        }
        bt_buf_addc(&w, ']');
        i = k;
    }
    bt_buf_addc(&w, ']');
    o->widths = bt_buf_detach(&w, NULL);
    unsigned maxcid = n ? m[n - 1].cid : 0;
    int space1 = o->space_cid && maxcid < 0x1F00;
    o->code_base = space1 ? 0x100 : 0;
    o->tounicode = tounicode(m, n, space1, o->code_base);
    if (space1) {
        bt_buf c = {0};
        bt_buf_adds(&c, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> def\n"
                        "/CMapName /Bantin-Space-H def\n/CMapType 1 def\n/WMode 0 def\n"
                        "2 begincodespacerange\n<20> <20>\n<0000> <1FFF>\nendcodespacerange\n");
        bt_buf_printf(&c, "1 begincidchar\n<20> %u\nendcidchar\n", (unsigned)o->space_cid);
        unsigned blocks = maxcid / 256 + 1;
        bt_buf_printf(&c, "%u begincidrange\n", blocks);
        for (unsigned k = 0; k < blocks; k++) bt_buf_printf(&c, "<%02X00> <%02XFF> %u\n", k + 1, k + 1, k * 256);
        bt_buf_adds(&c, "endcidrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        o->encoding = bt_buf_detach(&c, NULL);
    }
    if (extra) {
        /* CIDToGIDMap: identity up to the highest glyph, then the extra CIDs */
        unsigned ncid = next;
        o->cidtogid_len = 2 * (size_t)ncid;
        o->cidtogid = bt_xcalloc(1, o->cidtogid_len);
        for (unsigned c = 0; c <= maxg; c++) {
            o->cidtogid[2 * c] = (unsigned char)(c >> 8);
            o->cidtogid[2 * c + 1] = (unsigned char)c;
        }
        for (size_t i = 0, gi = 0; i < n; i++) {
            uint16_t g = (uint16_t)(p[i].key >> 32);
            while (gids[gi] != g) gi++;
            unsigned cid = find(fd, p[i].key)->cid;
            o->cidtogid[2 * cid] = (unsigned char)(newg[gi] >> 8);
            o->cidtogid[2 * cid + 1] = (unsigned char)newg[gi];
        }
    }
    char tag[7];
    subset_tag(p, n, face, tag);
    snprintf(o->basefont, sizeof o->basefont, "%s+%s", tag, o->info.psname);
    o->used = 1;
    free(m);
    free(p);
    free(gids);
    free(newg);
    return BT_OK;
}

bt_status bt_pdffonts_finish(bt_pdffonts *pf, bt_err *e)
{
    for (int f = 0; f < BT_NFACES; f++) {
        facedata *fd = &pf->f[f];
        if (fd->n == 0 || fd->out.used) continue;
        bt_status st = finish_face(pf, f, fd, e);
        if (st) return st;
    }
    return BT_OK;
}

uint16_t bt_pdffonts_cid(const bt_pdffonts *pf, bt_face face, uint16_t gid, uint32_t cp)
{
    const facedata *fd = &pf->f[bt_font_resolve(pf->fs, face)];
    const pair *p = find(fd, (uint64_t)gid << 32 | cp);
    return p ? p->cid : 0;
}

const bt_pdffont_face *bt_pdffonts_face(const bt_pdffonts *pf, bt_face face)
{
    return &pf->f[bt_font_resolve(pf->fs, face)].out;
}

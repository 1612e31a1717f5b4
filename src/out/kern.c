/* kern.c - a face's GPOS pair kerning read and applied the way HarfBuzz 6 applies it to a
 * plain run (see kern.h for which runs). Every table offset and array is checked when a plan
 * is made; applying reads only what was checked. */
#include "kern.h"

#include <stdlib.h>
#include <string.h>

#include <hb-ot.h>

#include "util.h"

#define NOT_COVERED 0xFFFFFFFFu
#define NO_INDEX 0xFFFFu
/* Scripts a run may have here: none (common characters only), Latin, Greek, Cyrillic. */
#define MAX_PLANS 4

typedef struct {
    const unsigned char *p;
    uint32_t n;
} tab;

/* One subtable of a lookup, resolved through any extension. Offsets are from the start of
 * GPOS; 0 means none (HarfBuzz reads a null offset as an empty table). */
typedef struct {
    uint8_t type;  /* 1 single adjustment, 2 pair adjustment; 4, 5, 6 mark attachment (only
                    * their coverage is read) */
    uint8_t fmt;   /* single: 1 (one value) or 2 (a value per glyph); pair: 1 (glyph pairs) or
                    * 2 (class pairs) */
    uint16_t vf1, vf2, len1, len2;
    uint32_t cov;  /* the first glyph's coverage (a mark lookup's mark coverage) */
    uint32_t sets; /* single: the values; pair fmt 1: the subtable (pair set offsets from it);
                    * pair fmt 2: the value records */
    uint32_t nsets;
    uint32_t cd1, cd2;
    uint16_t c1n, c2n;
} ksub;

typedef struct {
    uint16_t flag;
    uint32_t first, n; /* its subtables in the plan's array */
} klook;

/* What one subtable says of one glyph, looked up once: its coverage index, and for class
 * pairs its class as a first and as a second glyph. */
typedef struct {
    uint32_t cov;
    uint16_t c1, c2;
} gfact;

/* Glyphs a plan remembers facts of (a page of text uses a few hundred at most); past that,
 * HarfBuzz shapes the runs with new glyphs. */
#define MAX_ROWS 4096

typedef struct {
    hb_script_t script;
    int ok; /* 0: HarfBuzz shapes runs of this script */
    klook *look;
    size_t nlook;
    ksub *sub;
    size_t nsub, subcap;
    uint32_t *rowtab; /* open addressing: glyph << 16 | 1 + its row of facts (nsub of them); 0 empty */
    size_t tabcap;
    gfact *facts;
    uint32_t *lmask; /* per row: bit l set when a subtable of lookup l (l < 32) covers the glyph */
    size_t nrows, rowcap;
} kplan;

struct bt_kern {
    hb_blob_t *blob[3]; /* GPOS, GSUB, GDEF */
    tab gpos, gsub, gdef;
    uint32_t classdef; /* GDEF's glyph class definitions; 0: classes from Unicode (all bases here) */
    int old_kern;      /* a 'kern' table, which HarfBuzz applies when GPOS has no kern feature */
    kplan plan[MAX_PLANS];
    int nplan;
};

static int have(const tab *t, uint32_t off, uint64_t size)
{
    return off <= t->n && size <= (uint64_t)(t->n - off);
}

static unsigned u16(const tab *t, uint32_t off) { return (unsigned)t->p[off] << 8 | t->p[off + 1]; }

static int s16(const tab *t, uint32_t off) { return (int16_t)(uint16_t)u16(t, off); }

static uint32_t u32(const tab *t, uint32_t off)
{
    return (uint32_t)t->p[off] << 24 | (uint32_t)t->p[off + 1] << 16 | (uint32_t)t->p[off + 2] << 8 | t->p[off + 3];
}

static unsigned popcount16(unsigned v)
{
    unsigned c = 0;
    for (v &= 0xFFFF; v; v &= v - 1) c++;
    return c;
}

/* ---------------------------------------------------------------- coverage and classes */

/* A coverage or class table at off (0: none) that can be read whole. */
static int coverage_ok(const tab *t, uint32_t off)
{
    if (!off) return 1;
    if (!have(t, off, 4)) return 0;
    unsigned fmt = u16(t, off), n = u16(t, off + 2);
    if (fmt == 1) return have(t, off + 4, 2ull * n);
    if (fmt == 2) return have(t, off + 4, 6ull * n);
    return 0;
}

static int classdef_ok(const tab *t, uint32_t off)
{
    if (!off) return 1;
    if (!have(t, off, 4)) return 0;
    unsigned fmt = u16(t, off);
    if (fmt == 1) return have(t, off, 6) && have(t, off + 6, 2ull * u16(t, off + 4));
    if (fmt == 2) return have(t, off + 4, 6ull * u16(t, off + 2));
    return 0;
}

/* The index of the range record holding g among n records of 6 bytes at arr (first, last,
 * value), or -1; the binary search HarfBuzz makes (same probes on any input). */
static int find_range(const tab *t, uint32_t arr, unsigned n, unsigned g)
{
    int min = 0, max = (int)n - 1;
    while (min <= max) {
        int mid = (int)(((unsigned)min + (unsigned)max) / 2);
        uint32_t r = arr + 6u * (unsigned)mid;
        if (g < u16(t, r)) max = mid - 1;
        else if (g > u16(t, r + 2)) min = mid + 1;
        else return mid;
    }
    return -1;
}

/* The index of value v among n 16-bit values spaced stride bytes apart at arr, or -1. */
static int find16(const tab *t, uint32_t arr, unsigned n, unsigned stride, unsigned v)
{
    int min = 0, max = (int)n - 1;
    while (min <= max) {
        int mid = (int)(((unsigned)min + (unsigned)max) / 2);
        unsigned x = u16(t, arr + stride * (unsigned)mid);
        if (v < x) max = mid - 1;
        else if (v > x) min = mid + 1;
        else return mid;
    }
    return -1;
}

static uint32_t coverage(const tab *t, uint32_t off, unsigned g)
{
    if (!off) return NOT_COVERED;
    unsigned n = u16(t, off + 2);
    if (u16(t, off) == 1) {
        int i = find16(t, off + 4, n, 2, g);
        return i < 0 ? NOT_COVERED : (uint32_t)i;
    }
    int i = find_range(t, off + 4, n, g);
    if (i < 0) return NOT_COVERED;
    uint32_t r = off + 4 + 6u * (unsigned)i;
    return u16(t, r + 4) + (g - u16(t, r));
}

static unsigned class_of(const tab *t, uint32_t off, unsigned g)
{
    if (!off) return 0;
    if (u16(t, off) == 1) {
        unsigned start = u16(t, off + 2), n = u16(t, off + 4);
        return g - start < n ? u16(t, off + 6 + 2 * (g - start)) : 0;
    }
    int i = find_range(t, off + 4, u16(t, off + 2), g);
    return i < 0 ? 0 : u16(t, off + 4 + 6u * (unsigned)i + 4);
}

/* ---------------------------------------------------------------- the reader */

static tab table(hb_face_t *face, hb_tag_t tag, hb_blob_t **blob)
{
    *blob = hb_face_reference_table(face, tag);
    unsigned len = 0;
    const char *p = hb_blob_get_data(*blob, &len);
    tab t = {(const unsigned char *)p, p ? len : 0};
    return t;
}

static int has_table(hb_face_t *face, hb_tag_t tag)
{
    hb_blob_t *b = hb_face_reference_table(face, tag);
    int has = hb_blob_get_length(b) > 0;
    hb_blob_destroy(b);
    return has;
}

/* A GSUB or GPOS header HarfBuzz would read the way this does: version 1.0, or 1.1 with no
 * feature variations (a condition set with no conditions would apply them to any font). */
static int layout_ok(const tab *t)
{
    if (!t->n) return 1;
    if (!have(t, 0, 10) || u16(t, 0) != 1) return 0;
    unsigned minor = u16(t, 2);
    if (minor == 0) return 1;
    return minor == 1 && have(t, 0, 14) && u32(t, 10) == 0;
}

bt_kern *bt_kern_new(hb_face_t *face)
{
    /* AAT tables and the old 'kern' table take other paths in HarfBuzz */
    static const hb_tag_t other[] = {HB_TAG('m', 'o', 'r', 'x'), HB_TAG('m', 'o', 'r', 't'), HB_TAG('k', 'e', 'r', 'x'),
                                     HB_TAG('t', 'r', 'a', 'k')};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        if (has_table(face, other[i])) return NULL;
    bt_kern *k = bt_xcalloc(1, sizeof *k);
    k->old_kern = has_table(face, HB_TAG('k', 'e', 'r', 'n'));
    k->gpos = table(face, HB_OT_TAG_GPOS, &k->blob[0]);
    k->gsub = table(face, HB_OT_TAG_GSUB, &k->blob[1]);
    k->gdef = table(face, HB_OT_TAG_GDEF, &k->blob[2]);
    int ok = k->gpos.n > 0 && layout_ok(&k->gpos) && layout_ok(&k->gsub);
    if (ok && k->gdef.n) {
        /* a version 1 GDEF's glyph classes; without them HarfBuzz takes every non-mark as a base */
        if (!have(&k->gdef, 0, 12)) ok = 0;
        else if (u16(&k->gdef, 0) == 1) {
            k->classdef = u16(&k->gdef, 4);
            if (!classdef_ok(&k->gdef, k->classdef)) ok = 0;
        }
    }
    if (!ok) {
        bt_kern_free(k);
        return NULL;
    }
    return k;
}

void bt_kern_free(bt_kern *k)
{
    if (!k) return;
    for (int i = 0; i < k->nplan; i++) {
        free(k->plan[i].look);
        free(k->plan[i].sub);
        free(k->plan[i].rowtab);
        free(k->plan[i].lmask);
        free(k->plan[i].facts);
    }
    for (int i = 0; i < 3; i++) hb_blob_destroy(k->blob[i]);
    free(k);
}

unsigned bt_kern_glyph_props(const bt_kern *k, unsigned gid)
{
    if (!k->classdef) return 2;
    switch (class_of(&k->gdef, k->classdef, gid)) {
    case 1: return 2;
    case 2: return 4;
    case 3: return 8;
    default: return 0;
    }
}

/* ---------------------------------------------------------------- plans */

/* The features HarfBuzz turns on for a left-to-right run of the default shaper, less those
 * kern() in font.c turns off (ligatures, contextual forms, ccmp, locl); frac, numr and dnom
 * only act around U+2044, which font.c leaves to HarfBuzz. */
static const hb_tag_t on_features[] = {
    HB_TAG('r', 'v', 'r', 'n'), HB_TAG('l', 't', 'r', 'a'), HB_TAG('l', 't', 'r', 'm'), HB_TAG('r', 'a', 'n', 'd'),
    HB_TAG('t', 'r', 'a', 'k'), HB_TAG('H', 'a', 'r', 'f'), HB_TAG('H', 'A', 'R', 'F'), HB_TAG('B', 'u', 'z', 'z'),
    HB_TAG('B', 'U', 'Z', 'Z'), HB_TAG('a', 'b', 'v', 'm'), HB_TAG('b', 'l', 'w', 'm'), HB_TAG('m', 'a', 'r', 'k'),
    HB_TAG('m', 'k', 'm', 'k'), HB_TAG('c', 'u', 'r', 's'), HB_TAG('d', 'i', 's', 't'), HB_TAG('k', 'e', 'r', 'n')};

static int feature_on(hb_tag_t tag)
{
    for (size_t i = 0; i < sizeof on_features / sizeof on_features[0]; i++)
        if (tag == on_features[i]) return 1;
    return 0;
}

/* In a record list (count, then tag + 16-bit offset records) at list: the record tagged tag
 * (HarfBuzz's binary search), its index in *idx. */
static int find_record(const tab *t, uint32_t list, hb_tag_t tag, unsigned *idx)
{
    unsigned n = u16(t, list);
    int min = 0, max = (int)n - 1;
    while (min <= max) {
        int mid = (int)(((unsigned)min + (unsigned)max) / 2);
        uint32_t v = u32(t, list + 2 + 6u * (unsigned)mid);
        if (tag < v) max = mid - 1;
        else if (tag > v) min = mid + 1;
        else {
            *idx = (unsigned)mid;
            return 1;
        }
    }
    return 0;
}

static int record_list_ok(const tab *t, uint32_t list) { return have(t, list, 2) && have(t, list + 2, 6ull * u16(t, list)); }

/* The language system HarfBuzz picks in table t for the script and language tags: *ls its
 * offset (0: none, an empty one). Returns 0 when the table does not read cleanly. */
static int pick_langsys(const tab *t, const hb_tag_t *stags, unsigned ns, const hb_tag_t *ltags, unsigned nl,
                        uint32_t *ls)
{
    *ls = 0;
    uint32_t sl = u16(t, 4);
    if (!sl) return 1;
    if (!record_list_ok(t, sl)) return 0;
    unsigned si = 0;
    int found = 0;
    for (unsigned i = 0; i < ns && !found; i++) found = find_record(t, sl, stags[i], &si);
    static const hb_tag_t fallbacks[] = {HB_TAG('D', 'F', 'L', 'T'), HB_TAG('d', 'f', 'l', 't'),
                                         HB_TAG('l', 'a', 't', 'n')};
    for (int i = 0; i < 3 && !found; i++) found = find_record(t, sl, fallbacks[i], &si);
    if (!found) return 1;
    uint32_t so = u16(t, sl + 2 + 6 * si + 4);
    if (!so) return 1;
    uint32_t s = sl + so;
    if (!have(t, s, 4) || !record_list_ok(t, s + 2)) return 0;
    unsigned li = 0;
    int lfound = 0;
    for (unsigned i = 0; i < nl && !lfound; i++) lfound = find_record(t, s + 2, ltags[i], &li);
    if (!lfound) lfound = find_record(t, s + 2, HB_OT_TAG_DEFAULT_LANGUAGE, &li);
    uint32_t lo = lfound ? u16(t, s + 2 + 2 + 6 * li + 4) : u16(t, s);
    if (!lo) return 1;
    *ls = s + lo;
    return have(t, *ls, 6) && have(t, *ls + 6, 2ull * u16(t, *ls + 4));
}

static hb_tag_t feature_tag(const tab *t, unsigned fi)
{
    uint32_t fl = u16(t, 6);
    if (!fl || fi >= u16(t, fl)) return 0;
    return u32(t, fl + 2 + 6 * fi);
}

static void add_sub(kplan *p, const ksub *s)
{
    if (p->nsub == p->subcap) {
        p->subcap = p->subcap ? p->subcap * 2 : 32;
        p->sub = bt_xrealloc(p->sub, p->subcap * sizeof *p->sub);
    }
    p->sub[p->nsub++] = *s;
}

/* Lookup li of GPOS into the plan; 0 when it has a type this does not apply or does not read
 * cleanly. */
static int add_lookup(const tab *t, kplan *p, unsigned li)
{
    uint32_t ll = u16(t, 8);
    uint32_t lo = u16(t, ll + 2 + 2 * li);
    klook *L = &p->look[p->nlook++];
    L->first = (uint32_t)p->nsub;
    L->n = 0;
    L->flag = 0;
    if (!lo) return 1;
    uint32_t lk = ll + lo;
    if (!have(t, lk, 6)) return 0;
    unsigned type = u16(t, lk), flag = u16(t, lk + 2), n = u16(t, lk + 4);
    if (!have(t, lk + 6, 2ull * n + (flag & 0x10 ? 2 : 0))) return 0;
    L->flag = (uint16_t)flag;
    unsigned ext_type = 0;
    for (unsigned i = 0; i < n; i++) {
        uint32_t so = u16(t, lk + 6 + 2 * i);
        if (!so) continue;
        uint32_t st = lk + so;
        unsigned rt = type;
        if (type == 9) {
            if (!have(t, st, 8) || u16(t, st) != 1) return 0;
            rt = u16(t, st + 2);
            if (rt == 9 || (ext_type && rt != ext_type)) return 0;
            ext_type = rt;
            uint32_t eo = u32(t, st + 4);
            if (!eo) continue;
            if (eo > t->n - st) return 0;
            st += eo;
        }
        ksub s;
        memset(&s, 0, sizeof s);
        s.type = (uint8_t)rt;
        if (!have(t, st, 4)) return 0;
        unsigned fmt = u16(t, st);
        uint32_t co = u16(t, st + 2);
        s.cov = co ? st + co : 0;
        if (!coverage_ok(t, s.cov)) return 0;
        if (rt == 4 || rt == 5 || rt == 6) {
            if (fmt != 1) return 0;
            if (s.cov) add_sub(p, &s);
            continue;
        }
        if (rt == 1) {
            if ((fmt != 1 && fmt != 2) || !have(t, st, 6)) return 0;
            s.fmt = (uint8_t)fmt;
            s.vf1 = (uint16_t)u16(t, st + 4);
            s.len1 = (uint16_t)popcount16(s.vf1);
            if (fmt == 1) {
                s.sets = st + 6;
                s.nsets = 1;
                if (!have(t, s.sets, 2ull * s.len1)) return 0;
            } else {
                if (!have(t, st, 8)) return 0;
                s.sets = st + 8;
                s.nsets = u16(t, st + 6);
                if (!have(t, s.sets, 2ull * s.len1 * s.nsets)) return 0;
            }
            add_sub(p, &s);
            continue;
        }
        if (rt != 2 || (fmt != 1 && fmt != 2)) return 0;
        s.fmt = (uint8_t)fmt;
        if (!have(t, st, 10)) return 0;
        s.vf1 = (uint16_t)u16(t, st + 4);
        s.vf2 = (uint16_t)u16(t, st + 6);
        s.len1 = (uint16_t)popcount16(s.vf1);
        s.len2 = (uint16_t)popcount16(s.vf2);
        uint64_t rec = 2ull * (s.len1 + s.len2);
        if (fmt == 1) {
            s.sets = st;
            s.nsets = u16(t, st + 8);
            if (!have(t, st + 10, 2ull * s.nsets)) return 0;
            for (unsigned k = 0; k < s.nsets; k++) {
                uint32_t po = u16(t, st + 10 + 2 * k);
                if (po && !(have(t, st + po, 2) && have(t, st + po + 2, (rec + 2) * u16(t, st + po)))) return 0;
            }
        } else {
            if (!have(t, st, 16)) return 0;
            uint32_t c1 = u16(t, st + 8), c2 = u16(t, st + 10);
            s.cd1 = c1 ? st + c1 : 0;
            s.cd2 = c2 ? st + c2 : 0;
            s.c1n = (uint16_t)u16(t, st + 12);
            s.c2n = (uint16_t)u16(t, st + 14);
            s.sets = st + 16;
            if (!classdef_ok(t, s.cd1) || !classdef_ok(t, s.cd2) ||
                !have(t, s.sets, rec * s.c1n * s.c2n))
                return 0;
        }
        add_sub(p, &s);
    }
    L->n = (uint32_t)(p->nsub - L->first);
    return 1;
}

static int cmp_uint(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return (x > y) - (x < y);
}

static void make_plan(bt_kern *k, kplan *p)
{
    hb_tag_t stags[HB_OT_MAX_TAGS_PER_SCRIPT], ltags[HB_OT_MAX_TAGS_PER_LANGUAGE];
    unsigned ns = HB_OT_MAX_TAGS_PER_SCRIPT, nl = HB_OT_MAX_TAGS_PER_LANGUAGE;
    hb_ot_tags_from_script_and_language(p->script, hb_language_get_default(), &ns, stags, &nl, ltags);
    p->ok = 0;
    /* GSUB: no feature of the chosen language system may be one the shaper turns on */
    uint32_t ls = 0;
    const tab *t = &k->gsub;
    if (t->n) {
        if (u16(t, 6) && !record_list_ok(t, u16(t, 6))) return;
        if (!pick_langsys(t, stags, ns, ltags, nl, &ls)) return;
        if (ls) {
            if (u16(t, ls + 2) != NO_INDEX) return;
            for (unsigned i = 0, n = u16(t, ls + 4); i < n; i++)
                if (feature_on(feature_tag(t, u16(t, ls + 6 + 2 * i)))) return;
        }
    }
    /* GPOS: the lookups of the first feature of each tag the shaper turns on, in index order */
    t = &k->gpos;
    if (!pick_langsys(t, stags, ns, ltags, nl, &ls)) return;
    if (!ls) {
        p->ok = !k->old_kern;
        return;
    }
    if (u16(t, ls + 2) != NO_INDEX) return;
    uint32_t fl = u16(t, 6), ll = u16(t, 8);
    if (fl && !record_list_ok(t, fl)) return;
    if (ll && !(have(t, ll, 2) && have(t, ll + 2, 2ull * u16(t, ll)))) return;
    unsigned nlookups = ll ? u16(t, ll) : 0;
    unsigned *idx = NULL;
    size_t nidx = 0, cap = 0;
    unsigned nf = u16(t, ls + 4);
    int gpos_kern = 0;
    for (size_t f = 0; f < sizeof on_features / sizeof on_features[0]; f++) {
        hb_tag_t want = on_features[f];
        for (unsigned i = 0; i < nf; i++) {
            unsigned fi = u16(t, ls + 6 + 2 * i);
            if (feature_tag(t, fi) != want) continue;
            if (want == HB_TAG('k', 'e', 'r', 'n')) gpos_kern = 1;
            uint32_t fo = u16(t, fl + 2 + 6 * fi + 4);
            if (fo) {
                uint32_t fe = fl + fo;
                if (!have(t, fe, 4) || !have(t, fe + 4, 2ull * u16(t, fe + 2))) {
                    free(idx);
                    return;
                }
                for (unsigned j = 0, m = u16(t, fe + 2); j < m; j++) {
                    unsigned li = u16(t, fe + 4 + 2 * j);
                    if (li >= nlookups) continue;
                    if (nidx == cap) {
                        cap = cap ? cap * 2 : 16;
                        idx = bt_xrealloc(idx, cap * sizeof *idx);
                    }
                    idx[nidx++] = li;
                }
            }
            break; /* only the first feature with the tag */
        }
    }
    if (k->old_kern && !gpos_kern) {
        free(idx);
        return;
    }
    if (nidx) qsort(idx, nidx, sizeof *idx, cmp_uint);
    p->look = bt_xcalloc(nidx ? nidx : 1, sizeof *p->look);
    int ok = 1;
    for (size_t i = 0; i < nidx && ok; i++)
        if (i == 0 || idx[i] != idx[i - 1]) ok = add_lookup(t, p, idx[i]);
    free(idx);
    p->ok = ok;
}

static kplan *plan_for(bt_kern *k, hb_script_t script)
{
    for (int i = 0; i < k->nplan; i++)
        if (k->plan[i].script == script) return &k->plan[i];
    if (k->nplan == MAX_PLANS) return NULL;
    kplan *p = &k->plan[k->nplan++];
    memset(p, 0, sizeof *p);
    p->script = script;
    make_plan(k, p);
    return p;
}

/* ---------------------------------------------------------------- applying */

/* Add the value record at v (format vf) to glyph i: horizontal text, so a vertical advance is
 * not applied; device tables need a pixel size, which shaping at the em size has not. */
static void add_value(const tab *t, unsigned vf, uint32_t v, int32_t *adv, int32_t *xo, int32_t *yo)
{
    if (vf & 1) *xo += s16(t, v), v += 2;
    if (vf & 2) *yo += s16(t, v), v += 2;
    if (vf & 4) *adv += s16(t, v);
}

/* The row of facts of glyph g in plan p (made on first use), -1 past MAX_ROWS. */
static long facts_of(const tab *t, kplan *p, unsigned g)
{
    size_t mask = p->tabcap - 1, h = p->tabcap ? (g * 2654435761u) & mask : 0;
    for (; p->tabcap && p->rowtab[h]; h = (h + 1) & mask)
        if (p->rowtab[h] >> 16 == g) return (long)(p->rowtab[h] & 0xFFFF) - 1;
    if (p->nrows == MAX_ROWS) return -1;
    if ((p->nrows + 1) * 2 > p->tabcap) { /* grown, and the new glyph's slot found again */
        size_t cap = p->tabcap ? p->tabcap * 2 : 256;
        uint32_t *tab2 = bt_xcalloc(cap, sizeof *tab2);
        for (size_t i = 0; i < p->tabcap; i++) {
            if (!p->rowtab[i]) continue;
            size_t k = ((p->rowtab[i] >> 16) * 2654435761u) & (cap - 1);
            while (tab2[k]) k = (k + 1) & (cap - 1);
            tab2[k] = p->rowtab[i];
        }
        free(p->rowtab);
        p->rowtab = tab2;
        p->tabcap = cap;
        mask = cap - 1;
        for (h = (g * 2654435761u) & mask; p->rowtab[h]; h = (h + 1) & mask) {}
    }
    if (p->nrows == p->rowcap) {
        p->rowcap = p->rowcap ? p->rowcap * 2 : 64;
        p->facts = bt_xrealloc(p->facts, p->rowcap * (p->nsub ? p->nsub : 1) * sizeof *p->facts);
        p->lmask = bt_xrealloc(p->lmask, p->rowcap * sizeof *p->lmask);
    }
    gfact *f = &p->facts[p->nrows * p->nsub];
    for (size_t s = 0; s < p->nsub; s++) {
        const ksub *b = &p->sub[s];
        f[s].cov = coverage(t, b->cov, g);
        f[s].c1 = f[s].c2 = 0;
        if (b->type == 2 && b->fmt == 2) {
            f[s].c1 = (uint16_t)class_of(t, b->cd1, g);
            f[s].c2 = (uint16_t)class_of(t, b->cd2, g);
        }
    }
    uint32_t m = 0;
    for (size_t l = 0; l < p->nlook; l++) {
        const klook *L = &p->look[l];
        for (uint32_t k = 0; k < L->n; k++)
            if (f[L->first + k].cov != NOT_COVERED) m |= l < 32 ? 1u << l : 0;
    }
    p->lmask[p->nrows] = m;
    p->rowtab[h] = (uint32_t)g << 16 | (uint32_t)(p->nrows + 1);
    return (long)p->nrows++;
}

/* Subtable s (number si of the plan) at glyph *i: 1 applied (*i moved on as HarfBuzz moves
 * it), 0 not, -1 a mark lookup covers the glyph. */
static int apply_sub(const tab *t, const ksub *s, size_t si, unsigned flag, const uint16_t *gid,
                     const uint8_t *props, const gfact *const *f, size_t n, size_t *i, int32_t *adv, int32_t *xo,
                     int32_t *yo)
{
    uint32_t c = f[*i][si].cov;
    if (c == NOT_COVERED) return 0;
    if (s->type == 1) {
        if (s->fmt == 2 && c >= s->nsets) return 0;
        add_value(t, s->vf1, s->sets + (s->fmt == 2 ? 2u * s->len1 * c : 0), &adv[*i], &xo[*i], &yo[*i]);
        (*i)++;
        return 1;
    }
    if (s->type != 2) return -1;
    size_t j = *i + 1;
    while (j < n && (props[j] & flag & 0x0E)) j++;
    if (j >= n) return 0;
    uint32_t v;
    if (s->fmt == 1) {
        if (c >= s->nsets) return 0;
        uint32_t po = u16(t, s->sets + 10 + 2 * c);
        if (!po) return 0;
        uint32_t ps = s->sets + po;
        unsigned stride = 2u * (1u + s->len1 + s->len2);
        int r = find16(t, ps + 2, u16(t, ps), stride, gid[j]);
        if (r < 0) return 0;
        v = ps + 2 + stride * (unsigned)r + 2;
    } else {
        unsigned k1 = f[*i][si].c1, k2 = f[j][si].c2;
        if (k1 >= s->c1n || k2 >= s->c2n) return 0;
        v = s->sets + 2u * (s->len1 + s->len2) * (k1 * s->c2n + k2);
    }
    add_value(t, s->vf1, v, &adv[*i], &xo[*i], &yo[*i]);
    add_value(t, s->vf2, v + 2u * s->len1, &adv[j], &xo[j], &yo[j]);
    *i = s->len2 ? j + 1 : j;
    return 1;
}

static int run(const tab *t, kplan *p, const uint16_t *gid, const uint8_t *props, size_t n, int32_t *adv, long *row,
               const gfact **f, int32_t *xo, int32_t *yo, int32_t *a)
{
    for (size_t i = 0; i < n; i++)
        if ((row[i] = facts_of(t, p, gid[i])) < 0) return -1;
    uint32_t any = 0; /* the lookups that may do something here */
    for (size_t i = 0; i < n; i++) {
        f[i] = &p->facts[(size_t)row[i] * p->nsub]; /* (the rows may move while they are made) */
        any |= p->lmask[row[i]];
    }
    memset(xo, 0, n * sizeof *xo);
    memset(yo, 0, n * sizeof *yo);
    memcpy(a, adv, n * sizeof *a);
    for (size_t l = 0; l < p->nlook; l++) {
        const klook *L = &p->look[l];
        if (!L->n || (l < 32 && !(any >> l & 1))) continue;
        size_t i = 0;
        while (i < n) {
            int done = 0;
            if (!(props[i] & L->flag & 0x0E)) {
                for (uint32_t s = 0; s < L->n && !done; s++) {
                    size_t si = L->first + s;
                    int r = apply_sub(t, &p->sub[si], si, L->flag, gid, props, f, n, &i, a, xo, yo);
                    if (r < 0) return -1;
                    done = r;
                }
            }
            if (!done) i++;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (xo[i] || yo[i]) return 0;
    memcpy(adv, a, n * sizeof *a);
    return 1;
}

int bt_kern_apply(bt_kern *k, hb_script_t script, const uint16_t *gid, const uint8_t *props, size_t n,
                  int32_t *adv)
{
    for (size_t i = 0; i < n; i++)
        if (props[i] & 8) return -1;
    kplan *p = plan_for(k, script);
    if (!p || !p->ok) return -1;
    long row[BT_KERN_MAX];
    const gfact *f[BT_KERN_MAX];
    int32_t w[3 * BT_KERN_MAX];
    if (n <= BT_KERN_MAX) return run(&k->gpos, p, gid, props, n, adv, row, f, w, w + n, w + 2 * n);
    /* a long run (a heading measured whole) */
    long *hrow = bt_xmalloc(n * sizeof *hrow);
    const gfact **hf = bt_xmalloc(n * sizeof *hf);
    int32_t *hw = bt_xmalloc(3 * n * sizeof *hw);
    int st = run(&k->gpos, p, gid, props, n, adv, hrow, hf, hw, hw + n, hw + 2 * n);
    free(hrow);
    free(hf);
    free(hw);
    return st;
}

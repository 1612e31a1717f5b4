/* charset.c - charset detection and conversion to UTF-8 (see charset.h).
 *
 * Conversion uses iconv for the registered charsets (windows-125x, ISO-8859-x, VISCII,
 * windows-1258, UTF-16, ...). The two Vietnamese font encodings that have no registered name,
 * TCVN3 (ABC, the ".VnTime" fonts) and VNI (the "VNI-Times" fonts), are decoded here from their
 * published code charts. */
#include "charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uchardet.h>

#include "text.h"

#define CS_PRESCAN 32768 /* bytes searched for a declaration */

static int ci_prefix(const char *s, const char *end, const char *p)
{
    for (; *p; s++, p++)
        if (s >= end || tolower((unsigned char)*s) != *p) return 0;
    return 1;
}

static void lower_copy(const char *s, size_t n, char *out, size_t outsz)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < outsz; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\'' || isspace(c)) continue;
        out[k++] = (char)tolower(c);
    }
    out[k] = '\0';
}

void bt_charset_canonical(const char *label, char *name, size_t namesz)
{
    static const struct { const char *label, *name; } alias[] = {
        {"utf-8", "UTF-8"}, {"utf8", "UTF-8"}, {"unicode-1-1-utf-8", "UTF-8"},
        {"utf-16", "UTF-16LE"}, {"utf-16le", "UTF-16LE"}, {"utf-16be", "UTF-16BE"},
        {"unicode", "UTF-16LE"},
        {"iso-8859-1", "windows-1252"}, {"iso8859-1", "windows-1252"},
        {"latin1", "windows-1252"}, {"latin-1", "windows-1252"}, {"l1", "windows-1252"},
        {"us-ascii", "windows-1252"}, {"ascii", "windows-1252"}, {"cp1252", "windows-1252"},
        {"windows-1252", "windows-1252"}, {"x-cp1252", "windows-1252"},
        {"iso-8859-15", "ISO-8859-15"}, {"latin9", "ISO-8859-15"},
        {"iso-8859-2", "ISO-8859-2"}, {"latin2", "ISO-8859-2"},
        {"windows-1250", "windows-1250"}, {"cp1250", "windows-1250"}, {"x-cp1250", "windows-1250"},
        {"windows-1251", "windows-1251"}, {"cp1251", "windows-1251"},
        {"windows-1253", "windows-1253"}, {"windows-1254", "windows-1254"},
        {"iso-8859-9", "windows-1254"}, {"windows-1255", "windows-1255"},
        {"windows-1256", "windows-1256"}, {"windows-1257", "windows-1257"},
        {"windows-1258", "windows-1258"}, {"cp1258", "windows-1258"},
        {"x-viet-windows-1258", "windows-1258"},
        {"viscii", "VISCII"}, {"x-viet-viscii", "VISCII"}, {"csviscii", "VISCII"},
        {"tcvn3", "TCVN3"}, {"x-viet-tcvn3", "TCVN3"}, {"x-viet-tcvn", "TCVN3"},
        {"tcvn", "TCVN3"}, {"abc", "TCVN3"}, {"vn3", "TCVN3"},
        {"vni", "VNI"}, {"x-viet-vni", "VNI"}, {"vni-windows", "VNI"},
        {"koi8-r", "KOI8-R"}, {"koi8-u", "KOI8-U"}, {"shift_jis", "SHIFT_JIS"},
        {"sjis", "SHIFT_JIS"}, {"euc-jp", "EUC-JP"}, {"euc-kr", "EUC-KR"}, {"gb2312", "GBK"},
        {"gbk", "GBK"}, {"gb18030", "GB18030"}, {"big5", "BIG5"}, {"tis-620", "TIS-620"},
        {"windows-874", "CP874"}, {"iso-8859-5", "ISO-8859-5"}, {"iso-8859-7", "ISO-8859-7"},
        {"iso-8859-4", "ISO-8859-4"}, {"iso-8859-13", "ISO-8859-13"},
    };
    char l[64];
    lower_copy(label, strlen(label), l, sizeof l);
    name[0] = '\0';
    if (!l[0]) return;
    for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (strcmp(l, alias[i].label) == 0) {
            snprintf(name, namesz, "%s", alias[i].name);
            return;
        }
    /* Anything else iconv knows is accepted under its upper-case name. */
    for (char *p = l; *p; p++) *p = (char)toupper((unsigned char)*p);
    iconv_t cd = iconv_open("UTF-8", l);
    if (cd != (iconv_t)-1) {
        iconv_close(cd);
        snprintf(name, namesz, "%s", l);
    }
}

/* Value of attribute attr inside the tag text [p, end) or NULL; *vlen its length. */
static const char *tag_attr(const char *p, const char *end, const char *attr, size_t *vlen)
{
    size_t al = strlen(attr);
    while (p < end) {
        while (p < end && (isspace((unsigned char)*p) || *p == '/')) p++;
        const char *n = p;
        while (p < end && !isspace((unsigned char)*p) && *p != '=' && *p != '>' && *p != '/') p++;
        size_t nl = (size_t)(p - n);
        if (nl == 0) { p++; continue; }
        while (p < end && isspace((unsigned char)*p)) p++;
        const char *v = NULL;
        size_t vl = 0;
        if (p < end && *p == '=') {
            p++;
            while (p < end && isspace((unsigned char)*p)) p++;
            if (p < end && (*p == '"' || *p == '\'')) {
                char q = *p++;
                v = p;
                while (p < end && *p != q) p++;
                vl = (size_t)(p - v);
                if (p < end) p++;
            } else {
                v = p;
                while (p < end && !isspace((unsigned char)*p) && *p != '>') p++;
                vl = (size_t)(p - v);
            }
        }
        if (nl == al && ci_prefix(n, n + nl, attr)) {
            *vlen = vl;
            return v ? v : n + nl;
        }
    }
    return NULL;
}

/* charset=... inside a Content-Type value. */
static int charset_from_content(const char *v, size_t vl, char *name, size_t namesz)
{
    const char *end = v + vl;
    for (const char *p = v; p + 8 <= end; p++) {
        if (!ci_prefix(p, end, "charset")) continue;
        p += 7;
        while (p < end && isspace((unsigned char)*p)) p++;
        if (p >= end || *p != '=') continue;
        p++;
        while (p < end && (isspace((unsigned char)*p) || *p == '"' || *p == '\'')) p++;
        const char *s = p;
        while (p < end && !isspace((unsigned char)*p) && *p != ';' && *p != '"' && *p != '\'') p++;
        char label[64] = {0};
        lower_copy(s, (size_t)(p - s), label, sizeof label);
        bt_charset_canonical(label, name, namesz);
        return name[0] != '\0';
    }
    return 0;
}

void bt_charset_declared(const char *buf, size_t len, char *name, size_t namesz)
{
    name[0] = '\0';
    const char *end = buf + (len < CS_PRESCAN ? len : CS_PRESCAN);
    /* <?xml version="1.0" encoding="..."?> */
    if (ci_prefix(buf, end, "<?xml")) {
        const char *q = memchr(buf, '>', (size_t)(end - buf));
        size_t vl;
        const char *v = q ? tag_attr(buf + 5, q, "encoding", &vl) : NULL;
        if (v) {
            char label[64];
            lower_copy(v, vl, label, sizeof label);
            bt_charset_canonical(label, name, namesz);
            if (name[0]) return;
        }
    }
    for (const char *p = buf; p + 5 < end; p++) {
        p = memchr(p, '<', (size_t)(end - p));
        if (!p || p + 5 >= end) break;
        if (ci_prefix(p, end, "<!--")) { /* skip comments */
            const char *c = p + 4;
            while (c + 3 <= end && memcmp(c, "-->", 3) != 0) c++;
            p = c;
            continue;
        }
        if (!ci_prefix(p, end, "<meta") || !(isspace((unsigned char)p[5]) || p[5] == '/'))
            continue;
        const char *q = memchr(p, '>', (size_t)(end - p));
        if (!q) break;
        size_t vl;
        const char *v = tag_attr(p + 5, q, "charset", &vl);
        if (v) {
            char label[64];
            lower_copy(v, vl, label, sizeof label);
            bt_charset_canonical(label, name, namesz);
            if (name[0]) return;
        }
        v = tag_attr(p + 5, q, "content", &vl);
        if (v && charset_from_content(v, vl, name, namesz)) return;
        p = q;
    }
}

/* Old Vietnamese pages in font encodings name their fonts instead of a charset. */
static const char *legacy_vi_by_font(const char *buf, size_t len)
{
    size_t n = len < (size_t)1 << 20 ? len : (size_t)1 << 20;
    const char *end = buf + n;
    int vni = 0, tcvn = 0;
    for (const char *p = buf; p + 6 < end; p++) {
        if ((*p == 'V' || *p == 'v') && ci_prefix(p, end, "vni-") &&
            (ci_prefix(p + 4, end, "times") || ci_prefix(p + 4, end, "helve") ||
             ci_prefix(p + 4, end, "aptima") || ci_prefix(p + 4, end, "univer")))
            vni++;
        else if (*p == '.' && ci_prefix(p, end, ".vn") &&
                 (ci_prefix(p + 3, end, "time") || ci_prefix(p + 3, end, "arial") ||
                  ci_prefix(p + 3, end, "helv") || ci_prefix(p + 3, end, "avant")))
            tcvn++;
    }
    if (vni > tcvn && vni > 0) return "VNI";
    if (tcvn > 0) return "TCVN3";
    return NULL;
}

/* Bytes from i on that are ASCII, eight at a time (news pages are mostly ASCII markup). */
static size_t ascii_run(const char *buf, size_t len, size_t i)
{
    uint64_t w;
    while (i + 8 <= len) {
        memcpy(&w, buf + i, 8);
        if (w & 0x8080808080808080ull) break;
        i += 8;
    }
    while (i < len && (unsigned char)buf[i] < 0x80) i++;
    return i;
}

static int has_high_bytes(const char *buf, size_t len)
{
    return ascii_run(buf, len, 0) < len;
}

/* Valid UTF-8, ignoring NUL bytes (they are repaired later). */
static int utf8_ok(const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)buf[i];
        if (c < 0x80) { i = ascii_run(buf, len, i); continue; }
        int n = c >= 0xF0 && c <= 0xF4 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 && c < 0xE0 ? 1 : -1;
        if (n < 0 || c > 0xF4) return 0;
        if (i + (size_t)n >= len) return 1; /* cut at the very end (a cut download) */
        for (int k = 1; k <= n; k++)
            if (((unsigned char)buf[i + (size_t)k] & 0xC0) != 0x80) return 0;
        i += (size_t)n + 1;
    }
    return 1;
}

/* Counts of well-formed multi-byte UTF-8 sequences and of bytes that are not UTF-8. */
static void utf8_stats(const char *buf, size_t len, size_t *good, size_t *bad)
{
    *good = *bad = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)buf[i];
        if (c < 0x80) { i = ascii_run(buf, len, i); continue; }
        int n = c >= 0xF0 && c <= 0xF4 ? 3 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xC2 && c < 0xE0 ? 1 : -1;
        int ok = n > 0 && i + (size_t)n < len;
        for (int k = 1; ok && k <= n; k++) ok = ((unsigned char)buf[i + (size_t)k] & 0xC0) == 0x80;
        if (ok) { (*good)++; i += (size_t)n + 1; }
        else { (*bad)++; i++; }
    }
}

bt_cs_source bt_charset_detect(const char *buf, size_t len, char *name, size_t namesz,
                               size_t *bom_len)
{
    return bt_charset_detect_hint(buf, len, NULL, name, namesz, bom_len);
}

bt_cs_source bt_charset_detect_hint(const char *buf, size_t len, const char *transport, char *name,
                                    size_t namesz, size_t *bom_len)
{
    const unsigned char *u = (const unsigned char *)buf;
    if (bom_len) *bom_len = 0;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        snprintf(name, namesz, "UTF-8");
        if (bom_len) *bom_len = 3;
        return BT_CS_FROM_BOM;
    }
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        snprintf(name, namesz, u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE");
        if (bom_len) *bom_len = 2;
        return BT_CS_FROM_BOM;
    }
    /* UTF-16 without a BOM: every other byte NUL in the markup. */
    if (len >= 4 && u[0] == '<' && u[1] == 0 && u[2] != 0 && u[3] == 0) {
        snprintf(name, namesz, "UTF-16LE");
        return BT_CS_FROM_DETECTED;
    }
    if (len >= 4 && u[0] == 0 && u[1] == '<' && u[2] == 0) {
        snprintf(name, namesz, "UTF-16BE");
        return BT_CS_FROM_DETECTED;
    }
    int high = has_high_bytes(buf, len);
    int valid = utf8_ok(buf, len), damaged = 0;
    if (!valid) {
        /* A UTF-8 page with a few broken bytes is still UTF-8 (they are repaired later). */
        size_t good, bad;
        utf8_stats(buf, len, &good, &bad);
        if (good >= 20 && bad * 10 <= good) valid = 1;
        /* Said to be UTF-8 and more of its multi-byte sequences valid than not: UTF-8 with
         * damage (single-byte text hardly ever forms a valid sequence by chance). */
        else if (good >= 20 && bad <= good) damaged = 1;
    }
    char decl[48] = "";
    bt_cs_source from_decl = BT_CS_FROM_DECLARED;
    if (transport && *transport) bt_charset_canonical(transport, decl, sizeof decl);
    if (decl[0]) from_decl = BT_CS_FROM_TRANSPORT; /* the header outranks the page, as in browsers */
    else bt_charset_declared(buf, len, decl, sizeof decl);
    if (decl[0] && strncmp(decl, "UTF-16", 6) == 0) snprintf(decl, sizeof decl, "UTF-8");
    if (decl[0]) {
        if (strcmp(decl, "UTF-8") == 0) {
            if (valid || damaged) { snprintf(name, namesz, "UTF-8"); return from_decl; }
            /* declared UTF-8 but it is not: detect below */
        } else if (high && valid) {
            /* Declared a single-byte charset, but the non-ASCII bytes form valid UTF-8: the
             * page was re-saved as UTF-8 and kept its old declaration. */
            snprintf(name, namesz, "UTF-8");
            return BT_CS_FROM_DETECTED;
        } else {
            const char *vi = strcmp(decl, "windows-1252") == 0 ? legacy_vi_by_font(buf, len) : NULL;
            if (vi) {
                snprintf(name, namesz, "%s", vi);
                return BT_CS_FROM_DETECTED;
            }
            snprintf(name, namesz, "%s", decl);
            return from_decl;
        }
    }
    if (!high || valid) {
        snprintf(name, namesz, "UTF-8");
        return high ? BT_CS_FROM_DETECTED : BT_CS_FROM_DEFAULT;
    }
    const char *vi = legacy_vi_by_font(buf, len);
    if (vi) {
        snprintf(name, namesz, "%s", vi);
        return BT_CS_FROM_DETECTED;
    }
    uchardet_t ud = uchardet_new();
    if (ud) {
        int rc = uchardet_handle_data(ud, buf, len);
        uchardet_data_end(ud);
        const char *cs = rc == 0 ? uchardet_get_charset(ud) : "";
        char canon[48] = "";
        if (cs && *cs) bt_charset_canonical(cs, canon, sizeof canon);
        uchardet_delete(ud);
        if (canon[0] && strcmp(canon, "UTF-8") != 0) {
            snprintf(name, namesz, "%s", canon);
            return BT_CS_FROM_DETECTED;
        }
    }
    snprintf(name, namesz, "windows-1252");
    return BT_CS_FROM_DEFAULT;
}

/* TCVN3 (ABC): 0xA1..0xFE. 0 = not assigned (decoded as in windows-1252). */
static const uint16_t tcvn3_hi[0x5E] = {
    /* A1 */ 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110, 0x0103,
    /* A9 */ 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0, 0,
    /* B1 */ 0, 0, 0, 0, 0x00E0, 0x1EA3, 0x00E3, 0x00E1,
    /* B9 */ 0x1EA1, 0, 0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0, 0,
    /* C1 */ 0, 0, 0, 0, 0, 0x1EB7, 0x1EA7, 0x1EA9,
    /* C9 */ 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0, 0x1EBB, 0x1EBD, 0x00E9,
    /* D1 */ 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC, 0x1EC9,
    /* D9 */ 0, 0, 0, 0x0129, 0x00ED, 0x1ECB, 0x00F2, 0,
    /* E1 */ 0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7, 0x1ED1,
    /* E9 */ 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9, 0,
    /* F1 */ 0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF, 0x1EE9,
    /* F9 */ 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5,
};

/* windows-1252 0x80..0x9F (0 = undefined). */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static uint32_t cp1252(unsigned char c)
{
    if (c >= 0x80 && c < 0xA0) return cp1252_c1[c - 0x80] ? cp1252_c1[c - 0x80] : 0xFFFD;
    return c;
}

static void put_cp(bt_buf *b, uint32_t cp)
{
    char u[4];
    bt_buf_add(b, u, bt_utf8_encode(cp, u));
}

static void decode_tcvn3(const unsigned char *s, size_t len, bt_buf *b)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        uint32_t cp = c < 0x80 ? c : 0;
        if (c >= 0xA1 && c <= 0xFE) cp = tcvn3_hi[c - 0xA1];
        if (!cp) cp = cp1252(c);
        if (c == 0) cp = 0xFFFD;
        put_cp(b, cp);
    }
}

/* VNI: ASCII letters followed by modifier bytes (decoded as combining marks), plus a few
 * precomposed letters. */
static void decode_vni(const unsigned char *s, size_t len, bt_buf *b)
{
    static const struct { unsigned char lo, up; uint16_t m1, m2; } mod[] = {
        {0xF9, 0xD9, 0x0301, 0}, {0xF8, 0xD8, 0x0300, 0}, {0xFB, 0xDB, 0x0309, 0},
        {0xF5, 0xD5, 0x0303, 0}, {0xEF, 0xCF, 0x0323, 0}, {0xE2, 0xC2, 0x0302, 0},
        {0xE1, 0xC1, 0x0302, 0x0301}, {0xE0, 0xC0, 0x0302, 0x0300}, {0xE5, 0xC5, 0x0302, 0x0309},
        {0xE3, 0xC3, 0x0302, 0x0303}, {0xE4, 0xC4, 0x0302, 0x0323}, {0xEA, 0xCA, 0x0306, 0},
        {0xE9, 0xC9, 0x0306, 0x0301}, {0xE8, 0xC8, 0x0306, 0x0300}, {0xFA, 0xDA, 0x0306, 0x0309},
        {0xFC, 0xDC, 0x0306, 0x0303}, {0xEB, 0xCB, 0x0306, 0x0323},
    };
    static const struct { unsigned char c; uint16_t cp; } pre[] = {
        {0xF1, 0x0111}, {0xD1, 0x0110}, {0xEC, 0x00EC}, {0xED, 0x00ED}, {0xE6, 0x1EC9},
        {0xF3, 0x0129}, {0xF2, 0x1ECB}, {0xCC, 0x00CC}, {0xCD, 0x00CD}, {0xC6, 0x1EC8},
        {0xD3, 0x0128}, {0xD2, 0x1ECA}, {0xEE, 0x1EF5}, {0xCE, 0x1EF4},
        {0xF4, 0x01A1}, {0xF6, 0x01B0}, {0xD4, 0x01A0}, {0xD6, 0x01AF}, /* ơ ư Ơ Ư */
    };
    unsigned char prev = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        uint32_t cp = 0;
        if (c >= 0x80) {
            int done = 0;
            if (strchr("aeiouyAEIOUY", prev) && prev) {
                for (size_t k = 0; k < sizeof mod / sizeof mod[0]; k++)
                    if (c == mod[k].lo || c == mod[k].up) {
                        put_cp(b, mod[k].m1);
                        if (mod[k].m2) put_cp(b, mod[k].m2);
                        done = 1;
                        break;
                    }
            }
            if (done) continue; /* prev stays the vowel: a second modifier may follow */
            for (size_t k = 0; k < sizeof pre / sizeof pre[0]; k++)
                if (c == pre[k].c) cp = pre[k].cp;
            if (!cp) cp = cp1252(c);
        } else {
            cp = c ? c : 0xFFFD;
        }
        put_cp(b, cp);
        /* ơ and ư take tone marks after them like ASCII vowels */
        prev = c < 0x80 ? c : (c == 0xF4 || c == 0xF6) ? 'o' : (c == 0xD4 || c == 0xD6) ? 'O' : 0;
    }
}

static const char *iconv_name(const char *cs)
{
    if (strcmp(cs, "windows-1252") == 0) return "WINDOWS-1252";
    if (strcmp(cs, "windows-1250") == 0) return "WINDOWS-1250";
    if (strcmp(cs, "windows-1251") == 0) return "WINDOWS-1251";
    if (strcmp(cs, "windows-1253") == 0) return "WINDOWS-1253";
    if (strcmp(cs, "windows-1254") == 0) return "WINDOWS-1254";
    if (strcmp(cs, "windows-1255") == 0) return "WINDOWS-1255";
    if (strcmp(cs, "windows-1256") == 0) return "WINDOWS-1256";
    if (strcmp(cs, "windows-1257") == 0) return "WINDOWS-1257";
    if (strcmp(cs, "windows-1258") == 0) return "WINDOWS-1258";
    return cs;
}

/* Stateless one-byte charsets: each byte is one character whatever comes before it, so a
 * table of the 256 bytes, made with iconv once per page, converts the page. (windows-1258 is
 * left to iconv: glibc composes its combining marks with the letter before them.) */
static int single_byte(const char *cs)
{
    static const char *const one[] = {"windows-1250", "windows-1251", "windows-1252",
                                      "windows-1253", "windows-1254", "windows-1255",
                                      "windows-1256", "windows-1257", "ISO-8859-2", "ISO-8859-4",
                                      "ISO-8859-5", "ISO-8859-7", "ISO-8859-13", "ISO-8859-15",
                                      "KOI8-R", "KOI8-U", "VISCII", "CP874", "TIS-620", NULL};
    for (const char *const *p = one; *p; p++)
        if (strcmp(cs, *p) == 0) return 1;
    return 0;
}

/* Convert buf through a byte table: what iconv makes of each byte alone (U+FFFD for a byte it
 * refuses and for NUL, counted in *bad as the iconv loop and bt_utf8_repair count them). The
 * output is valid UTF-8 without NUL. -1 when iconv does not know the charset. */
static int decode_table(const char *cs, bt_buf *b, const char *buf, size_t len, size_t *bad)
{
    iconv_t cd = iconv_open("UTF-8", iconv_name(cs));
    if (cd == (iconv_t)-1) return -1;
    char map[256][4];
    unsigned char mlen[256];
    for (int c = 0; c < 256; c++) {
        char in = (char)c, *ip = &in, *op = map[c];
        size_t il = 1, ol = sizeof map[c];
        iconv(cd, NULL, NULL, NULL, NULL);
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        mlen[c] = (unsigned char)(op - map[c]);
        if (r == (size_t)-1 || il != 0 || c == 0 || mlen[c] == 0) mlen[c] = 0; /* U+FFFD */
    }
    iconv_close(cd);
    unsigned char same[256]; /* bytes that stand for themselves */
    for (int c = 0; c < 256; c++) same[c] = c > 0 && c < 0x80 && mlen[c] == 1 && map[c][0] == (char)c;
    bt_buf_add(b, "", 0);
    const unsigned char *u = (const unsigned char *)buf;
    size_t i = 0;
    while (i < len) {
        size_t run = i; /* ASCII (but NUL) as it is */
        while (run < len && same[u[run]]) run++;
        if (run > i) {
            bt_buf_add(b, buf + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = u[i++];
        if (mlen[c]) {
            bt_buf_add(b, map[c], mlen[c]);
        } else {
            bt_buf_add(b, "\xEF\xBF\xBD", 3);
            (*bad)++;
        }
    }
    return 0;
}

bt_status bt_charset_to_utf8(const char *buf, size_t len, const char *charset, char **out,
                             size_t *outlen, size_t *nbad, bt_err *e)
{
    bt_buf b = {0};
    size_t bad = 0;
    if (strcmp(charset, "UTF-8") == 0) {
        char *r = bt_utf8_repair(buf, len, &bad);
        if (nbad) *nbad = bad;
        *out = r;
        *outlen = strlen(r);
        return BT_OK;
    }
    if (strcmp(charset, "TCVN3") == 0) {
        decode_tcvn3((const unsigned char *)buf, len, &b);
    } else if (strcmp(charset, "VNI") == 0) {
        decode_vni((const unsigned char *)buf, len, &b);
    } else if (single_byte(charset)) {
        if (decode_table(charset, &b, buf, len, &bad) != 0)
            return bt_err_set(e, BT_EPARSE, "unsupported character set %s", charset);
        if (nbad) *nbad = bad;
        *outlen = b.len;
        *out = bt_buf_detach(&b, NULL);
        return BT_OK;
    } else {
        iconv_t cd = iconv_open("UTF-8", iconv_name(charset));
        if (cd == (iconv_t)-1)
            return bt_err_set(e, BT_EPARSE, "unsupported character set %s", charset);
        int utf16 = strncmp(charset, "UTF-16", 6) == 0;
        char *in = (char *)buf;
        size_t inleft = len;
        char tmp[8192];
        while (inleft > 0) {
            char *o = tmp;
            size_t oleft = sizeof tmp;
            size_t r = iconv(cd, &in, &inleft, &o, &oleft);
            bt_buf_add(&b, tmp, (size_t)(o - tmp));
            if (r == (size_t)-1) {
                if (errno == E2BIG) continue;
                /* EILSEQ or EINVAL (truncated): replace one unit and go on */
                size_t skip = utf16 ? 2 : 1;
                if (skip > inleft) skip = inleft;
                in += skip;
                inleft -= skip;
                bt_buf_adds(&b, "\xEF\xBF\xBD");
                bad++;
                iconv(cd, NULL, NULL, NULL, NULL);
            }
        }
        iconv_close(cd);
    }
    /* Guarantee valid UTF-8 without NUL bytes. */
    size_t bad2 = 0;
    char *r = bt_utf8_repair(b.data ? b.data : "", b.len, &bad2);
    bt_buf_free(&b);
    if (nbad) *nbad = bad + bad2;
    *out = r;
    *outlen = strlen(r);
    return BT_OK;
}

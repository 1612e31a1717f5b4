/* pdf_meta.c - what a PDF says about itself (see pdf_int.h): the information dictionary and
 * file identifier, PDF/A's XMP metadata and sRGB output intent, and the articles' source files
 * embedded as associated files. */
#include "pdf_int.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "input.h"
#include "pdf_content.h"
#include "pdf_xmp.h"

/* ---------------------------------------------------------------- document information */

/* A deterministic file identifier from the text of the articles and the options. */
void pd_set_id(doc *d)
{
    uint64_t h1 = 1469598103934665603ULL, h2 = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < d->n; i++) {
        const bt_article *a = d->arts[i];
        const char *parts[3] = {a->title, a->lead, a->author};
        for (int k = 0; k < 3; k++)
            for (const unsigned char *p = (const unsigned char *)(parts[k] ? parts[k] : ""); *p; p++) {
                h1 = (h1 ^ *p) * 1099511628211ULL;
                h2 = (h2 ^ *p) * 0x100000001B3ULL + (h2 >> 29);
            }
        for (size_t b = 0; b < a->nblocks; b++)
            for (const unsigned char *p = (const unsigned char *)(a->blocks[b].text ? a->blocks[b].text : "");
                 *p; p++) {
                h1 = (h1 ^ *p) * 1099511628211ULL;
                h2 = (h2 ^ *p) * 0x100000001B3ULL + (h2 >> 29);
            }
    }
    char extra[96];
    size_t np = 0;
    for (size_t i = 0; i < d->n; i++) np += d->npages[i];
    snprintf(extra, sizeof extra, "%lld|%s|%zu", (long long)d->o->epoch, d->o->paper ? d->o->paper : "a4", np);
    for (const char *q = extra; *q; q++) {
        h1 = (h1 ^ (unsigned char)*q) * 1099511628211ULL;
        h2 = (h2 ^ (unsigned char)*q) * 0x100000001B3ULL + (h2 >> 29);
    }
    for (int i = 0; i < 8; i++) {
        d->id[i] = (unsigned char)(h1 >> (8 * i));
        d->id[8 + i] = (unsigned char)(h2 >> (8 * i));
    }
}

static void to_hdate(int64_t t, int tzmin, HPDF_Date *dt)
{
    time_t tt = (time_t)(t + (int64_t)tzmin * 60);
    struct tm tm;
    gmtime_r(&tt, &tm);
    memset(dt, 0, sizeof *dt);
    dt->year = tm.tm_year + 1900;
    dt->month = tm.tm_mon + 1;
    dt->day = tm.tm_mday;
    dt->hour = tm.tm_hour;
    dt->minutes = tm.tm_min;
    dt->seconds = tm.tm_sec > 59 ? 59 : tm.tm_sec;
    if (tzmin == 0) dt->ind = 'Z';
    else {
        dt->ind = tzmin > 0 ? '+' : '-';
        int a = tzmin < 0 ? -tzmin : tzmin;
        dt->off_hour = a / 60;
        dt->off_minutes = a % 60;
    }
}

/* The document's language: the first article's (an ASCII BCP 47 tag), "vi" by default. */
const char *pd_doc_lang(const bt_article *a)
{
    const char *lang = a->language && *a->language ? a->language : "vi";
    if (strlen(lang) < 36 && strspn(lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(lang))
        return lang;
    return "vi";
}

void pd_set_info(doc *d)
{
    bt_article **arts = d->arts;
    size_t n = d->n;
    HPDF_Doc pdf = d->pdf;
    const bt_article *a = arts[0];
    /* creates the information dictionary (libharu fills in Producer) */
    HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "bantin " BT_VERSION); /* = CREATOR */
    HPDF_Dict info = pdf->info;
    if (!info) return;
    if (a->title && *a->title) HPDF_Dict_Add(info, "Title", pd_text_string(d, a->title));
    /* author / subject: the first article that has one */
    for (size_t i = 0; i < n; i++)
        if (arts[i]->author && *arts[i]->author) {
            HPDF_Dict_Add(info, "Author", pd_text_string(d, arts[i]->author));
            break;
        }
    for (size_t i = 0; i < n; i++)
        if (arts[i]->category && *arts[i]->category) {
            HPDF_Dict_Add(info, "Subject", pd_text_string(d, arts[i]->category));
            break;
        }
    HPDF_Dict_Add(info, "Producer", HPDF_String_New(pdf->mmgr, "bantin " BT_VERSION " (libharu " HPDF_VERSION_TEXT ")", NULL)); /* = PRODUCER */
    /* the document language, for screen readers and text extraction */
    HPDF_Dict_Add(pdf->catalog, "Lang", HPDF_String_New(pdf->mmgr, pd_doc_lang(a), NULL));
    HPDF_Date dt;
    int have = 0;
    if (d->o->epoch >= 0) {
        to_hdate(d->o->epoch, 0, &dt);
        have = 1;
    } else {
        for (size_t i = 0; i < n && !have; i++) {
            int64_t t = bt_date_epoch(&arts[i]->published);
            if (t >= 0) {
                to_hdate(t, arts[i]->published.tz_minutes, &dt);
                have = 1;
            }
        }
        if (!have) {
            to_hdate((int64_t)time(NULL), 0, &dt);
            have = 1;
        }
    }
    HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, dt);
    HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, dt);
    if (dt.ind == 'Z' || dt.ind == ' ')
        snprintf(d->isodate, sizeof d->isodate, "%04d-%02d-%02dT%02d:%02d:%02dZ", dt.year, dt.month, dt.day, dt.hour,
                 dt.minutes, dt.seconds);
    else
        snprintf(d->isodate, sizeof d->isodate, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", dt.year, dt.month, dt.day,
                 dt.hour, dt.minutes, dt.seconds, dt.ind, dt.off_hour, dt.off_minutes);
}

/* The first article's field that is set, or NULL. */
static const char *first_field(doc *d, size_t off)
{
    for (size_t i = 0; i < d->n; i++) {
        const char *v = *(char *const *)((const char *)d->arts[i] + off);
        if (v && *v) return v;
    }
    return NULL;
}

#define PRODUCER "bantin " BT_VERSION " (libharu " HPDF_VERSION_TEXT ")"
#define CREATOR "bantin " BT_VERSION

/* ---------------------------------------------------------------- PDF/A */

/* The sRGB profile shipped with the fonts (fonts/sRGB.icc, see fonts/sRGB.icc.txt). */
static bt_status read_icc(const char *path, unsigned char **out, size_t *len, bt_err *e)
{
    if (!path) return bt_err_set(e, BT_EFONT, "the sRGB colour profile for PDF/A was not found (fonts/sRGB.icc)");
    char *data = NULL;
    bt_err e2;
    bt_status st = bt_read_file(path, 1 << 20, &data, len, &e2);
    if (st == BT_OK && (*len < 132 || memcmp(data + 36, "acsp", 4) != 0 || memcmp(data + 16, "RGB ", 4) != 0)) {
        free(data);
        data = NULL;
        st = bt_err_set(e, BT_EFONT, "%s: not an RGB ICC profile", path);
    } else if (st) {
        bt_err_set(e, BT_EFONT, "%s: %s", path, e2.msg);
    }
    *out = (unsigned char *)data;
    return st;
}

/* The profile's stream, deflated once for the process: every PDF/A carries the same 7 KB, and
 * deflating it again was a twentieth of archiving an article. Kept with the path it came from
 * (BANTIN_ICC_PROFILE may name another); freed at exit. */
static pthread_mutex_t icc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t icc_once = PTHREAD_ONCE_INIT;
static char *icc_path;
static unsigned char *icc_z;
static size_t icc_zlen;

static void icc_free(void)
{
    free(icc_path);
    free(icc_z);
    icc_path = NULL;
    icc_z = NULL;
}

static void icc_init(void) { atexit(icc_free); }

static char *icc_where(void)
{
    const char *env = getenv("BANTIN_ICC_PROFILE");
    if (env && *env) return bt_xstrdup(env);
    char *dir = bt_data_dir("fonts");
    char *path = dir ? bt_path_join(dir, "sRGB.icc") : NULL;
    free(dir);
    return path;
}

/* The profile's bytes deflated (a heap copy for the caller), as deflate_bytes makes them. */
static bt_status icc_deflated(doc *d, unsigned char **out, size_t *len, bt_err *e)
{
    pthread_once(&icc_once, icc_init);
    char *path = icc_where();
    pthread_mutex_lock(&icc_lock);
    if (!icc_z || !path || !icc_path || strcmp(path, icc_path) != 0) {
        unsigned char *raw = NULL, *z = NULL;
        size_t rl = 0, zl = 0;
        bt_status st = read_icc(path, &raw, &rl, e);
        if (st == BT_OK && !(z = pd_deflate(d, raw, rl, &zl))) st = bt_err_set(e, BT_ENOMEM, "cannot deflate the colour profile");
        free(raw);
        if (st) {
            pthread_mutex_unlock(&icc_lock);
            free(path);
            return st;
        }
        free(icc_z);
        free(icc_path);
        icc_z = z;
        icc_zlen = zl;
        icc_path = path;
        path = NULL;
    }
    *out = bt_xmalloc(icc_zlen);
    memcpy(*out, icc_z, icc_zlen);
    *len = icc_zlen;
    pthread_mutex_unlock(&icc_lock);
    free(path);
    return BT_OK;
}

/* XMP metadata matching the information dictionary, and the sRGB output intent. */
bt_status pd_write_pdfa(doc *d, bt_err *e)
{
    bt_xmp_info x;
    memset(&x, 0, sizeof x);
    x.title = d->arts[0]->title;
    x.author = first_field(d, offsetof(bt_article, author));
    x.subject = first_field(d, offsetof(bt_article, category));
    x.lang = pd_doc_lang(d->arts[0]);
    x.creator_tool = CREATOR;
    x.producer = PRODUCER;
    x.date = d->isodate;
    x.part = d->o->embed_source ? 3 : 2;
    x.conformance = "A";
    size_t xl = 0;
    char *xmp = bt_pdf_xmp(&x, &xl);
    if (!xmp) return bt_err_set(e, BT_ENOMEM, "libxml2: cannot write the XMP metadata");
    HPDF_Dict meta = pd_raw_stream(d, "/Type /Metadata\n/Subtype /XML\n", xmp, xl, 1);
    free(xmp);
    unsigned char *icc = NULL;
    size_t il = 0;
    bt_status st = icc_deflated(d, &icc, &il, e);
    if (st) return st;
    HPDF_Dict prof = pd_stream_of(d, "/N 3\n", icc, il, 1);
    if (!meta || !prof) return pd_fail(d, e, "writing the PDF/A metadata");
    bt_buf b = {0};
    bt_buf_printf(&b,
                  "/Type /OutputIntent\n/S /GTS_PDFA1\n/OutputConditionIdentifier (sRGB IEC61966-2.1)\n"
                  "/Info (sRGB IEC61966-2.1)\n/RegistryName (http://www.color.org)\n/DestOutputProfile %u 0 R\n",
                  pd_objnum(prof));
    HPDF_Dict oi = pd_raw_dict(d, b.data);
    bt_buf_free(&b);
    HPDF_Array ois = HPDF_Array_New(d->pdf->mmgr);
    if (!oi || !ois) return pd_fail(d, e, "writing the PDF/A output intent");
    HPDF_Array_Add(ois, oi);
    HPDF_Dict_Add(d->pdf->catalog, "OutputIntents", ois);
    HPDF_Dict_Add(d->pdf->catalog, "Metadata", meta);
    if (d->h.code) return pd_fail(d, e, "writing the PDF/A metadata");
    return BT_OK;
}

/* ---------------------------------------------------------------- associated files */

/* A PDF date string for t (UTC). */
static void pdf_date(int64_t t, char out[64])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(out, 64, "D:%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec > 59 ? 59 : tm.tm_sec);
}

/* A file name as a PDF literal string: bytes other than printable ASCII, '(', ')' and '\\'
 * escaped in octal. */
static void lit(bt_buf *b, const char *s)
{
    bt_buf_addc(b, '(');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p > 0x7E || *p == '(' || *p == ')' || *p == '\\') bt_buf_printf(b, "\\%03o", *p);
        else bt_buf_addc(b, (char)*p);
    }
    bt_buf_addc(b, ')');
}

/* Each article's source file, byte for byte, as an associated file of the document (PDF/A-3:
 * /AF on the catalogue, AFRelationship /Source, MIME type, dates) and in the EmbeddedFiles name
 * tree, where readers and pdfdetach find attachments. */
bt_status pd_embed_sources(doc *d, bt_err *e)
{
    bt_buf names = {0};
    size_t count = 0;
    HPDF_Dict *specs = bt_xcalloc(d->n, sizeof *specs);
    for (size_t i = 0; i < d->n; i++) {
        bt_article *a = d->arts[i];
        const char *path = a->source_path;
        if (!path || !*path || strcmp(path, "-") == 0) {
            bt_article_warn(a, "--embed-source: the article was not read from a file; no source embedded");
            continue;
        }
        char *data = NULL;
        size_t len = 0;
        bt_err e2;
        if (bt_read_file(path, BT_MAX_INPUT_BYTES, &data, &len, &e2) != BT_OK) {
            bt_article_warn(a, "--embed-source: %s", e2.msg);
            continue;
        }
        struct stat sb;
        int64_t mtime = stat(path, &sb) == 0 ? (int64_t)sb.st_mtime : -1;
        if (d->o->epoch >= 0 && (mtime < 0 || mtime > d->o->epoch)) mtime = d->o->epoch;
        char date[64];
        pdf_date(mtime >= 0 ? mtime : 0, date);
        const char *mime = bt_input_is_html(data, len) ? "text#2Fhtml" : "text#2Fplain";
        bt_buf b = {0};
        bt_buf_printf(&b, "/Type /EmbeddedFile\n/Subtype /%s\n/Params << /Size %zu /ModDate (%s) >>\n", mime, len, date);
        HPDF_Dict ef = pd_raw_stream(d, b.data, data, len, 1);
        free(data);
        bt_buf_reset(&b);
        char *name = bt_path_basename(path);
        bt_buf_adds(&b, "/Type /Filespec\n/F ");
        lit(&b, name);
        bt_buf_adds(&b, "\n/UF ");
        bt_pdf_text_hex(&b, name);
        bt_buf_printf(&b,
                      "\n/Desc (Source of the article)\n/AFRelationship /Source\n"
                      "/EF << /F %u 0 R /UF %u 0 R >>\n",
                      ef ? pd_objnum(ef) : 0, ef ? pd_objnum(ef) : 0);
        HPDF_Dict fs = ef ? pd_raw_dict(d, b.data) : NULL;
        bt_buf_free(&b);
        if (!fs) {
            free(name);
            free(specs);
            bt_buf_free(&names);
            return pd_fail(d, e, "embedding a source file");
        }
        specs[count] = fs;
        char key[32];
        snprintf(key, sizeof key, "%04zu ", count + 1);
        bt_buf key2 = {0};
        bt_buf_adds(&key2, key);
        bt_buf_adds(&key2, name);
        lit(&names, key2.data);
        bt_buf_printf(&names, " %u 0 R\n", pd_objnum(fs));
        bt_buf_free(&key2);
        free(name);
        count++;
    }
    if (count) {
        /* the catalogue's /AF and /Names << /EmbeddedFiles >>, written as a raw array/dict */
        bt_buf arr = {0};
        bt_buf_printf(&arr, "/Names [\n%s]\n", names.data);
        HPDF_Dict tree = pd_raw_dict(d, arr.data);
        bt_buf_free(&arr);
        HPDF_Array afa = HPDF_Array_New(d->pdf->mmgr);
        HPDF_Dict nd = HPDF_Dict_New(d->pdf->mmgr);
        if (!tree || !afa || !nd) {
            free(specs);
            bt_buf_free(&names);
            return pd_fail(d, e, "embedding the source files");
        }
        for (size_t i = 0; i < count; i++) HPDF_Array_Add(afa, specs[i]);
        HPDF_Dict_Add(d->pdf->catalog, "AF", afa);
        HPDF_Dict_Add(nd, "EmbeddedFiles", tree);
        HPDF_Dict_Add(d->pdf->catalog, "Names", nd);
    }
    free(specs);
    bt_buf_free(&names);
    if (d->h.code) return pd_fail(d, e, "embedding the source files");
    return BT_OK;
}


/* out_epub.c - articles -> EPUB 3 (with an EPUB 2 NCX) in memory.
 *
 * Every XML file (container.xml, OPF, NCX, nav and the XHTML pages) is written with libxml2's
 * xmlTextWriter, which escapes all text and attribute values. The container is built with libzip
 * in memory: `mimetype` first, stored, from a buffer of known size (so no Zip64 extra field),
 * then the other entries in a fixed order with fixed times and attributes, so that the same
 * input and the same SOURCE_DATE_EPOCH give the same bytes. The bundled fonts are subset with
 * HarfBuzz to the characters the book uses.
 *
 * This is the only file that includes zip.h. It never prints; problems are returned in bt_err. */
#include "out_epub.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>
#include <zip.h>
#include <zlib.h>

#include "font.h"
#include "hash.h"
#include "template.h"
#include "text.h"

#define NS_XHTML "http://www.w3.org/1999/xhtml"
#define NS_EPUB "http://www.idpf.org/2007/ops"
#define NS_OPF "http://www.idpf.org/2007/opf"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_NCX "http://www.daisy.org/z3986/2005/ncx/"
#define NS_CONTAINER "urn:oasis:names:tc:opendocument:xmlns:container"

#define BT_EPUB_MAX_IMAGE ((size_t)20 * 1024 * 1024)

/* ---------------------------------------------------------------------------------------------
 * Labels (Vietnamese for a Vietnamese book, English otherwise). */

typedef struct {
    const char *toc, *articles, *uncategorized, *undated, *source, *cover, *unknown_author,
        *digest, *start;
} bt_epub_labels;

static const bt_epub_labels bt_epub_vi = {"Mục lục", "bài", "Chưa phân loại", "Không rõ ngày",
                                          "Nguồn", "Bìa", "Không rõ tác giả", "Bản tin",
                                          "Bắt đầu đọc"};
static const bt_epub_labels bt_epub_en = {"Contents", "articles", "Uncategorized", "Undated",
                                          "Source", "Cover", "Unknown author", "News digest",
                                          "Start reading"};

/* ---------------------------------------------------------------------------------------------
 * Small helpers. */

/* 1 if XML 1.0 allows the character (C1 controls, discouraged, are refused too). */
static int epub_xml_char(uint32_t cp)
{
    if (cp >= 0x7F && cp <= 0x9F) return 0;
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* A copy of s that is valid UTF-8 with no character XML 1.0 forbids. Heap string. */
static char *epub_xml_clean(const char *s)
{
    size_t len, i = 0, k;
    uint32_t cp;
    char *rep, *out;
    int clean = 1;
    if (!s) return bt_xstrdup("");
    len = strlen(s);
    rep = bt_utf8_valid(s, len) ? bt_xstrndup(s, len) : bt_utf8_repair(s, len, NULL);
    len = strlen(rep);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)rep[i];
        if (c < 0x20 || c == 0x7F || c == 0xC2 || c == 0xEF) { clean = 0; break; }
    }
    if (clean) return rep; /* the common case: nothing to drop */
    {
        bt_buf b = {0};
        i = 0;
        while (i < len && (k = bt_utf8_decode(rep + i, len - i, &cp)) > 0) {
            if (epub_xml_char(cp)) bt_buf_add(&b, rep + i, k);
            i += k;
        }
        free(rep);
        out = bt_buf_detach(&b, NULL);
    }
    return out ? out : bt_xstrdup("");
}

static int epub_is_jpeg(const unsigned char *d, size_t n)
{
    return n > 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF;
}
static int epub_is_png(const unsigned char *d, size_t n)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    return n > 8 && memcmp(d, sig, 8) == 0;
}

/* ---------------------------------------------------------------------------------------------
 * Compressing ahead. Deflating the entries is the largest single cost of a book, so each file is
 * deflated as soon as it is written, on a helper thread while the next pages are written, and
 * libzip is handed the finished streams (a source that says its data is deflated already).
 * Every entry is deflated the same way, on whichever thread, so the book's bytes are the same
 * whether or not a helper thread ran: a raw 32 KB window, memory level 8 (half the hash table
 * that is cleared for every entry), the default strategy, and
 * - for text (XHTML, CSS, the package files) zlib level 5 (EPUB_DEFLATE_LEVEL) rather than
 *   libzip's default 9: on a 100-article digest 0.1 % larger (level 6: 0.09 %) in about two
 *   thirds of the time;
 * - for the fonts level 1 (EPUB_FONT_DEFLATE_LEVEL): the font subsets are most of a small book's
 *   bytes (a digest of a few articles: 76 of 90 KB) and of the time spent deflating it; level 1
 *   deflates them 1.8 times as fast as level 6 for 6 % more bytes (on 180 subsets of an archive's
 *   digests: 2.38 MB instead of 2.24 MB). */

#define EPUB_DEFLATE_LEVEL 5
#define EPUB_FONT_DEFLATE_LEVEL 1

typedef struct {
    const unsigned char *data; /* the entry's bytes (not owned; live until the book is freed) */
    size_t len;
    unsigned char *out;        /* the deflate stream (owned) */
    size_t olen;
    uint32_t crc;
    int level;                 /* zlib's compression level */
    int ok;                    /* 0: not deflated (libzip compresses it itself) */
} zjob;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    zjob **q; /* every job, in the order they were queued */
    size_t n, cap, next;
    int closing, threaded;
    pthread_t th;
} bt_zpack;

/* A deflate stream kept for the entries one thread deflates: reset between entries rather than
 * set up again (its ~400 KB of tables allocated and cleared once; the output is the same). */
typedef struct {
    z_stream zs;
    int ready;
    int level;
} bt_deflater;

static void deflater_end(bt_deflater *d)
{
    if (d->ready) deflateEnd(&d->zs);
    d->ready = 0;
}

static void zjob_run(zjob *j, bt_deflater *d)
{
    if (j->len == 0 || j->len > UINT_MAX / 2) return; /* left to libzip */
    if (d->ready) {
        if (deflateReset(&d->zs) != Z_OK) deflater_end(d);
    }
    if (!d->ready) {
        memset(&d->zs, 0, sizeof d->zs);
        if (deflateInit2(&d->zs, j->level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return;
        d->ready = 1;
        d->level = j->level;
    }
    if (d->level != j->level) { /* before any input: only the level changes */
        if (deflateParams(&d->zs, j->level, Z_DEFAULT_STRATEGY) != Z_OK) {
            deflater_end(d);
            return;
        }
        d->level = j->level;
    }
    z_stream *zs = &d->zs;
    uLong bound = deflateBound(zs, (uLong)j->len);
    j->out = bt_xmalloc(bound);
    zs->next_in = (Bytef *)(uintptr_t)j->data;
    zs->avail_in = (uInt)j->len;
    zs->next_out = j->out;
    zs->avail_out = (uInt)bound;
    int rc = deflate(zs, Z_FINISH);
    j->olen = zs->total_out;
    if (rc != Z_STREAM_END) {
        free(j->out);
        j->out = NULL;
        return;
    }
    j->crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), j->data, (uInt)j->len);
    j->ok = 1;
}

/* Run queued jobs until none is left; called and returns with pk->mu held, which is released
 * while a job deflates. */
static void drain(bt_zpack *pk, bt_deflater *d)
{
    while (pk->next < pk->n) {
        zjob *j = pk->q[pk->next++];
        pthread_mutex_unlock(&pk->mu);
        zjob_run(j, d);
        pthread_mutex_lock(&pk->mu);
    }
}

static void *zpack_main(void *p)
{
    bt_zpack *pk = p;
    bt_deflater d = {0};
    pthread_mutex_lock(&pk->mu);
    for (;;) {
        while (pk->next == pk->n && !pk->closing) pthread_cond_wait(&pk->cv, &pk->mu);
        if (pk->next == pk->n) break;
        drain(pk, &d);
    }
    pthread_mutex_unlock(&pk->mu);
    deflater_end(&d);
    return NULL;
}

/* threads: 1 = deflate on the calling thread only, at the end (e.g. when the caller runs books
 * in parallel already); otherwise one helper thread when the machine has more than one CPU. */
static void zpack_init(bt_zpack *pk, int threads)
{
    memset(pk, 0, sizeof *pk);
    pthread_mutex_init(&pk->mu, NULL);
    pthread_cond_init(&pk->cv, NULL);
    if (threads != 1 && sysconf(_SC_NPROCESSORS_ONLN) > 1)
        pk->threaded = pthread_create(&pk->th, NULL, zpack_main, pk) == 0;
}

/* Queue data (which must stay unchanged and alive until zpack_free) for deflating. */
static zjob *zpack_push(bt_zpack *pk, const unsigned char *data, size_t len, int level)
{
    zjob *j = bt_xcalloc(1, sizeof *j);
    j->data = data;
    j->len = len;
    j->level = level;
    pthread_mutex_lock(&pk->mu);
    if (pk->n == pk->cap) {
        pk->cap = pk->cap ? pk->cap * 2 : 64;
        pk->q = bt_xrealloc(pk->q, pk->cap * sizeof *pk->q);
    }
    pk->q[pk->n++] = j;
    pthread_cond_signal(&pk->cv);
    pthread_mutex_unlock(&pk->mu);
    return j;
}

/* Deflate what is still queued (the calling thread helps), and stop the helper. With abandon,
 * what is queued is dropped instead (the book failed). */
static void zpack_finish(bt_zpack *pk, int abandon)
{
    bt_deflater d = {0};
    pthread_mutex_lock(&pk->mu);
    pk->closing = 1;
    if (abandon) pk->next = pk->n;
    pthread_cond_broadcast(&pk->cv);
    drain(pk, &d);
    pthread_mutex_unlock(&pk->mu);
    deflater_end(&d);
    if (pk->threaded) pthread_join(pk->th, NULL);
    pk->threaded = 0;
}

static void zpack_free(bt_zpack *pk)
{
    for (size_t i = 0; i < pk->n; i++) {
        free(pk->q[i]->out);
        free(pk->q[i]);
    }
    free(pk->q);
    pthread_mutex_destroy(&pk->mu);
    pthread_cond_destroy(&pk->cv);
}

/* ---------------------------------------------------------------------------------------------
 * The package being built: a list of files in their final order. */

typedef struct {
    char *name;         /* path in the zip */
    char *id;           /* manifest id (NULL: not in the manifest) */
    const char *mime;   /* media type */
    char *props;        /* manifest properties or NULL */
    unsigned char *data; /* owned */
    size_t len;
    int store;          /* 1: do not compress */
    zjob *z;         /* its deflate stream, once queued (owned by the book's bt_zpack) */
} epub_file;

typedef struct {
    epub_file *f;
    size_t n, cap;
} bt_epub_files;

static epub_file *epub_files_add(bt_epub_files *fs, const char *name, const char *id,
                                       const char *mime, unsigned char *data, size_t len)
{
    epub_file *f;
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 64;
        fs->f = bt_xrealloc(fs->f, fs->cap * sizeof *fs->f);
    }
    f = &fs->f[fs->n++];
    memset(f, 0, sizeof *f);
    f->name = bt_xstrdup(name);
    f->id = id ? bt_xstrdup(id) : NULL;
    f->mime = mime;
    f->data = data;
    f->len = len;
    return f;
}

static void epub_files_free(bt_epub_files *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->f[i].name);
        free(fs->f[i].id);
        free(fs->f[i].props);
        free(fs->f[i].data);
    }
    free(fs->f);
    fs->f = NULL;
    fs->n = fs->cap = 0;
}

/* ---------------------------------------------------------------------------------------------
 * The code points a book displays (for font subsetting): one bit per Unicode scalar value, set
 * for every character written, read back in ascending order. A plain bitmap rather than a
 * general set: adding is the inner loop of writing the text. */

#define BT_CPSET_WORDS (0x110000 / 64)

static uint64_t *bt_cpset_new(void)
{
    return bt_xcalloc(BT_CPSET_WORDS, sizeof(uint64_t));
}

static void cpset_add(uint64_t *set, uint32_t cp)
{
    if (cp < 0x110000) set[cp >> 6] |= (uint64_t)1 << (cp & 63);
}

/* ---------------------------------------------------------------------------------------------
 * XML writing: a thin layer over xmlTextWriter that remembers the first failure and collects the
 * code points of displayed text (for font subsetting). */

typedef struct {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    int failed;
    uint64_t *cps; /* NULL: do not collect */
} bt_xw;

static int xw_open(bt_xw *x, uint64_t *cps)
{
    memset(x, 0, sizeof *x);
    x->buf = xmlBufferCreate();
    if (!x->buf) return -1;
    x->w = xmlNewTextWriterMemory(x->buf, 0);
    if (!x->w) {
        xmlBufferFree(x->buf);
        x->buf = NULL;
        return -1;
    }
    x->cps = cps;
    if (xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0) x->failed = 1;
    return 0;
}

/* Finish the document; on success hand over its bytes (heap) and return 0. */
static int xw_close(bt_xw *x, unsigned char **out, size_t *len)
{
    int rc = -1;
    if (xmlTextWriterEndDocument(x->w) < 0) x->failed = 1;
    xmlFreeTextWriter(x->w); /* flushes into buf */
    x->w = NULL;
    if (!x->failed) {
        size_t n = (size_t)xmlBufferLength(x->buf);
        unsigned char *d = bt_xmalloc(n + 1);
        memcpy(d, xmlBufferContent(x->buf), n);
        d[n] = 0;
        *out = d;
        *len = n;
        rc = 0;
    }
    xmlBufferFree(x->buf);
    x->buf = NULL;
    return rc;
}

static void xw_start(bt_xw *x, const char *name)
{
    if (xmlTextWriterStartElement(x->w, BAD_CAST name) < 0) x->failed = 1;
}
static void xw_end(bt_xw *x)
{
    if (xmlTextWriterEndElement(x->w) < 0) x->failed = 1;
}
/* End an element that must keep an explicit end tag (never <x/>), e.g. XHTML ones. */
static void xw_fend(bt_xw *x)
{
    if (xmlTextWriterFullEndElement(x->w) < 0) x->failed = 1;
}
static void xw_attr(bt_xw *x, const char *name, const char *val)
{
    char *c = epub_xml_clean(val);
    if (xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST c) < 0) x->failed = 1;
    free(c);
}
static void xw_nl(bt_xw *x)
{
    if (xmlTextWriterWriteRaw(x->w, BAD_CAST "\n") < 0) x->failed = 1;
}
/* One pass over a text that is written (every word of a book goes through here): adds its
 * characters to set (when not NULL) and returns a mask: TEXT_DIRTY when epub_xml_clean would change
 * it (not valid UTF-8, or a character XML 1.0 forbids), TEXT_ESCAPE when it holds a character
 * xmlEncodeSpecialChars escapes in element content (< > & " and CR). A dirty text adds only
 * what came before the first bad byte, which cleaning keeps. */
enum { TEXT_DIRTY = 1, TEXT_ESCAPE = 2 };
static int text_scan(uint64_t *set, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    int r = 0;
    size_t i = 0;
    while (i < len) {
        unsigned c = u[i];
        uint32_t cp;
        size_t n;
        if (c < 0x80) {
            if ((c < 0x20 && c != 0x9 && c != 0xA && c != 0xD) || c == 0x7F) return r | TEXT_DIRTY;
            if (c == '<' || c == '>' || c == '&' || c == '"' || c == '\r') r |= TEXT_ESCAPE;
            cp = c;
            n = 1;
        } else if (c >= 0xC2 && c <= 0xDF && i + 1 < len && (u[i + 1] & 0xC0) == 0x80) {
            cp = ((c & 0x1Fu) << 6) | (u[i + 1] & 0x3Fu);
            n = 2;
        } else if (c >= 0xE1 && c <= 0xEC && i + 2 < len && (u[i + 1] & 0xC0) == 0x80 &&
                   (u[i + 2] & 0xC0) == 0x80) { /* neither overlong (E0) nor a surrogate (ED) */
            cp = ((c & 0x0Fu) << 12) | ((uint32_t)(u[i + 1] & 0x3F) << 6) | (u[i + 2] & 0x3Fu);
            n = 3;
        } else {
            n = bt_utf8_decode(s + i, len - i, &cp);
            if (n < 2) return r | TEXT_DIRTY; /* a lead byte that starts no valid sequence */
        }
        if (!epub_xml_char(cp)) return r | TEXT_DIRTY;
        if (set) cpset_add(set, cp);
        i += n;
    }
    return r;
}

static void xw_text(bt_xw *x, const char *s)
{
    /* the common case, text that is clean already, is written as it is, without a copy */
    const char *w = s ? s : "";
    size_t len = strlen(w);
    char *c = NULL;
    int scan = text_scan(x->cps, w, len);
    if (scan & TEXT_DIRTY) {
        c = epub_xml_clean(s);
        w = c;
        len = strlen(c);
        scan = text_scan(x->cps, w, len);
    }
    /* xmlTextWriterWriteString escapes the text (xmlEncodeSpecialChars, a copy) and writes that
     * raw: a text with nothing to escape is written raw at once, the same bytes (xw_text is only
     * ever called in element content, never inside an attribute) */
    int rc = (scan & TEXT_ESCAPE) || len > INT_MAX ? xmlTextWriterWriteString(x->w, BAD_CAST w)
                                : xmlTextWriterWriteRawLen(x->w, BAD_CAST w, (int)len);
    if (rc < 0) x->failed = 1;
    free(c);
}
/* <name [class=cls]>text</name> */
static void xw_elem(bt_xw *x, const char *name, const char *cls, const char *text)
{
    xw_start(x, name);
    if (cls) xw_attr(x, "class", cls);
    xw_text(x, text);
    xw_fend(x);
}

/* <html> ... <head> with title and stylesheet, then <body>. */
static void xw_xhtml_head(bt_xw *x, const char *lang, const char *title, const char *body_class)
{
    if (xmlTextWriterWriteDTD(x->w, BAD_CAST "html", NULL, NULL, NULL) < 0) x->failed = 1;
    xw_nl(x);
    xw_start(x, "html");
    xw_attr(x, "xmlns", NS_XHTML);
    xw_attr(x, "xmlns:epub", NS_EPUB);
    xw_attr(x, "lang", lang);
    xw_attr(x, "xml:lang", lang);
    xw_nl(x);
    xw_start(x, "head");
    xw_start(x, "meta");
    xw_attr(x, "charset", "utf-8");
    xw_end(x);
    xw_start(x, "title");
    {
        char *c = epub_xml_clean(title);
        if (xmlTextWriterWriteString(x->w, BAD_CAST c) < 0) x->failed = 1;
        free(c);
    }
    xw_fend(x);
    xw_start(x, "link");
    xw_attr(x, "rel", "stylesheet");
    xw_attr(x, "type", "text/css");
    xw_attr(x, "href", "style.css");
    xw_end(x);
    xw_fend(x); /* head */
    xw_nl(x);
    xw_start(x, "body");
    if (body_class) xw_attr(x, "class", body_class);
    xw_nl(x);
}

static void xw_xhtml_tail(bt_xw *x)
{
    xw_fend(x); /* body */
    xw_nl(x);
    xw_fend(x); /* html */
    xw_nl(x);
}

/* ---------------------------------------------------------------------------------------------
 * Ordering and grouping. */

typedef struct {
    const bt_article *a;
    size_t input;      /* position in the input */
    int64_t when;      /* epoch seconds, or INT64_MAX when undated */
    char *title_key;   /* folded title */
    char *group_key;   /* grouping key ("" = none) */
    char *group_label; /* shown in the TOC */
    char *date_label;  /* display date or "" */
    char *file;        /* "a0001.xhtml" */
    char *id;          /* "a0001" */
    size_t group;      /* group index */
    bt_sort sort;      /* the order asked for (copied into each item for qsort) */
    size_t pos;        /* position after sorting, before grouping */
} bt_epub_item;

static int epub_cmp(const void *pa, const void *pb)
{
    const bt_epub_item *a = pa, *b = pb;
    int c = 0;
    if (a->sort == BT_SORT_DATE) {
        c = (a->when > b->when) - (a->when < b->when);
    } else if (a->sort == BT_SORT_TITLE) {
        c = strcmp(a->title_key, b->title_key);
        if (c == 0) c = strcmp(a->a->title, b->a->title);
    }
    if (c == 0) c = (a->input > b->input) - (a->input < b->input);
    return c;
}

static int epub_cmp_group(const void *pa, const void *pb)
{
    const bt_epub_item *a = pa, *b = pb;
    if (a->group != b->group) return a->group < b->group ? -1 : 1;
    return (a->pos > b->pos) - (a->pos < b->pos);
}

typedef struct {
    char *key, *label;
    size_t first; /* first item (index into the ordered items) */
    size_t count;
} bt_epub_group;

/* A date without its time, shown as "Thứ Bảy, 27/05/2023" (vi) or "2023-05-27". */
static char *epub_day_label(const bt_date *d, int vi)
{
    bt_date day = *d;
    char iso[32];
    if (!bt_date_valid(d)) return bt_xstrdup("");
    day.has_time = 0;
    day.hour = day.minute = day.second = 0;
    if (vi) return bt_date_vi(&day);
    bt_date_iso(&day, iso);
    return bt_xstrdup(iso);
}

static char *epub_short_date(const bt_date *d, int vi)
{
    if (!bt_date_valid(d)) return bt_xstrdup("");
    if (vi) return bt_xasprintf("%02d/%02d/%04d", d->day, d->month, d->year);
    return bt_xasprintf("%04d-%02d-%02d", d->year, d->month, d->day);
}

/* ---------------------------------------------------------------------------------------------
 * The book. */

typedef struct {
    const bt_epub_opts *o;
    const bt_epub_labels *L;
    int vi;
    char *lang;
    char *title;
    char uuid[64]; /* "urn:uuid:..." */
    char modified[32];
    char date[32];
    char *date_range; /* "" when unknown */
    bt_epub_item *items;
    size_t n;
    bt_epub_group *groups;
    size_t ngroups;
    int two_level;
    int digest;
    uint64_t *cps;        /* the characters the pages display (bt_cpset_*) */
    bt_epub_files files;  /* XHTML pages and images, in spine/manifest order */
    bt_epub_files fonts;
    bt_zpack pack;        /* the entries being deflated ahead */
    size_t queued, fonts_queued; /* files and fonts queued so far */
    char *cover_name; /* "images/cover.jpg" or NULL */
    unsigned char *css;
    size_t css_len;
    const bt_template *tpl; /* o->tpl, or the default template (owned_tpl) */
    bt_template *owned_tpl;
} bt_book;

static void book_free(bt_book *b)
{
    for (size_t i = 0; b->items && i < b->n; i++) {
        free(b->items[i].title_key);
        free(b->items[i].group_key);
        free(b->items[i].group_label);
        free(b->items[i].date_label);
        free(b->items[i].file);
        free(b->items[i].id);
    }
    free(b->items);
    for (size_t i = 0; i < b->ngroups; i++) {
        free(b->groups[i].key);
        free(b->groups[i].label);
    }
    free(b->groups);
    free(b->lang);
    free(b->title);
    free(b->date_range);
    free(b->cover_name);
    free(b->css);
    bt_template_free(b->owned_tpl);
    free(b->cps);
    epub_files_free(&b->files);
    epub_files_free(&b->fonts);
}

/* Queue the files and fonts added since the last call for deflating (stored ones excepted). */
static void book_queue(bt_book *b)
{
    for (; b->queued < b->files.n; b->queued++) {
        epub_file *f = &b->files.f[b->queued];
        if (!f->store) f->z = zpack_push(&b->pack, f->data, f->len, EPUB_DEFLATE_LEVEL);
    }
    for (; b->fonts_queued < b->fonts.n; b->fonts_queued++) {
        epub_file *f = &b->fonts.f[b->fonts_queued];
        f->z = zpack_push(&b->pack, f->data, f->len, EPUB_FONT_DEFLATE_LEVEL);
    }
}

static void book_order(bt_book *b, bt_article **arts)
{
    b->items = bt_xcalloc(b->n, sizeof *b->items);
    for (size_t i = 0; i < b->n; i++) {
        bt_epub_item *it = &b->items[i];
        const bt_article *a = arts[i];
        it->a = a;
        it->input = i;
        it->sort = b->o->sort;
        it->when = bt_date_valid(&a->published) ? bt_date_epoch(&a->published) : INT64_MAX;
        if (it->when < 0 && !bt_date_valid(&a->published)) it->when = INT64_MAX;
        it->title_key = b->o->sort == BT_SORT_TITLE ? bt_fold_ascii(a->title ? a->title : "")
                                                    : bt_xstrdup("");
        it->date_label = epub_short_date(&a->published, b->vi);
        if (b->o->group == BT_GROUP_CATEGORY) {
            if (a->category && *a->category) {
                it->group_key = bt_fold_ascii(a->category);
                it->group_label = bt_xstrdup(a->category);
            } else {
                it->group_key = bt_xstrdup("\x01");
                it->group_label = bt_xstrdup(b->L->uncategorized);
            }
        } else if (b->o->group == BT_GROUP_DATE) {
            if (bt_date_valid(&a->published)) {
                it->group_key = bt_xasprintf("%04d-%02d-%02d", a->published.year,
                                             a->published.month, a->published.day);
                it->group_label = epub_day_label(&a->published, b->vi);
            } else {
                it->group_key = bt_xstrdup("\x01");
                it->group_label = bt_xstrdup(b->L->undated);
            }
        } else {
            it->group_key = bt_xstrdup("");
            it->group_label = bt_xstrdup("");
        }
    }
    qsort(b->items, b->n, sizeof *b->items, epub_cmp);

    /* Groups: by category in order of first appearance, by date in calendar order (undated
     * last). The articles of a group stay together in the chosen order, so the reading order
     * follows the table of contents. */
    b->groups = bt_xcalloc(b->n, sizeof *b->groups);
    {
        bt_epub_group **byname = bt_xcalloc(b->n, sizeof *byname);
        for (size_t i = 0; i < b->n; i++) {
            size_t g;
            for (g = 0; g < b->ngroups; g++) /* few groups: a linear search is fine */
                if (strcmp(b->groups[g].key, b->items[i].group_key) == 0) break;
            if (g == b->ngroups) {
                b->groups[g].key = bt_xstrdup(b->items[i].group_key);
                b->groups[g].label = bt_xstrdup(b->items[i].group_label);
                b->ngroups++;
            }
            b->items[i].group = g;
            b->groups[g].count++;
        }
        if (b->o->group == BT_GROUP_DATE) {
            /* Rank groups by key ("YYYY-MM-DD"; "\x01" = undated goes last). */
            size_t *rank = bt_xcalloc(b->ngroups, sizeof *rank);
            for (size_t g = 0; g < b->ngroups; g++) {
                const char *kg = b->groups[g].key;
                for (size_t h = 0; h < b->ngroups; h++) {
                    const char *kh = b->groups[h].key;
                    int c = (kh[0] == 1) - (kg[0] == 1);
                    if (c == 0) c = strcmp(kh, kg);
                    if (c < 0) rank[g]++;
                }
            }
            for (size_t i = 0; i < b->n; i++) b->items[i].group = rank[b->items[i].group];
            for (size_t g = 0; g < b->ngroups; g++) byname[rank[g]] = &b->groups[g];
            {
                bt_epub_group *re = bt_xcalloc(b->n, sizeof *re);
                for (size_t g = 0; g < b->ngroups; g++) re[g] = *byname[g];
                free(b->groups);
                b->groups = re;
            }
            free(rank);
        }
        free(byname);
    }
    for (size_t i = 0; i < b->n; i++) b->items[i].pos = i;
    qsort(b->items, b->n, sizeof *b->items, epub_cmp_group);
    for (size_t i = 0, g = (size_t)-1; i < b->n; i++)
        if (b->items[i].group != g) {
            g = b->items[i].group;
            b->groups[g].first = i;
        }
    for (size_t i = 0; i < b->n; i++) {
        b->items[i].id = bt_xasprintf("a%04zu", i + 1);
        b->items[i].file = bt_xasprintf("a%04zu.xhtml", i + 1);
    }
    b->two_level = b->digest && b->o->group != BT_GROUP_NONE;
}

/* Book-level metadata: language, title, dates. */
static void book_meta(bt_book *b)
{
    const bt_article *first = b->n ? b->items[0].a : NULL;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    const bt_date *dlo = NULL, *dhi = NULL;
    time_t now;
    struct tm tm;

    for (size_t i = 0; i < b->n; i++) {
        const bt_date *d = &b->items[i].a->published;
        if (!bt_date_valid(d)) continue;
        int64_t t = bt_date_epoch(d);
        if (t < lo) { lo = t; dlo = d; }
        if (t > hi) { hi = t; dhi = d; }
    }
    if (dlo && dhi) {
        char *s1 = epub_short_date(dlo, b->vi), *s2 = epub_short_date(dhi, b->vi);
        if (strcmp(s1, s2) == 0) b->date_range = bt_xstrdup(s1);
        else b->date_range = bt_xasprintf("%s – %s", s1, s2);
        free(s1);
        free(s2);
        snprintf(b->date, sizeof b->date, "%04d-%02d-%02d", dhi->year, dhi->month, dhi->day);
    } else {
        b->date_range = bt_xstrdup("");
    }

    now = b->o->epoch >= 0 ? (time_t)b->o->epoch : time(NULL);
    gmtime_r(&now, &tm);
    strftime(b->modified, sizeof b->modified, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!b->date[0]) strftime(b->date, sizeof b->date, "%Y-%m-%d", &tm);

    if (b->o->title && *b->o->title) {
        b->title = epub_xml_clean(b->o->title);
    } else if (!b->digest && first && first->title) {
        b->title = epub_xml_clean(first->title);
    } else if (*b->date_range) {
        b->title = bt_xasprintf("%s %s", b->L->digest, b->date_range);
    } else {
        b->title = bt_xstrdup(b->L->digest);
    }
    if (!*b->title) {
        free(b->title);
        b->title = bt_xstrdup(b->L->digest);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Pages. */

static bt_status epub_add_image(bt_book *b, const bt_image *img, const char *stem, size_t k,
                                   char **href)
{
    const char *mime, *ext;
    char *name;
    epub_file *f;
    unsigned char *copy;
    *href = NULL;
    if (!img || !img->data || img->len == 0 || img->len > BT_EPUB_MAX_IMAGE) return BT_OK;
    if (epub_is_jpeg(img->data, img->len)) { mime = "image/jpeg"; ext = "jpg"; }
    else if (epub_is_png(img->data, img->len)) { mime = "image/png"; ext = "png"; }
    else return BT_OK; /* not a core media type: leave it out */
    name = bt_xasprintf("images/%s-%02zu.%s", stem, k, ext);
    copy = bt_xmalloc(img->len);
    memcpy(copy, img->data, img->len);
    {
        char *id = bt_xasprintf("img-%s-%02zu", stem, k);
        f = epub_files_add(&b->files, name, id, mime, copy, img->len);
        free(id);
    }
    f->store = 1; /* already compressed */
    *href = name;
    return BT_OK;
}

static bt_status epub_article_page(bt_book *b, const bt_epub_item *it, bt_err *e)
{
    const bt_article *a = it->a;
    const char *lang = bt_lang_valid(a->language) ? a->language : b->lang;
    const char *title = a->title && *a->title ? a->title : "—";
    bt_xw x;
    unsigned char *data = NULL;
    size_t len = 0, nimg = 0;
    char iso[32];

    if (xw_open(&x, b->cps) < 0) return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    xw_xhtml_head(&x, lang, title, "article");
    xw_start(&x, "article");
    xw_attr(&x, "id", it->id);
    xw_nl(&x);
    xw_start(&x, "header");
    if (a->category && *a->category) xw_elem(&x, "p", "category", a->category);
    xw_elem(&x, "h1", NULL, title);
    bt_date_iso(&a->published, iso);
    if (iso[0]) {
        char *shown = bt_date_vi(&a->published);
        xw_start(&x, "p");
        xw_attr(&x, "class", "dateline");
        xw_start(&x, "time");
        xw_attr(&x, "datetime", iso);
        xw_text(&x, b->vi && shown && *shown ? shown : iso);
        xw_fend(&x);
        xw_fend(&x);
        free(shown);
    }
    xw_fend(&x); /* header */
    xw_nl(&x);
    if (a->lead && *a->lead) {
        xw_elem(&x, "p", "lead", a->lead);
        xw_nl(&x);
    }

    for (size_t i = 0; i < a->nblocks && !x.failed; i++) {
        const bt_block *bl = &a->blocks[i];
        switch (bl->type) {
        case BT_BLOCK_PARAGRAPH:
            xw_elem(&x, "p", NULL, bl->text);
            break;
        case BT_BLOCK_HEADING: {
            char h[3] = {'h', '2', 0};
            int lv = bl->level < 2 ? 2 : bl->level > 6 ? 6 : bl->level;
            h[1] = (char)('0' + lv);
            xw_elem(&x, h, NULL, bl->text);
            break;
        }
        case BT_BLOCK_CAPTION:
            xw_elem(&x, "p", "caption", bl->text);
            break;
        case BT_BLOCK_QUOTE:
            xw_start(&x, "blockquote");
            xw_elem(&x, "p", NULL, bl->text);
            xw_fend(&x);
            break;
        case BT_BLOCK_BOX: /* consecutive box lines: one <aside class="box"> */
            xw_start(&x, "aside");
            xw_attr(&x, "class", "box");
            for (; i < a->nblocks && a->blocks[i].type == BT_BLOCK_BOX; i++)
                xw_elem(&x, "p", a->blocks[i].level ? "box-title" : NULL, a->blocks[i].text);
            i--;
            xw_fend(&x);
            break;
        case BT_BLOCK_LIST_ITEM: {
            int ordered = bl->level == 1;
            xw_start(&x, ordered ? "ol" : "ul");
            xw_nl(&x);
            while (i < a->nblocks && a->blocks[i].type == BT_BLOCK_LIST_ITEM &&
                   (a->blocks[i].level == 1) == ordered) {
                xw_elem(&x, "li", NULL, a->blocks[i].text);
                xw_nl(&x);
                i++;
            }
            i--;
            xw_fend(&x);
            break;
        }
        case BT_BLOCK_IMAGE: {
            char *href = NULL;
            const bt_block *cap = (i + 1 < a->nblocks && a->blocks[i + 1].type == BT_BLOCK_CAPTION)
                                      ? &a->blocks[i + 1] : NULL;
            epub_add_image(b, bl->image, it->id, ++nimg, &href);
            if (!href) break; /* not available: left out (a caption after it stays a caption) */
            xw_start(&x, "figure");
            xw_start(&x, "img");
            xw_attr(&x, "src", href);
            xw_attr(&x, "alt", bl->text ? bl->text : "");
            if (bl->image->width > 0 && bl->image->height > 0) {
                char num[24];
                snprintf(num, sizeof num, "%d", bl->image->width);
                xw_attr(&x, "width", num);
                snprintf(num, sizeof num, "%d", bl->image->height);
                xw_attr(&x, "height", num);
            }
            xw_end(&x);
            if (cap) {
                xw_elem(&x, "figcaption", NULL, cap->text);
                i++;
            }
            xw_fend(&x);
            free(href);
            break;
        }
        }
        xw_nl(&x);
    }

    if ((a->author && *a->author) || (a->source_url && *a->source_url)) {
        xw_start(&x, "footer");
        if (a->author && *a->author) xw_elem(&x, "p", "author", a->author);
        if (a->source_url && *a->source_url) {
            /* Shown as text, not as a link: the address comes from the input. */
            xw_start(&x, "p");
            xw_attr(&x, "class", "source");
            xw_text(&x, b->L->source);
            xw_text(&x, ": ");
            xw_elem(&x, "span", "url", a->source_url);
            xw_fend(&x);
        }
        xw_fend(&x);
        xw_nl(&x);
    }
    xw_fend(&x); /* article */
    xw_nl(&x);
    xw_xhtml_tail(&x);
    if (xw_close(&x, &data, &len) < 0)
        return bt_err_set(e, BT_EOTHER, "cannot write the page of \"%s\"", title);
    epub_files_add(&b->files, it->file, it->id, "application/xhtml+xml", data, len);
    return BT_OK;
}

static bt_status epub_title_page(bt_book *b, bt_err *e)
{
    bt_xw x;
    unsigned char *data = NULL;
    size_t len = 0;
    char count[64];

    if (xw_open(&x, b->cps) < 0) return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    xw_xhtml_head(&x, b->lang, b->title, "titlepage");
    xw_start(&x, "section");
    xw_attr(&x, "epub:type", "titlepage");
    xw_attr(&x, "class", "titlepage");
    xw_nl(&x);
    xw_elem(&x, "h1", "book-title", b->title);
    xw_nl(&x);
    if (*b->date_range) {
        xw_elem(&x, "p", "date-range", b->date_range);
        xw_nl(&x);
    }
    snprintf(count, sizeof count, "%zu %s", b->n, b->L->articles);
    xw_elem(&x, "p", "count", count);
    xw_nl(&x);
    if (b->o->author && *b->o->author) {
        xw_elem(&x, "p", "author", b->o->author);
        xw_nl(&x);
    }
    if (b->o->publisher && *b->o->publisher) {
        xw_elem(&x, "p", "publisher", b->o->publisher);
        xw_nl(&x);
    }
    {
        /* Categories in order of first appearance, with their article counts. */
        size_t ncat = 0;
        const char **cats = bt_xcalloc(b->n + 1, sizeof *cats);
        size_t *cnt = bt_xcalloc(b->n + 1, sizeof *cnt);
        for (size_t i = 0; i < b->n; i++) {
            const char *c = b->items[i].a->category;
            size_t k;
            if (!c || !*c) continue;
            for (k = 0; k < ncat; k++)
                if (strcmp(cats[k], c) == 0) break;
            if (k == ncat) cats[ncat++] = c;
            cnt[k]++;
        }
        if (ncat) {
            xw_start(&x, "ul");
            xw_attr(&x, "class", "categories");
            xw_nl(&x);
            for (size_t k = 0; k < ncat; k++) {
                char num[32];
                snprintf(num, sizeof num, " (%zu)", cnt[k]);
                xw_start(&x, "li");
                xw_text(&x, cats[k]);
                xw_text(&x, num);
                xw_fend(&x);
                xw_nl(&x);
            }
            xw_fend(&x);
            xw_nl(&x);
        }
        free(cats);
        free(cnt);
    }
    xw_fend(&x); /* section */
    xw_nl(&x);
    xw_xhtml_tail(&x);
    if (xw_close(&x, &data, &len) < 0)
        return bt_err_set(e, BT_EOTHER, "cannot write the title page");
    epub_files_add(&b->files, "title.xhtml", "titlepage", "application/xhtml+xml", data, len);
    return BT_OK;
}

static bt_status epub_cover(bt_book *b, bt_err *e)
{
    char *raw = NULL;
    size_t rlen = 0;
    const char *mime, *name;
    bt_status st;
    epub_file *f;
    bt_xw x;
    unsigned char *data = NULL;
    size_t len = 0;

    st = bt_read_file(b->o->cover_path, BT_EPUB_MAX_IMAGE, &raw, &rlen, e);
    if (st != BT_OK) return st;
    if (epub_is_jpeg((unsigned char *)raw, rlen)) { mime = "image/jpeg"; name = "images/cover.jpg"; }
    else if (epub_is_png((unsigned char *)raw, rlen)) { mime = "image/png"; name = "images/cover.png"; }
    else {
        free(raw);
        return bt_err_set(e, BT_EUSAGE, "%s: the cover is not a JPEG or PNG image", b->o->cover_path);
    }
    if (xw_open(&x, b->cps) < 0) {
        free(raw);
        return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    }
    xw_xhtml_head(&x, b->lang, b->title, "cover");
    xw_start(&x, "section");
    xw_attr(&x, "epub:type", "cover");
    xw_attr(&x, "class", "cover");
    xw_start(&x, "img");
    xw_attr(&x, "src", name);
    xw_attr(&x, "alt", b->title);
    xw_end(&x);
    xw_fend(&x);
    xw_nl(&x);
    xw_xhtml_tail(&x);
    if (xw_close(&x, &data, &len) < 0) {
        free(raw);
        return bt_err_set(e, BT_EOTHER, "cannot write the cover page");
    }
    epub_files_add(&b->files, "cover.xhtml", "cover", "application/xhtml+xml", data, len);
    f = epub_files_add(&b->files, name, "cover-image", mime, (unsigned char *)raw, rlen);
    f->props = bt_xstrdup("cover-image");
    f->store = 1;
    b->cover_name = bt_xstrdup(name);
    return BT_OK;
}

/* The label of an article in the tables of contents: "Title (27/05/2023)". */
static char *epub_toc_label(const bt_epub_item *it)
{
    const char *t = it->a->title && *it->a->title ? it->a->title : "—";
    if (*it->date_label) return bt_xasprintf("%s (%s)", t, it->date_label);
    return bt_xstrdup(t);
}

static bt_status epub_nav(bt_book *b, unsigned char **out, size_t *olen, bt_err *e)
{
    bt_xw x;
    if (xw_open(&x, b->cps) < 0) return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    xw_xhtml_head(&x, b->lang, b->L->toc, "toc");
    xw_start(&x, "nav");
    xw_attr(&x, "epub:type", "toc");
    xw_attr(&x, "id", "toc");
    xw_nl(&x);
    xw_elem(&x, "h1", NULL, b->L->toc);
    xw_nl(&x);
    xw_start(&x, "ol");
    xw_nl(&x);
    for (size_t g = 0; g < b->ngroups; g++) {
        const bt_epub_group *gr = &b->groups[g];
        if (b->two_level) {
            char *lab = bt_xasprintf("%s (%zu)", gr->label, gr->count);
            xw_start(&x, "li");
            xw_start(&x, "a");
            xw_attr(&x, "href", b->items[gr->first].file);
            xw_text(&x, lab);
            xw_fend(&x);
            xw_nl(&x);
            xw_start(&x, "ol");
            xw_nl(&x);
            free(lab);
        }
        for (size_t i = gr->first; i < gr->first + gr->count; i++) {
            const bt_epub_item *it = &b->items[i];
            const char *t = it->a->title && *it->a->title ? it->a->title : "—";
            xw_start(&x, "li");
            xw_start(&x, "a");
            xw_attr(&x, "href", it->file);
            xw_text(&x, t);
            if (*it->date_label) {
                xw_text(&x, " ");
                xw_start(&x, "span");
                xw_attr(&x, "class", "toc-date");
                xw_text(&x, "(");
                xw_text(&x, it->date_label);
                xw_text(&x, ")");
                xw_fend(&x);
            }
            xw_fend(&x);
            xw_fend(&x);
            xw_nl(&x);
        }
        if (b->two_level) {
            xw_fend(&x); /* ol */
            xw_fend(&x); /* li */
            xw_nl(&x);
        }
    }
    xw_fend(&x); /* ol */
    xw_nl(&x);
    xw_fend(&x); /* nav */
    xw_nl(&x);

    /* Landmarks: where the cover, title page, contents and first article are. */
    xw_start(&x, "nav");
    xw_attr(&x, "epub:type", "landmarks");
    xw_attr(&x, "id", "landmarks");
    xw_attr(&x, "hidden", "hidden");
    xw_nl(&x);
    xw_start(&x, "ol");
    xw_nl(&x);
    {
        const char *lm[4][3] = {{b->cover_name ? "cover" : NULL, "cover.xhtml", b->L->cover},
                                {b->digest ? "titlepage" : NULL, "title.xhtml", b->title},
                                {b->digest ? "toc" : NULL, "nav.xhtml#toc", b->L->toc},
                                {"bodymatter", b->items[0].file, b->L->start}};
        for (int i = 0; i < 4; i++) {
            if (!lm[i][0]) continue;
            xw_start(&x, "li");
            xw_start(&x, "a");
            xw_attr(&x, "epub:type", lm[i][0]);
            xw_attr(&x, "href", lm[i][1]);
            xw_text(&x, lm[i][2]);
            xw_fend(&x);
            xw_fend(&x);
            xw_nl(&x);
        }
    }
    xw_fend(&x); /* ol */
    xw_nl(&x);
    xw_fend(&x); /* nav */
    xw_nl(&x);
    xw_xhtml_tail(&x);
    if (xw_close(&x, out, olen) < 0) return bt_err_set(e, BT_EOTHER, "cannot write nav.xhtml");
    return BT_OK;
}

static void ncx_point(bt_xw *x, size_t *np, int order, const char *label, const char *src)
{
    char id[32], po[32];
    snprintf(id, sizeof id, "np%zu", ++*np);
    snprintf(po, sizeof po, "%d", order);
    xw_start(x, "navPoint");
    xw_attr(x, "id", id);
    xw_attr(x, "playOrder", po);
    xw_start(x, "navLabel");
    xw_elem(x, "text", NULL, label);
    xw_end(x);
    xw_start(x, "content");
    xw_attr(x, "src", src);
    xw_end(x);
}

static bt_status epub_ncx(bt_book *b, unsigned char **out, size_t *olen, bt_err *e)
{
    bt_xw x;
    size_t np = 0;
    int order = 0;
    if (xw_open(&x, NULL) < 0) return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    xmlTextWriterSetIndent(x.w, 1);
    xw_start(&x, "ncx");
    xw_attr(&x, "xmlns", NS_NCX);
    xw_attr(&x, "version", "2005-1");
    xw_attr(&x, "xml:lang", b->lang);
    xw_start(&x, "head");
    {
        const char *m[4][2] = {{"dtb:uid", b->uuid},
                               {"dtb:depth", b->two_level ? "2" : "1"},
                               {"dtb:totalPageCount", "0"},
                               {"dtb:maxPageNumber", "0"}};
        for (int i = 0; i < 4; i++) {
            xw_start(&x, "meta");
            xw_attr(&x, "name", m[i][0]);
            xw_attr(&x, "content", m[i][1]);
            xw_end(&x);
        }
    }
    xw_end(&x);
    xw_start(&x, "docTitle");
    xw_elem(&x, "text", NULL, b->title);
    xw_end(&x);
    xw_start(&x, "navMap");
    /* playOrder follows the reading order; a group entry shares its first article's number
     * because both point at the same file. */
    for (size_t g = 0; g < b->ngroups; g++) {
        const bt_epub_group *gr = &b->groups[g];
        if (b->two_level) {
            char *lab = bt_xasprintf("%s (%zu)", gr->label, gr->count);
            ncx_point(&x, &np, order + 1, lab, b->items[gr->first].file);
            free(lab);
        }
        for (size_t i = gr->first; i < gr->first + gr->count; i++) {
            char *lab = epub_toc_label(&b->items[i]);
            ncx_point(&x, &np, ++order, lab, b->items[i].file);
            xw_end(&x);
            free(lab);
        }
        if (b->two_level) xw_end(&x);
    }
    xw_end(&x); /* navMap */
    xw_end(&x); /* ncx */
    if (xw_close(&x, out, olen) < 0) return bt_err_set(e, BT_EOTHER, "cannot write toc.ncx");
    return BT_OK;
}

static bt_status epub_opf(bt_book *b, unsigned char **out, size_t *olen, bt_err *e)
{
    bt_xw x;
    if (xw_open(&x, NULL) < 0) return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    xmlTextWriterSetIndent(x.w, 1);
    xw_start(&x, "package");
    xw_attr(&x, "xmlns", NS_OPF);
    xw_attr(&x, "version", "3.0");
    xw_attr(&x, "unique-identifier", "bookid");
    xw_attr(&x, "xml:lang", b->lang);
    xw_start(&x, "metadata");
    xw_attr(&x, "xmlns:dc", NS_DC);
    xw_start(&x, "dc:identifier");
    xw_attr(&x, "id", "bookid");
    xw_text(&x, b->uuid);
    xw_end(&x);
    xw_elem(&x, "dc:title", NULL, b->title);
    xw_elem(&x, "dc:language", NULL, b->lang);
    xw_elem(&x, "dc:date", NULL, b->date);
    {
        /* Creators: the override, else the distinct article authors, else "unknown". */
        size_t ncre = 0;
        if (b->o->author && *b->o->author) {
            xw_elem(&x, "dc:creator", NULL, b->o->author);
            ncre++;
        } else {
            for (size_t i = 0; i < b->n && ncre < 50; i++) {
                const char *au = b->items[i].a->author;
                size_t k;
                if (!au || !*au) continue;
                for (k = 0; k < i; k++)
                    if (b->items[k].a->author && strcmp(b->items[k].a->author, au) == 0) break;
                if (k < i) continue;
                xw_elem(&x, "dc:creator", NULL, au);
                ncre++;
            }
        }
        if (!ncre) xw_elem(&x, "dc:creator", NULL, b->L->unknown_author);
    }
    if (b->o->publisher && *b->o->publisher) xw_elem(&x, "dc:publisher", NULL, b->o->publisher);
    for (size_t i = 0; i < b->n; i++) {
        const char *c = b->items[i].a->category;
        size_t k;
        if (!c || !*c) continue;
        for (k = 0; k < i; k++)
            if (b->items[k].a->category && strcmp(b->items[k].a->category, c) == 0) break;
        if (k == i) xw_elem(&x, "dc:subject", NULL, c);
    }
    for (size_t i = 0; i < b->n; i++) {
        const char *s = b->items[i].a->source_url;
        size_t k;
        if (!s || !*s) continue;
        for (k = 0; k < i; k++)
            if (b->items[k].a->source_url && strcmp(b->items[k].a->source_url, s) == 0) break;
        if (k == i) xw_elem(&x, "dc:source", NULL, s);
    }
    xw_start(&x, "meta");
    xw_attr(&x, "property", "dcterms:modified");
    xw_text(&x, b->modified);
    xw_end(&x);
    if (b->cover_name) {
        xw_start(&x, "meta");
        xw_attr(&x, "name", "cover");
        xw_attr(&x, "content", "cover-image");
        xw_end(&x);
    }
    xw_end(&x); /* metadata */

    xw_start(&x, "manifest");
#define ITEM(id_, href_, mt_, props_)                                                             \
    do {                                                                                          \
        xw_start(&x, "item");                                                                  \
        xw_attr(&x, "id", id_);                                                                \
        xw_attr(&x, "href", href_);                                                            \
        xw_attr(&x, "media-type", mt_);                                                        \
        const char *item_props = (props_);                                                        \
        if (item_props) xw_attr(&x, "properties", item_props);                                 \
        xw_end(&x);                                                                            \
    } while (0)
    ITEM("nav", "nav.xhtml", "application/xhtml+xml", "nav");
    ITEM("ncx", "toc.ncx", "application/x-dtbncx+xml", (const char *)NULL);
    ITEM("css", "style.css", "text/css", (const char *)NULL);
    for (size_t i = 0; i < b->fonts.n; i++)
        ITEM(b->fonts.f[i].id, b->fonts.f[i].name, b->fonts.f[i].mime, (const char *)NULL);
    for (size_t i = 0; i < b->files.n; i++)
        ITEM(b->files.f[i].id, b->files.f[i].name, b->files.f[i].mime, b->files.f[i].props);
#undef ITEM
    xw_end(&x); /* manifest */

    xw_start(&x, "spine");
    xw_attr(&x, "toc", "ncx");
    for (size_t i = 0; i < b->files.n; i++) {
        const epub_file *f = &b->files.f[i];
        if (strcmp(f->mime, "application/xhtml+xml") != 0) continue;
        xw_start(&x, "itemref");
        xw_attr(&x, "idref", f->id);
        xw_end(&x);
        if (b->digest && strcmp(f->id, "titlepage") == 0) {
            xw_start(&x, "itemref");
            xw_attr(&x, "idref", "nav");
            xw_end(&x);
        }
    }
    xw_end(&x); /* spine */
    xw_end(&x); /* package */
    if (xw_close(&x, out, olen) < 0) return bt_err_set(e, BT_EOTHER, "cannot write content.opf");
    return BT_OK;
}

static bt_status epub_container(unsigned char **out, size_t *olen, bt_err *e)
{
    bt_xw x;
    if (xw_open(&x, NULL) < 0) return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    xmlTextWriterSetIndent(x.w, 1);
    xw_start(&x, "container");
    xw_attr(&x, "version", "1.0");
    xw_attr(&x, "xmlns", NS_CONTAINER);
    xw_start(&x, "rootfiles");
    xw_start(&x, "rootfile");
    xw_attr(&x, "full-path", "OEBPS/content.opf");
    xw_attr(&x, "media-type", "application/oebps-package+xml");
    xw_end(&x);
    xw_end(&x);
    xw_end(&x);
    if (xw_close(&x, out, olen) < 0) return bt_err_set(e, BT_EOTHER, "cannot write container.xml");
    return BT_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Fonts and stylesheet. */

/* The faces a book embeds: a reader synthesises bold italic well enough, and the text uses
 * no bold italic of its own. */
static const struct {
    bt_face face;
    const char *weight, *style;
} bt_epub_faces[] = {
    {BT_FACE_REGULAR, "normal", "normal"},
    {BT_FACE_BOLD, "bold", "normal"},
    {BT_FACE_ITALIC, "normal", "italic"},
};

/* The code points of the book, ascending (heap array). */
static uint32_t *bt_epub_cps(const uint64_t *set, size_t *n)
{
    size_t k = 0;
    for (size_t w = 0; w < BT_CPSET_WORDS; w++) k += (size_t)__builtin_popcountll(set[w]);
    uint32_t *v = bt_xmalloc((k ? k : 1) * sizeof *v);
    *n = k;
    k = 0;
    for (size_t w = 0; w < BT_CPSET_WORDS; w++)
        for (uint64_t bits = set[w]; bits; bits &= bits - 1)
            v[k++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
    return v;
}

/* The family name a font folder gives its faces' files: "Lora-Regular.ttf" -> "Lora". */
static char *epub_family_of(const char *path)
{
    char *base = bt_path_basename(path);
    char *dash = strrchr(base, '-');
    char *dot = strrchr(base, '.');
    if (dash && dash != base) *dash = '\0';
    else if (dot && dot != base) *dot = '\0';
    return base;
}

/* The fonts (the template's family, or --font-dir's), subset to the book's characters through
 * font.h, each with an @font-face rule; then the template's stylesheet. */
static bt_status epub_fonts_and_css(bt_book *b, bt_err *e)
{
    bt_buf css = {0};
    bt_status st = BT_OK;
    const bt_template *t = b->tpl;
    char *family = NULL;

    if (!b->o->no_fonts) {
        const char *fdir = b->o->font_dir ? b->o->font_dir : t->font_dir;
        bt_fontset *fs = NULL;
        /* the process-wide set: a batch of books (archive digests) parses the faces once, and
         * HarfBuzz keeps what it learnt of their tables for the next subset */
        st = bt_fontset_acquire(fdir, &fs, e);
        if (st != BT_OK) return st;
        /* the family name the stylesheet uses: the template's for its own fonts, else the
         * name of the files */
        family = b->o->font_dir ? epub_family_of(bt_font_path(fs, BT_FACE_REGULAR)) : bt_xstrdup(t->font_family);
        for (uint32_t c = 0x20; c < 0x7F; c++) cpset_add(b->cps, c);
        size_t ncp = 0;
        uint32_t *cps = bt_epub_cps(b->cps, &ncp);
        for (size_t i = 0; st == BT_OK && i < sizeof bt_epub_faces / sizeof bt_epub_faces[0]; i++) {
            bt_face f = bt_epub_faces[i].face;
            if (bt_font_resolve(fs, f) != f) continue; /* the family has no such face */
            unsigned char *data = NULL;
            size_t len = 0;
            st = bt_font_subset_mem(fs, f, cps, ncp, &data, &len, e);
            if (st != BT_OK) break;
            char *file = bt_path_basename(bt_font_path(fs, f));
            char *name = bt_xasprintf("fonts/%s", file);
            char *id = bt_xasprintf("font%zu", i + 1);
            epub_files_add(&b->fonts, name, id, "application/font-sfnt", data, len);
            book_queue(b); /* deflated while the next face is subset */
            free(name);
            free(id);
            bt_buf_printf(&css,
                          "@font-face {\n  font-family: \"%s\";\n  font-weight: %s;\n"
                          "  font-style: %s;\n  src: url(\"fonts/%s\");\n}\n",
                          family, bt_epub_faces[i].weight, bt_epub_faces[i].style, file);
            free(file);
        }
        free(cps);
        bt_fontset_release(fs);
        if (st != BT_OK) {
            free(family);
            bt_buf_free(&css);
            return st;
        }
        bt_buf_adds(&css, "\n");
    }
    bt_buf_add(&css, t->epub_css, t->epub_css_len);
    if (family) {
        /* a stylesheet written for another family: the book's fonts for the text anyway */
        char *quoted = bt_xasprintf("\"%s\"", family);
        if (!strstr(t->epub_css, quoted))
            bt_buf_printf(&css, "\nbody { font-family: \"%s\", serif; }\n", family);
        free(quoted);
        free(family);
    }
    b->css = (unsigned char *)bt_buf_detach(&css, &b->css_len);
    return BT_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Identifier: SHA-256 of the book's content, as an RFC 4122 version-5-style UUID. */

static bt_status epub_identifier(bt_book *b, bt_err *e)
{
    bt_sha256_ctx *h = bt_sha256_new();
    unsigned char md[BT_SHA256_LEN];
    if (!h) return bt_err_set(e, BT_ENOMEM, "cannot create a hash context");
    bt_sha256_update(h, "bantin-epub-1", 14);
    bt_sha256_update(h, b->title, strlen(b->title) + 1);
    bt_sha256_update(h, b->lang, strlen(b->lang) + 1);
    for (size_t i = 0; i < b->files.n; i++) {
        const epub_file *f = &b->files.f[i];
        bt_sha256_update(h, f->name, strlen(f->name) + 1);
        bt_sha256_update(h, f->data, f->len);
    }
    bt_sha256_final(h, md);
    bt_sha256_free(h);
    md[6] = (unsigned char)((md[6] & 0x0F) | 0x50);
    md[8] = (unsigned char)((md[8] & 0x3F) | 0x80);
    snprintf(b->uuid, sizeof b->uuid,
             "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", md[0],
             md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12],
             md[13], md[14], md[15]);
    return BT_OK;
}

/* ---------------------------------------------------------------------------------------------
 * The container. */

/* A libzip source of an entry deflated ahead (zjob): it tells libzip that its data is deflated
 * already, with the size, CRC and general-purpose flags libzip's own deflating would record. */
typedef struct {
    const zjob *z;
    size_t pos;
    zip_error_t err;
} bt_zraw;

static zip_int64_t bt_zraw_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    bt_zraw *r = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        r->pos = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        size_t left = r->z->olen - r->pos;
        size_t n = len < left ? (size_t)len : left;
        memcpy(data, r->z->out + r->pos, n);
        r->pos += n;
        return (zip_int64_t)n;
    }
    case ZIP_SOURCE_CLOSE:
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;
        if (len < sizeof *st) break;
        zip_stat_init(st);
        st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC |
                    ZIP_STAT_ENCRYPTION_METHOD;
        st->size = r->z->len;
        st->comp_size = r->z->olen;
        st->comp_method = ZIP_CM_DEFLATE;
        st->crc = r->z->crc;
        st->encryption_method = ZIP_EM_NONE;
        return (zip_int64_t)sizeof *st;
    }
    case ZIP_SOURCE_GET_FILE_ATTRIBUTES: {
        zip_file_attributes_t *a = data;
        if (len < sizeof *a) break;
        /* what libzip's deflate records for this level: version 2.0 needed, and in bits 1-2
         * "maximum" above level 7, "fast" below 3, else "normal" (0); the mask is libzip's own */
        a->valid |= ZIP_FILE_ATTRIBUTES_VERSION_NEEDED | ZIP_FILE_ATTRIBUTES_GENERAL_PURPOSE_BIT_FLAGS;
        a->version_needed = 20;
        a->general_purpose_bit_mask = 0x0836;
        a->general_purpose_bit_flags = r->z->level > 7 ? 0x0002 : r->z->level < 3 ? 0x0004 : 0;
        return (zip_int64_t)sizeof *a;
    }
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&r->err, data, len);
    case ZIP_SOURCE_FREE:
        zip_error_fini(&r->err);
        free(r);
        return 0;
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              ZIP_SOURCE_GET_FILE_ATTRIBUTES, -1);
    default:
        break;
    }
    zip_error_set(&r->err, ZIP_ER_INVAL, 0);
    return -1;
}

/* Add an entry: stored, from its stream deflated ahead (z), or else deflated by libzip. */
static int zip_put(zip_t *za, const char *name, const void *data, size_t len, int store,
                      const zjob *z, zip_uint16_t dtime, zip_uint16_t ddate)
{
    zip_source_t *s;
    zip_int64_t idx;
    if (!store && z && z->ok) {
        bt_zraw *r = bt_xcalloc(1, sizeof *r);
        r->z = z;
        zip_error_init(&r->err);
        s = zip_source_function(za, bt_zraw_cb, r);
        if (!s) {
            zip_error_fini(&r->err);
            free(r);
        }
    } else {
        s = zip_source_buffer(za, data, len, 0);
    }
    if (!s) return -1;
    idx = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(s);
        return -1;
    }
    if (zip_set_file_compression(za, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                 store ? 0 : EPUB_DEFLATE_LEVEL) < 0)
        return -1;
    if (zip_file_set_dostime(za, (zip_uint64_t)idx, dtime, ddate, 0) < 0) return -1;
    if (zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
                                         (zip_uint32_t)0100644 << 16) < 0)
        return -1;
    return 0;
}

/* The entries deflated ahead, by name (NULL: libzip deflates it). */
typedef struct {
    const zjob *container, *opf, *nav, *ncx, *css;
} bt_epub_zjobs;

static bt_status epub_zip(bt_book *b, const unsigned char *container, size_t clen,
                             const unsigned char *opf, size_t olen, const unsigned char *nav,
                             size_t nlen, const unsigned char *ncx, size_t xlen,
                             const bt_epub_zjobs *zj, unsigned char **out, size_t *len, bt_err *e)
{
    static const char mimetype[] = "application/epub+zip";
    zip_error_t zerr;
    zip_source_t *src;
    zip_t *za;
    zip_uint16_t dtime, ddate;
    struct tm tm;
    time_t t = b->o->epoch >= 0 ? (time_t)b->o->epoch : time(NULL);
    int bad = 0;

    /* Entry times in UTC, computed here rather than by libzip (which uses the local zone). */
    gmtime_r(&t, &tm);
    if (tm.tm_year < 80) { tm.tm_year = 80; tm.tm_mon = 0; tm.tm_mday = 1; tm.tm_hour = tm.tm_min = tm.tm_sec = 0; }
    if (tm.tm_year > 207) tm.tm_year = 207;
    ddate = (zip_uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
    dtime = (zip_uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));

    zip_error_init(&zerr);
    src = zip_source_buffer_create(NULL, 0, 0, &zerr);
    if (!src) {
        bt_err_set(e, BT_EZIP, "libzip: %s", zip_error_strerror(&zerr));
        zip_error_fini(&zerr);
        return BT_EZIP;
    }
    zip_source_keep(src);
    za = zip_open_from_source(src, ZIP_TRUNCATE, &zerr);
    if (!za) {
        bt_err_set(e, BT_EZIP, "libzip: %s", zip_error_strerror(&zerr));
        zip_error_fini(&zerr);
        zip_source_free(src);
        return BT_EZIP;
    }
    zip_error_fini(&zerr);

    bad |= zip_put(za, "mimetype", mimetype, sizeof mimetype - 1, 1, NULL, dtime, ddate);
    bad |= zip_put(za, "META-INF/container.xml", container, clen, 0, zj->container, dtime, ddate);
    bad |= zip_put(za, "OEBPS/content.opf", opf, olen, 0, zj->opf, dtime, ddate);
    bad |= zip_put(za, "OEBPS/nav.xhtml", nav, nlen, 0, zj->nav, dtime, ddate);
    bad |= zip_put(za, "OEBPS/toc.ncx", ncx, xlen, 0, zj->ncx, dtime, ddate);
    bad |= zip_put(za, "OEBPS/style.css", b->css, b->css_len, 0, zj->css, dtime, ddate);
    for (size_t i = 0; !bad && i < b->fonts.n; i++) {
        char *p = bt_xasprintf("OEBPS/%s", b->fonts.f[i].name);
        bad |= zip_put(za, p, b->fonts.f[i].data, b->fonts.f[i].len, 0, b->fonts.f[i].z, dtime,
                          ddate);
        free(p);
    }
    for (size_t i = 0; !bad && i < b->files.n; i++) {
        char *p = bt_xasprintf("OEBPS/%s", b->files.f[i].name);
        bad |= zip_put(za, p, b->files.f[i].data, b->files.f[i].len, b->files.f[i].store,
                          b->files.f[i].z, dtime, ddate);
        free(p);
    }
    if (bad) {
        bt_err_set(e, BT_EZIP, "libzip: %s", zip_strerror(za));
        zip_discard(za);
        zip_source_free(src);
        return BT_EZIP;
    }
    if (zip_close(za) < 0) {
        bt_err_set(e, BT_EZIP, "libzip: %s", zip_strerror(za));
        zip_discard(za);
        zip_source_free(src);
        return BT_EZIP;
    }

    {
        zip_stat_t st;
        unsigned char *buf;
        zip_int64_t got;
        if (zip_source_open(src) < 0) {
            bt_err_set(e, BT_EZIP, "libzip: cannot reopen the book in memory");
            zip_source_free(src);
            return BT_EZIP;
        }
        zip_stat_init(&st);
        if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE)) {
            zip_source_close(src);
            zip_source_free(src);
            return bt_err_set(e, BT_EZIP, "libzip: cannot size the book in memory");
        }
        buf = bt_xmalloc(st.size ? st.size : 1);
        got = zip_source_read(src, buf, st.size);
        zip_source_close(src);
        zip_source_free(src);
        if (got < 0 || (zip_uint64_t)got != st.size) {
            free(buf);
            return bt_err_set(e, BT_EZIP, "libzip: cannot read the book back from memory");
        }
        *out = buf;
        *len = (size_t)st.size;
    }
    return BT_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Entry point. */

bt_status bt_epub_render(bt_article **arts, size_t n, const bt_epub_opts *o, unsigned char **out,
                         size_t *len, bt_err *e)
{
    bt_book b;
    bt_status st = BT_OK;
    unsigned char *container = NULL, *opf = NULL, *nav = NULL, *ncx = NULL;
    size_t clen = 0, olen = 0, nlen = 0, xlen = 0;

    if (!out || !len || !o) return bt_err_set(e, BT_EUSAGE, "bt_epub_render: bad arguments");
    *out = NULL;
    *len = 0;
    if (n == 0 || !arts) return bt_err_set(e, BT_EEMPTY, "no articles to package");
    for (size_t i = 0; i < n; i++)
        if (!arts[i]) return bt_err_set(e, BT_EUSAGE, "bt_epub_render: NULL article");

    memset(&b, 0, sizeof b);
    b.o = o;
    b.n = n;
    b.digest = n > 1;
    if (o->lang && bt_lang_valid(o->lang)) b.lang = bt_xstrdup(o->lang);
    else if (bt_lang_valid(arts[0]->language)) b.lang = bt_xstrdup(arts[0]->language);
    else b.lang = bt_xstrdup("vi");
    b.vi = strncmp(b.lang, "vi", 2) == 0 && (b.lang[2] == 0 || b.lang[2] == '-');
    b.L = b.vi ? &bt_epub_vi : &bt_epub_en;
    b.cps = bt_cpset_new();

    b.tpl = o->tpl;
    if (!b.tpl) {
        st = bt_template_load(NULL, &b.owned_tpl, e);
        if (st != BT_OK) {
            book_free(&b);
            return st;
        }
        b.tpl = b.owned_tpl;
    }
    book_order(&b, arts);
    book_meta(&b);

    /* each file is queued for deflating as soon as it is complete (bt_zpack) */
    bt_epub_zjobs zj = {0};
    zpack_init(&b.pack, o->threads);
    if (o->cover_path && *o->cover_path) st = epub_cover(&b, e);
    if (st == BT_OK && b.digest) st = epub_title_page(&b, e);
    book_queue(&b);
    for (size_t i = 0; st == BT_OK && i < b.n; i++) {
        st = epub_article_page(&b, &b.items[i], e);
        book_queue(&b);
    }
    /* the fonts (the largest entries) as early as they can be, after the last displayed text
     * (the navigation page), so that they are deflated while the identifier is hashed and the
     * NCX and OPF written; neither the fonts nor the identifier depend on the other */
    if (st == BT_OK) st = epub_nav(&b, &nav, &nlen, e);
    if (st == BT_OK) zj.nav = zpack_push(&b.pack, nav, nlen, EPUB_DEFLATE_LEVEL);
    if (st == BT_OK) st = epub_fonts_and_css(&b, e);
    if (st == BT_OK) {
        book_queue(&b);
        zj.css = zpack_push(&b.pack, b.css, b.css_len, EPUB_DEFLATE_LEVEL);
        st = epub_identifier(&b, e);
    }
    if (st == BT_OK) st = epub_ncx(&b, &ncx, &xlen, e);
    if (st == BT_OK) zj.ncx = zpack_push(&b.pack, ncx, xlen, EPUB_DEFLATE_LEVEL);
    if (st == BT_OK) st = epub_opf(&b, &opf, &olen, e);
    if (st == BT_OK) zj.opf = zpack_push(&b.pack, opf, olen, EPUB_DEFLATE_LEVEL);
    if (st == BT_OK) st = epub_container(&container, &clen, e);
    if (st == BT_OK) zj.container = zpack_push(&b.pack, container, clen, EPUB_DEFLATE_LEVEL);
    zpack_finish(&b.pack, st != BT_OK);
    if (st == BT_OK)
        st = epub_zip(&b, container, clen, opf, olen, nav, nlen, ncx, xlen, &zj, out, len, e);

    zpack_free(&b.pack);
    free(container);
    free(opf);
    free(nav);
    free(ncx);
    book_free(&b);
    return st;
}

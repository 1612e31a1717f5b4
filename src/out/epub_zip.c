/* epub_zip.c - the EPUB container (see epub_int.h): the entries deflated ahead on a helper
 * thread, then put in a zip built with libzip in memory; the EPUB writer's only file that
 * includes zip.h. */
#include "epub_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>
#include <zlib.h>

/* A deflate stream kept for the entries one thread deflates: reset between entries rather than
 * set up again (its ~400 KB of tables allocated and cleared once; the output is the same). */
typedef struct {
    z_stream zs;
    int ready;
    int level;
} deflater;

static void deflater_end(deflater *d)
{
    if (d->ready) deflateEnd(&d->zs);
    d->ready = 0;
}

static void zjob_run(zjob *j, deflater *d)
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
static void drain(zpack *pk, deflater *d)
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
    zpack *pk = p;
    deflater d = {0};
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
void zpack_init(zpack *pk, int threads)
{
    memset(pk, 0, sizeof *pk);
    pthread_mutex_init(&pk->mu, NULL);
    pthread_cond_init(&pk->cv, NULL);
    if (threads != 1 && sysconf(_SC_NPROCESSORS_ONLN) > 1)
        pk->threaded = pthread_create(&pk->th, NULL, zpack_main, pk) == 0;
}

/* Queue data (which must stay unchanged and alive until zpack_free) for deflating. */
zjob *zpack_push(zpack *pk, const unsigned char *data, size_t len, int level)
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
void zpack_finish(zpack *pk, int abandon)
{
    deflater d = {0};
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

void zpack_free(zpack *pk)
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
 * The container. */

/* A libzip source of an entry deflated ahead (zjob): it tells libzip that its data is deflated
 * already, with the size, CRC and general-purpose flags libzip's own deflating would record. */
typedef struct {
    const zjob *z;
    size_t pos;
    zip_error_t err;
} zraw;

static zip_int64_t zraw_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    zraw *r = ud;
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
        zraw *r = bt_xcalloc(1, sizeof *r);
        r->z = z;
        zip_error_init(&r->err);
        s = zip_source_function(za, zraw_cb, r);
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


bt_status epub_zip(book *b, const unsigned char *container, size_t clen,
                   const unsigned char *opf, size_t olen, const unsigned char *nav,
                   size_t nlen, const unsigned char *ncx, size_t xlen,
                   const epub_zjobs *zj, unsigned char **out, size_t *len, bt_err *e)
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

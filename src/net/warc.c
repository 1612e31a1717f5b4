/* warc.c - WARC/1.1 writer (one gzip member per record, zlib) and reader (gzip or plain). */
#include "warc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "decode.h"
#include "hash.h"

#define MAX_HEAD (64 * 1024) /* a WARC or HTTP header block larger than this is not one */

/* ---- helpers ---- */

/* RFC 4648 base32, the customary encoding of WARC digests. out needs 8 * ceil(n/5) + 1. */
static void base32(const unsigned char *p, size_t n, char *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    size_t o = 0;
    unsigned buf = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        buf = (buf << 8) | p[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = a[(buf >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits) out[o++] = a[(buf << (5 - bits)) & 31];
    while (o % 8) out[o++] = '=';
    out[o] = '\0';
}

static void digest(const void *p, size_t n, char out[80])
{
    unsigned char d[BT_SHA256_LEN];
    bt_sha256(p, n, d);
    memcpy(out, "sha256:", 7);
    base32(d, sizeof d, out + 7);
}

static void uuid(char out[64])
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
        /* no entropy source: time and address still make a unique-enough ID */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t v = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        for (int i = 0; i < 16; i++) b[i] = (unsigned char)(v >> ((i % 8) * 8)) ^ (unsigned char)(uintptr_t)b;
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    snprintf(out, 64, "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x>",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

static void warc_date(int64_t us, char out[64])
{
    time_t t = (time_t)(us / 1000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 64, "%.31s.%06dZ", base, (int)(us % 1000000));
}

/* ---- writer ---- */

struct bt_warc_writer {
    FILE *f;
    char *path;
    uint64_t pos;
    int failed;
    z_stream z;          /* one compressor for every record: reset per gzip member */
    int zinit;
    unsigned char *zout; /* its output buffer, grown to the largest member */
    size_t zcap;
    bt_buf rec;          /* the record being assembled */
    bt_warc_written_fn written;
    void *written_ud;
    char info_id[64];
    char last_resp[64];
};

const char *bt_warc_last_response_id(const bt_warc_writer *w)
{
    return w->last_resp;
}

/* Compress one record as a gzip member and append it. The stream is reset, not started again,
 * for each member: deflateInit allocates and clears its window and tables every time, and a
 * reset stream gives the same bytes. */
static int put_member(bt_warc_writer *w, const bt_buf *rec)
{
    if (!w->zinit) {
        if (deflateInit2(&w->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
        w->zinit = 1;
    } else if (deflateReset(&w->z) != Z_OK) {
        return -1;
    }
    size_t bound = (size_t)deflateBound(&w->z, (uLong)rec->len);
    if (bound > w->zcap) {
        free(w->zout);
        w->zout = bt_xmalloc(bound);
        w->zcap = bound;
    }
    w->z.next_in = (unsigned char *)rec->data;
    w->z.avail_in = (uInt)rec->len;
    w->z.next_out = w->zout;
    w->z.avail_out = (uInt)bound;
    int rc = deflate(&w->z, Z_FINISH);
    if (rc != Z_STREAM_END) return -1;
    size_t n = (size_t)(w->z.next_out - w->zout);
    if (fwrite(w->zout, 1, n, w->f) != n) return -1;
    w->pos += n;
    return 0;
}

/* Tell the listener of a record just written at `at`: v has its fields, the block is in w->rec
 * after the header (head_len bytes). */
static void tell(bt_warc_writer *w, bt_warc_record *v, uint64_t at, size_t head_len)
{
    if (!w->written) return;
    v->offset = at;
    v->skip = 0;
    v->head = w->rec.data;
    v->head_len = head_len;
    v->block = w->rec.data + head_len;
    v->block_len = w->rec.len - head_len - 4;
    w->rec.data[head_len + v->block_len] = '\0'; /* (written already) as a reader's block is */
    w->written(w->written_ud, v);
}

/* header lines (already CRLF-terminated) + block -> one record; v (may be NULL) has the fields
 * the listener is told of */
static int put_record(bt_warc_writer *w, const char *type, const char *id, const char *date,
                      const char *extra, const char *ctype, const char *block, size_t blen,
                      const char *block2, size_t blen2, bt_warc_record *v)
{
    bt_buf *rec = &w->rec;
    bt_buf_reset(rec);
    bt_buf_printf(rec, "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: %s\r\nWARC-Date: %s\r\n", type, id, date);
    if (extra) bt_buf_adds(rec, extra);
    bt_buf_printf(rec, "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n", ctype, blen + blen2);
    size_t head_len = rec->len;
    bt_buf_add(rec, block, blen);
    if (blen2) bt_buf_add(rec, block2, blen2);
    bt_buf_add(rec, "\r\n\r\n", 4);
    uint64_t at = w->pos;
    int rc = put_member(w, rec);
    if (rc) w->failed = 1;
    else if (v) tell(w, v, at, head_len);
    return rc;
}

/* A record's fields for the listener (strings the caller's, not owned). */
static void view(bt_warc_record *v, const char *type, const char *uri, const char *date,
                 const char *ctype, const char *id, const char *info_id)
{
    memset(v, 0, sizeof *v);
    v->type = (char *)type;
    v->target_uri = (char *)uri;
    v->date = (char *)date;
    v->content_type = (char *)ctype;
    v->record_id = (char *)id;
    v->warcinfo_id = (char *)info_id;
}

bt_status bt_warc_open(const char *path, const char *fields, bt_warc_writer **out, bt_err *e)
{
    return bt_warc_open_listen(path, fields, NULL, NULL, out, e);
}

bt_status bt_warc_open_listen(const char *path, const char *fields, bt_warc_written_fn written,
                              void *ud, bt_warc_writer **out, bt_err *e)
{
    *out = NULL;
    FILE *f = fopen(path, "ab");
    if (!f) return bt_err_set(e, BT_EIO, "cannot open %s: %s", path, strerror(errno));
    bt_warc_writer *w = bt_xcalloc(1, sizeof *w);
    w->f = f;
    w->path = bt_xstrdup(path);
    w->written = written;
    w->written_ud = ud;
    if (fseeko(f, 0, SEEK_END) == 0) w->pos = (uint64_t)ftello(f);
    uuid(w->info_id);
    if (w->pos == 0) {
        char date[64];
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        warc_date((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, date);
        bt_buf b = {0};
        char *name = bt_path_basename(path);
        bt_buf_printf(&b, "software: bantin/%s\r\nformat: WARC File Format 1.1\r\n"
                          "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
                      BT_VERSION);
        if (fields && *fields) {
            bt_buf_adds(&b, fields);
            if (b.data[b.len - 1] != '\n') bt_buf_adds(&b, "\r\n");
        }
        char *extra = bt_xasprintf("WARC-Filename: %s\r\n", name);
        bt_warc_record v;
        view(&v, "warcinfo", NULL, date, "application/warc-fields", w->info_id, NULL);
        put_record(w, "warcinfo", w->info_id, date, extra, "application/warc-fields", b.data, b.len, NULL, 0, &v);
        free(extra);
        free(name);
        bt_buf_free(&b);
    }
    if (w->failed) {
        bt_warc_close(w, NULL);
        return bt_err_set(e, BT_EIO, "cannot write %s", path);
    }
    *out = w;
    return BT_OK;
}

bt_status bt_warc_write_exchange(bt_warc_writer *w, const bt_http_exchange *x, uint64_t *offset,
                                 bt_err *e)
{
    if (!x->resp_head || !x->resp_head_len) return BT_OK; /* no answer: nothing to keep */
    char date[64], req_id[64], resp_id[64], bd[80], pd[80];
    warc_date(x->time_us, date);
    uuid(req_id);
    uuid(resp_id);
    bt_buf extra = {0};
    /* response */
    bt_sha256_ctx *h = bt_sha256_new();
    unsigned char d[BT_SHA256_LEN];
    if (!h) return bt_err_set(e, BT_ENOMEM, "cannot hash");
    bt_sha256_update(h, x->resp_head, x->resp_head_len);
    bt_sha256_update(h, x->payload, x->payload_len);
    bt_sha256_final(h, d);
    bt_sha256_free(h);
    memcpy(bd, "sha256:", 7);
    base32(d, sizeof d, bd + 7);
    if (x->payload_sha256_set) { /* (the fetch computed it already) */
        memcpy(pd, "sha256:", 7);
        base32(x->payload_sha256, sizeof x->payload_sha256, pd + 7);
    } else {
        digest(x->payload ? x->payload : "", x->payload_len, pd);
    }
    bt_buf_printf(&extra, "WARC-Target-URI: %s\r\nWARC-Warcinfo-ID: %s\r\n", x->url, w->info_id);
    if (x->ip) bt_buf_printf(&extra, "WARC-IP-Address: %s\r\n", x->ip);
    bt_buf_printf(&extra, "WARC-Block-Digest: %s\r\nWARC-Payload-Digest: %s\r\n", bd, pd);
    uint64_t at = w->pos;
    bt_warc_record v;
    view(&v, "response", x->url, date, "application/http;msgtype=response", resp_id, w->info_id);
    put_record(w, "response", resp_id, date, extra.data, "application/http;msgtype=response",
               x->resp_head, x->resp_head_len, x->payload, x->payload_len, &v);
    bt_buf_reset(&extra);
    /* request, pointing at its response */
    if (x->req_head && x->req_head_len) {
        digest(x->req_head, x->req_head_len, bd);
        bt_buf_printf(&extra, "WARC-Target-URI: %s\r\nWARC-Warcinfo-ID: %s\r\nWARC-Concurrent-To: %s\r\n",
                      x->url, w->info_id, resp_id);
        if (x->ip) bt_buf_printf(&extra, "WARC-IP-Address: %s\r\n", x->ip);
        bt_buf_printf(&extra, "WARC-Block-Digest: %s\r\n", bd);
        char *conc[1] = {resp_id};
        view(&v, "request", x->url, date, "application/http;msgtype=request", req_id, w->info_id);
        v.concurrent.v = conc;
        v.concurrent.n = 1;
        put_record(w, "request", req_id, date, extra.data, "application/http;msgtype=request",
                   x->req_head, x->req_head_len, NULL, 0, &v);
    }
    bt_buf_free(&extra);
    snprintf(w->last_resp, sizeof w->last_resp, "%s", resp_id);
    if (offset) *offset = at;
    if (w->failed) return bt_err_set(e, BT_EIO, "cannot write %s", w->path);
    return BT_OK;
}

bt_status bt_warc_write_record(bt_warc_writer *w, const bt_warc_record *rec, uint64_t *offset,
                               bt_err *e)
{
    if (!rec->head || !rec->block) return bt_err_set(e, BT_EUSAGE, "record not read in full");
    bt_buf *b = &w->rec;
    bt_buf_reset(b);
    bt_buf_add(b, rec->head, rec->head_len);
    bt_buf_add(b, rec->block, rec->block_len);
    bt_buf_add(b, "\r\n\r\n", 4);
    uint64_t at = w->pos;
    if (put_member(w, b) != 0) w->failed = 1;
    if (w->failed) return bt_err_set(e, BT_EIO, "cannot write %s", w->path);
    if (w->written) { /* the copy: the same fields and block, at its place in this file */
        bt_warc_record v = *rec;
        tell(w, &v, at, rec->head_len);
    }
    if (offset) *offset = at;
    return BT_OK;
}

bt_status bt_warc_flush(bt_warc_writer *w, bt_err *e)
{
    if (fflush(w->f) != 0 || w->failed) return bt_err_set(e, BT_EIO, "cannot write %s", w->path);
    return BT_OK;
}

bt_status bt_warc_close(bt_warc_writer *w, bt_err *e)
{
    if (!w) return BT_OK;
    int bad = w->failed;
    bad |= fflush(w->f) != 0;
    bad |= fsync(fileno(w->f)) != 0 && errno != EINVAL;
    bad |= fclose(w->f) != 0;
    bt_status st = bad ? bt_err_set(e, BT_EIO, "cannot write %s", w->path) : BT_OK;
    if (w->zinit) deflateEnd(&w->z);
    free(w->zout);
    bt_buf_free(&w->rec);
    free(w->path);
    free(w);
    return st;
}

/* ---- reader ---- */

struct bt_warc_reader {
    FILE *f;
    char *path;
    int gz;
    size_t max_block;
    z_stream z;
    int zinit, stream_end, started;
    unsigned char in[65536];
    uint64_t in_base;    /* file offset of in[0] */
    unsigned char out[65536];
    size_t out_start, out_end;
    uint64_t member_off; /* file offset of the current gzip member */
    uint64_t member_pos; /* decompressed bytes of that member consumed */
    uint64_t plain_pos;  /* plain files: bytes consumed */
    uint64_t last_off, last_skip; /* where the last record bt_warc_next read began */
    int gz_broken;       /* the gzip stream itself failed (no resync past that) */
    char err[200];
};

static int refill_in(bt_warc_reader *r)
{
    r->in_base += (uint64_t)(r->z.next_in ? (size_t)(r->z.next_in - r->in) : 0);
    size_t n = fread(r->in, 1, sizeof r->in, r->f);
    r->z.next_in = r->in;
    r->z.avail_in = (uInt)n;
    return n > 0;
}

/* Make decompressed bytes available: 1 yes, 0 clean end of file, -1 error (r->err). */
static int fill(bt_warc_reader *r)
{
    if (r->out_start < r->out_end) return 1;
    r->out_start = r->out_end = 0;
    if (!r->gz) {
        size_t n = fread(r->out, 1, sizeof r->out, r->f);
        if (n == 0 && ferror(r->f)) {
            snprintf(r->err, sizeof r->err, "read error");
            return -1;
        }
        r->out_end = n;
        return n > 0;
    }
    for (;;) {
        if (r->stream_end || !r->started) {
            if (r->z.avail_in == 0 && !refill_in(r)) return 0;
            if (r->started && inflateReset(&r->z) != Z_OK) return -1;
            r->started = 1;
            r->stream_end = 0;
            r->member_off = r->in_base + (uint64_t)(r->z.next_in - r->in);
            r->member_pos = 0;
        }
        if (r->z.avail_in == 0 && !refill_in(r)) {
            snprintf(r->err, sizeof r->err, "gzip data cut short");
            r->gz_broken = 1;
            return -1;
        }
        r->z.next_out = r->out;
        r->z.avail_out = sizeof r->out;
        int rc = inflate(&r->z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) r->stream_end = 1;
        else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            snprintf(r->err, sizeof r->err, "corrupt gzip data");
            r->gz_broken = 1;
            return -1;
        }
        r->out_end = sizeof r->out - r->z.avail_out;
        if (r->out_end) return 1;
    }
}

static void consume(bt_warc_reader *r, size_t n)
{
    r->out_start += n;
    r->member_pos += n;
    r->plain_pos += n;
}

/* Read up to and including '\n' into line (at most cap bytes). 1 line, 0 EOF before any, -1
 * error or overlong. */
static int read_line(bt_warc_reader *r, bt_buf *line, size_t cap)
{
    bt_buf_reset(line);
    for (;;) {
        int f = fill(r);
        if (f < 0) return -1;
        if (f == 0) return line->len ? 1 : 0;
        unsigned char *s = r->out + r->out_start;
        size_t avail = r->out_end - r->out_start;
        unsigned char *nl = memchr(s, '\n', avail);
        size_t take = nl ? (size_t)(nl - s) + 1 : avail;
        if (line->len + take > cap) {
            snprintf(r->err, sizeof r->err, "header line too long");
            return -1;
        }
        bt_buf_add(line, s, take);
        consume(r, take);
        if (nl) return 1;
    }
}

/* Read n bytes into b (or discard when b is NULL). Returns bytes read (< n at EOF), or -1. */
static long long read_n(bt_warc_reader *r, bt_buf *b, uint64_t n)
{
    uint64_t got = 0;
    while (got < n) {
        int f = fill(r);
        if (f < 0) return -1;
        if (f == 0) break;
        size_t avail = r->out_end - r->out_start;
        size_t take = (uint64_t)avail < n - got ? avail : (size_t)(n - got);
        if (b) bt_buf_add(b, r->out + r->out_start, take);
        consume(r, take);
        got += take;
    }
    return (long long)got;
}

static bt_status reader_open(const char *path, size_t max_block, bt_warc_reader **out, bt_err *e)
{
    *out = NULL;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return bt_err_set(e, BT_EIO, "cannot open: %s", strerror(errno));
    bt_warc_reader *r = bt_xcalloc(1, sizeof *r);
    r->f = f;
    r->path = bt_xstrdup(path);
    r->max_block = max_block ? max_block : (size_t)50 * 1024 * 1024;
    int c1 = getc(f), c2 = getc(f);
    if (c1 == EOF || ungetc(c2, f) == EOF || ungetc(c1, f) == EOF) {
        /* an empty file, or a stream that cannot push back two bytes */
        if (c1 != EOF) {
            bt_warc_reader_close(r);
            return bt_err_set(e, BT_EIO, "cannot read");
        }
    }
    r->gz = c1 == 0x1F && c2 == 0x8B;
    if (r->gz) {
        if (inflateInit2(&r->z, 15 + 16) != Z_OK) {
            bt_warc_reader_close(r);
            return bt_err_set(e, BT_ENOMEM, "cannot start zlib");
        }
        r->zinit = 1;
    }
    *out = r;
    return BT_OK;
}

bt_status bt_warc_reader_open(const char *path, size_t max_block, bt_warc_reader **out, bt_err *e)
{
    return reader_open(path, max_block, out, e);
}

void bt_warc_reader_close(bt_warc_reader *r)
{
    if (!r) return;
    if (r->zinit) inflateEnd(&r->z);
    if (r->f && r->f != stdin) fclose(r->f);
    free(r->path);
    free(r);
}

void bt_warc_record_free(bt_warc_record *rec)
{
    if (!rec) return;
    free(rec->type);
    free(rec->target_uri);
    free(rec->date);
    free(rec->content_type);
    free(rec->record_id);
    free(rec->warcinfo_id);
    bt_strvec_free(&rec->concurrent);
    free(rec->head);
    free(rec->block);
    memset(rec, 0, sizeof *rec);
}

static char *hval(const char *line, size_t len, const char *name)
{
    size_t nl = strlen(name);
    if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':') return NULL;
    const char *v = line + nl + 1, *ve = line + len;
    while (v < ve && (*v == ' ' || *v == '\t')) v++;
    while (ve > v && (ve[-1] == '\r' || ve[-1] == '\n' || ve[-1] == ' ' || ve[-1] == '\t')) ve--;
    return bt_xstrndup(v, (size_t)(ve - v));
}

bt_status bt_warc_next(bt_warc_reader *r, bt_warc_record *rec, bt_err *e)
{
    memset(rec, 0, sizeof *rec);
    bt_buf line = {0};
    int rl;
    /* blank lines between records are tolerated */
    for (;;) {
        int f = fill(r);
        if (f < 0) {
            bt_err_set(e, BT_EPARSE, "at offset %llu: %s", (unsigned long long)(r->gz ? r->member_off : r->plain_pos), r->err);
            bt_buf_free(&line);
            return BT_EPARSE;
        }
        if (f == 0) {
            bt_buf_free(&line);
            return BT_EEMPTY;
        }
        rec->offset = r->last_off = r->gz ? r->member_off : r->plain_pos;
        rec->skip = r->last_skip = r->gz ? r->member_pos : 0;
        rl = read_line(r, &line, MAX_HEAD);
        if (rl <= 0) break;
        if (!(line.len <= 2 && (line.data[0] == '\r' || line.data[0] == '\n'))) break;
    }
    unsigned long long at = (unsigned long long)rec->offset;
    if (rl < 0) {
        bt_buf_free(&line);
        return bt_err_set(e, BT_EPARSE, "at offset %llu: %s", at, r->err);
    }
    if (rl == 0) {
        bt_buf_free(&line);
        return BT_EEMPTY;
    }
    if (line.len < 6 || strncmp(line.data, "WARC/", 5) != 0) {
        bt_buf_free(&line);
        return bt_err_set(e, BT_EPARSE, "at offset %llu: not a WARC record", at);
    }
    long long clen = -1;
    size_t head_total = 0;
    bt_buf head = {0}; /* the header as read, for a verbatim copy */
    bt_buf_add(&head, line.data, line.len);
    for (;;) {
        rl = read_line(r, &line, MAX_HEAD);
        if (rl <= 0) {
            bt_buf_free(&line);
            bt_buf_free(&head);
            bt_warc_record_free(rec);
            return bt_err_set(e, BT_EPARSE, "at offset %llu: record cut short in its header%s%s", at,
                              rl < 0 ? ": " : "", rl < 0 ? r->err : "");
        }
        head_total += line.len;
        bt_buf_add(&head, line.data, line.len);
        if (head_total > MAX_HEAD) {
            bt_buf_free(&line);
            bt_buf_free(&head);
            bt_warc_record_free(rec);
            return bt_err_set(e, BT_EPARSE, "at offset %llu: record header too long", at);
        }
        if (line.data[0] == '\r' || line.data[0] == '\n') break;
        char *v;
        if ((v = hval(line.data, line.len, "WARC-Type"))) { free(rec->type); rec->type = v; }
        else if ((v = hval(line.data, line.len, "WARC-Target-URI"))) {
            size_t n = strlen(v);
            if (n >= 2 && v[0] == '<' && v[n - 1] == '>') { /* WARC 1.0 style */
                memmove(v, v + 1, n - 2);
                v[n - 2] = '\0';
            }
            free(rec->target_uri);
            rec->target_uri = v;
        } else if ((v = hval(line.data, line.len, "WARC-Date"))) { free(rec->date); rec->date = v; }
        else if ((v = hval(line.data, line.len, "Content-Type"))) { free(rec->content_type); rec->content_type = v; }
        else if ((v = hval(line.data, line.len, "WARC-Record-ID"))) { free(rec->record_id); rec->record_id = v; }
        else if ((v = hval(line.data, line.len, "WARC-Warcinfo-ID"))) { free(rec->warcinfo_id); rec->warcinfo_id = v; }
        else if ((v = hval(line.data, line.len, "WARC-Concurrent-To"))) bt_strvec_push(&rec->concurrent, v);
        else if ((v = hval(line.data, line.len, "Content-Length"))) {
            char *end;
            errno = 0;
            clen = strtoll(v, &end, 10);
            if (end == v || *end || clen < 0 || errno) clen = -2;
            free(v);
        }
    }
    bt_buf_free(&line);
    rec->head_len = head.len;
    rec->head = bt_buf_detach(&head, NULL);
    if (clen < 0) {
        bt_warc_record_free(rec);
        return bt_err_set(e, BT_EPARSE, "at offset %llu: record without a valid Content-Length", at);
    }
    rec->block_len = (size_t)clen;
    bt_buf block = {0};
    int keep = (uint64_t)clen <= r->max_block;
    if (keep) bt_buf_add(&block, "", 0);
    long long got = read_n(r, keep ? &block : NULL, (uint64_t)clen);
    if (got < 0 || got < clen) {
        bt_buf_free(&block);
        bt_warc_record_free(rec);
        if (got < 0) return bt_err_set(e, BT_EPARSE, "at offset %llu: %s", at, r->err);
        return bt_err_set(e, BT_EPARSE, "at offset %llu: record cut short (%lld of %lld bytes)", at, got, clen);
    }
    /* the block is followed by CRLF CRLF; anything else means Content-Length was wrong */
    bt_buf end = {0};
    long long t = read_n(r, &end, 4);
    int ok = t == 4 && memcmp(end.data, "\r\n\r\n", 4) == 0;
    if (t >= 2 && !ok && memcmp(end.data, "\n\n", 2) == 0) ok = 1; /* LF-only writers */
    bt_buf_free(&end);
    if (!ok) {
        bt_buf_free(&block);
        bt_warc_record_free(rec);
        if (t < 0) return bt_err_set(e, BT_EPARSE, "at offset %llu: %s", at, r->err);
        if (t < 2) return bt_err_set(e, BT_EPARSE, "at offset %llu: record cut short (no end marker)", at);
        return bt_err_set(e, BT_EPARSE, "at offset %llu: wrong Content-Length (%lld): the record does not end there", at, clen);
    }
    if (keep) rec->block = bt_buf_detach(&block, NULL);
    return BT_OK;
}

/* A plain file: the next record is the next line that starts "WARC/1." after the broken one. */
static bt_status resync_plain(bt_warc_reader *r, bt_err *e)
{
    static const char mark[] = "\nWARC/1.";
    const size_t ml = sizeof mark - 1;
    uint64_t base = r->last_off + 1; /* file offset of buf[0] */
    if (r->f == stdin || fseeko(r->f, (off_t)base, SEEK_SET) != 0)
        return bt_err_set(e, BT_EIO, "at offset %llu: cannot look for the next record", (unsigned long long)r->last_off);
    unsigned char *buf = r->in; /* (unused by plain files) */
    size_t keep = 0;
    for (;;) {
        size_t n = fread(buf + keep, 1, sizeof r->in - keep, r->f);
        size_t tot = keep + n;
        for (size_t i = 0; i + ml <= tot; i++) {
            if (buf[i] == '\n' && memcmp(buf + i, mark, ml) == 0) {
                uint64_t start = base + i + 1;
                if (fseeko(r->f, (off_t)start, SEEK_SET) != 0) break;
                r->plain_pos = start;
                r->out_start = r->out_end = 0;
                return BT_OK;
            }
        }
        if (n == 0) { /* no record after it: the end of the file */
            r->plain_pos = base + tot;
            r->out_start = r->out_end = 0;
            return BT_OK;
        }
        keep = tot < ml ? tot : ml - 1;
        memmove(buf, buf + tot - keep, keep);
        base += tot - keep;
    }
    return bt_err_set(e, BT_EIO, "at offset %llu: cannot look for the next record", (unsigned long long)r->last_off);
}

bt_status bt_warc_resync(bt_warc_reader *r, bt_err *e)
{
    unsigned long long at = (unsigned long long)r->last_off;
    if (!r->gz) return resync_plain(r, e);
    if (r->gz_broken || r->last_skip)
        return bt_err_set(e, BT_EPARSE, "at offset %llu: the records after a broken one cannot be found", at);
    /* read the gzip member the broken record began with through to its end, discarding it */
    if (fseeko(r->f, (off_t)r->last_off, SEEK_SET) != 0 || inflateReset(&r->z) != Z_OK)
        return bt_err_set(e, BT_EIO, "at offset %llu: cannot go back to the record", at);
    r->in_base = r->last_off;
    r->z.next_in = NULL;
    r->z.avail_in = 0;
    for (;;) {
        if (r->z.avail_in == 0 && !refill_in(r)) {
            r->gz_broken = 1;
            return bt_err_set(e, BT_EPARSE, "at offset %llu: gzip data cut short", at);
        }
        r->z.next_out = r->out;
        r->z.avail_out = sizeof r->out;
        int rc = inflate(&r->z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) break;
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            r->gz_broken = 1;
            return bt_err_set(e, BT_EPARSE, "at offset %llu: corrupt gzip data", at);
        }
    }
    r->started = r->stream_end = 1; /* the next fill starts the next member */
    r->out_start = r->out_end = 0;
    return BT_OK;
}

bt_status bt_warc_read_at(const char *path, uint64_t offset, uint64_t skip, size_t max_block,
                          bt_warc_record *rec, bt_err *e)
{
    bt_warc_reader *r;
    bt_status st = reader_open(path, max_block, &r, e);
    if (st != BT_OK) return st;
    if (fseeko(r->f, (off_t)offset, SEEK_SET) != 0) {
        bt_warc_reader_close(r);
        return bt_err_set(e, BT_EIO, "cannot seek to %llu", (unsigned long long)offset);
    }
    r->in_base = offset;
    r->plain_pos = offset;
    if (skip && read_n(r, NULL, skip) != (long long)skip) {
        bt_warc_reader_close(r);
        return bt_err_set(e, BT_EPARSE, "at offset %llu: no record there", (unsigned long long)offset);
    }
    st = bt_warc_next(r, rec, e);
    bt_warc_reader_close(r);
    if (st == BT_EEMPTY) return bt_err_set(e, BT_EPARSE, "at offset %llu: no record there", (unsigned long long)offset);
    return st;
}

/* ---- HTTP inside a record ---- */

static int ci_has(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s; s++)
        if (strncasecmp(s, w, n) == 0) return 1;
    return 0;
}

/* Undo chunked transfer coding; -1 if the data is not chunked after all. */
static int dechunk(const char *p, size_t n, bt_buf *out)
{
    size_t i = 0;
    for (;;) {
        size_t j = i;
        while (j < n && p[j] != '\n') j++;
        if (j >= n) return -1;
        char *end;
        char tmp[20];
        size_t l = j - i < sizeof tmp - 1 ? j - i : sizeof tmp - 1;
        memcpy(tmp, p + i, l);
        tmp[l] = '\0';
        errno = 0;
        unsigned long long sz = strtoull(tmp, &end, 16);
        if (end == tmp || errno || (*end && *end != '\r' && *end != ';' && *end != ' ')) return -1;
        i = j + 1;
        if (sz == 0) return 0; /* trailers ignored */
        if (sz > n - i) return -1;
        bt_buf_add(out, p + i, (size_t)sz);
        i += (size_t)sz;
        if (i < n && p[i] == '\r') i++;
        if (i < n && p[i] == '\n') i++;
    }
}

void bt_warc_http_free(bt_warc_http *h)
{
    if (!h) return;
    free(h->body);
    free(h->content_type);
    memset(h, 0, sizeof *h);
}

bt_status bt_warc_http_parse(const char *block, size_t len, size_t max_body, bt_warc_http *h, bt_err *e)
{
    memset(h, 0, sizeof *h);
    if (len < 12 || strncmp(block, "HTTP/", 5) != 0) return bt_err_set(e, BT_EPARSE, "not an HTTP response");
    const char *sp = memchr(block, ' ', len < 32 ? len : 32);
    if (!sp || !isdigit((unsigned char)sp[1])) return bt_err_set(e, BT_EPARSE, "no HTTP status");
    h->status = (int)strtol(sp + 1, NULL, 10);
    size_t hl = 0;
    for (size_t i = 0; i + 1 < len && i < MAX_HEAD; i++) {
        if (block[i] == '\n' && block[i + 1] == '\n') { hl = i + 2; break; }
        if (block[i] == '\n' && block[i + 1] == '\r' && i + 2 < len && block[i + 2] == '\n') { hl = i + 3; break; }
    }
    if (!hl) return bt_err_set(e, BT_EPARSE, "HTTP header without an end");
    h->head = block;
    h->head_len = hl;
    h->content_type = bt_http_header(block, hl, "Content-Type");
    char *te = bt_http_header(block, hl, "Transfer-Encoding");
    char *ce = bt_http_header(block, hl, "Content-Encoding");
    const char *body = block + hl;
    size_t blen = len - hl;
    bt_buf chunked = {0};
    if (te && ci_has(te, "chunked")) {
        bt_buf_add(&chunked, "", 0);
        if (dechunk(body, blen, &chunked) == 0) {
            body = chunked.data;
            blen = chunked.len;
        } /* else: a writer that stored the body de-chunked: take it as it is */
    }
    bt_err le;
    bt_err_clear(&le);
    bt_status st = bt_decode_body(ce, body, blen, max_body, &h->body, &h->body_len, &le);
    bt_buf_free(&chunked);
    free(te);
    free(ce);
    if (st != BT_OK) {
        bt_warc_http_free(h);
        return bt_err_set(e, st, "%s", le.msg);
    }
    return BT_OK;
}

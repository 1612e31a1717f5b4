/* warc.h - WARC/1.1 files (ISO 28500): the HTTP evidence an archive keeps, and crawls as input.
 *
 * Writer: a warcinfo record, then for each HTTP exchange a request and a response record with
 * WARC-Target-URI, WARC-Date, WARC-Record-ID (urn:uuid), WARC-IP-Address, WARC-Block-Digest and
 * WARC-Payload-Digest (sha256, base32), WARC-Concurrent-To linking the pair. Every record is its
 * own gzip member (zlib), so a record can be read at its offset without reading what precedes
 * it, as WARC tools expect of .warc.gz files.
 *
 * Reader: gzip-compressed (one member per record, or any other split) or plain WARC files.
 * Records are returned one by one with their offset; a record cut short, a wrong
 * Content-Length or a corrupt gzip stream is an error naming the offset. Nothing here prints. */
#ifndef BT_WARC_H
#define BT_WARC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fetch.h"
#include "util.h"

/* ---- writing ---- */

typedef struct bt_warc_writer bt_warc_writer;
typedef struct bt_warc_record bt_warc_record; /* a record read back (below) */

/* Open path for appending records (created if missing; gzip members are appended, which keeps
 * an existing file valid). A warcinfo record is written first when the file is new or empty;
 * fields is its "name: value" lines (CRLF-separated, no final blank line), may be NULL. */
bt_status bt_warc_open(const char *path, const char *fields, bt_warc_writer **out, bt_err *e);

/* Called with each record once it is written, the warcinfo record included: rec->offset is its
 * gzip member (skip 0), its fields and block are as a reader would return them. rec and all it
 * points to are the writer's, valid during the call only. Calls come from whichever thread
 * writes. */
typedef void (*bt_warc_written_fn)(void *ud, const bt_warc_record *rec);

/* bt_warc_open, with written (may be NULL) called for every record this writer writes: an index
 * of the file kept as it is written needs no reader's pass over it afterwards. */
bt_status bt_warc_open_listen(const char *path, const char *fields, bt_warc_written_fn written,
                              void *ud, bt_warc_writer **out, bt_err *e);

/* Write the request and response records of one exchange. *offset (may be NULL) gets the file
 * offset of the response record's gzip member. */
bt_status bt_warc_write_exchange(bt_warc_writer *w, const bt_http_exchange *x, uint64_t *offset,
                                 bt_err *e);

/* Append a record read from another WARC file as it was (its header and block, so its ID and
 * digests stay valid): the evidence of a crawl copied into an archive. rec->block must be there
 * (read with a large enough max_block). *offset (may be NULL) gets the copy's gzip member. */
bt_status bt_warc_write_record(bt_warc_writer *w, const bt_warc_record *rec, uint64_t *offset,
                               bt_err *e);

/* Push what was written to the file, so that a reader sees it (not thread-safe: the caller
 * serialises every use of one writer). */
bt_status bt_warc_flush(bt_warc_writer *w, bt_err *e);

/* Flush, fsync and close; BT_EIO when any write failed. w is freed in every case. */
bt_status bt_warc_close(bt_warc_writer *w, bt_err *e);

/* The record ID given to the last response record written (a "<urn:uuid:...>" string). */
const char *bt_warc_last_response_id(const bt_warc_writer *w);

/* ---- reading ---- */

typedef struct bt_warc_reader bt_warc_reader;

struct bt_warc_record {
    uint64_t offset;       /* where the record starts: the gzip member, or the byte in a plain file */
    uint64_t skip;         /* bytes to skip after decompressing from offset (0 for one record per member) */
    char *type;            /* WARC-Type: "response", "request", "revisit", "warcinfo", ... */
    char *target_uri;      /* WARC-Target-URI without angle brackets, or NULL */
    char *date;            /* WARC-Date, or NULL */
    char *content_type;    /* Content-Type of the record, or NULL */
    char *record_id;       /* WARC-Record-ID as written ("<urn:uuid:...>"), or NULL */
    char *warcinfo_id;     /* WARC-Warcinfo-ID, or NULL */
    bt_strvec concurrent;  /* every WARC-Concurrent-To value (the field may repeat) */
    char *head;            /* the header as read: version line, fields, blank line */
    size_t head_len;
    char *block;           /* the record block (NUL-terminated), NULL when skipped for its size */
    size_t block_len;      /* the block's length as declared */
};

/* max_block: blocks larger than this are skipped (block NULL, block_len set). */
bt_status bt_warc_reader_open(const char *path, size_t max_block, bt_warc_reader **out, bt_err *e);
/* The next record: BT_OK with *rec filled, BT_EEMPTY at the end, or an error. */
bt_status bt_warc_next(bt_warc_reader *r, bt_warc_record *rec, bt_err *e);
void bt_warc_reader_close(bt_warc_reader *r);
/* After bt_warc_next failed on a broken record (a wrong Content-Length, a damaged header): go to
 * the record after it, so that the next bt_warc_next reads that one. In a .warc.gz of one gzip
 * member per record, the member after the broken record's; in a plain file, the next line that
 * starts "WARC/1.". Fails (e set) when the record shared its gzip member with others, the gzip
 * data itself is damaged, or the file cannot seek (standard input). */
bt_status bt_warc_resync(bt_warc_reader *r, bt_err *e);
void bt_warc_record_free(bt_warc_record *rec);

/* Read the one record at (offset, skip) of path. */
bt_status bt_warc_read_at(const char *path, uint64_t offset, uint64_t skip, size_t max_block,
                          bt_warc_record *rec, bt_err *e);

/* An HTTP response in a record block: status, the head (status line + headers) and the body with
 * its transfer coding removed (chunked) and its content coding decoded (capped at max_body).
 * *body is a new heap buffer; *head points into block. */
typedef struct {
    int status;
    const char *head;
    size_t head_len;
    char *body;
    size_t body_len;
    char *content_type;    /* heap, or NULL */
} bt_warc_http;

bt_status bt_warc_http_parse(const char *block, size_t len, size_t max_body, bt_warc_http *h, bt_err *e);
void bt_warc_http_free(bt_warc_http *h);

#endif

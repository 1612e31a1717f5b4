/* util.h - errors, growable buffers, file I/O and safe (atomic) output files.
 *
 * Ownership: every function that returns a heap pointer says so; the caller frees it with
 * free() unless a matching _free function exists. Nothing here prints or exits. */
#ifndef BT_UTIL_H
#define BT_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BT_VERSION "0.1.0"

/* Status codes returned by every fallible function. */
typedef enum {
    BT_OK = 0,
    BT_EIO,      /* reading or writing a file failed */
    BT_EPARSE,   /* input could not be understood */
    BT_ELIMIT,   /* input exceeds a configured limit */
    BT_EEMPTY,   /* input has no usable content */
    BT_EBINARY,  /* input is not text */
    BT_ENOMEM,   /* out of memory */
    BT_EFONT,    /* font missing or unusable */
    BT_EPDF,     /* libharu reported an error */
    BT_EZIP,     /* libzip reported an error */
    BT_EUSAGE,   /* bad options */
    BT_EUNSAFE,  /* input refers to something it must not (path escape, remote URL) */
    BT_EOTHER
} bt_status;

/* An error: a status and a one-line message (no file name prefix, no newline). */
typedef struct {
    bt_status code;
    char msg[512];
} bt_err;

/* Set *e (if non-NULL) and return code. */
bt_status bt_err_set(bt_err *e, bt_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void bt_err_clear(bt_err *e);
const char *bt_status_name(bt_status s);

/* Allocation that aborts on OOM: out-of-memory is not a recoverable input error here. */
void *bt_xmalloc(size_t n);
void *bt_xcalloc(size_t n, size_t m);
void *bt_xrealloc(void *p, size_t n);
char *bt_xstrdup(const char *s);
char *bt_xstrndup(const char *s, size_t n);
char *bt_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable byte buffer, always NUL-terminated. Zero-initialise ({0}) before use. */
typedef struct {
    char *data;
    size_t len, cap;
} bt_buf;

void bt_buf_add(bt_buf *b, const void *p, size_t n);
void bt_buf_adds(bt_buf *b, const char *s);
void bt_buf_addc(bt_buf *b, char c);
void bt_buf_printf(bt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bt_buf_reset(bt_buf *b);
void bt_buf_free(bt_buf *b);
/* Hand the data over to the caller (who frees it); b is left empty. */
char *bt_buf_detach(bt_buf *b, size_t *len);

/* Read a whole file ("-" = stdin) into a NUL-terminated heap buffer.
 * Fails with BT_ELIMIT when larger than max_bytes, BT_EIO when unreadable or a directory. */
bt_status bt_read_file(const char *path, size_t max_bytes, char **out, size_t *len, bt_err *e);

/* Write data atomically: to a temp file in the same directory, fsync, rename over path.
 * path "-" writes to stdout. On failure nothing is left behind. */
bt_status bt_write_file_atomic(const char *path, const void *data, size_t len, bt_err *e);

/* Atomic output through a FILE*: open gives a temp file next to path; commit fsyncs and renames;
 * abort removes the temp file. For "-", f is stdout and commit only flushes. */
typedef struct {
    FILE *f;
    char *path;
    char *tmp;
} bt_outfile;
bt_status bt_outfile_open(bt_outfile *o, const char *path, bt_err *e);
bt_status bt_outfile_commit(bt_outfile *o, bt_err *e);
void bt_outfile_abort(bt_outfile *o);

/* mkdir -p; returns BT_EIO on failure. */
bt_status bt_mkdirs(const char *path, int mode, bt_err *e);

/* Directory part / file-name part of a path (heap strings). */
char *bt_path_dirname(const char *path);
char *bt_path_basename(const char *path);
/* path joined with name (heap string). */
char *bt_path_join(const char *dir, const char *name);

/* Locate a bundled data directory ("fonts" or "templates"): $BANTIN_DATA_DIR/<sub>, then next to
 * the executable (./<sub> and ../share/bantin/<sub>), then the install prefix. Heap string or NULL. */
char *bt_data_dir(const char *sub);
/* Remember argv[0] for bt_data_dir. */
void bt_set_argv0(const char *argv0);

/* SOURCE_DATE_EPOCH if set and valid, else -1. */
int64_t bt_source_date_epoch(void);

#endif

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

struct stat;

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
#ifdef __clang_analyzer__
/* clang's static analyzer (make lint) does not follow variadic calls: show it the result. */
#define bt_err_set(e, code, ...) (bt_err_set((e), (code), __VA_ARGS__), (code))
#endif
void bt_err_clear(bt_err *e);
const char *bt_status_name(bt_status s);

/* Allocation that aborts on OOM: out-of-memory is not a recoverable input error here. */
void *bt_xmalloc(size_t n);
void *bt_xcalloc(size_t n, size_t m);
void *bt_xrealloc(void *p, size_t n);
char *bt_xstrdup(const char *s);
char *bt_xstrndup(const char *s, size_t n);
char *bt_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Arrays that grow with a batch (an entry per article): in a mapping of their own, not the heap.
 * Freed or shrunk, their pages go back to the system at once, and they leave the heap's own
 * behaviour alone: glibc raises its threshold for mapping a block to the size of any mapped block
 * freed, after which every later buffer up to that size (the fonts' glyph tables among them) is
 * taken from the heap, all of it resident. bt_big_realloc(NULL, n) allocates; p must come from
 * bt_big_realloc; aborts when out of memory. Under AddressSanitizer: the heap. */
void *bt_big_realloc(void *p, size_t n);
void bt_big_free(void *p);
/* Give the free memory of every thread's heap back to the system (glibc: malloc_trim; elsewhere
 * nothing). Between the steps of a long run: what one step freed, scattered among blocks still in
 * use, would otherwise stay resident under the next step's own memory. */
void bt_mem_release(void);

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
/* 1 when the relative path rel stays inside the folder it is relative to: not absolute, no ".."
 * part. plain: also a name as bantin writes it (not empty, no "." or empty part, no '\\'). */
int bt_path_inside(const char *rel, int plain);

/* Locate a bundled data directory ("fonts" or "templates"): $BANTIN_DATA_DIR/<sub>, then next to
 * the executable (./<sub> and ../share/bantin/<sub>), then the install prefix. Heap string or NULL. */
char *bt_data_dir(const char *sub);
/* Remember argv[0] for bt_data_dir. */
void bt_set_argv0(const char *argv0);

/* ---- collections and file-tree helpers (one copy for the whole program) ---- */

/* Growable vector of heap strings, owned by the vector. Zero-initialise ({0}) before use. */
typedef struct {
    char **v;
    size_t n, cap;
} bt_strvec;

/* Append s; the vector takes ownership of it. */
void bt_strvec_push(bt_strvec *s, char *owned);
/* Sort bytewise (strcmp). */
void bt_strvec_sort(bt_strvec *s);
/* Free every string and the array; s is left empty. */
void bt_strvec_free(bt_strvec *s);

/* Strings kept until the pool is freed, back to back in blocks of 64 KB: no allocation per string
 * and none of the allocator's overhead (8 to 23 bytes a string). For the many small strings of a
 * batch that all live as long as it does. Zero-initialise ({0}) before use. */
typedef struct {
    char *block; /* the newest block; each begins with a pointer to the one before */
    size_t used, cap;
} bt_strpool;

/* A copy of s in the pool (valid until bt_strpool_free). */
char *bt_strpool_add(bt_strpool *p, const char *s);
void bt_strpool_free(bt_strpool *p);

/* Hash map from byte-string keys to int32 values. Keys are copied into the map and compared in
 * full (a 64-bit hash only picks the slot), so two keys never stand for each other. Memory: one
 * 24-byte slot per key plus the key bytes in one block (no allocation per key). Zero-initialise
 * ({0}) before use. */
typedef struct {
    struct bt_map_slot *slots;
    size_t cap, n;
    char *keys; /* every key's bytes, back to back */
    size_t klen, kcap;
    uint64_t (*hash)(const void *key, size_t len); /* NULL: FNV-1a (tests set a weak one) */
} bt_map;

/* The value stored under key, or -1 when absent. */
int32_t bt_map_get(const bt_map *m, const void *key, size_t len);
/* Store v under key (replacing an existing value). */
void bt_map_put(bt_map *m, const void *key, size_t len, int32_t v);
/* NUL-terminated string keys. */
int32_t bt_map_gets(const bt_map *m, const char *key);
void bt_map_puts(bt_map *m, const char *key, int32_t v);
void bt_map_free(bt_map *m);

/* Hash index from keys kept elsewhere to int32 values, for big tables: a slot holds only a 32-bit
 * tag of the key's hash and the value (8 bytes; 11 to 21 bytes per entry with the free slots),
 * whatever the keys' length. The keys stay with the caller (in a file, in records on disk): on a
 * tag match it asks same() whether the key stored under that value is the key looked for, so a
 * hash match alone is never taken for equality. Zero-initialise, then set same (and ud). */
typedef int (*bt_idx_same_fn)(void *ud, int32_t v, const void *key, size_t len);
typedef struct {
    uint64_t *slots; /* tag << 32 | (uint32_t)value; 0: empty */
    size_t cap, n;
    bt_idx_same_fn same;
    void *ud;
    uint64_t (*hash)(const void *key, size_t len); /* NULL: FNV-1a, mixed (tests set a weak one) */
} bt_idx;

/* The value stored under key, or -1 when absent. */
int32_t bt_idx_get(const bt_idx *m, const void *key, size_t len);
/* Store v (>= 0) under key (replacing the value of an equal key). */
void bt_idx_put(bt_idx *m, const void *key, size_t len, int32_t v);
int32_t bt_idx_gets(const bt_idx *m, const char *key);
void bt_idx_puts(bt_idx *m, const char *key, int32_t v);
void bt_idx_free(bt_idx *m); /* keeps same, ud and hash */

/* The one answer to "is this an article file": a name ending in .txt, .text, .html, .htm, .xhtml
 * or .shtml (any case), not hidden (no path component starting with '.') and not inside a
 * NAME_files/ folder ("save page complete" keeps a page's images, scripts and frames there). */
int bt_is_article_file(const char *relpath);

/* One entry found by bt_dir_walk: a regular file (after following a symbolic link to it). */
typedef struct {
    const char *rel;   /* path relative to the root */
    const char *abs;   /* root joined with rel */
    const struct stat *st; /* stat() of the file (of the target when the entry is a link) */
    int is_link;       /* the entry itself is a symbolic link */
    int odd;           /* with BT_WALK_ODD: neither a file nor a folder (a dangling link, a FIFO, a
                        * socket, a device); st is then the entry's own lstat() */
} bt_dir_entry;

/* Called for each regular file; a non-zero return stops the walk (bt_dir_walk returns BT_OK). */
typedef int (*bt_dir_fn)(void *ud, const bt_dir_entry *ent);

enum {
    BT_WALK_SKIP_HIDDEN = 1, /* skip names starting with '.' (files and folders) */
    BT_WALK_TOP_ONLY = 2,    /* do not descend into sub-folders */
    BT_WALK_FOLLOW_LINKS = 4, /* descend into symbolically linked folders too (each folder once) */
    BT_WALK_ODD = 8           /* also call fn for entries that are neither (odd set) */
};

/* Visit every regular file under root, without recursion (a stack of folders). Symbolically
 * linked folders are not descended into unless BT_WALK_FOLLOW_LINKS (then every folder is visited
 * once, so a link to an ancestor cannot loop). Order: unspecified; sort if it matters. BT_EIO
 * (naming the folder) when a folder cannot be read. */
bt_status bt_dir_walk(const char *root, int flags, bt_dir_fn fn, void *ud, bt_err *e);

/* The same as a sorted list: paths relative to root, with prefix + "/" in front when prefix is
 * non-NULL and non-empty; *bytes (may be NULL) gets the total size. out is appended to. */
bt_status bt_dir_list(const char *root, const char *prefix, int flags, bt_strvec *out,
                      uint64_t *bytes, bt_err *e);

/* Create the folders leading to the file path (mkdir -p of its directory part). */
bt_status bt_mkdirs_for(const char *path, bt_err *e);

/* Write data to path, creating its folders, WITHOUT fsync: for staging areas that the caller
 * makes durable all at once (syncfs) before anything depends on them. On failure the file is
 * removed and errno is the failing call's (ENOSPC, EFBIG: see bt_errno_is_full). */
bt_status bt_write_file_nosync(const char *path, const void *data, size_t len, bt_err *e);

/* Copy a regular file (streamed) to path like bt_write_file_nosync (errno likewise). */
bt_status bt_copy_file(const char *from, const char *to, bt_err *e);

/* 1 when err means the output is full (no space, over a quota or a file-size limit): the whole
 * run must stop, not just one file. */
int bt_errno_is_full(int err);

/* rm -rf path (does not follow symbolic links); errors are ignored. */
void bt_rm_tree(const char *path);

/* fsync a directory so that renames and new entries in it are durable; errors are ignored. */
void bt_fsync_dir(const char *dir);

/* SOURCE_DATE_EPOCH if set and valid, else -1. */
int64_t bt_source_date_epoch(void);

#endif

/* util.c - errors, buffers, file I/O, atomic output, data directories. */
#define _GNU_SOURCE /* nftw */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

bt_status (bt_err_set)(bt_err *e, bt_status code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
        e->code = code;
    }
    return code;
}

void bt_err_clear(bt_err *e)
{
    if (e) {
        e->code = BT_OK;
        e->msg[0] = '\0';
    }
}

const char *bt_status_name(bt_status s)
{
    static const char *names[] = {"ok", "I/O error", "parse error", "limit exceeded", "empty input",
                                  "binary input", "out of memory", "font error", "PDF error",
                                  "ZIP error", "usage error", "unsafe reference", "error"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "error";
}

static void oom(void)
{
    static const char msg[] = "bantin: out of memory\n";
    if (write(2, msg, sizeof msg - 1) < 0) { /* nothing more we can do */ }
    abort();
}

void *bt_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom();
    return p;
}

void *bt_xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p) oom();
    return p;
}

void *bt_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) oom();
    return p;
}

/* bt_big_*: a block of its own mapping, its mapped size in a header before the caller's bytes.
 * Under AddressSanitizer: the heap, so that overruns are still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define BIG_ON_HEAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BIG_ON_HEAP 1
#endif
#endif
#if !defined(BIG_ON_HEAP) && !defined(__linux__)
#define BIG_ON_HEAP 1 /* (mremap is Linux's) */
#endif

#ifndef BIG_ON_HEAP
typedef union {
    size_t mapped;
    max_align_t align;
} big_head;

static size_t big_size(size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (n > SIZE_MAX - sizeof(big_head) - page) oom();
    return (n + sizeof(big_head) + page - 1) / page * page;
}
#endif

void *bt_big_realloc(void *p, size_t n)
{
#ifdef BIG_ON_HEAP
    return bt_xrealloc(p, n);
#else
    size_t want = big_size(n ? n : 1);
    big_head *h;
    if (!p) {
        h = mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    } else {
        h = (big_head *)p - 1;
        if (h->mapped == want) return p;
        h = mremap(h, h->mapped, want, MREMAP_MAYMOVE);
    }
    if (h == MAP_FAILED) oom();
    h->mapped = want;
    return h + 1;
#endif
}

void bt_big_free(void *p)
{
#ifdef BIG_ON_HEAP
    free(p);
#else
    if (p) {
        big_head *h = (big_head *)p - 1;
        munmap(h, h->mapped);
    }
#endif
}

void bt_mem_release(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

char *bt_xstrdup(const char *s)
{
    return bt_xstrndup(s, strlen(s));
}

char *bt_xstrndup(const char *s, size_t n)
{
    char *p = bt_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *bt_xasprintf(const char *fmt, ...)
{
    va_list ap, ap2;
    char tmp[256]; /* most strings fit: one formatting pass */
    if (!fmt) fmt = ""; /* never true; tells gcc -O1 -fsanitize=undefined so (else it warns) */
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *p = bt_xmalloc((size_t)n + 1);
    if ((size_t)n < sizeof tmp) memcpy(p, tmp, (size_t)n + 1);
    else vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

static void buf_grow(bt_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) oom();
        cap *= 2;
    }
    b->data = bt_xrealloc(b->data, cap);
    b->cap = cap;
}

void bt_buf_add(bt_buf *b, const void *p, size_t n)
{
    buf_grow(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void bt_buf_adds(bt_buf *b, const char *s)
{
    bt_buf_add(b, s, strlen(s));
}

void bt_buf_addc(bt_buf *b, char c)
{
    bt_buf_add(b, &c, 1);
}

void bt_buf_printf(bt_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    char tmp[256];
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof tmp) {
        bt_buf_add(b, tmp, (size_t)n);
    } else if (n > 0) {
        buf_grow(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

void bt_buf_reset(bt_buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

void bt_buf_free(bt_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *bt_buf_detach(bt_buf *b, size_t *len)
{
    if (!b->data) bt_buf_add(b, "", 0);
    char *p = b->data;
    if (len) *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

bt_status bt_read_file(const char *path, size_t max_bytes, char **out, size_t *len, bt_err *e)
{
    int fd = 0;
    int is_stdin = strcmp(path, "-") == 0;
    *out = NULL;
    *len = 0;
    if (!is_stdin) {
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) return bt_err_set(e, BT_EIO, "cannot open: %s", strerror(errno));
        struct stat st;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            int dir = S_ISDIR(st.st_mode);
            close(fd);
            return bt_err_set(e, BT_EIO, dir ? "is a directory" : "not a regular file");
        }
        if ((unsigned long long)st.st_size > max_bytes) {
            close(fd);
            return bt_err_set(e, BT_ELIMIT, "file too large (%lld bytes; the limit is %zu)",
                              (long long)st.st_size, max_bytes);
        }
        /* Regular files never block; clear O_NONBLOCK for clarity of semantics. */
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    }
    bt_buf b = {0};
    char chunk[65536];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            bt_buf_free(&b);
            if (!is_stdin) close(fd);
            return bt_err_set(e, BT_EIO, "read error: %s", strerror(err));
        }
        if (n == 0) break;
        if (b.len + (size_t)n > max_bytes) {
            bt_buf_free(&b);
            if (!is_stdin) close(fd);
            return bt_err_set(e, BT_ELIMIT, "input too large (the limit is %zu bytes)", max_bytes);
        }
        bt_buf_add(&b, chunk, (size_t)n);
    }
    if (!is_stdin) close(fd);
    *out = bt_buf_detach(&b, len);
    return BT_OK;
}

bt_status bt_outfile_open(bt_outfile *o, const char *path, bt_err *e)
{
    memset(o, 0, sizeof *o);
    o->path = bt_xstrdup(path);
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        return BT_OK;
    }
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        if (S_ISDIR(sb.st_mode)) {
            free(o->path);
            memset(o, 0, sizeof *o);
            return bt_err_set(e, BT_EIO, "cannot write %s: it is a directory", path);
        }
        /* A device, FIFO or socket (/dev/null, /dev/stdout, a pipe): write to it in place.
         * A temp file renamed over it would replace the device node itself. */
        o->f = fopen(path, "wb");
        if (!o->f) {
            int err = errno;
            free(o->path);
            memset(o, 0, sizeof *o);
            return bt_err_set(e, BT_EIO, "cannot write %s: %s", path, strerror(err));
        }
        return BT_OK;
    }
    char *dir = bt_path_dirname(path);
    char *base = bt_path_basename(path);
    o->tmp = bt_xasprintf("%s/.%s.tmpXXXXXX", dir, base);
    free(dir);
    free(base);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int err = errno;
        free(o->tmp);
        free(o->path);
        memset(o, 0, sizeof *o);
        if (err == ENOENT || err == ENOTDIR) { /* say which: the folder is not made for it */
            char *d = bt_path_dirname(path);
            bt_status st = bt_err_set(e, BT_EIO, "cannot create %s: %s%s %s", path,
                                      err == ENOENT ? "the folder " : "", d,
                                      err == ENOENT ? "does not exist" : "is not a folder");
            free(d);
            return st;
        }
        return bt_err_set(e, BT_EIO, "cannot create %s: %s", path, strerror(err));
    }
    fchmod(fd, 0644); /* mkstemp makes 0600; outputs are ordinary readable files */
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        int err = errno;
        close(fd);
        unlink(o->tmp);
        free(o->tmp);
        free(o->path);
        memset(o, 0, sizeof *o);
        return bt_err_set(e, BT_EIO, "cannot write %s: %s", path, strerror(err));
    }
    return BT_OK;
}

static void fsync_dir_of(const char *path)
{
    char *dir = bt_path_dirname(path);
    bt_fsync_dir(dir);
    free(dir);
}

bt_status bt_outfile_commit(bt_outfile *o, bt_err *e)
{
    bt_status st = BT_OK;
    if (!o->f) {
        free(o->path);
        memset(o, 0, sizeof *o);
        return bt_err_set(e, BT_EIO, "output not open");
    }
    if (!o->tmp && o->f != stdout) { /* a device or FIFO written in place */
        int bad = fflush(o->f) != 0 || ferror(o->f);
        int err = errno;
        if (fclose(o->f) != 0 && !bad) {
            bad = 1;
            err = errno;
        }
        if (bad) st = bt_err_set(e, BT_EIO, "cannot write %s: %s", o->path, strerror(err));
        free(o->path);
        memset(o, 0, sizeof *o);
        return st;
    }
    if (!o->tmp) { /* stdout */
        if (fflush(o->f) != 0 || ferror(o->f))
            st = bt_err_set(e, BT_EIO, "cannot write to standard output: %s", strerror(errno));
        free(o->path);
        memset(o, 0, sizeof *o);
        return st;
    }
    int bad = fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0;
    int err = errno;
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    o->f = NULL;
    if (bad) {
        st = bt_err_set(e, BT_EIO, "cannot write %s: %s", o->path, strerror(err));
    } else if (rename(o->tmp, o->path) != 0) {
        st = bt_err_set(e, BT_EIO, "cannot rename into %s: %s", o->path, strerror(errno));
    } else {
        fsync_dir_of(o->path);
    }
    if (st != BT_OK) unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    memset(o, 0, sizeof *o);
    return st;
}

void bt_outfile_abort(bt_outfile *o)
{
    if (o->f && o->tmp) {
        fclose(o->f);
        unlink(o->tmp);
    } else if (o->f && o->f != stdout) {
        fclose(o->f);
    }
    free(o->tmp);
    free(o->path);
    memset(o, 0, sizeof *o);
}

bt_status bt_write_file_atomic(const char *path, const void *data, size_t len, bt_err *e)
{
    bt_outfile o;
    bt_status st = bt_outfile_open(&o, path, e);
    if (st != BT_OK) return st;
    if (len && fwrite(data, 1, len, o.f) != len) {
        int err = errno;
        int to_stdout = o.f == stdout;
        bt_outfile_abort(&o);
        return bt_err_set(e, BT_EIO, "cannot write %s: %s", to_stdout ? "standard output" : path,
                          strerror(err));
    }
    return bt_outfile_commit(&o, e);
}

bt_status bt_mkdirs(const char *path, int mode, bt_err *e)
{
    char *p = bt_xstrdup(path);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/') p[--n] = '\0';
    struct stat sb;
    if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) { /* the common case: there already (one call
                                                       * instead of two per component) */
        free(p);
        return BT_OK;
    }
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
                bt_status st = bt_err_set(e, BT_EIO, "cannot create directory %s: %s", p, strerror(errno));
                free(p);
                return st;
            }
            struct stat st;
            if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
                bt_status r = bt_err_set(e, BT_EIO, "%s is not a directory", p);
                free(p);
                return r;
            }
            *s = c;
            if (c == '\0') break;
        }
    }
    free(p);
    return BT_OK;
}

char *bt_path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return bt_xstrdup(".");
    if (slash == path) return bt_xstrdup("/");
    return bt_xstrndup(path, (size_t)(slash - path));
}

char *bt_path_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return bt_xstrdup(slash ? slash + 1 : path);
}

char *bt_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    if (n == 0) return bt_xstrdup(name);
    return bt_xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

int bt_path_inside(const char *rel, int plain)
{
    if (rel[0] == '/' || (plain && (!*rel || strchr(rel, '\\')))) return 0;
    for (const char *q = rel; *q;) {
        size_t n = strcspn(q, "/");
        if (n == 2 && q[0] == '.' && q[1] == '.') return 0;
        if (plain && (n == 0 || (n == 1 && q[0] == '.'))) return 0;
        q += n;
        if (*q == '/') q++;
    }
    return 1;
}

static char *g_argv0;

void bt_set_argv0(const char *argv0)
{
    free(g_argv0);
    g_argv0 = NULL;
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = '\0';
        g_argv0 = bt_xstrdup(buf);
    } else if (argv0) {
        g_argv0 = bt_xstrdup(argv0);
    }
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *bt_data_dir(const char *sub)
{
    const char *env = getenv("BANTIN_DATA_DIR");
    if (env && *env) {
        char *p = bt_path_join(env, sub);
        if (is_dir(p)) return p;
        free(p);
    }
    if (g_argv0) {
        char *exedir = bt_path_dirname(g_argv0);
        /* Build tree: fonts/ beside the binary or one level up (build dirs); installed:
         * PREFIX/bin/bantin with PREFIX/share/bantin/<sub>. */
        const char *rel[] = {"", "../", "../share/bantin/"};
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            char *p = bt_xasprintf("%s/%s%s", exedir, rel[i], sub);
            if (is_dir(p)) {
                free(exedir);
                return p;
            }
            free(p);
        }
        free(exedir);
    }
#ifdef BT_DATADIR
    {
        char *p = bt_path_join(BT_DATADIR, sub);
        if (is_dir(p)) return p;
        free(p);
    }
#endif
    return NULL;
}

int64_t bt_source_date_epoch(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 0) return -1;
    return (int64_t)v;
}

/* ---- string vector ---- */

#define POOL_BLOCK ((size_t)64 << 10)

/* A pool block begins with the block before it; the strings follow. */
typedef struct pool_head {
    struct pool_head *prev;
} pool_head;

char *bt_strpool_add(bt_strpool *p, const char *s)
{
    size_t n = strlen(s) + 1;
    if (!p->block || p->cap - p->used < n) {
        size_t cap = sizeof(pool_head) + (n > POOL_BLOCK ? n : POOL_BLOCK);
        pool_head *h = bt_xmalloc(cap);
        h->prev = (pool_head *)(void *)p->block;
        p->block = (char *)h;
        p->used = sizeof(pool_head);
        p->cap = cap;
    }
    char *d = p->block + p->used;
    memcpy(d, s, n);
    p->used += n;
    return d;
}

void bt_strpool_free(bt_strpool *p)
{
    pool_head *h = (pool_head *)(void *)p->block;
    while (h) {
        pool_head *prev = h->prev;
        free(h);
        h = prev;
    }
    memset(p, 0, sizeof *p);
}

void bt_strvec_push(bt_strvec *s, char *owned)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = bt_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = owned;
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void bt_strvec_sort(bt_strvec *s)
{
    if (s->n > 1) qsort(s->v, s->n, sizeof *s->v, cmp_strp);
}

void bt_strvec_free(bt_strvec *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* ---- map ---- */

struct bt_map_slot {
    uint64_t hash; /* 0: empty */
    size_t koff;   /* key bytes at keys + koff */
    uint32_t klen;
    int32_t v;
};

static uint64_t map_hash(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h ? h : 1;
}

static uint64_t map_key_hash(const bt_map *m, const void *key, size_t len)
{
    uint64_t h = m->hash ? m->hash(key, len) : map_hash(key, len);
    return h ? h : 1; /* 0 marks an empty slot */
}

static struct bt_map_slot *map_find(const bt_map *m, const void *key, size_t len, uint64_t h)
{
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        struct bt_map_slot *s = &m->slots[i];
        if (s->hash == 0) return s;
        if (s->hash == h && s->klen == len && m->keys && memcmp(m->keys + s->koff, key, len) == 0) return s;
    }
}

static void map_grow(bt_map *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64;
    struct bt_map_slot *old = m->slots;
    size_t ocap = m->cap;
    m->slots = bt_xcalloc(ncap, sizeof *m->slots);
    m->cap = ncap;
    for (size_t i = 0; i < ocap; i++) {
        if (!old[i].hash) continue;
        size_t j = old[i].hash & (ncap - 1);
        while (m->slots[j].hash) j = (j + 1) & (ncap - 1);
        m->slots[j] = old[i];
    }
    free(old);
}

int32_t bt_map_get(const bt_map *m, const void *key, size_t len)
{
    if (!m->cap) return -1;
    struct bt_map_slot *s = map_find(m, key, len, map_key_hash(m, key, len));
    return s->hash ? s->v : -1;
}

void bt_map_put(bt_map *m, const void *key, size_t len, int32_t v)
{
    if ((m->n + 1) * 4 > m->cap * 3) map_grow(m);
    uint64_t h = map_key_hash(m, key, len);
    struct bt_map_slot *s = map_find(m, key, len, h);
    if (s->hash) {
        s->v = v;
        return;
    }
    if (m->klen + len + 1 > m->kcap) {
        while (m->klen + len + 1 > m->kcap) m->kcap = m->kcap ? m->kcap * 2 : 4096;
        m->keys = bt_xrealloc(m->keys, m->kcap);
    }
    memcpy(m->keys + m->klen, key, len);
    s->hash = h;
    s->koff = m->klen;
    s->klen = (uint32_t)len;
    s->v = v;
    m->klen += len;
    m->n++;
}

int32_t bt_map_gets(const bt_map *m, const char *key)
{
    return bt_map_get(m, key, strlen(key));
}

void bt_map_puts(bt_map *m, const char *key, int32_t v)
{
    bt_map_put(m, key, strlen(key), v);
}

void bt_map_free(bt_map *m)
{
    uint64_t (*hash)(const void *, size_t) = m->hash;
    free(m->slots);
    free(m->keys);
    memset(m, 0, sizeof *m);
    m->hash = hash;
}

/* ---- hash index (keys kept by the caller) ---- */

static uint32_t idx_tag(const bt_idx *m, const void *key, size_t len)
{
    uint64_t h = m->hash ? m->hash(key, len) : map_hash(key, len);
    /* FNV-1a's high bits mix poorly for short keys: a finaliser spreads every input bit */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    uint32_t t = (uint32_t)(h >> 32) ^ (uint32_t)h;
    return t ? t : 1; /* 0 marks an empty slot */
}

/* The slot of key (its value's), else the empty slot where it would go. The slot's position comes
 * from the tag alone, so the table can grow without the keys. */
static uint64_t *idx_find(const bt_idx *m, uint32_t t, const void *key, size_t len)
{
    for (size_t i = t & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        uint64_t *s = &m->slots[i];
        if (!*s) return s;
        if ((uint32_t)(*s >> 32) == t && m->same(m->ud, (int32_t)(uint32_t)*s, key, len)) return s;
    }
}

int32_t bt_idx_get(const bt_idx *m, const void *key, size_t len)
{
    if (!m->cap) return -1;
    uint64_t *s = idx_find(m, idx_tag(m, key, len), key, len);
    return *s ? (int32_t)(uint32_t)*s : -1;
}

void bt_idx_put(bt_idx *m, const void *key, size_t len, int32_t v)
{
    if ((m->n + 1) * 4 > m->cap * 3) {
        size_t ncap = m->cap ? m->cap * 2 : 64;
        uint64_t *old = m->slots;
        m->slots = bt_xcalloc(ncap, sizeof *m->slots);
        for (size_t i = 0; i < m->cap; i++) {
            if (!old[i]) continue;
            size_t j = (uint32_t)(old[i] >> 32) & (ncap - 1);
            while (m->slots[j]) j = (j + 1) & (ncap - 1);
            m->slots[j] = old[i];
        }
        free(old);
        m->cap = ncap;
    }
    uint32_t t = idx_tag(m, key, len);
    uint64_t *s = idx_find(m, t, key, len);
    if (!*s) m->n++;
    *s = (uint64_t)t << 32 | (uint32_t)v;
}

int32_t bt_idx_gets(const bt_idx *m, const char *key)
{
    return bt_idx_get(m, key, strlen(key));
}

void bt_idx_puts(bt_idx *m, const char *key, int32_t v)
{
    bt_idx_put(m, key, strlen(key), v);
}

void bt_idx_free(bt_idx *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->n = 0;
}

/* ---- file trees ---- */

int bt_is_article_file(const char *relpath)
{
    const char *base = strrchr(relpath, '/');
    base = base ? base + 1 : relpath;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base) return 0;
    static const char *const ok[] = {".txt", ".text", ".html", ".htm", ".xhtml", ".shtml"};
    int known = 0;
    for (size_t i = 0; i < sizeof ok / sizeof *ok && !known; i++) known = strcasecmp(dot, ok[i]) == 0;
    if (!known) return 0;
    for (const char *p = relpath; p; p = strchr(p, '/')) { /* each path component */
        if (*p == '/') p++;
        if (*p == '.') return 0;
        const char *end = strchr(p, '/');
        if (end && end - p >= 6 && memcmp(end - 6, "_files", 6) == 0) return 0;
    }
    return 1;
}

/* BT_WALK_FOLLOW_LINKS: 1 the first time a folder (device, inode) is seen. */
static int first_visit(bt_map *seen, const struct stat *sb)
{
    uint64_t key[2] = {(uint64_t)sb->st_dev, (uint64_t)sb->st_ino};
    if (bt_map_get(seen, key, sizeof key) >= 0) return 0;
    bt_map_put(seen, key, sizeof key, 1);
    return 1;
}

bt_status bt_dir_walk(const char *root, int flags, bt_dir_fn fn, void *ud, bt_err *e)
{
    bt_strvec todo = {0}; /* folders still to read, relative to root ("" = root) */
    bt_strvec_push(&todo, bt_xstrdup(""));
    bt_status st = BT_OK;
    int stop = 0;
    bt_map seen = {0};
    struct stat rsb;
    if ((flags & BT_WALK_FOLLOW_LINKS) && stat(root, &rsb) == 0) first_visit(&seen, &rsb);
    while (todo.n > 0 && st == BT_OK && !stop) {
        char *rel = todo.v[--todo.n];
        char *abs = rel[0] ? bt_path_join(root, rel) : bt_xstrdup(root);
        DIR *d = opendir(abs);
        if (!d) {
            st = bt_err_set(e, BT_EIO, "%s: cannot read the directory: %s", abs, strerror(errno));
        } else {
            struct dirent *de;
            while (!stop && (de = readdir(d)) != NULL) {
                const char *nm = de->d_name;
                if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0) continue;
                if ((flags & BT_WALK_SKIP_HIDDEN) && nm[0] == '.') continue;
                char *crel = rel[0] ? bt_path_join(rel, nm) : bt_xstrdup(nm);
                char *cabs = bt_path_join(abs, nm);
                struct stat sb, lsb;
                int lok = lstat(cabs, &lsb) == 0, sok = stat(cabs, &sb) == 0;
                int dir = lok && (S_ISDIR(lsb.st_mode) ||
                                  ((flags & BT_WALK_FOLLOW_LINKS) && S_ISLNK(lsb.st_mode) && sok && S_ISDIR(sb.st_mode)));
                if (dir) {
                    /* real folders only, unless told: linked ones could loop */
                    if (!(flags & BT_WALK_TOP_ONLY) && (!(flags & BT_WALK_FOLLOW_LINKS) || first_visit(&seen, &sb))) {
                        bt_strvec_push(&todo, crel);
                        crel = NULL;
                    }
                } else if (sok && S_ISREG(sb.st_mode)) {
                    bt_dir_entry ent = {crel, cabs, &sb, S_ISLNK(lsb.st_mode), 0};
                    stop = fn(ud, &ent) != 0;
                } else if (lok && (flags & BT_WALK_ODD)) {
                    bt_dir_entry ent = {crel, cabs, &lsb, S_ISLNK(lsb.st_mode), 1};
                    stop = fn(ud, &ent) != 0;
                }
                free(crel);
                free(cabs);
            }
            closedir(d);
        }
        free(abs);
        free(rel);
    }
    bt_strvec_free(&todo);
    bt_map_free(&seen);
    return st;
}

typedef struct {
    const char *prefix;
    bt_strvec *out;
    uint64_t bytes;
} list_ctx;

static int list_one(void *ud, const bt_dir_entry *ent)
{
    list_ctx *l = ud;
    l->bytes += (uint64_t)ent->st->st_size;
    bt_strvec_push(l->out, l->prefix && *l->prefix ? bt_path_join(l->prefix, ent->rel)
                                                   : bt_xstrdup(ent->rel));
    return 0;
}

bt_status bt_dir_list(const char *root, const char *prefix, int flags, bt_strvec *out,
                      uint64_t *bytes, bt_err *e)
{
    bt_strvec got = {0};
    list_ctx l = {prefix, &got, 0};
    bt_status st = bt_dir_walk(root, flags, list_one, &l, e);
    if (st != BT_OK) {
        bt_strvec_free(&got);
        return st;
    }
    bt_strvec_sort(&got);
    for (size_t i = 0; i < got.n; i++) bt_strvec_push(out, got.v[i]);
    free(got.v);
    if (bytes) *bytes = l.bytes;
    return BT_OK;
}

bt_status bt_mkdirs_for(const char *path, bt_err *e)
{
    char *d = bt_path_dirname(path);
    bt_status st = bt_mkdirs(d, 0755, e);
    free(d);
    return st;
}

bt_status bt_write_file_nosync(const char *path, const void *data, size_t len, bt_err *e)
{
    bt_status st = bt_mkdirs_for(path, e);
    if (st != BT_OK) return st;
    FILE *f = fopen(path, "wb");
    if (!f) return bt_err_set(e, BT_EIO, "cannot create %s: %s", path, strerror(errno));
    int bad = len && fwrite(data, 1, len, f) != len;
    int err = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad) {
        unlink(path);
        bt_err_set(e, BT_EIO, "cannot write %s: %s", path, strerror(err));
        errno = err;
        return BT_EIO;
    }
    return BT_OK;
}

int bt_errno_is_full(int err)
{
    return err == ENOSPC || err == EFBIG || err == EDQUOT;
}

bt_status bt_copy_file(const char *from, const char *to, bt_err *e)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) return bt_err_set(e, BT_EIO, "%s: cannot open: %s", from, strerror(errno));
    bt_status st = bt_mkdirs_for(to, e);
    int err = 0;
    FILE *f = st == BT_OK ? fopen(to, "wb") : NULL;
    if (st == BT_OK && !f) st = bt_err_set(e, BT_EIO, "cannot create %s: %s", to, strerror(err = errno));
    char buf[65536];
    while (st == BT_OK) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) st = bt_err_set(e, BT_EIO, "%s: read error: %s", from, strerror(err = errno));
        if (n <= 0) break;
        if (fwrite(buf, 1, (size_t)n, f) != (size_t)n)
            st = bt_err_set(e, BT_EIO, "cannot write %s: %s", to, strerror(err = errno));
    }
    close(in);
    if (f && fclose(f) != 0 && st == BT_OK)
        st = bt_err_set(e, BT_EIO, "cannot write %s: %s", to, strerror(err = errno));
    if (f && st != BT_OK) unlink(to);
    if (st != BT_OK) errno = err;
    return st;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(p);
    return 0;
}

void bt_rm_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) == 0) nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void bt_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

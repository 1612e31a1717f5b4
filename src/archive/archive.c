/* archive.c - batch archiving into a BagIt bag: walk, plan, parse+render in workers, duplicates,
 * names, digests, index.json/index.html, incremental state, staged commit with a journal, lock. */
#define _GNU_SOURCE /* syncfs, nftw */
#include "archive.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <zip.h>

#include "article.h"
#include "hash.h"
#include "input.h"
#include "out_epub.h"
#include "out_pdf.h"
#include "text.h"

#define STATE_NAME "bantin-state.jsonl"
#define WORK_NAME ".bantin"
#define STATE_VERSION 1

enum { ST_NONE, ST_OK, ST_FAILED, ST_DUP, ST_FILTERED };
enum { P_UNCHANGED, P_TODO, P_REMOVED };

static const char *status_name(int s) {
    switch (s) {
    case ST_OK: return "ok";
    case ST_FAILED: return "failed";
    case ST_DUP: return "duplicate";
    case ST_FILTERED: return "filtered";
    }
    return "none";
}
static int status_parse(const char *s) {
    if (!s) return ST_NONE;
    if (!strcmp(s, "ok")) return ST_OK;
    if (!strcmp(s, "failed")) return ST_FAILED;
    if (!strcmp(s, "duplicate")) return ST_DUP;
    if (!strcmp(s, "filtered")) return ST_FILTERED;
    return ST_NONE;
}

/* Per source: only the small fixed data; the full record lives in the records file on disk so
 * memory stays flat as the batch grows. */
typedef struct {
    char *src;
    int64_t size, mtime_ns;
    long rec, oldrec;      /* offsets in the records file (-1: none) */
    int32_t ymd;           /* YYYYMMDD, 0 undated */
    int32_t digest;        /* digest table index or -1 */
    int16_t from_bag;      /* merge: index of the shard bag the PDF comes from, else -1 */
    uint8_t status, plan, present;
} ent;

typedef struct {
    char *name;     /* "digests/x.epub" (relative to data/) */
    char *category; /* display name */
    char *label;    /* period display */
    char sha[BT_SHA256_HEX];
    uint64_t size;
    int exists;     /* a file is in the bag (old) or staged (new) */
    int dirty, failed, gone;
    size_t members;
    int16_t from_bag; /* merge: copy from this bag when all members come from it, else -1 */
    int *mem;
    size_t nmem;
} digest;

typedef struct {
    uint64_t *k;
    int32_t *v;
    size_t cap, n;
} hmap;

typedef struct {
    char **v;
    size_t n, cap;
} strvec;

typedef struct {
    const bt_archive_opts *o;
    bt_archive_stats *stats;
    char *bag, *work, *stage, *stage_data;
    char *opts_json;
    FILE *recs;
    pthread_mutex_t mu;
    ent *ents;
    size_t n, cap;
    digest *dg;
    size_t ndg, capdg;
    hmap dgmap, urlmap, textmap, namemap;
    strvec dels;            /* bag-relative paths to delete at commit */
    const char *const *bags; /* merge inputs */
    size_t nbags;
    size_t next, done, total; /* work distribution */
    size_t *list;             /* the items of the current phase */
    int changed;
    int lockfd;
} actx;

/* ---------- small helpers ---------- */

static uint64_t fnv(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h ? h : 1;
}

static void hm_grow(hmap *m);
static int32_t hm_get(const hmap *m, uint64_t k) {
    if (!m->cap) return -1;
    if (!k) k = 1;
    for (size_t i = k & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->k[i] == 0) return -1;
        if (m->k[i] == k) return m->v[i];
    }
}
static void hm_put(hmap *m, uint64_t k, int32_t v) {
    if (!k) k = 1;
    if ((m->n + 1) * 4 > m->cap * 3) hm_grow(m);
    for (size_t i = k & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->k[i] == 0) { m->k[i] = k; m->v[i] = v; m->n++; return; }
        if (m->k[i] == k) { m->v[i] = v; return; }
    }
}
static void hm_grow(hmap *m) {
    hmap nm = {0};
    nm.cap = m->cap ? m->cap * 2 : 1024;
    nm.k = bt_xcalloc(nm.cap, sizeof *nm.k);
    nm.v = bt_xcalloc(nm.cap, sizeof *nm.v);
    for (size_t i = 0; i < m->cap; i++)
        if (m->k[i]) hm_put(&nm, m->k[i], m->v[i]);
    free(m->k);
    free(m->v);
    *m = nm;
}
static void hm_free(hmap *m) {
    free(m->k);
    free(m->v);
    memset(m, 0, sizeof *m);
}

static void sv_push(strvec *s, char *x) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = bt_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = x;
}
static void sv_free(strvec *s) {
    for (size_t i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static void emit(actx *c, bt_archive_event_kind k, const char *phase, size_t done, size_t total,
                 const char *path, const char *msg) {
    if (!c->o->progress) return;
    bt_archive_event ev = {k, phase, done, total, path, msg};
    c->o->progress(c->o->ud, &ev);
}

static const char *jstr(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}
static int64_t jint(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}
static void jset_str(json_t *o, const char *k, const char *v) {
    if (v && *v) json_object_set_new(o, k, json_string(v));
    else json_object_del(o, k);
}

static uint64_t hex_u64(const char *hex) {
    uint64_t v = 0;
    if (!hex || strlen(hex) < 16) return 0;
    for (int i = 0; i < 16; i++) {
        int c = hex[i];
        v = (v << 4) | (uint64_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
    }
    return v ? v : 1;
}

int bt_archive_parse_day(const char *s) {
    int y, m, d;
    char tail;
    if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return 0;
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > 31) return 0;
    return y * 10000 + m * 100 + d;
}

static int date_ymd(const bt_date *d) {
    if (!d || d->year <= 0 || d->month < 1 || d->month > 12 || d->day < 1 || d->day > 31) return 0;
    return d->year * 10000 + d->month * 100 + d->day;
}

static int ymd_from_iso(const char *s) {
    int y, m, d;
    if (!s || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3) return 0;
    if (y <= 0 || m < 1 || m > 12 || d < 1 || d > 31) return 0;
    return y * 10000 + m * 100 + d;
}

/* ISO 8601 week of a date: sets *wy (week-based year) and *wk. */
static void iso_week(int ymd, int *wy, int *wk) {
    struct tm tm = {0};
    tm.tm_year = ymd / 10000 - 1900;
    tm.tm_mon = ymd / 100 % 100 - 1;
    tm.tm_mday = ymd % 100;
    tm.tm_hour = 12;
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    char buf[16];
    strftime(buf, sizeof buf, "%G %V", &tm);
    if (sscanf(buf, "%d %d", wy, wk) != 2) { *wy = ymd / 10000; *wk = 1; }
}

char *bt_archive_canonical_url(const char *url) {
    if (!url) return NULL;
    while (*url == ' ') url++;
    if (!*url) return NULL;
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    if (strncmp(p, "//", 2) == 0) p += 2;
    bt_buf b = {0};
    /* host, lower-cased, without "www." */
    const char *h = p;
    while (*h && *h != '/' && *h != '?' && *h != '#') h++;
    const char *hs = p;
    if (h - hs > 4 && strncasecmp(hs, "www.", 4) == 0) hs += 4;
    for (const char *q = hs; q < h; q++) bt_buf_addc(&b, (char)tolower((unsigned char)*q));
    /* strip a default port */
    if (b.len > 3 && (strcmp(b.data + b.len - 3, ":80") == 0)) { b.len -= 3; b.data[b.len] = 0; }
    if (b.len > 4 && (strcmp(b.data + b.len - 4, ":443") == 0)) { b.len -= 4; b.data[b.len] = 0; }
    /* path */
    const char *q = h;
    while (*q && *q != '?' && *q != '#') bt_buf_addc(&b, *q++);
    while (b.len > 0 && b.data[b.len - 1] == '/') b.data[--b.len] = '\0';
    /* query without tracking parameters */
    if (*q == '?') {
        q++;
        int first = 1;
        while (*q && *q != '#') {
            const char *end = q;
            while (*end && *end != '&' && *end != '#') end++;
            size_t l = (size_t)(end - q);
            int track = (l >= 4 && strncmp(q, "utm_", 4) == 0) || (l >= 7 && strncmp(q, "fbclid=", 7) == 0) ||
                        (l >= 6 && strncmp(q, "gclid=", 6) == 0) || l == 0;
            if (!track) {
                bt_buf_addc(&b, first ? '?' : '&');
                bt_buf_add(&b, q, l);
                first = 0;
            }
            q = *end == '&' ? end + 1 : end;
        }
    }
    if (!b.data || !b.len) {
        bt_buf_free(&b);
        return NULL;
    }
    return bt_buf_detach(&b, NULL);
}

/* Normalised text fingerprint: folded ASCII of title + text blocks, letters/digits only. */
static void text_fingerprint(const bt_article *a, char out[BT_SHA256_HEX]) {
    bt_sha256_ctx *h = bt_sha256_new();
    if (!h) { out[0] = 0; return; }
    for (size_t i = 0; i <= a->nblocks; i++) {
        const char *t = i == 0 ? a->title : a->blocks[i - 1].text;
        if (i > 0 && a->blocks[i - 1].type == BT_BLOCK_IMAGE) continue;
        if (!t) continue;
        char *f = bt_fold_ascii(t);
        if (!f) continue;
        char word = 0;
        for (char *p = f; *p; p++) {
            unsigned char ch = (unsigned char)*p;
            if (isalnum(ch)) {
                char lc = (char)tolower(ch);
                if (word == ' ') bt_sha256_update(h, " ", 1);
                bt_sha256_update(h, &lc, 1);
                word = 'w';
            } else if (word == 'w') {
                word = ' ';
            }
        }
        if (word) bt_sha256_update(h, "\n", 1);
        free(f);
    }
    unsigned char raw[BT_SHA256_LEN];
    bt_sha256_final(h, raw);
    bt_sha256_free(h);
    bt_hex(raw, BT_SHA256_LEN, out);
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb; (void)flag; (void)ftw;
    remove(p);
    return 0;
}
static void rm_tree(const char *p) {
    struct stat sb;
    if (lstat(p, &sb) == 0) nftw(p, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void fsync_dir(const char *dir) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static bt_status mkdirs_for(const char *path, bt_err *e) {
    char *d = bt_path_dirname(path);
    bt_status st = bt_mkdirs(d, 0755, e);
    free(d);
    return st;
}

/* Write a file into the stage. No fsync per file: the stage is thrown away after a crash, and
 * commit() makes the whole stage durable with one syncfs() before the journal is written, so a
 * file is never renamed into the bag before its bytes are on disk. (One fsync per PDF costs more
 * than rendering it and serialises the workers on the file-system journal.) */
static bt_status stage_write(const char *path, const void *data, size_t len, bt_err *e) {
    bt_status st = mkdirs_for(path, e);
    if (st != BT_OK) return st;
    FILE *f = fopen(path, "wb");
    if (!f) return bt_err_set(e, BT_EIO, "cannot create %s: %s", path, strerror(errno));
    int bad = len && fwrite(data, 1, len, f) != len;
    bad |= fclose(f) != 0;
    if (bad) {
        unlink(path);
        return bt_err_set(e, BT_EIO, "cannot write %s: %s", path, strerror(errno));
    }
    return BT_OK;
}

static bt_status copy_file(const char *from, const char *to, bt_err *e) {
    char *buf = NULL;
    size_t len = 0;
    bt_status st = bt_read_file(from, (size_t)1 << 31, &buf, &len, e);
    if (st != BT_OK) return st;
    st = stage_write(to, buf, len, e);
    free(buf);
    return st;
}

/* ---------- records file ---------- */

static long rec_append(actx *c, json_t *r) {
    char *s = json_dumps(r, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
    if (fseek(c->recs, 0, SEEK_END) != 0) { free(s); return -1; }
    long off = ftell(c->recs);
    fputs(s, c->recs);
    fputc('\n', c->recs);
    free(s);
    return off;
}

static json_t *rec_read(actx *c, long off) {
    if (off < 0) return NULL;
    if (fflush(c->recs) != 0 || fseek(c->recs, off, SEEK_SET) != 0) return NULL;
    json_error_t je;
    return json_loadf(c->recs, JSON_DISABLE_EOF_CHECK, &je);
}

/* ---------- digests ---------- */

static int32_t digest_get(actx *c, const char *name, const char *category, const char *label) {
    uint64_t h = fnv(name);
    int32_t i = hm_get(&c->dgmap, h);
    if (i >= 0) return i;
    if (c->ndg == c->capdg) {
        c->capdg = c->capdg ? c->capdg * 2 : 64;
        c->dg = bt_xrealloc(c->dg, c->capdg * sizeof *c->dg);
    }
    digest *d = &c->dg[c->ndg];
    memset(d, 0, sizeof *d);
    d->name = bt_xstrdup(name);
    d->category = bt_xstrdup(category ? category : "");
    d->label = bt_xstrdup(label ? label : "");
    d->from_bag = -1;
    hm_put(&c->dgmap, h, (int32_t)c->ndg);
    return (int32_t)c->ndg++;
}

static const char *const vi_khac = "Kh\xc3\xa1" "c";

/* Digest file name, category display and period label for an article record. */
static void digest_name(actx *c, json_t *r, char **name, char **cat, char **label) {
    const char *category = jstr(r, "category");
    char *slug = category ? bt_slugify(category, 60) : NULL;
    if (!slug || !*slug) {
        free(slug);
        slug = bt_xstrdup("khac");
        category = vi_khac;
    }
    int ymd = ymd_from_iso(jstr(r, "date"));
    char period[32];
    if (!ymd) {
        snprintf(period, sizeof period, "undated");
        *label = bt_xstrdup("ch\xc6\xb0" "a r\xc3\xb5 ng\xc3\xa0y");
    } else if (c->o->digest == BT_DIGEST_WEEK) {
        int wy, wk;
        iso_week(ymd, &wy, &wk);
        snprintf(period, sizeof period, "%04d-W%02d", wy, wk);
        *label = bt_xasprintf("tu\xe1\xba\xa7n %d/%04d", wk, wy);
    } else {
        snprintf(period, sizeof period, "%04d-%02d", ymd / 10000, ymd / 100 % 100);
        *label = bt_xasprintf("th\xc3\xa1ng %02d/%04d", ymd / 100 % 100, ymd / 10000);
    }
    *name = bt_xasprintf("digests/%s-%s.epub", slug, period);
    *cat = bt_xstrdup(category);
    free(slug);
}

/* ---------- lock, journal ---------- */

static bt_status take_lock(actx *c, bt_err *e) {
    char *p = bt_path_join(c->work, "lock");
    c->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(p);
    if (c->lockfd < 0) return bt_err_set(e, BT_EIO, "cannot create the lock file: %s", strerror(errno));
    if (flock(c->lockfd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        close(c->lockfd);
        c->lockfd = -1;
        if (err == EWOULDBLOCK)
            return bt_err_set(e, BT_EOTHER, "another bantin run is working on this archive (locked)");
        return bt_err_set(e, BT_EIO, "cannot lock the archive: %s", strerror(err));
    }
    return BT_OK;
}

/* Carry out a journal: "D\tpath" deletes, "M\tpath" renames stage/path to bag/path (skipped when
 * already done). A journal never deletes a path it also moves. Idempotent, so a run killed in the
 * middle is completed by replaying it. Read line by line: memory does not grow with the archive. */
static bt_status journal_replay(actx *c, bt_err *e) {
    char *jp = bt_path_join(c->work, "journal");
    FILE *f = fopen(jp, "r");
    if (!f) {
        free(jp);
        return BT_OK; /* no journal: nothing pending */
    }
    char tail[4] = {0};
    if (fseek(f, -4, SEEK_END) != 0 || fread(tail, 1, 4, f) != 4 || memcmp(tail, "END\n", 4) != 0 ||
        fseek(f, 0, SEEK_SET) != 0) { /* never completely written: the bag was not touched */
        fclose(f);
        unlink(jp);
        free(jp);
        return BT_OK;
    }
    strvec dirs = {0};
    hmap dirset = {0};
    bt_status st = BT_OK;
    char *l = NULL;
    size_t cap = 0;
    ssize_t n;
    const char *crash = getenv("BANTIN_TEST_CRASH_AFTER_MOVES"); /* tests: die half-way */
    long moves = 0, crash_at = crash ? strtol(crash, NULL, 10) : -1;
    while (st == BT_OK && (n = getline(&l, &cap, f)) > 0) {
        if (l[n - 1] == '\n') l[--n] = '\0';
        if (n < 3 || l[1] != '\t') continue;
        const char *rel = l + 2;
        if (l[0] == 'D') {
            char *p = bt_path_join(c->bag, rel);
            unlink(p);
            free(p);
        } else if (l[0] == 'M') {
            char *from = bt_path_join(c->stage, rel);
            char *to = bt_path_join(c->bag, rel);
            struct stat sb;
            if (stat(from, &sb) == 0) {
                st = mkdirs_for(to, e);
                if (st == BT_OK && rename(from, to) != 0)
                    st = bt_err_set(e, BT_EIO, "cannot move %s into place: %s", rel, strerror(errno));
                if (++moves == crash_at) _exit(137);
                char *d = bt_path_dirname(to);
                if (hm_get(&dirset, fnv(d)) < 0) {
                    hm_put(&dirset, fnv(d), 1);
                    sv_push(&dirs, d);
                } else {
                    free(d);
                }
            }
            free(from);
            free(to);
        }
    }
    free(l);
    fclose(f);
    for (size_t i = 0; i < dirs.n; i++) fsync_dir(dirs.v[i]);
    sv_free(&dirs);
    hm_free(&dirset);
    if (st == BT_OK) {
        unlink(jp);
        fsync_dir(c->work);
        rm_tree(c->stage);
    }
    free(jp);
    return st;
}

/* ---------- walk ---------- */

static int wanted_ext(const char *name) {
    const char *dot = strrchr(name, '.');
    if (!dot) return 0;
    static const char *const ok[] = {".txt", ".text", ".html", ".htm", ".xhtml", ".shtml"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (strcasecmp(dot, ok[i]) == 0) return 1;
    return 0;
}

static void ent_push(actx *c, const ent *x) {
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->ents = bt_xrealloc(c->ents, c->cap * sizeof *c->ents);
    }
    c->ents[c->n++] = *x;
}

static int cmp_ent(const void *a, const void *b) {
    return strcmp(((const ent *)a)->src, ((const ent *)b)->src);
}

static int in_shard(const actx *c, const char *rel) {
    if (c->o->shard_n <= 1) return 1;
    uint64_t h = bt_sha256_u64(rel, strlen(rel));
    return (int)(h % (uint64_t)c->o->shard_n) == c->o->shard_k - 1;
}

static bt_status walk_sources(actx *c, ent **out, size_t *nout, bt_err *e) {
    ent *w = NULL;
    size_t n = 0, cap = 0;
    for (size_t s = 0; s < c->o->nsrcs; s++) {
        char *root = bt_xstrdup(c->o->srcs[s]);
        size_t rl = strlen(root);
        while (rl > 1 && root[rl - 1] == '/') root[--rl] = '\0';
        struct stat sb;
        if (stat(root, &sb) != 0) {
            bt_err_set(e, BT_EIO, "%s: %s", root, strerror(errno));
            free(root);
            goto fail;
        }
        char **files = NULL;
        size_t nf = 0;
        if (S_ISDIR(sb.st_mode)) {
            if (bt_bag_list_files(root, NULL, 1, &files, &nf, NULL, e) != BT_OK) {
                free(root);
                goto fail;
            }
        } else {
            files = bt_xmalloc(sizeof *files);
            files[0] = NULL;
            nf = 1;
        }
        for (size_t i = 0; i < nf; i++) {
            const char *rel = files[i] ? files[i] : NULL;
            char *base = rel ? NULL : bt_path_basename(root);
            /* "Save page complete" puts a page's images, scripts and frames in NAME_files/: those
             * are parts of a page, not articles */
            if (rel && (!wanted_ext(rel) || strstr(rel, "_files/"))) { free(files[i]); continue; }
            if (!in_shard(c, rel ? rel : base)) { free(files[i]); free(base); continue; }
            char *src = rel ? bt_path_join(root, rel) : bt_xstrdup(root);
            free(files[i]);
            free(base);
            struct stat fb;
            if (stat(src, &fb) != 0) { free(src); continue; }
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                w = bt_xrealloc(w, cap * sizeof *w);
            }
            ent x = {0};
            x.src = src;
            x.size = (int64_t)fb.st_size;
            x.mtime_ns = (int64_t)fb.st_mtim.tv_sec * 1000000000LL + fb.st_mtim.tv_nsec;
            x.rec = x.oldrec = -1;
            x.digest = -1;
            x.from_bag = -1;
            x.present = 1;
            w[n++] = x;
        }
        free(files);
        free(root);
    }
    qsort(w, n, sizeof *w, cmp_ent);
    /* the same file reached through two arguments counts once */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && strcmp(w[k - 1].src, w[i].src) == 0) { free(w[i].src); continue; }
        w[k++] = w[i];
    }
    *out = w;
    *nout = k;
    return BT_OK;
fail:
    for (size_t i = 0; i < n; i++) free(w[i].src);
    free(w);
    return e ? e->code : BT_EIO;
}

/* ---------- options fingerprint ---------- */

static char *options_json(const bt_archive_opts *o, int with_shard) {
    json_t *j = json_object();
    if (o->category) json_object_set_new(j, "category", json_string(o->category));
    if (o->since) json_object_set_new(j, "since", json_integer(o->since));
    if (o->until) json_object_set_new(j, "until", json_integer(o->until));
    json_object_set_new(j, "digest", json_string(o->digest == BT_DIGEST_WEEK ? "week"
                                                 : o->digest == BT_DIGEST_NONE ? "none" : "month"));
    json_object_set_new(j, "pdf", json_boolean(o->pdf));
    json_object_set_new(j, "epub", json_boolean(o->epub));
    if (with_shard && o->shard_n > 1) {
        char s[32];
        snprintf(s, sizeof s, "%d/%d", o->shard_k, o->shard_n);
        json_object_set_new(j, "shard", json_string(s));
    }
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

/* ---------- plan: merge the walk with the previous state ---------- */

/* Duplicate keys of a record: canonical URL and normalised-text digest (0: none). */
static uint64_t rec_url_h(json_t *r) {
    const char *u = jstr(r, "canonical_url");
    return u ? fnv(u) : 0;
}
static uint64_t rec_text_h(json_t *r) { return hex_u64(jstr(r, "text_sha256")); }

/* Register an archived (unchanged or removed) ok article: its keys, its PDF name, its digest. */
static void register_kept(actx *c, size_t i, json_t *r) {
    ent *x = &c->ents[i];
    if (x->status != ST_OK) return;
    uint64_t uh = rec_url_h(r), th = rec_text_h(r);
    if (uh) hm_put(&c->urlmap, uh, (int32_t)i);
    if (th) hm_put(&c->textmap, th, (int32_t)i);
    json_t *pdf = json_object_get(r, "pdf");
    const char *pp = pdf ? jstr(pdf, "path") : NULL;
    if (pp) hm_put(&c->namemap, fnv(pp), (int32_t)i);
    const char *dn = jstr(r, "digest");
    if (dn) {
        int32_t d = hm_get(&c->dgmap, fnv(dn));
        if (d < 0) { /* state without that digest: render it */
            char *name, *cat, *label;
            digest_name(c, r, &name, &cat, &label);
            d = digest_get(c, dn, cat, label);
            c->dg[d].dirty = 1;
            free(name); free(cat); free(label);
        }
        x->digest = d;
    }
}

static void ent_from_record(ent *x, json_t *r) {
    x->status = (uint8_t)status_parse(jstr(r, "status"));
    x->ymd = ymd_from_iso(jstr(r, "date"));
}

static bt_status load_digest_line(actx *c, json_t *r, int16_t from_bag) {
    const char *name = jstr(r, "path");
    const char *sha = jstr(r, "sha256");
    if (!name || !sha || strlen(sha) != 64) return BT_OK;
    int32_t d = digest_get(c, name, jstr(r, "category"), jstr(r, "label"));
    if (from_bag >= 0 && c->dg[d].exists) { /* in two shards: must be re-rendered */
        c->dg[d].from_bag = -1;
        c->dg[d].dirty = 1;
        return BT_OK;
    }
    memcpy(c->dg[d].sha, sha, BT_SHA256_HEX);
    c->dg[d].size = (uint64_t)jint(r, "size");
    c->dg[d].members = (size_t)jint(r, "articles");
    c->dg[d].exists = 1;
    c->dg[d].from_bag = from_bag;
    if (from_bag < 0) { /* gone from the bag (deleted by hand): render it again */
        char *abs = bt_xasprintf("%s/data/%s", c->bag, name);
        struct stat sb;
        if (stat(abs, &sb) != 0) {
            c->dg[d].exists = 0;
            c->dg[d].dirty = 1;
            c->changed = 1;
        }
        free(abs);
    }
    return BT_OK;
}

/* Read a state file's header; returns the open stream positioned after it, or NULL. */
static FILE *state_open(const char *bag, char **opts, bt_err *e) {
    char *p = bt_path_join(bag, STATE_NAME);
    FILE *f = fopen(p, "r");
    free(p);
    if (!f) return NULL;
    char *line = NULL;
    size_t cap = 0;
    json_t *h = NULL;
    if (getline(&line, &cap, f) > 0) h = json_loads(line, 0, NULL);
    free(line);
    if (!h || !jstr(h, "format") || strcmp(jstr(h, "format"), "bantin-state") != 0) {
        json_decref(h);
        fclose(f);
        bt_err_set(e, BT_EPARSE, "%s is not a bantin state file", STATE_NAME);
        return NULL;
    }
    json_t *o = json_object_get(h, "options");
    *opts = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : bt_xstrdup("{}");
    json_decref(h);
    return f;
}

static bt_status plan(actx *c, ent *w, size_t nw, bt_err *e) {
    char *opts = NULL;
    bt_err e2 = {0};
    FILE *f = state_open(c->bag, &opts, &e2);
    if (!f && e2.code) return bt_err_set(e, BT_EPARSE, "%s", e2.msg);
    if (f && strcmp(opts, c->opts_json) != 0) {
        bt_err_set(e, BT_EUSAGE,
                   "the archive was made with other options (%s; now %s): use the same options or "
                   "a new archive directory", opts, c->opts_json);
        free(opts);
        fclose(f);
        return BT_EUSAGE;
    }
    free(opts);
    size_t wi = 0;
    char *line = NULL;
    size_t lcap = 0;
    while (f && getline(&line, &lcap, f) > 0) {
        json_t *r = json_loads(line, 0, NULL);
        if (!r) continue;
        const char *kind = jstr(r, "kind");
        if (kind && strcmp(kind, "digest") == 0) {
            load_digest_line(c, r, -1);
            json_decref(r);
            continue;
        }
        const char *src = jstr(r, "src");
        if (!kind || strcmp(kind, "article") != 0 || !src) { json_decref(r); continue; }
        while (wi < nw && strcmp(w[wi].src, src) < 0) {
            w[wi].plan = P_TODO;
            ent_push(c, &w[wi++]);
        }
        if (wi < nw && strcmp(w[wi].src, src) == 0) {
            ent x = w[wi++];
            int old = status_parse(jstr(r, "status"));
            int same = 0;
            if (old == ST_OK || old == ST_FILTERED) {
                if (jint(r, "size") == x.size && jint(r, "mtime_ns") == x.mtime_ns) {
                    same = 1;
                } else if (jint(r, "size") == x.size) { /* touched: compare the contents */
                    char hex[BT_SHA256_HEX];
                    if (bt_sha256_file(x.src, hex, NULL, &e2) == BT_OK && jstr(r, "sha256") &&
                        strcmp(hex, jstr(r, "sha256")) == 0)
                        same = 2;
                }
            }
            if (same && old == ST_OK) { /* its outputs must still be there, else render again */
                json_t *pdf = json_object_get(r, "pdf");
                const char *pp = pdf ? jstr(pdf, "path") : NULL;
                if (pp) {
                    char *abs = bt_xasprintf("%s/data/%s", c->bag, pp);
                    struct stat sb;
                    if (stat(abs, &sb) != 0) same = 0;
                    free(abs);
                } else if (c->o->pdf) {
                    same = 0;
                }
            }
            if (same) {
                x.plan = P_UNCHANGED;
                ent_from_record(&x, r);
                if (same == 2 || json_object_get(r, "removed")) {
                    json_object_set_new(r, "mtime_ns", json_integer(x.mtime_ns));
                    json_object_del(r, "removed");
                    c->changed = 1;
                }
                x.rec = rec_append(c, r);
                ent_push(c, &x);
                register_kept(c, c->n - 1, r);
            } else {
                x.plan = P_TODO;
                x.oldrec = rec_append(c, r);
                ent_push(c, &x);
            }
        } else {
            /* the source is gone: an archived article stays (marked); others are dropped */
            if (status_parse(jstr(r, "status")) == ST_OK) {
                ent x = {0};
                x.src = bt_xstrdup(src);
                x.size = jint(r, "size");
                x.mtime_ns = jint(r, "mtime_ns");
                x.rec = x.oldrec = -1;
                x.digest = -1;
                x.from_bag = -1;
                x.plan = P_REMOVED;
                ent_from_record(&x, r);
                if (!json_is_true(json_object_get(r, "removed"))) {
                    json_object_set_new(r, "removed", json_true());
                    c->changed = 1;
                }
                x.rec = rec_append(c, r);
                ent_push(c, &x);
                register_kept(c, c->n - 1, r);
            } else {
                c->changed = 1;
            }
        }
        json_decref(r);
    }
    free(line);
    while (wi < nw) {
        w[wi].plan = P_TODO;
        ent_push(c, &w[wi++]);
    }
    if (f) fclose(f);
    return BT_OK;
}

/* ---------- workers ---------- */

typedef void (*job_fn)(actx *c, size_t item);

typedef struct {
    actx *c;
    job_fn fn;
} pool_arg;

static void *pool_main(void *p) {
    pool_arg *a = p;
    actx *c = a->c;
    for (;;) {
        pthread_mutex_lock(&c->mu);
        size_t i = c->next < c->total ? c->next++ : (size_t)-1;
        pthread_mutex_unlock(&c->mu);
        if (i == (size_t)-1) break;
        a->fn(c, i);
    }
    return NULL;
}

/* Run fn(c, 0..total-1) on o->jobs threads (the calling thread is one of them). */
static void pool_run(actx *c, size_t total, job_fn fn) {
    c->next = 0;
    c->done = 0;
    c->total = total;
    pool_arg a = {c, fn};
    int jobs = c->o->jobs < 1 ? 1 : c->o->jobs;
    if ((size_t)jobs > total) jobs = total ? (int)total : 1;
    pthread_t *th = bt_xcalloc((size_t)jobs, sizeof *th);
    int started = 0;
    for (int t = 1; t < jobs; t++) {
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setstacksize(&at, (size_t)8 << 20);
        if (pthread_create(&th[t], &at, pool_main, &a) == 0) started++;
        else th[t] = 0;
        pthread_attr_destroy(&at);
    }
    pool_main(&a);
    for (int t = 1; t < jobs; t++)
        if (th[t]) pthread_join(th[t], NULL);
    (void)started;
    free(th);
}

static char *stage_tmp_pdf(actx *c, size_t i) {
    char name[64];
    snprintf(name, sizeof name, "r/%zu.pdf", i);
    return bt_path_join(c->stage, name);
}

/* Parse one source (and render its PDF into the stage under a temporary name). */
static void parse_one(actx *c, size_t ei) {
    ent *x = &c->ents[ei];
    json_t *r = json_object();
    json_object_set_new(r, "kind", json_string("article"));
    json_object_set_new(r, "src", json_string(x->src));
    json_object_set_new(r, "size", json_integer(x->size));
    json_object_set_new(r, "mtime_ns", json_integer(x->mtime_ns));
    int status = ST_OK;
    char reason[600] = "";
    bt_err e = {0};
    bt_article *a = NULL;
    int ymd = 0;
    char **warns = NULL;
    size_t nwarn = 0;

    char hex[BT_SHA256_HEX];
    uint64_t fsize = 0;
    if (bt_sha256_file(x->src, hex, &fsize, &e) != BT_OK) {
        status = ST_FAILED;
        snprintf(reason, sizeof reason, "%s", e.msg);
        goto done;
    }
    json_object_set_new(r, "sha256", json_string(hex));
    json_object_set_new(r, "size", json_integer((json_int_t)fsize));
    bt_input_opts io = {0};
    bt_status st = bt_input_load(x->src, &io, &a, &e);
    if (st != BT_OK) {
        status = ST_FAILED;
        snprintf(reason, sizeof reason, "%s: %s", bt_status_name(st), e.msg);
        goto done;
    }
    jset_str(r, "title", a->title);
    jset_str(r, "category", a->category);
    jset_str(r, "author", a->author);
    jset_str(r, "url", a->source_url);
    jset_str(r, "language", a->language);
    char iso[32];
    bt_date_iso(&a->published, iso);
    jset_str(r, "date", iso);
    ymd = date_ymd(&a->published);
    char *cu = bt_archive_canonical_url(a->source_url);
    if (cu) {
        json_object_set_new(r, "canonical_url", json_string(cu));
        free(cu);
    }
    char fp[BT_SHA256_HEX];
    text_fingerprint(a, fp);
    json_object_set_new(r, "text_sha256", json_string(fp));

    if (c->o->category && !(a->category && bt_text_loose_equal(a->category, c->o->category))) {
        status = ST_FILTERED;
        snprintf(reason, sizeof reason, "category \"%s\" is not \"%s\"", a->category ? a->category : "",
                 c->o->category);
        goto done;
    }
    if (ymd && ((c->o->since && ymd < c->o->since) || (c->o->until && ymd > c->o->until))) {
        status = ST_FILTERED;
        snprintf(reason, sizeof reason, "dated %s, outside --since/--until", iso);
        goto done;
    }
    if (c->o->pdf) {
        bt_pdf_opts po = {.paper = NULL, .font_dir = NULL, .epoch = c->o->epoch};
        unsigned char *pdf = NULL;
        size_t plen = 0;
        st = bt_pdf_render(&a, 1, &po, &pdf, &plen, &e);
        if (st != BT_OK) {
            status = ST_FAILED;
            snprintf(reason, sizeof reason, "PDF: %s", e.msg);
            goto done;
        }
        char *tmp = stage_tmp_pdf(c, ei);
        st = stage_write(tmp, pdf, plen, &e);
        free(tmp);
        if (st == BT_OK) {
            char ph[BT_SHA256_HEX];
            bt_sha256_hex(pdf, plen, ph);
            json_t *po2 = json_object();
            json_object_set_new(po2, "sha256", json_string(ph));
            json_object_set_new(po2, "size", json_integer((json_int_t)plen));
            json_object_set_new(r, "pdf", po2);
        } else {
            status = ST_FAILED;
            snprintf(reason, sizeof reason, "cannot stage the PDF: %s", e.msg);
        }
        free(pdf);
    }
done:
    if (a && a->nwarnings) {
        json_t *wa = json_array();
        for (size_t k = 0; k < a->nwarnings && k < 20; k++) json_array_append_new(wa, json_string(a->warnings[k]));
        json_object_set_new(r, "warnings", wa);
        warns = a->warnings;
        nwarn = a->nwarnings;
    }
    json_object_set_new(r, "status", json_string(status_name(status)));
    if (status == ST_FAILED || status == ST_FILTERED) json_object_set_new(r, "reason", json_string(reason));

    pthread_mutex_lock(&c->mu);
    x->rec = rec_append(c, r);
    x->status = (uint8_t)status;
    x->ymd = ymd;
    c->done++;
    if (status == ST_FAILED) emit(c, BT_AEV_FAILED, "render", c->done, c->total, x->src, reason);
    for (size_t k = 0; k < nwarn; k++) emit(c, BT_AEV_WARN, "render", c->done, c->total, x->src, warns[k]);
    emit(c, BT_AEV_ITEM, c->o->pdf ? "render" : "parse", c->done, c->total, x->src, NULL);
    pthread_mutex_unlock(&c->mu);
    bt_article_free(a);
    json_decref(r);
}

static void parse_job(actx *c, size_t k) { parse_one(c, c->list[k]); }

/* ---------- names, duplicates, digests (one thread, in source order: deterministic) ---------- */

static bt_status assign(actx *c, size_t i, bt_err *e) {
    ent *x = &c->ents[i];
    json_t *r = rec_read(c, x->rec);
    json_t *old = rec_read(c, x->oldrec);
    bt_status st = BT_OK;
    if (!r) {
        json_decref(old);
        return bt_err_set(e, BT_EIO, "cannot read back the record of %s", x->src);
    }
    const char *oldpdf = NULL;
    json_t *op = old ? json_object_get(old, "pdf") : NULL;
    if (op) oldpdf = jstr(op, "path");
    if (old && jstr(old, "digest")) { /* its old digest loses (or re-renders) this article */
        int32_t d = hm_get(&c->dgmap, fnv(jstr(old, "digest")));
        if (d >= 0) c->dg[d].dirty = 1;
    }
    char *staged = x->from_bag >= 0 ? NULL : stage_tmp_pdf(c, i);

    if (x->status == ST_OK) {
        int32_t prim = -1;
        uint64_t uh = rec_url_h(r), th = rec_text_h(r);
        if (uh) prim = hm_get(&c->urlmap, uh);
        if (prim < 0 && th) prim = hm_get(&c->textmap, th);
        if (prim >= 0) {
            x->status = ST_DUP;
            json_object_set_new(r, "status", json_string("duplicate"));
            json_object_set_new(r, "duplicate_of", json_string(c->ents[prim].src));
            json_object_del(r, "pdf");
            json_object_del(r, "digest");
        } else {
            if (uh) hm_put(&c->urlmap, uh, (int32_t)i);
            if (th) hm_put(&c->textmap, th, (int32_t)i);
        }
    }
    if (x->status == ST_OK && c->o->pdf) {
        json_t *pdf = json_object_get(r, "pdf");
        char *slug = bt_slugify(jstr(r, "title") ? jstr(r, "title") : "", 80);
        if (!slug || !*slug) {
            free(slug);
            slug = bt_xstrdup("bai-viet");
        }
        char *base = x->ymd ? bt_xasprintf("articles/%04d/%02d/%04d-%02d-%02d-%s", x->ymd / 10000,
                                           x->ymd / 100 % 100, x->ymd / 10000, x->ymd / 100 % 100,
                                           x->ymd % 100, slug)
                            : bt_xasprintf("articles/undated/%s", slug);
        free(slug);
        char *name = bt_xasprintf("%s.pdf", base);
        for (int k = 2; hm_get(&c->namemap, fnv(name)) >= 0; k++) {
            free(name);
            name = bt_xasprintf("%s-%d.pdf", base, k);
        }
        free(base);
        hm_put(&c->namemap, fnv(name), (int32_t)i);
        char *dest = bt_path_join(c->stage_data, name);
        if (x->from_bag >= 0) {
            const char *from_rel = pdf ? jstr(pdf, "path") : NULL;
            if (!from_rel) { /* was a duplicate in its shard: the other copy is archived */
                free(dest);
                free(name);
                x->status = ST_FAILED;
                json_object_set_new(r, "status", json_string("failed"));
                json_object_set_new(r, "reason", json_string("its shard bag holds no PDF for it"));
                x->rec = rec_append(c, r);
                json_decref(r);
                json_decref(old);
                return BT_OK;
            }
            char *from = from_rel ? bt_xasprintf("%s/data/%s", c->bags[x->from_bag], from_rel) : NULL;
            st = from ? copy_file(from, dest, e) : bt_err_set(e, BT_EIO, "%s: no PDF in the shard", x->src);
            free(from);
        } else {
            st = mkdirs_for(dest, e);
            if (st == BT_OK && rename(staged, dest) != 0)
                st = bt_err_set(e, BT_EIO, "cannot stage %s: %s", name, strerror(errno));
        }
        free(dest);
        if (st == BT_OK && pdf) {
            json_object_set_new(pdf, "path", json_string(name));
            if (oldpdf && strcmp(oldpdf, name) != 0) sv_push(&c->dels, bt_xasprintf("data/%s", oldpdf));
            oldpdf = NULL;
            c->stats->rendered++;
        }
        free(name);
    }
    if (staged) {
        unlink(staged); /* duplicates, failures: their render is not kept */
        free(staged);
    }
    if (oldpdf) sv_push(&c->dels, bt_xasprintf("data/%s", oldpdf)); /* no longer archived */
    if (st == BT_OK && x->status == ST_OK && c->o->epub) {
        char *name, *cat, *label;
        digest_name(c, r, &name, &cat, &label);
        int32_t d = digest_get(c, name, cat, label);
        c->dg[d].dirty = 1;
        x->digest = d;
        json_object_set_new(r, "digest", json_string(name));
        free(name); free(cat); free(label);
    }
    if (st == BT_OK) x->rec = rec_append(c, r);
    json_decref(r);
    json_decref(old);
    return st;
}

/* Render one dirty digest from its articles' sources, into the stage. */
static void digest_job(actx *c, size_t k) {
    digest *d = &c->dg[c->list[k]];
    if (d->from_bag >= 0) { /* merge: one shard holds every article of this digest */
        bt_err ce = {0};
        char *from = bt_xasprintf("%s/data/%s", c->bags[d->from_bag], d->name);
        char *dest = bt_path_join(c->stage_data, d->name);
        bt_status cs = copy_file(from, dest, &ce);
        free(from);
        free(dest);
        pthread_mutex_lock(&c->mu);
        if (cs == BT_OK) d->exists = 1;
        else {
            d->failed = 1;
            c->stats->digests_failed++;
            emit(c, BT_AEV_FAILED, "digests", c->done, c->total, d->name, ce.msg);
        }
        c->done++;
        emit(c, BT_AEV_ITEM, "digests", c->done, c->total, d->name, NULL);
        pthread_mutex_unlock(&c->mu);
        return;
    }
    bt_article **arts = bt_xcalloc(d->nmem ? d->nmem : 1, sizeof *arts);
    size_t na = 0;
    bt_err e = {0};
    bt_status st = BT_OK;
    char why[700] = "";
    for (size_t m = 0; m < d->nmem; m++) {
        ent *x = &c->ents[d->mem[m]];
        if (!x->present) continue; /* source gone: its PDF stays archived */
        bt_input_opts io = {0};
        bt_article *a = NULL;
        if (bt_input_load(x->src, &io, &a, &e) == BT_OK) {
            arts[na++] = a;
        } else { /* its PDF stays archived; the digest goes on without it */
            snprintf(why, sizeof why, "%s: %s", x->src, e.msg);
            pthread_mutex_lock(&c->mu);
            char *w = bt_xasprintf("left out of %s: %s", d->name, e.msg);
            emit(c, BT_AEV_WARN, "digests", c->done, c->total, x->src, w);
            free(w);
            pthread_mutex_unlock(&c->mu);
        }
    }
    if (na == 0 && d->exists) { /* only articles whose sources are gone: keep the digest as it is */
        free(arts);
        pthread_mutex_lock(&c->mu);
        c->done++;
        emit(c, BT_AEV_ITEM, "digests", c->done, c->total, d->name, NULL);
        pthread_mutex_unlock(&c->mu);
        return;
    }
    unsigned char *out = NULL;
    size_t len = 0;
    if (na == 0) {
        st = BT_EEMPTY;
        if (!why[0]) snprintf(why, sizeof why, "no readable source left");
    } else {
        char *title = bt_xasprintf("%s \xe2\x80\x93 %s", d->category, d->label);
        bt_epub_opts eo = {0};
        eo.title = title;
        eo.publisher = c->o->source_org;
        eo.group = BT_GROUP_NONE;
        eo.sort = BT_SORT_DATE;
        eo.epoch = c->o->epoch;
        st = bt_epub_render(arts, na, &eo, &out, &len, &e);
        free(title);
        if (st != BT_OK) snprintf(why, sizeof why, "EPUB: %s", e.msg);
    }
    if (st == BT_OK) {
        char *dest = bt_path_join(c->stage_data, d->name);
        st = stage_write(dest, out, len, &e);
        if (st != BT_OK) snprintf(why, sizeof why, "%s", e.msg);
        free(dest);
    }
    char hex[BT_SHA256_HEX] = "";
    if (st == BT_OK) bt_sha256_hex(out, len, hex);
    free(out);
    for (size_t m = 0; m < na; m++) bt_article_free(arts[m]);
    free(arts);
    pthread_mutex_lock(&c->mu);
    if (st == BT_OK) {
        memcpy(d->sha, hex, BT_SHA256_HEX);
        d->size = len;
        d->members = na;
        d->exists = 1;
        c->stats->digests_rendered++;
    } else {
        d->failed = 1;
        c->stats->digests_failed++;
        emit(c, BT_AEV_FAILED, "digests", c->done, c->total, d->name, why);
    }
    c->done++;
    emit(c, BT_AEV_ITEM, "digests", c->done, c->total, d->name, NULL);
    pthread_mutex_unlock(&c->mu);
}

/* ---------- index.json, index.html, state ---------- */

static int listed_in_index(const ent *x) {
    return x->status == ST_OK || x->status == ST_FAILED || x->status == ST_DUP;
}

/* The public form of a record (index.json): internal fields dropped, paths under "outputs". */
static json_t *public_record(json_t *r, const ent *x) {
    json_t *o = json_object();
    json_t *src = json_object();
    json_object_set_new(src, "path", json_string(x->src));
    if (jstr(r, "sha256")) json_object_set_new(src, "sha256", json_string(jstr(r, "sha256")));
    json_object_set_new(src, "size", json_integer(jint(r, "size")));
    if (x->plan == P_REMOVED || json_is_true(json_object_get(r, "removed")))
        json_object_set_new(src, "removed", json_true());
    json_object_set_new(o, "source", src);
    static const char *const keys[] = {"title", "category", "date", "author", "url", "language",
                                       "status", "reason", "duplicate_of"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        if (jstr(r, keys[k])) json_object_set_new(o, keys[k], json_string(jstr(r, keys[k])));
    json_t *outs = json_object();
    json_t *pdf = json_object_get(r, "pdf");
    if (x->status == ST_OK && pdf && jstr(pdf, "path")) {
        json_t *p = json_object();
        json_object_set_new(p, "path", json_string(jstr(pdf, "path")));
        json_object_set_new(p, "sha256", json_string(jstr(pdf, "sha256") ? jstr(pdf, "sha256") : ""));
        json_object_set_new(p, "size", json_integer(jint(pdf, "size")));
        json_object_set_new(outs, "pdf", p);
    }
    if (x->status == ST_OK && jstr(r, "digest")) json_object_set_new(outs, "epub", json_string(jstr(r, "digest")));
    json_object_set_new(o, "outputs", outs);
    if (jstr(r, "canonical_url")) json_object_set_new(o, "canonical_url", json_string(jstr(r, "canonical_url")));
    if (jstr(r, "text_sha256")) json_object_set_new(o, "text_sha256", json_string(jstr(r, "text_sha256")));
    json_t *w = json_object_get(r, "warnings");
    if (w) json_object_set(o, "warnings", w);
    return o;
}

static bt_status write_json_stream(actx *c, const char *path, int state, bt_err *e) {
    bt_outfile of;
    bt_status st = bt_outfile_open(&of, path, e);
    if (st != BT_OK) return st;
    FILE *f = of.f;
    json_t *h = json_object();
    if (state) {
        json_object_set_new(h, "format", json_string("bantin-state"));
        json_object_set_new(h, "version", json_integer(STATE_VERSION));
        json_object_set_new(h, "options", json_loads(c->opts_json, 0, NULL));
        char *s = json_dumps(h, JSON_COMPACT);
        fprintf(f, "%s\n", s);
        free(s);
    } else {
        fputs("{\n\"format\": \"bantin-archive-index\",\n\"version\": 1,\n", f);
        fprintf(f, "\"generator\": \"bantin %s\",\n\"articles\": [\n", BT_VERSION);
    }
    json_decref(h);
    int first = 1;
    if (state) { /* digests first: loading them before the articles lets those find theirs */
        for (size_t d = 0; d < c->ndg; d++) {
            digest *g = &c->dg[d];
            if (!g->exists || g->gone) continue;
            json_t *j = json_object();
            json_object_set_new(j, "kind", json_string("digest"));
            json_object_set_new(j, "path", json_string(g->name));
            json_object_set_new(j, "sha256", json_string(g->sha));
            json_object_set_new(j, "size", json_integer((json_int_t)g->size));
            json_object_set_new(j, "category", json_string(g->category));
            json_object_set_new(j, "label", json_string(g->label));
            json_object_set_new(j, "articles", json_integer((json_int_t)g->members));
            char *s = json_dumps(j, JSON_COMPACT);
            fprintf(f, "%s\n", s);
            free(s);
            json_decref(j);
        }
    }
    for (size_t i = 0; i < c->n; i++) {
        ent *x = &c->ents[i];
        if (!state && !listed_in_index(x)) continue;
        json_t *r = rec_read(c, x->rec);
        if (!r) continue;
        if (state) {
            if (x->plan == P_REMOVED) json_object_set_new(r, "removed", json_true());
            char *s = json_dumps(r, JSON_COMPACT);
            fprintf(f, "%s\n", s);
            free(s);
        } else {
            json_t *p = public_record(r, x);
            char *s = json_dumps(p, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
            fprintf(f, "%s%s", first ? "" : ",\n", s);
            free(s);
            json_decref(p);
        }
        first = 0;
        json_decref(r);
    }
    if (!state) {
        fputs("\n],\n\"digests\": [", f);
        int df = 1;
        for (size_t d = 0; d < c->ndg; d++) {
            digest *g = &c->dg[d];
            if (!g->exists || g->gone) continue;
            json_t *j = json_object();
            json_object_set_new(j, "path", json_string(g->name));
            json_object_set_new(j, "category", json_string(g->category));
            json_object_set_new(j, "period", json_string(g->label));
            json_object_set_new(j, "articles", json_integer((json_int_t)g->members));
            json_object_set_new(j, "sha256", json_string(g->sha));
            json_object_set_new(j, "size", json_integer((json_int_t)g->size));
            char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
            fprintf(f, "%s\n%s", df ? "" : ",", s);
            free(s);
            json_decref(j);
            df = 0;
        }
        fputs("\n]\n}\n", f);
    }
    if (ferror(f)) {
        bt_outfile_abort(&of);
        return bt_err_set(e, BT_EIO, "cannot write %s", path);
    }
    return bt_outfile_commit(&of, e);
}

typedef struct {
    int32_t ymd;
    uint32_t i;
} hkey;

static int cmp_hkey(const void *a, const void *b) {
    const hkey *x = a, *y = b;
    /* newest month first, undated last; source order within */
    int32_t kx = x->ymd ? x->ymd : -1, ky = y->ymd ? y->ymd : -1;
    if (kx / 100 != ky / 100) return kx / 100 > ky / 100 ? -1 : 1;
    if (kx != ky) return kx > ky ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

#define W(call) do { if ((call) < 0) bad = 1; } while (0)

static bt_status write_html(actx *c, const char *path, bt_err *e) {
    bt_outfile of;
    bt_status st = bt_outfile_open(&of, path, e);
    if (st != BT_OK) return st;
    xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(of.f, NULL);
    xmlTextWriterPtr w = ob ? xmlNewTextWriter(ob) : NULL;
    if (!w) {
        if (ob) xmlOutputBufferClose(ob);
        bt_outfile_abort(&of);
        return bt_err_set(e, BT_ENOMEM, "libxml2 could not create a writer");
    }
    int bad = 0;
    size_t nk = 0, nok = 0, nfail = 0, ndup = 0;
    hkey *keys = bt_xmalloc((c->n ? c->n : 1) * sizeof *keys);
    for (size_t i = 0; i < c->n; i++) {
        ent *x = &c->ents[i];
        if (!listed_in_index(x)) continue;
        keys[nk].ymd = x->ymd;
        keys[nk++].i = (uint32_t)i;
        nok += x->status == ST_OK;
        nfail += x->status == ST_FAILED;
        ndup += x->status == ST_DUP;
    }
    qsort(keys, nk, sizeof *keys, cmp_hkey);
    xmlTextWriterSetIndent(w, 1);
    W(xmlTextWriterWriteDTD(w, BAD_CAST "html", NULL, NULL, NULL));
    W(xmlTextWriterStartElement(w, BAD_CAST "html"));
    W(xmlTextWriterWriteAttribute(w, BAD_CAST "lang", BAD_CAST "vi"));
    W(xmlTextWriterStartElement(w, BAD_CAST "head"));
    W(xmlTextWriterStartElement(w, BAD_CAST "meta"));
    W(xmlTextWriterWriteAttribute(w, BAD_CAST "charset", BAD_CAST "utf-8"));
    W(xmlTextWriterEndElement(w));
    W(xmlTextWriterWriteElement(w, BAD_CAST "title", BAD_CAST "M\xe1\xbb\xa5" "c l\xe1\xbb\xa5" "c l\xc6\xb0u tr\xe1\xbb\xaf"));
    W(xmlTextWriterWriteElement(w, BAD_CAST "style",
        BAD_CAST "body{font-family:sans-serif;max-width:60em;margin:auto;padding:1em}"
                 "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;"
                 "padding:.3em;text-align:left;vertical-align:top}.failed{color:#a00}.duplicate{color:#777}"));
    W(xmlTextWriterEndElement(w)); /* head */
    W(xmlTextWriterStartElement(w, BAD_CAST "body"));
    W(xmlTextWriterWriteElement(w, BAD_CAST "h1", BAD_CAST "M\xe1\xbb\xa5" "c l\xe1\xbb\xa5" "c l\xc6\xb0u tr\xe1\xbb\xaf"));
    W(xmlTextWriterWriteFormatElement(w, BAD_CAST "p", "%zu b\xc3\xa0i \xc4\x91\xc3\xa3 l\xc6\xb0u, %zu l\xe1\xbb\x97i, %zu tr\xc3\xb9ng l\xe1\xba\xb7p.", nok, nfail, ndup));
    /* a line of links to the months, newest first */
    W(xmlTextWriterStartElement(w, BAD_CAST "nav"));
    int prev = -2;
    for (size_t k = 0; k < nk; k++) {
        int month = c->ents[keys[k].i].ymd ? c->ents[keys[k].i].ymd / 100 : 0;
        if (month == prev) continue;
        prev = month;
        char href[32], text[16];
        if (month) {
            snprintf(href, sizeof href, "#%04d-%02d", month / 100, month % 100);
            snprintf(text, sizeof text, "%02d/%04d", month % 100, month / 100);
        } else {
            snprintf(href, sizeof href, "#undated");
            snprintf(text, sizeof text, "?");
        }
        W(xmlTextWriterStartElement(w, BAD_CAST "a"));
        W(xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST href));
        W(xmlTextWriterWriteString(w, BAD_CAST text));
        W(xmlTextWriterEndElement(w));
        W(xmlTextWriterWriteString(w, BAD_CAST " "));
    }
    W(xmlTextWriterEndElement(w));
    int cur = -2, open = 0;
    for (size_t k = 0; k < nk && !bad; k++) {
        ent *x = &c->ents[keys[k].i];
        int month = x->ymd ? x->ymd / 100 : 0;
        if (month != cur) {
            if (open) W(xmlTextWriterEndElement(w)); /* table */
            cur = month;
            char id[32], head[64];
            if (month) {
                snprintf(id, sizeof id, "%04d-%02d", month / 100, month % 100);
                snprintf(head, sizeof head, "Th\xc3\xa1ng %02d/%04d", month % 100, month / 100);
            } else {
                snprintf(id, sizeof id, "undated");
                snprintf(head, sizeof head, "Kh\xc3\xb4ng r\xc3\xb5 ng\xc3\xa0y");
            }
            W(xmlTextWriterStartElement(w, BAD_CAST "h2"));
            W(xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST id));
            W(xmlTextWriterWriteString(w, BAD_CAST head));
            W(xmlTextWriterEndElement(w));
            W(xmlTextWriterStartElement(w, BAD_CAST "table"));
            W(xmlTextWriterStartElement(w, BAD_CAST "tr"));
            static const char *const heads[] = {"Ng\xc3\xa0y", "Ti\xc3\xaau \xc4\x91\xe1\xbb\x81",
                                                "Chuy\xc3\xaan m\xe1\xbb\xa5" "c", "Tuy\xe1\xbb\x83n t\xe1\xba\xadp",
                                                "Tr\xe1\xba\xa1ng th\xc3\xa1i"};
            for (size_t hh = 0; hh < 5; hh++) W(xmlTextWriterWriteElement(w, BAD_CAST "th", BAD_CAST heads[hh]));
            W(xmlTextWriterEndElement(w));
            open = 1;
        }
        json_t *r = rec_read(c, x->rec);
        if (!r) continue;
        W(xmlTextWriterStartElement(w, BAD_CAST "tr"));
        W(xmlTextWriterWriteAttribute(w, BAD_CAST "class", BAD_CAST status_name(x->status)));
        const char *date = jstr(r, "date");
        char shown[24] = "";
        if (date) { /* "2023-05-27T14:00:00+07:00" -> "2023-05-27 14:00" */
            snprintf(shown, sizeof shown, "%.10s", date);
            if (strlen(date) >= 16 && date[10] == 'T')
                snprintf(shown + 10, sizeof shown - 10, " %.5s", date + 11);
        }
        W(xmlTextWriterWriteElement(w, BAD_CAST "td", BAD_CAST shown));
        W(xmlTextWriterStartElement(w, BAD_CAST "td"));
        const char *title = jstr(r, "title") ? jstr(r, "title") : x->src;
        json_t *pdf = json_object_get(r, "pdf");
        if (x->status == ST_OK && pdf && jstr(pdf, "path")) {
            W(xmlTextWriterStartElement(w, BAD_CAST "a"));
            W(xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST jstr(pdf, "path")));
            W(xmlTextWriterWriteString(w, BAD_CAST title));
            W(xmlTextWriterEndElement(w));
        } else {
            W(xmlTextWriterWriteString(w, BAD_CAST title));
        }
        W(xmlTextWriterEndElement(w));
        const char *cat = jstr(r, "category");
        W(xmlTextWriterWriteElement(w, BAD_CAST "td", BAD_CAST(cat ? cat : "")));
        W(xmlTextWriterStartElement(w, BAD_CAST "td"));
        if (x->status == ST_OK && jstr(r, "digest")) {
            W(xmlTextWriterStartElement(w, BAD_CAST "a"));
            W(xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST jstr(r, "digest")));
            W(xmlTextWriterWriteString(w, BAD_CAST "EPUB"));
            W(xmlTextWriterEndElement(w));
        }
        W(xmlTextWriterEndElement(w));
        bt_buf note = {0};
        bt_buf_adds(&note, status_name(x->status));
        if (jstr(r, "reason")) bt_buf_printf(&note, ": %s", jstr(r, "reason"));
        if (jstr(r, "duplicate_of")) bt_buf_printf(&note, " (%s)", jstr(r, "duplicate_of"));
        if (x->plan == P_REMOVED) bt_buf_adds(&note, "; source removed");
        W(xmlTextWriterWriteElement(w, BAD_CAST "td", BAD_CAST note.data));
        bt_buf_free(&note);
        W(xmlTextWriterEndElement(w)); /* tr */
        json_decref(r);
    }
    if (open) W(xmlTextWriterEndElement(w));
    W(xmlTextWriterEndElement(w)); /* body */
    W(xmlTextWriterEndElement(w)); /* html */
    W(xmlTextWriterFlush(w));
    free(keys);
    xmlFreeTextWriter(w); /* flushes and closes the output buffer, not the FILE */
    if (bad || ferror(of.f)) {
        bt_outfile_abort(&of);
        return bt_err_set(e, BT_EIO, "cannot write %s", path);
    }
    return bt_outfile_commit(&of, e);
}

/* ---------- manifests, journal, commit ---------- */

static bt_status write_manifests(actx *c, bt_err *e) {
    char *mp = bt_path_join(c->stage, "manifest-sha256.txt");
    bt_bag_manifest *m = NULL;
    bt_status st = bt_bag_manifest_open(&m, mp, e);
    free(mp);
    if (st != BT_OK) return st;
    for (size_t i = 0; i < c->n && st == BT_OK; i++) {
        ent *x = &c->ents[i];
        if (x->status != ST_OK) continue;
        json_t *r = rec_read(c, x->rec);
        json_t *pdf = r ? json_object_get(r, "pdf") : NULL;
        if (pdf && jstr(pdf, "path") && jstr(pdf, "sha256")) {
            char *p = bt_xasprintf("data/%s", jstr(pdf, "path"));
            st = bt_bag_manifest_add(m, p, jstr(pdf, "sha256"), (uint64_t)jint(pdf, "size"), e);
            free(p);
        }
        json_decref(r);
    }
    for (size_t d = 0; d < c->ndg && st == BT_OK; d++) {
        digest *g = &c->dg[d];
        if (!g->exists || g->gone) continue;
        char *p = bt_xasprintf("data/%s", g->name);
        st = bt_bag_manifest_add(m, p, g->sha, g->size, e);
        free(p);
    }
    static const char *const idx[] = {"index.json", "index.html"};
    for (int k = 0; k < 2 && st == BT_OK; k++) {
        char *p = bt_path_join(c->stage_data, idx[k]);
        char hex[BT_SHA256_HEX];
        uint64_t size = 0;
        st = bt_sha256_file(p, hex, &size, e);
        free(p);
        if (st != BT_OK) break;
        char *rel = bt_xasprintf("data/%s", idx[k]);
        st = bt_bag_manifest_add(m, rel, hex, size, e);
        free(rel);
    }
    if (st != BT_OK) {
        bt_bag_manifest_abort(m);
        return st;
    }
    uint64_t bytes = 0, count = 0;
    st = bt_bag_manifest_close(m, &bytes, &count, e);
    if (st != BT_OK) return st;

    bt_bag_info info = {0};
    info.source_organization = c->o->source_org ? c->o->source_org : "unknown";
    info.external_description = c->o->category
        ? "News articles archived by bantin (category filter in bantin-state.jsonl)"
        : "News articles archived by bantin";
    char agent[64];
    snprintf(agent, sizeof agent, "bantin %s", BT_VERSION);
    info.software_agent = agent;
    info.bagging_time = c->o->epoch >= 0 ? c->o->epoch : (int64_t)time(NULL);
    info.oxum_bytes = bytes;
    info.oxum_count = count;
    char shard[32];
    if (c->o->shard_n > 1) {
        snprintf(shard, sizeof shard, "%d of %d", c->o->shard_k, c->o->shard_n);
        info.extra[0][0] = "Bag-Count";
        info.extra[0][1] = shard;
    }
    char size[32];
    if (bytes >= 1000000000ULL) snprintf(size, sizeof size, "%.1f GB", bytes / 1e9);
    else if (bytes >= 1000000ULL) snprintf(size, sizeof size, "%.1f MB", bytes / 1e6);
    else snprintf(size, sizeof size, "%.1f KB", bytes / 1e3);
    int ex = c->o->shard_n > 1 ? 1 : 0;
    info.extra[ex][0] = "Bag-Size";
    info.extra[ex][1] = size;
    const char *tags[] = {STATE_NAME, NULL};
    return bt_bag_write_tags(c->stage, &info, tags, e);
}

/* Journal lines "M\tdata/..." for every file staged under data/, without listing them in memory. */
static int journal_moves(actx *c, FILE *f) {
    strvec todo = {0};
    sv_push(&todo, bt_xstrdup("data"));
    int bad = 0;
    while (todo.n > 0 && !bad) {
        char *rel = todo.v[--todo.n];
        char *abs = bt_path_join(c->stage, rel);
        DIR *d = opendir(abs);
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.') continue; /* also skips temp files of atomic writes */
            char *crel = bt_path_join(rel, de->d_name);
            char *cabs = bt_path_join(abs, de->d_name);
            struct stat sb;
            int ok = lstat(cabs, &sb) == 0;
            if (ok && S_ISDIR(sb.st_mode)) {
                sv_push(&todo, crel);
                crel = NULL;
            } else if (ok && S_ISREG(sb.st_mode)) {
                bad |= fprintf(f, "M\t%s\n", crel) < 0;
            }
            free(crel);
            free(cabs);
        }
        if (d) closedir(d);
        else bad = 1;
        free(abs);
        free(rel);
    }
    sv_free(&todo);
    return bad;
}

static bt_status commit(actx *c, bt_err *e) {
    /* Everything staged reaches the disk before the journal that moves it into the bag. */
    int sfd = open(c->stage, O_RDONLY | O_DIRECTORY);
    if (sfd < 0 || syncfs(sfd) != 0) {
        if (sfd >= 0) close(sfd);
        return bt_err_set(e, BT_EIO, "cannot flush the staged files to disk: %s", strerror(errno));
    }
    close(sfd);
    char *jp = bt_path_join(c->work, "journal");
    bt_outfile of;
    bt_status st = bt_outfile_open(&of, jp, e);
    free(jp);
    if (st != BT_OK) return st;
    int bad = 0;
    for (size_t i = 0; i < c->dels.n; i++) {
        char *staged = bt_path_join(c->stage, c->dels.v[i]);
        struct stat sb;
        if (stat(staged, &sb) != 0) /* replaced by a staged file of the same name: no delete */
            bad |= fprintf(of.f, "D\t%s\n", c->dels.v[i]) < 0;
        free(staged);
    }
    bad |= journal_moves(c, of.f);
    static const char *const tags[] = {STATE_NAME, "bagit.txt", "bag-info.txt", "manifest-sha256.txt",
                                       "tagmanifest-sha256.txt"};
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) bad |= fprintf(of.f, "M\t%s\n", tags[i]) < 0;
    bad |= fputs("END\n", of.f) < 0;
    if (bad) {
        bt_outfile_abort(&of);
        return bt_err_set(e, BT_EIO, "cannot write the commit journal");
    }
    st = bt_outfile_commit(&of, e);
    if (st != BT_OK) return st;
    if (getenv("BANTIN_TEST_CRASH_BEFORE_COMMIT")) _exit(137); /* tests: die with the journal written */
    st = journal_replay(c, e);
    if (st == BT_OK) fsync_dir(c->bag);
    return st;
}

/* ---------- the run ---------- */

static void ctx_free(actx *c) {
    for (size_t i = 0; i < c->n; i++) free(c->ents[i].src);
    free(c->ents);
    for (size_t d = 0; d < c->ndg; d++) {
        free(c->dg[d].name);
        free(c->dg[d].category);
        free(c->dg[d].label);
        free(c->dg[d].mem);
    }
    free(c->dg);
    hm_free(&c->dgmap);
    hm_free(&c->urlmap);
    hm_free(&c->textmap);
    hm_free(&c->namemap);
    sv_free(&c->dels);
    if (c->recs) fclose(c->recs);
    free(c->list);
    free(c->opts_json);
    if (c->stage && c->work) { /* keep the stage while a journal still needs its files */
        char *jp = bt_path_join(c->work, "journal");
        struct stat sb;
        if (stat(jp, &sb) != 0) rm_tree(c->stage);
        free(jp);
    }
    free(c->bag);
    free(c->work);
    free(c->stage);
    free(c->stage_data);
    if (c->lockfd >= 0) close(c->lockfd); /* releases the lock, after the stage is gone */
    pthread_mutex_destroy(&c->mu);
}

/* Create or open the archive directory, take the lock, finish an interrupted commit, and make a
 * fresh stage. */
static bt_status open_archive(actx *c, int must_be_new, bt_err *e) {
    c->lockfd = -1;
    pthread_mutex_init(&c->mu, NULL);
    c->bag = bt_xstrdup(c->o->out);
    size_t bl = strlen(c->bag);
    while (bl > 1 && c->bag[bl - 1] == '/') c->bag[--bl] = '\0';
    bt_status st = bt_mkdirs(c->bag, 0755, e);
    if (st != BT_OK) return st;
    /* Refuse to turn a directory with other things in it into a bag. */
    char *sp = bt_path_join(c->bag, STATE_NAME);
    struct stat sb;
    int has_state = stat(sp, &sb) == 0;
    free(sp);
    DIR *d = opendir(c->bag);
    if (!d) return bt_err_set(e, BT_EIO, "%s: %s", c->bag, strerror(errno));
    struct dirent *de;
    int other = 0;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, WORK_NAME)) other = 1;
    closedir(d);
    c->work = bt_path_join(c->bag, WORK_NAME);
    char *jp = bt_path_join(c->work, "journal");
    int pending = stat(jp, &sb) == 0;
    free(jp);
    if (other && !has_state && !pending)
        return bt_err_set(e, BT_EUSAGE, "%s is not empty and not a bantin archive", c->bag);
    if (must_be_new && (has_state || pending))
        return bt_err_set(e, BT_EUSAGE, "%s already holds an archive: merge into a new directory", c->bag);
    st = bt_mkdirs(c->work, 0755, e);
    if (st != BT_OK) return st;
    st = take_lock(c, e);
    if (st != BT_OK) return st;
    c->stage = bt_path_join(c->work, "stage");
    c->stage_data = bt_path_join(c->stage, "data");
    st = journal_replay(c, e); /* a previous run died while committing: finish it */
    if (st != BT_OK) return st;
    rm_tree(c->stage);         /* a previous run died before committing: start over */
    char *r = bt_path_join(c->stage, "r");
    st = bt_mkdirs(r, 0755, e);
    free(r);
    if (st == BT_OK) st = bt_mkdirs(c->stage_data, 0755, e);
    if (st != BT_OK) return st;
    char *rp = bt_path_join(c->stage, "records.jsonl");
    c->recs = fopen(rp, "w+");
    free(rp);
    if (!c->recs) return bt_err_set(e, BT_EIO, "cannot create the work file: %s", strerror(errno));
    return BT_OK;
}

/* Everything after parsing: names, digests, index, manifests, commit. */
static bt_status finish(actx *c, bt_err *e) {
    const bt_archive_opts *o = c->o;
    bt_status st = BT_OK;
    for (size_t i = 0; i < c->n && st == BT_OK; i++)
        if (c->ents[i].plan == P_TODO) st = assign(c, i, e);
    if (st != BT_OK) return st;

    /* digests: members of the dirty ones */
    size_t ndirty = 0;
    for (size_t d = 0; d < c->ndg; d++) ndirty += c->dg[d].dirty != 0;
    if (ndirty) {
        c->changed = 1;
        for (size_t i = 0; i < c->n; i++) {
            ent *x = &c->ents[i];
            if (x->status != ST_OK || x->digest < 0) continue;
            digest *g = &c->dg[x->digest];
            if (!g->dirty) continue;
            g->mem = bt_xrealloc(g->mem, (g->nmem + 1) * sizeof *g->mem);
            g->mem[g->nmem++] = (int)i;
        }
        free(c->list);
        c->list = bt_xmalloc(ndirty * sizeof *c->list);
        size_t k = 0;
        for (size_t d = 0; d < c->ndg; d++) {
            digest *g = &c->dg[d];
            if (!g->dirty) continue;
            if (g->from_bag >= 0) /* merge: copy only when that shard holds exactly these articles */
                for (size_t m = 0; m < g->nmem; m++)
                    if (c->ents[g->mem[m]].from_bag != g->from_bag || g->nmem != g->members) g->from_bag = -1;
            if (g->nmem == 0) { /* no article left in it */
                if (g->exists) sv_push(&c->dels, bt_xasprintf("data/%s", g->name));
                g->gone = 1;
                continue;
            }
            c->list[k++] = d;
        }
        emit(c, BT_AEV_PHASE, "digests", 0, k, NULL, NULL);
        if (k) pool_run(c, k, digest_job);
    }
    if (!c->changed) return BT_OK;

    emit(c, BT_AEV_PHASE, "index", 0, 0, NULL, NULL);
    char *ij = bt_path_join(c->stage_data, "index.json");
    st = write_json_stream(c, ij, 0, e);
    free(ij);
    if (st == BT_OK) {
        char *ih = bt_path_join(c->stage_data, "index.html");
        st = write_html(c, ih, e);
        free(ih);
    }
    if (st == BT_OK) {
        char *sp = bt_path_join(c->stage, STATE_NAME);
        st = write_json_stream(c, sp, 1, e);
        free(sp);
    }
    if (st == BT_OK) st = write_manifests(c, e);
    if (st != BT_OK) return st;
    emit(c, BT_AEV_PHASE, "commit", 0, 0, NULL, NULL);
    st = commit(c, e);
    if (st == BT_OK) c->stats->committed = 1;
    (void)o;
    return st;
}

static void count_stats(actx *c) {
    bt_archive_stats *s = c->stats;
    s->ok = s->failed = s->duplicates = s->filtered = s->removed = 0;
    for (size_t i = 0; i < c->n; i++) {
        ent *x = &c->ents[i];
        s->ok += x->status == ST_OK;
        s->failed += x->status == ST_FAILED;
        s->duplicates += x->status == ST_DUP;
        s->filtered += x->status == ST_FILTERED;
        s->removed += x->plan == P_REMOVED;
        s->unchanged += x->plan == P_UNCHANGED;
    }
}

bt_status bt_archive_run(const bt_archive_opts *o, bt_archive_stats *stats, bt_err *e) {
    actx c = {0};
    bt_archive_stats dummy;
    memset(stats ? stats : &dummy, 0, sizeof dummy);
    c.o = o;
    c.stats = stats ? stats : &dummy;
    xmlInitParser();
    c.opts_json = options_json(o, 1);
    bt_status st = open_archive(&c, 0, e);
    ent *w = NULL;
    size_t nw = 0;
    if (st == BT_OK) {
        emit(&c, BT_AEV_PHASE, "scan", 0, 0, NULL, NULL);
        st = walk_sources(&c, &w, &nw, e);
    }
    if (st == BT_OK) {
        c.stats->sources = nw;
        st = plan(&c, w, nw, e);
        if (st != BT_OK) /* plan fails before taking any entry over */
            for (size_t i = 0; i < nw; i++) free(w[i].src);
        free(w);
    }
    if (st == BT_OK) {
        size_t ntodo = 0;
        for (size_t i = 0; i < c.n; i++) ntodo += c.ents[i].plan == P_TODO;
        c.list = bt_xmalloc((ntodo ? ntodo : 1) * sizeof *c.list);
        size_t k = 0;
        for (size_t i = 0; i < c.n; i++)
            if (c.ents[i].plan == P_TODO) c.list[k++] = i;
        if (ntodo) c.changed = 1;
        char *bi = bt_path_join(c.bag, "bagit.txt");
        struct stat sb;
        if (stat(bi, &sb) != 0) c.changed = 1; /* never completed: write the bag */
        free(bi);
        c.stats->parsed = ntodo;
        emit(&c, BT_AEV_PHASE, o->pdf ? "render" : "parse", 0, ntodo, NULL, NULL);
        if (ntodo) pool_run(&c, ntodo, parse_job);
        st = finish(&c, e);
    }
    count_stats(&c);
    ctx_free(&c);
    return st;
}

/* ---------- verify ---------- */

int bt_archive_check_pdf(const char *path, char *why, size_t cap) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, cap, "cannot open: %s", strerror(errno));
        return 1;
    }
    char head[1024], tail[2048];
    size_t hn = fread(head, 1, sizeof head - 1, f);
    head[hn] = 0;
    long size = 0;
    if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
    long from = size > (long)sizeof tail - 1 ? size - (long)sizeof tail + 1 : 0;
    size_t tn = 0;
    if (fseek(f, from, SEEK_SET) == 0) tn = fread(tail, 1, sizeof tail - 1, f);
    tail[tn] = 0;
    fclose(f);
    if (hn < 8 || memcmp(head, "%PDF-", 5) != 0) {
        snprintf(why, cap, "not a PDF (no %%PDF- header)");
        return 1;
    }
    /* the tail may hold NUL bytes: search it as memory */
    int has_eof = 0, has_startxref = 0;
    for (size_t i = 0; i + 5 <= tn; i++) {
        if (memcmp(tail + i, "%%EOF", 5) == 0) has_eof = 1;
        if (i + 9 <= tn && memcmp(tail + i, "startxref", 9) == 0) has_startxref = 1;
    }
    if (!has_eof) {
        snprintf(why, cap, "PDF is truncated (no %%%%EOF at the end)");
        return 1;
    }
    if (!has_startxref) {
        snprintf(why, cap, "PDF has no startxref (cross-reference table missing)");
        return 1;
    }
    return 0;
}

int bt_archive_check_epub(const char *path, char *why, size_t cap) {
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z) {
        snprintf(why, cap, "not a readable zip container (libzip error %d)", zerr);
        return 1;
    }
    int bad = 1;
    zip_stat_t zs;
    zip_stat_init(&zs);
    const char *n0 = zip_get_num_entries(z, 0) > 0 ? zip_get_name(z, 0, 0) : NULL;
    if (!n0 || strcmp(n0, "mimetype") != 0) {
        snprintf(why, cap, "EPUB: the first entry is not \"mimetype\"");
    } else if (zip_stat_index(z, 0, 0, &zs) != 0 || zs.comp_method != ZIP_CM_STORE) {
        snprintf(why, cap, "EPUB: mimetype is compressed (must be stored)");
    } else {
        char mt[64] = "";
        zip_file_t *zf = zip_fopen_index(z, 0, 0);
        zip_int64_t r = zf ? zip_fread(zf, mt, sizeof mt - 1) : -1;
        if (zf) zip_fclose(zf);
        if (r < 0 || (size_t)r != strlen("application/epub+zip") || memcmp(mt, "application/epub+zip", (size_t)r) != 0) {
            snprintf(why, cap, "EPUB: mimetype is not application/epub+zip");
        } else {
            zip_int64_t ci = zip_name_locate(z, "META-INF/container.xml", 0);
            zip_stat_t cs;
            if (ci < 0 || zip_stat_index(z, (zip_uint64_t)ci, 0, &cs) != 0 || cs.size > (1u << 20)) {
                snprintf(why, cap, "EPUB: META-INF/container.xml is missing");
            } else {
                char *buf = bt_xmalloc((size_t)cs.size + 1);
                zip_file_t *cf = zip_fopen_index(z, (zip_uint64_t)ci, 0);
                zip_int64_t cr = cf ? zip_fread(cf, buf, cs.size) : -1;
                if (cf) zip_fclose(cf);
                xmlDocPtr doc = cr == (zip_int64_t)cs.size
                    ? xmlReadMemory(buf, (int)cr, "container.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
                    : NULL;
                free(buf);
                char *full = NULL;
                for (xmlNodePtr nd = doc ? xmlDocGetRootElement(doc) : NULL; nd && !full;) {
                    if (nd->type == XML_ELEMENT_NODE && xmlStrcmp(nd->name, BAD_CAST "rootfile") == 0) {
                        xmlChar *fp = xmlGetProp(nd, BAD_CAST "full-path");
                        if (fp) { full = bt_xstrdup((const char *)fp); xmlFree(fp); }
                    }
                    /* iterative pre-order walk */
                    if (nd->children && nd->type == XML_ELEMENT_NODE) nd = nd->children;
                    else {
                        while (nd && !nd->next) nd = nd->parent && nd->parent->type == XML_ELEMENT_NODE ? nd->parent : NULL;
                        if (nd) nd = nd->next;
                    }
                }
                if (!doc) snprintf(why, cap, "EPUB: container.xml is not well-formed XML");
                else if (!full) snprintf(why, cap, "EPUB: container.xml names no rootfile");
                else if (zip_name_locate(z, full, 0) < 0) snprintf(why, cap, "EPUB: the package document %s is missing", full);
                else bad = 0;
                free(full);
                xmlFreeDoc(doc);
            }
        }
    }
    zip_discard(z);
    return bad;
}

static int content_check(void *ud, const char *abs, const char *rel, char *why, size_t cap) {
    (void)ud;
    size_t l = strlen(rel);
    if (l > 4 && strcasecmp(rel + l - 4, ".pdf") == 0) return bt_archive_check_pdf(abs, why, cap);
    if (l > 5 && strcasecmp(rel + l - 5, ".epub") == 0) return bt_archive_check_epub(abs, why, cap);
    return 0;
}

bt_status bt_archive_verify(const char *dir, bt_bag_report_fn report, void *ud, size_t *nproblems,
                            size_t *nfiles, bt_err *e) {
    xmlInitParser();
    size_t np = 0;
    bt_status st = bt_bag_verify(dir, report, content_check, ud, &np, nfiles, e);
    if (st != BT_OK) return st;
    char *jp = bt_xasprintf("%s/%s/journal", dir, WORK_NAME);
    struct stat sb;
    if (stat(jp, &sb) == 0) {
        np++;
        if (report)
            report(ud, BT_BAG_INVALID, WORK_NAME "/journal",
                   "an interrupted run left its commit unfinished: run bantin archive again to complete it");
    }
    free(jp);
    if (nproblems) *nproblems = np;
    return BT_OK;
}

/* ---------- merge ---------- */

static void count_problem(void *ud, bt_bag_problem kind, const char *path, const char *detail) {
    (void)kind; (void)path; (void)detail;
    (*(size_t *)ud)++;
}

bt_status bt_archive_merge(const char *const *bags, size_t nbags, const bt_archive_opts *o,
                           bt_archive_stats *stats, bt_err *e) {
    bt_archive_stats dummy;
    memset(stats ? stats : &dummy, 0, sizeof dummy);
    xmlInitParser();
    if (nbags > 30000) return bt_err_set(e, BT_EUSAGE, "too many bags");
    /* Every input must verify, and all must have been made with the same options. */
    char *common = NULL;
    json_t *copts = NULL;
    for (size_t b = 0; b < nbags; b++) {
        size_t np = 0, nf = 0;
        bt_err ve = {0};
        if (bt_archive_verify(bags[b], count_problem, &np, NULL, &nf, &ve) != BT_OK || np) {
            free(common);
            json_decref(copts);
            return bt_err_set(e, BT_EOTHER, "%s: not a valid bag (%s); run bantin verify on it", bags[b],
                              ve.msg[0] ? ve.msg : "problems found");
        }
        char *opts = NULL;
        FILE *f = state_open(bags[b], &opts, &ve);
        if (!f) {
            free(common);
            json_decref(copts);
            return bt_err_set(e, BT_EUSAGE, "%s: not a bantin archive (no %s)", bags[b], STATE_NAME);
        }
        fclose(f);
        json_t *j = json_loads(opts, 0, NULL);
        free(opts);
        json_object_del(j, "shard");
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        if (common && strcmp(common, s) != 0) {
            bt_err_set(e, BT_EUSAGE, "%s was made with other options (%s, not %s)", bags[b], s, common);
            free(s);
            free(common);
            json_decref(j);
            json_decref(copts);
            return BT_EUSAGE;
        }
        if (!common) {
            common = s;
            copts = j;
        } else {
            free(s);
            json_decref(j);
        }
    }
    bt_archive_opts mo = *o;
    mo.shard_k = mo.shard_n = 0;
    mo.category = jstr(copts, "category");
    mo.since = (int)jint(copts, "since");
    mo.until = (int)jint(copts, "until");
    const char *dg = jstr(copts, "digest");
    mo.digest = dg && !strcmp(dg, "week") ? BT_DIGEST_WEEK : dg && !strcmp(dg, "none") ? BT_DIGEST_NONE : BT_DIGEST_MONTH;
    mo.pdf = json_is_true(json_object_get(copts, "pdf"));
    mo.epub = json_is_true(json_object_get(copts, "epub"));

    actx c = {0};
    c.o = &mo;
    c.stats = stats ? stats : &dummy;
    c.bags = bags;
    c.nbags = nbags;
    c.opts_json = options_json(&mo, 1);
    c.changed = 1;
    bt_status st = open_archive(&c, 1, e);
    for (size_t b = 0; b < nbags && st == BT_OK; b++) {
        char *opts = NULL;
        FILE *f = state_open(bags[b], &opts, e);
        free(opts);
        char *line = NULL;
        size_t lcap = 0;
        while (f && getline(&line, &lcap, f) > 0) {
            json_t *r = json_loads(line, 0, NULL);
            const char *kind = r ? jstr(r, "kind") : NULL;
            if (kind && !strcmp(kind, "digest")) {
                load_digest_line(&c, r, (int16_t)b);
            } else if (kind && !strcmp(kind, "article") && jstr(r, "src")) {
                ent x = {0};
                x.src = bt_xstrdup(jstr(r, "src"));
                x.size = jint(r, "size");
                x.mtime_ns = jint(r, "mtime_ns");
                x.oldrec = -1;
                x.digest = -1;
                x.from_bag = (int16_t)b;
                x.present = !json_is_true(json_object_get(r, "removed"));
                ent_from_record(&x, r);
                /* archived articles are named and filed again across all shards */
                x.plan = x.status == ST_OK ? P_TODO : P_UNCHANGED;
                x.rec = rec_append(&c, r);
                ent_push(&c, &x);
                c.stats->sources += x.present;
            }
            json_decref(r);
        }
        free(line);
        if (f) fclose(f);
    }
    json_decref(copts);
    free(common);
    if (st == BT_OK) {
        qsort(c.ents, c.n, sizeof *c.ents, cmp_ent);
        size_t k = 0;
        for (size_t i = 0; i < c.n; i++) {
            if (k > 0 && strcmp(c.ents[k - 1].src, c.ents[i].src) == 0) { free(c.ents[i].src); continue; }
            c.ents[k++] = c.ents[i];
        }
        c.n = k;
        for (size_t d = 0; d < c.ndg; d++) {
            c.dg[d].dirty = 1;   /* every digest is copied or rendered again */
            c.dg[d].exists = 0;  /* nothing is in the new bag yet */
        }
        emit(&c, BT_AEV_PHASE, "merge", 0, c.n, NULL, NULL);
        st = finish(&c, e);
    }
    count_stats(&c);
    c.stats->unchanged = 0;
    ctx_free(&c);
    return st;
}

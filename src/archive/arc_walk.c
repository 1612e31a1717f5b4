/* arc_walk.c - finding the sources of a run, and the source seam: how a source is hashed, loaded
 * and found unchanged. Only files exist today; web sources (feeds, WARC, fetch queue) add a
 * producer to arc_walk() and a case to each arc_source_* function (see arc_int.h). */
#include "arc_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input.h"

static void ents_resize(arc_ctx *c, size_t cap) {
    c->cap = cap;
    c->ents = bt_big_realloc(c->ents, cap * sizeof *c->ents);
    c->io = bt_big_realloc(c->io, cap * sizeof *c->io);
}

void arc_ent_push(arc_ctx *c, const arc_ent *x, int64_t size, int64_t mtime_ns, long oldrec) {
    if (c->n == c->cap) ents_resize(c, c->cap ? c->cap * 2 : 256);
    c->io[c->n] = (arc_ent_io){size, mtime_ns, oldrec};
    c->ents[c->n++] = *x;
}

arc_ent arc_ent_of(const arc_found *f) {
    arc_ent x = {0};
    x.src = f->src;
    x.origin = f->origin;
    x.rec = -1;
    x.digest = -1;
    x.from_bag = -1;
    x.present = 1;
    x.plan = P_TODO;
    return x;
}

void arc_ents_reserve(arc_ctx *c, size_t n) {
    if (n > c->cap) ents_resize(c, n);
}

void arc_ents_fit(arc_ctx *c) {
    if (c->cap > c->n && c->n > 0) ents_resize(c, c->n);
}

int arc_cmp_ent(const void *a, const void *b) {
    return strcmp(((const arc_ent *)a)->src, ((const arc_ent *)b)->src);
}

static int cmp_found(const void *a, const void *b) {
    return strcmp(((const arc_found *)a)->src, ((const arc_found *)b)->src);
}

/* --shard K/N: keep the sources whose key hashes to share K. The key is the path relative to the
 * source folder (the file name for a file given by name), so that every machine of a cluster
 * agrees whatever the folder is called there. */
static int in_shard(const arc_ctx *c, const char *rel) {
    if (c->o->shard_n <= 1) return 1;
    uint64_t h = bt_sha256_u64(rel, strlen(rel));
    return (int)(h % (uint64_t)c->o->shard_n) == c->o->shard_k - 1;
}

typedef struct {
    arc_ctx *c;
    const char *root;
    char *root_real; /* the source folder with its links resolved */
    char *bag_rel;   /* the bag's path inside the source folder ("bag"), or NULL when outside */
    arc_found *w;
    size_t n, cap;
} walk_ctx;

/* (src: taken over) */
static void add_file(walk_ctx *k, char *src, const struct stat *fb) {
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 256;
        k->w = bt_big_realloc(k->w, k->cap * sizeof *k->w);
    }
    arc_found x = {0};
    x.src = bt_strpool_add(&k->c->srcs, src);
    free(src);
    x.origin = ARC_ORIGIN_FILE;
    x.size = (int64_t)fb->st_size;
    x.mtime_ns = (int64_t)fb->st_mtim.tv_sec * 1000000000LL + fb->st_mtim.tv_nsec;
    k->w[k->n++] = x;
}

/* A symbolic link is followed only when it stays inside the source folder (or when told to):
 * otherwise a link in a shared folder could put any file of the machine into the archive. */
static int link_inside(const walk_ctx *k, const char *abs) {
    char *real = realpath(abs, NULL);
    size_t rl = k->root_real ? strlen(k->root_real) : 0;
    int inside = real && rl && strncmp(real, k->root_real, rl) == 0 && (real[rl] == '/' || k->root_real[rl - 1] == '/');
    free(real);
    return inside;
}

static int walk_one(void *ud, const bt_dir_entry *ent) {
    walk_ctx *k = ud;
    if (!bt_is_article_file(ent->rel) || !in_shard(k->c, ent->rel)) return 0;
    size_t bl = k->bag_rel ? strlen(k->bag_rel) : 0;
    if (bl && strncmp(ent->rel, k->bag_rel, bl) == 0 && ent->rel[bl] == '/') return 0; /* the bag's own files */
    if (ent->odd) { /* named like an article but nothing to read: said, not lost in silence */
        k->c->stats->odd_skipped++;
        arc_emit(k->c, BT_AEV_WARN, "scan", 0, 0, ent->abs,
                 S_ISLNK(ent->st->st_mode) ? "a symbolic link to nothing: skipped"
                                           : "not a regular file (a FIFO, socket or device): skipped");
        return 0;
    }
    if (ent->is_link && !k->c->o->follow_symlinks && !link_inside(k, ent->abs)) {
        k->c->stats->links_skipped++;
        arc_emit(k->c, BT_AEV_WARN, "scan", 0, 0, ent->abs,
                 "a symbolic link leading out of the source folder: not followed (--follow-symlinks)");
        return 0;
    }
    add_file(k, bt_path_join(k->root, ent->rel), ent->st);
    return 0;
}

/* Files: every article file under each source folder, and each source given as a file. */
static bt_status walk_files(walk_ctx *k, bt_err *e) {
    const bt_archive_opts *o = k->c->o;
    for (size_t s = 0; s < o->nsrcs; s++) {
        if (arc_web_claims(o->srcs[s])) continue; /* URLs, feeds, WARC files: arc_web.c */
        char *root = bt_xstrdup(o->srcs[s]);
        size_t rl = strlen(root);
        while (rl > 1 && root[rl - 1] == '/') root[--rl] = '\0';
        struct stat sb;
        bt_status st = BT_OK;
        if (stat(root, &sb) != 0) {
            st = bt_err_set(e, BT_EIO, "%s: %s", root, strerror(errno));
        } else if (S_ISDIR(sb.st_mode)) {
            k->root = root;
            k->root_real = realpath(root, NULL);
            /* a bag made inside its source folder: its catalogue and tag files are no articles */
            char *bag_real = o->out ? realpath(o->out, NULL) : NULL;
            size_t rrl = k->root_real ? strlen(k->root_real) : 0;
            if (bag_real && rrl && strncmp(bag_real, k->root_real, rrl) == 0 && bag_real[rrl] == '/')
                k->bag_rel = bt_xstrdup(bag_real + rrl + 1);
            free(bag_real);
            st = bt_dir_walk(root, BT_WALK_SKIP_HIDDEN | BT_WALK_ODD | (o->follow_symlinks ? BT_WALK_FOLLOW_LINKS : 0),
                             walk_one, k, e);
            free(k->root_real);
            k->root_real = NULL;
            free(k->bag_rel);
            k->bag_rel = NULL;
        } else {
            char *base = bt_path_basename(root);
            if (in_shard(k->c, base)) add_file(k, bt_xstrdup(root), &sb);
            free(base);
        }
        free(root);
        if (st != BT_OK) return st;
    }
    return BT_OK;
}

bt_status arc_walk(arc_ctx *c, arc_found **out, size_t *nout, bt_err *e) {
    walk_ctx k = {c, NULL, NULL, NULL, NULL, 0, 0};
    bt_status st = walk_files(&k, e);
    if (st == BT_OK) st = arc_web_walk(c, &k.w, &k.n, &k.cap, e);
    if (st != BT_OK) {
        bt_big_free(k.w); /* (the keys stay in c->srcs until the end) */
        return st;
    }
    if (k.n > 1) qsort(k.w, k.n, sizeof *k.w, cmp_found); /* (qsort wants an array) */
    /* the same file reached through two arguments counts once */
    size_t n = 0;
    for (size_t i = 0; i < k.n; i++) {
        if (n > 0 && strcmp(k.w[n - 1].src, k.w[i].src) == 0) continue;
        k.w[n++] = k.w[i];
    }
    *out = k.w;
    *nout = n;
    return BT_OK;
}

int arc_source_same(arc_ctx *c, const arc_found *x, const arc_record *old) {
    switch ((arc_origin)x->origin) {
    case ARC_ORIGIN_FILE:
        if (old->status == ST_FAILED) return 0; /* a failed file is tried again */
        if (old->size == x->size && old->mtime_ns == x->mtime_ns) return 1;
        if (old->size == x->size) { /* touched: compare the contents */
            char hex[BT_SHA256_HEX];
            bt_err e = {0};
            if (bt_sha256_file(x->src, hex, NULL, &e) == BT_OK && old->sha256 && strcmp(hex, old->sha256) == 0)
                return 2;
        }
        return 0;
    case ARC_ORIGIN_URL:  /* web input: compare ETag / Last-Modified of a conditional fetch */
    case ARC_ORIGIN_WARC: /* a WARC record does not change: same file, offset and record id */
        return arc_web_same(c, x, old);
    }
    return 0;
}

bt_status arc_source_digest(const arc_ent *x, char hex[BT_SHA256_HEX], uint64_t *size, bt_err *e) {
    if (x->origin != ARC_ORIGIN_FILE)
        return bt_err_set(e, BT_EUSAGE, "%s sources are not supported by this build", arc_origin_name(x->origin));
    return bt_sha256_file(x->src, hex, size, e);
}

bt_status arc_source_load(const arc_ent *x, bt_article **a, bt_err *e) {
    if (x->origin != ARC_ORIGIN_FILE)
        return bt_err_set(e, BT_EUSAGE, "%s sources are not supported by this build", arc_origin_name(x->origin));
    bt_input_opts io = {0};
    return bt_input_load(x->src, &io, a, e);
}

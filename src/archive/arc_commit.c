/* arc_commit.c - making a run durable and atomic: the lock, the manifests and tag files, and the
 * commit journal. A run renders into .bantin/stage, syncs it, writes a journal of deletions and
 * renames (payload first, manifests last, "END" last of all) and carries it out; a run killed
 * while renaming is completed by the next one, which replays the journal first. */
#define _GNU_SOURCE /* syncfs, getline */
#include "arc_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bt_status arc_take_lock(arc_ctx *c, bt_err *e) {
    char *p = bt_path_join(c->work, "lock");
    c->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(p);
    if (c->lockfd < 0) return bt_err_set(e, BT_EIO, "cannot create the lock file: %s", strerror(errno));
    if (flock(c->lockfd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        close(c->lockfd);
        c->lockfd = -1;
        if (err == EWOULDBLOCK)
            return bt_err_set(e, BT_EIO, "another bantin run is working on this archive (locked)");
        return bt_err_set(e, BT_EIO, "cannot lock the archive: %s", strerror(err));
    }
    return BT_OK;
}

static int safe_rel(const char *p) {
    if (!*p || *p == '/') return 0;
    for (const char *s = p; s; s = strchr(s, '/')) { /* each component */
        if (*s == '/') s++;
        if (!*s || *s == '/' || (s[0] == '.' && (!s[1] || s[1] == '/' || (s[1] == '.' && (!s[2] || s[2] == '/')))))
            return 0;
    }
    return 1;
}

int arc_journal_line(const char *l, size_t n, const char **rel) {
    *rel = NULL;
    if (n > 0 && l[n - 1] == '\n') n--;
    if (n == 3 && memcmp(l, "END", 3) == 0) return 'E';
    if (n < 3 || l[1] != '\t' || (l[0] != 'D' && l[0] != 'M') || memchr(l, '\0', n)) return 0;
    char path[4096];
    if (n - 2 >= sizeof path) return 0;
    memcpy(path, l + 2, n - 2);
    path[n - 2] = '\0';
    if (!safe_rel(path) || strchr(path, '\n')) return 0;
    /* deletions are payload only; moves are payload or a tag file at the top */
    int payload = strncmp(path, "data/", 5) == 0;
    if (!payload && (l[0] == 'D' || strchr(path, '/'))) return 0;
    *rel = l + 2;
    return l[0];
}

/* Carry out a journal: "D\tpath" deletes, "M\tpath" renames stage/path to bag/path (skipped when
 * already done). A journal never deletes a path it also moves. Idempotent, so a run killed in the
 * middle is completed by replaying it. Read line by line: memory does not grow with the archive. */
bt_status arc_journal_replay(arc_ctx *c, bt_err *e) {
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
    bt_strvec dirs = {0};
    bt_map dirset = {0};
    struct stat bagsb;
    int onefs = stat(c->bag, &bagsb) == 0; /* every directory moved into is on the bag's filesystem */
    bt_status st = BT_OK;
    char *l = NULL;
    size_t cap = 0;
    ssize_t n;
    size_t lineno = 0;
    const char *rel;
    /* first check every line: a damaged journal must not delete or move anything */
    while ((n = getline(&l, &cap, f)) > 0) {
        lineno++;
        if (arc_journal_line(l, (size_t)n, &rel) == 0) {
            st = bt_err_set(e, BT_EPARSE, "the commit journal %s is damaged (line %zu): remove it and run again "
                            "(bantin verify then says what the bag lacks)", jp, lineno);
            break;
        }
    }
    if (st != BT_OK || fseek(f, 0, SEEK_SET) != 0) {
        free(l);
        fclose(f);
        free(jp);
        return st != BT_OK ? st : bt_err_set(e, BT_EIO, "cannot read the commit journal");
    }
    const char *crash = getenv("BANTIN_TEST_CRASH_AFTER_MOVES"); /* tests: die half-way */
    long moves = 0, crash_at = crash ? strtol(crash, NULL, 10) : -1;
    while (st == BT_OK && (n = getline(&l, &cap, f)) > 0) {
        int op = arc_journal_line(l, (size_t)n, &rel);
        if (l[n - 1] == '\n') l[--n] = '\0';
        if (op == 'D') {
            char *p = bt_path_join(c->bag, rel);
            unlink(p);
            free(p);
        } else if (op == 'M') {
            char *from = bt_path_join(c->stage, rel);
            char *to = bt_path_join(c->bag, rel);
            struct stat sb;
            if (stat(from, &sb) == 0) {
                char *d = bt_path_dirname(to);
                if (bt_map_gets(&dirset, d) < 0) { /* a directory not seen yet: make it (once) */
                    st = bt_mkdirs(d, 0755, e);
                    struct stat dsb;
                    if (st == BT_OK && (stat(d, &dsb) != 0 || dsb.st_dev != bagsb.st_dev)) onefs = 0;
                    bt_map_puts(&dirset, d, 1);
                    bt_strvec_push(&dirs, d);
                } else {
                    free(d);
                }
                if (st == BT_OK && rename(from, to) != 0)
                    st = bt_err_set(e, BT_EIO, "cannot move %s into place: %s", rel, strerror(errno));
                if (++moves == crash_at) _exit(137);
            }
            free(from);
            free(to);
        }
    }
    free(l);
    fclose(f);
    /* the renames made durable: one flush of the bag's filesystem costs one journal commit,
     * where a flush per directory costs one each (75 for 1,000 articles over six years) */
    int fsd = onefs && dirs.n > 1 ? open(c->bag, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fsd < 0 || syncfs(fsd) != 0)
        for (size_t i = 0; i < dirs.n; i++) bt_fsync_dir(dirs.v[i]);
    if (fsd >= 0) close(fsd);
    bt_strvec_free(&dirs);
    bt_map_free(&dirset);
    if (st == BT_OK) {
        unlink(jp);
        bt_fsync_dir(c->work);
        bt_rm_tree(c->stage);
    }
    free(jp);
    return st;
}

bt_status arc_write_manifests(arc_ctx *c, bt_err *e) {
    char *mp = bt_path_join(c->stage, "manifest-sha256.txt");
    bt_bag_manifest *m = NULL;
    bt_status st = bt_bag_manifest_open(&m, mp, e);
    free(mp);
    if (st != BT_OK) return st;
    for (size_t i = 0; i < c->n && st == BT_OK; i++) {
        arc_ent *x = &c->ents[i];
        if (x->status != ST_OK) continue;
        arc_record r;
        if (arc_rec_read(c, x->rec, &r) != 0) {
            st = bt_err_set(e, BT_EIO, "cannot read back the record of %s from the work file", x->src);
            break;
        }
        if (r.has_pdf && r.pdf_path && r.pdf_sha256) {
            char *p = bt_xasprintf("data/%s", r.pdf_path);
            st = bt_bag_manifest_add(m, p, r.pdf_sha256, (uint64_t)r.pdf_size, e);
            free(p);
        }
        arc_record_free(&r);
    }
    for (size_t d = 0; d < c->ndg && st == BT_OK; d++) {
        arc_digest *g = &c->dg[d];
        if (!g->exists || g->gone) continue;
        char *p = bt_xasprintf("data/%s", g->name);
        st = bt_bag_manifest_add(m, p, g->sha, g->size, e);
        free(p);
    }
    if (st == BT_OK) st = arc_web_manifest(c, m, e); /* the WARC files */
    for (size_t k = 0; k <= c->catalogue.n && st == BT_OK; k++) { /* index.json, then the catalogue */
        const char *name = k == 0 ? "index.json" : c->catalogue.v[k - 1];
        char *p = bt_path_join(c->stage_data, name);
        char hex[BT_SHA256_HEX];
        uint64_t size = 0;
        st = bt_sha256_file(p, hex, &size, e);
        free(p);
        if (st != BT_OK) break;
        char *rel = bt_xasprintf("data/%s", name);
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
    const char *tags[] = {ARC_STATE_NAME, NULL};
    return bt_bag_write_tags(c->stage, &info, tags, e);
}

/* Journal lines "M\tdata/..." for every file staged under data/, without listing them in memory.
 * Names starting with '.' are temporary files of atomic writes: not moved. */
static int journal_move_one(void *ud, const bt_dir_entry *ent) {
    FILE *f = ud;
    return fprintf(f, "M\tdata/%s\n", ent->rel) < 0;
}

static int journal_moves(arc_ctx *c, FILE *f) {
    char *data = bt_path_join(c->stage, "data");
    bt_err e = {0};
    int bad = bt_dir_walk(data, BT_WALK_SKIP_HIDDEN, journal_move_one, f, &e) != BT_OK || ferror(f);
    free(data);
    return bad;
}

bt_status arc_commit(arc_ctx *c, bt_err *e) {
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
    static const char *const tags[] = {ARC_STATE_NAME, "bagit.txt", "bag-info.txt", "manifest-sha256.txt",
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
    st = arc_journal_replay(c, e);
    if (st == BT_OK) bt_fsync_dir(c->bag);
    return st;
}


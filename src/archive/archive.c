/* archive.c - bt_archive_run: a run from start to end (open the bag, walk, plan, parse and render in
 * the workers, finish: names and duplicates, digests, index, state, manifests, commit). The steps
 * live in the arc_*.c files; arc_int.h says which file does what. */
#include "arc_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

void arc_emit(arc_ctx *c, bt_archive_event_kind k, const char *phase, size_t done, size_t total,
              const char *path, const char *msg) {
    if (!c->o->progress) return;
    bt_archive_event ev = {k, phase, done, total, path, msg};
    c->o->progress(c->o->ud, &ev);
}

void arc_fail(arc_ctx *c, const char *fmt, ...) {
    if (c->fatal.code) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->fatal.msg, sizeof c->fatal.msg, fmt, ap);
    va_end(ap);
    c->fatal.code = BT_EIO;
}

const char *const bt_archive_phase_names[BT_APHASE_N] = {"scan", "render", "digests", "index", "catalogue",
                                                         "state", "manifests", "commit"};

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void arc_phase_start(arc_ctx *c) { c->mark = now_ms(); }

void arc_phase_end(arc_ctx *c, int k) {
    double t = now_ms();
    struct rusage ru;
    c->stats->phase_ms[k] += t - c->mark;
    if (getrusage(RUSAGE_SELF, &ru) == 0) c->stats->phase_peak_kb[k] = ru.ru_maxrss; /* KB on Linux */
    c->mark = t;
    /* what this step freed goes back to the system before the next one: in the heaps of two
     * threads and among blocks still in use, it would stay resident under the next step's own
     * memory (the catalogue's tables on top of the digests' freed buffers) */
    bt_mem_release();
}

int arc_failed(arc_ctx *c) {
    pthread_mutex_lock(&c->mu);
    int f = c->fatal.code != BT_OK;
    pthread_mutex_unlock(&c->mu);
    return f;
}

int bt_archive_parse_day(const char *s) {
    bt_date d;
    if (!s || strlen(s) != 10 || !bt_date_parse_iso(s, &d)) return 0;
    return arc_date_ymd(&d);
}

void arc_close(arc_ctx *c) {
    arc_web_free(c);
    bt_strpool_free(&c->srcs);
    bt_big_free(c->ents);
    bt_big_free(c->io);
    free(c->dg);
    free(c->dgmem);
    bt_idx_free(&c->dgmap);
    bt_map_free(&c->dgnames);
    bt_strvec_free(&c->dgtext);
    bt_strpool_free(&c->dgstr);
    bt_idx_free(&c->urlmap);
    bt_idx_free(&c->textmap);
    bt_idx_free(&c->namemap);
    bt_map_free(&c->namelost);
    bt_strvec_free(&c->dels);
    bt_strvec_free(&c->catalogue);
    if (c->recs) fclose(c->recs);
    free(c->list);
    free(c->opts_json);
    if (c->stage && c->work) { /* keep the stage while a journal still needs its files */
        char *jp = bt_path_join(c->work, "journal");
        struct stat sb;
        if (stat(jp, &sb) != 0) bt_rm_tree(c->stage);
        free(jp);
    }
    /* a run that made the bag's directory and failed before its first commit leaves nothing
     * behind (not an empty folder holding only the lock) */
    int undo = 0;
    if (c->made_bag && c->work) {
        char *sp = bt_path_join(c->bag, ARC_STATE_NAME), *jp = bt_path_join(c->work, "journal");
        struct stat sb;
        undo = stat(sp, &sb) != 0 && stat(jp, &sb) != 0;
        free(sp);
        free(jp);
        if (undo) bt_rm_tree(c->work);
    }
    if (c->lockfd >= 0) close(c->lockfd); /* releases the lock, after the stage is gone */
    if (undo) rmdir(c->bag); /* (only when empty) */
    free(c->bag);
    free(c->work);
    free(c->stage);
    free(c->stage_data);
    pthread_mutex_destroy(&c->mu);
}

/* Create or open the archive directory, take the lock, finish an interrupted commit, and make a
 * fresh stage. */
bt_status arc_open(arc_ctx *c, int must_be_new, bt_err *e) {
    c->lockfd = -1;
    pthread_mutex_init(&c->mu, NULL);
    arc_dedupe_init(c);
    arc_digest_init(c);
    c->bag = bt_xstrdup(c->o->out);
    size_t bl = strlen(c->bag);
    while (bl > 1 && c->bag[bl - 1] == '/') c->bag[--bl] = '\0';
    struct stat bs;
    c->made_bag = stat(c->bag, &bs) != 0;
    bt_status st = bt_mkdirs(c->bag, 0755, e);
    if (st != BT_OK) return st;
    /* Refuse to turn a directory with other things in it into a bag. */
    char *sp = bt_path_join(c->bag, ARC_STATE_NAME);
    struct stat sb;
    int has_state = stat(sp, &sb) == 0;
    free(sp);
    DIR *d = opendir(c->bag);
    if (!d) return bt_err_set(e, BT_EIO, "%s: %s", c->bag, strerror(errno));
    struct dirent *de;
    int other = 0;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, ARC_WORK_NAME)) other = 1;
    closedir(d);
    c->work = bt_path_join(c->bag, ARC_WORK_NAME);
    char *jp = bt_path_join(c->work, "journal");
    int pending = stat(jp, &sb) == 0;
    free(jp);
    if (other && !has_state && !pending)
        return bt_err_set(e, BT_EUSAGE, "%s is not empty and not a bantin archive", c->bag);
    if (must_be_new && (has_state || pending))
        return bt_err_set(e, BT_EUSAGE, "%s already holds an archive: merge into a new directory", c->bag);
    st = bt_mkdirs(c->work, 0755, e);
    if (st != BT_OK) return st;
    st = arc_take_lock(c, e);
    if (st != BT_OK) return st;
    c->stage = bt_path_join(c->work, "stage");
    c->stage_data = bt_path_join(c->stage, "data");
    st = arc_journal_replay(c, e); /* a previous run died while committing: finish it */
    if (st != BT_OK) return st;
    bt_rm_tree(c->stage);         /* a previous run died before committing: start over */
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
bt_status arc_finish(arc_ctx *c, bt_err *e) {
    bt_status st = BT_OK;
    for (size_t i = 0; i < c->n && st == BT_OK; i++)
        if (c->ents[i].plan == P_TODO) st = arc_assign(c, i, e);
    if (st == BT_OK && c->fatal.code) st = bt_err_set(e, c->fatal.code, "%s", c->fatal.msg);
    if (st != BT_OK) return st;
    /* names and duplicates are settled: what follows (digests, index, catalogue) runs without
     * their indexes, and without the digests' member lists once they are rendered */
    bt_idx_free(&c->urlmap);
    bt_idx_free(&c->textmap);
    bt_idx_free(&c->namemap);
    bt_map_free(&c->namelost);
    bt_big_free(c->io);
    c->io = NULL;

    arc_digest_order(c);
    arc_render_digests(c);
    for (size_t d = 0; d < c->ndg; d++) {
        c->dg[d].mem = NULL;
        c->dg[d].nmem = 0;
    }
    free(c->dgmem);
    c->dgmem = NULL;
    arc_phase_end(c, BT_APHASE_DIGESTS);
    if (c->fatal.code) return bt_err_set(e, c->fatal.code, "%s", c->fatal.msg);
    if (!c->changed) return BT_OK;

    arc_emit(c, BT_AEV_PHASE, "index", 0, 0, NULL, NULL);
    char *ij = bt_path_join(c->stage_data, "index.json");
    st = arc_write_index_json(c, ij, e);
    free(ij);
    arc_phase_end(c, BT_APHASE_INDEX);
    if (st == BT_OK) st = arc_write_catalogue(c, e);
    arc_phase_end(c, BT_APHASE_CATALOGUE);
    if (st == BT_OK) {
        char *sp = bt_path_join(c->stage, ARC_STATE_NAME);
        st = arc_write_state(c, sp, e);
        free(sp);
    }
    arc_phase_end(c, BT_APHASE_STATE);
    if (st == BT_OK) st = arc_write_manifests(c, e);
    arc_phase_end(c, BT_APHASE_MANIFESTS);
    if (st != BT_OK) return st;
    arc_emit(c, BT_AEV_PHASE, "commit", 0, 0, NULL, NULL);
    st = arc_commit(c, e);
    arc_phase_end(c, BT_APHASE_COMMIT);
    if (st == BT_OK) c->stats->committed = 1;
    return st;
}

void arc_count_stats(arc_ctx *c) {
    bt_archive_stats *s = c->stats;
    s->ok = s->failed = s->duplicates = s->filtered = s->removed = s->gone = 0;
    for (size_t i = 0; i < c->n; i++) {
        arc_ent *x = &c->ents[i];
        s->ok += x->status == ST_OK;
        /* (a web source's earlier permanent failure, carried over: not this run's failure) */
        int gone = c->web && x->status == ST_FAILED && x->plan == P_UNCHANGED && x->origin != ARC_ORIGIN_FILE;
        s->gone += gone;
        s->failed += x->status == ST_FAILED && !gone;
        s->duplicates += x->status == ST_DUP;
        s->filtered += x->status == ST_FILTERED;
        s->removed += x->plan == P_REMOVED;
        s->unchanged += x->plan == P_UNCHANGED;
    }
}

/* After a failure: say what became of the archive. */
static void note_state(arc_ctx *c, bt_err *e) {
    if (!e || e->code == BT_EUSAGE) return;
    char *jp = bt_path_join(c->work, "journal");
    struct stat sb;
    int pending = stat(jp, &sb) == 0;
    free(jp);
    size_t l = strlen(e->msg);
    snprintf(e->msg + l, sizeof e->msg - l, "%s", pending ? "; the commit is unfinished: run bantin archive again to complete it"
                                                          : "; the archive was left as it was");
}

bt_status bt_archive_run(const bt_archive_opts *o, bt_archive_stats *stats, bt_err *e) {
    arc_ctx c = {0};
    bt_archive_stats dummy;
    memset(stats ? stats : &dummy, 0, sizeof dummy);
    c.o = o;
    c.stats = stats ? stats : &dummy;
    xmlInitParser();
    arc_phase_start(&c);
    c.opts_json = arc_options_json(o, 1);
    bt_status st = arc_open(&c, 0, e);
    arc_found *w = NULL;
    size_t nw = 0;
    char *rebuilt = NULL;
    if (st == BT_OK && o->rebuild_state) {
        rebuilt = bt_path_join(c.stage, "rebuilt-state.jsonl");
        st = arc_rebuild_state(&c, rebuilt, e);
        c.changed = 1;
    }
    if (st == BT_OK) {
        arc_emit(&c, BT_AEV_PHASE, "scan", 0, 0, NULL, NULL);
        st = arc_walk(&c, &w, &nw, e);
    }
    if (st == BT_OK) {
        c.stats->sources = nw;
        st = arc_plan(&c, w, nw, rebuilt, e);
        bt_big_free(w);
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
        arc_phase_end(&c, BT_APHASE_SCAN);
        arc_emit(&c, BT_AEV_PHASE, o->pdf ? "render" : "parse", 0, ntodo, NULL, NULL);
        if (ntodo) arc_pool_run(&c, ntodo, arc_parse_job);
        arc_phase_end(&c, BT_APHASE_RENDER);
        st = c.fatal.code ? bt_err_set(e, c.fatal.code, "%s", c.fatal.msg) : arc_finish(&c, e);
    }
    /* the first cause (a full disk under the work file) explains what followed ("cannot read back") */
    if (st != BT_OK && c.fatal.code) st = bt_err_set(e, c.fatal.code, "%s", c.fatal.msg);
    if (st != BT_OK && c.work) note_state(&c, e);
    free(rebuilt);
    arc_count_stats(&c);
    arc_close(&c);
    return st;
}

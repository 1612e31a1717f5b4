/* arc_merge.c - joining shard bags into a new bag. Every input must verify and have been made with
 * the same options (the shard aside). Their records are read in, sorted by source as one run
 * would have them, and the usual finish (duplicates, names, digests, index, commit) runs on them:
 * PDFs are copied from the shards instead of rendered; digests are rendered from the sources
 * (shard runs make none: a digest spans shards), or copied from a bag that holds all their
 * articles (bags made without --shard). */
#include "arc_int.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "template.h"

static void count_problem(void *ud, bt_bag_problem kind, const char *path, const char *detail) {
    (void)kind; (void)path; (void)detail;
    (*(size_t *)ud)++;
}

/* path with its links resolved, whether it exists or not: the longest existing prefix through
 * realpath, the rest as given (heap string; NULL when not even "." resolves). */
static char *resolve_loose(const char *path) {
    char *head = bt_xstrdup(path), *tail = bt_xstrdup("");
    char *r;
    while (!(r = realpath(*head ? head : ".", NULL))) {
        char *slash = strrchr(head, '/');
        char *t = bt_xasprintf("%s%s%s", slash ? slash + 1 : head, *tail ? "/" : "", tail);
        free(tail);
        tail = t;
        if (!slash) *head = '\0';
        else if (slash == head) head[1] = '\0';
        else *slash = '\0';
        if (!*head) {
            r = realpath(".", NULL);
            break;
        }
    }
    char *out = r && *tail ? bt_xasprintf("%s%s%s", r, strcmp(r, "/") ? "/" : "", tail) : (r ? bt_xstrdup(r) : NULL);
    free(r);
    free(head);
    free(tail);
    return out;
}

/* Check the inputs; *common gets their shared options (canonical JSON without the shard). The
 * new bag may not be one of them or lie inside one (it would change a bag being read, and leave
 * it with files its manifests do not list). */
static bt_status check_inputs(const char *const *bags, size_t nbags, const char *out, char **common,
                              int *shard_k, int *shard_n, bt_err *e) {
    *common = NULL;
    /* a bag given twice is a slip of the command line (a shard left out, most likely): said
     * rather than merged as if it were two */
    for (size_t b = 0; b < nbags; b++) {
        char *rb = realpath(bags[b], NULL);
        for (size_t a = 0; a < b && rb; a++) {
            char *ra = realpath(bags[a], NULL);
            int same = ra && strcmp(ra, rb) == 0;
            free(ra);
            if (same) {
                free(rb);
                return bt_err_set(e, BT_EUSAGE, "%s is given twice (as %s and %s): give each shard bag once",
                                  bags[b], bags[a], bags[b]);
            }
        }
        free(rb);
    }
    char *oreal = resolve_loose(out);
    for (size_t b = 0; b < nbags && oreal; b++) {
        char *breal = realpath(bags[b], NULL);
        size_t bl = breal ? strlen(breal) : 0;
        int inside = bl && strncmp(oreal, breal, bl) == 0 && (oreal[bl] == '\0' || oreal[bl] == '/');
        free(breal);
        if (inside) {
            free(oreal);
            return bt_err_set(e, BT_EUSAGE, "%s is inside the bag %s being merged: merge into a new directory elsewhere",
                              out, bags[b]);
        }
    }
    free(oreal);
    for (size_t b = 0; b < nbags; b++) {
        size_t np = 0, nf = 0;
        bt_err ve = {0};
        if (bt_archive_verify(bags[b], count_problem, &np, NULL, &nf, &ve) != BT_OK || np) {
            free(*common);
            *common = NULL;
            return bt_err_set(e, BT_EIO, "%s: not a valid bag (%s); run bantin verify on it", bags[b],
                              ve.msg[0] ? ve.msg : "problems found");
        }
        char *opts = NULL;
        char *sp = bt_path_join(bags[b], ARC_STATE_NAME);
        arc_state_reader rd;
        bt_status st = arc_state_open(&rd, sp, sp, &opts, &ve);
        int found = rd.f != NULL;
        arc_state_close(&rd);
        free(sp);
        if (st != BT_OK || !found) {
            free(*common);
            *common = NULL;
            if (st != BT_OK) return bt_err_set(e, st, "%s", ve.msg);
            return bt_err_set(e, BT_EUSAGE, "%s: not a bantin archive (no %s)", bags[b], ARC_STATE_NAME);
        }
        json_t *j = json_loads(opts, 0, NULL);
        free(opts);
        int k = 0, n = 0;
        const char *sh = json_string_value(json_object_get(j, "shard"));
        if (sh && sscanf(sh, "%d/%d", &k, &n) == 2 && k >= 1 && n >= 2 && k <= n) {
            shard_k[b] = k;
            shard_n[b] = n;
        }
        json_object_del(j, "shard");
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(j);
        if (*common && strcmp(*common, s) != 0) {
            bt_err_set(e, BT_EUSAGE, "%s was made with other options (%s, not %s)", bags[b], s, *common);
            free(s);
            free(*common);
            *common = NULL;
            return BT_EUSAGE;
        }
        if (!*common) *common = s;
        else free(s);
    }
    /* two bags of one shard (a shard run twice, into two places) */
    for (size_t b = 0; b < nbags; b++)
        for (size_t a = 0; a < b; a++)
            if (shard_n[b] && shard_k[a] == shard_k[b] && shard_n[a] == shard_n[b]) {
                free(*common);
                *common = NULL;
                return bt_err_set(e, BT_EUSAGE, "%s and %s are both shard %d/%d: give each shard once",
                                  bags[a], bags[b], shard_k[b], shard_n[b]);
            }
    return BT_OK;
}

/* Shards of the inputs' split (K/N) that none of them is: counted, with the first, in stats. */
static void missing_shards(const int *shard_k, const int *shard_n, size_t nbags, bt_archive_stats *s) {
    int n = 0;
    for (size_t b = 0; b < nbags; b++) {
        if (!shard_n[b]) return; /* a whole bag among them: nothing to miss */
        if (shard_n[b] > n) n = shard_n[b];
    }
    if (n < 2 || n > 100000) return;
    s->shards_of = n;
    for (int k = 1; k <= n; k++) {
        size_t b = 0;
        while (b < nbags && !(shard_k[b] == k && shard_n[b] == n)) b++;
        if (b == nbags && !s->shards_missing++) s->shard_missing = k;
    }
}

/* Read one shard's state into the context. */
static bt_status read_shard(arc_ctx *c, size_t b, bt_err *e) {
    char *opts = NULL;
    char *sp = bt_path_join(c->bags[b], ARC_STATE_NAME);
    arc_state_reader rd;
    bt_status st = arc_state_open(&rd, sp, sp, &opts, e);
    free(opts);
    arc_line l;
    int more = 0;
    while (st == BT_OK && rd.f && (more = arc_state_next(&rd, &l, e)) > 0) {
        if (l.kind == ARC_LINE_DIGEST) {
            arc_load_digest_line(c, &l.dg, (int16_t)b);
        } else if (l.kind == ARC_LINE_ARTICLE) {
            arc_ent x = {0};
            x.src = bt_strpool_add(&c->srcs, l.rec.src);
            x.origin = (uint8_t)l.rec.origin;
            x.digest = -1;
            x.from_bag = (int16_t)b;
            x.present = !l.rec.removed;
            x.status = (uint8_t)l.rec.status;
            x.ymd = arc_ymd_from_iso(l.rec.date);
            /* archived articles are named and filed again across all shards */
            x.plan = x.status == ST_OK ? P_TODO : P_UNCHANGED;
            x.rec = arc_rec_append(c, &l.rec);
            arc_ent_push(c, &x, l.rec.size, l.rec.mtime_ns, -1);
            c->stats->sources += x.present;
        }
        arc_line_free(&l);
    }
    if (st == BT_OK && more < 0) st = BT_EPARSE;
    arc_state_close(&rd);
    free(sp);
    return st;
}

bt_status bt_archive_merge(const char *const *bags, size_t nbags, const bt_archive_opts *o,
                           bt_archive_stats *stats, bt_err *e) {
    bt_archive_stats dummy;
    memset(stats ? stats : &dummy, 0, sizeof dummy);
    xmlInitParser();
    if (nbags > 30000) return bt_err_set(e, BT_EUSAGE, "too many bags");
    char *common = NULL;
    int *shard_k = bt_xcalloc(nbags ? nbags : 1, sizeof *shard_k);
    int *shard_n = bt_xcalloc(nbags ? nbags : 1, sizeof *shard_n);
    bt_status st = check_inputs(bags, nbags, o->out, &common, shard_k, shard_n, e);
    if (st == BT_OK) missing_shards(shard_k, shard_n, nbags, stats ? stats : &dummy);
    free(shard_k);
    free(shard_n);
    if (st != BT_OK) return st;
    bt_archive_opts mo = *o;
    mo.shard_k = mo.shard_n = 0;
    json_t *hold = NULL;
    arc_options_from_json(common, &mo, &hold);
    free(common);
    /* the shards' look: the digests rendered here must look like theirs */
    const char *tn = json_string_value(json_object_get(hold, "template"));
    const char *given = o->tpl && o->tpl->name ? o->tpl->name : "default";
    bt_template *own = NULL;
    if (tn && strcmp(tn, given) != 0) {
        bt_err te = {0};
        if (strcmp(given, "default") != 0)
            st = bt_err_set(e, BT_EUSAGE, "the shards were made with --template %s, not %s", tn, given);
        else if (bt_template_load(tn, &own, &te) != BT_OK)
            st = bt_err_set(e, BT_EUSAGE, "the shards were made with the template %s, which cannot be loaded here "
                                          "(%s): give it with --template", tn, te.msg);
        if (st != BT_OK) { /* (tn lives in hold) */
            json_decref(hold);
            return st;
        }
        mo.tpl = own;
    }

    arc_ctx c = {0};
    c.o = &mo;
    c.stats = stats ? stats : &dummy;
    c.bags = bags;
    c.nbags = nbags;
    c.opts_json = arc_options_json(&mo, 1);
    c.changed = 1;
    arc_phase_start(&c);
    st = arc_open(&c, 1, e);
    for (size_t b = 0; b < nbags && st == BT_OK; b++) st = read_shard(&c, b, e);
    if (st == BT_OK) {
        qsort(c.ents, c.n, sizeof *c.ents, arc_cmp_ent);
        size_t k = 0;
        for (size_t i = 0; i < c.n; i++) {
            if (k > 0 && strcmp(c.ents[k - 1].src, c.ents[i].src) == 0) continue;
            c.ents[k++] = c.ents[i];
        }
        c.n = k;
        arc_ents_fit(&c);
        for (size_t d = 0; d < c.ndg; d++) {
            c.dg[d].dirty = 1;   /* every digest is copied or rendered again */
            c.dg[d].exists = 0;  /* nothing is in the new bag yet */
        }
        arc_phase_end(&c, BT_APHASE_SCAN);
        arc_emit(&c, BT_AEV_PHASE, "merge", 0, c.n, NULL, NULL);
        st = arc_finish(&c, e);
    }
    if (st != BT_OK && c.fatal.code) st = bt_err_set(e, c.fatal.code, "%s", c.fatal.msg);
    arc_count_stats(&c);
    c.stats->unchanged = 0;
    arc_close(&c);
    json_decref(hold);
    bt_template_free(own);
    return st;
}

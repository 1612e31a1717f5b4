/* arc_plan.c - the plan of a run: the walk merged with the previous state, in one pass over both
 * (both are sorted by source key). Each source becomes unchanged (its record is carried over),
 * to do (parsed and rendered this run) or removed (its source is gone; an archived article
 * stays, marked). */
#include "arc_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Register an archived (unchanged or removed) ok article: its keys, its PDF name, its digest. */
static void register_kept(arc_ctx *c, size_t i, const arc_record *r) {
    arc_ent *x = &c->ents[i];
    if (x->status != ST_OK) return;
    /* (r is the record at x->rec: the indexes compare their keys there) */
    if (r->canonical_url) bt_idx_puts(&c->urlmap, r->canonical_url, (int32_t)i);
    if (r->text_sha256) bt_idx_puts(&c->textmap, r->text_sha256, (int32_t)i);
    if (r->pdf_path) bt_idx_puts(&c->namemap, r->pdf_path, (int32_t)i);
    if (r->digest) {
        int32_t d = bt_idx_gets(&c->dgmap, r->digest);
        if (d < 0) { /* state without that digest: render it */
            char *name, *cat, *label;
            arc_digest_name(c, r, &name, &cat, &label);
            d = arc_digest_get(c, r->digest, cat, label);
            c->dg[d].dirty = 1;
            free(name);
            free(cat);
            free(label);
        }
        x->digest = d;
    }
}

static void ent_from_record(arc_ent *x, const arc_record *r) {
    x->status = (uint8_t)r->status;
    x->ymd = arc_ymd_from_iso(r->date);
}

void arc_load_digest_line(arc_ctx *c, const arc_digest_line *r, int16_t from_bag) {
    if (!r->path || !r->sha256 || strlen(r->sha256) != 64) return;
    int32_t d = arc_digest_get(c, r->path, r->category, r->label);
    arc_digest *g = &c->dg[d];
    if (from_bag >= 0 && g->exists) { /* in two shards: must be re-rendered */
        g->from_bag = -1;
        g->dirty = 1;
        return;
    }
    memcpy(g->sha, r->sha256, BT_SHA256_HEX);
    g->size = (uint64_t)r->size;
    g->members = (size_t)r->articles;
    g->exists = 1;
    g->from_bag = from_bag;
    if (from_bag < 0) { /* gone from the bag (deleted by hand): render it again */
        char *abs = bt_xasprintf("%s/data/%s", c->bag, r->path);
        struct stat sb;
        if (stat(abs, &sb) != 0) {
            g->exists = 0;
            g->dirty = 1;
            c->changed = 1;
        }
        free(abs);
    }
}

/* An unchanged ok article must still have its outputs in the bag, else it is rendered again. */
static int outputs_present(arc_ctx *c, const arc_record *r) {
    if (!r->pdf_path) return !c->o->pdf;
    char *abs = bt_xasprintf("%s/data/%s", c->bag, r->pdf_path);
    struct stat sb;
    int ok = stat(abs, &sb) == 0;
    free(abs);
    return ok;
}

/* Takes over every entry of w (also when it fails). */
bt_status arc_plan(arc_ctx *c, arc_found *w, size_t nw, const char *rebuilt, bt_err *e) {
    char *opts = NULL;
    char *sp = rebuilt ? bt_xstrdup(rebuilt) : bt_path_join(c->bag, ARC_STATE_NAME);
    arc_state_reader rd;
    bt_status st = arc_state_open(&rd, sp, ARC_STATE_NAME, &opts, e);
    free(sp);
    if (st == BT_OK && rd.f && !rebuilt) st = arc_state_check(c->bag, e);
    if (st == BT_OK && rd.f && strcmp(opts, c->opts_json) != 0)
        st = bt_err_set(e, BT_EUSAGE,
                        "the archive was made with other options (%s; now %s): use the same options or "
                        "a new archive directory", opts, c->opts_json);
    free(opts);
    arc_ents_reserve(c, c->n + nw); /* (sources gone since the last run come on top) */
    size_t wi = 0;
    arc_line l;
    int more = 0;
    while (st == BT_OK && rd.f && (more = arc_state_next(&rd, &l, e)) != 0) {
        if (more < 0) { /* damaged: the run stops (e names the line) */
            st = BT_EPARSE;
            break;
        }
        if (l.kind == ARC_LINE_DIGEST) arc_load_digest_line(c, &l.dg, -1);
        if (l.kind != ARC_LINE_ARTICLE) {
            arc_line_free(&l);
            continue;
        }
        arc_record *r = &l.rec;
        while (wi < nw && strcmp(w[wi].src, r->src) < 0) {
            arc_ent x = arc_ent_of(&w[wi]);
            arc_ent_push(c, &x, w[wi].size, w[wi].mtime_ns, -1);
            wi++;
        }
        if (wi < nw && strcmp(w[wi].src, r->src) == 0) {
            const arc_found *f = &w[wi++];
            arc_ent x = arc_ent_of(f);
            int same = 0;
            /* (a web source decides for failed records too: a 404 is not fetched again) */
            if (r->status == ST_OK || r->status == ST_FILTERED || f->origin != ARC_ORIGIN_FILE)
                same = arc_source_same(c, f, r);
            if (same && r->status == ST_OK && !outputs_present(c, r)) same = 0;
            if (same) {
                x.plan = P_UNCHANGED;
                ent_from_record(&x, r);
                if (same == 2 || r->removed) {
                    r->mtime_ns = f->mtime_ns;
                    r->removed = 0;
                    c->changed = 1;
                }
                x.rec = arc_rec_append(c, r);
                arc_ent_push(c, &x, f->size, f->mtime_ns, -1);
                register_kept(c, c->n - 1, r);
            } else {
                arc_ent_push(c, &x, f->size, f->mtime_ns, arc_rec_append(c, r));
            }
        } else if (r->status == ST_OK) {
            /* the source is gone: an archived article stays (marked); others are dropped */
            arc_ent x = {0};
            x.src = bt_strpool_add(&c->srcs, r->src);
            x.origin = (uint8_t)r->origin;
            x.rec = -1;
            x.digest = -1;
            x.from_bag = -1;
            x.plan = P_REMOVED;
            ent_from_record(&x, r);
            if (!r->removed) {
                r->removed = 1;
                c->changed = 1;
            }
            x.rec = arc_rec_append(c, r);
            arc_ent_push(c, &x, r->size, r->mtime_ns, -1);
            register_kept(c, c->n - 1, r);
        } else {
            c->changed = 1;
        }
        arc_line_free(&l);
    }
    while (wi < nw) { /* (also on failure: the context owns every entry) */
        arc_ent x = arc_ent_of(&w[wi]);
        arc_ent_push(c, &x, w[wi].size, w[wi].mtime_ns, -1);
        wi++;
    }
    arc_state_close(&rd);
    arc_ents_fit(c);
    return st;
}

/* arc_index.c - the bag's own catalogue: data/index.json (every listed article's public record
 * and the digests, streamed from the records work file so memory does not grow with the
 * archive), and data/index.html with the OPDS feeds (written by the catalogue module). */
#include "arc_int.h"

#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "catalogue.h"
#include "template.h"

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int arc_listed_in_index(const arc_ent *x) {
    return x->status == ST_OK || x->status == ST_FAILED || x->status == ST_DUP;
}

static void put_str(json_t *o, const char *k, const char *v) {
    if (v) json_object_set_new(o, k, json_string(v));
}

/* The public form of a record (index.json): internal fields dropped, paths under "outputs". */
static json_t *public_record(const arc_record *r, const arc_ent *x) {
    json_t *o = json_object();
    json_t *src = json_object();
    json_object_set_new(src, "path", json_string(x->src));
    put_str(src, "sha256", r->sha256);
    json_object_set_new(src, "size", json_integer(r->size));
    if (x->plan == P_REMOVED || r->removed) json_object_set_new(src, "removed", json_true());
    json_object_set_new(o, "source", src);
    put_str(o, "title", r->title);
    put_str(o, "category", r->category);
    put_str(o, "date", r->date);
    put_str(o, "author", r->author);
    put_str(o, "url", r->url);
    put_str(o, "language", r->language);
    put_str(o, "status", arc_status_name(r->status));
    put_str(o, "reason", r->reason);
    put_str(o, "duplicate_of", r->duplicate_of);
    json_t *outs = json_object();
    if (x->status == ST_OK && r->has_pdf && r->pdf_path) {
        json_t *p = json_object();
        json_object_set_new(p, "path", json_string(r->pdf_path));
        json_object_set_new(p, "sha256", json_string(r->pdf_sha256 ? r->pdf_sha256 : ""));
        json_object_set_new(p, "size", json_integer(r->pdf_size));
        json_object_set_new(outs, "pdf", p);
    }
    if (x->status == ST_OK && r->digest) json_object_set_new(outs, "epub", json_string(r->digest));
    json_object_set_new(o, "outputs", outs);
    if (r->warc_file) { /* the HTTP evidence: the WARC file and its response record */
        json_t *wj = json_object();
        json_object_set_new(wj, "file", json_string(r->warc_file));
        json_object_set_new(wj, "offset", json_integer(r->warc_offset));
        put_str(wj, "record_id", r->warc_record_id);
        json_object_set_new(o, "warc", wj);
    }
    put_str(o, "canonical_url", r->canonical_url);
    put_str(o, "text_sha256", r->text_sha256);
    if (r->warnings.n) {
        json_t *wa = json_array();
        for (size_t k = 0; k < r->warnings.n; k++) json_array_append_new(wa, json_string(r->warnings.v[k]));
        json_object_set_new(o, "warnings", wa);
    }
    return o;
}

bt_status arc_write_index_json(arc_ctx *c, const char *path, bt_err *e) {
    bt_outfile of;
    bt_status st = bt_outfile_open(&of, path, e);
    if (st != BT_OK) return st;
    FILE *f = of.f;
    fputs("{\n\"format\": \"bantin-archive-index\",\n\"version\": 1,\n", f);
    fprintf(f, "\"generator\": \"bantin %s\",\n\"articles\": [\n", BT_VERSION);
    int first = 1;
    for (size_t i = 0; i < c->n; i++) {
        arc_ent *x = &c->ents[i];
        if (!arc_listed_in_index(x)) continue;
        arc_record r;
        if (arc_rec_read(c, x->rec, &r) != 0) {
            bt_outfile_abort(&of);
            return bt_err_set(e, BT_EIO, "cannot read back the record of %s from the work file", x->src);
        }
        json_t *p = public_record(&r, x);
        char *s = json_dumps(p, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        fprintf(f, "%s%s", first ? "" : ",\n", s);
        free(s);
        json_decref(p);
        arc_record_free(&r);
        first = 0;
    }
    fputs("\n],\n\"digests\": [", f);
    int df = 1;
    for (size_t d = 0; d < c->ndg; d++) {
        arc_digest *g = &c->dg[d];
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
    if (ferror(f)) {
        bt_outfile_abort(&of);
        return bt_err_set(e, BT_EIO, "cannot write %s", path);
    }
    return bt_outfile_commit(&of, e);
}

/* data/index.html and the OPDS feeds: the catalogue module (catalogue.h) reads the records one at
 * a time from the work file (memory stays flat as the archive grows). The files written go into
 * c->catalogue (for the manifests); OPDS feeds of the previous run that this one does not write
 * again (a category gone) are deleted at commit. */
typedef struct {
    arc_ctx *c;
    uint32_t *listed; /* catalogue index -> ents index (4 bytes: the catalogue takes at most 2^32) */
    arc_record r;   /* the record handed out last */
} cat_source;

static bt_status cat_article(void *ud, size_t i, bt_cat_article *a, bt_err *e) {
    cat_source *s = ud;
    const arc_ent *x = &s->c->ents[s->listed[i]];
    arc_record_free(&s->r);
    if (arc_rec_read(s->c, x->rec, &s->r) != 0)
        return bt_err_set(e, BT_EIO, "cannot read back the record of %s from the work file", x->src);
    const arc_record *r = &s->r;
    memset(a, 0, sizeof *a);
    a->title = r->title ? r->title : x->src;
    a->category = r->category;
    a->date = r->date;
    a->author = r->author;
    a->language = r->language;
    if (x->status == ST_OK && r->has_pdf && r->pdf_path) {
        a->pdf = r->pdf_path;
        a->pdf_size = (uint64_t)r->pdf_size;
    }
    if (x->status == ST_OK) a->digest = r->digest;
    a->url = r->url;
    a->status = arc_status_name((arc_status)x->status);
    a->reason = r->reason ? r->reason : r->duplicate_of;
    a->key = r->text_sha256;
    return BT_OK;
}

bt_status arc_write_catalogue(arc_ctx *c, bt_err *e) {
    cat_source src;
    memset(&src, 0, sizeof src);
    src.c = c;
    if (c->n > UINT32_MAX) return bt_err_set(e, BT_ELIMIT, "catalogue: too many articles");
    src.listed = bt_xmalloc((c->n ? c->n : 1) * sizeof *src.listed);
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        if (arc_listed_in_index(&c->ents[i])) src.listed[n++] = (uint32_t)i;
    bt_cat_digest *dg = bt_xcalloc(c->ndg ? c->ndg : 1, sizeof *dg);
    size_t nd = 0;
    for (size_t d = 0; d < c->ndg; d++) {
        arc_digest *g = &c->dg[d];
        if (g->exists && !g->gone) dg[nd++] = (bt_cat_digest){g->name, g->category, g->label, g->members, g->size};
    }
    /* the look: the template's stylesheet and title ({org}: --source-org, else the template's) */
    bt_template *own = NULL;
    const bt_template *t = c->o->tpl;
    if (!t && bt_template_load(NULL, &own, NULL) == BT_OK) t = own;
    const char *org = c->o->source_org ? c->o->source_org : t && t->org && *t->org ? t->org : NULL;
    bt_tpl_vars v = {org, NULL, NULL, NULL, 0, 0};
    char *title = t ? bt_template_expand(t->catalogue_title, &v) : NULL;
    char gen[64];
    snprintf(gen, sizeof gen, "bantin %s", BT_VERSION);
    bt_catalogue cat = {NULL, n, dg, nd, title && *title ? title : NULL, org, t ? t->catalogue_css : NULL,
                        NULL, c->o->epoch, gen, cat_article, &src};
    bt_strvec names = {0};
    bt_status st = bt_catalogue_write(c->stage_data, &cat, &names, e);
    arc_record_free(&src.r);
    for (size_t i = 0; st == BT_OK && i < names.n; i++) bt_strvec_push(&c->catalogue, bt_xstrdup(names.v[i]));
    if (st == BT_OK) { /* feeds of categories that are gone */
        bt_strvec old = {0};
        char *od = bt_path_join(c->bag, "data/opds");
        struct stat sb;
        bt_strvec_sort(&names);
        if (stat(od, &sb) == 0 && bt_dir_list(od, "opds", BT_WALK_SKIP_HIDDEN, &old, NULL, NULL) == BT_OK)
            for (size_t k = 0; k < old.n; k++)
                if (!bsearch(&old.v[k], names.v, names.n, sizeof *names.v, cmp_str))
                    bt_strvec_push(&c->dels, bt_xasprintf("data/%s", old.v[k]));
        bt_strvec_free(&old);
        free(od);
    }
    bt_strvec_free(&names);
    free(title);
    bt_template_free(own);
    free(src.listed);
    free(dg);
    return st;
}

/* arc_rebuild.c - --rebuild-state: a damaged or lost bantin-state.jsonl rebuilt from the bag's own
 * payload. data/index.json (checked against manifest-sha256.txt first) lists every archived,
 * failed and duplicate article with its source's path, size and SHA-256, its metadata and its
 * outputs, and every digest: all the state holds, except source modification times (0 here: the
 * next plan compares contents instead, and keeps what did not change) and filtered articles (not
 * in the index: they are parsed and filtered again). The rebuilt file goes into the stage; the run
 * then reads it instead of the bag's and commits a fresh state and tag manifest. */
#include "arc_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *jstr(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}
static int64_t jint(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

/* The SHA-256 that manifest-sha256.txt gives for data/index.json, or "" . */
static void manifest_entry(const char *bag, const char *rel, char out[BT_SHA256_HEX]) {
    out[0] = '\0';
    char *mp = bt_path_join(bag, "manifest-sha256.txt");
    char *buf = NULL;
    size_t len = 0;
    bt_err e = {0};
    if (bt_read_file(mp, (size_t)1 << 30, &buf, &len, &e) == BT_OK) {
        size_t rl = strlen(rel);
        for (char *line = buf; line && *line;) {
            char *nl = strchr(line, '\n');
            if (nl) *nl = '\0';
            if (strlen(line) == 66 + rl && strcmp(line + 66, rel) == 0) {
                memcpy(out, line, 64);
                out[64] = '\0';
            }
            line = nl ? nl + 1 : NULL;
        }
    }
    free(buf);
    free(mp);
}

static void record_from_index(json_t *a, arc_record *r) {
    memset(r, 0, sizeof *r);
    json_t *src = json_object_get(a, "source");
    r->origin = ARC_ORIGIN_FILE;
    arc_set(&r->src, jstr(src, "path"));
    arc_set(&r->sha256, jstr(src, "sha256"));
    r->size = jint(src, "size");
    r->mtime_ns = 0; /* unknown: the next plan compares contents */
    r->removed = json_is_true(json_object_get(src, "removed"));
    arc_set(&r->title, jstr(a, "title"));
    arc_set(&r->category, jstr(a, "category"));
    arc_set(&r->date, jstr(a, "date"));
    arc_set(&r->author, jstr(a, "author"));
    arc_set(&r->url, jstr(a, "url"));
    arc_set(&r->language, jstr(a, "language"));
    r->status = arc_status_parse(jstr(a, "status"));
    arc_set(&r->reason, jstr(a, "reason"));
    arc_set(&r->duplicate_of, jstr(a, "duplicate_of"));
    json_t *outs = json_object_get(a, "outputs");
    json_t *pdf = json_object_get(outs, "pdf");
    if (json_is_object(pdf)) {
        r->has_pdf = 1;
        arc_set(&r->pdf_path, jstr(pdf, "path"));
        arc_set(&r->pdf_sha256, jstr(pdf, "sha256"));
        r->pdf_size = jint(pdf, "size");
    }
    arc_set(&r->digest, jstr(outs, "epub"));
    arc_set(&r->canonical_url, jstr(a, "canonical_url"));
    arc_set(&r->text_sha256, jstr(a, "text_sha256"));
    json_t *w = json_object_get(a, "warnings");
    for (size_t k = 0; json_is_array(w) && k < json_array_size(w); k++)
        if (json_is_string(json_array_get(w, k)))
            bt_strvec_push(&r->warnings, bt_xstrdup(json_string_value(json_array_get(w, k))));
}

static int cmp_src(const void *a, const void *b) {
    const char *x = jstr(json_object_get(*(json_t *const *)a, "source"), "path");
    const char *y = jstr(json_object_get(*(json_t *const *)b, "source"), "path");
    return strcmp(x, y);
}

static int write_line(FILE *f, json_t *j) {
    char *s = json_dumps(j, JSON_COMPACT);
    int bad = !s || fprintf(f, "%s\n", s) < 0;
    free(s);
    return bad;
}

bt_status arc_rebuild_state(arc_ctx *c, const char *path, bt_err *e) {
    char want[BT_SHA256_HEX], got[BT_SHA256_HEX] = "";
    manifest_entry(c->bag, "data/index.json", want);
    char *ip = bt_xasprintf("%s/data/index.json", c->bag);
    bt_err e2 = {0};
    if (want[0]) bt_sha256_file(ip, got, NULL, &e2);
    if (!want[0] || strcasecmp(want, got) != 0) {
        free(ip);
        return bt_err_set(e, BT_EPARSE, "cannot rebuild the state: data/index.json is missing or does not match "
                                        "manifest-sha256.txt");
    }
    json_error_t je;
    json_t *idx = json_load_file(ip, 0, &je);
    free(ip);
    json_t *arts = json_object_get(idx, "articles"), *dgs = json_object_get(idx, "digests");
    if (!jstr(idx, "format") || strcmp(jstr(idx, "format"), "bantin-archive-index") != 0 || !json_is_array(arts) ||
        !json_is_array(dgs)) {
        json_decref(idx);
        return bt_err_set(e, BT_EPARSE, "cannot rebuild the state: data/index.json is not a bantin archive index");
    }
    /* articles in source order, as the state keeps them (plan reads them alongside the walk) */
    size_t na = 0;
    json_t **list = bt_xcalloc(json_array_size(arts) + 1, sizeof *list);
    for (size_t i = 0; i < json_array_size(arts); i++) {
        json_t *a = json_array_get(arts, i);
        if (jstr(json_object_get(a, "source"), "path")) list[na++] = a;
    }
    qsort(list, na, sizeof *list, cmp_src);

    bt_outfile of;
    bt_status st = bt_outfile_open(&of, path, e);
    if (st != BT_OK) {
        free(list);
        json_decref(idx);
        return st;
    }
    json_t *h = json_object();
    json_object_set_new(h, "format", json_string("bantin-state"));
    json_object_set_new(h, "version", json_integer(ARC_STATE_VERSION));
    json_object_set_new(h, "options", json_loads(c->opts_json, 0, NULL));
    int bad = write_line(of.f, h);
    json_decref(h);
    for (size_t d = 0; d < json_array_size(dgs); d++) {
        json_t *g = json_array_get(dgs, d);
        const char *p = jstr(g, "path"), *sha = jstr(g, "sha256");
        if (!p || !sha || strlen(sha) != 64) continue;
        char *abs = bt_xasprintf("%s/data/%s", c->bag, p);
        struct stat sb;
        int present = stat(abs, &sb) == 0;
        free(abs);
        if (!present) continue; /* rendered again */
        json_t *j = json_object();
        json_object_set_new(j, "kind", json_string("digest"));
        json_object_set_new(j, "path", json_string(p));
        json_object_set_new(j, "sha256", json_string(sha));
        json_object_set_new(j, "size", json_integer(jint(g, "size")));
        json_object_set_new(j, "category", json_string(jstr(g, "category") ? jstr(g, "category") : ""));
        json_object_set_new(j, "label", json_string(jstr(g, "period") ? jstr(g, "period") : ""));
        json_object_set_new(j, "articles", json_integer(jint(g, "articles")));
        bad |= write_line(of.f, j);
        json_decref(j);
    }
    for (size_t i = 0; i < na; i++) {
        arc_record r;
        record_from_index(list[i], &r);
        json_t *j = arc_record_to_json(&r);
        bad |= write_line(of.f, j);
        json_decref(j);
        arc_record_free(&r);
    }
    free(list);
    json_decref(idx);
    if (bad || ferror(of.f)) {
        bt_outfile_abort(&of);
        return bt_err_set(e, BT_EIO, "cannot write %s", path);
    }
    return bt_outfile_commit(&of, e);
}

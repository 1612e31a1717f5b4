/* arc_state.c - the state file (bantin-state.jsonl) and the records work file: the one place where
 * article records, digest lines and archive options are converted to and from JSON.
 *
 * State file: a header line {"format":"bantin-state","version":1,"options":{...}}, then one line
 * per digest ("kind":"digest"), then one line per source ("kind":"article"), in source order. */
#define _GNU_SOURCE /* getline */
#include "arc_int.h"

#include "template.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *arc_status_name(arc_status s) {
    switch (s) {
    case ST_OK: return "ok";
    case ST_FAILED: return "failed";
    case ST_DUP: return "duplicate";
    case ST_FILTERED: return "filtered";
    case ST_NONE: break;
    }
    return "none";
}

arc_status arc_status_parse(const char *s) {
    if (!s) return ST_NONE;
    if (!strcmp(s, "ok")) return ST_OK;
    if (!strcmp(s, "failed")) return ST_FAILED;
    if (!strcmp(s, "duplicate")) return ST_DUP;
    if (!strcmp(s, "filtered")) return ST_FILTERED;
    return ST_NONE;
}

const char *arc_origin_name(arc_origin o) {
    switch (o) {
    case ARC_ORIGIN_URL: return "url";
    case ARC_ORIGIN_WARC: return "warc";
    case ARC_ORIGIN_FILE: break;
    }
    return "file";
}

static arc_origin origin_parse(const char *s) {
    if (s && !strcmp(s, "url")) return ARC_ORIGIN_URL;
    if (s && !strcmp(s, "warc")) return ARC_ORIGIN_WARC;
    return ARC_ORIGIN_FILE;
}

void arc_set(char **dst, const char *v) {
    char *n = v ? bt_xstrdup(v) : NULL;
    free(*dst);
    *dst = n;
}

void arc_set_text(char **dst, const char *v) { arc_set(dst, v && *v ? v : NULL); }

void arc_record_free(arc_record *r) {
    char **strs[] = {&r->src, &r->sha256, &r->etag, &r->last_modified, &r->warc_file,
                     &r->warc_record_id, &r->title, &r->category, &r->author, &r->url,
                     &r->language, &r->date, &r->canonical_url, &r->text_sha256, &r->reason,
                     &r->duplicate_of, &r->pdf_sha256, &r->pdf_path, &r->digest};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) free(*strs[i]);
    bt_strvec_free(&r->warnings);
    json_decref(r->extra);
    memset(r, 0, sizeof *r);
}

/* ---------- record <-> JSON ---------- */

static void put_str(json_t *o, const char *k, const char *v) {
    if (v) json_object_set_new(o, k, json_string(v));
}

json_t *arc_record_to_json(const arc_record *r) {
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string("article"));
    if (r->origin != ARC_ORIGIN_FILE) json_object_set_new(o, "origin", json_string(arc_origin_name(r->origin)));
    put_str(o, "src", r->src);
    json_object_set_new(o, "size", json_integer(r->size));
    json_object_set_new(o, "mtime_ns", json_integer(r->mtime_ns));
    put_str(o, "sha256", r->sha256);
    put_str(o, "etag", r->etag);
    put_str(o, "last_modified", r->last_modified);
    put_str(o, "warc_file", r->warc_file);
    if (r->warc_file) json_object_set_new(o, "warc_offset", json_integer(r->warc_offset));
    put_str(o, "warc_record_id", r->warc_record_id);
    put_str(o, "title", r->title);
    put_str(o, "category", r->category);
    put_str(o, "author", r->author);
    put_str(o, "url", r->url);
    put_str(o, "language", r->language);
    put_str(o, "date", r->date);
    put_str(o, "canonical_url", r->canonical_url);
    put_str(o, "text_sha256", r->text_sha256);
    if (r->has_pdf) {
        json_t *p = json_object();
        put_str(p, "sha256", r->pdf_sha256);
        json_object_set_new(p, "size", json_integer(r->pdf_size));
        put_str(p, "path", r->pdf_path);
        json_object_set_new(o, "pdf", p);
    }
    if (r->warnings.n) {
        json_t *wa = json_array();
        for (size_t k = 0; k < r->warnings.n; k++) json_array_append_new(wa, json_string(r->warnings.v[k]));
        json_object_set_new(o, "warnings", wa);
    }
    json_object_set_new(o, "status", json_string(arc_status_name(r->status)));
    put_str(o, "reason", r->reason);
    put_str(o, "duplicate_of", r->duplicate_of);
    put_str(o, "digest", r->digest);
    if (r->removed) json_object_set_new(o, "removed", json_true());
    if (r->extra) json_object_update_missing(o, r->extra);
    return o;
}

static const char *jstr(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}
static int64_t jint(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}
static char *jdup(json_t *o, const char *k) {
    const char *s = jstr(o, k);
    return s ? bt_xstrdup(s) : NULL;
}

static const char *const known_keys[] = {
    "kind", "origin", "src", "size", "mtime_ns", "sha256", "etag", "last_modified", "warc_file",
    "warc_offset", "warc_record_id", "title", "category", "author", "url", "language", "date",
    "canonical_url", "text_sha256", "pdf", "warnings", "status", "reason", "duplicate_of", "digest",
    "removed"};

bt_status arc_record_from_json(json_t *j, arc_record *r, bt_err *e) {
    memset(r, 0, sizeof *r);
    const char *kind = jstr(j, "kind");
    if (!kind || strcmp(kind, "article") != 0 || !jstr(j, "src"))
        return bt_err_set(e, BT_EPARSE, "not an article record");
    r->origin = origin_parse(jstr(j, "origin"));
    r->src = jdup(j, "src");
    r->size = jint(j, "size");
    r->mtime_ns = jint(j, "mtime_ns");
    r->sha256 = jdup(j, "sha256");
    r->etag = jdup(j, "etag");
    r->last_modified = jdup(j, "last_modified");
    r->warc_file = jdup(j, "warc_file");
    r->warc_offset = jint(j, "warc_offset");
    r->warc_record_id = jdup(j, "warc_record_id");
    r->title = jdup(j, "title");
    r->category = jdup(j, "category");
    r->author = jdup(j, "author");
    r->url = jdup(j, "url");
    r->language = jdup(j, "language");
    r->date = jdup(j, "date");
    r->canonical_url = jdup(j, "canonical_url");
    r->text_sha256 = jdup(j, "text_sha256");
    json_t *pdf = json_object_get(j, "pdf");
    if (pdf) {
        r->has_pdf = 1;
        r->pdf_sha256 = jdup(pdf, "sha256");
        r->pdf_size = jint(pdf, "size");
        r->pdf_path = jdup(pdf, "path");
    }
    json_t *w = json_object_get(j, "warnings");
    for (size_t k = 0; json_is_array(w) && k < json_array_size(w); k++) {
        json_t *s = json_array_get(w, k);
        if (json_is_string(s)) bt_strvec_push(&r->warnings, bt_xstrdup(json_string_value(s)));
    }
    r->status = arc_status_parse(jstr(j, "status"));
    r->reason = jdup(j, "reason");
    r->duplicate_of = jdup(j, "duplicate_of");
    r->digest = jdup(j, "digest");
    r->removed = json_is_true(json_object_get(j, "removed"));
    const char *key;
    json_t *val;
    json_object_foreach(j, key, val) {
        int known = 0;
        for (size_t k = 0; k < sizeof known_keys / sizeof *known_keys && !known; k++)
            known = strcmp(key, known_keys[k]) == 0;
        if (known) continue;
        if (!r->extra) r->extra = json_object();
        json_object_set(r->extra, key, val);
    }
    return BT_OK;
}

/* ---------- digest lines ---------- */

void arc_digest_line_free(arc_digest_line *d) {
    free(d->path);
    free(d->sha256);
    free(d->category);
    free(d->label);
    memset(d, 0, sizeof *d);
}

static json_t *digest_to_json(const arc_digest *g) {
    json_t *j = json_object();
    json_object_set_new(j, "kind", json_string("digest"));
    json_object_set_new(j, "path", json_string(g->name));
    json_object_set_new(j, "sha256", json_string(g->sha));
    json_object_set_new(j, "size", json_integer((json_int_t)g->size));
    json_object_set_new(j, "category", json_string(g->category));
    json_object_set_new(j, "label", json_string(g->label));
    json_object_set_new(j, "articles", json_integer((json_int_t)g->members));
    return j;
}

static void digest_from_json(json_t *j, arc_digest_line *d) {
    d->path = jdup(j, "path");
    d->sha256 = jdup(j, "sha256");
    d->category = jdup(j, "category");
    d->label = jdup(j, "label");
    d->size = jint(j, "size");
    d->articles = jint(j, "articles");
}

/* ---------- state file lines ---------- */

void arc_line_free(arc_line *l) {
    arc_record_free(&l->rec);
    arc_digest_line_free(&l->dg);
    json_decref(l->web);
    l->web = NULL;
    l->kind = ARC_LINE_SKIP;
}

/* A file name the state gives, relative to data/: PDFs and digests are copied (merge) and
 * deleted (a re-run) by it, so one that leads out of the bag (absolute, "..") makes the line
 * damaged, whoever wrote it. NULL (none) is fine. */
static int rel_ok(const char *p) { return !p || bt_path_inside(p, 1); }

void arc_line_parse(const char *s, size_t len, arc_line *l) {
    memset(l, 0, sizeof *l);
    json_t *j = json_loadb(s, len, 0, NULL);
    const char *kind = jstr(j, "kind");
    l->kind = ARC_LINE_BAD;
    if (kind && strcmp(kind, "digest") == 0) {
        digest_from_json(j, &l->dg);
        if (l->dg.path && rel_ok(l->dg.path) && l->dg.sha256 && strlen(l->dg.sha256) == 64) l->kind = ARC_LINE_DIGEST;
        else arc_digest_line_free(&l->dg);
    } else if (kind && strcmp(kind, "article") == 0) {
        if (arc_record_from_json(j, &l->rec, NULL) == BT_OK) {
            if (rel_ok(l->rec.pdf_path) && rel_ok(l->rec.warc_file)) l->kind = ARC_LINE_ARTICLE;
            else arc_record_free(&l->rec);
        }
    } else if (kind && strcmp(kind, "feed") == 0) { /* (arc_web.c reads it) */
        if (jstr(j, "url") && rel_ok(jstr(j, "warc_file"))) {
            l->kind = ARC_LINE_WEB;
            l->web = json_incref(j);
        }
    } else if (kind) {
        l->kind = ARC_LINE_SKIP;
    }
    json_decref(j);
}

static const char *rebuild_hint = "rebuild it from the bag with bantin archive --rebuild-state (the same "
                                  "sources and options)";

bt_status arc_state_read_header(arc_state_reader *r, char **opts, bt_err *e) {
    json_t *h = NULL;
    ssize_t n = getline(&r->buf, &r->cap, r->f);
    if (n > 0 && r->buf[n - 1] == '\n') h = json_loadb(r->buf, (size_t)n, 0, NULL);
    r->lineno = 1;
    if (!h || !jstr(h, "format") || strcmp(jstr(h, "format"), "bantin-state") != 0) {
        json_decref(h);
        return bt_err_set(e, BT_EPARSE, "%s is not a bantin state file (damaged?): %s", r->name, rebuild_hint);
    }
    json_t *o = json_object_get(h, "options");
    *opts = json_is_object(o) ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : bt_xstrdup("{}");
    json_decref(h);
    return BT_OK;
}

bt_status arc_state_open(arc_state_reader *r, const char *path, const char *name, char **opts, bt_err *e) {
    memset(r, 0, sizeof *r);
    r->name = name;
    *opts = NULL;
    r->f = fopen(path, "r");
    if (!r->f) return BT_OK;
    bt_status st = arc_state_read_header(r, opts, e);
    if (st != BT_OK) arc_state_close(r);
    return st;
}

int arc_state_next(arc_state_reader *r, arc_line *l, bt_err *e) {
    memset(l, 0, sizeof *l);
    for (;;) {
        ssize_t n = getline(&r->buf, &r->cap, r->f);
        if (n <= 0) return 0;
        r->lineno++;
        if (r->buf[n - 1] != '\n') {
            bt_err_set(e, BT_EPARSE, "%s is cut short at line %zu (damaged): %s", r->name, r->lineno, rebuild_hint);
            return -1;
        }
        arc_line_parse(r->buf, (size_t)n, l);
        if (l->kind == ARC_LINE_BAD) {
            bt_err_set(e, BT_EPARSE, "%s line %zu is not a state record (damaged): %s", r->name, r->lineno, rebuild_hint);
            return -1;
        }
        if (l->kind != ARC_LINE_SKIP) return 1;
    }
}

void arc_state_close(arc_state_reader *r) {
    if (r->f) fclose(r->f);
    free(r->buf);
    memset(r, 0, sizeof *r);
}

bt_status arc_state_check(const char *bag, bt_err *e) {
    char *tp = bt_path_join(bag, "tagmanifest-sha256.txt");
    char *buf = NULL;
    size_t len = 0;
    bt_err e2 = {0};
    bt_status st = bt_read_file(tp, (size_t)1 << 20, &buf, &len, &e2);
    free(tp);
    char want[BT_SHA256_HEX] = "";
    for (char *line = buf; st == BT_OK && line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        size_t ll = strlen(line);
        if (ll == 64 + 2 + strlen(ARC_STATE_NAME) && strcmp(line + 66, ARC_STATE_NAME) == 0) {
            memcpy(want, line, 64);
            want[64] = '\0';
        }
        line = nl ? nl + 1 : NULL;
    }
    free(buf);
    char got[BT_SHA256_HEX] = "";
    char *sp = bt_path_join(bag, ARC_STATE_NAME);
    if (want[0]) bt_sha256_file(sp, got, NULL, &e2);
    free(sp);
    if (!want[0] || strcasecmp(want, got) != 0)
        return bt_err_set(e, BT_EPARSE, "%s does not match tagmanifest-sha256.txt (damaged): %s", ARC_STATE_NAME,
                          rebuild_hint);
    return BT_OK;
}

static int write_line(FILE *f, json_t *j) {
    char *s = json_dumps(j, JSON_COMPACT);
    int bad = !s || fprintf(f, "%s\n", s) < 0;
    free(s);
    return bad;
}

bt_status arc_write_state(arc_ctx *c, const char *path, bt_err *e) {
    bt_outfile of;
    bt_status st = bt_outfile_open(&of, path, e);
    if (st != BT_OK) return st;
    FILE *f = of.f;
    json_t *h = json_object();
    json_object_set_new(h, "format", json_string("bantin-state"));
    json_object_set_new(h, "version", json_integer(ARC_STATE_VERSION));
    json_object_set_new(h, "options", json_loads(c->opts_json, 0, NULL));
    int bad = write_line(f, h);
    json_decref(h);
    bad |= arc_web_state_lines(c, f); /* the feeds' validators (web sources) */
    /* digests first: loading them before the articles lets those find theirs */
    for (size_t d = 0; d < c->ndg; d++) {
        arc_digest *g = &c->dg[d];
        if (!g->exists || g->gone) continue;
        json_t *j = digest_to_json(g);
        bad |= write_line(f, j);
        json_decref(j);
    }
    for (size_t i = 0; i < c->n; i++) {
        arc_ent *x = &c->ents[i];
        arc_record r;
        if (arc_rec_read(c, x->rec, &r) != 0) {
            bt_outfile_abort(&of);
            return bt_err_set(e, BT_EIO, "cannot read back the record of %s from the work file", x->src);
        }
        if (x->plan == P_REMOVED) r.removed = 1;
        json_t *j = arc_record_to_json(&r);
        bad |= write_line(f, j);
        json_decref(j);
        arc_record_free(&r);
    }
    if (bad || ferror(f)) {
        bt_outfile_abort(&of);
        return bt_err_set(e, BT_EIO, "cannot write %s", path);
    }
    return bt_outfile_commit(&of, e);
}

/* ---------- records work file ---------- */

long arc_rec_append(arc_ctx *c, const arc_record *r) {
    json_t *j = arc_record_to_json(r);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    long off = -1;
    if (s && fseek(c->recs, 0, SEEK_END) == 0) off = ftell(c->recs);
    if (off < 0 || fputs(s, c->recs) < 0 || fputc('\n', c->recs) < 0) {
        arc_fail(c, "cannot write the work file %s/records.jsonl: %s", c->stage, strerror(errno));
        off = -1;
    }
    free(s);
    return off;
}

int arc_rec_read(arc_ctx *c, long off, arc_record *r) {
    memset(r, 0, sizeof *r);
    if (off < 0) return -1;
    if (fflush(c->recs) != 0) {
        arc_fail(c, "cannot write the work file %s/records.jsonl: %s", c->stage, strerror(errno));
        return -1;
    }
    /* the line read with pread into a buffer and parsed from there: json_loadf reads a byte at
     * a time (getc), and seeking the stream drops its buffer; the index, the catalogue, the
     * state and the manifests each read every record */
    int fd = fileno(c->recs);
    size_t cap = 2048, len = 0;
    char *buf = bt_xmalloc(cap);
    const char *nl = NULL;
    while (!nl) {
        if (len == cap) buf = bt_xrealloc(buf, cap *= 2);
        ssize_t k = pread(fd, buf + len, cap - len, (off_t)off + (off_t)len);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break; /* the last record without its newline: parse what there is */
        nl = memchr(buf + len, '\n', (size_t)k);
        len += (size_t)k;
    }
    json_error_t je;
    json_t *j = len ? json_loadb(buf, nl ? (size_t)(nl - buf) : len, 0, &je) : NULL;
    free(buf);
    if (!j) return -1;
    bt_status st = arc_record_from_json(j, r, NULL);
    json_decref(j);
    return st == BT_OK ? 0 : -1;
}

/* ---------- options ---------- */

char *arc_options_json(const bt_archive_opts *o, int with_shard) {
    json_t *j = json_object();
    if (o->category) json_object_set_new(j, "category", json_string(o->category));
    if (o->since) json_object_set_new(j, "since", json_integer(o->since));
    if (o->until) json_object_set_new(j, "until", json_integer(o->until));
    json_object_set_new(j, "digest", json_string(o->digest == BT_DIGEST_WEEK ? "week"
                                                 : o->digest == BT_DIGEST_NONE ? "none" : "month"));
    json_object_set_new(j, "pdf", json_boolean(o->pdf));
    json_object_set_new(j, "epub", json_boolean(o->epub));
    /* another look than the default is another archive (its PDFs and digests look different) */
    if (o->tpl && o->tpl->name && strcmp(o->tpl->name, "default") != 0)
        json_object_set_new(j, "template", json_string(o->tpl->name));
    if (with_shard && o->shard_n > 1) {
        char s[32];
        snprintf(s, sizeof s, "%d/%d", o->shard_k, o->shard_n);
        json_object_set_new(j, "shard", json_string(s));
    }
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

void arc_options_from_json(const char *json, bt_archive_opts *o, json_t **hold) {
    json_t *j = json_loads(json, 0, NULL);
    o->category = jstr(j, "category");
    o->since = (int)jint(j, "since");
    o->until = (int)jint(j, "until");
    const char *dg = jstr(j, "digest");
    o->digest = dg && !strcmp(dg, "week") ? BT_DIGEST_WEEK : dg && !strcmp(dg, "none") ? BT_DIGEST_NONE : BT_DIGEST_MONTH;
    o->pdf = json_is_true(json_object_get(j, "pdf"));
    o->epub = json_is_true(json_object_get(j, "epub"));
    *hold = j;
}

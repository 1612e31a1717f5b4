/* arc_render.c - one source in a worker thread: hash it, parse it, apply the filters, render its
 * PDF into the stage under a temporary name (r/<index>.pdf; arc_assign names it), and append its
 * new record. */
#include "arc_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "out_pdf.h"
#include "text.h"

char *arc_stage_tmp_pdf(arc_ctx *c, size_t i) {
    char name[64];
    snprintf(name, sizeof name, "r/%zu.pdf", i);
    return bt_path_join(c->stage, name);
}

/* The filters (--category, --since, --until): 0 when the article is kept, else why not. */
static int filtered_out(arc_ctx *c, const bt_article *a, int ymd, const char *iso, char *why, size_t cap) {
    const bt_archive_opts *o = c->o;
    if (o->category && !(a->category && bt_text_loose_equal(a->category, o->category))) {
        snprintf(why, cap, "category \"%s\" is not \"%s\"", a->category ? a->category : "", o->category);
        return 1;
    }
    if (ymd && ((o->since && ymd < o->since) || (o->until && ymd > o->until))) {
        snprintf(why, cap, "dated %s, outside --since/--until", iso);
        return 1;
    }
    return 0;
}

/* Render the PDF into the stage; fills the record's pdf fields. */
static bt_status render_pdf(arc_ctx *c, size_t ei, bt_article *a, arc_record *r, char *why, size_t cap) {
    bt_pdf_opts po = {.paper = NULL, .font_dir = NULL, .epoch = c->o->epoch, .tpl = c->o->tpl,
                      .pdfa = c->o->pdfa};
    unsigned char *pdf = NULL;
    size_t plen = 0;
    bt_err e = {0};
    errno = 0;
    bt_status st = bt_pdf_render(&a, 1, &po, &pdf, &plen, &e);
    if (st != BT_OK) {
        snprintf(why, cap, "PDF: %s", e.msg);
        if (bt_errno_is_full(errno)) { /* a temporary file did not fit: not this article's fault */
            pthread_mutex_lock(&c->mu);
            arc_fail(c, "%s", why);
            pthread_mutex_unlock(&c->mu);
        }
        return st;
    }
    char *tmp = arc_stage_tmp_pdf(c, ei);
    st = bt_write_file_nosync(tmp, pdf, plen, &e);
    if (st != BT_OK && bt_errno_is_full(errno)) { /* not this article's fault: stop the run */
        pthread_mutex_lock(&c->mu);
        arc_fail(c, "%s", e.msg);
        pthread_mutex_unlock(&c->mu);
    }
    free(tmp);
    if (st == BT_OK) {
        char ph[BT_SHA256_HEX];
        bt_sha256_hex(pdf, plen, ph);
        r->has_pdf = 1;
        arc_set(&r->pdf_sha256, ph);
        r->pdf_size = (int64_t)plen;
    } else {
        snprintf(why, cap, "cannot stage the PDF: %s", e.msg);
    }
    free(pdf);
    return st;
}

/* Parse one source (and render its PDF into the stage under a temporary name). */
static void parse_one(arc_ctx *c, size_t ei) {
    arc_ent *x = &c->ents[ei];
    arc_record r = {0};
    r.origin = (arc_origin)x->origin;
    r.src = bt_xstrdup(x->src);
    r.size = c->io[ei].size;
    r.mtime_ns = c->io[ei].mtime_ns;
    arc_status status = ST_OK;
    char reason[600] = "";
    bt_err e = {0};
    bt_article *a = NULL;
    int ymd = 0;

    char hex[BT_SHA256_HEX];
    uint64_t fsize = 0;
    if (x->origin != ARC_ORIGIN_FILE) {
        /* a web source: loaded ahead by the fetch queue, its evidence kept (arc_web.c) */
        if (arc_web_load(c, ei, &r, &a, &e) != BT_OK) {
            status = ST_FAILED;
            snprintf(reason, sizeof reason, "%s", e.msg);
            goto done;
        }
    } else {
        if (arc_source_digest(x, hex, &fsize, &e) != BT_OK) {
            status = ST_FAILED;
            snprintf(reason, sizeof reason, "%s", e.msg);
            goto done;
        }
        arc_set(&r.sha256, hex);
        r.size = (int64_t)fsize;
        bt_status st = arc_source_load(x, &a, &e);
        if (st != BT_OK) {
            status = ST_FAILED;
            snprintf(reason, sizeof reason, "%s: %s", bt_status_name(st), e.msg);
            goto done;
        }
    }
    arc_set_text(&r.title, a->title);
    arc_set_text(&r.category, a->category);
    arc_set_text(&r.author, a->author);
    arc_set_text(&r.url, a->source_url);
    arc_set_text(&r.language, a->language);
    char iso[32];
    bt_date_iso(&a->published, iso);
    arc_set_text(&r.date, iso);
    ymd = arc_date_ymd(&a->published);
    r.canonical_url = bt_archive_canonical_url(a->source_url);
    char fp[BT_SHA256_HEX];
    arc_text_fingerprint(a, fp);
    arc_set(&r.text_sha256, fp);

    if (filtered_out(c, a, ymd, iso, reason, sizeof reason)) {
        status = ST_FILTERED;
        goto done;
    }
    if (c->o->pdf && render_pdf(c, ei, a, &r, reason, sizeof reason) != BT_OK) status = ST_FAILED;
done:
    if (a)
        for (size_t k = 0; k < a->nwarnings && k < 20; k++) bt_strvec_push(&r.warnings, bt_xstrdup(a->warnings[k]));
    r.status = status;
    if (status == ST_FAILED || status == ST_FILTERED) arc_set(&r.reason, reason);

    pthread_mutex_lock(&c->mu);
    x->rec = arc_rec_append(c, &r);
    x->status = (uint8_t)status;
    x->ymd = ymd;
    c->done++;
    if (status == ST_FAILED && !c->fatal.code) /* (a stopped run reports its own reason) */
        arc_emit(c, BT_AEV_FAILED, "render", c->done, c->total, x->src, reason);
    for (size_t k = 0; a && k < a->nwarnings; k++)
        arc_emit(c, BT_AEV_WARN, "render", c->done, c->total, x->src, a->warnings[k]);
    arc_emit(c, BT_AEV_ITEM, c->o->pdf ? "render" : "parse", c->done, c->total, x->src, NULL);
    pthread_mutex_unlock(&c->mu);
    bt_article_free(a);
    arc_record_free(&r);
}

void arc_parse_job(arc_ctx *c, size_t k) {
    if (arc_failed(c)) { /* the run stops: what is left is not parsed */
        pthread_mutex_lock(&c->mu);
        c->done++;
        pthread_mutex_unlock(&c->mu);
        return;
    }
    parse_one(c, c->list[k]);
}

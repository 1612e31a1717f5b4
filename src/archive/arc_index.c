/* arc_index.c - the bag's own catalogue: data/index.json (every listed article's public record
 * and the digests) and data/index.html (a table per month, newest first), both streamed from the
 * records work file so memory does not grow with the archive. */
#include "arc_int.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

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
        if (arc_rec_read(c, x->rec, &r) != 0) continue;
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

bt_status arc_write_index_html(arc_ctx *c, const char *path, bt_err *e) {
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
        arc_ent *x = &c->ents[i];
        if (!arc_listed_in_index(x)) continue;
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
        arc_ent *x = &c->ents[keys[k].i];
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
        arc_record r;
        if (arc_rec_read(c, x->rec, &r) != 0) continue;
        W(xmlTextWriterStartElement(w, BAD_CAST "tr"));
        W(xmlTextWriterWriteAttribute(w, BAD_CAST "class", BAD_CAST arc_status_name((arc_status)x->status)));
        const char *date = r.date;
        char shown[24] = "";
        if (date) { /* "2023-05-27T14:00:00+07:00" -> "2023-05-27 14:00" */
            snprintf(shown, sizeof shown, "%.10s", date);
            if (strlen(date) >= 16 && date[10] == 'T')
                snprintf(shown + 10, sizeof shown - 10, " %.5s", date + 11);
        }
        W(xmlTextWriterWriteElement(w, BAD_CAST "td", BAD_CAST shown));
        W(xmlTextWriterStartElement(w, BAD_CAST "td"));
        const char *title = r.title ? r.title : x->src;
        if (x->status == ST_OK && r.has_pdf && r.pdf_path) {
            W(xmlTextWriterStartElement(w, BAD_CAST "a"));
            W(xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST r.pdf_path));
            W(xmlTextWriterWriteString(w, BAD_CAST title));
            W(xmlTextWriterEndElement(w));
        } else {
            W(xmlTextWriterWriteString(w, BAD_CAST title));
        }
        W(xmlTextWriterEndElement(w));
        const char *cat = r.category;
        W(xmlTextWriterWriteElement(w, BAD_CAST "td", BAD_CAST(cat ? cat : "")));
        W(xmlTextWriterStartElement(w, BAD_CAST "td"));
        if (x->status == ST_OK && r.digest) {
            W(xmlTextWriterStartElement(w, BAD_CAST "a"));
            W(xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST r.digest));
            W(xmlTextWriterWriteString(w, BAD_CAST "EPUB"));
            W(xmlTextWriterEndElement(w));
        }
        W(xmlTextWriterEndElement(w));
        bt_buf note = {0};
        bt_buf_adds(&note, arc_status_name((arc_status)x->status));
        if (r.reason) bt_buf_printf(&note, ": %s", r.reason);
        if (r.duplicate_of) bt_buf_printf(&note, " (%s)", r.duplicate_of);
        if (x->plan == P_REMOVED) bt_buf_adds(&note, "; source removed");
        W(xmlTextWriterWriteElement(w, BAD_CAST "td", BAD_CAST note.data));
        bt_buf_free(&note);
        W(xmlTextWriterEndElement(w)); /* tr */
        arc_record_free(&r);
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


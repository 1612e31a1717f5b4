/* cat_write.c - the catalogue's files as streams: libxml2's xmlTextWriter into a temp file that
 * is renamed into place when complete (or into memory for bt_catalogue_render).
 *
 * The bytes are the ones libxml2's tree serialisers wrote before the catalogue was streamed:
 * XML with a UTF-8 declaration and two-space indentation; text escaped by
 * xmlEncodeEntitiesReentrant against a document that says UTF-8 (& < > and CR; quotes and
 * non-ASCII letters as they are), as the tree serialisers do. */
#include "cat_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/entities.h>

static void check(cat_w *w, int rc)
{
    if (rc < 0) w->bad = 1;
}

bt_status cat_w_open(cat_out *o, const char *name, int html, cat_w *w, bt_err *e)
{
    memset(w, 0, sizeof *w);
    w->html = html;
    w->name = bt_xstrdup(name);
    xmlOutputBufferPtr out = NULL;
    if (o->dir) {
        char *p = bt_path_join(o->dir, name);
        char *d = bt_path_dirname(p);
        bt_status st = bt_mkdirs(d, 0777, e);
        free(d);
        if (st == BT_OK) st = bt_outfile_open(&w->of, p, e);
        free(p);
        if (st != BT_OK) {
            free(w->name);
            memset(w, 0, sizeof *w);
            return st;
        }
        out = xmlOutputBufferCreateFile(w->of.f, NULL); /* flushed, not closed, by libxml2 */
    } else {
        w->mem = xmlBufferCreate();
        if (w->mem) out = xmlOutputBufferCreateBuffer(w->mem, NULL);
    }
    w->w = out ? xmlNewTextWriter(out) : NULL; /* the writer owns out */
    w->utf8 = xmlNewDoc(BAD_CAST "1.0");
    if (!w->w || !w->utf8) {
        if (!w->w && out) xmlOutputBufferClose(out);
        cat_w_abort(w);
        return bt_err_set(e, BT_ENOMEM, "libxml2 could not start writing %s", name);
    }
    w->utf8->encoding = xmlStrdup(BAD_CAST "UTF-8");
    if (!html) {
        check(w, xmlTextWriterSetIndent(w->w, 1));
        check(w, xmlTextWriterSetIndentString(w->w, BAD_CAST "  "));
        check(w, xmlTextWriterStartDocument(w->w, "1.0", "UTF-8", NULL));
    } else {
        /* <!DOCTYPE html>; no XML declaration (it would put a browser in quirks mode) */
        check(w, xmlTextWriterStartDTD(w->w, BAD_CAST "html", NULL, NULL));
        check(w, xmlTextWriterEndDTD(w->w));
        cw_raw(w, "\n", 1);
    }
    return BT_OK;
}

void cat_w_abort(cat_w *w)
{
    if (w->w) xmlFreeTextWriter(w->w);
    if (w->of.f) bt_outfile_abort(&w->of);
    if (w->mem) xmlBufferFree(w->mem);
    if (w->utf8) xmlFreeDoc(w->utf8);
    free(w->name);
    memset(w, 0, sizeof *w);
}

bt_status cat_w_close(cat_out *o, cat_w *w, bt_err *e)
{
    if (!w->html) check(w, xmlTextWriterEndDocument(w->w));
    else cw_raw(w, "\n", 1);
    check(w, xmlTextWriterFlush(w->w));
    xmlFreeTextWriter(w->w); /* closes the output buffer: everything is handed to the file */
    w->w = NULL;
    bt_status st = BT_OK;
    if (w->of.f) {
        if (w->bad || ferror(w->of.f)) {
            int err = errno;
            st = bt_err_set(e, BT_EIO, "cannot write %s: %s", w->of.path, err ? strerror(err) : "write error");
            bt_outfile_abort(&w->of);
        } else {
            st = bt_outfile_commit(&w->of, e);
        }
        if (st == BT_OK) bt_strvec_push(o->names, bt_xstrdup(w->name));
    } else if (w->bad) {
        st = bt_err_set(e, BT_ENOMEM, "libxml2 could not write %s", w->name);
    } else {
        if (o->nfiles == o->cap) {
            o->cap = o->cap ? o->cap * 2 : 8;
            o->files = bt_xrealloc(o->files, o->cap * sizeof *o->files);
        }
        size_t len = (size_t)xmlBufferLength(w->mem);
        bt_cat_file *f = &o->files[o->nfiles++];
        f->name = bt_xstrdup(w->name);
        f->data = bt_xmalloc(len + 1);
        memcpy(f->data, xmlBufferContent(w->mem), len);
        f->data[len] = '\0';
        f->len = len;
    }
    cat_w_abort(w); /* frees what is left */
    return st;
}

void cw_start(cat_w *w, const char *name)
{
    check(w, xmlTextWriterStartElement(w->w, BAD_CAST name));
}

void cw_end(cat_w *w)
{
    check(w, xmlTextWriterEndElement(w->w));
}

void cw_close(cat_w *w)
{
    check(w, xmlTextWriterFullEndElement(w->w));
}

void cw_attr(cat_w *w, const char *name, const char *value)
{
    if (!w->html) {
        check(w, xmlTextWriterWriteAttribute(w->w, BAD_CAST name, BAD_CAST value));
        return;
    }
    /* The writer would spell every non-ASCII letter of a value as a character reference (it
     * has no document encoding without an XML declaration, which a page must not have):
     * libxml2's own escaping of & < > " instead, UTF-8 kept. */
    xmlChar *v = xmlEncodeSpecialChars(w->utf8, BAD_CAST value);
    check(w, xmlTextWriterStartAttribute(w->w, BAD_CAST name));
    if (v) check(w, xmlTextWriterWriteRaw(w->w, v));
    else w->bad = 1;
    check(w, xmlTextWriterEndAttribute(w->w));
    xmlFree(v);
}

void cw_attrf(cat_w *w, const char *name, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cw_attr(w, name, buf);
}

void cw_text(cat_w *w, const char *s)
{
    xmlChar *v = xmlEncodeEntitiesReentrant(w->utf8, BAD_CAST s);
    if (v) check(w, xmlTextWriterWriteRaw(w->w, v));
    else w->bad = 1;
    xmlFree(v);
}

void cw_raw(cat_w *w, const char *s, size_t n)
{
    if (n > INT32_MAX) {
        w->bad = 1;
        return;
    }
    check(w, xmlTextWriterWriteRawLen(w->w, BAD_CAST s, (int)n));
}

void cw_el(cat_w *w, const char *name, const char *text)
{
    cw_start(w, name);
    if (text) cw_text(w, text);
    if (w->html) cw_close(w);
    else cw_end(w);
}

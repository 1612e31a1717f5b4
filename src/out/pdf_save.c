/* pdf_save.c - a document's objects written as a PDF 1.7 file (see pdf_int.h): libharu gives
 * the objects and writes each one's value; the file around them (header, object streams, the
 * cross-reference stream that stands for the cross-reference table and trailer) is written
 * here, not by libharu's HPDF_SaveToStream. */
#include "pdf_int.h"

#include <stdlib.h>

#include <hpdf_streams.h>

/* ---------------------------------------------------------------- saving */

typedef struct {
    bt_pdf_sink fn;
    void *user;
    int failed;
} sinkctx;

static HPDF_STATUS sink_write(HPDF_Stream s, const HPDF_BYTE *ptr, HPDF_UINT siz)
{
    sinkctx *k = s->attr;
    if (k->failed) return HPDF_FILE_IO_ERROR;
    if (k->fn(k->user, ptr, siz) != 0) {
        k->failed = 1;
        return HPDF_SetError(s->error, HPDF_FILE_IO_ERROR, 0);
    }
    return HPDF_OK;
}

/* Objects in one object stream at most (qpdf writes 100). */
#define OBJSTM_MAX 100

static HPDF_STATUS buf_write(HPDF_Stream s, const HPDF_BYTE *ptr, HPDF_UINT siz)
{
    bt_buf_add(s->attr, ptr, siz);
    return HPDF_OK;
}

typedef struct {
    unsigned char type; /* 0 free, 1 at an offset, 2 in an object stream */
    unsigned long f2;   /* offset, or the object stream's number */
    unsigned f3;        /* generation, or the index in the object stream */
} xent;

static int is_stream(void *obj)
{
    HPDF_Obj_Header *h = obj;
    return (h->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_DICT && ((HPDF_Dict)obj)->stream;
}

static void put_be(bt_buf *b, unsigned long v, int n)
{
    for (int i = n - 1; i >= 0; i--) bt_buf_addc(b, (char)(v >> (8 * i)));
}

/* The file in one pass: the header; every stream and the catalogue as objects of their own;
 * every other object in compressed object streams; and a cross-reference stream (PDF 1.5) as
 * the trailer. libharu's object table gives the objects;
 * a stream's /Length is an object of its own that gets its value when the stream is written,
 * so the object streams come after every stream. */
bt_status pd_save(doc *d, bt_pdf_sink fn, void *user, bt_err *e)
{
    HPDF_Xref xref = d->pdf->xref;
    size_t n = xref->entries->count;
    sinkctx k = {fn, user, 0};
    HPDF_Stream out = HPDF_CallbackWriter_New(d->pdf->mmgr, sink_write, &k);
    bt_buf body = {0}, head = {0}, all = {0};
    HPDF_Stream ser = HPDF_CallbackWriter_New(d->pdf->mmgr, buf_write, &body);
    size_t ndef = 0, nstm = 0;
    size_t *def = bt_xmalloc((n ? n : 1) * sizeof *def);
    xent *x = bt_xcalloc(n + n / OBJSTM_MAX + 3, sizeof *x);
    bt_status st = BT_OK;
    if (!out || !ser) {
        st = pd_fail(d, e, "saving");
        goto done;
    }
    /* PDF 1.7; the second line holds bytes above 127 so that the file reads as binary */
    HPDF_Stream_WriteStr(out, "%PDF-1.7\n%\xB5\xB6\xB7\xB8\n");
    x[0] = (xent){0, 0, 65535};
    for (size_t i = 1; i < n; i++) {
        void *obj = HPDF_Xref_GetEntry(xref, (HPDF_UINT)i)->obj;
        if (!is_stream(obj) && obj != d->pdf->catalog) {
            def[ndef++] = i;
            continue;
        }
        x[i] = (xent){1, out->size, 0};
        char num[32];
        snprintf(num, sizeof num, "%zu 0 obj\n", i);
        HPDF_Stream_WriteStr(out, num);
        if (HPDF_Obj_WriteValue(obj, out, NULL) != HPDF_OK) break;
        HPDF_Stream_WriteStr(out, "\nendobj\n");
    }
    size_t next = n;
    for (size_t c = 0; c < ndef && !d->h.code && !k.failed; c += OBJSTM_MAX) {
        size_t m = ndef - c < OBJSTM_MAX ? ndef - c : OBJSTM_MAX;
        bt_buf_reset(&head);
        bt_buf_reset(&body);
        for (size_t j = 0; j < m; j++) {
            size_t i = def[c + j];
            bt_buf_printf(&head, "%zu %zu ", i, body.len);
            HPDF_Obj_WriteValue(HPDF_Xref_GetEntry(xref, (HPDF_UINT)i)->obj, ser, NULL);
            bt_buf_addc(&body, '\n');
            x[i] = (xent){2, next, (unsigned)j};
        }
        bt_buf_reset(&all);
        bt_buf_add(&all, head.data, head.len);
        bt_buf_add(&all, body.data, body.len);
        size_t zl = 0;
        unsigned char *z = pd_deflate(d, all.data, all.len, &zl);
        if (!z) break;
        x[next] = (xent){1, out->size, 0};
        bt_buf_reset(&all);
        bt_buf_printf(&all, "%zu 0 obj\n<<\n/Type /ObjStm\n/N %zu\n/First %zu\n/Filter /FlateDecode\n/Length %zu\n>>\nstream\r\n",
                      next, m, head.len, zl);
        HPDF_Stream_Write(out, (const HPDF_BYTE *)all.data, (HPDF_UINT)all.len);
        HPDF_Stream_Write(out, z, (HPDF_UINT)zl);
        HPDF_Stream_WriteStr(out, "\nendstream\nendobj\n");
        free(z);
        next++;
        nstm++;
    }
    /* the cross-reference stream, with what a trailer would hold */
    size_t xnum = next, size = next + 1;
    unsigned long start = out->size;
    x[xnum] = (xent){1, start, 0};
    int w2 = 1;
    for (size_t i = 0; i < size; i++)
        while (w2 < 4 && (x[i].f2 >> (8 * w2))) w2++;
    bt_buf_reset(&all);
    for (size_t i = 0; i < size; i++) {
        put_be(&all, x[i].type, 1);
        put_be(&all, x[i].f2, w2);
        put_be(&all, x[i].f3, 2);
    }
    size_t zl = 0;
    unsigned char *z = pd_deflate(d, all.data, all.len, &zl);
    if (!z) {
        st = bt_err_set(e, BT_ENOMEM, "cannot compress the cross-reference stream");
        goto done;
    }
    bt_buf_reset(&all);
    bt_buf_printf(&all, "%zu 0 obj\n<<\n/Type /XRef\n/Size %zu\n/W [1 %d 2]\n/Root %u 0 R\n/Info %u 0 R\n/ID [<", xnum,
                  size, w2, pd_objnum(d->pdf->catalog), pd_objnum(d->pdf->info));
    for (int r = 0; r < 2; r++) {
        for (int i = 0; i < 16; i++) bt_buf_printf(&all, "%02X", d->id[i]);
        bt_buf_adds(&all, r ? ">]\n" : "> <");
    }
    bt_buf_printf(&all, "/Filter /FlateDecode\n/Length %zu\n>>\nstream\r\n", zl);
    HPDF_Stream_Write(out, (const HPDF_BYTE *)all.data, (HPDF_UINT)all.len);
    HPDF_Stream_Write(out, z, (HPDF_UINT)zl);
    free(z);
    bt_buf_reset(&all);
    bt_buf_printf(&all, "\nendstream\nendobj\nstartxref\n%lu\n%%%%EOF\n", start);
    HPDF_Stream_Write(out, (const HPDF_BYTE *)all.data, (HPDF_UINT)all.len);
    if (k.failed) st = bt_err_set(e, BT_EIO, "cannot write the PDF");
    else if (d->h.code) st = pd_fail(d, e, "saving");
done:
    if (out) HPDF_Stream_Free(out);
    if (ser) HPDF_Stream_Free(ser);
    bt_buf_free(&body);
    bt_buf_free(&head);
    bt_buf_free(&all);
    free(def);
    free(x);
    return st;
}


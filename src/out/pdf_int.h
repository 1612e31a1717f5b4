/* pdf_int.h - private to the PDF writer (out_pdf.c, pdf_raw.c, pdf_meta.c, pdf_save.c).
 *
 * out_pdf.c lays the articles out and writes fonts, images, pages, outline, links and the
 * structure tree; pdf_raw.c makes the objects whose entries and stream bytes we write ourselves
 * ("raw" libharu dictionaries, deflated streams, text strings); pdf_meta.c the information
 * dictionary, file identifier, PDF/A metadata and output intent, and embedded source files;
 * pdf_save.c writes the file (object streams, and a cross-reference stream in place of
 * libharu's cross-reference table and trailer). These files, and no other, include libharu's
 * headers. Nothing here is part of the public interface (out_pdf.h). */
#ifndef BT_PDF_INT_H
#define BT_PDF_INT_H

#include <hpdf.h>
#include <hpdf_objects.h>

#include "font.h"
#include "layout.h"
#include "out_pdf.h"
#include "pdf_font.h"
#include "pdf_struct.h"

typedef struct {
    HPDF_STATUS code, detail;
} herr;

typedef struct {
    const bt_image *img;
    HPDF_Image h; /* NULL: could not be loaded */
    int id;       /* resource name /Im<id> */
} imgcache;

typedef struct {
    bt_article **arts;
    size_t n;
    const bt_pdf_opts *o;
    bt_page_geom g;
    bt_fontset *fs;
    bt_pdffonts *pf;
    bt_layout *lay;    /* a one-article document's layout, kept from the first pass */
    size_t *npages;    /* per article */
    bt_layout *toc;    /* the contents pages (documents of several articles) */
    size_t ntoc;       /* their number */
    HPDF_Page *first;  /* the first page of each article (the contents' links go there) */
    struct toclink {
        HPDF_Page page; /* a contents page */
        size_t pg;      /* its index */
        size_t entry;   /* the article */
        HPDF_Rect r;
    } *links;
    size_t nlinks;
    int digits[BT_NFACES]; /* faces whose digits are in the subsets (page numbers) */
    HPDF_Doc pdf;
    herr h;
    HPDF_Dict fontres; /* the /Font resources shared by every page */
    imgcache *ic;
    size_t nic;
    bt_pdfstruct *ps;    /* the structure tree */
    char isodate[40];    /* the document's date in ISO 8601 (XMP) */
    unsigned char id[16]; /* the file identifier */
    unsigned *pageobj;   /* object number of each page written */
    size_t npg, total;   /* pages written, pages in all */
    int twolevel;        /* outline: categories over articles */
    struct {
        const char *name;
        HPDF_Outline ol;
    } *cats;
    size_t ncat;
    struct libdeflate_compressor *z; /* for deflate_bytes, made on first use */
} doc;

/* Record libharu's error (d->h) as e, naming what was being done; clears it. BT_EPDF. */
bt_status pd_fail(doc *d, bt_err *e, const char *what);

static inline unsigned pd_objnum(const void *obj)
{
    return (unsigned)(((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFFu);
}

/* Raw objects: libharu dictionaries whose entries are text we wrote, emitted by their write
 * callback between "<<" and ">>" (object numbers are known as soon as objects exist, so the text
 * can refer to them: "12 0 R"). NULL on failure (libharu's error in d->h). */
HPDF_Dict pd_raw_dict(doc *d, const char *entries); /* entries NULL: set later with pd_raw_set */
void pd_raw_set(HPDF_Dict obj, bt_buf *b);          /* obj's entries are b's text (b emptied) */
/* A new stream object: entries (without Length and Filter) and the data (copied), deflated
 * when deflate is set. */
HPDF_Dict pd_raw_stream(doc *d, const char *entries, const void *data, size_t len, int deflate);
/* The same with bytes (taken) already deflated or not (deflated: the Filter is added). */
HPDF_Dict pd_stream_of(doc *d, const char *entries, unsigned char *bytes, size_t blen, int deflated);
/* Put data (taken) as the bytes of stream dictionary obj; 0 on failure (data freed). */
int pd_stream_take(doc *d, HPDF_Dict obj, unsigned char *data, size_t len);
/* in[0..len) deflated (zlib format), heap memory; NULL on failure. */
unsigned char *pd_deflate(doc *d, const void *in, size_t len, size_t *outlen);
/* A text string as UTF-16BE with a byte order mark (a libharu binary string). */
HPDF_Binary pd_text_string(doc *d, const char *s);

/* The document's language: the first article's (an ASCII BCP 47 tag), "vi" by default. */
const char *pd_doc_lang(const bt_article *a);
/* A deterministic file identifier (d->id) from the text of the articles and the options. */
void pd_set_id(doc *d);
/* The information dictionary, the catalogue's /Lang and the document's date (d->isodate). */
void pd_set_info(doc *d);
/* PDF/A: XMP metadata matching the information dictionary, and the sRGB output intent. */
bt_status pd_write_pdfa(doc *d, bt_err *e);
/* --embed-source: each article's source file as an associated file of the document. */
bt_status pd_embed_sources(doc *d, bt_err *e);

/* Write the file through fn. */
bt_status pd_save(doc *d, bt_pdf_sink fn, void *user, bt_err *e);

#endif

/* pdf_xmp.h - the XMP metadata packet of a PDF/A file, written with libxml2 (every value
 * escaped), holding the same facts as the document information dictionary. */
#ifndef BT_PDF_XMP_H
#define BT_PDF_XMP_H

#include <stddef.h>

typedef struct {
    const char *title;        /* dc:title (x-default); NULL or "" leaves it out */
    const char *author;       /* dc:creator, one entry */
    const char *subject;      /* dc:description (x-default) */
    const char *lang;         /* dc:language */
    const char *creator_tool; /* xmp:CreatorTool = /Creator */
    const char *producer;     /* pdf:Producer = /Producer */
    const char *date;         /* xmp:CreateDate, ModifyDate and MetadataDate, ISO 8601 */
    int part;                 /* pdfaid:part, 0 = no PDF/A identification */
    const char *conformance;  /* pdfaid:conformance ("A", "U", "B") */
} bt_xmp_info;

/* The packet (xpacket header and trailer included), UTF-8; heap bytes the caller frees, NULL
 * when libxml2 fails. */
char *bt_pdf_xmp(const bt_xmp_info *x, size_t *len);

#endif

/* pdf_xmp.c - XMP metadata for PDF/A (see pdf_xmp.h). */
#include "pdf_xmp.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "util.h"

#define NS_X "adobe:ns:meta/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_XMP "http://ns.adobe.com/xap/1.0/"
#define NS_PDF "http://ns.adobe.com/pdf/1.3/"
#define NS_PDFAID "http://www.aiim.org/pdfa/ns/id/"

#define X(s) ((const xmlChar *)(s))

/* <ns:name><rdf:Alt|Seq|Bag><rdf:li [xml:lang="x-default"]>value</rdf:li></...></ns:name> */
static int list1(xmlTextWriterPtr w, const char *name, const char *kind, const char *value, int deflang)
{
    int rc = 0;
    rc |= xmlTextWriterStartElement(w, X(name)) < 0;
    rc |= xmlTextWriterStartElement(w, X(kind)) < 0;
    rc |= xmlTextWriterStartElement(w, X("rdf:li")) < 0;
    if (deflang) rc |= xmlTextWriterWriteAttribute(w, X("xml:lang"), X("x-default")) < 0;
    rc |= xmlTextWriterWriteString(w, X(value)) < 0;
    rc |= xmlTextWriterEndElement(w) < 0;
    rc |= xmlTextWriterEndElement(w) < 0;
    rc |= xmlTextWriterEndElement(w) < 0;
    return rc;
}

static int simple(xmlTextWriterPtr w, const char *name, const char *value)
{
    return xmlTextWriterWriteElement(w, X(name), X(value)) < 0;
}

char *bt_pdf_xmp(const bt_xmp_info *x, size_t *len)
{
    xmlBufferPtr buf = xmlBufferCreate();
    if (!buf) return NULL;
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    if (!w) {
        xmlBufferFree(buf);
        return NULL;
    }
    int rc = 0;
    /* the packet header: no bytes and no encoding attribute (PDF/A), UTF-8 */
    rc |= xmlTextWriterWritePI(w, X("xpacket"), X("begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"")) < 0;
    rc |= xmlTextWriterStartElement(w, X("x:xmpmeta")) < 0;
    rc |= xmlTextWriterWriteAttribute(w, X("xmlns:x"), X(NS_X)) < 0;
    rc |= xmlTextWriterStartElement(w, X("rdf:RDF")) < 0;
    rc |= xmlTextWriterWriteAttribute(w, X("xmlns:rdf"), X(NS_RDF)) < 0;
    rc |= xmlTextWriterStartElement(w, X("rdf:Description")) < 0;
    rc |= xmlTextWriterWriteAttribute(w, X("rdf:about"), X("")) < 0;
    rc |= xmlTextWriterWriteAttribute(w, X("xmlns:dc"), X(NS_DC)) < 0;
    rc |= xmlTextWriterWriteAttribute(w, X("xmlns:xmp"), X(NS_XMP)) < 0;
    rc |= xmlTextWriterWriteAttribute(w, X("xmlns:pdf"), X(NS_PDF)) < 0;
    if (x->part) rc |= xmlTextWriterWriteAttribute(w, X("xmlns:pdfaid"), X(NS_PDFAID)) < 0;
    rc |= simple(w, "dc:format", "application/pdf");
    if (x->title && *x->title) rc |= list1(w, "dc:title", "rdf:Alt", x->title, 1);
    if (x->author && *x->author) rc |= list1(w, "dc:creator", "rdf:Seq", x->author, 0);
    if (x->subject && *x->subject) rc |= list1(w, "dc:description", "rdf:Alt", x->subject, 1);
    if (x->lang && *x->lang) rc |= list1(w, "dc:language", "rdf:Bag", x->lang, 0);
    if (x->date && *x->date) {
        rc |= simple(w, "xmp:CreateDate", x->date);
        rc |= simple(w, "xmp:ModifyDate", x->date);
        rc |= simple(w, "xmp:MetadataDate", x->date);
    }
    if (x->creator_tool && *x->creator_tool) rc |= simple(w, "xmp:CreatorTool", x->creator_tool);
    if (x->producer && *x->producer) rc |= simple(w, "pdf:Producer", x->producer);
    if (x->part) {
        char part[16];
        snprintf(part, sizeof part, "%d", x->part);
        rc |= simple(w, "pdfaid:part", part);
        if (x->conformance) rc |= simple(w, "pdfaid:conformance", x->conformance);
    }
    rc |= xmlTextWriterEndElement(w) < 0; /* Description */
    rc |= xmlTextWriterEndElement(w) < 0; /* RDF */
    rc |= xmlTextWriterEndElement(w) < 0; /* xmpmeta */
    rc |= xmlTextWriterWritePI(w, X("xpacket"), X("end=\"r\"")) < 0;
    rc |= xmlTextWriterFlush(w) < 0;
    xmlFreeTextWriter(w);
    char *out = NULL;
    if (!rc) {
        size_t n = (size_t)xmlBufferLength(buf);
        out = bt_xmalloc(n + 1);
        memcpy(out, xmlBufferContent(buf), n);
        out[n] = '\0';
        *len = n;
    }
    xmlBufferFree(buf);
    return out;
}

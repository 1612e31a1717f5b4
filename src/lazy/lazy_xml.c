/* lazy_xml.c - libxml2 (and the ICU libraries it needs), loaded on first use (see lazy.h).
 * Generated from the prototypes in libxml2's headers: one line per function bantin calls. */
#include "lazy.h"

#include <dlfcn.h>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlwriter.h>

/* xmlInitParser must run once before libxml2 is used from several threads: it runs as the
 * library is loaded, under the loader's lock, whichever thread needs libxml2 first. Callers that
 * initialise libxml2 at start-up (to be safe with threads) then no longer load it for nothing. */
static void init_xml(void *h)
{
    void *p = dlsym(h, "xmlInitParser");
    void (*f)(void);
    if (!p) return;
    memcpy(&f, &p, sizeof f);
    f();
}

static bt_lazy_lib xml = {"libxml2.so.2", NULL, init_xml};

void xmlInitParser(void)
{
    static _Atomic(void *) slot;
    if (!bt_lazy_loaded(&xml)) return; /* done when it is loaded */
    void *p = bt_lazy_sym(&xml, &slot, "xmlInitParser");
    void (*f)(void);
    memcpy(&f, &p, sizeof f);
    f();
}

/* xmlFree is a variable of libxml2's (the function that frees its strings): ours calls the
 * library's once it is loaded (memory to free can only come from a loaded libxml2). */
static void lazy_xml_free(void *p)
{
    static _Atomic(void *) slot;
    xmlFreeFunc *real = bt_lazy_sym(&xml, &slot, "xmlFree");
    (*real)(p);
}
xmlFreeFunc xmlFree = lazy_xml_free;

BT_LAZY_FN(xml, htmlDocPtr, htmlCtxtReadMemory, (xmlParserCtxtPtr a1, const char *a2, int a3, const char *a4, const char *a5, int a6), (a1, a2, a3, a4, a5, a6))
BT_LAZY_VOID(xml, htmlFreeParserCtxt, (htmlParserCtxtPtr a1), (a1))
BT_LAZY_FN(xml, htmlParserCtxtPtr, htmlNewParserCtxt, (void), ())
BT_LAZY_FN(xml, htmlDocPtr, htmlReadMemory, (const char *a1, int a2, const char *a3, const char *a4, int a5), (a1, a2, a3, a4, a5))
BT_LAZY_FN(xml, const xmlChar *, xmlBufferContent, (const xmlBuffer *a1), (a1))
BT_LAZY_FN(xml, xmlBufferPtr, xmlBufferCreate, (void), ())
BT_LAZY_VOID(xml, xmlBufferFree, (xmlBufferPtr a1), (a1))
BT_LAZY_FN(xml, int, xmlBufferLength, (const xmlBuffer *a1), (a1))
BT_LAZY_FN(xml, xmlDocPtr, xmlCtxtReadMemory, (xmlParserCtxtPtr a1, const char *a2, int a3, const char *a4, const char *a5, int a6), (a1, a2, a3, a4, a5, a6))
BT_LAZY_FN(xml, xmlNodePtr, xmlDocGetRootElement, (const xmlDoc *a1), (a1))
BT_LAZY_FN(xml, xmlChar *, xmlEncodeEntitiesReentrant, (xmlDocPtr a1, const xmlChar *a2), (a1, a2))
BT_LAZY_FN(xml, xmlChar *, xmlEncodeSpecialChars, (const xmlDoc *a1, const xmlChar *a2), (a1, a2))
BT_LAZY_VOID(xml, xmlFreeDoc, (xmlDocPtr a1), (a1))
BT_LAZY_VOID(xml, xmlFreeParserCtxt, (xmlParserCtxtPtr a1), (a1))
BT_LAZY_VOID(xml, xmlFreeTextWriter, (xmlTextWriterPtr a1), (a1))
BT_LAZY_FN(xml, xmlExternalEntityLoader, xmlGetExternalEntityLoader, (void), ())
BT_LAZY_FN(xml, xmlChar *, xmlGetNsProp, (const xmlNode *a1, const xmlChar *a2, const xmlChar *a3), (a1, a2, a3))
BT_LAZY_FN(xml, xmlChar *, xmlGetProp, (const xmlNode *a1, const xmlChar *a2), (a1, a2))
BT_LAZY_FN(xml, xmlDocPtr, xmlNewDoc, (const xmlChar *a1), (a1))
BT_LAZY_FN(xml, xmlParserCtxtPtr, xmlNewParserCtxt, (void), ())
BT_LAZY_FN(xml, xmlTextWriterPtr, xmlNewTextWriter, (xmlOutputBufferPtr a1), (a1))
BT_LAZY_FN(xml, xmlTextWriterPtr, xmlNewTextWriterMemory, (xmlBufferPtr a1, int a2), (a1, a2))
BT_LAZY_FN(xml, xmlChar *, xmlNodeGetContent, (const xmlNode *a1), (a1))
BT_LAZY_FN(xml, int, xmlOutputBufferClose, (xmlOutputBufferPtr a1), (a1))
BT_LAZY_FN(xml, xmlOutputBufferPtr, xmlOutputBufferCreateBuffer, (xmlBufferPtr a1, xmlCharEncodingHandlerPtr a2), (a1, a2))
BT_LAZY_FN(xml, xmlOutputBufferPtr, xmlOutputBufferCreateFile, (FILE *a1, xmlCharEncodingHandlerPtr a2), (a1, a2))
BT_LAZY_FN(xml, xmlDocPtr, xmlReadMemory, (const char *a1, int a2, const char *a3, const char *a4, int a5), (a1, a2, a3, a4, a5))
BT_LAZY_VOID(xml, xmlSetExternalEntityLoader, (xmlExternalEntityLoader a1), (a1))
BT_LAZY_FN(xml, int, xmlStrcmp, (const xmlChar *a1, const xmlChar *a2), (a1, a2))
BT_LAZY_FN(xml, xmlChar *, xmlStrdup, (const xmlChar *a1), (a1))
BT_LAZY_FN(xml, int, xmlTextWriterEndAttribute, (xmlTextWriterPtr a1), (a1))
BT_LAZY_FN(xml, int, xmlTextWriterEndDTD, (xmlTextWriterPtr a1), (a1))
BT_LAZY_FN(xml, int, xmlTextWriterEndDocument, (xmlTextWriterPtr a1), (a1))
BT_LAZY_FN(xml, int, xmlTextWriterEndElement, (xmlTextWriterPtr a1), (a1))
BT_LAZY_FN(xml, int, xmlTextWriterFlush, (xmlTextWriterPtr a1), (a1))
BT_LAZY_FN(xml, int, xmlTextWriterFullEndElement, (xmlTextWriterPtr a1), (a1))
BT_LAZY_FN(xml, int, xmlTextWriterSetIndent, (xmlTextWriterPtr a1, int a2), (a1, a2))
BT_LAZY_FN(xml, int, xmlTextWriterSetIndentString, (xmlTextWriterPtr a1, const xmlChar *a2), (a1, a2))
BT_LAZY_FN(xml, int, xmlTextWriterStartAttribute, (xmlTextWriterPtr a1, const xmlChar *a2), (a1, a2))
BT_LAZY_FN(xml, int, xmlTextWriterStartDTD, (xmlTextWriterPtr a1, const xmlChar *a2, const xmlChar *a3, const xmlChar *a4), (a1, a2, a3, a4))
BT_LAZY_FN(xml, int, xmlTextWriterStartDocument, (xmlTextWriterPtr a1, const char *a2, const char *a3, const char *a4), (a1, a2, a3, a4))
BT_LAZY_FN(xml, int, xmlTextWriterStartElement, (xmlTextWriterPtr a1, const xmlChar *a2), (a1, a2))
BT_LAZY_FN(xml, int, xmlTextWriterWriteAttribute, (xmlTextWriterPtr a1, const xmlChar *a2, const xmlChar *a3), (a1, a2, a3))
BT_LAZY_FN(xml, int, xmlTextWriterWriteDTD, (xmlTextWriterPtr a1, const xmlChar *a2, const xmlChar *a3, const xmlChar *a4, const xmlChar *a5), (a1, a2, a3, a4, a5))
BT_LAZY_FN(xml, int, xmlTextWriterWriteElement, (xmlTextWriterPtr a1, const xmlChar *a2, const xmlChar *a3), (a1, a2, a3))
BT_LAZY_FN(xml, int, xmlTextWriterWritePI, (xmlTextWriterPtr a1, const xmlChar *a2, const xmlChar *a3), (a1, a2, a3))
BT_LAZY_FN(xml, int, xmlTextWriterWriteRaw, (xmlTextWriterPtr a1, const xmlChar *a2), (a1, a2))
BT_LAZY_FN(xml, int, xmlTextWriterWriteRawLen, (xmlTextWriterPtr a1, const xmlChar *a2, int a3), (a1, a2, a3))
BT_LAZY_FN(xml, int, xmlTextWriterWriteString, (xmlTextWriterPtr a1, const xmlChar *a2), (a1, a2))

/* in_html.c - saved HTML page -> article: charset, libxml2 parse, extraction.
 *
 * The bytes are converted to UTF-8 first (charset.h), then parsed by libxml2's HTML parser with
 * the encoding given explicitly and the page's own declaration ignored, no network, no
 * external entities, errors suppressed (recover mode). Extraction is in extract.c. */
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "extract.h"
#include "input.h"
#include "text.h"

/* No entity loader at all: nothing outside the page is ever read. */
static xmlParserInputPtr bt_no_entities(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

bt_status bt_html_parse(const char *buf, size_t len, const char *base_dir, bt_article *a, bt_err *e)
{
    if (len > BT_MAX_INPUT_BYTES)
        return bt_err_set(e, BT_ELIMIT, "page larger than %zu bytes", (size_t)BT_MAX_INPUT_BYTES);
    /* Bound the tree before libxml2 builds it: real pages have tens of thousands of elements. */
    size_t tags = 0;
    for (size_t i = 0; i + 1 < len; i++)
        if (buf[i] == '<' && ((buf[i + 1] | 0x20) >= 'a' && (buf[i + 1] | 0x20) <= 'z')) tags++;
    if (tags > BT_MAX_HTML_NODES)
        return bt_err_set(e, BT_ELIMIT, "page has more than %d elements", BT_MAX_HTML_NODES);
    char cs[48];
    size_t bom = 0;
    bt_cs_source src = bt_charset_detect(buf, len, cs, sizeof cs, &bom);
    char *utf8 = NULL;
    size_t ulen = 0, nbad = 0;
    bt_status st = bt_charset_to_utf8(buf + bom, len - bom, cs, &utf8, &ulen, &nbad, e);
    if (st != BT_OK) return st;
    if (src == BT_CS_FROM_DEFAULT && strcmp(cs, "UTF-8") != 0)
        bt_article_warn(a, "no character set declared: read as %s", cs);
    if (nbad)
        bt_article_warn(a, "%zu byte sequence%s invalid in %s replaced by U+FFFD", nbad,
                        nbad == 1 ? "" : "s", cs);
    if (ulen > (size_t)INT32_MAX) {
        free(utf8);
        return bt_err_set(e, BT_ELIMIT, "page too large");
    }

    xmlExternalEntityLoader old = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(bt_no_entities);
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    if (!ctxt) {
        xmlSetExternalEntityLoader(old);
        free(utf8);
        return bt_err_set(e, BT_ENOMEM, "cannot create the HTML parser");
    }
    int opts = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER |
               HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT;
    htmlDocPtr doc = htmlCtxtReadMemory(ctxt, utf8, (int)ulen, NULL, "UTF-8", opts);
    xmlSetExternalEntityLoader(old);
    free(utf8);
    /* libxml2 stops at its nesting limit (256 open elements) and drops the rest of the page. */
    int too_deep = ctxt->lastError.message && strstr(ctxt->lastError.message, "Excessive depth");
    if (too_deep)
        bt_article_warn(a, "page nested deeper than 256 elements: the rest of it was not read");
    if (!doc) {
        htmlFreeParserCtxt(ctxt);
        return bt_err_set(e, BT_EPARSE, "not parseable as HTML");
    }
    st = bt_extract_article(doc, base_dir, a, e);
    xmlFreeDoc(doc);
    htmlFreeParserCtxt(ctxt);
    if (st != BT_OK) return st;
    if (a->nblocks == 0 && (!a->title || !*a->title)) {
        if (too_deep)
            return bt_err_set(e, BT_ELIMIT, "page nested deeper than 256 elements before any text");
        return bt_err_set(e, BT_EEMPTY, "no article text found in the page");
    }
    return BT_OK;
}

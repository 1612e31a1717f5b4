/* in_html.c - saved HTML page -> article: charset, libxml2 parse, extraction.
 *
 * The bytes are converted to UTF-8 first (charset.h), then parsed by libxml2's HTML parser with
 * the encoding given explicitly and the page's own declaration ignored, no network, no
 * external entities, errors suppressed (recover mode). Extraction is in extract.c. */
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* Case-insensitive "</name" at p (name lower case). */
static int end_tag_at(const char *p, const char *end, const char *name)
{
    size_t n = strlen(name);
    if ((size_t)(end - p) < n + 2 || p[0] != '<' || p[1] != '/') return 0;
    for (size_t i = 0; i < n; i++)
        if ((p[2 + i] | 0x20) != name[i]) return 0;
    return 1;
}

/* The text of <script> and <style> elements, which nothing reads (JSON-LD scripts excepted), is
 * cut out before libxml2 sees the page: on news pages it is most of the bytes and most of the
 * parsing time. The scan follows what libxml2's HTML parser does: comments, other markup
 * declarations and quoted attribute values are stepped over whole, and such an element's text
 * ends at the first "</script" ("</style"), whatever the case. An element with no end is left
 * as it is. Returns the new length (the bytes are moved down in place). */
static size_t cut_raw_text(char *s, size_t len)
{
    const char *end = s + len;
    char *out = s;
    const char *p = s;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt) break;
        const char *q = lt + 1;
        if (end - lt >= 4 && memcmp(lt, "<!--", 4) == 0) { /* a comment, whole */
            const char *c = lt + 4;
            while (c + 2 < end && !(c[0] == '-' && c[1] == '-' && c[2] == '>')) c++;
            q = c + 3 <= end ? c + 3 : end;
        } else if (q < end && ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z')) { /* a start tag */
            const char *nb = q;
            while (q < end && (isalnum((unsigned char)*q) || *q == '-' || *q == '_' || *q == ':')) q++;
            size_t nl = (size_t)(q - nb);
            char quote = 0;
            while (q < end && (quote || *q != '>')) { /* attributes, quotes honoured */
                if (quote && *q == quote) quote = 0;
                else if (!quote && (*q == '"' || *q == '\'')) quote = *q;
                q++;
            }
            if (q >= end) break;
            q++; /* past '>' */
            const char *raw = nl == 6 && strncasecmp(nb, "script", 6) == 0 ? "script"
                            : nl == 5 && strncasecmp(nb, "style", 5) == 0 ? "style" : NULL;
            int keep = 0; /* JSON-LD: metadata */
            for (const char *k = nb; raw && k + 7 <= q; k++)
                if (strncasecmp(k, "ld+json", 7) == 0) keep = 1;
            if (raw && !keep) {
                const char *c = q;
                while (c < end && !end_tag_at(c, end, raw)) {
                    const char *nx = c + 1 < end ? memchr(c + 1, '<', (size_t)(end - c - 1)) : NULL;
                    c = nx ? nx : end;
                }
                if (c < end) { /* keep the start tag and the end tag, drop the text */
                    size_t k = (size_t)(q - p);
                    memmove(out, p, k);
                    out += k;
                    p = c;
                    continue;
                }
            }
        } else {
            q = lt + 1;
        }
        size_t k = (size_t)(q - p);
        memmove(out, p, k);
        out += k;
        p = q;
    }
    size_t k = (size_t)(end - p);
    memmove(out, p, k);
    out += k;
    return (size_t)(out - s);
}

bt_status bt_html_parse(const char *buf, size_t len, const char *base_dir, bt_article *a, bt_err *e)
{
    return bt_html_parse_from(buf, len, base_dir, NULL, a, e);
}

bt_status bt_html_parse_from(const char *buf, size_t len, const char *base_dir,
                             const bt_origin *origin, bt_article *a, bt_err *e)
{
    if (len > BT_MAX_INPUT_BYTES)
        return bt_err_set(e, BT_ELIMIT, "page larger than %zu bytes", (size_t)BT_MAX_INPUT_BYTES);
    /* Bound the tree before libxml2 builds it: real pages have tens of thousands of elements. */
    size_t tags = 0;
    for (const char *p = buf, *end = buf + len; p + 1 < end;) {
        const char *lt = memchr(p, '<', (size_t)(end - p - 1));
        if (!lt) break;
        if ((lt[1] | 0x20) >= 'a' && (lt[1] | 0x20) <= 'z') tags++;
        p = lt + 1;
    }
    if (tags > BT_MAX_HTML_NODES)
        return bt_err_set(e, BT_ELIMIT, "page has more than %d elements", BT_MAX_HTML_NODES);
    char cs[48];
    size_t bom = 0;
    bt_cs_source src = bt_charset_detect_hint(buf, len, origin ? origin->charset : NULL, cs,
                                              sizeof cs, &bom);
    char *utf8 = NULL;
    size_t ulen = 0, nbad = 0;
    bt_status st = bt_charset_to_utf8(buf + bom, len - bom, cs, &utf8, &ulen, &nbad, e);
    if (st != BT_OK) return st;
    if (src == BT_CS_FROM_DEFAULT && strcmp(cs, "UTF-8") != 0)
        bt_article_warn(a, "no character set declared: read as %s", cs);
    if (nbad)
        bt_article_warn(a, "%zu byte sequence%s invalid in %s replaced by U+FFFD", nbad,
                        nbad == 1 ? "" : "s", cs);
    ulen = cut_raw_text(utf8, ulen);
    utf8[ulen] = '\0';
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
    /* a fetched page is its own source unless it names a canonical URL */
    if (origin && origin->url && !a->source_url) bt_article_set(&a->source_url, origin->url);
    st = bt_extract_article_from(doc, base_dir, origin, a, e);
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

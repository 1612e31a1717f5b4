/* epub_xw.c - the XML writing of the EPUB writer (see epub_int.h): a thin layer over libxml2's
 * xmlTextWriter, which escapes all text and attribute values, that remembers the first failure
 * and collects the code points of the displayed text for font subsetting. */
#include "epub_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define NS_XHTML "http://www.w3.org/1999/xhtml"
#define NS_EPUB "http://www.idpf.org/2007/ops"

/* ---------------------------------------------------------------------------------------------
 * Small helpers. */

/* 1 if XML 1.0 allows the character (C1 controls, discouraged, are refused too). */
static int epub_xml_char(uint32_t cp)
{
    if (cp >= 0x7F && cp <= 0x9F) return 0;
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* A copy of s that is valid UTF-8 with no character XML 1.0 forbids. Heap string. */
char *epub_xml_clean(const char *s)
{
    size_t len, i = 0, k;
    uint32_t cp;
    char *rep, *out;
    int clean = 1;
    if (!s) return bt_xstrdup("");
    len = strlen(s);
    rep = bt_utf8_valid(s, len) ? bt_xstrndup(s, len) : bt_utf8_repair(s, len, NULL);
    len = strlen(rep);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)rep[i];
        if (c < 0x20 || c == 0x7F || c == 0xC2 || c == 0xEF) { clean = 0; break; }
    }
    if (clean) return rep; /* the common case: nothing to drop */
    {
        bt_buf b = {0};
        i = 0;
        while (i < len && (k = bt_utf8_decode(rep + i, len - i, &cp)) > 0) {
            if (epub_xml_char(cp)) bt_buf_add(&b, rep + i, k);
            i += k;
        }
        free(rep);
        out = bt_buf_detach(&b, NULL);
    }
    return out ? out : bt_xstrdup("");
}


uint64_t *cpset_new(void)
{
    return bt_xcalloc(CPSET_WORDS, sizeof(uint64_t));
}

void cpset_add(uint64_t *set, uint32_t cp)
{
    if (cp < 0x110000) set[cp >> 6] |= (uint64_t)1 << (cp & 63);
}


int xw_open(xw *x, uint64_t *cps)
{
    memset(x, 0, sizeof *x);
    x->buf = xmlBufferCreate();
    if (!x->buf) return -1;
    x->w = xmlNewTextWriterMemory(x->buf, 0);
    if (!x->w) {
        xmlBufferFree(x->buf);
        x->buf = NULL;
        return -1;
    }
    x->cps = cps;
    if (xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0) x->failed = 1;
    return 0;
}

/* Finish the document; on success hand over its bytes (heap) and return 0. */
int xw_close(xw *x, unsigned char **out, size_t *len)
{
    int rc = -1;
    if (xmlTextWriterEndDocument(x->w) < 0) x->failed = 1;
    xmlFreeTextWriter(x->w); /* flushes into buf */
    x->w = NULL;
    if (!x->failed) {
        size_t n = (size_t)xmlBufferLength(x->buf);
        unsigned char *d = bt_xmalloc(n + 1);
        memcpy(d, xmlBufferContent(x->buf), n);
        d[n] = 0;
        *out = d;
        *len = n;
        rc = 0;
    }
    xmlBufferFree(x->buf);
    x->buf = NULL;
    return rc;
}

void xw_start(xw *x, const char *name)
{
    if (xmlTextWriterStartElement(x->w, BAD_CAST name) < 0) x->failed = 1;
}
void xw_end(xw *x)
{
    if (xmlTextWriterEndElement(x->w) < 0) x->failed = 1;
}
/* End an element that must keep an explicit end tag (never <x/>), e.g. XHTML ones. */
void xw_fend(xw *x)
{
    if (xmlTextWriterFullEndElement(x->w) < 0) x->failed = 1;
}
void xw_attr(xw *x, const char *name, const char *val)
{
    char *c = epub_xml_clean(val);
    if (xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST c) < 0) x->failed = 1;
    free(c);
}
void xw_nl(xw *x)
{
    if (xmlTextWriterWriteRaw(x->w, BAD_CAST "\n") < 0) x->failed = 1;
}
/* One pass over a text that is written (every word of a book goes through here): adds its
 * characters to set (when not NULL) and returns a mask: TEXT_DIRTY when epub_xml_clean would change
 * it (not valid UTF-8, or a character XML 1.0 forbids), TEXT_ESCAPE when it holds a character
 * xmlEncodeSpecialChars escapes in element content (< > & " and CR). A dirty text adds only
 * what came before the first bad byte, which cleaning keeps. */
enum { TEXT_DIRTY = 1, TEXT_ESCAPE = 2 };
static int text_scan(uint64_t *set, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    int r = 0;
    size_t i = 0;
    while (i < len) {
        unsigned c = u[i];
        uint32_t cp;
        size_t n;
        if (c < 0x80) {
            if ((c < 0x20 && c != 0x9 && c != 0xA && c != 0xD) || c == 0x7F) return r | TEXT_DIRTY;
            if (c == '<' || c == '>' || c == '&' || c == '"' || c == '\r') r |= TEXT_ESCAPE;
            cp = c;
            n = 1;
        } else if (c >= 0xC2 && c <= 0xDF && i + 1 < len && (u[i + 1] & 0xC0) == 0x80) {
            cp = ((c & 0x1Fu) << 6) | (u[i + 1] & 0x3Fu);
            n = 2;
        } else if (c >= 0xE1 && c <= 0xEC && i + 2 < len && (u[i + 1] & 0xC0) == 0x80 &&
                   (u[i + 2] & 0xC0) == 0x80) { /* neither overlong (E0) nor a surrogate (ED) */
            cp = ((c & 0x0Fu) << 12) | ((uint32_t)(u[i + 1] & 0x3F) << 6) | (u[i + 2] & 0x3Fu);
            n = 3;
        } else {
            n = bt_utf8_decode(s + i, len - i, &cp);
            if (n < 2) return r | TEXT_DIRTY; /* a lead byte that starts no valid sequence */
        }
        if (!epub_xml_char(cp)) return r | TEXT_DIRTY;
        if (set) cpset_add(set, cp);
        i += n;
    }
    return r;
}

void xw_text(xw *x, const char *s)
{
    /* the common case, text that is clean already, is written as it is, without a copy */
    const char *w = s ? s : "";
    size_t len = strlen(w);
    char *c = NULL;
    int scan = text_scan(x->cps, w, len);
    if (scan & TEXT_DIRTY) {
        c = epub_xml_clean(s);
        w = c;
        len = strlen(c);
        scan = text_scan(x->cps, w, len);
    }
    /* xmlTextWriterWriteString escapes the text (xmlEncodeSpecialChars, a copy) and writes that
     * raw: a text with nothing to escape is written raw at once, the same bytes (xw_text is only
     * ever called in element content, never inside an attribute) */
    int rc = (scan & TEXT_ESCAPE) || len > INT_MAX ? xmlTextWriterWriteString(x->w, BAD_CAST w)
                                : xmlTextWriterWriteRawLen(x->w, BAD_CAST w, (int)len);
    if (rc < 0) x->failed = 1;
    free(c);
}
/* <name [class=cls]>text</name> */
void xw_elem(xw *x, const char *name, const char *cls, const char *text)
{
    xw_start(x, name);
    if (cls) xw_attr(x, "class", cls);
    xw_text(x, text);
    xw_fend(x);
}

/* <html> ... <head> with title and stylesheet, then <body>. */
void xw_xhtml_head(xw *x, const char *lang, const char *title, const char *body_class)
{
    if (xmlTextWriterWriteDTD(x->w, BAD_CAST "html", NULL, NULL, NULL) < 0) x->failed = 1;
    xw_nl(x);
    xw_start(x, "html");
    xw_attr(x, "xmlns", NS_XHTML);
    xw_attr(x, "xmlns:epub", NS_EPUB);
    xw_attr(x, "lang", lang);
    xw_attr(x, "xml:lang", lang);
    xw_nl(x);
    xw_start(x, "head");
    xw_start(x, "meta");
    xw_attr(x, "charset", "utf-8");
    xw_end(x);
    xw_start(x, "title");
    {
        char *c = epub_xml_clean(title);
        if (xmlTextWriterWriteString(x->w, BAD_CAST c) < 0) x->failed = 1;
        free(c);
    }
    xw_fend(x);
    xw_start(x, "link");
    xw_attr(x, "rel", "stylesheet");
    xw_attr(x, "type", "text/css");
    xw_attr(x, "href", "style.css");
    xw_end(x);
    xw_fend(x); /* head */
    xw_nl(x);
    xw_start(x, "body");
    if (body_class) xw_attr(x, "class", body_class);
    xw_nl(x);
}

void xw_xhtml_tail(xw *x)
{
    xw_fend(x); /* body */
    xw_nl(x);
    xw_fend(x); /* html */
    xw_nl(x);
}

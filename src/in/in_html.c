/* in_html.c - saved HTML page -> article: charset, libxml2 parse, extraction.
 *
 * The bytes are converted to UTF-8 first (charset.h), then parsed by libxml2's HTML parser with
 * the encoding given explicitly and the page's own declaration ignored, no network, no
 * external entities, errors suppressed (recover mode). Extraction is in extract.c. */
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "extract.h"
#include "input.h"
#include "text.h"

/* No entity loader at all: nothing outside the page is ever read. */
static xmlParserInputPtr no_entities(const char *url, const char *id, xmlParserCtxtPtr ctxt)
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

/* Attributes the extractor reads (extract*.c, site.c). Every other attribute is dropped before
 * libxml2 parses the page: attribute values are most of a modern page's markup (class lists,
 * link targets, tracking data) and most of the parser's time. An attribute that a new rule needs
 * must be added here. */
#define K(s) {s, sizeof s - 1}
static const struct kept {
    const char *name;
    size_t len;
} kept_attrs[] = {
    K("class"), K("id"), K("style"), K("hidden"), K("aria-hidden"), K("type"), K("role"), K("rel"),
    K("src"), K("srcset"), K("alt"), K("width"), K("height"), K("itemprop"), K("itemtype"),
    K("content"), K("property"), K("name"), K("http-equiv"), K("charset"), K("datetime"), K("lang"),
    K("xml:lang"), K("data-src"), K("data-original"), K("data-lazy-src"), K("data-lazy"),
    K("data-original-src"), K("data-full-src"), K("data-srcset"), K("data-url"),
    K("data-lazy-srcset"), K("aria-label"), K("typeof"), {NULL, 0}};
#undef K

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r'; /* libxml2's IS_BLANK_CH */
}

/* Index + 1 in kept_attrs of a kept attribute (href on <link>: the list's length + 1), 0 for
 * one that is dropped. */
static int kept_attr(const char *n, size_t l, const char *tag, size_t tl)
{
    int k = 0, f = tolower((unsigned char)n[0]);
    for (; kept_attrs[k].name; k++) /* the length and the first letter first: most are dropped */
        if (kept_attrs[k].len == l && kept_attrs[k].name[0] == f && strncasecmp(n, kept_attrs[k].name, l) == 0)
            return k + 1;
    if (l == 4 && strncasecmp(n, "href", 4) == 0) /* the canonical URL: <link rel href> */
        return tl == 4 && strncasecmp(tag, "link", 4) == 0 ? k + 1 : 0;
    return 0;
}

/* A kept attribute's value longer than this is dropped (a class list, a style or a text that
 * long is nobody's markup, and libxml2 reads values a character at a time), except in the
 * attributes that may name a picture by a data: URI. */
#define MAX_ATTR_VALUE (64 * 1024)

static int picture_attr(const char *n, size_t l)
{
    return (l == 3 && strncasecmp(n, "src", 3) == 0) || (l > 5 && strncasecmp(n, "data-", 5) == 0) ||
           (l == 6 && strncasecmp(n, "srcset", 6) == 0);
}

/* The next attribute of a start tag at *q (before last, the tag's '>'): its name [*an, *an +
 * *al), its text up to *ae. Returns 1 for an attribute, 0 at the tag's end, -1 where the tag
 * does not read as libxml2 reads it. */
static int next_attr(const char **q, const char *last, const char **an, size_t *al, const char **ae,
                     const char **val)
{
    const char *p = *q;
    while (p < last && blank(*p)) p++;
    *q = p;
    if (p == last || (*p == '/' && p + 1 == last)) return 0;
    *an = p;
    if (!(isalpha((unsigned char)*p) || *p == '_' || *p == ':' || *p == '.')) return -1;
    while (p < last && (isalnum((unsigned char)*p) || *p == ':' || *p == '-' || *p == '_' || *p == '.')) p++;
    *al = (size_t)(p - *an);
    if (*al >= 100) return -1; /* libxml2 cuts long names */
    const char *v = p;
    while (v < last && blank(*v)) v++;
    *ae = p; /* end of the attribute's text */
    *val = p;
    if (v < last && *v == '=') {
        v++;
        while (v < last && blank(*v)) v++;
        *val = v;
        if (v < last && (*v == '"' || *v == '\'')) {
            const char *c = memchr(v + 1, *v, (size_t)(last - v - 1));
            if (!c) return -1;
            *ae = c + 1;
        } else {
            const char *c = v;
            for (; c < last && !blank(*c); c++)
                if (*c == '"' || *c == '\'' || *c == '<' || *c == '=' || *c == '`') return -1;
            if (c == v) return -1;
            *ae = c;
        }
    } else if (!(p == last || blank(*p) || (*p == '/' && p + 1 == last))) {
        return -1;
    }
    *q = *ae;
    return 1;
}

/* Copy the start tag [p, end) (end just past its '>', name [nb, nb + nl)) to out (out <= p)
 * without the attributes nobody reads. Only a tag that reads as libxml2 reads it is rewritten
 * (names of letters, digits and ":-_.", values quoted or bare); anything else is copied as it is,
 * unless it is so long or holds so many attributes that libxml2 would spend seconds on it
 * (it compares each attribute with all before it): then only its name is kept. The tag is read
 * whole before anything is written. Of a kept attribute given twice only the first is written
 * (libxml2 keeps the first); one with an over-long value is dropped. Returns the bytes
 * written. */
static size_t slim_tag(const char *p, const char *end, const char *nb, size_t nl, char *out)
{
    const char *q = nb + nl, *last = end - 1; /* *last == '>' */
    const char *an = NULL, *ae = NULL, *val = NULL;
    size_t al = 0;
    int r, dropped = 0;
    if (!(q == last || blank(*q) || (*q == '/' && q + 1 == last))) goto verbatim;
    while ((r = next_attr(&q, last, &an, &al, &ae, &val)) == 1) {
        int k = kept_attr(an, al, nb, nl);
        dropped += !k || ((size_t)(ae - val) > MAX_ATTR_VALUE && !picture_attr(an, al));
    }
    if (r < 0) goto verbatim;
    if (!dropped) goto verbatim;
    char *o = out;
    memmove(o, p, (size_t)(nb + nl - p));
    o += nb + nl - p;
    uint64_t seen = 0; /* kept_attrs written (fewer than 64) */
    q = nb + nl;
    while (next_attr(&q, last, &an, &al, &ae, &val) == 1) {
        int k = kept_attr(an, al, nb, nl);
        if (!k || (seen & ((uint64_t)1 << k))) continue;
        if ((size_t)(ae - val) > MAX_ATTR_VALUE && !picture_attr(an, al)) continue;
        seen |= (uint64_t)1 << k;
        if (o < an) *o++ = ' '; /* else nothing before it changed: it stays as it was */
        memmove(o, an, (size_t)(ae - an));
        o += ae - an;
    }
    memmove(o, q, (size_t)(end - q));
    o += end - q;
    return (size_t)(o - out);
verbatim:
    if (end - p > MAX_ATTR_VALUE) { /* unreadable and huge: the name alone */
        size_t eq = 0;
        for (const char *c = nb + nl; c < last && eq <= 256; c++) eq += *c == '=';
        if (eq > 256 || end - p > 4 * MAX_ATTR_VALUE) {
            memmove(out, p, (size_t)(nb + nl - p));
            size_t k = (size_t)(nb + nl - p);
            out[k] = '>';
            return k + 1;
        }
    }
    memmove(out, p, (size_t)(end - p));
    return (size_t)(end - p);
}

/* Before libxml2 sees the page, what nothing reads is cut out of it: the text of <script> and
 * <style> elements (JSON-LD scripts excepted) and the drawing inside <svg>, attributes that no
 * rule reads (kept_attrs), and runs of blanks between two tags, which become one blank (a
 * newline when they held one: the text is the same once white space is collapsed). On news
 * pages that is most of the bytes and most of the parsing time. The scan follows what libxml2's
 * HTML parser does: comments, other markup declarations and quoted attribute values are
 * stepped over whole, and such an element's text ends at the first "</script" ("</style",
 * "</svg"), whatever the case. An element with no end is left as it is. Returns the new length
 * (the bytes are moved down in place). */
static size_t slim_markup(char *s, size_t len)
{
    const char *end = s + len;
    char *out = s;
    const char *p = s;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt) break;
        if (lt - p >= 2 && out > s && out[-1] == '>') { /* blanks alone between two tags */
            const char *b = p;
            int nl = 0;
            while (b < lt && blank(*b)) nl |= *b++ == '\n';
            if (b == lt) {
                *out++ = nl ? '\n' : ' ';
                p = lt;
            }
        }
        const char *q = lt + 1;
        if (end - lt >= 4 && memcmp(lt, "<!--", 4) == 0) { /* a comment, whole */
            const char *c = lt + 4;
            while (c + 2 < end && !(c[0] == '-' && c[1] == '-' && c[2] == '>')) c++;
            q = c + 3 <= end ? c + 3 : end;
            /* between two tags (blanks around it at most) it is dropped: nothing reads comments,
             * and no text on either side joins another */
            const char *after = q, *b = p;
            while (after < end && blank(*after)) after++;
            while (b < lt && blank(*b)) b++;
            char *ob = out;
            while (ob > s && blank(ob[-1])) ob--;
            if (c + 3 <= end && b == lt && ob > s && ob[-1] == '>' && after < end && *after == '<') {
                int nl = 0, any = out > ob || lt > p || after > q;
                for (const char *k = ob; k < out; k++) nl |= *k == '\n';
                for (const char *k = p; k < lt; k++) nl |= *k == '\n';
                for (const char *k = q; k < after; k++) nl |= *k == '\n';
                out = ob;
                if (any) *out++ = nl ? '\n' : ' ';
                p = after;
                continue;
            }
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
                            : nl == 5 && strncasecmp(nb, "style", 5) == 0 ? "style"
                            : nl == 3 && strncasecmp(nb, "svg", 3) == 0 ? "svg" : NULL;
            int keep = 0; /* JSON-LD: metadata, copied as it is up to its end */
            for (const char *k = nb; raw && k + 7 <= q; k++)
                if (strncasecmp(k, "ld+json", 7) == 0) keep = 1;
            if (p < lt) { /* the text before the tag */
                memmove(out, p, (size_t)(lt - p));
                out += lt - p;
            }
            out += slim_tag(lt, q, nb, nl, out);
            p = q;
            if (raw) {
                const char *c = q;
                while (c < end && !end_tag_at(c, end, raw)) {
                    /* an <svg> inside an <svg>: left as it is */
                    if (raw[1] == 'v' && c > q && c + 4 <= end && strncasecmp(c, "<svg", 4) == 0) { c = end; break; }
                    const char *nx = c + 1 < end ? memchr(c + 1, '<', (size_t)(end - c - 1)) : NULL;
                    c = nx ? nx : end;
                }
                if (c < end) {
                    if (keep) { /* the text as it is */
                        memmove(out, q, (size_t)(c - q));
                        out += c - q;
                    }
                    p = c; /* the end tag is copied next */
                }
            }
            continue;
        } else if (q < end && *q == '/') { /* an end tag runs to its '>' (libxml2 skips the rest) */
            const char *gt = memchr(q, '>', (size_t)(end - q));
            q = gt ? gt + 1 : lt + 1;
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
    ulen = slim_markup(utf8, ulen);
    utf8[ulen] = '\0';
    if (ulen > (size_t)INT32_MAX) {
        free(utf8);
        return bt_err_set(e, BT_ELIMIT, "page too large");
    }

    xmlExternalEntityLoader old = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(no_entities);
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
    /* libxml2 also stops at a text of more than 10 MB in one piece (its own limit) */
    if (ctxt->lastError.message && strstr(ctxt->lastError.message, "huge text node")) {
        bt_article_warn(a, "a text of more than 10 MB in one piece: the rest of the page was not read");
        a->truncated = 1;
    }
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

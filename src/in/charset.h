/* charset.h - find the character set of raw page bytes and convert them to UTF-8.
 *
 * Order of evidence: byte-order mark, then a declaration in the first bytes (<meta charset>,
 * <meta http-equiv="Content-Type">, <?xml encoding?>), then the bytes themselves (valid UTF-8,
 * Vietnamese legacy font encodings, uchardet), then windows-1252. A declaration that the bytes
 * contradict (declared UTF-8 but invalid, declared single-byte but valid multi-byte UTF-8) loses.
 *
 * Names are canonical: "UTF-8", "UTF-16LE", "UTF-16BE", "windows-1252", "ISO-8859-2", ...,
 * and the Vietnamese legacy encodings "windows-1258", "VISCII", "TCVN3" (ABC) and "VNI". */
#ifndef BT_CHARSET_H
#define BT_CHARSET_H

#include <stddef.h>

#include "util.h"

typedef enum {
    BT_CS_FROM_DEFAULT, /* nothing else worked: windows-1252 */
    BT_CS_FROM_BOM,
    BT_CS_FROM_DECLARED,
    BT_CS_FROM_DETECTED,
    BT_CS_FROM_TRANSPORT /* the HTTP Content-Type header named it */
} bt_cs_source;

/* Decide the charset of buf. name (namesz >= 32) gets the canonical name; *bom_len (may be NULL)
 * the number of BOM bytes to skip. */
bt_cs_source bt_charset_detect(const char *buf, size_t len, char *name, size_t namesz,
                               size_t *bom_len);

/* The same with the charset the transport named (the charset parameter of an HTTP Content-Type
 * header, or NULL): as in browsers it ranks after a BOM and before the page's own declaration.
 * It is checked against the bytes like a declaration (a header saying UTF-8 over bytes that are
 * not loses); an unknown label is ignored. */
bt_cs_source bt_charset_detect_hint(const char *buf, size_t len, const char *transport, char *name,
                                    size_t namesz, size_t *bom_len);

/* The charset named in the first bytes of an HTML page (meta or XML declaration), canonical, or
 * "" when none. namesz >= 32. */
void bt_charset_declared(const char *buf, size_t len, char *name, size_t namesz);

/* Canonical name for a label ("latin1" -> "windows-1252", "utf8" -> "UTF-8"); "" if unknown. */
void bt_charset_canonical(const char *label, char *name, size_t namesz);

/* Convert buf from charset to valid UTF-8 (heap, NUL-terminated; *outlen its length). Bytes that
 * do not decode become U+FFFD; *nbad (may be NULL) counts them. The result is not normalised:
 * windows-1258 and VNI give decomposed tone marks (NFC them later). */
bt_status bt_charset_to_utf8(const char *buf, size_t len, const char *charset, char **out,
                             size_t *outlen, size_t *nbad, bt_err *e);

#endif

/* decode.h - undo an HTTP Content-Encoding (gzip, deflate, br) with a cap on the decoded size.
 *
 * zlib decodes gzip and deflate, libbrotlidec decodes br; both are streamed into a buffer that
 * stops at max_out bytes, so a compression bomb (a few KB that expand to gigabytes) costs at most
 * max_out bytes of memory and fails with BT_ELIMIT. Used by the fetcher and the WARC reader. */
#ifndef BT_DECODE_H
#define BT_DECODE_H

#include <stddef.h>

#include "util.h"

/* 1 if the Content-Encoding value (a comma-separated list, possibly NULL or "identity") is one
 * this module decodes. */
int bt_decode_supported(const char *encoding);

/* Decode in[0..len) encoded as `encoding` (applied in the order listed, so decoded in reverse).
 * *out is a new NUL-terminated heap buffer (caller frees), *outlen its length. Errors:
 * BT_ELIMIT over max_out, BT_EPARSE for corrupt or cut-short data, BT_EUSAGE for an unknown
 * encoding. */
bt_status bt_decode_body(const char *encoding, const char *in, size_t len, size_t max_out,
                         char **out, size_t *outlen, bt_err *e);

#endif

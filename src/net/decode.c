/* decode.c - Content-Encoding decoders (zlib, libbrotlidec), capped. */
#include "decode.h"

#include <brotli/decode.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

typedef enum { ENC_IDENTITY, ENC_GZIP, ENC_DEFLATE, ENC_BR, ENC_UNKNOWN } enc;

static enc enc_of(const char *s, size_t n)
{
    if (n == 0 || (n == 8 && strncasecmp(s, "identity", 8) == 0)) return ENC_IDENTITY;
    if ((n == 4 && strncasecmp(s, "gzip", 4) == 0) || (n == 6 && strncasecmp(s, "x-gzip", 6) == 0))
        return ENC_GZIP;
    if (n == 7 && strncasecmp(s, "deflate", 7) == 0) return ENC_DEFLATE;
    if (n == 2 && strncasecmp(s, "br", 2) == 0) return ENC_BR;
    return ENC_UNKNOWN;
}

/* The codings listed in encoding, in order; returns how many (at most max), -1 if unknown. */
static int codings(const char *encoding, enc *v, int max)
{
    int n = 0;
    const char *p = encoding ? encoding : "";
    while (*p) {
        while (*p == ',' || isspace((unsigned char)*p)) p++;
        const char *s = p;
        while (*p && *p != ',' && !isspace((unsigned char)*p)) p++;
        if (p == s) continue;
        enc c = enc_of(s, (size_t)(p - s));
        if (c == ENC_UNKNOWN || n == max) return -1;
        if (c != ENC_IDENTITY) v[n++] = c;
    }
    return n;
}

int bt_decode_supported(const char *encoding)
{
    enc v[4];
    return codings(encoding, v, 4) >= 0;
}

/* zlib: gzip (all members, as gzip -d does) or deflate (zlib-wrapped, or raw as some servers
 * send it). */
static bt_status inflate_all(const char *in, size_t len, int gzip, size_t max, bt_buf *b, bt_err *e)
{
    int wbits = gzip ? 15 + 16 : 15;
    int raw_tried = 0;
again:;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, wbits) != Z_OK) return bt_err_set(e, BT_ENOMEM, "cannot start zlib");
    const unsigned char *p = (const unsigned char *)in;
    size_t left = len;
    unsigned char chunk[16384];
    bt_status st = BT_OK;
    int rc = Z_OK;
    size_t start_len = b->len;
    for (;;) {
        if (z.avail_in == 0 && left) {
            uInt n = left > (1u << 30) ? (1u << 30) : (uInt)left;
            z.next_in = (unsigned char *)p;
            z.avail_in = n;
            p += n;
            left -= n;
        }
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        rc = inflate(&z, Z_NO_FLUSH);
        size_t got = sizeof chunk - z.avail_out;
        if (b->len + got > max) {
            st = bt_err_set(e, BT_ELIMIT, "decoded body larger than %zu bytes (a compression bomb?)", max);
            break;
        }
        bt_buf_add(b, chunk, got);
        if (rc == Z_STREAM_END) {
            /* gzip: another member may follow */
            if (gzip && (z.avail_in || left)) {
                if (inflateReset(&z) != Z_OK) break;
                continue;
            }
            break;
        }
        if (rc == Z_BUF_ERROR && z.avail_in == 0 && left == 0) {
            st = bt_err_set(e, BT_EPARSE, "compressed body cut short");
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            if (!gzip && !raw_tried && b->len == start_len) { /* raw deflate */
                inflateEnd(&z);
                raw_tried = 1;
                wbits = -15;
                goto again;
            }
            st = bt_err_set(e, BT_EPARSE, "corrupt %s data", gzip ? "gzip" : "deflate");
            break;
        }
    }
    inflateEnd(&z);
    return st;
}

static bt_status unbrotli(const char *in, size_t len, size_t max, bt_buf *b, bt_err *e)
{
    BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    if (!s) return bt_err_set(e, BT_ENOMEM, "cannot start the brotli decoder");
    const uint8_t *next_in = (const uint8_t *)in;
    size_t avail_in = len;
    uint8_t chunk[16384];
    bt_status st = BT_OK;
    for (;;) {
        uint8_t *next_out = chunk;
        size_t avail_out = sizeof chunk;
        BrotliDecoderResult r =
            BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
        size_t got = sizeof chunk - avail_out;
        if (b->len + got > max) {
            st = bt_err_set(e, BT_ELIMIT, "decoded body larger than %zu bytes (a compression bomb?)", max);
            break;
        }
        bt_buf_add(b, chunk, got);
        if (r == BROTLI_DECODER_RESULT_SUCCESS) break;
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) continue;
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
            st = bt_err_set(e, BT_EPARSE, "compressed body cut short");
            break;
        }
        st = bt_err_set(e, BT_EPARSE, "corrupt brotli data");
        break;
    }
    BrotliDecoderDestroyInstance(s);
    return st;
}

bt_status bt_decode_body(const char *encoding, const char *in, size_t len, size_t max_out,
                         char **out, size_t *outlen, bt_err *e)
{
    enc v[4];
    int n = codings(encoding, v, 4);
    *out = NULL;
    *outlen = 0;
    if (n < 0) return bt_err_set(e, BT_EUSAGE, "unsupported Content-Encoding '%s'", encoding);
    bt_buf cur = {0};
    bt_buf_add(&cur, in, len);
    if (n == 0 && len > max_out) {
        bt_buf_free(&cur);
        return bt_err_set(e, BT_ELIMIT, "body larger than %zu bytes", max_out);
    }
    for (int i = n - 1; i >= 0; i--) {
        bt_buf next = {0};
        bt_buf_add(&next, "", 0);
        bt_status st = v[i] == ENC_BR ? unbrotli(cur.data, cur.len, max_out, &next, e)
                                      : inflate_all(cur.data, cur.len, v[i] == ENC_GZIP, max_out, &next, e);
        bt_buf_free(&cur);
        if (st != BT_OK) {
            bt_buf_free(&next);
            return st;
        }
        cur = next;
    }
    *out = bt_buf_detach(&cur, outlen);
    return BT_OK;
}

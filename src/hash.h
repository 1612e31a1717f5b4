/* hash.h - SHA-256 through OpenSSL's libcrypto (EVP interface); no hand-written hashing.
 *
 * Digests are returned as 32 raw bytes or as 64 lower-case hex characters + NUL. Nothing here
 * prints or exits; allocation failure inside libcrypto is reported as BT_ENOMEM. */
#ifndef BT_HASH_H
#define BT_HASH_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

#define BT_SHA256_LEN 32
#define BT_SHA256_HEX 65 /* 64 hex digits + NUL */

/* Incremental hashing. bt_sha256_new returns NULL only when libcrypto cannot allocate. */
typedef struct bt_sha256_ctx bt_sha256_ctx;
bt_sha256_ctx *bt_sha256_new(void);
void bt_sha256_update(bt_sha256_ctx *h, const void *p, size_t n);
/* Finish: writes 32 bytes to out; the context may then be freed (or reused after _reset). */
void bt_sha256_final(bt_sha256_ctx *h, unsigned char out[BT_SHA256_LEN]);
void bt_sha256_reset(bt_sha256_ctx *h);
void bt_sha256_free(bt_sha256_ctx *h);

/* One-shot digest of a buffer. */
void bt_sha256(const void *p, size_t n, unsigned char out[BT_SHA256_LEN]);
/* One-shot digest as hex. */
void bt_sha256_hex(const void *p, size_t n, char out[BT_SHA256_HEX]);
/* 32 raw bytes -> hex. */
void bt_hex(const unsigned char *raw, size_t n, char *out);

/* Digest of a file, streamed (never loaded whole). *size (may be NULL) gets its byte count. */
bt_status bt_sha256_file(const char *path, char out[BT_SHA256_HEX], uint64_t *size, bt_err *e);

/* The first 8 bytes of the digest of s as an integer (for shard assignment, dedupe keys). */
uint64_t bt_sha256_u64(const void *p, size_t n);

#endif

/* hash.c - SHA-256 via OpenSSL libcrypto EVP. */
#include "hash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

struct bt_sha256_ctx {
    EVP_MD_CTX *ctx;
};

bt_sha256_ctx *bt_sha256_new(void) {
    bt_sha256_ctx *h = bt_xcalloc(1, sizeof *h);
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
        bt_sha256_free(h);
        return NULL;
    }
    return h;
}

void bt_sha256_reset(bt_sha256_ctx *h) {
    if (h) EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL);
}

void bt_sha256_update(bt_sha256_ctx *h, const void *p, size_t n) {
    if (n) EVP_DigestUpdate(h->ctx, p, n);
}

void bt_sha256_final(bt_sha256_ctx *h, unsigned char out[BT_SHA256_LEN]) {
    unsigned int len = 0;
    EVP_DigestFinal_ex(h->ctx, out, &len);
}

void bt_sha256_free(bt_sha256_ctx *h) {
    if (!h) return;
    EVP_MD_CTX_free(h->ctx);
    free(h);
}

void bt_sha256(const void *p, size_t n, unsigned char out[BT_SHA256_LEN]) {
    unsigned int len = 0;
    /* EVP_Digest is the one-shot form; it only fails on allocation failure. */
    if (EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) != 1) memset(out, 0, BT_SHA256_LEN);
}

void bt_hex(const unsigned char *raw, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[raw[i] >> 4];
        out[2 * i + 1] = digits[raw[i] & 15];
    }
    out[2 * n] = '\0';
}

void bt_sha256_hex(const void *p, size_t n, char out[BT_SHA256_HEX]) {
    unsigned char raw[BT_SHA256_LEN];
    bt_sha256(p, n, raw);
    bt_hex(raw, BT_SHA256_LEN, out);
}

uint64_t bt_sha256_u64(const void *p, size_t n) {
    unsigned char raw[BT_SHA256_LEN];
    bt_sha256(p, n, raw);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | raw[i];
    return v;
}

bt_status bt_sha256_file(const char *path, char out[BT_SHA256_HEX], uint64_t *size, bt_err *e) {
    FILE *f = fopen(path, "rb");
    if (!f) return bt_err_set(e, BT_EIO, "cannot open: %s", strerror(errno));
    bt_sha256_ctx *h = bt_sha256_new();
    if (!h) {
        fclose(f);
        return bt_err_set(e, BT_ENOMEM, "libcrypto could not allocate a digest context");
    }
    unsigned char buf[65536];
    uint64_t total = 0;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        bt_sha256_update(h, buf, n);
        total += n;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        bt_sha256_free(h);
        return bt_err_set(e, BT_EIO, "read error");
    }
    unsigned char raw[BT_SHA256_LEN];
    bt_sha256_final(h, raw);
    bt_sha256_free(h);
    bt_hex(raw, BT_SHA256_LEN, out);
    if (size) *size = total;
    return BT_OK;
}

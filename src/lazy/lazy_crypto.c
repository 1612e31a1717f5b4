/* lazy_crypto.c - OpenSSL's libcrypto (SHA-256 for hash.c), loaded on first use (see lazy.h).
 * Generated from the prototypes in <openssl/evp.h>: one line per function bantin calls. */
#include "lazy.h"

#include <openssl/evp.h>

static bt_lazy_lib crypto = {"libcrypto.so.3", NULL, NULL};

BT_LAZY_FN(crypto, int, EVP_Digest, (const void *a1, size_t a2, unsigned char *a3, unsigned int *a4, const EVP_MD *a5, ENGINE *a6), (a1, a2, a3, a4, a5, a6))
BT_LAZY_FN(crypto, int, EVP_DigestFinal_ex, (EVP_MD_CTX *a1, unsigned char *a2, unsigned int *a3), (a1, a2, a3))
BT_LAZY_FN(crypto, int, EVP_DigestInit_ex, (EVP_MD_CTX *a1, const EVP_MD *a2, ENGINE *a3), (a1, a2, a3))
BT_LAZY_FN(crypto, int, EVP_DigestUpdate, (EVP_MD_CTX *a1, const void *a2, size_t a3), (a1, a2, a3))
BT_LAZY_VOID(crypto, EVP_MD_CTX_free, (EVP_MD_CTX *a1), (a1))
BT_LAZY_FN(crypto, EVP_MD_CTX *, EVP_MD_CTX_new, (void), ())
BT_LAZY_FN(crypto, const EVP_MD *, EVP_sha256, (void), ())

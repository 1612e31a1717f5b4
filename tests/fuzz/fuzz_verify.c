/* fuzz_verify.c - libFuzzer harness: `bantin verify` (bt_archive_verify) on damaged bags.
 *
 * The input is a bag as records: "@@ NAME\n" then the file's bytes up to the next "\n@@ " (an
 * input without a record is one payload file, data/x.pdf). Names are kept to the shapes a bag
 * has (bagit.txt, bag-info.txt, the manifests, tag files such as bantin-state.jsonl, data/...,
 * .bantin/journal; letters, digits, '.', '_', '-', at most five levels); others are dropped. A bag
 * file the input does not give is made correct by the harness: bagit.txt, the payload manifest
 * over data/, bag-info.txt with its Payload-Oxum, the tag manifest over the tag files. So the
 * fuzzer reaches the content checks of PDFs and EPUBs (their manifests match) as easily as it
 * breaks the manifests themselves.
 *
 * What must hold, besides no crash, leak or undefined behaviour:
 *   - verify answers BT_OK, or BT_EIO with a message (not a bag at all);
 *   - the number of problems is the number of reports, each with a kind, a path inside the bag
 *     and a reason;
 *   - a bag whose manifests, bagit.txt and bag-info.txt were all made by the harness has no
 *     structural problem: only content problems (a damaged PDF or EPUB with the right digest)
 *     and the unfinished commit when a journal was given. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "fuzz_common.h"
#include "hash.h"

#define MAX_FILES 32

static char *root; /* a folder of this process; the bag is made in root/bag each time */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    bt_fuzz_init(argc, argv);
    const char *tmp = getenv("TMPDIR");
    char *t = bt_xasprintf("%s/fuzz_verify.XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
    root = mkdtemp(t);
    if (!root) {
        fprintf(stderr, "fuzz_verify: cannot make a folder: %s\n", strerror(errno));
        abort();
    }
    return 0;
}

typedef struct {
    char name[128];
    const uint8_t *data;
    size_t len;
} rec;

/* A name as a bag has it, or 0. */
static int name_ok(const char *n)
{
    size_t len = strlen(n), depth = 0;
    if (!len || n[0] == '/' || n[len - 1] == '/') return 0;
    for (const char *p = n; *p; p++) {
        char c = *p;
        if (c == '/') {
            if (p[1] == '/') return 0;
            depth++;
        } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                     c == '_' || c == '-')) {
            return 0;
        }
    }
    for (const char *p = n; p; p = strchr(p, '/'), p = p ? p + 1 : NULL) /* no "." or ".." part */
        if ((p[0] == '.' && (p[1] == '/' || !p[1])) || (p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]))) return 0;
    if (depth > 4) return 0;
    if (strncmp(n, "data/", 5) == 0) return 1;
    if (strcmp(n, ".bantin/journal") == 0) return 1;
    return depth == 0 && n[0] != '.' && strcmp(n, "data") != 0;
}

static size_t split(const uint8_t *d, size_t n, rec *r)
{
    size_t nr = 0;
    if (n < 3 || memcmp(d, "@@ ", 3) != 0) {
        snprintf(r[0].name, sizeof r[0].name, "data/x.pdf");
        r[0].data = d;
        r[0].len = n;
        return 1;
    }
    size_t i = 0;
    while (i < n && nr < MAX_FILES) {
        /* at "@@ " */
        size_t s = i + 3, e = s;
        while (e < n && d[e] != '\n') e++;
        size_t nl = e - s < sizeof r[nr].name - 1 ? e - s : sizeof r[nr].name - 1;
        memcpy(r[nr].name, d + s, nl);
        r[nr].name[nl] = '\0';
        size_t c = e < n ? e + 1 : n, end = c;
        while (end < n && !(d[end] == '\n' && end + 3 < n && memcmp(d + end + 1, "@@ ", 3) == 0)) end++;
        r[nr].data = d + c;
        r[nr].len = end - c;
        if (memchr(r[nr].name, '\0', nl) == NULL && name_ok(r[nr].name)) nr++;
        i = end < n ? end + 1 : n;
    }
    return nr;
}

static int put(const char *bag, const char *name, const void *data, size_t len)
{
    char *p = bt_path_join(bag, name);
    int ok = bt_mkdirs_for(p, NULL) == BT_OK && bt_write_file_nosync(p, data, len, NULL) == BT_OK;
    free(p);
    return ok;
}

static const rec *given(const rec *r, size_t nr, const char *name)
{
    for (size_t i = nr; i-- > 0;) /* a name given twice: the last one, as it overwrites */
        if (strcmp(r[i].name, name) == 0) return &r[i];
    return NULL;
}

typedef struct {
    size_t reports;
    int structural; /* a problem other than content (and the journal) */
    int bad;        /* a report breaks the rules */
} seen;

static void report(void *ud, bt_bag_problem kind, const char *relpath, const char *detail)
{
    seen *s = ud;
    s->reports++;
    if (!relpath || !*relpath || relpath[0] == '/' || strncmp(relpath, "../", 3) == 0 || !detail || !*detail ||
        (int)kind < BT_BAG_MISSING || kind > BT_BAG_CONTENT)
        s->bad = 1;
    if (kind != BT_BAG_CONTENT && !(kind == BT_BAG_INVALID && relpath && strcmp(relpath, ".bantin/journal") == 0))
        s->structural = 1;
}

static void sha_hex(const void *data, size_t len, char hex[BT_SHA256_HEX])
{
    unsigned char h[BT_SHA256_LEN];
    bt_sha256(data, len, h);
    bt_hex(h, BT_SHA256_LEN, hex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > BT_FUZZ_MAX_LEN) return 0;
    rec r[MAX_FILES];
    size_t nr = split(data, size, r);
    char *bag = bt_path_join(root, "bag");
    bt_rm_tree(bag);
    if (mkdir(bag, 0700) != 0) abort();
    for (size_t i = 0; i < nr; i++) put(bag, r[i].name, r[i].data, r[i].len);
    char *dd = bt_path_join(bag, "data");
    mkdir(dd, 0700); /* the payload folder, even empty */
    /* the bag files the input left out, made right */
    int made = 1;
    if (!given(r, nr, "bagit.txt")) {
        const char *b = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
        put(bag, "bagit.txt", b, strlen(b));
    } else {
        made = 0;
    }
    bt_buf man = {0}, tags = {0};
    bt_buf_adds(&man, "");
    bt_buf_adds(&tags, "");
    uint64_t bytes = 0, count = 0;
    bt_strvec payload = {0}; /* what is on disk under data/ (a name given twice: the last bytes) */
    struct stat sb;
    if (stat(dd, &sb) == 0 && S_ISDIR(sb.st_mode)) bt_dir_list(dd, "data", 0, &payload, NULL, NULL);
    else made = 0; /* no payload folder: a structural problem of its own */
    free(dd);
    for (size_t k = 0; k < payload.n; k++) {
        char *p = bt_path_join(bag, payload.v[k]), *buf = NULL;
        size_t len = 0;
        if (bt_read_file(p, 1 << 20, &buf, &len, NULL) == BT_OK) {
            char hex[BT_SHA256_HEX];
            sha_hex(buf, len, hex);
            bt_buf_printf(&man, "%s  %s\n", hex, payload.v[k]);
            bytes += len;
            count++;
        }
        free(buf);
        free(p);
    }
    bt_strvec_free(&payload);
    if (!given(r, nr, "manifest-sha256.txt")) put(bag, "manifest-sha256.txt", man.data, man.len);
    else made = 0;
    if (!given(r, nr, "bag-info.txt")) {
        bt_buf info = {0};
        bt_buf_printf(&info, "Bagging-Date: 2023-05-27\nPayload-Oxum: %llu.%llu\n", (unsigned long long)bytes,
                      (unsigned long long)count);
        put(bag, "bag-info.txt", info.data, info.len);
        bt_buf_free(&info);
    } else {
        made = 0;
    }
    if (!given(r, nr, "tagmanifest-sha256.txt")) { /* every tag file at the top but the manifests */
        bt_strvec top = {0};
        bt_dir_list(bag, NULL, BT_WALK_TOP_ONLY | BT_WALK_SKIP_HIDDEN, &top, NULL, NULL);
        for (size_t k = 0; k < top.n; k++) {
            if (strncmp(top.v[k], "manifest-", 9) == 0 && strcmp(top.v[k], "manifest-sha256.txt") != 0) made = 0;
            if (strncmp(top.v[k], "tagmanifest-", 12) == 0) {
                made = 0;
                continue;
            }
            char *p = bt_path_join(bag, top.v[k]), *buf = NULL;
            size_t len = 0;
            if (bt_read_file(p, 1 << 20, &buf, &len, NULL) == BT_OK) {
                char hex[BT_SHA256_HEX];
                sha_hex(buf, len, hex);
                bt_buf_printf(&tags, "%s  %s\n", hex, top.v[k]);
            }
            free(buf);
            free(p);
        }
        bt_strvec_free(&top);
        put(bag, "tagmanifest-sha256.txt", tags.data, tags.len);
    } else {
        made = 0;
    }
    bt_buf_free(&man);
    bt_buf_free(&tags);

    seen s = {0, 0, 0};
    size_t np = 0, nf = 0;
    bt_err e;
    bt_err_clear(&e);
    bt_status st = bt_archive_verify(bag, report, &s, &np, &nf, &e);
    if (st != BT_OK && (st != BT_EIO || !e.msg[0])) abort(); /* only "not a bag", said */
    if (st == BT_OK && np != s.reports) abort();           /* every problem reported */
    if (s.bad) abort();
    if (st == BT_OK && made && s.structural) abort(); /* a bag made right has no structural problem */
    bt_rm_tree(bag);
    free(bag);
    return 0;
}

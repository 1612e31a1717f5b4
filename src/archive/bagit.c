/* bagit.c - BagIt (RFC 8493) manifests, tag files and verification. */
#include "bagit.h"
#include "hash.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>


struct bt_bag_manifest {
    bt_outfile out;
    uint64_t bytes, count;
};

char *bt_bag_path_encode(const char *path) {
    bt_buf b = {0};
    for (const char *p = path; *p; p++) {
        if (*p == '%') bt_buf_adds(&b, "%25");
        else if (*p == '\n') bt_buf_adds(&b, "%0A");
        else if (*p == '\r') bt_buf_adds(&b, "%0D");
        else bt_buf_addc(&b, *p);
    }
    if (!b.data) bt_buf_adds(&b, "");
    return bt_buf_detach(&b, NULL);
}

char *bt_bag_path_decode(const char *path) {
    bt_buf b = {0};
    for (const char *p = path; *p; p++) {
        if (p[0] == '%' && p[1] && p[2]) {
            if (strncmp(p, "%25", 3) == 0) { bt_buf_addc(&b, '%'); p += 2; continue; }
            if (strncasecmp(p, "%0A", 3) == 0) { bt_buf_addc(&b, '\n'); p += 2; continue; }
            if (strncasecmp(p, "%0D", 3) == 0) { bt_buf_addc(&b, '\r'); p += 2; continue; }
        }
        bt_buf_addc(&b, *p);
    }
    if (!b.data) bt_buf_adds(&b, "");
    return bt_buf_detach(&b, NULL);
}

bt_status bt_bag_manifest_open(bt_bag_manifest **out, const char *path, bt_err *e) {
    bt_bag_manifest *m = bt_xcalloc(1, sizeof *m);
    bt_status st = bt_outfile_open(&m->out, path, e);
    if (st != BT_OK) {
        free(m);
        return st;
    }
    *out = m;
    return BT_OK;
}

bt_status bt_bag_manifest_add(bt_bag_manifest *m, const char *relpath, const char *sha256,
                              uint64_t size, bt_err *e) {
    if (strncmp(relpath, "data/", 5) != 0 || strlen(sha256) != 64)
        return bt_err_set(e, BT_EOTHER, "bad manifest entry %s", relpath);
    char *enc = bt_bag_path_encode(relpath);
    int r = fprintf(m->out.f, "%s  %s\n", sha256, enc);
    free(enc);
    if (r < 0) return bt_err_set(e, BT_EIO, "cannot write the manifest: %s", strerror(errno));
    m->bytes += size;
    m->count++;
    return BT_OK;
}

bt_status bt_bag_manifest_close(bt_bag_manifest *m, uint64_t *bytes, uint64_t *count, bt_err *e) {
    if (bytes) *bytes = m->bytes;
    if (count) *count = m->count;
    bt_status st = bt_outfile_commit(&m->out, e);
    free(m);
    return st;
}

void bt_bag_manifest_abort(bt_bag_manifest *m) {
    if (!m) return;
    bt_outfile_abort(&m->out);
    free(m);
}

static bt_status write_text(const char *dir, const char *name, const bt_buf *b, bt_err *e) {
    char *p = bt_path_join(dir, name);
    bt_status st = bt_write_file_atomic(p, b->data ? b->data : "", b->len, e);
    free(p);
    return st;
}

bt_status bt_bag_write_tags(const char *dir, const bt_bag_info *info, const char *const *tagfiles,
                            bt_err *e) {
    bt_buf b = {0};
    bt_buf_printf(&b, "BagIt-Version: %s\nTag-File-Character-Encoding: UTF-8\n", BT_BAGIT_VERSION);
    bt_status st = write_text(dir, "bagit.txt", &b, e);
    bt_buf_reset(&b);
    if (st != BT_OK) goto out;

    time_t t = (time_t)info->bagging_time;
    struct tm tm;
    gmtime_r(&t, &tm);
    char day[16];
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    if (info->source_organization && *info->source_organization)
        bt_buf_printf(&b, "Source-Organization: %s\n", info->source_organization);
    if (info->external_description && *info->external_description)
        bt_buf_printf(&b, "External-Description: %s\n", info->external_description);
    bt_buf_printf(&b, "Bagging-Date: %s\n", day);
    bt_buf_printf(&b, "Payload-Oxum: %" PRIu64 ".%" PRIu64 "\n", info->oxum_bytes, info->oxum_count);
    if (info->software_agent) bt_buf_printf(&b, "Bag-Software-Agent: %s\n", info->software_agent);
    if (info->bag_group) bt_buf_printf(&b, "Bag-Group-Identifier: %s\n", info->bag_group);
    for (int i = 0; i < 16 && info->extra[i][0]; i++)
        if (info->extra[i][1]) bt_buf_printf(&b, "%s: %s\n", info->extra[i][0], info->extra[i][1]);
    st = write_text(dir, "bag-info.txt", &b, e);
    bt_buf_reset(&b);
    if (st != BT_OK) goto out;

    const char *fixed[] = {"bagit.txt", "bag-info.txt", "manifest-sha256.txt"};
    for (int pass = 0; pass < 2; pass++) {
        const char *const *list = pass == 0 ? fixed : tagfiles;
        size_t n = pass == 0 ? 3 : 0;
        if (pass == 1 && tagfiles)
            while (tagfiles[n]) n++;
        for (size_t i = 0; i < n; i++) {
            char *p = bt_path_join(dir, list[i]);
            char hex[BT_SHA256_HEX];
            st = bt_sha256_file(p, hex, NULL, e);
            free(p);
            if (st != BT_OK) goto out;
            char *enc = bt_bag_path_encode(list[i]);
            bt_buf_printf(&b, "%s  %s\n", hex, enc);
            free(enc);
        }
    }
    st = write_text(dir, "tagmanifest-sha256.txt", &b, e);
out:
    bt_buf_free(&b);
    return st;
}

const char *bt_bag_problem_name(bt_bag_problem p) {
    switch (p) {
    case BT_BAG_MISSING: return "missing";
    case BT_BAG_CHANGED: return "changed";
    case BT_BAG_UNEXPECTED: return "unexpected";
    case BT_BAG_INVALID: return "invalid";
    case BT_BAG_CONTENT: return "unusable";
    }
    return "problem";
}

/* ---- verification ---- */

typedef struct {
    char *path; /* relative to the bag, decoded */
    char hex[BT_SHA256_HEX];
} man_line;

static int cmp_man(const void *a, const void *b) {
    return strcmp(((const man_line *)a)->path, ((const man_line *)b)->path);
}

typedef struct {
    const char *dir;
    bt_bag_report_fn report;
    void *ud;
    size_t problems;
} vctx;

static void problem(vctx *v, bt_bag_problem k, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void problem(vctx *v, bt_bag_problem k, const char *path, const char *fmt, ...) {
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    v->problems++;
    if (v->report) v->report(v->ud, k, path, msg);
}

/* Parse a manifest file into lines; problems are reported. Returns -1 if unreadable. */
static int load_manifest(vctx *v, const char *name, man_line **out, size_t *n) {
    char *p = bt_path_join(v->dir, name);
    char *buf = NULL;
    size_t len = 0;
    bt_err e = {0};
    bt_status st = bt_read_file(p, (size_t)1 << 30, &buf, &len, &e);
    free(p);
    *out = NULL;
    *n = 0;
    if (st != BT_OK) return -1;
    size_t cap = 0, lineno = 0;
    char *save = buf;
    while (save && *save) {
        char *line = save;
        char *nl = strchr(line, '\n');
        if (nl) { *nl = '\0'; save = nl + 1; } else save = NULL;
        lineno++;
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r') line[--ll] = '\0';
        if (ll == 0) continue;
        char *sp = line;
        while (*sp && *sp != ' ' && *sp != '\t') sp++;
        char *path = sp;
        while (*path == ' ' || *path == '\t') path++;
        if (*path == '*') path++; /* sha256sum binary marker */
        if (sp - line != 64 || !*path) {
            problem(v, BT_BAG_INVALID, name, "line %zu is not \"<sha256> <path>\"", lineno);
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            *out = bt_xrealloc(*out, cap * sizeof **out);
        }
        man_line *m = &(*out)[(*n)++];
        for (int i = 0; i < 64; i++) {
            char c = line[i];
            m->hex[i] = (char)((c >= 'A' && c <= 'F') ? c - 'A' + 'a' : c);
        }
        m->hex[64] = '\0';
        m->path = bt_bag_path_decode(path);
    }
    free(buf);
    if (*n > 1) qsort(*out, *n, sizeof **out, cmp_man); /* an empty manifest has no array */
    return 0;
}

static void free_manifest(man_line *m, size_t n) {
    for (size_t i = 0; i < n; i++) free(m[i].path);
    free(m);
}

/* Check each listed file's digest; report missing/changed; run check on sound payload files. */
static void check_listed(vctx *v, const char *mname, man_line *m, size_t n, bt_bag_check_fn check,
                         size_t *nfiles) {
    for (size_t i = 0; i < n; i++) {
        if (!bt_path_inside(m[i].path, 0)) {
            problem(v, BT_BAG_INVALID, mname, "path leaves the bag: %s", m[i].path);
            continue;
        }
        if (i > 0 && strcmp(m[i].path, m[i - 1].path) == 0) {
            problem(v, BT_BAG_INVALID, mname, "listed twice: %s", m[i].path);
            continue;
        }
        char *abs = bt_path_join(v->dir, m[i].path);
        char hex[BT_SHA256_HEX];
        bt_err e = {0};
        struct stat sb;
        if (stat(abs, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            problem(v, BT_BAG_MISSING, m[i].path, "listed in %s but not present", mname);
        } else if (bt_sha256_file(abs, hex, NULL, &e) != BT_OK) {
            problem(v, BT_BAG_CHANGED, m[i].path, "unreadable: %s", e.msg);
        } else if (strcmp(hex, m[i].hex) != 0) {
            problem(v, BT_BAG_CHANGED, m[i].path, "SHA-256 is %s, %s says %s", hex, mname, m[i].hex);
        } else if (check) {
            char why[512] = "";
            if (check(v->ud, abs, m[i].path, why, sizeof why) != 0)
                problem(v, BT_BAG_CONTENT, m[i].path, "%s", why[0] ? why : "unusable file");
        }
        if (nfiles && strncmp(m[i].path, "data/", 5) == 0) (*nfiles)++;
        free(abs);
    }
}

static int listed(man_line *m, size_t n, const char *path) {
    man_line key = {.path = (char *)path};
    return n && bsearch(&key, m, n, sizeof *m, cmp_man) != NULL;
}

bt_status bt_bag_verify(const char *dir, bt_bag_report_fn report, bt_bag_check_fn check, void *ud,
                        size_t *nproblems, size_t *nfiles, bt_err *e) {
    vctx v = {.dir = dir, .report = report, .ud = ud};
    if (nfiles) *nfiles = 0;
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return bt_err_set(e, BT_EIO, "not a directory");

    /* bagit.txt */
    char *p = bt_path_join(dir, "bagit.txt");
    char *buf = NULL;
    size_t len = 0;
    bt_err e2 = {0};
    if (bt_read_file(p, 65536, &buf, &len, &e2) != BT_OK) {
        free(p);
        return bt_err_set(e, BT_EIO, "not a BagIt bag (no bagit.txt)");
    }
    free(p);
    if (!strstr(buf, "BagIt-Version:") || !strstr(buf, "Tag-File-Character-Encoding:"))
        problem(&v, BT_BAG_INVALID, "bagit.txt", "lacks BagIt-Version or Tag-File-Character-Encoding");
    free(buf);

    man_line *pm = NULL, *tm = NULL;
    size_t npm = 0, ntm = 0;
    if (load_manifest(&v, "manifest-sha256.txt", &pm, &npm) != 0)
        problem(&v, BT_BAG_MISSING, "manifest-sha256.txt", "the payload manifest is missing");
    if (load_manifest(&v, "tagmanifest-sha256.txt", &tm, &ntm) != 0)
        problem(&v, BT_BAG_MISSING, "tagmanifest-sha256.txt", "the tag manifest is missing");

    for (size_t i = 0; i < npm; i++)
        if (strncmp(pm[i].path, "data/", 5) != 0)
            problem(&v, BT_BAG_INVALID, "manifest-sha256.txt", "entry outside data/: %s", pm[i].path);
    check_listed(&v, "tagmanifest-sha256.txt", tm, ntm, NULL, NULL);
    check_listed(&v, "manifest-sha256.txt", pm, npm, check, nfiles);

    /* Files on disk: everything under data/ must be in the payload manifest; tag files at the
     * top level must be in the tag manifest (the manifests themselves excepted). */
    bt_strvec files = {0};
    uint64_t bytes = 0;
    char *data = bt_path_join(dir, "data");
    if (stat(data, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        problem(&v, BT_BAG_INVALID, "data", "the payload directory is missing");
    } else if (bt_dir_list(data, "data", 0, &files, &bytes, e) != BT_OK) {
        free(data);
        free_manifest(pm, npm);
        free_manifest(tm, ntm);
        return e ? e->code : BT_EIO;
    }
    free(data);
    size_t nf = files.n;
    for (size_t i = 0; i < nf; i++)
        if (!listed(pm, npm, files.v[i]))
            problem(&v, BT_BAG_UNEXPECTED, files.v[i], "in data/ but not in manifest-sha256.txt");
    bt_strvec_free(&files);

    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            const char *nm = de->d_name;
            if (nm[0] == '.' || strcmp(nm, "data") == 0) continue;
            if (strncmp(nm, "manifest-", 9) == 0 || strncmp(nm, "tagmanifest-", 12) == 0) {
                if (strcmp(nm, "manifest-sha256.txt") != 0 && strcmp(nm, "tagmanifest-sha256.txt") != 0)
                    problem(&v, BT_BAG_UNEXPECTED, nm, "manifest for an algorithm bantin does not check");
                continue;
            }
            if (!listed(tm, ntm, nm))
                problem(&v, BT_BAG_UNEXPECTED, nm, "tag file not in tagmanifest-sha256.txt");
        }
        closedir(d);
    }

    /* Payload-Oxum */
    p = bt_path_join(dir, "bag-info.txt");
    if (bt_read_file(p, 1 << 20, &buf, &len, &e2) == BT_OK) {
        char *ox = strstr(buf, "Payload-Oxum:");
        if (ox) {
            uint64_t ob = 0, oc = 0;
            if (sscanf(ox + 13, " %" SCNu64 ".%" SCNu64, &ob, &oc) != 2)
                problem(&v, BT_BAG_INVALID, "bag-info.txt", "Payload-Oxum is malformed");
            else if (ob != bytes || oc != nf)
                problem(&v, BT_BAG_INVALID, "bag-info.txt",
                        "Payload-Oxum says %" PRIu64 ".%" PRIu64 ", data/ holds %" PRIu64 ".%zu", ob,
                        oc, bytes, nf);
        }
        free(buf);
    } else {
        problem(&v, BT_BAG_MISSING, "bag-info.txt", "bag-info.txt is missing");
    }
    free(p);
    free_manifest(pm, npm);
    free_manifest(tm, ntm);
    if (nproblems) *nproblems = v.problems;
    return BT_OK;
}

/* arc_verify.c - bantin verify: the BagIt checks (bagit.c) plus content checks of each payload
 * file whose digest matched (a PDF has its header, startxref and %%EOF; an EPUB its mimetype
 * entry first and stored, and a container.xml naming a package document that exists), and a
 * commit left unfinished by an interrupted run. */
#include "arc_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

int bt_archive_check_pdf(const char *path, char *why, size_t cap) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, cap, "cannot open: %s", strerror(errno));
        return 1;
    }
    char head[1024], tail[2048];
    size_t hn = fread(head, 1, sizeof head - 1, f);
    head[hn] = 0;
    long size = 0;
    if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
    long from = size > (long)sizeof tail - 1 ? size - (long)sizeof tail + 1 : 0;
    size_t tn = 0;
    if (fseek(f, from, SEEK_SET) == 0) tn = fread(tail, 1, sizeof tail - 1, f);
    tail[tn] = 0;
    fclose(f);
    if (hn < 8 || memcmp(head, "%PDF-", 5) != 0) {
        snprintf(why, cap, "not a PDF (no %%PDF- header)");
        return 1;
    }
    /* the tail may hold NUL bytes: search it as memory */
    int has_eof = 0, has_startxref = 0;
    for (size_t i = 0; i + 5 <= tn; i++) {
        if (memcmp(tail + i, "%%EOF", 5) == 0) has_eof = 1;
        if (i + 9 <= tn && memcmp(tail + i, "startxref", 9) == 0) has_startxref = 1;
    }
    if (!has_eof) {
        snprintf(why, cap, "PDF is truncated (no %%%%EOF at the end)");
        return 1;
    }
    if (!has_startxref) {
        snprintf(why, cap, "PDF has no startxref (cross-reference table missing)");
        return 1;
    }
    return 0;
}

int bt_archive_check_epub(const char *path, char *why, size_t cap) {
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z) {
        snprintf(why, cap, "not a readable zip container (libzip error %d)", zerr);
        return 1;
    }
    int bad = 1;
    zip_stat_t zs;
    zip_stat_init(&zs);
    const char *n0 = zip_get_num_entries(z, 0) > 0 ? zip_get_name(z, 0, 0) : NULL;
    if (!n0 || strcmp(n0, "mimetype") != 0) {
        snprintf(why, cap, "EPUB: the first entry is not \"mimetype\"");
    } else if (zip_stat_index(z, 0, 0, &zs) != 0 || zs.comp_method != ZIP_CM_STORE) {
        snprintf(why, cap, "EPUB: mimetype is compressed (must be stored)");
    } else {
        char mt[64] = "";
        zip_file_t *zf = zip_fopen_index(z, 0, 0);
        zip_int64_t r = zf ? zip_fread(zf, mt, sizeof mt - 1) : -1;
        if (zf) zip_fclose(zf);
        if (r < 0 || (size_t)r != strlen("application/epub+zip") || memcmp(mt, "application/epub+zip", (size_t)r) != 0) {
            snprintf(why, cap, "EPUB: mimetype is not application/epub+zip");
        } else {
            zip_int64_t ci = zip_name_locate(z, "META-INF/container.xml", 0);
            zip_stat_t cs;
            if (ci < 0 || zip_stat_index(z, (zip_uint64_t)ci, 0, &cs) != 0 || cs.size > (1u << 20)) {
                snprintf(why, cap, "EPUB: META-INF/container.xml is missing");
            } else {
                char *buf = bt_xmalloc((size_t)cs.size + 1);
                zip_file_t *cf = zip_fopen_index(z, (zip_uint64_t)ci, 0);
                zip_int64_t cr = cf ? zip_fread(cf, buf, cs.size) : -1;
                if (cf) zip_fclose(cf);
                xmlDocPtr doc = cr == (zip_int64_t)cs.size
                    ? xmlReadMemory(buf, (int)cr, "container.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
                    : NULL;
                free(buf);
                char *full = NULL;
                for (xmlNodePtr nd = doc ? xmlDocGetRootElement(doc) : NULL; nd && !full;) {
                    if (nd->type == XML_ELEMENT_NODE && xmlStrcmp(nd->name, BAD_CAST "rootfile") == 0) {
                        xmlChar *fp = xmlGetProp(nd, BAD_CAST "full-path");
                        if (fp) { full = bt_xstrdup((const char *)fp); xmlFree(fp); }
                    }
                    /* iterative pre-order walk */
                    if (nd->children && nd->type == XML_ELEMENT_NODE) nd = nd->children;
                    else {
                        while (nd && !nd->next) nd = nd->parent && nd->parent->type == XML_ELEMENT_NODE ? nd->parent : NULL;
                        if (nd) nd = nd->next;
                    }
                }
                if (!doc) snprintf(why, cap, "EPUB: container.xml is not well-formed XML");
                else if (!full) snprintf(why, cap, "EPUB: container.xml names no rootfile");
                else if (zip_name_locate(z, full, 0) < 0) snprintf(why, cap, "EPUB: the package document %s is missing", full);
                else bad = 0;
                free(full);
                xmlFreeDoc(doc);
            }
        }
    }
    zip_discard(z);
    return bad;
}

static int content_check(void *ud, const char *abs, const char *rel, char *why, size_t cap) {
    (void)ud;
    size_t l = strlen(rel);
    if (l > 4 && strcasecmp(rel + l - 4, ".pdf") == 0) return bt_archive_check_pdf(abs, why, cap);
    if (l > 5 && strcasecmp(rel + l - 5, ".epub") == 0) return bt_archive_check_epub(abs, why, cap);
    return 0;
}

bt_status bt_archive_verify(const char *dir, bt_bag_report_fn report, void *ud, size_t *nproblems,
                            size_t *nfiles, bt_err *e) {
    xmlInitParser();
    size_t np = 0;
    bt_status st = bt_bag_verify(dir, report, content_check, ud, &np, nfiles, e);
    if (st != BT_OK) return st;
    char *jp = bt_xasprintf("%s/%s/journal", dir, ARC_WORK_NAME);
    struct stat sb;
    if (stat(jp, &sb) == 0) {
        np++;
        if (report)
            report(ud, BT_BAG_INVALID, ARC_WORK_NAME "/journal",
                   "an interrupted run left its commit unfinished: run bantin archive again to complete it");
    }
    free(jp);
    if (nproblems) *nproblems = np;
    return BT_OK;
}

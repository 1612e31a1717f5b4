/* bagit.h - BagIt (RFC 8493) packaging: payload manifest, tag files, tag manifest, verification.
 *
 * The writer never hashes payload files itself: the caller hands over (path, SHA-256, size) for
 * every payload file it knows, so an incremental run does not re-read an unchanged archive.
 * Paths are relative to the bag ("data/articles/2023/05/x.pdf"). Nothing here prints. */
#ifndef BT_BAGIT_H
#define BT_BAGIT_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

#define BT_BAGIT_VERSION "1.0"

/* Streamed payload manifest (manifest-sha256.txt), written atomically. */
typedef struct bt_bag_manifest bt_bag_manifest;
bt_status bt_bag_manifest_open(bt_bag_manifest **out, const char *path, bt_err *e);
/* relpath must start with "data/"; sha256 is 64 hex digits. */
bt_status bt_bag_manifest_add(bt_bag_manifest *m, const char *relpath, const char *sha256,
                              uint64_t size, bt_err *e);
/* Commit the file and free m; bytes and count (may be NULL) get the Payload-Oxum figures. */
bt_status bt_bag_manifest_close(bt_bag_manifest *m, uint64_t *bytes, uint64_t *count, bt_err *e);
void bt_bag_manifest_abort(bt_bag_manifest *m);

typedef struct {
    const char *source_organization; /* may be NULL */
    const char *external_description;
    const char *software_agent;      /* "bantin 0.1.0" */
    int64_t bagging_time;            /* seconds since the epoch (UTC date is written) */
    uint64_t oxum_bytes, oxum_count;
    const char *bag_group;           /* "Bag-Group-Identifier", may be NULL */
    const char *extra[16][2];        /* further "Label: value" pairs, NULL-terminated */
} bt_bag_info;

/* In dir (which already holds manifest-sha256.txt and the extra tag files named in tagfiles,
 * NULL-terminated): write bagit.txt, bag-info.txt, then tagmanifest-sha256.txt over all of them. */
bt_status bt_bag_write_tags(const char *dir, const bt_bag_info *info, const char *const *tagfiles,
                            bt_err *e);

/* Percent-encode CR, LF and '%' in a manifest path (RFC 8493 section 2.1.3). Heap string. */
char *bt_bag_path_encode(const char *path);
char *bt_bag_path_decode(const char *path);

typedef enum {
    BT_BAG_MISSING,    /* listed in a manifest, not on disk */
    BT_BAG_CHANGED,    /* on disk with another digest */
    BT_BAG_UNEXPECTED, /* on disk (under data/ or a tag file) but in no manifest */
    BT_BAG_INVALID,    /* structure: bagit.txt, bag-info.txt, Payload-Oxum, manifest syntax */
    BT_BAG_CONTENT     /* the digest matches but the file is unusable (check callback) */
} bt_bag_problem;

const char *bt_bag_problem_name(bt_bag_problem p);

/* Called once per problem. */
typedef void (*bt_bag_report_fn)(void *ud, bt_bag_problem kind, const char *relpath,
                                 const char *detail);
/* Optional content check of a payload file whose digest matched: return 0 when sound, else
 * write a reason into why (cap bytes) and return non-zero. */
typedef int (*bt_bag_check_fn)(void *ud, const char *abspath, const char *relpath, char *why,
                               size_t cap);

/* Verify the bag in dir. Top-level entries whose names start with '.' are ignored (tool
 * state). *nproblems gets the number of reports, *nfiles the payload files checked.
 * Returns BT_OK when the check ran (problems or not), BT_EIO when dir is not a bag at all. */
bt_status bt_bag_verify(const char *dir, bt_bag_report_fn report, bt_bag_check_fn check, void *ud,
                        size_t *nproblems, size_t *nfiles, bt_err *e);

#endif

/* archive.h - `bantin archive` and `bantin verify`: batch conversion of a tree of articles into a
 * BagIt bag (RFC 8493), incrementally, in parallel, crash-safe.
 *
 * Layout of an archive directory:
 *   bagit.txt bag-info.txt manifest-sha256.txt tagmanifest-sha256.txt
 *   bantin-state.jsonl          tag file: one JSON record per source (the incremental state)
 *   data/articles/YYYY/MM/YYYY-MM-DD-<slug>.pdf, data/articles/undated/<slug>.pdf
 *   data/digests/<category-slug>-<YYYY-MM | YYYY-Www | undated>.epub
 *   data/index.json data/index.html data/opds.xml data/opds/ (the catalogue: catalogue.h)
 *   .bantin/                    lock file, staging area and commit journal (not part of the bag)
 *
 * A run renders into .bantin/stage, then writes a journal of renames and carries it out (payload
 * first, manifests last). Until the journal exists the previous bag is untouched; a run killed
 * while renaming is completed by the next run, which replays the journal first.
 * Nothing here prints: progress and per-file problems go through the progress callback. */
#ifndef BT_ARCHIVE_H
#define BT_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include "bagit.h"
#include "util.h"

typedef enum { BT_DIGEST_MONTH, BT_DIGEST_WEEK, BT_DIGEST_NONE } bt_digest_period;

typedef enum {
    BT_AEV_PHASE,  /* a phase starts: phase, total */
    BT_AEV_ITEM,   /* one unit of the phase done: done, total, path */
    BT_AEV_FAILED, /* an article or digest failed: path, msg */
    BT_AEV_WARN,   /* a non-fatal problem: path, msg */
    BT_AEV_NOTICE  /* a problem of a source as a whole (a feed's items left out): path, msg;
                    * few, so shown without -v where BT_AEV_WARN is not */
} bt_archive_event_kind;

typedef struct {
    bt_archive_event_kind kind;
    const char *phase; /* "scan", "render", "parse", "digests", "index", "commit", "merge" */
    size_t done, total;
    const char *path;
    const char *msg;
} bt_archive_event;

/* Called from worker threads too, but never concurrently (the archive holds a lock). */
typedef void (*bt_archive_progress_fn)(void *ud, const bt_archive_event *ev);

typedef struct {
    const char *const *srcs; /* source directories or files */
    size_t nsrcs;
    const char *out;         /* the archive (bag) directory */
    const char *category;    /* keep only articles whose category loosely equals this, or NULL */
    int since, until;        /* YYYYMMDD bounds (inclusive) or 0; undated articles are kept */
    bt_digest_period digest;
    int jobs;                /* worker threads, >= 1 */
    int pdf, epub;           /* produce per-article PDFs / period digests */
    int pdfa;                /* article PDFs as PDF/A-2a (bt_pdf_opts.pdfa) */
    int shard_k, shard_n;    /* keep sources with hash(relative path) % n == k - 1; n == 0: all */
    int64_t epoch;           /* SOURCE_DATE_EPOCH or -1 */
    int follow_symlinks;     /* follow symbolic links that lead out of a source folder */
    int rebuild_state;       /* rebuild bantin-state.jsonl from the bag's data/index.json first */
    const char *source_org;  /* bag-info Source-Organization, or NULL */
    const struct bt_template *tpl; /* the look of PDFs, digests and catalogue; NULL: default */
    const struct bt_source_opts *web; /* web sources (URLs, feeds, WARC files): network options
                                         (net/source.h), or NULL for the defaults */
    bt_archive_progress_fn progress;
    void *ud;
} bt_archive_opts;

/* The steps of bt_archive_stats.phase_ms: scan (walk, plan; merge: reading the shards), render
 * (parse + PDFs), digests (names, duplicates and the digest EPUBs), index (index.json),
 * catalogue (index.html, OPDS), state, manifests, commit. */
enum { BT_APHASE_SCAN, BT_APHASE_RENDER, BT_APHASE_DIGESTS, BT_APHASE_INDEX, BT_APHASE_CATALOGUE,
       BT_APHASE_STATE, BT_APHASE_MANIFESTS, BT_APHASE_COMMIT, BT_APHASE_N };
extern const char *const bt_archive_phase_names[BT_APHASE_N];

typedef struct {
    size_t sources;   /* source files found (this shard) */
    size_t unchanged; /* reused from the previous run */
    size_t parsed;    /* parsed this run */
    size_t rendered;  /* PDFs rendered (or copied, when merging) */
    size_t ok, failed, duplicates, filtered, removed; /* the archive's articles after the run */
    size_t gone;      /* web sources that failed for good in an earlier run and were not asked
                       * again (404, 410, ...): recorded as failed, not counted in failed */
    size_t digests_rendered, digests_failed;
    int committed;    /* 0 when nothing had changed and the bag was left as it was */
    size_t links_skipped; /* symbolic links leading out of a source folder, not followed */
    size_t odd_skipped;   /* article names that are no file: dangling links, FIFOs, devices */
    /* --merge of shard bags: shards of their split (K/N, N = shards_of) that none of them is
     * (the merged bag lacks their articles); the first of them */
    size_t shards_missing;
    int shards_of, shard_missing;
    /* Where the run's time and memory went, per step (BT_APHASE_*; `archive -v` prints them):
     * wall milliseconds, and the process's peak resident memory (KB) when the step ended (a
     * running peak: a step that did not raise it shows the one before). 0: the step did not run. */
    double phase_ms[BT_APHASE_N];
    long phase_peak_kb[BT_APHASE_N];
} bt_archive_stats;

/* "2023-01-01" -> 20230101; 0 when not a valid date. */
int bt_archive_parse_day(const char *s);

/* Archive the sources into o->out. BT_OK when the run completed (individual articles may still
 * have failed: see stats->failed / digests_failed); an error when the archive could not be
 * updated (locked, unwritable, made with other options: BT_EUSAGE). */
bt_status bt_archive_run(const bt_archive_opts *o, bt_archive_stats *stats, bt_err *e);

/* Join shard bags (made with the same options but --shard) into the new bag o->out. Articles keep
 * their rendered PDFs (copied); duplicates across shards are resolved; digests are re-rendered from
 * the sources (which must still be readable) or copied when one shard holds all their articles. */
bt_status bt_archive_merge(const char *const *bags, size_t nbags, const bt_archive_opts *o,
                           bt_archive_stats *stats, bt_err *e);

/* Verify an archive: bt_bag_verify plus PDF (header, trailer, xref) and EPUB (mimetype first and
 * stored, container.xml and its rootfile present) checks, and an interrupted-commit check. */
bt_status bt_archive_verify(const char *dir, bt_bag_report_fn report, void *ud, size_t *nproblems,
                            size_t *nfiles, bt_err *e);

/* Content checks on one file (exposed for tests): 0 when sound, else a reason in why. */
int bt_archive_check_pdf(const char *path, char *why, size_t cap);
int bt_archive_check_epub(const char *path, char *why, size_t cap);

/* Canonical form of an article URL for duplicate detection (scheme, "www.", fragment, tracking
 * parameters and trailing '/' dropped; host lower-cased). Heap string; NULL for NULL/empty. */
char *bt_archive_canonical_url(const char *url);

#endif

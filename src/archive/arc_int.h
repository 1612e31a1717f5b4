/* arc_int.h - the archiver's private interface, shared by the src/archive/arc_*.c files. Nothing
 * outside src/archive/ includes it (the public interface is archive.h).
 *
 * A run, and the file that does each step:
 *   archive.c     bt_archive_run: open the bag, walk, plan, parse+render, finish (below), close
 *   arc_walk.c    walk: find the sources (today: files under the source folders) -> arc_found list;
 *                 the SOURCE SEAM: how a source is found, hashed, loaded and found unchanged
 *   arc_state.c   the state file (bantin-state.jsonl) and the records work file: the ONE place
 *                 where an article record (arc_record) is converted to and from JSON
 *   arc_plan.c    plan: the walk merged with the previous state -> unchanged / to do / removed
 *   arc_pool.c    the worker threads
 *   arc_render.c  parse one source and render its PDF into the stage (in the workers)
 *   arc_dedupe.c  canonical URLs, text fingerprints, duplicates and PDF names (one thread, in
 *                 source order, so the result does not depend on the workers' timing)
 *   arc_digest.c  digest names and periods, digest EPUBs (in the workers)
 *   arc_index.c   data/index.json; data/index.html and the OPDS feeds (through catalogue.h)
 *   arc_commit.c  lock, manifests, the commit journal and its replay
 *   arc_verify.c  bantin verify: bag + PDF/EPUB content checks
 *   arc_merge.c   joining shard bags
 *
 * Where web sources plug in (feeds, WARC files, a fetch queue):
 *   1. arc_walk(): a producer per source kind appends arc_found entries with their origin and key
 *      (src). Files: the path. URL: the URL. WARC: "WARCFILE#OFFSET" (with warc_* fields kept in
 *      the record). Keys are unique across kinds (a URL cannot look like a path under a source
 *      folder); the list is sorted by key, so plan() can merge it with the state in one pass.
 *   2. arc_source_same(): is the source unchanged since its record was written? Files: size and
 *      mtime, else content hash. URL: ETag / Last-Modified (record.etag, record.last_modified).
 *   3. arc_source_digest() / arc_source_load(): the source's bytes hashed, and parsed into an
 *      article (files: bt_input_load; URL/WARC: from the fetched body or the WARC record).
 *   4. arc_record has the fields for this (origin, etag, last_modified, warc_file, warc_offset,
 *      warc_record_id); they round-trip through the state file already, unused by files.
 * Everything after the parse (dedupe, names, digests, index, commit, merge) works on records and
 * does not care where a source came from. */
#ifndef BT_ARC_INT_H
#define BT_ARC_INT_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "archive.h"
#include "article.h"
#include "date.h"
#include "hash.h"
#include "util.h"

#define ARC_STATE_NAME "bantin-state.jsonl"
#define ARC_WORK_NAME ".bantin"
#define ARC_STATE_VERSION 1

/* An article's outcome (record.status). */
typedef enum { ST_NONE, ST_OK, ST_FAILED, ST_DUP, ST_FILTERED } arc_status;
/* What this run does with a source. */
typedef enum { P_UNCHANGED, P_TODO, P_REMOVED } arc_plan_kind;

/* Where a source comes from. Only files exist today; the others are the seam for web input. */
typedef enum {
    ARC_ORIGIN_FILE = 0, /* a file: src is its path */
    ARC_ORIGIN_URL,      /* fetched over HTTP(S): src is the URL */
    ARC_ORIGIN_WARC      /* a response record of a WARC file: src is "WARCFILE#OFFSET" */
} arc_origin;

const char *arc_status_name(arc_status s); /* "ok", "failed", "duplicate", "filtered", "none" */
arc_status arc_status_parse(const char *s);
const char *arc_origin_name(arc_origin o); /* "file", "url", "warc" */

/* ---------- the per-article record (arc_state.c) ---------- */

/* Everything the archive knows about one source. String members are heap strings or NULL
 * (absent); the record owns them. Converted to and from JSON only by arc_state.c. */
typedef struct {
    arc_origin origin;
    char *src;              /* the key: a path, a URL or a WARC reference */
    int64_t size, mtime_ns; /* the source's bytes and modification time (files) */
    char *sha256;           /* hex digest of the source bytes */
    /* web origins: validators of the last fetch, and where the bytes are kept */
    char *etag, *last_modified;
    char *warc_file, *warc_record_id;
    int64_t warc_offset;
    /* what the parser found (title, category, author, url, language, date: as in the article;
     * date in ISO 8601) */
    char *title, *category, *author, *url, *language, *date;
    char *canonical_url;    /* duplicate key 1 */
    char *text_sha256;      /* duplicate key 2: digest of the normalised text */
    bt_strvec warnings;     /* at most 20 */
    /* outcome */
    arc_status status;
    char *reason;           /* failed / filtered: why */
    char *duplicate_of;     /* duplicate: the src of the archived copy */
    int has_pdf;            /* rendered: pdf_sha256, pdf_size; pdf_path once named */
    char *pdf_sha256, *pdf_path; /* pdf_path relative to data/ */
    int64_t pdf_size;
    char *digest;           /* the digest EPUB it is in, relative to data/ */
    int removed;            /* the source is gone; its outputs stay archived */
    json_t *extra;          /* keys this version does not know, written back as they were */
} arc_record;

void arc_record_free(arc_record *r); /* frees the members; r is left zeroed */
/* Replace a string member: *dst = copy of v (NULL stays NULL). */
void arc_set(char **dst, const char *v);
/* The same, but an empty string is stored as absent (the parser's metadata). */
void arc_set_text(char **dst, const char *v);

/* JSON form (one object; "kind": "article"). New reference. */
json_t *arc_record_to_json(const arc_record *r);
/* From a JSON object whose "kind" is "article" and that has a "src". r is filled (free it with
 * arc_record_free); BT_EPARSE when j is not such an object. */
bt_status arc_record_from_json(json_t *j, arc_record *r, bt_err *e);

/* A digest line of the state file ("kind": "digest"). */
typedef struct {
    char *path, *sha256, *category, *label; /* path relative to data/ */
    int64_t size, articles;
} arc_digest_line;
void arc_digest_line_free(arc_digest_line *d);

/* One line of a state file. */
typedef enum {
    ARC_LINE_BAD,     /* damaged: not a JSON object with a kind, an article without its src, a
                       * digest without path and SHA-256 */
    ARC_LINE_SKIP,    /* a kind this version does not know (a newer bantin's): ignored */
    ARC_LINE_ARTICLE,
    ARC_LINE_DIGEST,
    ARC_LINE_WEB      /* "kind": "feed": what arc_web.c remembers of a feed or sitemap URL */
} arc_line_kind;
typedef struct {
    arc_line_kind kind;
    arc_record rec;     /* ARC_LINE_ARTICLE */
    arc_digest_line dg; /* ARC_LINE_DIGEST */
    json_t *web;        /* ARC_LINE_WEB: the line's object (it has a "url") */
} arc_line;
void arc_line_free(arc_line *l);
/* Parse one line (without its newline). Never fails: damage is ARC_LINE_BAD. */
void arc_line_parse(const char *s, size_t len, arc_line *l);

/* A state file being read, line by line (memory does not grow with the archive). */
typedef struct {
    FILE *f;
    const char *name; /* for messages: "bantin-state.jsonl" or the shard's path */
    size_t lineno;
    char *buf;
    size_t cap;
} arc_state_reader;

/* Open a state file and read its header: *opts gets the options it was made with (canonical JSON,
 * heap). BT_OK with r->f == NULL when there is no such file; BT_EPARSE (naming it) when it is not
 * a bantin state file. name is used in messages. */
bt_status arc_state_open(arc_state_reader *r, const char *path, const char *name, char **opts, bt_err *e);
/* The header from an open stream (fuzzing, tests). */
bt_status arc_state_read_header(arc_state_reader *r, char **opts, bt_err *e);
/* The next line: 1 with *l filled (arc_line_free it), 0 at the end, -1 when the file is damaged
 * (a bad line, or a last line cut short: e names the file and line). Unknown kinds are skipped. */
int arc_state_next(arc_state_reader *r, arc_line *l, bt_err *e);
void arc_state_close(arc_state_reader *r);
/* The state file of a bag matches its entry in tagmanifest-sha256.txt: BT_OK, or BT_EPARSE with a
 * message that names it and says how to rebuild it. */
bt_status arc_state_check(const char *bag, bt_err *e);


/* The options that make an archive (category, dates, digest period, outputs, shard) as canonical
 * JSON (heap); the archive keeps them in its state header and refuses other ones. */
char *arc_options_json(const bt_archive_opts *o, int with_shard);
/* Fill the option fields of *o from such JSON (merge: the shards' options). Strings in *o point
 * into *hold, which the caller frees with json_decref. */
void arc_options_from_json(const char *json, bt_archive_opts *o, json_t **hold);

/* ---------- the run's working data ---------- */

/* A source found by the walk (what the plan compares with its record). */
typedef struct {
    char *src;              /* the key (record.src), in c->srcs */
    int64_t size, mtime_ns;
    uint8_t origin;         /* arc_origin */
} arc_found;

/* Per source, for the whole run: only the small fixed data (32 bytes); the full record lives in the
 * records work file on disk so memory stays flat as the batch grows. */
typedef struct {
    char *src;              /* the key (record.src), in c->srcs */
    long rec;               /* offset of its record in the records file (-1: none) */
    int32_t ymd;            /* YYYYMMDD, 0 undated */
    int32_t digest;         /* digest table index or -1 */
    int16_t from_bag;       /* merge: index of the shard bag the PDF comes from, else -1 */
    uint8_t origin;         /* arc_origin */
    uint8_t status, plan, present;
} arc_ent;

/* Per source, until names and duplicates are settled (c->io, beside c->ents). */
typedef struct {
    int64_t size, mtime_ns; /* the source's, for its new record */
    long oldrec;            /* offset of its previous record (-1: none) */
} arc_ent_io;

/* A digest. There are about as many as the archive has categories times months, so it is kept
 * small: its category and period names are shared (c->dgnames), its name is the key of c->dgmap. */
typedef struct {
    const char *name;     /* "digests/x.epub" (relative to data/), in c->dgstr */
    const char *category; /* display name (in c->dgnames) */
    const char *label;    /* period display (in c->dgnames) */
    uint64_t size;
    size_t members;
    int *mem;             /* its articles (ents indices) while the digests are rendered: a piece
                           * of c->dgmem */
    size_t nmem;
    char sha[BT_SHA256_HEX];
    uint8_t exists;       /* a file is in the bag (old) or staged (new) */
    uint8_t dirty, failed, gone;
    int16_t from_bag;     /* merge: copy from this bag when all members come from it, else -1 */
} arc_digest;

typedef struct arc_ctx {
    const bt_archive_opts *o;
    bt_archive_stats *stats;
    char *bag, *work, *stage, *stage_data;
    char *opts_json;
    FILE *recs;               /* the records work file */
    pthread_mutex_t mu;
    arc_ent *ents;
    arc_ent_io *io;           /* beside ents, freed once arc_assign is done */
    size_t n, cap;
    bt_strpool srcs;          /* the entries' keys */
    arc_digest *dg;
    size_t ndg, capdg;
    bt_idx dgmap;             /* digest name -> dg index (the names compared in dg) */
    bt_map dgnames;           /* the digests' category and period names, each kept once (the
                               * value: its index in dgtext) */
    bt_strvec dgtext;
    bt_strpool dgstr;         /* the digests' names */
    int *dgmem;               /* every dirty digest's members, digest after digest (dg[].mem) */
    /* Duplicate keys -> ents index of the archived copy, and PDF name (relative to data/) -> ents
     * index: indexes without the keys (8 bytes a slot), which are compared in the entry's record in
     * the work file (arc_dedupe_init), so memory does not grow by the keys' bytes per article. */
    bt_idx urlmap, textmap, namemap;
    bt_map namelost;          /* PDF names taken by an entry whose record does not hold them */
    bt_strvec dels;           /* bag-relative paths to delete at commit */
    bt_strvec catalogue;      /* files of the catalogue written under data/ (index.html, opds...) */
    const char *const *bags;  /* merge inputs */
    size_t nbags;
    size_t next, done, total; /* work distribution */
    size_t *list;             /* the items of the current phase */
    int changed;
    int lockfd;
    int made_bag; /* this run made the bag's directory: removed again when nothing was committed */
    bt_err fatal;             /* set: the run cannot finish (disk full, work file lost); the
                               * workers skip what is left and nothing is committed */
    struct arc_web *web;      /* web sources of the run (arc_web.c), or NULL */
    double mark;              /* when the current step began (arc_phase_end) */
} arc_ctx;

/* Report an event to the caller's progress callback (if any). */
void arc_emit(arc_ctx *c, bt_archive_event_kind k, const char *phase, size_t done, size_t total,
              const char *path, const char *msg);
/* Append an entry, with its source's size and mtime and its previous record (-1: none). */
void arc_ent_push(arc_ctx *c, const arc_ent *x, int64_t size, int64_t mtime_ns, long oldrec);
/* A new entry for a source found by the walk (to do, no record yet). */
arc_ent arc_ent_of(const arc_found *f);
/* Room for n entries in all; the arrays cut to the entries they hold (they are kept for the whole
 * run, and grow by doubling: at most half would be unused). */
void arc_ents_reserve(arc_ctx *c, size_t n);
void arc_ents_fit(arc_ctx *c);
/* Stop the run (the first reason is kept). In the workers: with c->mu held. */
void arc_fail(arc_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 once the run has been stopped (takes c->mu). */
int arc_failed(arc_ctx *c);
int arc_cmp_ent(const void *a, const void *b); /* by src */
/* Step k (BT_APHASE_*) ends now: its time since the last mark and the peak memory so far go into
 * the stats; the next step starts. arc_phase_start sets the first mark. */
void arc_phase_start(arc_ctx *c);
void arc_phase_end(arc_ctx *c, int k);

/* archive.c: open (create, lock, replay, fresh stage) and close a bag; everything after parsing */
bt_status arc_open(arc_ctx *c, int must_be_new, bt_err *e);
void arc_close(arc_ctx *c);
bt_status arc_finish(arc_ctx *c, bt_err *e);
void arc_count_stats(arc_ctx *c);

/* arc_state.c: the records work file (one JSON line per record version) */
long arc_rec_append(arc_ctx *c, const arc_record *r); /* offset, -1 on error */
int arc_rec_read(arc_ctx *c, long off, arc_record *r); /* 0 and *r filled, -1 when none */
bt_status arc_write_state(arc_ctx *c, const char *path, bt_err *e);

/* arc_rebuild.c: write a state rebuilt from the bag's own payload (data/index.json, checked
 * against the manifest) to path, with the options of this run (--rebuild-state). */
bt_status arc_rebuild_state(arc_ctx *c, const char *path, bt_err *e);

/* arc_walk.c */
/* The sources, sorted by key: *out (bt_big_free it) and *nout. The entry arrays (this list and
 * c->ents) are bt_big_realloc blocks. */
bt_status arc_walk(arc_ctx *c, arc_found **out, size_t *nout, bt_err *e);
/* 0: changed; 1: unchanged (cheap check); 2: unchanged content (touched: the record needs its
 * new mtime) */
int arc_source_same(arc_ctx *c, const arc_found *x, const arc_record *old);
bt_status arc_source_digest(const arc_ent *x, char hex[BT_SHA256_HEX], uint64_t *size, bt_err *e);
bt_status arc_source_load(const arc_ent *x, bt_article **a, bt_err *e);

/* arc_web.c: web sources (URLs, feeds, sitemaps, WARC files), the fetch queue, WARC evidence */
int arc_web_claims(const char *arg); /* 1 if the argument is a web source, not a file to parse */
/* Append the web sources' entries to the walk's list (*wv, *wn, *wcap; grown with bt_big_realloc)
 * and check the archived ones with conditional requests. */
bt_status arc_web_walk(arc_ctx *c, arc_found **wv, size_t *wn, size_t *wcap, bt_err *e);
int arc_web_same(arc_ctx *c, const arc_found *x, const arc_record *old);
/* In a worker: the source's article (fetched ahead by the queue), the record's web fields and
 * its evidence written into this run's WARC file. */
bt_status arc_web_load(arc_ctx *c, size_t ei, arc_record *r, bt_article **a, bt_err *e);
/* Every WARC file of the bag into the manifest (closes this run's file first). */
bt_status arc_web_manifest(arc_ctx *c, bt_bag_manifest *m, bt_err *e);
/* The article of an archived web source again (for a digest), from the WARC record its record
 * points at: the bag's evidence, not the network. */
bt_status arc_web_reload(arc_ctx *c, size_t ei, bt_article **a, bt_err *e);
double arc_web_wait_ms(const arc_ctx *c); /* render workers' time spent waiting for fetches */
/* The state lines of the feeds and sitemaps of this run (ARC_LINE_WEB); nonzero on a write error. */
int arc_web_state_lines(arc_ctx *c, FILE *f);
void arc_web_free(arc_ctx *c);

/* arc_plan.c */
/* rebuilt: a state file to read instead of the bag's (--rebuild-state), or NULL. */
bt_status arc_plan(arc_ctx *c, arc_found *w, size_t nw, const char *rebuilt, bt_err *e);
void arc_load_digest_line(arc_ctx *c, const arc_digest_line *r, int16_t from_bag);

/* arc_pool.c: run fn(c, 0..total-1) on o->jobs threads (the calling thread is one of them) */
typedef void (*arc_job_fn)(arc_ctx *c, size_t item);
void arc_pool_run(arc_ctx *c, size_t total, arc_job_fn fn);

/* arc_render.c */
char *arc_stage_tmp_pdf(arc_ctx *c, size_t i);
void arc_parse_job(arc_ctx *c, size_t k);

/* arc_dedupe.c */
void arc_dedupe_init(arc_ctx *c); /* the indexes' key comparisons (arc_open) */
bt_status arc_assign(arc_ctx *c, size_t i, bt_err *e);
void arc_text_fingerprint(const bt_article *a, char out[BT_SHA256_HEX]);

/* arc_digest.c */
int arc_ymd_from_iso(const char *s);
int arc_date_ymd(const bt_date *d);
int32_t arc_digest_get(arc_ctx *c, const char *name, const char *category, const char *label);
void arc_digest_name(arc_ctx *c, const arc_record *r, char **name, char **cat, char **label);
void arc_digest_init(arc_ctx *c); /* the digest index's key comparison (arc_open) */
void arc_digest_job(arc_ctx *c, size_t k);
void arc_digest_order(arc_ctx *c);
void arc_render_digests(arc_ctx *c);

/* arc_index.c */
int arc_listed_in_index(const arc_ent *x);
bt_status arc_write_index_json(arc_ctx *c, const char *path, bt_err *e);
bt_status arc_write_catalogue(arc_ctx *c, bt_err *e); /* index.html, opds.xml, opds/ */

/* arc_commit.c */
bt_status arc_take_lock(arc_ctx *c, bt_err *e);
bt_status arc_journal_replay(arc_ctx *c, bt_err *e);
/* One journal line (with or without its newline): 'D' (delete) or 'M' (move into place) with *rel
 * pointing at the bag-relative path (up to the newline), 'E' for the closing "END", 0 when the
 * line is damaged or unsafe (absolute, "..", a deletion outside data/, a NUL byte). */
int arc_journal_line(const char *l, size_t n, const char **rel);
bt_status arc_write_manifests(arc_ctx *c, bt_err *e);
bt_status arc_commit(arc_ctx *c, bt_err *e);

#endif

/* cmd_archive.c - `bantin archive` and `bantin verify`: options, progress display, exit codes. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "cli.h"
#include "netopt.h"
#include "progress.h"
#include "template.h"

static void archive_usage(FILE *f) {
    fputs("usage: bantin archive SOURCE... -o ARCHIVE_DIR [options]\n"
          "       bantin archive --sources FILE -o ARCHIVE_DIR [options]\n"
          "       bantin archive --merge BAG... -o BAG\n"
          "\n"
          "Archive every text and HTML article under the sources into a BagIt bag: one PDF per\n"
          "article (data/articles/YYYY/MM/), digest EPUBs per category and period (data/digests/),\n"
          "data/index.json, a catalogue (data/index.html for people, data/opds.xml for e-reader\n"
          "apps), SHA-256 manifests. Re-running adds only what changed.\n"
          "A SOURCE is a folder or file of articles, the URL of a page, of an RSS/Atom feed or of a\n"
          "sitemap, or a WARC file. What is fetched is kept as WARC/1.1 in data/warc/; a re-run\n"
          "sends conditional requests and renders only what changed.\n"
          "\n"
          "  -o, --output DIR        the archive directory (created if missing)\n"
          "      --category NAME     only articles of this category (case and accents ignored)\n"
          "      --since YYYY-MM-DD  only articles published on or after the date\n"
          "      --until YYYY-MM-DD  only articles published on or before the date\n"
          "                          (undated articles are kept and filed under 'undated')\n"
          "      --digest PERIOD     month (default), week or none\n"
          "  -j, --jobs N            parallel workers (default: number of CPUs)\n"
          "      --pdf-only          no digest EPUBs\n"
          "      --epub-only         no per-article PDFs\n"
          "      --no-pdfa           plain PDFs instead of PDF/A-2a (docs/pdfa.md)\n"
          "      --shard K/N         archive only share K (1..N) of the sources, by a hash of their\n"
          "                          path relative to SRC_DIR; join the shard bags with --merge\n"
          "                          (a shard bag has no digests: --merge renders them once)\n"
          "      --shard env         K and N from a Slurm job array (SLURM_ARRAY_TASK_ID and\n"
          "                          SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job\n"
          "                          (JOB_COMPLETION_INDEX, from 0, and BANTIN_SHARDS = completions)\n"
          "      --merge             join the bags given as arguments into the new bag -o\n"
          "      --source-org TEXT   Source-Organization in bag-info.txt (default: unknown); also\n"
          "                          the {org} of the template\n"
          "      --template NAME|DIR the look of the PDFs, digests and catalogue (bantin templates)\n"
          "      --follow-symlinks   also follow symbolic links that lead out of a source folder\n"
          "                          (files and folders; without it they are skipped and counted)\n"
          "      --rebuild-state     rebuild a damaged bantin-state.jsonl from the bag's own\n"
          "                          data/index.json (give the options the archive was made with)\n"
          "      --sources FILE      one source per line (# starts a comment)\n"
          "      --strict            exit 1 also for web sources that failed for good in an\n"
          "                          earlier run (404, 410: 'gone', recorded and not asked again)\n"
          "  -q, --quiet             no progress, only errors\n"
          "  -v, --verbose           per-article progress and warnings\n"
          BT_NET_USAGE
          "\n"
          "exit status: 0 all archived (web sources gone in an earlier run aside, unless --strict),\n"
          "1 some articles or digests failed in this run (recorded in index.json),\n"
          "2 usage (also: archive made with other options), 3 the archive could not be written\n"
          "(disk full: the archive is left as it was), is locked by another run, or its state file\n"
          "is damaged (--rebuild-state), 4 internal error.\n",
          f);
}

static void verify_usage(FILE *f) {
    fputs("usage: bantin verify ARCHIVE_DIR\n"
          "\n"
          "Re-hash every file of a bag against manifest-sha256.txt and tagmanifest-sha256.txt,\n"
          "report missing, changed and unexpected files, check Payload-Oxum, that each PDF has a\n"
          "header, cross-reference and %EOF, and that each EPUB's container is sound.\n"
          "\n"
          "exit status: 0 the bag is complete and valid, 1 problems were found, 2 usage,\n"
          "3 not a bag.\n",
          f);
}

/* ---- progress ---- */

static void on_event(void *ud, const bt_archive_event *ev) {
    bt_progress *p = ud;
    switch (ev->kind) {
    case BT_AEV_FAILED:
        bt_cli_error(ev->path, "%s", ev->msg ? ev->msg : "failed");
        return;
    case BT_AEV_WARN:
        if (bt_cli.verbose) bt_cli_warn(ev->path, "%s", ev->msg ? ev->msg : "");
        return;
    case BT_AEV_NOTICE:
        bt_cli_warn(ev->path, "%s", ev->msg ? ev->msg : "");
        return;
    case BT_AEV_PHASE:
        bt_progress_phase(p, ev->phase, ev->total);
        return;
    case BT_AEV_ITEM:
        break;
    }
    if (p->mode == BT_PROGRESS_PLAIN && bt_cli.verbose) { /* one line per item */
        fprintf(stderr, "bantin: archive: %s %zu/%zu %s\n", ev->phase, ev->done, ev->total,
                ev->path ? ev->path : "");
        return;
    }
    bt_progress_update(p, ev->done);
}

static int parse_shard(const char *s, int *k, int *n) {
    char *end;
    errno = 0;
    long a = strtol(s, &end, 10);
    if (end == s || *end != '/') return -1;
    const char *t = end + 1;
    long b = strtol(t, &end, 10);
    if (end == t || *end || errno || b < 1 || b > 100000 || a < 1 || a > b) return -1;
    *k = (int)a;
    *n = (int)b;
    return 0;
}

/* A non-negative integer from the environment: 1 when name is set to one, 0 when unset, -1 when set
 * to something else. */
static int env_num(const char *name, long *out) {
    const char *s = getenv(name);
    if (!s || !*s) return 0;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < 0 || v > 100000000L) return -1;
    *out = v;
    return 1;
}

/* --shard env: the share from a Slurm job array (SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT,
 * or SLURM_ARRAY_TASK_MIN/MAX/STEP) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, 0-based,
 * with BANTIN_SHARDS = the Job's completions). 0, or -1 with the reason in why. */
static int shard_from_env(int *k, int *n, char *why, size_t cap) {
    long id, min = 1, max, step = 1, count;
    int has_id = env_num("SLURM_ARRAY_TASK_ID", &id);
    if (has_id) {
        if (has_id < 0 || env_num("SLURM_ARRAY_TASK_MIN", &min) < 0 || env_num("SLURM_ARRAY_TASK_STEP", &step) < 0 ||
            step < 1) {
            snprintf(why, cap, "SLURM_ARRAY_TASK_ID, _MIN or _STEP is not a number");
            return -1;
        }
        int has_count = env_num("SLURM_ARRAY_TASK_COUNT", &count), has_max = env_num("SLURM_ARRAY_TASK_MAX", &max);
        if (has_count < 0 || has_max < 0 || (!has_count && !has_max)) {
            snprintf(why, cap, "SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor _MAX is (a number)");
            return -1;
        }
        if (!has_count) count = max >= min ? (max - min) / step + 1 : 0;
        if (id < min || (id - min) % step != 0 || (id - min) / step + 1 > count || count > 100000) {
            snprintf(why, cap, "SLURM_ARRAY_TASK_ID %ld is not in a range of %ld tasks from %ld: use --array=1-N", id,
                     count, min);
            return -1;
        }
        *k = (int)((id - min) / step + 1);
        *n = (int)count;
        return 0;
    }
    int has_idx = env_num("JOB_COMPLETION_INDEX", &id);
    if (has_idx) {
        int has_n = env_num("BANTIN_SHARDS", &count);
        if (has_idx < 0 || has_n <= 0 || count < 1 || count > 100000 || id >= count) {
            snprintf(why, cap, has_n == 0 ? "JOB_COMPLETION_INDEX is set but BANTIN_SHARDS (the number of shards, the "
                                            "Job's completions) is not"
                                          : "JOB_COMPLETION_INDEX must be 0 to BANTIN_SHARDS - 1 (1 to 100000 shards)");
            return -1;
        }
        *k = (int)id + 1;
        *n = (int)count;
        return 0;
    }
    snprintf(why, cap, "no shard in the environment: set SLURM_ARRAY_TASK_ID (a Slurm job array) or "
                       "JOB_COMPLETION_INDEX and BANTIN_SHARDS (a Kubernetes Indexed Job)");
    return -1;
}

int bt_cmd_archive(int argc, char **argv) {
    enum { O_NOPDFA = 200, O_CAT = 256, O_SINCE, O_UNTIL, O_DIGEST, O_PDFONLY, O_EPUBONLY, O_SHARD, O_MERGE, O_ORG, O_TEMPLATE,
           O_FOLLOW, O_REBUILD, O_SOURCES, O_STRICT };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},   {"category", required_argument, NULL, O_CAT},
        {"since", required_argument, NULL, O_SINCE}, {"until", required_argument, NULL, O_UNTIL},
        {"digest", required_argument, NULL, O_DIGEST}, {"jobs", required_argument, NULL, 'j'},
        {"pdf-only", no_argument, NULL, O_PDFONLY}, {"epub-only", no_argument, NULL, O_EPUBONLY},
        {"no-pdfa", no_argument, NULL, O_NOPDFA},
        {"shard", required_argument, NULL, O_SHARD}, {"merge", no_argument, NULL, O_MERGE},
        {"source-org", required_argument, NULL, O_ORG}, {"quiet", no_argument, NULL, 'q'},
        {"template", required_argument, NULL, O_TEMPLATE},
        {"follow-symlinks", no_argument, NULL, O_FOLLOW}, {"rebuild-state", no_argument, NULL, O_REBUILD},
        {"verbose", no_argument, NULL, 'v'},        {"help", no_argument, NULL, 'h'},
        {"sources", required_argument, NULL, O_SOURCES}, {"strict", no_argument, NULL, O_STRICT}, BT_NET_LONGOPTS,
        {NULL, 0, NULL, 0}};
    /* a file-size limit (ulimit -f) must fail a write with EFBIG, reported, not kill the run */
    signal(SIGXFSZ, SIG_IGN);
    bt_archive_opts o = {0};
    bt_source_opts so;
    memset(&so, 0, sizeof so);
    const char *sources_file = NULL;
    char msg[200];
    o.digest = BT_DIGEST_MONTH;
    o.pdf = o.epub = 1;
    o.pdfa = 1; /* archives are for keeping: PDF/A unless --no-pdfa */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = ncpu > 0 ? (int)ncpu : 1;
    int merge = 0, pdf_only = 0, epub_only = 0, strict = 0, c;
    const char *tname = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:j:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o.out = optarg; break;
        case O_CAT: o.category = optarg; break;
        case O_SINCE:
        case O_UNTIL: {
            int d = bt_archive_parse_day(optarg);
            if (!d) {
                bt_cli_error(NULL, "--%s needs a date YYYY-MM-DD", c == O_SINCE ? "since" : "until");
                return BT_EXIT_USAGE;
            }
            if (c == O_SINCE) o.since = d;
            else o.until = d;
            break;
        }
        case O_DIGEST:
            if (!strcmp(optarg, "month")) o.digest = BT_DIGEST_MONTH;
            else if (!strcmp(optarg, "week")) o.digest = BT_DIGEST_WEEK;
            else if (!strcmp(optarg, "none")) o.digest = BT_DIGEST_NONE;
            else {
                bt_cli_error(NULL, "--digest must be month, week or none");
                return BT_EXIT_USAGE;
            }
            break;
        case 'j':
            if (bt_cli_number("--jobs", optarg, 1, 1024, NULL, &o.jobs) != 0) return BT_EXIT_USAGE;
            break;
        case O_PDFONLY: pdf_only = 1; break;
        case O_NOPDFA: o.pdfa = 0; break;
        case O_EPUBONLY: epub_only = 1; break;
        case O_SHARD:
            if (strcmp(optarg, "env") == 0) {
                char why[300];
                if (shard_from_env(&o.shard_k, &o.shard_n, why, sizeof why) != 0) {
                    bt_cli_error(NULL, "--shard env: %s", why);
                    return BT_EXIT_USAGE;
                }
                bt_cli_info("archive: shard %d/%d from the environment", o.shard_k, o.shard_n);
            } else if (parse_shard(optarg, &o.shard_k, &o.shard_n) != 0) {
                bt_cli_error(NULL, "--shard needs K/N with 1 <= K <= N (e.g. 2/8)");
                return BT_EXIT_USAGE;
            }
            break;
        case O_MERGE: merge = 1; break;
        case O_ORG: o.source_org = optarg; break;
        case O_TEMPLATE: tname = optarg; break;
        case O_FOLLOW: o.follow_symlinks = 1; break;
        case O_REBUILD: o.rebuild_state = 1; break;
        case 'q': bt_cli.quiet = 1; break;
        case 'v': bt_cli.verbose = 1; break;
        case 'h': archive_usage(stdout); return BT_EXIT_OK;
        case O_SOURCES: sources_file = optarg; break;
        case O_STRICT: strict = 1; break;
        default: {
            int r = bt_netopt_handle(c, optarg, &so, msg, sizeof msg);
            if (r > 0) break;
            if (r < 0) bt_cli_error(NULL, "%s", msg);
            else archive_usage(stderr);
            return BT_EXIT_USAGE;
        }
        }
    }
    if (pdf_only && epub_only) {
        bt_cli_error(NULL, "--pdf-only and --epub-only exclude each other");
        return BT_EXIT_USAGE;
    }
    if (pdf_only || o.digest == BT_DIGEST_NONE) o.epub = 0;
    if (epub_only) o.pdf = 0;
    if (epub_only && o.digest == BT_DIGEST_NONE) {
        bt_cli_error(NULL, "--epub-only with --digest none would archive nothing");
        return BT_EXIT_USAGE;
    }
    if (!o.out) {
        bt_cli_error(NULL, "archive needs -o ARCHIVE_DIR");
        return BT_EXIT_USAGE;
    }
    bt_strvec srcs = {0};
    for (int i = optind; i < argc; i++) bt_strvec_push(&srcs, bt_xstrdup(argv[i]));
    if (sources_file && !merge) {
        /* one source per line; blank lines and # comments skipped */
        char *buf;
        size_t len;
        bt_err fe = {0};
        if (bt_read_file(sources_file, (size_t)16 << 20, &buf, &len, &fe) != BT_OK) {
            bt_cli_error(sources_file, "%s", fe.msg);
            bt_strvec_free(&srcs);
            return BT_EXIT_USAGE;
        }
        for (char *line = buf, *next; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next) *next++ = '\0';
            char *hash = line[0] == '#' ? line : strstr(line, " #");
            if (hash) *hash = '\0';
            while (*line == ' ' || *line == '\t') line++;
            size_t n = strlen(line);
            while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r')) line[--n] = '\0';
            if (n) bt_strvec_push(&srcs, bt_xstrdup(line));
        }
        free(buf);
    }
    if (srcs.n == 0) {
        bt_cli_error(NULL, merge ? "--merge needs the shard bags to join" : "archive needs at least one SOURCE");
        bt_strvec_free(&srcs);
        return BT_EXIT_USAGE;
    }
    if (merge && o.rebuild_state) {
        bt_cli_error(NULL, "--merge and --rebuild-state exclude each other (rebuild each shard first)");
        return BT_EXIT_USAGE;
    }
    if (merge && o.shard_n) {
        bt_cli_error(NULL, "--merge and --shard exclude each other");
        bt_strvec_free(&srcs);
        return BT_EXIT_USAGE;
    }
    bt_template *tpl = NULL;
    int rc = bt_cli_template(tname, &tpl);
    if (rc != BT_EXIT_OK) {
        bt_strvec_free(&srcs);
        return rc;
    }
    o.tpl = tpl;
    o.srcs = (const char *const *)srcs.v;
    o.nsrcs = srcs.n;
    o.web = &so;
    o.epoch = bt_source_date_epoch();
    bt_progress p;
    bt_progress_init(&p, "archive", bt_cli.quiet, bt_cli.verbose, 1);
    o.progress = on_event;
    o.ud = &p;

    bt_archive_stats s;
    bt_err e = {0};
    bt_status st = merge ? bt_archive_merge(o.srcs, o.nsrcs, &o, &s, &e) : bt_archive_run(&o, &s, &e);
    bt_progress_end(&p);
    bt_template_free(tpl);
    if (st != BT_OK) {
        bt_cli_error(o.out, "%s", e.msg);
        bt_strvec_free(&srcs);
        return bt_cli_exit_for(st);
    }
    bt_strvec_free(&srcs);
    if (!bt_cli.quiet)
    {
        char gone[64] = ""; /* (web sources only: said when there are some) */
        if (s.gone) snprintf(gone, sizeof gone, ", %zu gone", s.gone);
        fprintf(stderr,
                "bantin: %s: %zu articles archived (%zu parsed now, %zu unchanged), %zu failed%s, "
                "%zu duplicates, %zu filtered out, %zu with their source removed; %zu digests "
                "rendered%s%s\n",
                o.out, s.ok, s.parsed, s.unchanged, s.failed, gone, s.duplicates, s.filtered, s.removed,
                s.digests_rendered, s.digests_failed ? ", some digests failed" : "",
                s.committed ? "" : "; nothing changed");
    }
    if (bt_cli.verbose) { /* where the time and memory went (make bench reads these lines) */
        char t[400] = "", m[400] = "";
        size_t tl = 0, ml = 0;
        for (int k = 0; k < BT_APHASE_N; k++) {
            if (!s.phase_peak_kb[k]) continue;
            if (tl < sizeof t)
                tl += (size_t)snprintf(t + tl, sizeof t - tl, "%s%s %.0f ms", tl ? ", " : "",
                                       bt_archive_phase_names[k], s.phase_ms[k]);
            if (ml < sizeof m)
                ml += (size_t)snprintf(m + ml, sizeof m - ml, "%s%s %.1f MB", ml ? ", " : "",
                                       bt_archive_phase_names[k], (double)s.phase_peak_kb[k] / 1024);
        }
        if (tl) fprintf(stderr, "bantin: archive: phases: %s\nbantin: archive: peak RSS after: %s\n", t, m);
    }
    if (s.shards_missing)
        bt_cli_warn(o.out, "%zu of the %d shards not given (shard %d/%d%s): their articles are not in the merged bag",
                    s.shards_missing, s.shards_of, s.shard_missing, s.shards_of, s.shards_missing > 1 ? " and more" : "");
    if (s.links_skipped)
        bt_cli_warn(o.out, "%zu symbolic link%s leading out of the source folders not followed "
                    "(--follow-symlinks follows them; -v names them)", s.links_skipped, s.links_skipped == 1 ? "" : "s");
    if (s.odd_skipped)
        bt_cli_warn(o.out, "%zu article name%s in the source folders %s no file to read (dangling links, FIFOs, "
                    "devices): skipped (-v names them)", s.odd_skipped, s.odd_skipped == 1 ? "" : "s",
                    s.odd_skipped == 1 ? "is" : "are");
    /* a web source that failed for good in an earlier run (recorded, not asked again) is no
     * failure of this run, unless --strict */
    return (s.failed || s.digests_failed || (strict && s.gone)) ? BT_EXIT_FAILED : BT_EXIT_OK;
}

static void on_problem(void *ud, bt_bag_problem kind, const char *path, const char *detail) {
    (void)ud;
    bt_cli_error(path, "%s: %s", bt_bag_problem_name(kind), detail);
}

int bt_cmd_verify(int argc, char **argv) {
    static const struct option longopts[] = {{"quiet", no_argument, NULL, 'q'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'q': bt_cli.quiet = 1; break;
        case 'v': bt_cli.verbose = 1; break;
        case 'h': verify_usage(stdout); return BT_EXIT_OK;
        default: verify_usage(stderr); return BT_EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        verify_usage(stderr);
        return BT_EXIT_USAGE;
    }
    const char *dir = argv[optind];
    size_t np = 0, nf = 0;
    bt_err e = {0};
    bt_status st = bt_archive_verify(dir, on_problem, NULL, &np, &nf, &e);
    if (st != BT_OK) {
        bt_cli_error(dir, "%s", e.msg);
        return bt_cli_exit_for(st);
    }
    if (np) {
        bt_cli_error(dir, "%zu problem%s found", np, np == 1 ? "" : "s");
        return BT_EXIT_FAILED;
    }
    if (!bt_cli.quiet) fprintf(stderr, "bantin: %s: valid bag, %zu payload files verified\n", dir, nf);
    return BT_EXIT_OK;
}

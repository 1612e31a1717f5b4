/* cmd_archive.c - `bantin archive` and `bantin verify`: options, progress display, exit codes. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "cli.h"

static void archive_usage(FILE *f) {
    fputs("usage: bantin archive SRC_DIR... -o ARCHIVE_DIR [options]\n"
          "       bantin archive --merge BAG... -o BAG\n"
          "\n"
          "Archive every text and HTML article under the sources into a BagIt bag: one PDF per\n"
          "article (data/articles/YYYY/MM/), digest EPUBs per category and period (data/digests/),\n"
          "data/index.json, data/index.html, SHA-256 manifests. Re-running adds only what changed.\n"
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
          "      --shard K/N         archive only share K (1..N) of the sources, by a hash of their\n"
          "                          path relative to SRC_DIR; join the shard bags with --merge\n"
          "      --merge             join the bags given as arguments into the new bag -o\n"
          "      --source-org TEXT   Source-Organization in bag-info.txt (default: unknown)\n"
          "  -q, --quiet             no progress, only errors\n"
          "  -v, --verbose           per-article progress and warnings\n"
          "\n"
          "exit status: 0 all archived, 1 some articles or digests failed (recorded in index.json),\n"
          "2 usage (also: archive made with other options), 3 the archive could not be written or\n"
          "is locked by another run, 4 internal error.\n",
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

typedef struct {
    int tty;
    const char *phase;
    size_t total, last_pct;
    double last_draw;
    int drawn;
} progress;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void clear_bar(progress *p) {
    if (p->tty && p->drawn) {
        fputs("\r\033[K", stderr);
        p->drawn = 0;
    }
}

static void on_event(void *ud, const bt_archive_event *ev) {
    progress *p = ud;
    switch (ev->kind) {
    case BT_AEV_FAILED:
        clear_bar(p);
        bt_cli_error(ev->path, "%s", ev->msg ? ev->msg : "failed");
        return;
    case BT_AEV_WARN:
        if (bt_cli.verbose) {
            clear_bar(p);
            bt_cli_warn(ev->path, "%s", ev->msg ? ev->msg : "");
        }
        return;
    case BT_AEV_PHASE:
        clear_bar(p);
        p->phase = ev->phase;
        p->total = ev->total;
        p->last_pct = 0;
        if (!bt_cli.quiet && !p->tty && (ev->total || bt_cli.verbose))
            fprintf(stderr, "bantin: archive: %s%s%zu\n", ev->phase, ev->total ? ": " : "",
                    ev->total);
        return;
    case BT_AEV_ITEM:
        break;
    }
    if (bt_cli.quiet) return;
    if (bt_cli.verbose && !p->tty) {
        fprintf(stderr, "bantin: archive: %s %zu/%zu %s\n", ev->phase, ev->done, ev->total,
                ev->path ? ev->path : "");
        return;
    }
    if (p->tty) {
        double t = now_s();
        if (ev->done != ev->total && t - p->last_draw < 0.1) return;
        p->last_draw = t;
        int width = 30, fill = ev->total ? (int)(width * ev->done / ev->total) : width;
        char bar[64];
        for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
        bar[width] = '\0';
        fprintf(stderr, "\r\033[K%-8s [%s] %zu/%zu", ev->phase, bar, ev->done, ev->total);
        p->drawn = 1;
        if (ev->done == ev->total) clear_bar(p);
        return;
    }
    /* plain lines: every 10% */
    size_t pct = ev->total ? ev->done * 10 / ev->total : 10;
    if (pct > p->last_pct || ev->done == ev->total) {
        if (pct == p->last_pct && ev->done != ev->total) return;
        p->last_pct = pct;
        fprintf(stderr, "bantin: archive: %s %zu/%zu\n", ev->phase, ev->done, ev->total);
    }
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

int bt_cmd_archive(int argc, char **argv) {
    enum { O_CAT = 256, O_SINCE, O_UNTIL, O_DIGEST, O_PDFONLY, O_EPUBONLY, O_SHARD, O_MERGE, O_ORG };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},   {"category", required_argument, NULL, O_CAT},
        {"since", required_argument, NULL, O_SINCE}, {"until", required_argument, NULL, O_UNTIL},
        {"digest", required_argument, NULL, O_DIGEST}, {"jobs", required_argument, NULL, 'j'},
        {"pdf-only", no_argument, NULL, O_PDFONLY}, {"epub-only", no_argument, NULL, O_EPUBONLY},
        {"shard", required_argument, NULL, O_SHARD}, {"merge", no_argument, NULL, O_MERGE},
        {"source-org", required_argument, NULL, O_ORG}, {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    bt_archive_opts o = {0};
    o.digest = BT_DIGEST_MONTH;
    o.pdf = o.epub = 1;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = ncpu > 0 ? (int)ncpu : 1;
    int merge = 0, pdf_only = 0, epub_only = 0, c;
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
        case 'j': {
            char *end;
            long j = strtol(optarg, &end, 10);
            if (end == optarg || *end || j < 1 || j > 1024) {
                bt_cli_error(NULL, "--jobs needs a number from 1 to 1024");
                return BT_EXIT_USAGE;
            }
            o.jobs = (int)j;
            break;
        }
        case O_PDFONLY: pdf_only = 1; break;
        case O_EPUBONLY: epub_only = 1; break;
        case O_SHARD:
            if (parse_shard(optarg, &o.shard_k, &o.shard_n) != 0) {
                bt_cli_error(NULL, "--shard needs K/N with 1 <= K <= N (e.g. 2/8)");
                return BT_EXIT_USAGE;
            }
            break;
        case O_MERGE: merge = 1; break;
        case O_ORG: o.source_org = optarg; break;
        case 'q': bt_cli.quiet = 1; break;
        case 'v': bt_cli.verbose = 1; break;
        case 'h': archive_usage(stdout); return BT_EXIT_OK;
        default: archive_usage(stderr); return BT_EXIT_USAGE;
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
    if (optind >= argc) {
        bt_cli_error(NULL, merge ? "--merge needs the shard bags to join" : "archive needs at least one SRC_DIR");
        return BT_EXIT_USAGE;
    }
    if (merge && o.shard_n) {
        bt_cli_error(NULL, "--merge and --shard exclude each other");
        return BT_EXIT_USAGE;
    }
    o.srcs = (const char *const *)(argv + optind);
    o.nsrcs = (size_t)(argc - optind);
    o.epoch = bt_source_date_epoch();
    progress p = {0};
    p.tty = isatty(2);
    o.progress = on_event;
    o.ud = &p;

    bt_archive_stats s;
    bt_err e = {0};
    bt_status st = merge ? bt_archive_merge(o.srcs, o.nsrcs, &o, &s, &e) : bt_archive_run(&o, &s, &e);
    clear_bar(&p);
    if (st != BT_OK) {
        bt_cli_error(o.out, "%s", e.msg);
        return bt_cli_exit_for(st);
    }
    if (!bt_cli.quiet)
        fprintf(stderr,
                "bantin: %s: %zu articles archived (%zu parsed now, %zu unchanged), %zu failed, "
                "%zu duplicates, %zu filtered out, %zu with their source removed; %zu digests "
                "rendered%s%s\n",
                o.out, s.ok, s.parsed, s.unchanged, s.failed, s.duplicates, s.filtered, s.removed,
                s.digests_rendered, s.digests_failed ? ", some digests failed" : "",
                s.committed ? "" : "; nothing changed");
    return (s.failed || s.digests_failed) ? BT_EXIT_FAILED : BT_EXIT_OK;
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
        return BT_EXIT_OUTPUT;
    }
    if (np) {
        bt_cli_error(dir, "%zu problem%s found", np, np == 1 ? "" : "s");
        return BT_EXIT_FAILED;
    }
    if (!bt_cli.quiet) fprintf(stderr, "bantin: %s: valid bag, %zu payload files verified\n", dir, nf);
    return BT_EXIT_OK;
}

/* cmd_pdf.c - `bantin pdf`: typeset articles into PDF files. */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_sources.h"
#include "input.h"
#include "netopt.h"
#include "out_pdf.h"
#include "template.h"
#include "progress.h"
#include "text.h"

static void pdf_usage(FILE *f)
{
    fputs("usage: bantin pdf [OPTIONS] FILE... -o OUT.pdf   several articles in one PDF (a contents page)\n"
          "       bantin pdf [OPTIONS] FILE... -d DIR/      one PDF per input (a.txt -> DIR/a.pdf)\n"
          "       bantin pdf [OPTIONS] FILE                 FILE's name with .pdf\n"
          "\n"
          "FILE is plain text or a saved HTML page ('-' reads stdin; -o - writes stdout), the URL of\n"
          "an article page, feed or sitemap (every item), or a WARC file (every HTML page in it).\n"
          "\n"
          "options:\n"
          "  -o, --output FILE     write one PDF with every article, each from a new page, after a\n"
          "                        contents page (titles, dates, page numbers, links)\n"
          "  -d, --dir DIR         write one PDF per input into DIR (created if missing)\n"
          "      --paper SIZE      a4, a5 or letter (default: the template's, a4)\n"
          "      --template NAME|DIR  the look: a bundled template (bantin templates) or a folder\n"
          "      --font-dir DIR    fonts to use: *-Regular.ttf, *-Bold.ttf, *-Italic.ttf,\n"
          "                        *-BoldItalic.ttf (default: the bundled Noto Serif)\n"
          "      --lang TAG        language of the articles (default: detected, vi)\n"
          "      --pdfa            PDF/A-2a for archives: XMP metadata, sRGB output intent\n"
          "                        (tagged and with embedded fonts either way)\n"
          "      --embed-source    embed each article's source file in the PDF (PDF/A-3a\n"
          "                        with --pdfa)\n"
          "      --image-dpi N     downsample images finer than N pixels per inch at their\n"
          "                        printed size (JPEGs re-encoded at quality 85; default: off,\n"
          "                        images keep their pixels and JPEGs pass through untouched)\n"

          "      --from FORMAT     input format: text, html or auto (default)\n"
          "  -q, --quiet           only errors\n"
          "  -v, --verbose         progress, sizes and times\n"
          "  -h, --help            this help\n"
          "      --jobs N          fetch N pages at a time (default 4)\n"
          BT_NET_USAGE
          "\n"
          "SOURCE_DATE_EPOCH, when set, fixes the PDF dates and makes the output reproducible.\n",
          f);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* "dir/name.txt" -> "<outdir>/name.pdf"; "-" -> "<outdir>/stdin.pdf". */
static char *pdf_output_name(const char *outdir, const char *in)
{
    char *base = strcmp(in, "-") == 0 ? bt_xstrdup("stdin") : bt_path_basename(in);
    char *dot = strrchr(base, '.');
    if (dot && dot != base) *dot = '\0';
    char *name = bt_xasprintf("%s.pdf", base);
    char *path = outdir ? bt_path_join(outdir, name) : NULL;
    if (!outdir) {
        /* next to the input */
        char *dir = bt_path_dirname(in);
        path = bt_path_join(dir, name);
        free(dir);
    }
    free(name);
    free(base);
    return path;
}

/* -v: where the time went (make bench reads this line). */
static void print_phases(double parse_ms, const bt_pdf_times *sum)
{
    bt_pdf_times t;
    if (sum) t = *sum;
    else bt_pdf_times_get(&t);
    bt_cli_info("phases: parse %.1f ms, layout %.1f ms, font %.1f ms, pages %.1f ms, save %.1f ms", parse_ms,
                t.layout, t.font, t.pages, t.save);
}

typedef struct {
    FILE *f;
    size_t len;
} file_sink_ctx;

static int file_sink(void *user, const void *data, size_t len)
{
    file_sink_ctx *k = user;
    k->len += len;
    return fwrite(data, 1, len, k->f) == len ? 0 : 1;
}

/* Render arts[0..n) into the temporary file of of (opened on path). On failure the reason is in
 * *e and of is discarded. */
static bt_status render_tmp(bt_article **arts, size_t n, const bt_pdf_opts *po, const char *path, bt_outfile *of,
                            size_t *len, bt_err *e)
{
    bt_status st = bt_outfile_open(of, path, e);
    if (st != BT_OK) return st;
    file_sink_ctx k = {of->f, 0};
    st = bt_pdf_write(arts, n, po, file_sink, &k, e);
    if (st != BT_OK) bt_outfile_abort(of);
    *len = k.len;
    return st;
}

/* Render arts[0..n) to path, written as it is made into a temporary file that replaces path
 * only when complete. Returns BT_OK or the failing status (already reported). */
static bt_status render_one(bt_article **arts, size_t n, const bt_pdf_opts *po, const char *path)
{
    bt_err e;
    bt_err_clear(&e);
    double t0 = now_ms();
    bt_outfile of;
    size_t len = 0;
    bt_status st = render_tmp(arts, n, po, path, &of, &len, &e);
    for (size_t i = 0; i < n; i++) bt_cli_print_warnings(arts[i]);
    if (st == BT_OK) st = bt_outfile_commit(&of, &e);
    if (st != BT_OK) {
        bt_cli_error(path, "%s", e.msg);
        return st;
    }
    bt_cli_info("%s: %zu article%s, %.1f KB, %.1f ms", path, n, n == 1 ? "" : "s", (double)len / 1024.0,
                now_ms() - t0);
    return BT_OK;
}

/* ---------------------------------------------------------------- -d: one PDF per article
 * Articles are rendered by a few threads at once, each writing its own file, so that the
 * rendering of one overlaps the others and the waits for the disk (every file is synced before
 * it is renamed into place). What the user sees stays that of one article after the other:
 * messages and progress in input order, and an article whose font or memory failure stops the
 * run keeps every later one from being written (a later file is committed only once every
 * earlier article has rendered without such a failure). */

typedef struct {
    bt_article *a;
    char *out;       /* NULL: no output (not loaded, or a duplicate name) */
    bt_status st;    /* once done */
    bt_err e;
    size_t len;
    double ms;
    int rendered;    /* 1 once rendered (into its temporary file), whatever the outcome */
    int done;        /* 1 once committed or failed: the main thread may report it */
} pdf_job;

typedef struct {
    pdf_job *jobs;
    size_t n, next;      /* next job to take */
    size_t rendered;     /* jobs [0, rendered) are rendered */
    size_t first_fatal;  /* the first of those whose failure stops the run (n: none) */
    const bt_pdf_opts *po;
    bt_pdf_times times;  /* the workers' phase times, summed */
    pthread_mutex_t lock;
    pthread_cond_t cond;
} pdf_batch;

static int fatal(bt_status st) { return st == BT_EFONT || st == BT_ENOMEM; }

static void *pdf_worker(void *arg)
{
    pdf_batch *b = arg;
    pthread_mutex_lock(&b->lock);
    while (b->next < b->n) {
        size_t i = b->next++;
        pdf_job *j = &b->jobs[i];
        int stopped = b->first_fatal < i; /* known already: no need to render it */
        pthread_mutex_unlock(&b->lock);
        double t0 = now_ms();
        bt_outfile of;
        j->st = BT_EOTHER; /* (no output: j->e says why, if anything) */
        if (j->out && !stopped) {
            bt_err_clear(&j->e);
            j->st = render_tmp(&j->a, 1, b->po, j->out, &of, &j->len, &j->e);
        }
        pthread_mutex_lock(&b->lock);
        j->rendered = 1;
        while (b->rendered < b->n && b->jobs[b->rendered].rendered) {
            if (fatal(b->jobs[b->rendered].st) && b->first_fatal == b->n) b->first_fatal = b->rendered;
            b->rendered++;
        }
        pthread_cond_broadcast(&b->cond);
        /* commit only once every earlier article is rendered, none of them fatally */
        while (b->rendered < i) pthread_cond_wait(&b->cond, &b->lock);
        int skip = b->first_fatal < i;
        pthread_mutex_unlock(&b->lock);
        if (j->st == BT_OK) {
            if (skip) bt_outfile_abort(&of);
            else j->st = bt_outfile_commit(&of, &j->e);
        }
        if (skip) j->st = BT_EOTHER; /* not reported: the run stopped before it */
        j->ms = now_ms() - t0;
        pthread_mutex_lock(&b->lock);
        j->done = 1;
        pthread_cond_broadcast(&b->cond);
    }
    bt_pdf_times t;
    bt_pdf_times_get(&t);
    b->times.layout += t.layout;
    b->times.font += t.font;
    b->times.pages += t.pages;
    b->times.save += t.save;
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* Threads for -d: one per processor, at most 4 and one per article. */
static int pdf_threads(size_t n)
{
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    if (c < 1) c = 1;
    if (c > 4) c = 4;
    return (size_t)c < n ? (int)c : (int)n;
}

static int cmd_pdf(int argc, char **argv, bt_template **tpl)
{
    enum { O_PAPER = 256, O_FONTDIR, O_LANG, O_FROM, O_TEMPLATE, O_PDFA, O_EMBED, O_IMAGEDPI };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},     {"dir", required_argument, NULL, 'd'},
        {"paper", required_argument, NULL, O_PAPER},  {"font-dir", required_argument, NULL, O_FONTDIR},
        {"template", required_argument, NULL, O_TEMPLATE},
        {"lang", required_argument, NULL, O_LANG},    {"from", required_argument, NULL, O_FROM},
        {"pdfa", no_argument, NULL, O_PDFA},          {"embed-source", no_argument, NULL, O_EMBED},
        {"image-dpi", required_argument, NULL, O_IMAGEDPI},
        {"quiet", no_argument, NULL, 'q'},            {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},             {"jobs", required_argument, NULL, 'J'},
        BT_NET_LONGOPTS,                              {NULL, 0, NULL, 0}};
    const char *output = NULL, *outdir = NULL;
    bt_pdf_opts po = {.epoch = -1, .release_blocks = 1}; /* (the articles are freed after) */
    const char *tname = NULL;
    bt_input_opts io = {BT_FROM_AUTO, NULL, 0, NULL};
    bt_source_opts so;
    memset(&so, 0, sizeof so);
    int c, jobs = 4;
    char msg[200];

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:d:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'd': outdir = optarg; break;
        case O_PAPER:
            if (!bt_pdf_paper_valid(optarg)) {
                bt_cli_error(NULL, "--paper: unknown size '%s' (a4, a5 or letter)", optarg);
                return BT_EXIT_USAGE;
            }
            po.paper = optarg;
            break;
        case O_FONTDIR: po.font_dir = optarg; break;
        case O_TEMPLATE: tname = optarg; break;
        case O_LANG:
            if (!bt_lang_valid(optarg)) {
                bt_cli_error(NULL, "--lang: '%s' is not a language tag (e.g. vi, en)", optarg);
                return BT_EXIT_USAGE;
            }
            io.lang = optarg;
            break;
        case O_FROM:
            if (!bt_input_from_name(optarg, &io.from)) {
                bt_cli_error(NULL, "--from must be text, html or auto");
                return BT_EXIT_USAGE;
            }
            break;
        case O_PDFA: po.pdfa = 1; break;
        case O_EMBED: po.embed_source = 1; break;
        case O_IMAGEDPI:
            if (bt_cli_number("--image-dpi", optarg, 36, 2400, "pixels per inch", &po.image_dpi) != 0)
                return BT_EXIT_USAGE;
            break;
        case 'q': bt_cli.quiet = 1; break;
        case 'v': bt_cli.verbose = 1; break;
        case 'h': pdf_usage(stdout); return BT_EXIT_OK;
        case 'J':
            if (bt_cli_number("--jobs", optarg, 1, 64, NULL, &jobs) != 0) return BT_EXIT_USAGE;
            break;
        default: {
            int r = bt_netopt_handle(c, optarg, &so, msg, sizeof msg);
            if (r > 0) break;
            if (r < 0) bt_cli_error(NULL, "%s", msg);
            else pdf_usage(stderr);
            return BT_EXIT_USAGE;
        }
        }
    }
    int ninputs = argc - optind;
    if (ninputs <= 0) {
        bt_cli_error(NULL, "pdf: no input files");
        pdf_usage(stderr);
        return BT_EXIT_USAGE;
    }
    if (output && outdir) {
        bt_cli_error(NULL, "pdf: use either -o FILE or -d DIR, not both");
        return BT_EXIT_USAGE;
    }
    if (!output && !outdir && ninputs > 1) {
        bt_cli_error(NULL, "pdf: with several inputs, give -o OUT.pdf (one PDF) or -d DIR (one each)");
        return BT_EXIT_USAGE;
    }
    int nstdin = 0;
    for (int i = optind; i < argc; i++) nstdin += strcmp(argv[i], "-") == 0;
    if (nstdin > 1) {
        bt_cli_error(NULL, "pdf: '-' (stdin) can be given only once");
        return BT_EXIT_USAGE;
    }
    po.epoch = bt_source_date_epoch();
    int trc = bt_cli_template(tname, tpl);
    if (trc != BT_EXIT_OK) return trc;
    po.tpl = *tpl; /* "default" gives nothing: the built-in look, the same bytes as before */

    bt_err e;
    int failed = 0, written = 0, rc = BT_EXIT_OK;

    if (outdir) {
        bt_err_clear(&e);
        bt_status st = bt_mkdirs(outdir, 0777, &e);
        if (st != BT_OK) {
            bt_cli_error(outdir, "%s", e.msg);
            return bt_cli_exit_for(st);
        }
    }

    so.io = io;
    bt_source *src = bt_source_new(&so);
    bt_item_list l = {0};
    bt_cmd_expand(src, argv + optind, ninputs, &l, &failed);
    if (!output && !outdir && l.n > 1) {
        bt_cli_error(NULL, "pdf: %s gives %zu articles: give -o OUT.pdf (one PDF) or -d DIR (one each)",
                     argv[optind], l.n);
        bt_item_list_free(&l);
        bt_source_free(src);
        return BT_EXIT_USAGE;
    }
    bt_article **arts = bt_xcalloc(l.n ? l.n : 1, sizeof *arts);
    bt_err *errs = bt_xcalloc(l.n ? l.n : 1, sizeof *errs);
    double tparse = now_ms();
    bt_source_load_all(src, &l, jobs, arts, errs);
    tparse = now_ms() - tparse;
    for (size_t i = 0; i < l.n; i++)
        if (!arts[i]) {
            bt_cli_error(l.v[i].name, "%s", errs[i].msg);
            failed++;
        }
    free(errs);

    if (output || !outdir) {
        /* one PDF with every article */
        char *defout = NULL;
        if (!output) {
            if (strcmp(argv[optind], "-") == 0) output = defout = bt_xstrdup("-");
            else if (l.n == 1 && l.v[0].kind != BT_ITEM_FILE) output = defout = bt_cmd_item_stem(&l.v[0], ".pdf");
            else output = defout = pdf_output_name(NULL, argv[optind]);
        }
        size_t n = 0;
        for (size_t i = 0; i < l.n; i++)
            if (arts[i]) arts[n++] = arts[i];
        const bt_item *same = bt_cmd_output_is_input(output, l.v, l.n);
        if (same) { /* writing it would destroy the input */
            bt_cli_error(output, "is also an input (%s); nothing written", same->name);
            rc = BT_EXIT_USAGE;
        } else if (n == 0) {
            if (ninputs > 1 || l.n > 1) bt_cli_error(output, "no article could be loaded; nothing written");
            rc = BT_EXIT_OUTPUT;
        } else {
            bt_status st = render_one(arts, n, &po, output);
            if (st != BT_OK) rc = bt_cli_exit_for(st);
            else written++;
        }
        print_phases(tparse, NULL);
        for (size_t i = 0; i < n; i++) bt_article_free(arts[i]);
        free(arts);
        free(defout);
        bt_item_list_free(&l);
        bt_source_free(src);
        if (rc != BT_EXIT_OK) return rc;
        return failed ? BT_EXIT_FAILED : BT_EXIT_OK;
    }

    /* one PDF per article */
    pdf_batch b;
    memset(&b, 0, sizeof b);
    b.jobs = bt_xcalloc(l.n ? l.n : 1, sizeof *b.jobs);
    b.n = l.n;
    b.first_fatal = l.n;
    b.po = &po;
    pthread_mutex_init(&b.lock, NULL);
    pthread_cond_init(&b.cond, NULL);
    for (size_t i = 0; i < l.n; i++) {
        pdf_job *j = &b.jobs[i];
        j->a = arts[i];
        if (!arts[i]) continue;
        char *stem = bt_cmd_item_stem(&l.v[i], ".pdf");
        char *out = bt_path_join(outdir, stem);
        free(stem);
        int dup = 0;
        for (size_t k = 0; k < i && !dup; k++)
            if (b.jobs[k].out && strcmp(b.jobs[k].out, out) == 0) dup = 1;
        if (dup) {
            bt_err_set(&j->e, BT_EUSAGE, "output %s would overwrite the PDF of an earlier input; skipped", out);
            free(out);
            continue;
        }
        if (bt_cmd_output_is_input(out, &l.v[i], 1)) { /* DIR/name.pdf is the input itself */
            bt_err_set(&j->e, BT_EUSAGE, "output %s is the input itself; skipped", out);
            free(out);
            continue;
        }
        j->out = out;
    }
    int nthreads = pdf_threads(l.n);
    pthread_t *tids = bt_xcalloc((size_t)nthreads, sizeof *tids);
    int started = 0;
    for (int t = 0; t < nthreads; t++)
        if (pthread_create(&tids[started], NULL, pdf_worker, &b) == 0) started++;
    if (!started) pdf_worker(&b); /* no thread could be made: this one does the work */
    bt_progress pg;
    bt_progress_init(&pg, "pdf", bt_cli.quiet || l.n < 2, bt_cli.verbose, 0);
    bt_progress_phase(&pg, "pdf", l.n);
    for (size_t i = 0; i < l.n; i++) {
        bt_progress_update(&pg, i);
        pdf_job *j = &b.jobs[i];
        pthread_mutex_lock(&b.lock);
        while (!j->done) pthread_cond_wait(&b.cond, &b.lock);
        pthread_mutex_unlock(&b.lock);
        bt_article *a = j->a;
        if (!a) continue;
        if (!j->out) { /* a duplicate name */
            bt_cli_error(l.v[i].name, "%s", j->e.msg);
            bt_article_free(a);
            failed++;
            continue;
        }
        if (rc != BT_EXIT_OK) { /* stopped by an earlier article: neither written nor reported */
            bt_article_free(a);
            continue;
        }
        bt_cli_print_warnings(a);
        bt_article_free(a);
        if (j->st != BT_OK) bt_cli_error(j->out, "%s", j->e.msg);
        else
            bt_cli_info("%s: 1 article, %.1f KB, %.1f ms", j->out, (double)j->len / 1024.0, j->ms);
        if (fatal(j->st)) rc = bt_cli_exit_for(j->st);
        else if (j->st != BT_OK) failed++;
        else written++;
    }
    bt_progress_update(&pg, l.n); /* the whole count, with its rate, before the line is erased */
    for (int t = 0; t < started; t++) pthread_join(tids[t], NULL);
    free(tids);
    bt_progress_end(&pg);
    print_phases(tparse, &b.times);
    for (size_t k = 0; k < l.n; k++) free(b.jobs[k].out);
    free(b.jobs);
    pthread_mutex_destroy(&b.lock);
    pthread_cond_destroy(&b.cond);
    free(arts);
    bt_item_list_free(&l);
    bt_source_free(src);
    if (rc != BT_EXIT_OK) return rc;
    if (written == 0) return BT_EXIT_OUTPUT;
    return failed ? BT_EXIT_FAILED : BT_EXIT_OK;
}

int bt_cmd_pdf(int argc, char **argv)
{
    bt_template *tpl = NULL;
    int rc = cmd_pdf(argc, argv, &tpl);
    bt_template_free(tpl);
    return rc;
}

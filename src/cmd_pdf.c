/* cmd_pdf.c - `bantin pdf`: typeset articles into PDF files. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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
static void print_phases(double parse_ms)
{
    bt_pdf_times t;
    bt_pdf_times_get(&t);
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

/* Render arts[0..n) to path, written as it is made into a temporary file that replaces path
 * only when complete. Returns BT_OK or the failing status (already reported). */
static bt_status render_one(bt_article **arts, size_t n, const bt_pdf_opts *po, const char *path)
{
    bt_err e;
    bt_err_clear(&e);
    double t0 = now_ms();
    bt_outfile of;
    bt_status st = bt_outfile_open(&of, path, &e);
    if (st != BT_OK) {
        bt_cli_error(path, "%s", e.msg);
        return st;
    }
    file_sink_ctx k = {of.f, 0};
    st = bt_pdf_write(arts, n, po, file_sink, &k, &e);
    for (size_t i = 0; i < n; i++) bt_cli_print_warnings(arts[i]);
    if (st != BT_OK) {
        bt_outfile_abort(&of);
        bt_cli_error(path, "%s", e.msg);
        return st;
    }
    bt_err_clear(&e);
    st = bt_outfile_commit(&of, &e);
    if (st != BT_OK) {
        bt_cli_error(path, "%s", e.msg);
        return st;
    }
    bt_cli_info("%s: %zu article%s, %.1f KB, %.1f ms", path, n, n == 1 ? "" : "s", (double)k.len / 1024.0,
                now_ms() - t0);
    return BT_OK;
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
        if (n == 0) {
            if (ninputs > 1 || l.n > 1) bt_cli_error(output, "no article could be loaded; nothing written");
            rc = BT_EXIT_OUTPUT;
        } else {
            bt_status st = render_one(arts, n, &po, output);
            if (st != BT_OK) rc = bt_cli_exit_for(st);
            else written++;
        }
        print_phases(tparse);
        for (size_t i = 0; i < n; i++) bt_article_free(arts[i]);
        free(arts);
        free(defout);
        bt_item_list_free(&l);
        bt_source_free(src);
        if (rc != BT_EXIT_OK) return rc;
        return failed ? BT_EXIT_FAILED : BT_EXIT_OK;
    }

    /* one PDF per article */
    char **names = bt_xcalloc(l.n ? l.n : 1, sizeof *names);
    bt_progress pg;
    bt_progress_init(&pg, "pdf", bt_cli.quiet || l.n < 2, bt_cli.verbose, 0);
    bt_progress_phase(&pg, "pdf", l.n);
    for (size_t i = 0; i < l.n; i++) {
        bt_progress_update(&pg, i);
        bt_article *a = arts[i];
        if (!a) continue;
        char *stem = bt_cmd_item_stem(&l.v[i], ".pdf");
        char *out = bt_path_join(outdir, stem);
        free(stem);
        int dup = 0;
        for (size_t k = 0; k < i; k++)
            if (names[k] && strcmp(names[k], out) == 0) dup = 1;
        if (dup) {
            bt_cli_error(l.v[i].name, "output %s would overwrite the PDF of an earlier input; skipped", out);
            free(out);
            bt_article_free(a);
            failed++;
            continue;
        }
        names[i] = out;
        bt_status st = rc == BT_EXIT_OK ? render_one(&a, 1, &po, out) : BT_EOTHER;
        bt_article_free(a);
        if (rc != BT_EXIT_OK) continue;
        if (st == BT_EFONT || st == BT_ENOMEM) rc = bt_cli_exit_for(st);
        else if (st != BT_OK) failed++;
        else written++;
    }
    bt_progress_end(&pg);
    print_phases(tparse);
    for (size_t k = 0; k < l.n; k++) free(names[k]);
    free(names);
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

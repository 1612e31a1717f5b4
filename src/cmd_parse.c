/* cmd_parse.c - `bantin parse [--json|--dump] FILE...`: show the parsed article model. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_sources.h"
#include "input.h"
#include "netopt.h"

static void usage(FILE *f)
{
    fputs("usage: bantin parse [--json | --dump] [--from html|text] [--lang LANG] SOURCE...\n"
          "Print the parsed article: JSON (one object per article; --json, the default) or a\n"
          "readable dump (--dump). SOURCE is a file ('-' for standard input), the URL of a page,\n"
          "feed or sitemap (one object per item), or a WARC file.\n"
          "      --jobs N            fetch N pages at a time (default 4)\n"
          BT_NET_USAGE,
          f);
}

/* A readable outline of the model, for people. */
static void dump(const bt_article *a, FILE *f)
{
    char iso[32];
    bt_date_iso(&a->published, iso);
    fprintf(f, "title: %s\npublished: %s\ncategory: %s\nauthor: %s\nlead: %s\nsource_url: %s\n"
               "language: %s\n",
            a->title ? a->title : "", iso[0] ? iso : "-", a->category ? a->category : "-",
            a->author ? a->author : "-", a->lead ? a->lead : "-",
            a->source_url ? a->source_url : "-", a->language ? a->language : "-");
    for (size_t i = 0; i < a->nblocks; i++)
        fprintf(f, "[%s] %s\n", bt_block_type_name(a->blocks[i].type), a->blocks[i].text);
}

int bt_cmd_parse(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},   {"dump", no_argument, NULL, 'D'},
        {"from", required_argument, NULL, 'F'}, {"lang", required_argument, NULL, 'L'},
        {"quiet", no_argument, NULL, 'q'},  {"verbose", no_argument, NULL, 'v'},
        {"pretty", no_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'},
        {"jobs", required_argument, NULL, 'J'}, BT_NET_LONGOPTS,
        {NULL, 0, NULL, 0}};
    bt_input_opts io = {BT_FROM_AUTO, NULL, 0, NULL};
    bt_source_opts so;
    memset(&so, 0, sizeof so);
    int as_dump = 0, pretty = 0, c, jobs = 4;
    char msg[200];
    optind = 1;
    while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': as_dump = 0; break;
        case 'D': as_dump = 1; break;
        case 'p': pretty = 1; break;
        case 'F':
            if (!bt_input_from_name(optarg, &io.from)) {
                bt_cli_error(NULL, "--from must be html, text or auto");
                return BT_EXIT_USAGE;
            }
            break;
        case 'L': io.lang = optarg; break;
        case 'q': bt_cli.quiet = 1; break;
        case 'v': bt_cli.verbose = 1; break;
        case 'J':
            if (bt_cli_number("--jobs", optarg, 1, 64, NULL, &jobs) != 0) return BT_EXIT_USAGE;
            break;
        case 'h': usage(stdout); return BT_EXIT_OK;
        default: {
            int r = bt_netopt_handle(c, optarg, &so, msg, sizeof msg);
            if (r > 0) break;
            if (r < 0) bt_cli_error(NULL, "%s", msg);
            else usage(stderr);
            return BT_EXIT_USAGE;
        }
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return BT_EXIT_USAGE;
    }
    int failed = 0, done = 0;
    so.io = io;
    bt_source *src = bt_source_new(&so);
    bt_item_list l = {0};
    bt_cmd_expand(src, argv + optind, argc - optind, &l, &failed);
    bt_article **arts = bt_xcalloc(l.n ? l.n : 1, sizeof *arts);
    bt_err *errs = bt_xcalloc(l.n ? l.n : 1, sizeof *errs);
    bt_source_load_all(src, &l, jobs, arts, errs);
    for (size_t i = 0; i < l.n; i++) {
        bt_article *a = arts[i];
        if (!a) {
            bt_cli_error(l.v[i].name, "%s", errs[i].msg);
            failed++;
            continue;
        }
        bt_cli_print_warnings(a);
        if (as_dump) {
            dump(a, stdout);
        } else {
            char *json = bt_article_to_json(a, pretty);
            puts(json);
            free(json);
        }
        bt_article_free(a);
        done++;
    }
    free(arts);
    free(errs);
    bt_item_list_free(&l);
    bt_source_free(src);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        bt_cli_error(NULL, "cannot write to standard output");
        return BT_EXIT_OUTPUT;
    }
    if (failed) return done ? BT_EXIT_FAILED : BT_EXIT_OUTPUT;
    return BT_EXIT_OK;
}

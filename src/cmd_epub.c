/* cmd_epub.c - `bantin epub FILE...|DIR -o OUT.epub`: one article or a digest as an EPUB 3 book. */
#include <ctype.h>
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmd_sources.h"
#include "input.h"
#include "netopt.h"
#include "out_epub.h"
#include "progress.h"
#include "template.h"
#include "text.h"
#include "url.h"

static void epub_usage(FILE *f)
{
    fputs("usage: bantin epub SOURCE...|DIR... -o OUT.epub [OPTIONS]\n"
          "Package one article, or a digest of many, as an EPUB 3 book (with an EPUB 2 NCX).\n"
          "A DIR means every article file in it (.txt, .text, .html, .htm, .xhtml, .shtml; not hidden), by\n"
          "name. OUT '-' is standard output.\n"
          "A SOURCE may be the URL of a page, or of a feed or sitemap: a digest of its items titled\n"
          "like the feed, in the feed's order unless --sort is given; or a WARC file.\n"
          "\n"
          "  -o, --output FILE       the book to write (required with more than one input)\n"
          "  -t, --title TEXT        book title (default: the article's title, or a digest title)\n"
          "      --author NAME       dc:creator (default: the articles' authors)\n"
          "      --publisher NAME    dc:publisher\n"
          "      --lang LANG         language of the book and of the articles (default: vi)\n"
          "      --group-by KEY      table of contents by category (default), date or none\n"
          "      --sort KEY          article order: date (default), title or input\n"
          "      --cover IMAGE       a JPEG or PNG cover (a title page is always generated for digests)\n"
          "      --template NAME|DIR the look: a bundled template (bantin templates) or a folder\n"
          "      --font-dir DIR      fonts to embed: Family-Regular.ttf, -Bold, -Italic (default:\n"
          "                          the template's)\n"
          "      --no-fonts          embed no fonts (the reader's fonts are used)\n"
          "      --from html|text    input format (default: detected)\n"
          "  -q, --quiet             only errors\n"
          "  -v, --verbose           progress\n"
          "      --jobs N            fetch N pages at a time (default 4)\n"
          BT_NET_USAGE
          "\n"
          "With SOURCE_DATE_EPOCH set, the same input gives the same bytes.\n"
          "exit status: 0 ok, 1 some inputs left out, 2 usage, 3 nothing written, 4 missing resources.\n",
          f);
}

/* Expand a directory into its article files (sorted by name). 0 on success. A symbolic link
 * that leads out of the folder is not followed (as archive does): a link to any file of the
 * machine in a shared folder would put that file into the book. */
static int epub_expand_dir(const char *dir, bt_strvec *p)
{
    bt_strvec here = {0};
    if (bt_dir_list(dir, NULL, BT_WALK_SKIP_HIDDEN | BT_WALK_TOP_ONLY, &here, NULL, NULL) != BT_OK)
        return -1;
    char *dreal = realpath(dir, NULL);
    size_t dl = dreal ? strlen(dreal) : 0;
    for (size_t i = 0; i < here.n; i++) {
        if (!bt_is_article_file(here.v[i])) continue;
        char *path = bt_path_join(dir, here.v[i]);
        struct stat ls;
        if (lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode)) {
            char *real = realpath(path, NULL);
            int inside = real && dl && strncmp(real, dreal, dl) == 0 && (real[dl] == '/' || dreal[dl - 1] == '/');
            free(real);
            if (!inside) {
                bt_cli_warn(path, "a symbolic link leading out of the folder: not followed");
                free(path);
                continue;
            }
        }
        bt_strvec_push(p, path);
    }
    free(dreal);
    bt_strvec_free(&here);
    return 0;
}

/* A command-line string made safe for the book: valid UTF-8, NFC, white space folded. */
static char *epub_clean_arg(const char *s)
{
    char *rep, *out;
    if (!s) return NULL;
    rep = bt_utf8_repair(s, strlen(s), NULL);
    out = bt_text_clean(rep, strlen(rep));
    free(rep);
    return out;
}

/* Write the book. An existing output that is not a regular file (a device such as /dev/full, a
 * FIFO) is written in place: renaming a temporary file over it, as bt_write_file_atomic does,
 * would replace the device node. Everything else goes through bt_write_file_atomic. */
static bt_status epub_write(const char *path, const unsigned char *data, size_t len, bt_err *e)
{
    struct stat st;
    FILE *f;
    int bad;
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
        return bt_write_file_atomic(path, data, len, e);
    f = fopen(path, "wb");
    if (!f) return bt_err_set(e, BT_EIO, "cannot open %s for writing", path);
    bad = fwrite(data, 1, len, f) != len;
    bad |= fflush(f) != 0;
    bad |= fclose(f) != 0;
    if (bad) return bt_err_set(e, BT_EIO, "cannot write %s", path);
    return BT_OK;
}

/* "dir/name.txt" -> "dir/name.epub" */
static char *epub_default_output(const char *in)
{
    const char *slash = strrchr(in, '/');
    const char *dot = strrchr(in, '.');
    size_t stem = (dot && (!slash || dot > slash + 1)) ? (size_t)(dot - in) : strlen(in);
    return bt_xasprintf("%.*s.epub", (int)stem, in);
}

int bt_cmd_epub(int argc, char **argv)
{
    enum { O_AUTHOR = 256, O_PUBLISHER, O_LANG, O_GROUP, O_SORT, O_COVER, O_FONTDIR, O_NOFONTS, O_TEMPLATE,
           O_FROM };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},   {"title", required_argument, NULL, 't'},
        {"author", required_argument, NULL, O_AUTHOR},
        {"publisher", required_argument, NULL, O_PUBLISHER},
        {"lang", required_argument, NULL, O_LANG},  {"group-by", required_argument, NULL, O_GROUP},
        {"sort", required_argument, NULL, O_SORT},  {"cover", required_argument, NULL, O_COVER},
        {"font-dir", required_argument, NULL, O_FONTDIR}, {"template", required_argument, NULL, O_TEMPLATE},
        {"no-fonts", no_argument, NULL, O_NOFONTS}, {"from", required_argument, NULL, O_FROM},
        {"quiet", no_argument, NULL, 'q'},          {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},           {"jobs", required_argument, NULL, 'J'},
        BT_NET_LONGOPTS,                            {NULL, 0, NULL, 0}};
    bt_epub_opts eo;
    const char *tname = NULL;
    bt_template *tpl = NULL;
    bt_input_opts io = {BT_FROM_AUTO, NULL, 0, NULL};
    const char *output = NULL;
    const char *title = NULL, *author = NULL, *publisher = NULL;
    char *ctitle = NULL, *cauthor = NULL, *cpublisher = NULL, *defout = NULL;
    bt_strvec paths = {0};
    bt_article **arts = NULL;
    size_t narts = 0;
    int failed = 0, rc = BT_EXIT_OK, c, jobs = 4, sort_given = 0, group_given = 0;
    bt_source_opts so;
    bt_source *src = NULL;
    bt_item_list items = {0};
    bt_err *errs = NULL;
    char msg[200];
    memset(&so, 0, sizeof so);
    unsigned char *book = NULL;
    size_t blen = 0;
    bt_err e;

    memset(&eo, 0, sizeof eo);
    eo.group = BT_GROUP_CATEGORY;
    eo.sort = BT_SORT_DATE;
    eo.epoch = -1;

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:t:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 't': title = optarg; break;
        case O_AUTHOR: author = optarg; break;
        case O_PUBLISHER: publisher = optarg; break;
        case O_LANG:
            if (!bt_lang_valid(optarg)) {
                bt_cli_error(NULL, "--lang: '%s' is not a language tag (e.g. vi, en, fr-CA)", optarg);
                return BT_EXIT_USAGE;
            }
            eo.lang = optarg;
            io.lang = optarg;
            break;
        case O_GROUP:
            group_given = 1;
            if (strcmp(optarg, "category") == 0) eo.group = BT_GROUP_CATEGORY;
            else if (strcmp(optarg, "date") == 0) eo.group = BT_GROUP_DATE;
            else if (strcmp(optarg, "none") == 0) eo.group = BT_GROUP_NONE;
            else {
                bt_cli_error(NULL, "--group-by must be category, date or none");
                return BT_EXIT_USAGE;
            }
            break;
        case O_SORT:
            sort_given = 1;
            if (strcmp(optarg, "date") == 0) eo.sort = BT_SORT_DATE;
            else if (strcmp(optarg, "title") == 0) eo.sort = BT_SORT_TITLE;
            else if (strcmp(optarg, "input") == 0) eo.sort = BT_SORT_INPUT;
            else {
                bt_cli_error(NULL, "--sort must be date, title or input");
                return BT_EXIT_USAGE;
            }
            break;
        case O_COVER: eo.cover_path = optarg; break;
        case O_FONTDIR: eo.font_dir = optarg; break;
        case O_TEMPLATE: tname = optarg; break;
        case O_NOFONTS: eo.no_fonts = 1; break;
        case O_FROM:
            if (!bt_input_from_name(optarg, &io.from)) {
                bt_cli_error(NULL, "--from must be html, text or auto");
                return BT_EXIT_USAGE;
            }
            break;
        case 'q': bt_cli.quiet = 1; break;
        case 'v': bt_cli.verbose = 1; break;
        case 'h': epub_usage(stdout); return BT_EXIT_OK;
        case 'J':
            if (bt_cli_number("--jobs", optarg, 1, 64, NULL, &jobs) != 0) return BT_EXIT_USAGE;
            break;
        default: {
            int r = bt_netopt_handle(c, optarg, &so, msg, sizeof msg);
            if (r > 0) break;
            if (r < 0) bt_cli_error(NULL, "%s", msg);
            else epub_usage(stderr);
            return BT_EXIT_USAGE;
        }
        }
    }
    if (optind >= argc) {
        bt_cli_error(NULL, "epub: no input files");
        epub_usage(stderr);
        return BT_EXIT_USAGE;
    }
    rc = bt_cli_template(tname, &tpl);
    if (rc != BT_EXIT_OK) return rc;
    eo.tpl = tpl;

    /* Inputs: files as given, directories expanded. */
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (strcmp(argv[i], "-") != 0 && stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t before = paths.n;
            if (epub_expand_dir(argv[i], &paths) != 0) {
                bt_cli_error(argv[i], "cannot read the directory");
                failed++;
            } else if (paths.n == before) {
                bt_cli_warn(argv[i], "no article files (.txt, .html, .htm, ...) in this directory");
            }
        } else {
            bt_strvec_push(&paths, bt_xstrdup(argv[i]));
        }
    }
    so.io = io;
    src = bt_source_new(&so);
    bt_cmd_expand(src, paths.v, (int)paths.n, &items, &failed);
    size_t ninputs = items.n + (size_t)failed; /* articles asked for, usable or not */
    if (!output) {
        if (paths.n == 1 && optind + 1 == argc && strcmp(paths.v[0], "-") != 0) {
            if (bt_url_has_scheme(paths.v[0]) && items.n) {
                defout = items.n == 1 ? bt_cmd_item_stem(&items.v[0], ".epub") : NULL;
                if (!defout) {
                    bt_cli_error(NULL, "epub: -o OUT.epub is required for a feed or sitemap");
                    rc = BT_EXIT_USAGE;
                    goto done;
                }
            } else {
                defout = epub_default_output(paths.v[0]);
            }
            output = defout;
        } else if (paths.n == 1 && failed) {
            rc = BT_EXIT_OUTPUT;
            goto done;
        } else {
            bt_cli_error(NULL, "epub: -o OUT.epub is required with more than one input");
            rc = BT_EXIT_USAGE;
            goto done;
        }
    }

    const bt_item *same = bt_cmd_output_is_input(output, items.v, items.n);
    if (same) { /* writing it would destroy the input */
        bt_cli_error(output, "is also an input (%s); nothing written", same->name);
        rc = BT_EXIT_USAGE;
        goto done;
    }
    arts = bt_xcalloc(items.n ? items.n : 1, sizeof *arts);
    errs = bt_xcalloc(items.n ? items.n : 1, sizeof *errs);
    bt_progress pg;
    bt_progress_init(&pg, "epub", bt_cli.quiet || items.n < 2, bt_cli.verbose, 0);
    bt_progress_phase(&pg, "parse", items.n);
    bt_source_load_all(src, &items, jobs, arts, errs);
    for (size_t i = 0; i < items.n; i++) {
        bt_progress_update(&pg, i);
        bt_article *a = arts[i];
        if (!a) {
            /* one input: one line, the reason; several: say it is left out of the digest */
            if (ninputs > 1) bt_cli_error(items.v[i].name, "%s (left out of the book)", errs[i].msg);
            else bt_cli_error(items.v[i].name, "%s", errs[i].msg);
            failed++;
            continue;
        }
        bt_cli_print_warnings(a);
        arts[narts++] = a;
        bt_cli_info("%s: %s", items.v[i].name, a->title ? a->title : "");
    }
    bt_progress_end(&pg);
    if (narts == 0) {
        if (ninputs > 1) bt_cli_error(output, "no article could be loaded; nothing written");
        rc = BT_EXIT_OUTPUT;
        goto done;
    }
    /* a feed's digest: the feed's title, its items in the feed's order (one section: the feed) */
    if (!title && items.title && narts > 1) title = items.title;
    if (items.from_feed && !sort_given) eo.sort = BT_SORT_INPUT;
    if (items.from_feed && !group_given) eo.group = BT_GROUP_NONE;

    ctitle = epub_clean_arg(title);
    cauthor = epub_clean_arg(author);
    cpublisher = epub_clean_arg(publisher);
    eo.title = ctitle;
    eo.author = cauthor;
    eo.publisher = cpublisher;
    eo.epoch = bt_source_date_epoch();

    bt_err_clear(&e);
    bt_progress_phase(&pg, "epub", 0);
    bt_status st = bt_epub_render(arts, narts, &eo, &book, &blen, &e);
    bt_progress_end(&pg);
    if (st != BT_OK) {
        bt_cli_error(output, "%s", e.msg);
        rc = bt_cli_exit_for(st);
        goto done;
    }
    bt_err_clear(&e);
    st = epub_write(output, book, blen, &e);
    if (st != BT_OK) {
        bt_cli_error(output, "%s", e.msg);
        rc = bt_cli_exit_for(st);
        goto done;
    }
    bt_cli_info("%s: %zu article%s, %zu bytes", output, narts, narts == 1 ? "" : "s", blen);
    rc = failed ? BT_EXIT_FAILED : BT_EXIT_OK;

done:
    free(book);
    for (size_t i = 0; i < narts; i++) bt_article_free(arts[i]);
    free(arts);
    bt_strvec_free(&paths);
    free(ctitle);
    free(cauthor);
    free(cpublisher);
    free(defout);
    bt_template_free(tpl);
    free(errs);
    bt_item_list_free(&items);
    bt_source_free(src);
    return rc;
}

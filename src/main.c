/* main.c - the `bantin` command: dispatch to subcommands. */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "util.h"

/* Options every subcommand takes, removed from argv before the subcommand sees it.
 * Returns 0, or -1 on a bad value. */
static int take_common_options(int *argc, char **argv)
{
    int j = 1;
    for (int i = 1; i < *argc; i++) {
        const char *v = NULL;
        int opt = 1;
        if (strncmp(argv[i], "--max-input=", 12) == 0) v = argv[i] + 12;
        else if (strcmp(argv[i], "--max-input") == 0 && i + 1 < *argc) v = argv[++i];
        else opt = 0;
        if (opt) {
            if (!v) return -1;
            char *end;
            /* digits only (strtoull takes "-5" and wraps it round to a huge limit), and no
             * overflow, in the number or with its suffix */
            if (!isdigit((unsigned char)*v)) return -1;
            errno = 0;
            unsigned long long n = strtoull(v, &end, 10);
            if (errno == ERANGE) return -1;
            int shift = 0;
            if (*end == 'k' || *end == 'K') shift = 10, end++;
            else if (*end == 'M') shift = 20, end++;
            else if (*end == 'G') shift = 30, end++;
            if (*end || n == 0 || n > (SIZE_MAX >> shift)) return -1;
            n <<= shift;
            bt_input_set_default_limit((size_t)n);
            continue;
        }
        if (strcmp(argv[i], "--") == 0) { /* leave the rest alone */
            while (i < *argc) argv[j++] = argv[i++];
            break;
        }
        argv[j++] = argv[i];
    }
    argv[j] = NULL;
    *argc = j;
    return 0;
}

static void usage(FILE *f)
{
    fputs("usage: bantin COMMAND [OPTIONS] ARGS...\n"
          "\n"
          "News articles (plain text or saved HTML pages) to PDF and EPUB, and archives.\n"
          "\n"
          "commands:\n"
          "  parse --json FILE...            print the parsed article as JSON\n"
          "  pdf FILE... -o OUT.pdf          typeset articles into one PDF\n"
          "  pdf FILE... -d DIR/             one PDF per input\n"
          "  epub FILE...|DIR -o OUT.epub    an EPUB 3 book (one article or a digest)\n"
          "  archive SRC_DIR... -o BAG       archive a category: PDFs, digests, manifests\n"
          "  verify BAG                      check an archive\n"
          "  templates [NAME|DIR]            list the bundled templates, or check one\n"
          "\n"
          "  bantin COMMAND --help           options of a command\n"
          "  bantin --version                version\n"
          "\n"
          "exit status: 0 ok, 1 some inputs failed, 2 usage, 3 no output written,\n"
          "4 missing resources or internal error.\n",
          f);
}

int main(int argc, char **argv)
{
    bt_set_argv0(argv[0]);
    if (take_common_options(&argc, argv) != 0) {
        bt_cli_error(NULL, "--max-input needs a size in bytes (suffix K, M or G allowed)");
        return BT_EXIT_USAGE;
    }
    if (argc < 2) {
        usage(stderr);
        return BT_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return BT_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0) {
        printf("bantin %s\n", BT_VERSION);
        return BT_EXIT_OK;
    }
    /* A closed pipe is an ordinary write error for us, not a signal that kills mid-write. */
    signal(SIGPIPE, SIG_IGN);
    static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
        {"parse", bt_cmd_parse}, {"pdf", bt_cmd_pdf},         {"epub", bt_cmd_epub},
        {"archive", bt_cmd_archive}, {"verify", bt_cmd_verify}, {"templates", bt_cmd_templates},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(cmd, cmds[i].name) == 0) return cmds[i].fn(argc - 1, argv + 1);
    bt_cli_error(NULL, "unknown command '%s' (see bantin --help)", cmd);
    return BT_EXIT_USAGE;
}

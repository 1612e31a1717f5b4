/* main.c - the `bantin` command: dispatch to subcommands. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

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
        {"archive", bt_cmd_archive}, {"verify", bt_cmd_verify},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(cmd, cmds[i].name) == 0) return cmds[i].fn(argc - 1, argv + 1);
    bt_cli_error(NULL, "unknown command '%s' (see bantin --help)", cmd);
    return BT_EXIT_USAGE;
}

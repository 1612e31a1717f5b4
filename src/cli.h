/* cli.h - the command-line layer: subcommands, reporting, exit codes. Only this layer prints. */
#ifndef BT_CLI_H
#define BT_CLI_H

#include "article.h"
#include "util.h"

/* Exit codes (documented in README and the man page). */
enum {
    BT_EXIT_OK = 0,       /* everything converted */
    BT_EXIT_FAILED = 1,   /* one or more inputs failed (the others were converted) */
    BT_EXIT_USAGE = 2,    /* bad command line */
    BT_EXIT_OUTPUT = 3,   /* nothing usable: output could not be written, or no input converted */
    BT_EXIT_INTERNAL = 4  /* missing resources (fonts, templates) or an internal error */
};

typedef struct {
    int quiet;   /* only errors */
    int verbose; /* progress and details */
} bt_cli_flags;

extern bt_cli_flags bt_cli;

/* The one exit code for a status, used by every command for an error that stops it (documented
 * in bantin(1) and the README): BT_OK 0; BT_EUSAGE 2; BT_EFONT, BT_ENOMEM, BT_EOTHER 4 (missing
 * resources, internal); anything else 3 (the input was unusable or the output not written).
 * Inputs that fail one by one are reported and counted instead: 1 when others succeeded, 3
 * when none did. */
int bt_cli_exit_for(bt_status st);

/* "bantin: FILE: message" on stderr (file may be NULL). */
void bt_cli_error(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bt_cli_warn(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bt_cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print an article's warnings (unless quiet). */
void bt_cli_print_warnings(const bt_article *a);

int bt_cmd_parse(int argc, char **argv);
int bt_cmd_pdf(int argc, char **argv);
int bt_cmd_epub(int argc, char **argv);
int bt_cmd_archive(int argc, char **argv);
int bt_cmd_verify(int argc, char **argv);
int bt_cmd_templates(int argc, char **argv);

/* A whole-number option value in [lo, hi] into *out: 0, or -1 after printing "OPT needs a number
 * from LO to HI" (with unit, when given, in parentheses) for the caller to exit with usage. */
int bt_cli_number(const char *opt, const char *arg, long lo, long hi, const char *unit, int *out);

/* Load --template NAME|DIR (NULL: default); on failure the one-line error is printed and the
 * exit code returned (BT_EXIT_INTERNAL). */
struct bt_template;
int bt_cli_template(const char *name, struct bt_template **out);

#endif

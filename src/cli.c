/* cli.c - reporting for the command-line layer: "bantin: FILE: message". */
#include "cli.h"
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

bt_cli_flags bt_cli;

static void report(const char *kind, const char *file, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void report(const char *kind, const char *file, const char *fmt, va_list ap)
{
    bt_progress_interrupt(); /* never glue a message to a progress line */
    fputs("bantin: ", stderr);
    if (file) fprintf(stderr, "%s: ", file);
    if (kind) fprintf(stderr, "%s: ", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int bt_cli_exit_for(bt_status st)
{
    switch (st) {
    case BT_OK: return BT_EXIT_OK;
    case BT_EUSAGE: return BT_EXIT_USAGE;
    case BT_EFONT:
    case BT_ENOMEM:
    case BT_EOTHER: return BT_EXIT_INTERNAL;
    default: return BT_EXIT_OUTPUT;
    }
}

void bt_cli_error(const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(NULL, file, fmt, ap);
    va_end(ap);
}

void bt_cli_warn(const char *file, const char *fmt, ...)
{
    if (bt_cli.quiet) return;
    va_list ap;
    va_start(ap, fmt);
    report("warning", file, fmt, ap);
    va_end(ap);
}

void bt_cli_info(const char *fmt, ...)
{
    if (!bt_cli.verbose || bt_cli.quiet) return;
    va_list ap;
    va_start(ap, fmt);
    bt_progress_interrupt();
    fputs("bantin: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void bt_cli_print_warnings(const bt_article *a)
{
    for (size_t i = 0; i < a->nwarnings; i++)
        bt_cli_warn(a->source_path ? a->source_path : "-", "%s", a->warnings[i]);
}

int bt_cli_number(const char *opt, const char *arg, long lo, long hi, const char *unit, int *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end || v < lo || v > hi) {
        if (unit) bt_cli_error(NULL, "%s needs a number from %ld to %ld (%s)", opt, lo, hi, unit);
        else bt_cli_error(NULL, "%s needs a number from %ld to %ld", opt, lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

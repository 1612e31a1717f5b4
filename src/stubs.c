/* stubs.c - TEMPORARY weak fallbacks while the back ends land; removed once they do. */
#include "cli.h"
#include "input.h"
#define WEAK __attribute__((weak))
WEAK int bt_cmd_pdf(int c, char **v) { (void)c; (void)v; bt_cli_error(NULL, "pdf: not built"); return 4; }
WEAK int bt_cmd_epub(int c, char **v) { (void)c; (void)v; bt_cli_error(NULL, "epub: not built"); return 4; }
WEAK int bt_cmd_archive(int c, char **v) { (void)c; (void)v; bt_cli_error(NULL, "archive: not built"); return 4; }
WEAK int bt_cmd_verify(int c, char **v) { (void)c; (void)v; bt_cli_error(NULL, "verify: not built"); return 4; }
WEAK bt_status bt_html_parse(const char *b, size_t l, const char *d, bt_article *a, bt_err *e)
{ (void)b; (void)l; (void)d; (void)a; return bt_err_set(e, BT_EPARSE, "HTML input not built"); }

/* cmd_sources.h - the command-line side of sources (source.h): expand the arguments of a command,
 * report what could not be used and what was left out, one line each. */
#ifndef BT_CMD_SOURCES_H
#define BT_CMD_SOURCES_H

#include "source.h"

/* Expand args[0..n) into l. Each argument that cannot be used is reported ("bantin: ARG: why")
 * and counted in *failed; notes (items left out) are reported as warnings. */
void bt_cmd_expand(bt_source *s, char *const *args, int n, bt_item_list *l, int *failed);

/* An output file name for an item: the file's base name, or the last segment of the URL path
 * ("https://a.vn/thoi-su/bai-123.htm" -> "bai-123"), reduced to safe characters; "page" when
 * nothing is left. ext is appended (".pdf"). Heap string. */
char *bt_cmd_item_stem(const bt_item *it, const char *ext);

/* The first of items[0..n) that reads the file out itself (a file or WARC item; the same device and inode, whatever the path says), or NULL
 * (out does not exist, is "-", or is none of them). Writing out would destroy that input. */
const bt_item *bt_cmd_output_is_input(const char *out, const bt_item *items, size_t n);

#endif

/* byline.h - who wrote an article: the one place that decides whether a short text is a
 * person's name and that cleans a byline down to its names. The plain-text parser and the HTML
 * extractor both ask here, so a line means the same thing in both formats. */
#ifndef BT_BYLINE_H
#define BT_BYLINE_H

#include <stddef.h>

/* 1 when s[0..n) reads as a person's name: 1 to 5 words, each starting with a capital (or a
 * letter of a script without case), name particles ("van", "de", "bin", ...) excepted; no
 * digits; at most 40 characters; never a date that starts with a weekday ("Thứ Ba, ...",
 * "Monday"). */
int bt_byline_is_name(const char *s, size_t n);

/* 1 when s could be an author field at all (2-80 characters, no digits, URL, e-mail or slash):
 * the sanity check for names taken from page metadata. */
int bt_byline_plausible(const char *s);

/* A byline reduced to its person names: labels ("By", "Bởi", "Von", "Tác giả:", "Text:", ...)
 * dropped, "Name, Outlet" -> "Name", several people joined as "A; B". "" when no name is left
 * or the text ends in a dangling "von"/"by". Heap string (caller frees). */
char *bt_byline_clean(const char *s);

/* "Theo Minh Anh (Dân Việt)" (a reporter of another outlet): the person's name as a heap
 * string, else NULL. */
char *bt_byline_source_person(const char *t);

#endif

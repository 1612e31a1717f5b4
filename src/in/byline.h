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

/* A short line of its own that is a byline, as news sites write it: "Bài, ảnh: Bình Minh",
 * "Thực hiện: Nhóm PV", "Tác giả: Lan Chi", "Bình Minh -", "Minh Anh |", "PV", a name alone (two
 * words or more, or one in capitals), "Theo Minh Anh (Dân Việt)" (the reporter). "Theo Tuổi Trẻ"
 * or "Nguồn: Reuters" give the outlet the text comes from, with *source set (source may be
 * NULL). A photo credit alone ("Ảnh: ...") or a sentence is not a byline. The name(s) as a heap
 * string, or NULL. */
char *bt_byline_from_line(const char *line, int *source);

/* A photo credit line ("Ảnh: Hiểu Nhân", "Photo: Jane Doe"): the photographer's name(s) as a
 * heap string, or NULL. The author of a photo story. */
char *bt_byline_photo_credit(const char *line);

/* "…last sentence. Nguyễn Văn A": a byline run into the end of a paragraph (a name of two words
 * or more after the last sentence, within its last 60 bytes). Cuts it off para (in place) and
 * returns it as a heap string, or NULL (para unchanged). */
char *bt_byline_split_tail(char *para);

/* 1 when name is the publication rather than a person: equal (case, diacritics, spacing and a
 * leading "Báo", "Tạp chí", "Báo điện tử" ignored) to one of the n outlet names (site name,
 * publisher, title suffix), to the first label of url's host ("VnExpress" for vnexpress.net),
 * or itself a domain name ("VCCorp.vn"). */
int bt_byline_is_outlet(const char *name, const char *const *outlets, size_t n, const char *url);

#endif

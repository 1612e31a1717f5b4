/* pdf_content.h - the content stream of one laid-out page: text as TJ arrays of CIDs, images,
 * rules, and marked content for tagged PDF. Plain bytes; no PDF library here.
 *
 * Every gap between two words of a line is a real U+0020 glyph followed by a TJ adjustment
 * that stretches it to the justified width, so every extractor sees the words; kerning is a
 * TJ adjustment between two glyphs. A text line that does not end in a hyphen ends with a space
 * glyph too, so that text read in structure order keeps its word breaks at line ends.
 * Font resources are named /F<face> (the resolved bt_face number), images /Im<n>. */
#ifndef BT_PDF_CONTENT_H
#define BT_PDF_CONTENT_H

#include "layout.h"
#include "pdf_font.h"
#include "util.h"

/* Marked content. For the item that starts a sequence (see bt_pdf_same_sequence), mark returns
 * its MCID (>= 0) and sets *tag to the structure type ("P", "H1"...), or returns -1 for an
 * artifact and sets *tag to the artifact's property list ("<</Type /Pagination ...>>"). */
typedef struct {
    int (*mark)(void *user, const bt_item *it, const char **tag);
    void *user;
} bt_pdfmark;

/* 1 if b continues the marked-content sequence of a (same role, structure tag and block). */
int bt_pdf_same_sequence(const bt_item *a, const bt_item *b);

/* Append the content of page p to out. img[i] is the image number of item i (-1: not drawn);
 * mk NULL: no marked content. */
void bt_pdf_content(bt_buf *out, const bt_layout *L, const bt_page *p, bt_fontset *fs, const bt_pdffonts *pf,
                    const int *img, const bt_pdfmark *mk);

/* A number for a PDF: at most `decimals` decimals, no trailing zeros, '.' whatever the locale. */
void bt_pdf_num(bt_buf *b, double v, int decimals);

/* A text string's most bytes: libharu refuses a string over 65,535 bytes (the document then fails
 * as a whole) and PDF's implementation limit (ISO 32000-1 Annex C), which PDF/A keeps, is 32,767.
 * Text from the article can be longer (a 100 KB title or image description). */
#define BT_PDF_STRING_MAX 32767

/* A text string's bytes: UTF-16BE with a byte order mark (heap memory, *outlen bytes); one longer
 * than max bytes is cut at a character (never inside a surrogate pair) and ends with an
 * ellipsis. */
unsigned char *bt_pdf_utf16(const char *s, size_t max, size_t *outlen);
/* The same with max BT_PDF_STRING_MAX, as a hex string ("<FEFF...>"). */
void bt_pdf_text_hex(bt_buf *b, const char *s);

#endif

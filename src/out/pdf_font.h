/* pdf_font.h - the fonts of one PDF: which glyphs it draws, their CIDs, and what each embedded
 * font needs (subset program, /W widths, ToUnicode CMap). Plain data; out_pdf.c turns it into
 * PDF objects.
 *
 * Each face becomes a Type0 font with Identity-H encoding over a CIDFontType2 whose CIDs are
 * the glyph numbers of the subset (CIDToGIDMap /Identity). A glyph that stands for more than
 * one character (the stand-in glyph for missing characters, the space glyph that draws a
 * zero-width character, one glyph shared by two code points) gets one extra CID per further
 * character, past the subset's glyphs, so that the ToUnicode map can give every character
 * back; only then is a CIDToGIDMap stream written.
 *
 * Word spaces: when every CID of a face is below 0x1F00, its encoding is an embedded CMap in
 * which the one-byte code 32 is the space glyph and the two-byte codes 0100-1FFF are the CIDs
 * plus 0x100 (within a declared two-byte space 0000-1FFF: MuPDF keys the CIDs it maps back to
 * Unicode by that space, poppler keys codes by value, which must not meet the one-byte 32). Word spacing (Tw) applies to the one-byte code 32 only, so a justified line
 * stretches its spaces with one Tw instead of a number after every space.
 *
 * Use: bt_pdffonts_use() for every glyph run drawn (all pages first), bt_pdffonts_finish()
 * once, then bt_pdffonts_cid() while writing content and bt_pdffonts_face() for the objects. */
#ifndef BT_PDF_FONT_H
#define BT_PDF_FONT_H

#include <stddef.h>
#include <stdint.h>

#include "font.h"
#include "util.h"

typedef struct bt_pdffonts bt_pdffonts;

bt_pdffonts *bt_pdffonts_new(bt_fontset *fs);
void bt_pdffonts_free(bt_pdffonts *pf);

/* Record the glyphs g[0..n) as drawn in face (the slot is resolved: bold italic may be bold). */
void bt_pdffonts_use(bt_pdffonts *pf, bt_face face, const bt_glyph *g, size_t n);

/* Subset every face used and assign the CIDs. */
bt_status bt_pdffonts_finish(bt_pdffonts *pf, bt_err *e);

/* The CID that draws glyph gid for character cp in face (after finish; 0 if never recorded). */
uint16_t bt_pdffonts_cid(const bt_pdffonts *pf, bt_face face, uint16_t gid, uint32_t cp);

typedef struct {
    int used;                  /* 0: the face draws nothing in this document */
    char basefont[80];         /* "ABCDEF+NotoSerif-Bold": subset tag from the glyphs drawn */
    bt_face_info info;
    unsigned char *program;    /* the subset TrueType font */
    size_t program_len;
    char *widths;              /* the /W array, "[1 [600 520 ...] ...]" */
    char *tounicode;           /* the ToUnicode CMap */
    unsigned char *cidtogid;   /* CIDToGIDMap stream (2 bytes per CID), NULL for /Identity */
    size_t cidtogid_len;
    uint16_t space_cid;        /* CID of U+0020 drawn with the space glyph (0: not used) */
    char *encoding;            /* when set, the embedded CMap that makes the word space the
                                * one-byte code 32 (so Tw can stretch it) and every CID the
                                * two-byte code CID + code_base; NULL: Identity-H */
    uint16_t code_base;        /* 0x100 with that CMap (two-byte codes never read as 32 by
                                * extractors that key codes by value), 0 with Identity-H */
} bt_pdffont_face;

/* The data of a face (resolved slot), after finish. */
const bt_pdffont_face *bt_pdffonts_face(const bt_pdffonts *pf, bt_face face);

#endif

/* font.h - the font set used to typeset: four faces of one family (regular, bold, italic,
 * bold italic) plus an optional fallback face for characters the family cannot draw.
 *
 * Metrics come straight from the TrueType tables (HarfBuzz), in 1/1000 em, rounded the way a
 * PDF /W array holds them, so what the layout measures is what a viewer draws. Text is shaped
 * with HarfBuzz for kerning, one glyph per character (ligatures and mark positioning are not
 * used: every glyph maps back to exactly its character). The set can write a subset of a face
 * holding only given glyphs (hb-subset). No PDF library types appear here.
 *
 * Ownership: bt_fontset_open() returns a set the caller frees with bt_fontset_free();
 * bt_fontset_acquire() lends a process-wide set back with bt_fontset_release(). A set is used
 * by one thread at a time. */
#ifndef BT_FONT_H
#define BT_FONT_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

typedef enum {
    BT_FACE_REGULAR = 0,
    BT_FACE_BOLD,
    BT_FACE_ITALIC,
    BT_FACE_BOLDITALIC,
    BT_FACE_FALLBACK, /* loaded lazily, only when a character needs it */
    BT_NFACES
} bt_face;

typedef struct bt_fontset bt_fontset;

/* Open the four faces from dir (NULL = the bundled fonts, found with bt_data_dir("fonts")).
 * In dir the regular face is Family-Regular.ttf (or Family.ttf next to a Family-Bold.ttf, or
 * else the first font file); then Family-Bold, -Italic (-Oblique), -BoldItalic (-BoldOblique).
 * A missing bold/italic face falls back to the regular one. Fails with BT_EFONT when no usable
 * regular face is found. TrueType outlines only (a PDF CIDFontType2 embeds glyf outlines). */
bt_status bt_fontset_open(const char *dir, bt_fontset **out, bt_err *e);
void bt_fontset_free(bt_fontset *fs);

/* A set kept for the whole process: the faces of dir are parsed once and the shaping cache
 * lives on, so a batch of documents pays for them once. The set is the caller's alone until
 * bt_fontset_release(); a thread asking while it is lent out gets another one. Sets are
 * freed at exit. */
bt_status bt_fontset_acquire(const char *dir, bt_fontset **out, bt_err *e);
void bt_fontset_release(bt_fontset *fs);

/* The face that will draw cp when face is asked for: face itself when it has a glyph, else
 * the fallback face when it has one, else face (the glyph is missing: *missing set to 1).
 * Default-ignorable characters (zero-width space, joiners, soft hyphen...) never count as
 * missing: they are drawn with no width. */
bt_face bt_font_pick(bt_fontset *fs, bt_face face, uint32_t cp, int *missing);
/* 1 if the face has a glyph for cp (0 for faces that are not loaded). */
int bt_font_has(bt_fontset *fs, bt_face face, uint32_t cp);
/* Advance width of cp alone in 1/1000 em (that of the stand-in glyph for characters the face
 * lacks, 0 for default-ignorable ones). */
int bt_font_advance(bt_fontset *fs, bt_face face, uint32_t cp);
/* Width in points of UTF-8 text s[0..len) set in face at size, kerning included (no fallback:
 * what bt_font_shape gives). */
double bt_font_width(bt_fontset *fs, bt_face face, double size, const char *s, size_t len);
/* Ascender and descender (descender negative), 1/1000 em. */
void bt_font_vmetrics(bt_fontset *fs, bt_face face, int *ascent, int *descent);

/* One shaped glyph. Each stands for exactly one character. */
typedef struct {
    uint32_t cp;  /* the character */
    uint16_t gid; /* glyph in the face's font file (never .notdef: a character the face lacks
                   * gets a visible stand-in glyph, see bt_font_shape) */
    int16_t w;    /* the glyph's own advance, 1/1000 em: its /W entry in a PDF */
    int16_t adv;  /* its advance here, kerning with the next glyph included (adv - w) */
} bt_glyph;

/* Shape UTF-8 text s[0..len) in face: HarfBuzz with the font's kerning. Characters the face
 * lacks are drawn with a stand-in glyph (U+FFFD, U+25A1 or '?' of the face, whichever it has)
 * and default-ignorable ones with the space glyph and no advance; in both cases cp is the
 * real character, so a PDF's ToUnicode map gives it back. *g points into memory of the set,
 * valid until the next bt_font_shape call; *width is the sum of the advances (1/1000 em).
 * Results are cached for the set's life. Returns the number of glyphs. */
size_t bt_font_shape(bt_fontset *fs, bt_face face, const char *s, size_t len, const bt_glyph **g,
                     long *width);

/* Shape s[0..len) in face as bt_font_shape does; returns 1 when every character of it is the
 * face's own or default-ignorable, that is when bt_font_pick would give face for each of them
 * and the text is one run of face (*width is then its width, as bt_font_shape gives it), 0
 * otherwise (*width undefined). */
int bt_font_own_width(bt_fontset *fs, bt_face face, const char *s, size_t len, long *width);

/* What a PDF font descriptor needs to know about a face (1/1000 em unless said). */
typedef struct {
    char psname[64];     /* PostScript name, [A-Za-z0-9-] only */
    int ascent, descent; /* descender negative */
    int cap_height;
    int bbox[4];         /* xMin yMin xMax yMax */
    double italic_angle; /* degrees, negative for a right-leaning italic */
    int weight;          /* 100..900 */
    int italic;          /* 1 for an italic or oblique face */
    int space_w;         /* advance of the space glyph */
    uint16_t space_gid;
} bt_face_info;
void bt_font_info(bt_fontset *fs, bt_face face, bt_face_info *out);

/* Subset face to the glyphs gids[0..n) (and the components they are built from): *data is the
 * TrueType font program to embed (heap, caller frees), newgid[i] is gids[i]'s number in it.
 * Only the outlines and metrics are kept (glyf, loca, head, hhea, hmtx, maxp): hinting, layout
 * tables, cmap, names and OS/2 are not needed by a PDF CIDFontType2. */
bt_status bt_font_subset(bt_fontset *fs, bt_face face, const uint16_t *gids, size_t n, uint16_t *newgid,
                         unsigned char **data, size_t *len, bt_err *e);

/* A subset of face holding the characters cps[0..n) (and ' '), for a format that embeds the
 * font file itself (EPUB): hints dropped, layout tables kept for the reading system's shaping.
 * *out is heap memory the caller frees. */
bt_status bt_font_subset_mem(bt_fontset *fs, bt_face face, const uint32_t *cps, size_t n,
                             unsigned char **out, size_t *len, bt_err *e);

/* The face that really serves a slot (e.g. bold -> regular when the family has no bold). */
bt_face bt_font_resolve(const bt_fontset *fs, bt_face face);
/* 1 if the slot's face is loaded. */
int bt_font_loaded(const bt_fontset *fs, bt_face face);
/* The face's file (for messages), or NULL. */
const char *bt_font_path(const bt_fontset *fs, bt_face face);

/* 1 for a default-ignorable character (Unicode's Default_Ignorable_Code_Point). */
int bt_font_ignorable(uint32_t cp);

#endif

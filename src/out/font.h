/* font.h - the font set used to typeset: four faces of one family (regular, bold, italic,
 * bold italic) plus an optional fallback face for characters the family cannot draw.
 *
 * Metrics come straight from the TrueType tables (HarfBuzz), in 1/1000 em, rounded the same
 * way a PDF /W array is, so what the layout measures is what a viewer draws. The set also
 * records which characters each face really draws and can write a subset of a face holding
 * only those (hb-subset). No PDF library types appear here.
 *
 * Ownership: bt_fontset_open() returns a set the caller frees with bt_fontset_free().
 * A set is not thread-safe: use one per thread. */
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
 * regular face is found. TrueType outlines only (libharu cannot embed CFF). */
bt_status bt_fontset_open(const char *dir, bt_fontset **out, bt_err *e);
void bt_fontset_free(bt_fontset *fs);

/* The face that will draw cp when face is asked for: face itself when it has a glyph, else
 * the fallback face when it has one, else face (the glyph is missing: *missing set to 1). */
bt_face bt_font_pick(bt_fontset *fs, bt_face face, uint32_t cp, int *missing);
/* 1 if the face has a glyph for cp (0 for faces that are not loaded). */
int bt_font_has(bt_fontset *fs, bt_face face, uint32_t cp);
/* Advance width of cp in 1/1000 em (that of the .notdef glyph for characters the face lacks). */
int bt_font_advance(bt_fontset *fs, bt_face face, uint32_t cp);
/* Width in points of UTF-8 text s[0..len) set in face at size (no fallback). */
double bt_font_width(bt_fontset *fs, bt_face face, double size, const char *s, size_t len);
/* Ascender and descender (descender negative), 1/1000 em. */
void bt_font_vmetrics(bt_fontset *fs, bt_face face, int *ascent, int *descent);

/* Record that the text s[0..len) is drawn in face (every character is added to its used set).
 * Resets with bt_font_reset_used(). */
void bt_font_use(bt_fontset *fs, bt_face face, const char *s, size_t len);
void bt_font_reset_used(bt_fontset *fs);
/* 1 if anything was recorded for the face (0 for a slot that borrows another face). */
int bt_font_used(const bt_fontset *fs, bt_face face);
/* The characters recorded for a face, ascending (heap array the caller frees); the count. */
size_t bt_font_used_chars(const bt_fontset *fs, bt_face face, uint32_t **out);
/* The face that really serves a slot (e.g. bold -> regular when the family has no bold). */
bt_face bt_font_resolve(const bt_fontset *fs, bt_face face);

/* Characters beyond U+FFFF (emoji, rare CJK): libharu's UTF-8 encoder stops at the BMP, so
 * such a character is drawn through a stand-in code point of a Private Use block (U+EB00..),
 * the same for the whole document, and the PDF's ToUnicode map gives the real character back.
 * Returns the stand-in (U+FFFD when the block is full). One set serves one document. */
uint32_t bt_font_standin(bt_fontset *fs, uint32_t cp);
/* The character a stand-in stands for, or 0. */
uint32_t bt_font_standin_of(const bt_fontset *fs, uint32_t standin);

/* Write a subset of face holding only the used characters (hints and layout tables dropped)
 * to a new temporary file; *path is a heap string the caller unlinks and frees. pad (a
 * multiple of 4, usually 0) extra zero bytes are added at the end of the cmap table, to change
 * the layout of the file without changing its meaning. */
bt_status bt_font_subset_file(bt_fontset *fs, bt_face face, unsigned pad, char **path, bt_err *e);
/* A subset of face holding the characters cps[0..n) (and ' '), for a format that embeds the
 * font file itself (EPUB): hints dropped, layout tables kept for the reading system's shaping.
 * *out is heap memory the caller frees. */
bt_status bt_font_subset_mem(bt_fontset *fs, bt_face face, const uint32_t *cps, size_t n,
                             unsigned char **out, size_t *len, bt_err *e);
/* The face's file (for messages), or NULL. */
const char *bt_font_path(const bt_fontset *fs, bt_face face);

#endif

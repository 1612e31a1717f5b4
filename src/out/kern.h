/* kern.h - a face's OpenType pair kerning (GPOS), applied without HarfBuzz's shaper to the
 * runs where that shaper would do nothing more: each character its own glyph, no marks, a
 * Latin, Greek or Cyrillic (or script-less) run, no substitution that the shaping asks for.
 *
 * HarfBuzz, before it shapes anything with a face, checks and indexes the face's whole GSUB,
 * GPOS and GDEF tables (about a million instructions per Noto Serif face, a tenth of a one-page
 * PDF's), then runs its whole pipeline per word. This reads only the lookups a run needs, as
 * HarfBuzz 6 would apply them (the same script and language system, the same features and
 * lookup order, lookup flags, first-matching subtable, pair search): same advances. Whatever
 * it cannot answer exactly (a mark glyph, a lookup type it does not read, a required feature,
 * feature variations, a substitution feature the shaper would turn on, an AAT or 'kern'
 * table, a table that does not read cleanly) it leaves to HarfBuzz.
 *
 * Ownership: bt_kern_new() returns a reader the caller frees with bt_kern_free(); it keeps
 * references to the face's tables. One thread at a time. */
#ifndef BT_KERN_H
#define BT_KERN_H

#include <stddef.h>
#include <stdint.h>

#include <hb.h>

typedef struct bt_kern bt_kern;

/* Runs up to this many glyphs are kerned without allocating. */
#define BT_KERN_MAX 64

/* The reader for face, or NULL when the face is not one it can read (HarfBuzz then shapes
 * every run of it). */
bt_kern *bt_kern_new(hb_face_t *face);
void bt_kern_free(bt_kern *k);

/* The glyph's properties as the shaper sees them: 2 base glyph, 4 ligature, 0 other, or 8 for
 * a mark (runs with a mark are HarfBuzz's). */
unsigned bt_kern_glyph_props(const bt_kern *k, unsigned gid);

/* Kern the run gid[0..n), whose glyphs have the properties props[i] (from
 * bt_kern_glyph_props) and whose script HarfBuzz would guess to be script (HB_SCRIPT_LATIN,
 * _GREEK, _CYRILLIC, or HB_SCRIPT_INVALID for a run of common characters only), direction
 * left to right, the default language. adv[i] holds each glyph's advance in font units and
 * gets its kerning added. Returns 1 when done, 0 when the run would get glyph offsets
 * (HarfBuzz's result would not be one plain advance per glyph: adv is undefined), -1 when
 * HarfBuzz must shape the run (adv untouched). */
int bt_kern_apply(bt_kern *k, hb_script_t script, const uint16_t *gid, const uint8_t *props, size_t n,
                  int32_t *adv);

#endif

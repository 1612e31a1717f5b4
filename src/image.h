/* image.h - load an image referenced by a page into a bt_image.
 *
 * Sources: a path relative to the page's folder (page_files/ included) or a data: URI. Remote
 * URLs are never fetched; paths that leave the folder ("../", absolute paths, file: URLs,
 * symbolic links pointing outside) are refused. JPEG and PNG pass through (PNG is re-encoded
 * when libharu could not read it as is); WebP and GIF are converted to PNG. Anything else, a
 * corrupt file or one over BT_MAX_IMAGE_BYTES / BT_MAX_IMAGE_PIXELS is skipped. Every refusal
 * adds a warning to the article; nothing here fails the article. */
#ifndef BT_IMAGE_H
#define BT_IMAGE_H

#include <stddef.h>

#include "article.h"

/* The image for src (an <img> src value), or NULL (with a warning in a). base_dir NULL: only
 * data: URIs are loaded. */
bt_image *bt_image_load(const char *src, const char *base_dir, bt_article *a);

/* Decode/convert image bytes already in memory. name: file name hint (may be NULL).
 * NULL on failure, with *why set to a static reason. */
bt_image *bt_image_from_bytes(const unsigned char *data, size_t len, const char *name,
                              const char **why);

/* Charge the pixels that checking these bytes decodes (PNG, GIF, WebP; a JPEG passes through
 * undecoded) to a->image_pixels: 1 when they fit in BT_MAX_ARTICLE_PIXELS, else 0 and, the first
 * time, a warning naming shown. Call before bt_image_from_bytes for an article's image. */
int bt_image_charge(bt_article *a, const unsigned char *data, size_t len, const char *shown);

/* 1 if data starts like a JPEG (FF D8 FF), like a PNG (its 8-byte signature), with more after. */
int bt_image_is_jpeg(const unsigned char *data, size_t len);
int bt_image_is_png(const unsigned char *data, size_t len);

/* Pixel size of JPEG or PNG bytes; 1 on success. A JPEG must also be whole: a frame header,
 * a scan and the end-of-image marker (libharu embeds JPEG bytes without decoding them). */
int bt_image_dimensions(const unsigned char *data, size_t len, int *w, int *h);

/* A smaller copy of im for --image-dpi: at most maxw x maxh pixels, aspect kept, area-averaged.
 * A JPEG stays a JPEG of the same colour model (re-encoded at BT_IMAGE_JPEG_QUALITY), a PNG an
 * 8-bit PNG (grey, RGB, or RGBA when it has transparency). NULL when im already fits (*why
 * NULL) or could not be decoded (*why says why). The copy is the caller's (bt_image_free). */
#define BT_IMAGE_JPEG_QUALITY 85
bt_image *bt_image_downsample(const bt_image *im, int maxw, int maxh, const char **why);

/* 1 if im is a JPEG of four components (CMYK or YCCK); *adobe: it has an Adobe APP14 marker,
 * i.e. its values are stored inverted, as Adobe's applications write them. */
int bt_image_jpeg_cmyk(const bt_image *im, int *adobe);

/* An RGB JPEG copy of a CMYK JPEG (for PDF/A, whose output intent is sRGB), either convention,
 * converted with the plain device formula R = (1 - C)(1 - K) and so on: no colour management,
 * so colours are close, not exact. maxw/maxh > 0 also downsample as bt_image_downsample does
 * (then at BT_IMAGE_JPEG_QUALITY), else the size is kept (at BT_IMAGE_CONVERT_QUALITY, higher,
 * to lose little in the second compression). NULL with *why on failure. Caller owns. */
#define BT_IMAGE_CONVERT_QUALITY 92
bt_image *bt_image_cmyk_to_rgb(const bt_image *im, int maxw, int maxh, const char **why);

#endif

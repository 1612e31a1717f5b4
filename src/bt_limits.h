/* bt_limits.h - the hard limits every input path obeys, in one place, so that the model, the
 * parsers and the image loader share them without depending on the input layer. Hostile input
 * hits one of these, never the memory or the stack. */
#ifndef BT_LIMITS_H
#define BT_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#define BT_MAX_INPUT_BYTES ((size_t)50 * 1024 * 1024) /* larger files are refused */
#define BT_MAX_BLOCKS 100000                          /* blocks kept per article */
#define BT_MAX_HTML_DEPTH 256                         /* HTML elements nested deeper are flattened */
#define BT_MAX_HTML_NODES 250000                      /* pages with more elements are refused */
#define BT_MAX_IMAGE_BYTES ((size_t)20 * 1024 * 1024) /* one image file */
#define BT_MAX_IMAGE_PIXELS ((int64_t)50 * 1000 * 1000)
/* pixels of the images an article decodes to check them (PNG, GIF, WebP; a JPEG passes through
 * undecoded): a small file can declare 50 megapixels, and a page of hundreds of them would take
 * minutes and gigabytes (the PDF writer holds each decoded: 100 MP, some 300 MB) */
#define BT_MAX_ARTICLE_PIXELS ((int64_t)100 * 1000 * 1000)
/* combining marks in a row kept on one letter (Unicode's stream-safe limit, UAX #15): text
 * shaping is quadratic in a run of marks, and no script stacks more than a few */
#define BT_MAX_MARKS 30

#endif

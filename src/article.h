/* article.h - the article model shared by every parser and back end.
 *
 * An article is plain data: metadata strings and an ordered array of blocks. Parsers fill it,
 * back ends read it; neither side sees the other's libraries. All strings are NFC UTF-8 with
 * white space collapsed, owned by the article and freed by bt_article_free(). */
#ifndef BT_ARTICLE_H
#define BT_ARTICLE_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"

typedef enum {
    BT_BLOCK_PARAGRAPH,
    BT_BLOCK_HEADING,
    BT_BLOCK_CAPTION,
    BT_BLOCK_IMAGE,
    BT_BLOCK_QUOTE,
    BT_BLOCK_LIST_ITEM,
    BT_BLOCK_BOX /* one line of a box set apart from the text (fact box, key points) at the top
                  * of the body; consecutive box blocks are one box; level 1: the box's title */
} bt_block_type;

/* An image's bytes, already loaded and checked (never a remote or escaping path). */
typedef struct {
    unsigned char *data; /* owned */
    size_t len;
    char *mime;          /* "image/jpeg" or "image/png" (others are converted or dropped) */
    int width, height;   /* pixels, 0 if unknown */
    char *name;          /* file name hint for packaging, e.g. "photo.jpg" (owned) */
} bt_image;

typedef struct {
    bt_block_type type;
    char *text;      /* the block's text; for images the alt text ("" if none) */
    int level;       /* headings: 2..6; list items: 1 = ordered, 0 = bulleted; box: 1 = title */
    bt_image *image; /* images only; NULL if the image could not be loaded */
} bt_block;

typedef struct {
    char *title;      /* never NULL after a successful parse */
    char *category;   /* NULL if unknown */
    char *author;
    char *lead;       /* standfirst / sapo */
    char *source_url;
    char *language;   /* BCP 47, "vi" by default */
    bt_date published;

    bt_block *blocks;
    size_t nblocks, cap;

    char *source_path; /* the file it came from ("-" for stdin), may be NULL */

    /* Non-fatal problems met while parsing (invalid UTF-8 repaired, image refused, ...),
     * for the caller to report. */
    char **warnings;
    size_t nwarnings;
    int truncated; /* set when a limit cut the article short */
    int64_t image_pixels; /* pixels its images decoded so far (BT_MAX_ARTICLE_PIXELS, image.c) */
} bt_article;

bt_article *bt_article_new(void);
void bt_article_free(bt_article *a);

/* Append a block; text is copied and cleaned (NFC, white space). Empty text is skipped for all
 * but images (returns NULL then). The returned pointer is valid until the next append. */
bt_block *bt_article_add(bt_article *a, bt_block_type type, const char *text);
/* The same for text already cleaned by bt_text_clean (not cleaned twice); the article takes
 * clean over (it is freed when the block is not added). */
bt_block *bt_article_add_clean(bt_article *a, bt_block_type type, char *clean);
/* Replace *field with a cleaned copy of s (NULL or empty clears it). */
void bt_article_set(char **field, const char *s);
/* Record a warning (printf-style). */
void bt_article_warn(bt_article *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void bt_image_free(bt_image *img);

const char *bt_block_type_name(bt_block_type t);

/* The article as JSON (the `bantin parse --json` schema). Heap string. */
char *bt_article_to_json(const bt_article *a, int pretty);

#endif

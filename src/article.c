/* article.c - the article model: construction, JSON. */
#include "article.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bt_limits.h"
#include "text.h"
#include "util.h"

bt_article *bt_article_new(void)
{
    bt_article *a = bt_xcalloc(1, sizeof *a);
    a->language = bt_xstrdup("vi");
    return a;
}

void bt_image_free(bt_image *img)
{
    if (!img) return;
    free(img->data);
    free(img->mime);
    free(img->name);
    free(img);
}

void bt_article_free(bt_article *a)
{
    if (!a) return;
    free(a->title);
    free(a->category);
    free(a->author);
    free(a->lead);
    free(a->source_url);
    free(a->language);
    free(a->source_path);
    for (size_t i = 0; i < a->nblocks; i++) {
        free(a->blocks[i].text);
        bt_image_free(a->blocks[i].image);
    }
    free(a->blocks);
    for (size_t i = 0; i < a->nwarnings; i++) free(a->warnings[i]);
    free(a->warnings);
    free(a);
}

bt_block *bt_article_add(bt_article *a, bt_block_type type, const char *text)
{
    return bt_article_add_clean(a, type, bt_text_clean(text ? text : "", text ? strlen(text) : 0));
}

bt_block *bt_article_add_clean(bt_article *a, bt_block_type type, char *clean)
{
    if (!*clean && type != BT_BLOCK_IMAGE) {
        free(clean);
        return NULL;
    }
    if (a->nblocks >= BT_MAX_BLOCKS) {
        free(clean);
        if (!a->truncated) bt_article_warn(a, "more than %d blocks: the rest is left out", BT_MAX_BLOCKS);
        a->truncated = 1;
        return NULL;
    }
    if (a->nblocks == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->blocks = bt_xrealloc(a->blocks, a->cap * sizeof *a->blocks);
    }
    bt_block *b = &a->blocks[a->nblocks++];
    memset(b, 0, sizeof *b);
    b->type = type;
    b->text = clean;
    return b;
}

void bt_article_set(char **field, const char *s)
{
    free(*field);
    *field = NULL;
    if (!s) return;
    char *clean = bt_text_clean(s, strlen(s));
    if (*clean) *field = clean;
    else free(clean);
}

void bt_article_warn(bt_article *a, const char *fmt, ...)
{
    if (a->nwarnings >= 1000) return; /* hostile input must not grow this without bound */
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    a->warnings = bt_xrealloc(a->warnings, (a->nwarnings + 1) * sizeof *a->warnings);
    a->warnings[a->nwarnings++] = bt_xstrdup(buf);
}

const char *bt_block_type_name(bt_block_type t)
{
    switch (t) {
    case BT_BLOCK_PARAGRAPH: return "paragraph";
    case BT_BLOCK_HEADING: return "heading";
    case BT_BLOCK_CAPTION: return "caption";
    case BT_BLOCK_IMAGE: return "image";
    case BT_BLOCK_QUOTE: return "quote";
    case BT_BLOCK_LIST_ITEM: return "list_item";
    case BT_BLOCK_BOX: return "box";
    }
    return "paragraph";
}

/* ---- JSON ---- */

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

char *bt_article_to_json(const bt_article *a, int pretty)
{
    json_t *o = json_object();
    char iso[32];
    bt_date_iso(&a->published, iso);
    json_object_set_new(o, "title", jstr(a->title ? a->title : ""));
    json_object_set_new(o, "published", iso[0] ? json_string(iso) : json_null());
    json_object_set_new(o, "category", jstr(a->category));
    json_object_set_new(o, "author", jstr(a->author));
    json_object_set_new(o, "lead", jstr(a->lead));
    json_object_set_new(o, "source_url", jstr(a->source_url));
    json_object_set_new(o, "language", jstr(a->language ? a->language : "vi"));
    json_t *blocks = json_array();
    for (size_t i = 0; i < a->nblocks; i++) {
        const bt_block *b = &a->blocks[i];
        json_t *jb = json_object();
        json_object_set_new(jb, "type", json_string(bt_block_type_name(b->type)));
        json_object_set_new(jb, "text", json_string(b->text ? b->text : ""));
        if (b->type == BT_BLOCK_HEADING) json_object_set_new(jb, "level", json_integer(b->level));
        if (b->type == BT_BLOCK_LIST_ITEM) json_object_set_new(jb, "ordered", json_boolean(b->level));
        if (b->type == BT_BLOCK_BOX && b->level) json_object_set_new(jb, "title", json_true());
        if (b->type == BT_BLOCK_IMAGE && b->image) {
            json_object_set_new(jb, "mime", jstr(b->image->mime));
            json_object_set_new(jb, "width", json_integer(b->image->width));
            json_object_set_new(jb, "height", json_integer(b->image->height));
            json_object_set_new(jb, "bytes", json_integer((json_int_t)b->image->len));
            if (b->image->name) json_object_set_new(jb, "name", json_string(b->image->name));
        }
        json_array_append_new(blocks, jb);
    }
    json_object_set_new(o, "blocks", blocks);
    size_t flags = JSON_PRESERVE_ORDER | (pretty ? JSON_INDENT(2) : JSON_COMPACT);
    char *s = json_dumps(o, flags);
    json_decref(o);
    if (!s) return bt_xstrdup("{}");
    char *r = bt_xstrdup(s);
    free(s);
    return r;
}

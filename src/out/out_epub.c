/* out_epub.c - articles -> EPUB 3 (with an EPUB 2 NCX) in memory.
 *
 * Every XML file (container.xml, OPF, NCX, nav and the XHTML pages) is written with libxml2's
 * xmlTextWriter, which escapes all text and attribute values (epub_xw.c). The container is built
 * with libzip in memory (epub_zip.c): `mimetype` first, stored, from a buffer of known size (so
 * no Zip64 extra field), then the other entries in a fixed order with fixed times and
 * attributes, so that the same input and the same SOURCE_DATE_EPOCH give the same bytes. The
 * fonts (the template's, or --font-dir's) are subset through font.h (HarfBuzz) to the
 * characters the book uses.
 *
 * This file orders the articles, writes the pages, fonts and stylesheet and runs the whole; the
 * package files are epub_pkg.c's. It never prints; problems are returned in bt_err. */
#include "epub_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "font.h"
#include "hash.h"
#include "image.h"
#include "text.h"

#define EPUB_MAX_IMAGE ((size_t)20 * 1024 * 1024)

/* ---------------------------------------------------------------------------------------------
 * Labels (Vietnamese for a Vietnamese book, English otherwise). */

static const epub_labels epub_vi = {"Mục lục", "bài", "Chưa phân loại", "Không rõ ngày",
                                          "Nguồn", "Bìa", "Không rõ tác giả", "Bản tin",
                                          "Bắt đầu đọc"};
static const epub_labels epub_en = {"Contents", "articles", "Uncategorized", "Undated",
                                          "Source", "Cover", "Unknown author", "News digest",
                                          "Start reading"};

/* ---------------------------------------------------------------------------------------------
 * The package being built: a list of files in their final order (types in epub_int.h). */

static epub_file *epub_files_add(epub_files *fs, const char *name, const char *id,
                                       const char *mime, unsigned char *data, size_t len)
{
    epub_file *f;
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 64;
        fs->f = bt_xrealloc(fs->f, fs->cap * sizeof *fs->f);
    }
    f = &fs->f[fs->n++];
    memset(f, 0, sizeof *f);
    f->name = bt_xstrdup(name);
    f->id = id ? bt_xstrdup(id) : NULL;
    f->mime = mime;
    f->data = data;
    f->len = len;
    return f;
}

static void epub_files_free(epub_files *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->f[i].name);
        free(fs->f[i].id);
        free(fs->f[i].props);
        free(fs->f[i].data);
    }
    free(fs->f);
    fs->f = NULL;
    fs->n = fs->cap = 0;
}

/* ---------------------------------------------------------------------------------------------
 * Ordering and grouping. */

static int epub_cmp(const void *pa, const void *pb)
{
    const epub_item *a = pa, *b = pb;
    int c = 0;
    if (a->sort == BT_SORT_DATE) {
        c = (a->when > b->when) - (a->when < b->when);
    } else if (a->sort == BT_SORT_TITLE) {
        c = strcmp(a->title_key, b->title_key);
        if (c == 0) c = strcmp(a->a->title, b->a->title);
    }
    if (c == 0) c = (a->input > b->input) - (a->input < b->input);
    return c;
}

static int epub_cmp_group(const void *pa, const void *pb)
{
    const epub_item *a = pa, *b = pb;
    if (a->group != b->group) return a->group < b->group ? -1 : 1;
    return (a->pos > b->pos) - (a->pos < b->pos);
}

/* A date without its time, shown as "Thứ Bảy, 27/05/2023" (vi) or "2023-05-27". */
static char *epub_day_label(const bt_date *d, int vi)
{
    bt_date day = *d;
    char iso[32];
    if (!bt_date_valid(d)) return bt_xstrdup("");
    day.has_time = 0;
    day.hour = day.minute = day.second = 0;
    if (vi) return bt_date_vi(&day);
    bt_date_iso(&day, iso);
    return bt_xstrdup(iso);
}

static char *epub_short_date(const bt_date *d, int vi)
{
    if (!bt_date_valid(d)) return bt_xstrdup("");
    if (vi) return bt_xasprintf("%02d/%02d/%04d", d->day, d->month, d->year);
    return bt_xasprintf("%04d-%02d-%02d", d->year, d->month, d->day);
}

/* ---------------------------------------------------------------------------------------------
 * The book (the type book in epub_int.h). */

static void book_free(book *b)
{
    for (size_t i = 0; b->items && i < b->n; i++) {
        free(b->items[i].title_key);
        free(b->items[i].group_key);
        free(b->items[i].group_label);
        free(b->items[i].date_label);
        free(b->items[i].file);
        free(b->items[i].id);
    }
    free(b->items);
    for (size_t i = 0; i < b->ngroups; i++) {
        free(b->groups[i].key);
        free(b->groups[i].label);
    }
    free(b->groups);
    free(b->lang);
    free(b->title);
    free(b->date_range);
    free(b->cover_name);
    free(b->css);
    bt_template_free(b->owned_tpl);
    free(b->cps);
    epub_files_free(&b->files);
    epub_files_free(&b->fonts);
}

/* Queue the files and fonts added since the last call for deflating (stored ones excepted). */
static void book_queue(book *b)
{
    for (; b->queued < b->files.n; b->queued++) {
        epub_file *f = &b->files.f[b->queued];
        if (!f->store) f->z = zpack_push(&b->pack, f->data, f->len, EPUB_DEFLATE_LEVEL);
    }
    for (; b->fonts_queued < b->fonts.n; b->fonts_queued++) {
        epub_file *f = &b->fonts.f[b->fonts_queued];
        f->z = zpack_push(&b->pack, f->data, f->len, EPUB_FONT_DEFLATE_LEVEL);
    }
}

static void book_order(book *b, bt_article **arts)
{
    b->items = bt_xcalloc(b->n, sizeof *b->items);
    for (size_t i = 0; i < b->n; i++) {
        epub_item *it = &b->items[i];
        const bt_article *a = arts[i];
        it->a = a;
        it->input = i;
        it->sort = b->o->sort;
        it->when = bt_date_valid(&a->published) ? bt_date_epoch(&a->published) : INT64_MAX;
        if (it->when < 0 && !bt_date_valid(&a->published)) it->when = INT64_MAX;
        it->title_key = b->o->sort == BT_SORT_TITLE ? bt_fold_ascii(a->title ? a->title : "")
                                                    : bt_xstrdup("");
        it->date_label = epub_short_date(&a->published, b->vi);
        if (b->o->group == BT_GROUP_CATEGORY) {
            if (a->category && *a->category) {
                it->group_key = bt_fold_ascii(a->category);
                it->group_label = bt_xstrdup(a->category);
            } else {
                it->group_key = bt_xstrdup("\x01");
                it->group_label = bt_xstrdup(b->L->uncategorized);
            }
        } else if (b->o->group == BT_GROUP_DATE) {
            if (bt_date_valid(&a->published)) {
                it->group_key = bt_xasprintf("%04d-%02d-%02d", a->published.year,
                                             a->published.month, a->published.day);
                it->group_label = epub_day_label(&a->published, b->vi);
            } else {
                it->group_key = bt_xstrdup("\x01");
                it->group_label = bt_xstrdup(b->L->undated);
            }
        } else {
            it->group_key = bt_xstrdup("");
            it->group_label = bt_xstrdup("");
        }
    }
    qsort(b->items, b->n, sizeof *b->items, epub_cmp);

    /* Groups: by category in order of first appearance, by date in calendar order (undated
     * last). The articles of a group stay together in the chosen order, so the reading order
     * follows the table of contents. */
    b->groups = bt_xcalloc(b->n, sizeof *b->groups);
    {
        epub_group **byname = bt_xcalloc(b->n, sizeof *byname);
        for (size_t i = 0; i < b->n; i++) {
            size_t g;
            for (g = 0; g < b->ngroups; g++) /* few groups: a linear search is fine */
                if (strcmp(b->groups[g].key, b->items[i].group_key) == 0) break;
            if (g == b->ngroups) {
                b->groups[g].key = bt_xstrdup(b->items[i].group_key);
                b->groups[g].label = bt_xstrdup(b->items[i].group_label);
                b->ngroups++;
            }
            b->items[i].group = g;
            b->groups[g].count++;
        }
        if (b->o->group == BT_GROUP_DATE) {
            /* Rank groups by key ("YYYY-MM-DD"; "\x01" = undated goes last). */
            size_t *rank = bt_xcalloc(b->ngroups, sizeof *rank);
            for (size_t g = 0; g < b->ngroups; g++) {
                const char *kg = b->groups[g].key;
                for (size_t h = 0; h < b->ngroups; h++) {
                    const char *kh = b->groups[h].key;
                    int c = (kh[0] == 1) - (kg[0] == 1);
                    if (c == 0) c = strcmp(kh, kg);
                    if (c < 0) rank[g]++;
                }
            }
            for (size_t i = 0; i < b->n; i++) b->items[i].group = rank[b->items[i].group];
            for (size_t g = 0; g < b->ngroups; g++) byname[rank[g]] = &b->groups[g];
            {
                epub_group *re = bt_xcalloc(b->n, sizeof *re);
                for (size_t g = 0; g < b->ngroups; g++) re[g] = *byname[g];
                free(b->groups);
                b->groups = re;
            }
            free(rank);
        }
        free(byname);
    }
    for (size_t i = 0; i < b->n; i++) b->items[i].pos = i;
    qsort(b->items, b->n, sizeof *b->items, epub_cmp_group);
    for (size_t i = 0, g = (size_t)-1; i < b->n; i++)
        if (b->items[i].group != g) {
            g = b->items[i].group;
            b->groups[g].first = i;
        }
    for (size_t i = 0; i < b->n; i++) {
        b->items[i].id = bt_xasprintf("a%04zu", i + 1);
        b->items[i].file = bt_xasprintf("a%04zu.xhtml", i + 1);
    }
    b->two_level = b->digest && b->o->group != BT_GROUP_NONE;
}

/* Book-level metadata: language, title, dates. */
static void book_meta(book *b)
{
    const bt_article *first = b->n ? b->items[0].a : NULL;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    const bt_date *dlo = NULL, *dhi = NULL;
    time_t now;
    struct tm tm;

    for (size_t i = 0; i < b->n; i++) {
        const bt_date *d = &b->items[i].a->published;
        if (!bt_date_valid(d)) continue;
        int64_t t = bt_date_epoch(d);
        if (t < lo) { lo = t; dlo = d; }
        if (t > hi) { hi = t; dhi = d; }
    }
    if (dlo && dhi) {
        char *s1 = epub_short_date(dlo, b->vi), *s2 = epub_short_date(dhi, b->vi);
        if (strcmp(s1, s2) == 0) b->date_range = bt_xstrdup(s1);
        else b->date_range = bt_xasprintf("%s – %s", s1, s2);
        free(s1);
        free(s2);
        snprintf(b->date, sizeof b->date, "%04d-%02d-%02d", dhi->year, dhi->month, dhi->day);
    } else {
        b->date_range = bt_xstrdup("");
    }

    now = b->o->epoch >= 0 ? (time_t)b->o->epoch : time(NULL);
    gmtime_r(&now, &tm);
    strftime(b->modified, sizeof b->modified, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!b->date[0]) strftime(b->date, sizeof b->date, "%Y-%m-%d", &tm);

    if (b->o->title && *b->o->title) {
        b->title = epub_xml_clean(b->o->title);
    } else if (!b->digest && first && first->title) {
        b->title = epub_xml_clean(first->title);
    } else if (*b->date_range) {
        b->title = bt_xasprintf("%s %s", b->L->digest, b->date_range);
    } else {
        b->title = bt_xstrdup(b->L->digest);
    }
    if (!*b->title) {
        free(b->title);
        b->title = bt_xstrdup(b->L->digest);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Pages. */

static bt_status epub_add_image(book *b, const bt_image *img, const char *stem, size_t k,
                                   char **href)
{
    const char *mime, *ext;
    char *name;
    epub_file *f;
    unsigned char *copy;
    *href = NULL;
    if (!img || !img->data || img->len == 0 || img->len > EPUB_MAX_IMAGE) return BT_OK;
    if (bt_image_is_jpeg(img->data, img->len)) { mime = "image/jpeg"; ext = "jpg"; }
    else if (bt_image_is_png(img->data, img->len)) { mime = "image/png"; ext = "png"; }
    else return BT_OK; /* not a core media type: leave it out */
    name = bt_xasprintf("images/%s-%02zu.%s", stem, k, ext);
    copy = bt_xmalloc(img->len);
    memcpy(copy, img->data, img->len);
    {
        char *id = bt_xasprintf("img-%s-%02zu", stem, k);
        f = epub_files_add(&b->files, name, id, mime, copy, img->len);
        free(id);
    }
    f->store = 1; /* already compressed */
    *href = name;
    return BT_OK;
}

static bt_status epub_article_page(book *b, const epub_item *it, bt_err *e)
{
    const bt_article *a = it->a;
    const char *lang = bt_lang_valid(a->language) ? a->language : b->lang;
    const char *title = a->title && *a->title ? a->title : "—";
    xw x;
    unsigned char *data = NULL;
    size_t len = 0, nimg = 0;
    char iso[32];

    if (xw_open(&x, b->cps) < 0) return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    xw_xhtml_head(&x, lang, title, "article");
    xw_start(&x, "article");
    xw_attr(&x, "id", it->id);
    xw_nl(&x);
    xw_start(&x, "header");
    if (a->category && *a->category) xw_elem(&x, "p", "category", a->category);
    xw_elem(&x, "h1", NULL, title);
    bt_date_iso(&a->published, iso);
    if (iso[0]) {
        char *shown = bt_date_vi(&a->published);
        xw_start(&x, "p");
        xw_attr(&x, "class", "dateline");
        xw_start(&x, "time");
        xw_attr(&x, "datetime", iso);
        xw_text(&x, b->vi && shown && *shown ? shown : iso);
        xw_fend(&x);
        xw_fend(&x);
        free(shown);
    }
    xw_fend(&x); /* header */
    xw_nl(&x);
    if (a->lead && *a->lead) {
        xw_elem(&x, "p", "lead", a->lead);
        xw_nl(&x);
    }

    for (size_t i = 0; i < a->nblocks && !x.failed; i++) {
        const bt_block *bl = &a->blocks[i];
        switch (bl->type) {
        case BT_BLOCK_PARAGRAPH:
            xw_elem(&x, "p", NULL, bl->text);
            break;
        case BT_BLOCK_HEADING: {
            char h[3] = {'h', '2', 0};
            int lv = bl->level < 2 ? 2 : bl->level > 6 ? 6 : bl->level;
            h[1] = (char)('0' + lv);
            xw_elem(&x, h, NULL, bl->text);
            break;
        }
        case BT_BLOCK_CAPTION:
            xw_elem(&x, "p", "caption", bl->text);
            break;
        case BT_BLOCK_QUOTE:
            xw_start(&x, "blockquote");
            xw_elem(&x, "p", NULL, bl->text);
            xw_fend(&x);
            break;
        case BT_BLOCK_BOX: /* consecutive box lines: one <aside class="box"> */
            xw_start(&x, "aside");
            xw_attr(&x, "class", "box");
            for (; i < a->nblocks && a->blocks[i].type == BT_BLOCK_BOX; i++)
                xw_elem(&x, "p", a->blocks[i].level ? "box-title" : NULL, a->blocks[i].text);
            i--;
            xw_fend(&x);
            break;
        case BT_BLOCK_LIST_ITEM: {
            int ordered = bl->level == 1;
            xw_start(&x, ordered ? "ol" : "ul");
            xw_nl(&x);
            while (i < a->nblocks && a->blocks[i].type == BT_BLOCK_LIST_ITEM &&
                   (a->blocks[i].level == 1) == ordered) {
                xw_elem(&x, "li", NULL, a->blocks[i].text);
                xw_nl(&x);
                i++;
            }
            i--;
            xw_fend(&x);
            break;
        }
        case BT_BLOCK_IMAGE: {
            char *href = NULL;
            const bt_block *cap = (i + 1 < a->nblocks && a->blocks[i + 1].type == BT_BLOCK_CAPTION)
                                      ? &a->blocks[i + 1] : NULL;
            epub_add_image(b, bl->image, it->id, ++nimg, &href);
            if (!href) break; /* not available: left out (a caption after it stays a caption) */
            xw_start(&x, "figure");
            xw_start(&x, "img");
            xw_attr(&x, "src", href);
            xw_attr(&x, "alt", bl->text ? bl->text : "");
            if (bl->image->width > 0 && bl->image->height > 0) {
                char num[24];
                snprintf(num, sizeof num, "%d", bl->image->width);
                xw_attr(&x, "width", num);
                snprintf(num, sizeof num, "%d", bl->image->height);
                xw_attr(&x, "height", num);
            }
            xw_end(&x);
            if (cap) {
                xw_elem(&x, "figcaption", NULL, cap->text);
                i++;
            }
            xw_fend(&x);
            free(href);
            break;
        }
        }
        xw_nl(&x);
    }

    if ((a->author && *a->author) || (a->source_url && *a->source_url)) {
        xw_start(&x, "footer");
        if (a->author && *a->author) xw_elem(&x, "p", "author", a->author);
        if (a->source_url && *a->source_url) {
            /* Shown as text, not as a link: the address comes from the input. */
            xw_start(&x, "p");
            xw_attr(&x, "class", "source");
            xw_text(&x, b->L->source);
            xw_text(&x, ": ");
            xw_elem(&x, "span", "url", a->source_url);
            xw_fend(&x);
        }
        xw_fend(&x);
        xw_nl(&x);
    }
    xw_fend(&x); /* article */
    xw_nl(&x);
    xw_xhtml_tail(&x);
    if (xw_close(&x, &data, &len) < 0)
        return bt_err_set(e, BT_EOTHER, "cannot write the page of \"%s\"", title);
    epub_files_add(&b->files, it->file, it->id, "application/xhtml+xml", data, len);
    return BT_OK;
}

static bt_status epub_title_page(book *b, bt_err *e)
{
    xw x;
    unsigned char *data = NULL;
    size_t len = 0;
    char count[64];

    if (xw_open(&x, b->cps) < 0) return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    xw_xhtml_head(&x, b->lang, b->title, "titlepage");
    xw_start(&x, "section");
    xw_attr(&x, "epub:type", "titlepage");
    xw_attr(&x, "class", "titlepage");
    xw_nl(&x);
    xw_elem(&x, "h1", "book-title", b->title);
    xw_nl(&x);
    if (*b->date_range) {
        xw_elem(&x, "p", "date-range", b->date_range);
        xw_nl(&x);
    }
    snprintf(count, sizeof count, "%zu %s", b->n, b->L->articles);
    xw_elem(&x, "p", "count", count);
    xw_nl(&x);
    if (b->o->author && *b->o->author) {
        xw_elem(&x, "p", "author", b->o->author);
        xw_nl(&x);
    }
    if (b->o->publisher && *b->o->publisher) {
        xw_elem(&x, "p", "publisher", b->o->publisher);
        xw_nl(&x);
    }
    {
        /* Categories in order of first appearance, with their article counts. */
        size_t ncat = 0;
        const char **cats = bt_xcalloc(b->n + 1, sizeof *cats);
        size_t *cnt = bt_xcalloc(b->n + 1, sizeof *cnt);
        for (size_t i = 0; i < b->n; i++) {
            const char *c = b->items[i].a->category;
            size_t k;
            if (!c || !*c) continue;
            for (k = 0; k < ncat; k++)
                if (strcmp(cats[k], c) == 0) break;
            if (k == ncat) cats[ncat++] = c;
            cnt[k]++;
        }
        if (ncat) {
            xw_start(&x, "ul");
            xw_attr(&x, "class", "categories");
            xw_nl(&x);
            for (size_t k = 0; k < ncat; k++) {
                char num[32];
                snprintf(num, sizeof num, " (%zu)", cnt[k]);
                xw_start(&x, "li");
                xw_text(&x, cats[k]);
                xw_text(&x, num);
                xw_fend(&x);
                xw_nl(&x);
            }
            xw_fend(&x);
            xw_nl(&x);
        }
        free(cats);
        free(cnt);
    }
    xw_fend(&x); /* section */
    xw_nl(&x);
    xw_xhtml_tail(&x);
    if (xw_close(&x, &data, &len) < 0)
        return bt_err_set(e, BT_EOTHER, "cannot write the title page");
    epub_files_add(&b->files, "title.xhtml", "titlepage", "application/xhtml+xml", data, len);
    return BT_OK;
}

static bt_status epub_cover(book *b, bt_err *e)
{
    char *raw = NULL;
    size_t rlen = 0;
    const char *mime, *name;
    bt_status st;
    epub_file *f;
    xw x;
    unsigned char *data = NULL;
    size_t len = 0;

    st = bt_read_file(b->o->cover_path, EPUB_MAX_IMAGE, &raw, &rlen, e);
    if (st != BT_OK) return st;
    if (bt_image_is_jpeg((unsigned char *)raw, rlen)) { mime = "image/jpeg"; name = "images/cover.jpg"; }
    else if (bt_image_is_png((unsigned char *)raw, rlen)) { mime = "image/png"; name = "images/cover.png"; }
    else {
        free(raw);
        return bt_err_set(e, BT_EUSAGE, "%s: the cover is not a JPEG or PNG image", b->o->cover_path);
    }
    if (xw_open(&x, b->cps) < 0) {
        free(raw);
        return bt_err_set(e, BT_ENOMEM, "cannot create XML writer");
    }
    xw_xhtml_head(&x, b->lang, b->title, "cover");
    xw_start(&x, "section");
    xw_attr(&x, "epub:type", "cover");
    xw_attr(&x, "class", "cover");
    xw_start(&x, "img");
    xw_attr(&x, "src", name);
    xw_attr(&x, "alt", b->title);
    xw_end(&x);
    xw_fend(&x);
    xw_nl(&x);
    xw_xhtml_tail(&x);
    if (xw_close(&x, &data, &len) < 0) {
        free(raw);
        return bt_err_set(e, BT_EOTHER, "cannot write the cover page");
    }
    epub_files_add(&b->files, "cover.xhtml", "cover", "application/xhtml+xml", data, len);
    f = epub_files_add(&b->files, name, "cover-image", mime, (unsigned char *)raw, rlen);
    f->props = bt_xstrdup("cover-image");
    f->store = 1;
    b->cover_name = bt_xstrdup(name);
    return BT_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Fonts and stylesheet. */

/* The faces a book embeds: a reader synthesises bold italic well enough, and the text uses
 * no bold italic of its own. */
static const struct {
    bt_face face;
    const char *weight, *style;
} epub_faces[] = {
    {BT_FACE_REGULAR, "normal", "normal"},
    {BT_FACE_BOLD, "bold", "normal"},
    {BT_FACE_ITALIC, "normal", "italic"},
};

/* The code points of the book, ascending (heap array). */
static uint32_t *epub_cps(const uint64_t *set, size_t *n)
{
    size_t k = 0;
    for (size_t w = 0; w < CPSET_WORDS; w++) k += (size_t)__builtin_popcountll(set[w]);
    uint32_t *v = bt_xmalloc((k ? k : 1) * sizeof *v);
    *n = k;
    k = 0;
    for (size_t w = 0; w < CPSET_WORDS; w++)
        for (uint64_t bits = set[w]; bits; bits &= bits - 1)
            v[k++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
    return v;
}

/* The family name a font folder gives its faces' files: "Lora-Regular.ttf" -> "Lora". */
static char *epub_family_of(const char *path)
{
    char *base = bt_path_basename(path);
    char *dash = strrchr(base, '-');
    char *dot = strrchr(base, '.');
    if (dash && dash != base) *dash = '\0';
    else if (dot && dot != base) *dot = '\0';
    return base;
}

/* The fonts (the template's family, or --font-dir's), subset to the book's characters through
 * font.h, each with an @font-face rule; then the template's stylesheet. */
static bt_status epub_fonts_and_css(book *b, bt_err *e)
{
    bt_buf css = {0};
    bt_status st = BT_OK;
    const bt_template *t = b->tpl;
    char *family = NULL;

    if (!b->o->no_fonts) {
        const char *fdir = b->o->font_dir ? b->o->font_dir : t->font_dir;
        bt_fontset *fs = NULL;
        /* the process-wide set: a batch of books (archive digests) parses the faces once, and
         * HarfBuzz keeps what it learnt of their tables for the next subset */
        st = bt_fontset_acquire(fdir, &fs, e);
        if (st != BT_OK) return st;
        /* the family name the stylesheet uses: the template's for its own fonts, else the
         * name of the files */
        family = b->o->font_dir ? epub_family_of(bt_font_path(fs, BT_FACE_REGULAR)) : bt_xstrdup(t->font_family);
        for (uint32_t c = 0x20; c < 0x7F; c++) cpset_add(b->cps, c);
        size_t ncp = 0;
        uint32_t *cps = epub_cps(b->cps, &ncp);
        for (size_t i = 0; st == BT_OK && i < sizeof epub_faces / sizeof epub_faces[0]; i++) {
            bt_face f = epub_faces[i].face;
            if (bt_font_resolve(fs, f) != f) continue; /* the family has no such face */
            unsigned char *data = NULL;
            size_t len = 0;
            st = bt_font_subset_mem(fs, f, cps, ncp, &data, &len, e);
            if (st != BT_OK) break;
            char *file = bt_path_basename(bt_font_path(fs, f));
            char *name = bt_xasprintf("fonts/%s", file);
            char *id = bt_xasprintf("font%zu", i + 1);
            epub_files_add(&b->fonts, name, id, "application/font-sfnt", data, len);
            book_queue(b); /* deflated while the next face is subset */
            free(name);
            free(id);
            bt_buf_printf(&css,
                          "@font-face {\n  font-family: \"%s\";\n  font-weight: %s;\n"
                          "  font-style: %s;\n  src: url(\"fonts/%s\");\n}\n",
                          family, epub_faces[i].weight, epub_faces[i].style, file);
            free(file);
        }
        free(cps);
        bt_fontset_release(fs);
        if (st != BT_OK) {
            free(family);
            bt_buf_free(&css);
            return st;
        }
        bt_buf_adds(&css, "\n");
    }
    bt_buf_add(&css, t->epub_css, t->epub_css_len);
    if (family) {
        /* a stylesheet written for another family: the book's fonts for the text anyway */
        char *quoted = bt_xasprintf("\"%s\"", family);
        if (!strstr(t->epub_css, quoted))
            bt_buf_printf(&css, "\nbody { font-family: \"%s\", serif; }\n", family);
        free(quoted);
        free(family);
    }
    b->css = (unsigned char *)bt_buf_detach(&css, &b->css_len);
    return BT_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Identifier: SHA-256 of the book's content, as an RFC 4122 version-5-style UUID. */

static bt_status epub_identifier(book *b, bt_err *e)
{
    bt_sha256_ctx *h = bt_sha256_new();
    unsigned char md[BT_SHA256_LEN];
    if (!h) return bt_err_set(e, BT_ENOMEM, "cannot create a hash context");
    bt_sha256_update(h, "bantin-epub-1", 14);
    bt_sha256_update(h, b->title, strlen(b->title) + 1);
    bt_sha256_update(h, b->lang, strlen(b->lang) + 1);
    for (size_t i = 0; i < b->files.n; i++) {
        const epub_file *f = &b->files.f[i];
        bt_sha256_update(h, f->name, strlen(f->name) + 1);
        bt_sha256_update(h, f->data, f->len);
    }
    bt_sha256_final(h, md);
    bt_sha256_free(h);
    md[6] = (unsigned char)((md[6] & 0x0F) | 0x50);
    md[8] = (unsigned char)((md[8] & 0x3F) | 0x80);
    snprintf(b->uuid, sizeof b->uuid,
             "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", md[0],
             md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12],
             md[13], md[14], md[15]);
    return BT_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Entry point. */

bt_status bt_epub_render(bt_article **arts, size_t n, const bt_epub_opts *o, unsigned char **out,
                         size_t *len, bt_err *e)
{
    book b;
    bt_status st = BT_OK;
    unsigned char *container = NULL, *opf = NULL, *nav = NULL, *ncx = NULL;
    size_t clen = 0, olen = 0, nlen = 0, xlen = 0;

    if (!out || !len || !o) return bt_err_set(e, BT_EUSAGE, "bt_epub_render: bad arguments");
    *out = NULL;
    *len = 0;
    if (n == 0 || !arts) return bt_err_set(e, BT_EEMPTY, "no articles to package");
    for (size_t i = 0; i < n; i++)
        if (!arts[i]) return bt_err_set(e, BT_EUSAGE, "bt_epub_render: NULL article");

    memset(&b, 0, sizeof b);
    b.o = o;
    b.n = n;
    b.digest = n > 1;
    if (o->lang && bt_lang_valid(o->lang)) b.lang = bt_xstrdup(o->lang);
    else if (bt_lang_valid(arts[0]->language)) b.lang = bt_xstrdup(arts[0]->language);
    else b.lang = bt_xstrdup("vi");
    b.vi = strncmp(b.lang, "vi", 2) == 0 && (b.lang[2] == 0 || b.lang[2] == '-');
    b.L = b.vi ? &epub_vi : &epub_en;
    b.cps = cpset_new();

    b.tpl = o->tpl;
    if (!b.tpl) {
        st = bt_template_load(NULL, &b.owned_tpl, e);
        if (st != BT_OK) {
            book_free(&b);
            return st;
        }
        b.tpl = b.owned_tpl;
    }
    book_order(&b, arts);
    book_meta(&b);

    /* each file is queued for deflating as soon as it is complete (zpack) */
    epub_zjobs zj = {0};
    zpack_init(&b.pack, o->threads);
    if (o->cover_path && *o->cover_path) st = epub_cover(&b, e);
    if (st == BT_OK && b.digest) st = epub_title_page(&b, e);
    book_queue(&b);
    for (size_t i = 0; st == BT_OK && i < b.n; i++) {
        st = epub_article_page(&b, &b.items[i], e);
        book_queue(&b);
    }
    /* the fonts (the largest entries) as early as they can be, after the last displayed text
     * (the navigation page), so that they are deflated while the identifier is hashed and the
     * NCX and OPF written; neither the fonts nor the identifier depend on the other */
    if (st == BT_OK) st = epub_nav(&b, &nav, &nlen, e);
    if (st == BT_OK) zj.nav = zpack_push(&b.pack, nav, nlen, EPUB_DEFLATE_LEVEL);
    if (st == BT_OK) st = epub_fonts_and_css(&b, e);
    if (st == BT_OK) {
        book_queue(&b);
        zj.css = zpack_push(&b.pack, b.css, b.css_len, EPUB_DEFLATE_LEVEL);
        st = epub_identifier(&b, e);
    }
    if (st == BT_OK) st = epub_ncx(&b, &ncx, &xlen, e);
    if (st == BT_OK) zj.ncx = zpack_push(&b.pack, ncx, xlen, EPUB_DEFLATE_LEVEL);
    if (st == BT_OK) st = epub_opf(&b, &opf, &olen, e);
    if (st == BT_OK) zj.opf = zpack_push(&b.pack, opf, olen, EPUB_DEFLATE_LEVEL);
    if (st == BT_OK) st = epub_container(&container, &clen, e);
    if (st == BT_OK) zj.container = zpack_push(&b.pack, container, clen, EPUB_DEFLATE_LEVEL);
    zpack_finish(&b.pack, st != BT_OK);
    if (st == BT_OK)
        st = epub_zip(&b, container, clen, opf, olen, nav, nlen, ncx, xlen, &zj, out, len, e);

    zpack_free(&b.pack);
    free(container);
    free(opf);
    free(nav);
    free(ncx);
    book_free(&b);
    return st;
}

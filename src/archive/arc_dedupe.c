/* arc_dedupe.c - duplicates and names: canonical URLs, normalised-text fingerprints, and
 * arc_assign(), which runs in one thread in source order after the workers (so which copy of a
 * duplicate is archived, and which PDF gets "-2" in its name, never depends on timing). */
#include "arc_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "text.h"

char *bt_archive_canonical_url(const char *url) {
    if (!url) return NULL;
    while (*url == ' ') url++;
    if (!*url) return NULL;
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    if (strncmp(p, "//", 2) == 0) p += 2;
    bt_buf b = {0};
    /* host, lower-cased, without "www." */
    const char *h = p;
    while (*h && *h != '/' && *h != '?' && *h != '#') h++;
    const char *hs = p;
    if (h - hs > 4 && strncasecmp(hs, "www.", 4) == 0) hs += 4;
    for (const char *q = hs; q < h; q++) bt_buf_addc(&b, (char)tolower((unsigned char)*q));
    /* strip a default port */
    if (b.len > 3 && (strcmp(b.data + b.len - 3, ":80") == 0)) { b.len -= 3; b.data[b.len] = 0; }
    if (b.len > 4 && (strcmp(b.data + b.len - 4, ":443") == 0)) { b.len -= 4; b.data[b.len] = 0; }
    /* path */
    const char *q = h;
    while (*q && *q != '?' && *q != '#') bt_buf_addc(&b, *q++);
    while (b.len > 0 && b.data[b.len - 1] == '/') b.data[--b.len] = '\0';
    /* query without tracking parameters */
    if (*q == '?') {
        q++;
        int first = 1;
        while (*q && *q != '#') {
            const char *end = q;
            while (*end && *end != '&' && *end != '#') end++;
            size_t l = (size_t)(end - q);
            int track = (l >= 4 && strncmp(q, "utm_", 4) == 0) || (l >= 7 && strncmp(q, "fbclid=", 7) == 0) ||
                        (l >= 6 && strncmp(q, "gclid=", 6) == 0) || l == 0;
            if (!track) {
                bt_buf_addc(&b, first ? '?' : '&');
                bt_buf_add(&b, q, l);
                first = 0;
            }
            q = *end == '&' ? end + 1 : end;
        }
    }
    if (!b.data || !b.len) {
        bt_buf_free(&b);
        return NULL;
    }
    return bt_buf_detach(&b, NULL);
}

/* Normalised text fingerprint: folded ASCII of title + text blocks, letters/digits only. */
void arc_text_fingerprint(const bt_article *a, char out[BT_SHA256_HEX]) {
    bt_sha256_ctx *h = bt_sha256_new();
    if (!h) { out[0] = 0; return; }
    for (size_t i = 0; i <= a->nblocks; i++) {
        const char *t = i == 0 ? a->title : a->blocks[i - 1].text;
        if (i > 0 && a->blocks[i - 1].type == BT_BLOCK_IMAGE) continue;
        if (!t) continue;
        char *f = bt_fold_ascii(t);
        if (!f) continue;
        /* the normalised text is built in place (it is never longer than the folded text) and
         * hashed in one call: byte-by-byte updates cost more than the hashing itself */
        char word = 0;
        size_t k = 0;
        for (char *p = f; *p; p++) {
            unsigned char ch = (unsigned char)*p;
            if (isalnum(ch)) {
                if (word == ' ') f[k++] = ' ';
                f[k++] = (char)tolower(ch);
                word = 'w';
            } else if (word == 'w') {
                word = ' ';
            }
        }
        bt_sha256_update(h, f, k);
        if (word) bt_sha256_update(h, "\n", 1);
        free(f);
    }
    unsigned char raw[BT_SHA256_LEN];
    bt_sha256_final(h, raw);
    bt_sha256_free(h);
    bt_hex(raw, BT_SHA256_LEN, out);
}

/* The indexes' keys are the fields of each entry's record (at ents[v].rec in the work file, which
 * holds them from the parse on): read back to compare when a tag matches, which is rare unless the
 * keys are equal (a duplicate, a name taken). */
enum { KEY_URL, KEY_TEXT, KEY_NAME };

static int same_key(arc_ctx *c, int which, int32_t v, const void *key, size_t len) {
    if (v < 0 || (size_t)v >= c->n) return 0;
    arc_record r;
    if (arc_rec_read(c, c->ents[v].rec, &r) != 0) return 0;
    const char *k = which == KEY_URL ? r.canonical_url : which == KEY_TEXT ? r.text_sha256 : r.pdf_path;
    int same = k && strlen(k) == len && memcmp(k, key, len) == 0;
    arc_record_free(&r);
    return same;
}

static int same_url(void *ud, int32_t v, const void *key, size_t len) { return same_key(ud, KEY_URL, v, key, len); }
static int same_text(void *ud, int32_t v, const void *key, size_t len) { return same_key(ud, KEY_TEXT, v, key, len); }
static int same_name(void *ud, int32_t v, const void *key, size_t len) { return same_key(ud, KEY_NAME, v, key, len); }

void arc_dedupe_init(arc_ctx *c) {
    c->urlmap.same = same_url;
    c->textmap.same = same_text;
    c->namemap.same = same_name;
    c->urlmap.ud = c->textmap.ud = c->namemap.ud = c;
}

/* An earlier archived article with the same canonical URL or normalised text, or -1; when there
 * is none, this one is registered as the archived copy of its keys (r is its record at x->rec). */
static int32_t find_original(arc_ctx *c, size_t i, const arc_record *r) {
    int32_t prim = -1;
    if (r->canonical_url) prim = bt_idx_gets(&c->urlmap, r->canonical_url);
    if (prim < 0 && r->text_sha256) prim = bt_idx_gets(&c->textmap, r->text_sha256);
    if (prim < 0) {
        if (r->canonical_url) bt_idx_puts(&c->urlmap, r->canonical_url, (int32_t)i);
        if (r->text_sha256) bt_idx_puts(&c->textmap, r->text_sha256, (int32_t)i);
    }
    return prim;
}

/* A PDF name is taken by an archived entry (whose record holds it) or by one that lost its PDF
 * after it was named. */
static int name_taken(arc_ctx *c, const char *name) {
    return bt_idx_gets(&c->namemap, name) >= 0 || bt_map_gets(&c->namelost, name) >= 0;
}

/* A free PDF name: articles/YYYY/MM/YYYY-MM-DD-<slug>.pdf (undated: articles/undated/<slug>.pdf),
 * "-2", "-3", ... added when taken. Registered as taken. Heap string. */
static char *pdf_name(arc_ctx *c, size_t i, const arc_record *r) {
    const arc_ent *x = &c->ents[i];
    char *slug = bt_slugify(r->title ? r->title : "", 80);
    if (!slug || !*slug) {
        free(slug);
        slug = bt_xstrdup("bai-viet");
    }
    char *base = x->ymd ? bt_xasprintf("articles/%04d/%02d/%04d-%02d-%02d-%s", x->ymd / 10000,
                                       x->ymd / 100 % 100, x->ymd / 10000, x->ymd / 100 % 100,
                                       x->ymd % 100, slug)
                        : bt_xasprintf("articles/undated/%s", slug);
    free(slug);
    char *name = bt_xasprintf("%s.pdf", base);
    for (int k = 2; name_taken(c, name); k++) {
        free(name);
        name = bt_xasprintf("%s-%d.pdf", base, k);
    }
    free(base);
    bt_idx_puts(&c->namemap, name, (int32_t)i); /* (its record holds it once arc_assign is done) */
    return name;
}

bt_status arc_assign(arc_ctx *c, size_t i, bt_err *e) {
    arc_ent *x = &c->ents[i];
    arc_record r, old;
    if (arc_rec_read(c, x->rec, &r) != 0)
        return bt_err_set(e, BT_EIO, "cannot read back the record of %s", x->src);
    int has_old = arc_rec_read(c, c->io[i].oldrec, &old) == 0;
    bt_status st = BT_OK;
    char *oldpdf = has_old && old.pdf_path ? bt_xstrdup(old.pdf_path) : NULL;
    if (has_old && old.digest) { /* its old digest loses (or re-renders) this article */
        int32_t d = bt_idx_gets(&c->dgmap, old.digest);
        if (d >= 0) c->dg[d].dirty = 1;
    }
    if (has_old) arc_record_free(&old);
    char *staged = x->from_bag >= 0 ? NULL : arc_stage_tmp_pdf(c, i);

    if (x->status == ST_OK) {
        int32_t prim = find_original(c, i, &r);
        if (prim >= 0) {
            x->status = ST_DUP;
            r.status = ST_DUP;
            arc_set(&r.duplicate_of, c->ents[prim].src);
            r.has_pdf = 0;
            arc_set(&r.pdf_sha256, NULL);
            arc_set(&r.pdf_path, NULL);
            r.pdf_size = 0;
            arc_set(&r.digest, NULL);
        }
    }
    if (x->status == ST_OK && c->o->pdf) {
        char *name = pdf_name(c, i, &r);
        char *dest = bt_path_join(c->stage_data, name);
        if (x->from_bag >= 0) {
            if (!r.pdf_path) { /* was a duplicate in its shard: the other copy is archived */
                bt_map_puts(&c->namelost, name, (int32_t)i); /* (the name stays taken) */
                free(dest);
                free(name);
                free(oldpdf);
                x->status = ST_FAILED;
                r.status = ST_FAILED;
                arc_set(&r.reason, "its shard bag holds no PDF for it");
                x->rec = arc_rec_append(c, &r);
                arc_record_free(&r);
                return BT_OK;
            }
            char *from = bt_xasprintf("%s/data/%s", c->bags[x->from_bag], r.pdf_path);
            st = bt_copy_file(from, dest, e);
            free(from);
        } else {
            st = bt_mkdirs_for(dest, e);
            if (st == BT_OK && rename(staged, dest) != 0)
                st = bt_err_set(e, BT_EIO, "cannot stage %s: %s", name, strerror(errno));
        }
        free(dest);
        if (st == BT_OK && r.has_pdf) {
            arc_set(&r.pdf_path, name);
            if (oldpdf && strcmp(oldpdf, name) != 0) bt_strvec_push(&c->dels, bt_xasprintf("data/%s", oldpdf));
            free(oldpdf);
            oldpdf = NULL;
            c->stats->rendered++;
        } else {
            bt_map_puts(&c->namelost, name, (int32_t)i); /* its record will not hold the name it took */
        }
        free(name);
    }
    if (staged) {
        unlink(staged); /* duplicates, failures: their render is not kept */
        free(staged);
    }
    if (oldpdf) bt_strvec_push(&c->dels, bt_xasprintf("data/%s", oldpdf)); /* no longer archived */
    free(oldpdf);
    /* A shard files no article into a digest: a digest gathers a category's month across every
     * shard, so --merge renders it once from the sources; rendering it in each shard as well would
     * be thrown away (about a third of a shard's work). */
    if (st == BT_OK && x->status == ST_OK && c->o->epub && c->o->shard_n <= 1) {
        char *name, *cat, *label;
        arc_digest_name(c, &r, &name, &cat, &label);
        int32_t d = arc_digest_get(c, name, cat, label);
        c->dg[d].dirty = 1;
        x->digest = d;
        arc_set(&r.digest, name);
        free(name);
        free(cat);
        free(label);
    }
    if (st == BT_OK) x->rec = arc_rec_append(c, &r);
    arc_record_free(&r);
    return st;
}

/* test_util.c - the shared helpers: string vector, map (real keys, even when every hash collides),
 * the key-less index (its keys kept by the caller and compared on every tag match), the "is this
 * an article file" test, the directory walk, file helpers, the string pool and big arrays. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

static uint64_t same_hash(const void *key, size_t len) {
    (void)key;
    (void)len;
    return 42; /* every key collides: only comparing the keys themselves keeps them apart */
}

/* The keys of the index test, kept by the test as an archive keeps them in its records. */
typedef struct {
    char (*keys)[32];
    int asked;
} idx_keys;

static int idx_same(void *ud, int32_t v, const void *key, size_t len) {
    idx_keys *k = ud;
    k->asked++;
    return strlen(k->keys[v]) == len && memcmp(k->keys[v], key, len) == 0;
}

static void touch(const char *dir, const char *rel) {
    char *p = bt_path_join(dir, rel);
    bt_err e = {0};
    bt_write_file_nosync(p, "x", 1, &e);
    free(p);
}

static int count_cb(void *ud, const bt_dir_entry *ent) {
    (void)ent;
    (*(int *)ud)++;
    return 0;
}

int main(void) {
    /* relative paths that stay inside their folder */
    const char *in[] = {"a.pdf", "a/b.pdf", "..a/b..", "./a", "a//b", "a/.", ""};
    const int in0[] = {1, 1, 1, 1, 1, 1, 1}, in1[] = {1, 1, 1, 0, 0, 0, 0};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        CHECK(in[i], bt_path_inside(in[i], 0) == in0[i]);
        CHECK(in[i], bt_path_inside(in[i], 1) == in1[i]);
    }
    const char *out[] = {"/etc/passwd", "..", "../a", "a/../../b", "a/..", "a\\b"};
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) CHECK(out[i], !bt_path_inside(out[i], 1));
    for (size_t i = 0; i + 1 < sizeof out / sizeof out[0]; i++) CHECK(out[i], !bt_path_inside(out[i], 0));

    /* string vector */
    bt_strvec v = {0};
    const char *words[] = {"pear", "apple", "Zebra", "apple2", ""};
    for (size_t i = 0; i < 5; i++) bt_strvec_push(&v, bt_xstrdup(words[i]));
    bt_strvec_sort(&v);
    CHECK("strvec: 5 items", v.n == 5);
    CHECK_STR("strvec: sorted bytewise (first)", v.v[0], "");
    CHECK_STR("strvec: sorted bytewise (second)", v.v[1], "Zebra");
    CHECK_STR("strvec: sorted bytewise (last)", v.v[4], "pear");
    bt_strvec_free(&v);
    CHECK("strvec: free leaves it empty", v.n == 0 && v.v == NULL);

    /* map: many keys, then the same keys with every hash colliding */
    for (int weak = 0; weak < 2; weak++) {
        bt_map m = {0};
        if (weak) m.hash = same_hash;
        int n = weak ? 500 : 20000, bad = 0;
        char k[32];
        for (int i = 0; i < n; i++) {
            snprintf(k, sizeof k, "key-%d", i);
            bt_map_puts(&m, k, i);
        }
        for (int i = 0; i < n; i++) {
            snprintf(k, sizeof k, "key-%d", i);
            bad += bt_map_gets(&m, k) != i;
        }
        snprintf(k, sizeof k, "key-%d", n);
        CHECK(weak ? "map (all hashes equal): every key finds its own value" : "map: 20000 keys found", bad == 0);
        CHECK(weak ? "map (all hashes equal): an absent key is absent" : "map: an absent key is absent",
              bt_map_gets(&m, k) == -1);
        bt_map_puts(&m, "key-7", 700);
        CHECK("map: put replaces", bt_map_gets(&m, "key-7") == 700 && m.n == (size_t)n);
        CHECK("map: a prefix is another key", bt_map_gets(&m, "key-") == -1);
        unsigned char bin[3] = {0, 1, 0};
        bt_map_put(&m, bin, 3, 5);
        CHECK("map: binary keys with NUL bytes", bt_map_get(&m, bin, 3) == 5 && bt_map_get(&m, bin, 2) == -1);
        bt_map_free(&m);
    }
    bt_map empty = {0};
    CHECK("map: get on an empty map", bt_map_gets(&empty, "x") == -1);

    /* key-less index: the same, with the keys outside; a tag match is checked with the caller */
    for (int weak = 0; weak < 2; weak++) {
        int n = weak ? 500 : 20000, bad = 0;
        idx_keys ks = {bt_xcalloc((size_t)n + 1, 32), 0};
        bt_idx m = {0};
        m.same = idx_same;
        m.ud = &ks;
        if (weak) m.hash = same_hash;
        for (int i = 0; i < n; i++) {
            snprintf(ks.keys[i], 32, "key-%d", i);
            bt_idx_puts(&m, ks.keys[i], i);
        }
        char k[32];
        for (int i = 0; i < n; i++) {
            snprintf(k, sizeof k, "key-%d", i);
            bad += bt_idx_gets(&m, k) != i;
        }
        CHECK(weak ? "index (all hashes equal): every key finds its own value" : "index: 20000 keys found", bad == 0);
        snprintf(k, sizeof k, "key-%d", n);
        CHECK(weak ? "index (all hashes equal): an absent key is absent" : "index: an absent key is absent",
              bt_idx_gets(&m, k) == -1);
        CHECK("index: a prefix is another key", bt_idx_gets(&m, "key-") == -1);
        if (!weak) {
            ks.asked = 0;
            for (int i = 0; i < 1000; i++) {
                snprintf(k, sizeof k, "other-%d", i);
                bt_idx_gets(&m, k);
            }
            CHECK("index: absent keys rarely reach the caller (tags differ)", ks.asked < 5);
        }
        /* the value of key-7 now stands for another slot of the keys holding the same key */
        snprintf(ks.keys[n], 32, "key-7");
        bt_idx_puts(&m, "key-7", n);
        CHECK("index: put replaces the value of an equal key", bt_idx_gets(&m, "key-7") == n && m.n == (size_t)n);
        bt_idx_free(&m);
        CHECK("index: free leaves it empty", bt_idx_gets(&m, "key-1") == -1 && m.same == idx_same);
        free(ks.keys);
    }

    /* is this an article file */
    { /* string pool: every string kept whole across blocks, a string longer than a block too */
        bt_strpool p = {0};
        char *kept[3000];
        char buf[64];
        int bad = 0;
        for (int i = 0; i < 3000; i++) {
            snprintf(buf, sizeof buf, "/src/%03d/%06d.txt", i / 100, i);
            kept[i] = bt_strpool_add(&p, buf);
        }
        size_t biglen = (size_t)100 << 10;
        char *big = bt_xmalloc(biglen + 1);
        memset(big, 'x', biglen);
        big[biglen] = '\0';
        char *kb = bt_strpool_add(&p, big);
        char *after = bt_strpool_add(&p, "after");
        for (int i = 0; i < 3000; i++) {
            snprintf(buf, sizeof buf, "/src/%03d/%06d.txt", i / 100, i);
            bad += strcmp(kept[i], buf) != 0;
        }
        CHECK("strpool: 3000 strings over several blocks kept whole", bad == 0);
        CHECK("strpool: a string longer than a block", strcmp(kb, big) == 0 && strcmp(after, "after") == 0);
        bt_strpool_free(&p);
        CHECK("strpool: free leaves it empty", p.block == NULL && p.used == 0);
        free(big);
    }
    { /* big arrays: grown and shrunk, the contents stay */
        uint32_t *arr = bt_big_realloc(NULL, 10 * sizeof *arr);
        for (uint32_t i = 0; i < 10; i++) arr[i] = i * 7;
        arr = bt_big_realloc(arr, 300000 * sizeof *arr);
        for (uint32_t i = 10; i < 300000; i++) arr[i] = i * 7;
        int bad = 0;
        for (uint32_t i = 0; i < 300000; i++) bad += arr[i] != i * 7;
        CHECK("big array: grown from 10 to 300000, every element kept", bad == 0);
        arr = bt_big_realloc(arr, 1000 * sizeof *arr);
        bad = 0;
        for (uint32_t i = 0; i < 1000; i++) bad += arr[i] != i * 7;
        CHECK("big array: cut to 1000, those kept", bad == 0);
        bt_big_free(arr);
        bt_big_free(NULL);
        bt_mem_release();
        CHECK("big array: freed (and the heap given back) without harm", 1);
    }
    CHECK("article file: a.txt", bt_is_article_file("a.txt"));
    CHECK("article file: dir/b.HTML (any case)", bt_is_article_file("dir/b.HTML"));
    CHECK("article file: .text .xhtml .shtml .htm", bt_is_article_file("x.text") && bt_is_article_file("x.xhtml") &&
                                                    bt_is_article_file("x.shtml") && bt_is_article_file("x.htm"));
    CHECK("article file: not a.pdf", !bt_is_article_file("a.pdf"));
    CHECK("article file: not a hidden .a.txt", !bt_is_article_file("d/.a.txt"));
    CHECK("article file: not inside a hidden folder", !bt_is_article_file(".git/a.txt"));
    CHECK("article file: not in page_files/", !bt_is_article_file("page_files/frame.html"));
    CHECK("article file: x_files.html itself is one", bt_is_article_file("x_files.html"));
    CHECK("article file: not a bare .txt", !bt_is_article_file(".txt"));
    CHECK("article file: no extension", !bt_is_article_file("README"));

    /* directory walk */
    char tmpl[] = "/tmp/bt-test-util-XXXXXX";
    char *root = mkdtemp(tmpl);
    CHECK("mkdtemp", root != NULL);
    if (root) {
        touch(root, "a.txt");
        touch(root, "sub/b.txt");
        touch(root, "sub/deeper/c.html");
        touch(root, ".hidden/d.txt");
        char *link = bt_path_join(root, "loop");
        CHECK("symlink to the root", symlink(root, link) == 0);
        free(link);
        bt_strvec got = {0};
        bt_err e = {0};
        CHECK("dir_list ok", bt_dir_list(root, "p", BT_WALK_SKIP_HIDDEN, &got, NULL, &e) == BT_OK);
        CHECK("dir_list: 3 files, linked folder not followed, hidden skipped", got.n == 3);
        if (got.n == 3) {
            CHECK_STR("dir_list: sorted, prefixed (1)", got.v[0], "p/a.txt");
            CHECK_STR("dir_list: sorted, prefixed (3)", got.v[2], "p/sub/deeper/c.html");
        }
        bt_strvec_free(&got);
        int n = 0;
        CHECK("dir_walk top only", bt_dir_walk(root, BT_WALK_TOP_ONLY, count_cb, &n, &e) == BT_OK && n == 1);
        n = 0;
        CHECK("dir_walk with hidden", bt_dir_walk(root, 0, count_cb, &n, &e) == BT_OK && n == 4);
        char *missing = bt_path_join(root, "nope");
        CHECK("dir_walk: a missing root is an error naming it",
              bt_dir_walk(missing, 0, count_cb, &n, &e) == BT_EIO && strstr(e.msg, "nope"));
        char *from = bt_path_join(root, "sub/b.txt"), *to = bt_path_join(root, "copy/x/b.txt");
        CHECK("copy_file creates the folders", bt_copy_file(from, to, &e) == BT_OK && access(to, F_OK) == 0);
        CHECK("copy_file from a missing file fails", bt_copy_file(missing, to, &e) == BT_EIO);
        free(from);
        free(to);
        free(missing);
        bt_rm_tree(root);
        struct stat sb;
        CHECK("rm_tree removes everything", lstat(root, &sb) != 0);
    }
    TEST_END();
}

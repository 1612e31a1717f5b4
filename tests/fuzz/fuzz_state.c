/* fuzz_state.c - libFuzzer harness: the archive's readers of its own files, on damaged bytes.
 * The input is read as a state file (header, then every line through the typed record: a record
 * read back from its JSON must give the same JSON again), and each line as a commit journal line
 * (a path it accepts must be relative, without "." or ".." components). */
#define _GNU_SOURCE /* fmemopen */
#include <stdio.h>

#include "arc_int.h"
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    bt_fuzz_init(argc, argv);
    return 0;
}

static void roundtrip(const arc_record *r)
{
    json_t *j = arc_record_to_json(r);
    char *a = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    arc_record back;
    if (arc_record_from_json(j, &back, NULL) != BT_OK) abort(); /* what we write, we read */
    json_t *j2 = arc_record_to_json(&back);
    char *b = json_dumps(j2, JSON_COMPACT | JSON_SORT_KEYS);
    if (!a || !b || strcmp(a, b) != 0) abort(); /* and it does not drift */
    free(a);
    free(b);
    json_decref(j);
    json_decref(j2);
    arc_record_free(&back);
}

static void journal_lines(const uint8_t *data, size_t size)
{
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i < size && data[i] != '\n') continue;
        const char *rel = NULL;
        size_t n = i - start + (i < size);
        int op = arc_journal_line((const char *)data + start, n, &rel);
        if (op == 'D' || op == 'M') {
            if (!rel || rel[0] == '/' || (op == 'D' && strncmp(rel, "data/", 5) != 0)) abort();
            size_t rl = (size_t)((const char *)data + start + n - rel) - (i < size);
            for (size_t k = 0; k + 1 < rl; k++) /* no ".." component */
                if (rel[k] == '.' && rel[k + 1] == '.' && (k == 0 || rel[k - 1] == '/') &&
                    (k + 2 == rl || rel[k + 2] == '/'))
                    abort();
        } else if (op != 'E' && op != 0) {
            abort();
        }
        start = i + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > BT_FUZZ_MAX_LEN || size == 0) return 0;
    journal_lines(data, size);

    FILE *f = fmemopen((void *)data, size, "r");
    if (!f) return 0;
    arc_state_reader r;
    memset(&r, 0, sizeof r);
    r.f = f;
    r.name = "fuzz";
    char *opts = NULL;
    bt_err e;
    bt_err_clear(&e);
    if (arc_state_read_header(&r, &opts, &e) == BT_OK) {
        if (!opts) abort();
        arc_line l;
        int more;
        while ((more = arc_state_next(&r, &l, &e)) > 0) {
            if (l.kind == ARC_LINE_ARTICLE) {
                if (!l.rec.src) abort();
                roundtrip(&l.rec);
            } else if (l.kind == ARC_LINE_DIGEST) {
                if (!l.dg.path || !l.dg.sha256 || strlen(l.dg.sha256) != 64) abort();
            } else if (l.kind == ARC_LINE_WEB) { /* a feed line: an object with a url */
                if (!json_is_string(json_object_get(l.web, "url"))) abort();
            } else {
                abort(); /* skips and damage never come back as lines */
            }
            arc_line_free(&l);
        }
        if (more < 0 && (e.code != BT_EPARSE || !strstr(e.msg, "fuzz"))) abort(); /* damage names the file */
    } else if (e.msg[0] == '\0') {
        abort();
    }
    free(opts);
    arc_state_close(&r); /* closes f */
    return 0;
}

/* test_net_warc.c - the WARC writer read back (by our reader and by python's gzip), the reader on
 * a WARC written by wget against tests/httpd.py, and broken WARCs (cut short, wrong length). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fetch.h"
#include "harness.h"
#include "netsrv.h"
#include "warc.h"

static char dir[256];

static char *path_in(const char *name)
{
    return bt_xasprintf("%s/%s", dir, name);
}

static int count_records(const char *path, const char *type, char *err, size_t errsz)
{
    bt_warc_reader *r;
    bt_err e;
    if (bt_warc_reader_open(path, 0, &r, &e) != BT_OK) return -1;
    int n = 0;
    bt_warc_record rec;
    bt_status st;
    while ((st = bt_warc_next(r, &rec, &e)) == BT_OK) {
        if (!type || (rec.type && strcmp(rec.type, type) == 0)) n++;
        bt_warc_record_free(&rec);
    }
    bt_warc_reader_close(r);
    if (st != BT_EEMPTY) {
        snprintf(err, errsz, "%s", e.msg);
        return -2;
    }
    return n;
}

/* Records read when every broken one is skipped (bt_warc_resync); *broken counts them, -1 when
 * the reader could not go on past one. */
static int count_resync(const char *path, int *broken)
{
    bt_warc_reader *r;
    bt_err e;
    *broken = 0;
    if (bt_warc_reader_open(path, 0, &r, &e) != BT_OK) return -1;
    int n = 0;
    bt_warc_record rec;
    bt_status st;
    while ((st = bt_warc_next(r, &rec, &e)) != BT_EEMPTY) {
        if (st != BT_OK) {
            (*broken)++;
            if (bt_warc_resync(r, &e) != BT_OK) {
                n = -1;
                break;
            }
            continue;
        }
        n++;
        bt_warc_record_free(&rec);
    }
    bt_warc_reader_close(r);
    return n;
}

static void test_roundtrip(void)
{
    bt_http_exchange x;
    memset(&x, 0, sizeof x);
    x.url = "http://127.0.0.1:8080/bai-1.htm";
    x.ip = "127.0.0.1";
    x.time_us = (int64_t)1685170800 * 1000000 + 123456;
    x.status = 200;
    x.req_head = "GET /bai-1.htm HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: bantin\r\n\r\n";
    x.req_head_len = strlen(x.req_head);
    x.resp_head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 24\r\n\r\n";
    x.resp_head_len = strlen(x.resp_head);
    x.payload = "<html><p>Tin tức</p>\r\n\r\n";
    x.payload_len = strlen(x.payload);
    char *p = path_in("out.warc.gz");
    bt_warc_writer *w;
    bt_err e;
    uint64_t off1 = 0, off2 = 0;
    CHECK("warc: open", bt_warc_open(p, "operator: test\r\n", &w, &e) == BT_OK);
    CHECK("warc: write", bt_warc_write_exchange(w, &x, &off1, &e) == BT_OK);
    x.url = "http://127.0.0.1:8080/bai-2.htm";
    CHECK("warc: write again", bt_warc_write_exchange(w, &x, &off2, &e) == BT_OK);
    CHECK("warc: response id", strncmp(bt_warc_last_response_id(w), "<urn:uuid:", 10) == 0);
    CHECK("warc: close", bt_warc_close(w, &e) == BT_OK);
    char err[512] = "";
    CHECK("warc: 5 records read back", count_records(p, NULL, err, sizeof err) == 5);
    CHECK("warc: 2 responses", count_records(p, "response", err, sizeof err) == 2);
    bt_warc_record rec;
    CHECK("warc: record at its offset", bt_warc_read_at(p, off2, 0, 0, &rec, &e) == BT_OK && rec.type &&
                                            strcmp(rec.type, "response") == 0 &&
                                            strcmp(rec.target_uri, "http://127.0.0.1:8080/bai-2.htm") == 0);
    CHECK("warc: date with microseconds", rec.date && strcmp(rec.date, "2023-05-27T07:00:00.123456Z") == 0);
    bt_warc_http h;
    CHECK("warc: HTTP inside", rec.block && bt_warc_http_parse(rec.block, rec.block_len, 1000, &h, &e) == BT_OK &&
                                   h.status == 200 && h.body_len == x.payload_len &&
                                   memcmp(h.body, x.payload, h.body_len) == 0 && h.content_type &&
                                   strstr(h.content_type, "utf-8"));
    bt_warc_http_free(&h);
    /* a record copied into another WARC as it was: same ID, links and block */
    CHECK("warc: record ID and links read", rec.record_id && strncmp(rec.record_id, "<urn:uuid:", 10) == 0 &&
                                                rec.warcinfo_id && rec.head && strncmp(rec.head, "WARC/1.1\r\n", 10) == 0);
    char *cp = path_in("copy.warc.gz");
    uint64_t coff = 0;
    bt_warc_record back;
    memset(&back, 0, sizeof back);
    CHECK("warc: copy a record", bt_warc_open(cp, NULL, &w, &e) == BT_OK && bt_warc_write_record(w, &rec, &coff, &e) == BT_OK &&
                                     bt_warc_close(w, &e) == BT_OK && coff > 0);
    CHECK("warc: the copy reads back the same", bt_warc_read_at(cp, coff, 0, 0, &back, &e) == BT_OK && back.record_id &&
                                                    strcmp(back.record_id, rec.record_id) == 0 && back.block_len == rec.block_len &&
                                                    memcmp(back.block, rec.block, rec.block_len) == 0 &&
                                                    back.head_len == rec.head_len && memcmp(back.head, rec.head, rec.head_len) == 0);
    bt_warc_record_free(&back);
    free(cp);
    bt_warc_record_free(&rec);
    /* a request names its response */
    bt_warc_reader *rr;
    int linked = 0;
    if (bt_warc_reader_open(p, 0, &rr, &e) == BT_OK) {
        char rid[80] = "";
        while (bt_warc_next(rr, &rec, &e) == BT_OK) {
            if (rec.type && strcmp(rec.type, "response") == 0 && rec.record_id) snprintf(rid, sizeof rid, "%s", rec.record_id);
            if (rec.type && strcmp(rec.type, "request") == 0)
                linked += rec.concurrent.n == 1 && strcmp(rec.concurrent.v[0], rid) == 0;
            bt_warc_record_free(&rec);
        }
        bt_warc_reader_close(rr);
    }
    CHECK("warc: WARC-Concurrent-To read", linked == 2);
    /* appending keeps one warcinfo */
    CHECK("warc: reopen to append", bt_warc_open(p, NULL, &w, &e) == BT_OK && bt_warc_write_exchange(w, &x, NULL, &e) == BT_OK &&
                                        bt_warc_close(w, &e) == BT_OK);
    CHECK("warc: one warcinfo after appending", count_records(p, "warcinfo", err, sizeof err) == 1 &&
                                                    count_records(p, "request", err, sizeof err) == 3);
    /* another reader: python's gzip reads every member; the digests are checked too */
    char *cmd = bt_xasprintf(
        "python3 - '%s' <<'PY'\n"
        "import gzip, sys, hashlib, base64\n"
        "data = gzip.open(sys.argv[1]).read()\n"
        "recs = data.split(b'WARC/1.1\\r\\n')[1:]\n"
        "ok = len(recs) == 7\n"
        "for r in recs:\n"
        "    head, rest = r.split(b'\\r\\n\\r\\n', 1)\n"
        "    h = dict(l.split(': ', 1) for l in head.decode().split('\\r\\n'))\n"
        "    n = int(h['Content-Length']); block = rest[:n]\n"
        "    ok &= rest[n:n + 4] == b'\\r\\n\\r\\n'\n"
        "    if 'WARC-Block-Digest' in h:\n"
        "        ok &= h['WARC-Block-Digest'] == 'sha256:' + base64.b32encode(hashlib.sha256(block).digest()).decode()\n"
        "    if h['WARC-Type'] == 'response':\n"
        "        body = block.split(b'\\r\\n\\r\\n', 1)[1]\n"
        "        ok &= h['WARC-Payload-Digest'] == 'sha256:' + base64.b32encode(hashlib.sha256(body).digest()).decode()\n"
        "    if h['WARC-Type'] == 'request':\n"
        "        ok &= h['WARC-Concurrent-To'].startswith('<urn:uuid:')\n"
        "sys.exit(0 if ok else 1)\n"
        "PY",
        p);
    int rc = system(cmd);
    free(cmd);
    if (rc == 127 * 256) printf("SKIPPED: warc: python3 missing\n");
    else CHECK("warc: python's gzip reads it, digests and lengths right", rc == 0);

    /* broken files: cut short, wrong length, not a WARC */
    char *data;
    size_t len;
    bt_read_file(p, 1 << 20, &data, &len, &e);
    gzFile g = gzopen(p, "rb");
    char plain[65536];
    int pn = gzread(g, plain, sizeof plain);
    gzclose(g);
    char *cut = path_in("cut.warc.gz");
    bt_write_file_atomic(cut, data, len - 30, &e);
    CHECK("warc: gzip cut short is an error", count_records(cut, NULL, err, sizeof err) == -2 && strstr(err, "cut short"));
    char *cutp = path_in("cut.warc");
    bt_write_file_atomic(cutp, plain, (size_t)pn - 40, &e);
    CHECK("warc: record cut short", count_records(cutp, NULL, err, sizeof err) == -2 && strstr(err, "cut short") &&
                                        strstr(err, "offset"));
    /* a wrong Content-Length: make the first response's length 3 bytes shorter */
    char *wl = path_in("wrong.warc");
    char *resp = strstr(plain, "WARC-Type: response");
    char *cl = resp ? strstr(resp, "Content-Length: ") : NULL;
    if (cl) {
        long v = strtol(cl + 16, NULL, 10);
        char num[32];
        int k = snprintf(num, sizeof num, "%ld", v - 3);
        int old = snprintf(NULL, 0, "%ld", v);
        if (k == old) memcpy(cl + 16, num, (size_t)k);
    }
    bt_write_file_atomic(wl, plain, (size_t)pn, &e);
    CHECK("warc: wrong Content-Length", count_records(wl, NULL, err, sizeof err) == -2 && strstr(err, "wrong Content-Length"));
    /* a member that is no record, between two of ours: skipped, the records after it read; in a
     * plain file, the record with a wrong length is skipped to the next "WARC/1." line */
    char *gm = path_in("garbage-member.gz");
    gzFile gg = gzopen(gm, "wb");
    gzputs(gg, "garbage, no record\r\n\r\n");
    gzclose(gg);
    char *gdata = NULL;
    size_t glen = 0;
    bt_read_file(gm, 1 << 16, &gdata, &glen, &e);
    char *rs = path_in("resync.warc.gz");
    bt_buf mix = {0};
    bt_buf_add(&mix, data, (size_t)off2);
    if (gdata) bt_buf_add(&mix, gdata, glen);
    bt_buf_add(&mix, data + off2, len - (size_t)off2);
    bt_write_file_atomic(rs, mix.data, mix.len, &e);
    int broken = 0;
    int got = count_resync(rs, &broken), all = count_records(p, NULL, err, sizeof err);
    if (got != all || broken != 1) printf("  got %d of %d records, %d broken\n", got, all, broken);
    CHECK("warc: a broken gzip member is skipped, the records after it read", all > 4 && got == all && broken == 1);
    got = count_resync(wl, &broken);
    CHECK("warc: a plain file goes on at the record after the broken one", got == all - 1 && broken == 1);
    bt_buf_free(&mix);
    free(gdata);
    free(gm);
    free(rs);
    char *junk = path_in("junk.warc");
    bt_write_file_atomic(junk, "hello world\r\n", 13, &e);
    CHECK("warc: not a WARC", count_records(junk, NULL, err, sizeof err) == -2 && strstr(err, "not a WARC record"));
    free(data);
    free(cut);
    free(cutp);
    free(wl);
    free(junk);
    free(p);
}

static void test_wget(void)
{
    if (system("wget --version >/dev/null 2>&1") != 0) {
        printf("SKIPPED: warc: reading wget's WARC (wget missing)\n");
        return;
    }
    setenv("no_proxy", "127.0.0.1", 1);
    const char *base = netsrv_start();
    if (!base) {
        printf("SKIPPED: warc: reading wget's WARC (python3 cannot start tests/httpd.py)\n");
        return;
    }
    const char *page = "<html><head><meta charset=utf-8><title>Bài</title></head><body><p>Nội dung bài viết.</p></body></html>";
    netsrv_put("a.html", page, strlen(page));
    netsrv_put("b.html", page, strlen(page));
    char *cmd = bt_xasprintf("cd '%s' && wget -q --warc-file=crawl -O /dev/null '%s/a.html' '%s/gz/b.html' "
                             "'%s/chunked/a.html' '%s/status/404' 2>/dev/null; test -s crawl.warc.gz",
                             dir, base, base, base, base);
    int rc = system(cmd);
    free(cmd);
    netsrv_stop();
    CHECK("warc: wget wrote a WARC", rc == 0);
    char *p = path_in("crawl.warc.gz");
    bt_warc_reader *r;
    bt_err e;
    int pages = 0, ok = 1, n404 = 0;
    if (bt_warc_reader_open(p, 0, &r, &e) == BT_OK) {
        bt_warc_record rec;
        while (bt_warc_next(r, &rec, &e) == BT_OK) {
            if (rec.type && strcmp(rec.type, "response") == 0 && rec.block) {
                bt_warc_http h;
                if (bt_warc_http_parse(rec.block, rec.block_len, 1 << 20, &h, &e) != BT_OK) ok = 0;
                else if (h.status == 404) n404++;
                else if (h.status == 200 && h.body_len == strlen(page) && memcmp(h.body, page, h.body_len) == 0 &&
                         rec.target_uri && strncmp(rec.target_uri, "http://127.0.0.1:", 17) == 0)
                    pages++;
                else {
                    ok = 0;
                    printf("  %s: status %d, %zu bytes\n", rec.target_uri, h.status, h.body_len);
                }
                bt_warc_http_free(&h);
            }
            bt_warc_record_free(&rec);
        }
        bt_warc_reader_close(r);
    }
    CHECK("warc: wget's responses decoded (plain, gzip, chunked) and 404 kept", ok && pages == 3 && n404 == 1);
    free(p);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(dir, sizeof dir, "%s/bt-warc-XXXXXX", tmp);
    if (!mkdtemp(dir)) return 1;
    test_roundtrip();
    test_wget();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) { /* leftovers in the temp folder are harmless */ }
    TEST_END();
}

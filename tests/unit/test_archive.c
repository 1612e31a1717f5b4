/* test_archive.c - SHA-256 (libcrypto), BagIt path encoding, canonical URLs, dates, PDF checks,
 * the article record <-> JSON conversion (web fields and unknown keys round-trip). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc_int.h"
#include "archive.h"
#include "bagit.h"
#include "hash.h"
#include "harness.h"

static void url(const char *name, const char *in, const char *want) {
    char *got = bt_archive_canonical_url(in);
    CHECK_STR(name, got, want);
    free(got);
}

/* A record with every field set survives JSON and back unchanged; unknown keys are kept. */
static void record_roundtrip(void) {
    const char *in = "{\"kind\":\"article\",\"origin\":\"url\",\"src\":\"https://example.vn/a\",\"size\":12,"
                     "\"mtime_ns\":34,\"sha256\":\"ab\",\"etag\":\"\\\"v1\\\"\",\"last_modified\":\"Sat, 27 May 2023 07:00:00 GMT\","
                     "\"warc_file\":\"crawl.warc.gz\",\"warc_offset\":1024,\"warc_record_id\":\"<urn:uuid:1>\","
                     "\"title\":\"T\",\"category\":\"C\",\"author\":\"A\",\"url\":\"U\",\"language\":\"vi\","
                     "\"date\":\"2023-05-27\",\"canonical_url\":\"example.vn/a\",\"text_sha256\":\"cd\","
                     "\"pdf\":{\"sha256\":\"ef\",\"size\":5,\"path\":\"articles/x.pdf\"},\"warnings\":[\"w1\",\"w2\"],"
                     "\"status\":\"duplicate\",\"reason\":\"r\",\"duplicate_of\":\"d\",\"digest\":\"digests/x.epub\","
                     "\"removed\":true,\"future_field\":{\"x\":1}}";
    json_t *j = json_loads(in, 0, NULL);
    arc_record r;
    CHECK("record: from JSON", j && arc_record_from_json(j, &r, NULL) == BT_OK);
    CHECK("record: typed fields", r.origin == ARC_ORIGIN_URL && r.size == 12 && r.warc_offset == 1024 &&
                                      r.status == ST_DUP && r.removed && r.has_pdf && r.pdf_size == 5 &&
                                      r.warnings.n == 2);
    CHECK_STR("record: etag", r.etag, "\"v1\"");
    json_t *back = arc_record_to_json(&r);
    char *a = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS), *b = json_dumps(back, JSON_COMPACT | JSON_SORT_KEYS);
    CHECK_STR("record: JSON -> record -> JSON is the same object", b, a);
    free(a);
    free(b);
    json_decref(back);
    arc_record_free(&r);
    json_decref(j);
    j = json_loads("{\"kind\":\"article\",\"src\":\"a.txt\",\"status\":\"ok\"}", 0, NULL);
    CHECK("record: a file record", arc_record_from_json(j, &r, NULL) == BT_OK && r.origin == ARC_ORIGIN_FILE && !r.has_pdf);
    back = arc_record_to_json(&r);
    CHECK("record: a file record writes no origin", json_object_get(back, "origin") == NULL);
    json_decref(back);
    arc_record_free(&r);
    json_decref(j);
    j = json_loads("{\"kind\":\"digest\",\"src\":\"a.txt\"}", 0, NULL);
    CHECK("record: another kind is refused", arc_record_from_json(j, &r, NULL) == BT_EPARSE);
    arc_record_free(&r);
    json_decref(j);
    arc_line l;
    arc_line_parse("not json", 8, &l);
    CHECK("state line: garbage is damage", l.kind == ARC_LINE_BAD);
    arc_line_free(&l);
    const char *dl = "{\"kind\":\"digest\",\"path\":\"digests/a.epub\",\"articles\":3}";
    arc_line_parse(dl, strlen(dl), &l);
    CHECK("state line: a digest without its SHA-256 is damage", l.kind == ARC_LINE_BAD);
    arc_line_free(&l);
    dl = "{\"kind\":\"digest\",\"path\":\"digests/a.epub\",\"articles\":3,\"sha256\":"
         "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}";
    arc_line_parse(dl, strlen(dl), &l);
    CHECK("state line: a digest", l.kind == ARC_LINE_DIGEST && l.dg.articles == 3 && l.dg.path);
    arc_line_free(&l);
    dl = "{\"kind\":\"future\"}";
    arc_line_parse(dl, strlen(dl), &l);
    CHECK("state line: an unknown kind is skipped", l.kind == ARC_LINE_SKIP);
    arc_line_free(&l);
    dl = "{\"kind\":\"feed\",\"url\":\"https://example.vn/rss\",\"etag\":\"\\\"x\\\"\"}";
    arc_line_parse(dl, strlen(dl), &l);
    CHECK("state line: a feed's memory", l.kind == ARC_LINE_WEB && l.web && json_object_get(l.web, "etag"));
    arc_line_free(&l);
    CHECK("state line: freed", l.web == NULL);
    dl = "{\"kind\":\"feed\"}";
    arc_line_parse(dl, strlen(dl), &l);
    CHECK("state line: a feed line without its url is damage", l.kind == ARC_LINE_BAD);
    arc_line_free(&l);
    dl = "{\"kind\":\"article\"}";
    arc_line_parse(dl, strlen(dl), &l);
    CHECK("state line: an article without src is damage", l.kind == ARC_LINE_BAD);
    arc_line_free(&l);
}

int main(void) {
    record_roundtrip();
    char hex[BT_SHA256_HEX];
    bt_sha256_hex("abc", 3, hex);
    CHECK_STR("sha256 abc (FIPS 180-2 vector)", hex,
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    bt_sha256_hex("", 0, hex);
    CHECK_STR("sha256 empty", hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    bt_sha256_ctx *h = bt_sha256_new();
    const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    for (size_t i = 0; msg[i]; i++) bt_sha256_update(h, msg + i, 1);
    unsigned char raw[BT_SHA256_LEN];
    bt_sha256_final(h, raw);
    bt_sha256_free(h);
    bt_hex(raw, BT_SHA256_LEN, hex);
    CHECK_STR("sha256 incremental, byte by byte", hex,
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    char tmpl[] = "/tmp/bt-test-archive-XXXXXX";
    int fd = mkstemp(tmpl);
    CHECK("mkstemp", fd >= 0);
    if (fd >= 0) {
        CHECK("write", write(fd, "abc", 3) == 3);
        close(fd);
        uint64_t size = 0;
        bt_err e = {0};
        CHECK("sha256 file ok", bt_sha256_file(tmpl, hex, &size, &e) == BT_OK);
        CHECK_STR("sha256 file", hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK("sha256 file size", size == 3);
        char why[256] = "";
        CHECK("check_pdf rejects a non-PDF", bt_archive_check_pdf(tmpl, why, sizeof why) != 0);
        FILE *f = fopen(tmpl, "wb");
        fputs("%PDF-1.4\n1 0 obj\n<<>>\nendobj\nxref\n0 1\ntrailer\n<<>>\nstartxref\n9\n%%EOF\n", f);
        fclose(f);
        CHECK("check_pdf accepts header + startxref + %%EOF", bt_archive_check_pdf(tmpl, why, sizeof why) == 0);
        f = fopen(tmpl, "wb");
        fputs("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", f);
        fclose(f);
        CHECK("check_pdf rejects a truncated PDF", bt_archive_check_pdf(tmpl, why, sizeof why) != 0);
        CHECK("check_epub rejects a non-zip", bt_archive_check_epub(tmpl, why, sizeof why) != 0);
        CHECK("sha256 missing file fails", bt_sha256_file("/nonexistent/x", hex, NULL, &e) == BT_EIO);
        unlink(tmpl);
    }

    char *enc = bt_bag_path_encode("data/a%b\nc\rd.pdf");
    CHECK_STR("bagit path encode", enc, "data/a%25b%0Ac%0Dd.pdf");
    char *dec = bt_bag_path_decode(enc);
    CHECK_STR("bagit path decode", dec, "data/a%b\nc\rd.pdf");
    free(enc);
    free(dec);

    url("url: scheme, www, utm, fragment, slash", "https://www.Example.VN/a/b.html/?utm_source=fb&id=3#top",
        "example.vn/a/b.html?id=3");
    url("url: http = https", "http://example.vn/a/b.html", "example.vn/a/b.html");
    url("url: default port", "https://example.vn:443/x", "example.vn/x");
    url("url: keeps meaningful query", "https://example.vn/news?id=42", "example.vn/news?id=42");
    CHECK("url: empty", bt_archive_canonical_url("") == NULL);
    CHECK("url: NULL", bt_archive_canonical_url(NULL) == NULL);

    CHECK("parse_day ok", bt_archive_parse_day("2023-01-31") == 20230131);
    CHECK("parse_day rejects month 13", bt_archive_parse_day("2023-13-01") == 0);
    CHECK("parse_day rejects trailing text", bt_archive_parse_day("2023-01-01x") == 0);
    CHECK("parse_day rejects garbage", bt_archive_parse_day("yesterday") == 0);
    CHECK("parse_day rejects 30 February", bt_archive_parse_day("2023-02-30") == 0);
    CHECK("ymd of a record date with a time", arc_ymd_from_iso("2023-05-27T14:00:00+07:00") == 20230527);
    CHECK("ymd of no date", arc_ymd_from_iso("") == 0 && arc_ymd_from_iso(NULL) == 0);
    TEST_END();
}

/* test_net_feed.c - body kinds, RSS / Atom / sitemap items, feed dates, robots.txt rules. */
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "harness.h"
#include "robots.h"

static bt_feed *parse(const char *xml, const char *base)
{
    bt_feed *f = NULL;
    bt_err e;
    if (bt_feed_parse(xml, strlen(xml), base, &f, &e) != BT_OK) {
        printf("  parse error: %s\n", e.msg);
        return NULL;
    }
    return f;
}

static void test_sniff(void)
{
    CHECK("sniff: rss by type", bt_kind_sniff("application/rss+xml", "<x/>", 4) == BT_KIND_RSS);
    CHECK("sniff: rss served as text/xml", bt_kind_sniff("text/xml; charset=utf-8", "<?xml version=\"1.0\"?>\n<!-- c --><rss>", 37) == BT_KIND_RSS);
    CHECK("sniff: feed served as text/html", bt_kind_sniff("text/html", "<feed xmlns=\"http://www.w3.org/2005/Atom\">", 42) == BT_KIND_ATOM);
    CHECK("sniff: sitemap", bt_kind_sniff(NULL, "\xEF\xBB\xBF<urlset>", 11) == BT_KIND_SITEMAP);
    CHECK("sniff: sitemap index", bt_kind_sniff("application/xml", "<sitemapindex>", 14) == BT_KIND_SITEMAP_INDEX);
    CHECK("sniff: RSS 1.0", bt_kind_sniff(NULL, "<rdf:RDF xmlns:rdf=\"x\">", 23) == BT_KIND_RSS);
    CHECK("sniff: html", bt_kind_sniff("text/html", "<!DOCTYPE html><html>", 21) == BT_KIND_HTML);
    CHECK("sniff: html without a type", bt_kind_sniff(NULL, "<!doctype html>\n<html lang=vi>", 30) == BT_KIND_HTML);
    CHECK("sniff: PDF served as text/html", bt_kind_sniff("text/html", "%PDF-1.7\n", 9) == BT_KIND_PDF);
    CHECK("sniff: image", bt_kind_sniff("text/html", "\x89PNG\r\n", 6) == BT_KIND_IMAGE);
    CHECK("sniff: gzip", bt_kind_sniff("application/octet-stream", "\x1F\x8B\x08", 3) == BT_KIND_GZIP);
    CHECK("sniff: WARC", bt_kind_sniff(NULL, "WARC/1.0\r\n", 10) == BT_KIND_WARC);
    CHECK("sniff: other XML", bt_kind_sniff("application/xml", "<svg/>", 6) == BT_KIND_XML);
    CHECK("sniff: plain text", bt_kind_sniff("text/plain", "Tin mới\n\nĐoạn", 16) == BT_KIND_TEXT);
}

static void test_dates(void)
{
    bt_date d;
    CHECK("RFC 822 date with zone", bt_feed_parse_date("Sat, 27 May 2023 07:05:09 +0700", &d) && d.year == 2023 &&
                                        d.month == 5 && d.day == 27 && d.hour == 7 && d.minute == 5 &&
                                        d.second == 9 && d.tz_minutes == 420 && d.has_time);
    CHECK("RFC 822 GMT", bt_feed_parse_date("Mon, 1 Jan 2024 00:00:00 GMT", &d) && d.tz_minutes == 0 && d.day == 1);
    CHECK("RFC 822 no weekday, no seconds", bt_feed_parse_date("27 May 2023 14:00 -0500", &d) && d.hour == 14 && d.tz_minutes == -300);
    CHECK("ISO 8601", bt_feed_parse_date("2023-05-27T14:00:00+07:00", &d) && d.hour == 14 && d.tz_minutes == 420);
    CHECK("bad date", !bt_feed_parse_date("hôm qua", &d) && !bt_feed_parse_date("31 Foo 2023", &d));
}

static void test_rss(void)
{
    const char *rss =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
        "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
        "<channel><title>Tin  thế giới</title><link>https://a.vn/the-gioi</link>"
        "<item><title>Bài &amp; một</title><link>/the-gioi/bai-1.htm</link>"
        "<pubDate>Sat, 27 May 2023 07:00:00 +0700</pubDate><category>Thế giới</category>"
        "<dc:creator>Lan Anh</dc:creator>"
        "<description><![CDATA[<p>Tóm <b>tắt</b> bài</p><img src=\"x.jpg\">]]></description>"
        "<enclosure url=\"https://a.vn/anh.jpg\" type=\"image/jpeg\" length=\"1\"/></item>"
        "<item><title>Không link</title></item>"
        "<item><title>guid</title><guid>https://a.vn/bai-2.htm</guid></item>"
        "<item><title>guid no permalink</title><guid isPermaLink=\"false\">12345</guid></item>"
        "<item><title>ftp</title><link>ftp://a.vn/x</link></item>"
        "</channel></rss>";
    bt_feed *f = parse(rss, "https://a.vn/rss/the-gioi.rss");
    CHECK("rss parsed", f && f->kind == BT_KIND_RSS);
    if (!f) return;
    CHECK_STR("rss channel title", f->title, "Tin thế giới");
    CHECK("rss: 2 items with links, 3 without", f->nitems == 2 && f->nolink == 3);
    if (f->nitems == 2) {
        bt_feed_item *it = &f->items[0];
        CHECK_STR("rss: relative link resolved", it->url, "https://a.vn/the-gioi/bai-1.htm");
        CHECK_STR("rss: title", it->title, "Bài & một");
        CHECK_STR("rss: category", it->category, "Thế giới");
        CHECK_STR("rss: dc:creator", it->author, "Lan Anh");
        CHECK_STR("rss: description as text", it->description, "Tóm tắt bài");
        CHECK_STR("rss: enclosure image", it->image, "https://a.vn/anh.jpg");
        CHECK("rss: date", it->date.year == 2023 && it->date.hour == 7 && it->date.tz_minutes == 420);
        CHECK_STR("rss: permalink guid", f->items[1].url, "https://a.vn/bai-2.htm");
    }
    bt_feed_free(f);
}

static void test_atom(void)
{
    const char *atom =
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"html\">Atom &lt;b&gt;tin&lt;/b&gt;</title>"
        "<link rel=\"self\" href=\"/feed.atom\"/><link href=\"https://b.vn/\"/>"
        "<entry><title>Một</title><link rel=\"alternate\" href=\"bai/1\"/>"
        "<link rel=\"enclosure\" type=\"image/png\" href=\"/i.png\"/>"
        "<updated>2023-05-28T00:00:00Z</updated><published>2023-05-27T10:00:00+07:00</published>"
        "<author><name>Minh</name><email>m@b.vn</email></author><category term=\"Kinh tế\"/>"
        "<summary>Tóm tắt</summary></entry></feed>";
    bt_feed *f = parse(atom, "https://b.vn/x/feed.atom");
    CHECK("atom parsed", f && f->kind == BT_KIND_ATOM && f->nitems == 1);
    if (!f || f->nitems != 1) { bt_feed_free(f); return; }
    CHECK_STR("atom: title with markup", f->title, "Atom tin");
    CHECK_STR("atom: alternate link", f->items[0].url, "https://b.vn/x/bai/1");
    CHECK_STR("atom: author name", f->items[0].author, "Minh");
    CHECK_STR("atom: category term", f->items[0].category, "Kinh tế");
    CHECK_STR("atom: enclosure image", f->items[0].image, "https://b.vn/i.png");
    CHECK("atom: published beats updated", f->items[0].date.day == 27 && f->items[0].date.hour == 10);
    bt_feed_free(f);
}

static void test_sitemaps(void)
{
    const char *sm =
        "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
        "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\" "
        "xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">"
        "<url><loc> https://c.vn/a.htm </loc><lastmod>2023-05-01</lastmod>"
        "<news:news><news:publication><news:name>Báo C</news:name><news:language>vi</news:language></news:publication>"
        "<news:publication_date>2023-05-27T08:00:00+07:00</news:publication_date><news:title>Tin C</news:title></news:news>"
        "<image:image><image:loc>https://c.vn/a.jpg</image:loc></image:image></url>"
        "<url><loc>https://c.vn/b.htm</loc></url></urlset>";
    bt_feed *f = parse(sm, "https://c.vn/sitemap-news.xml");
    CHECK("sitemap parsed", f && f->kind == BT_KIND_SITEMAP && f->nitems == 2);
    if (f && f->nitems == 2) {
        CHECK_STR("sitemap: loc trimmed", f->items[0].url, "https://c.vn/a.htm");
        CHECK_STR("sitemap: news:title", f->items[0].title, "Tin C");
        CHECK_STR("sitemap: news publication name as title", f->title, "Báo C");
        CHECK("sitemap: news:publication_date", f->items[0].date.day == 27 && f->items[0].date.hour == 8);
        CHECK_STR("sitemap: image:loc", f->items[0].image, "https://c.vn/a.jpg");
    }
    bt_feed_free(f);
    const char *idx = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                      "<sitemap><loc>/s1.xml</loc></sitemap><sitemap><loc>/s2.xml.gz</loc></sitemap></sitemapindex>";
    f = parse(idx, "https://c.vn/index.xml");
    CHECK("sitemap index", f && f->kind == BT_KIND_SITEMAP_INDEX && f->nitems == 2 &&
                               strcmp(f->items[1].url, "https://c.vn/s2.xml.gz") == 0);
    bt_feed_free(f);
}

static void test_bad(void)
{
    bt_feed *f = NULL;
    bt_err e;
    const char *html = "<html><body>x</body></html>";
    CHECK("a page is not a feed", bt_feed_parse(html, strlen(html), NULL, &f, &e) == BT_EPARSE && !f &&
                                      strstr(e.msg, "not a feed"));
    CHECK("not XML", bt_feed_parse("hello", 5, NULL, &f, &e) == BT_EPARSE && strstr(e.msg, "not XML"));
    const char *bomb = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                       "<rss><channel><title>&b;</title></channel></rss>";
    CHECK("entity declarations refused", bt_feed_parse(bomb, strlen(bomb), NULL, &f, &e) == BT_EUNSAFE);
    const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE rss SYSTEM \"file:///etc/passwd\">"
                      "<rss><channel><title>t</title><item><link>https://a.vn/x</link></item></channel></rss>";
    CHECK("external DTD not loaded", bt_feed_parse(xxe, strlen(xxe), NULL, &f, &e) == BT_OK && f && f->nitems == 1);
    bt_feed_free(f);
    const char *broken = "<rss><channel><title>A & B</title><item><link>https://a.vn/1</link></item>";
    f = NULL;
    CHECK("broken feed recovered", bt_feed_parse(broken, strlen(broken), NULL, &f, &e) == BT_OK && f && f->nitems == 1);
    bt_feed_free(f);
}

static void test_robots(void)
{
    const char *txt = "# robots\nUser-agent: *\nDisallow: /private\nAllow: /private/ok\n"
                      "Disallow: /*.pdf$\nCrawl-delay: 2\n\n"
                      "User-agent: otherbot\nDisallow: /\n\n"
                      "User-agent: Bantin\nUser-agent: x\nDisallow: /nobantin/\nAllow: /\n";
    bt_robots *r = bt_robots_parse(txt, strlen(txt), "bantin");
    CHECK("robots: own group used", !bt_robots_allowed(r, "/nobantin/a") && bt_robots_allowed(r, "/private"));
    bt_robots_free(r);
    r = bt_robots_parse(txt, strlen(txt), "someoneelse");
    CHECK("robots: * group", !bt_robots_allowed(r, "/private/x") && bt_robots_allowed(r, "/private/ok/1") &&
                                 bt_robots_allowed(r, "/news/1.htm"));
    CHECK("robots: wildcard and $", !bt_robots_allowed(r, "/a/b.pdf") && bt_robots_allowed(r, "/a/b.pdf?x=1"));
    CHECK("robots: crawl-delay", bt_robots_crawl_delay(r) == 2.0 && bt_robots_delay_used(r) == 2.0);
    bt_robots_free(r);
    r = bt_robots_parse("User-agent: *\nCrawl-delay: 86400\n", 33, "bantin");
    CHECK("robots: a day's Crawl-delay is read, 30 s used", bt_robots_crawl_delay(r) == 86400.0 &&
                                                            bt_robots_delay_used(r) == BT_ROBOTS_MAX_DELAY && BT_ROBOTS_MAX_DELAY == 30.0);
    bt_robots_free(r);
    r = bt_robots_all(1);
    CHECK("robots: no file, no delay", bt_robots_delay_used(r) == 0);
    bt_robots_free(r);
    r = bt_robots_parse("User-agent: *\nDisallow:\n", 24, "bantin");
    CHECK("robots: empty Disallow allows", bt_robots_allowed(r, "/x"));
    bt_robots_free(r);
    char hostile[5000];
    for (int i = 0; i < 4990; i += 2) { hostile[i] = 'a'; hostile[i + 1] = '*'; }
    memcpy(hostile, "User-agent: *\nDisallow: /", 25);
    hostile[4990] = 'b';
    hostile[4991] = '\0';
    r = bt_robots_parse(hostile, strlen(hostile), "bantin");
    char path[3000];
    memset(path, 'a', sizeof path - 1);
    path[0] = '/';
    path[sizeof path - 1] = '\0';
    CHECK("robots: many wildcards stay fast", bt_robots_allowed(r, path));
    bt_robots_free(r);
    bt_robots *none = bt_robots_all(0), *all = bt_robots_all(1);
    CHECK("robots: unreachable disallows, missing allows", !bt_robots_allowed(none, "/x") && bt_robots_allowed(all, "/x"));
    bt_robots_free(none);
    bt_robots_free(all);
}

int main(void)
{
    test_sniff();
    test_dates();
    test_rss();
    test_atom();
    test_sitemaps();
    test_bad();
    test_robots();
    TEST_END();
}

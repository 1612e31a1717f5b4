/* robots.c - robots.txt groups and longest-match rules. */
#include "robots.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

typedef struct {
    char *pat;
    int allow;
} rule;

struct bt_robots {
    rule *rules;
    size_t n;
    int all; /* -1: use rules; 0: nothing allowed; 1: everything */
    double delay;
};

bt_robots *bt_robots_all(int allowed)
{
    bt_robots *r = bt_xcalloc(1, sizeof *r);
    r->all = allowed ? 1 : 0;
    return r;
}

void bt_robots_free(bt_robots *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) free(r->rules[i].pat);
    free(r->rules);
    free(r);
}

/* The group lines a user-agent token matches: "bantin" (exact product token) or "*". */
static int agent_matches(const char *v, size_t n, const char *product)
{
    size_t pl = strlen(product);
    if (n == 1 && v[0] == '*') return 1;
    return n == pl && strncasecmp(v, product, pl) == 0;
}

typedef struct {
    rule *rules;
    size_t n;
    double delay;
    int seen;
} group;

static void add_rule(group *g, const char *v, size_t n, int allow)
{
    g->rules = bt_xrealloc(g->rules, (g->n + 1) * sizeof *g->rules);
    g->rules[g->n].pat = bt_xstrndup(v, n);
    g->rules[g->n].allow = allow;
    g->n++;
}

bt_robots *bt_robots_parse(const char *txt, size_t len, const char *product)
{
    if (len > 512 * 1024) len = 512 * 1024;
    group mine = {0}, star = {0};
    /* state: agents of the current group, and whether rules have started in it */
    int cur_mine = 0, cur_star = 0, in_rules = 0;
    const char *p = txt, *end = txt + len;
    while (p < end) {
        const char *eol = p;
        while (eol < end && *eol != '\n' && *eol != '\r') eol++;
        const char *hash = memchr(p, '#', (size_t)(eol - p));
        const char *le = hash ? hash : eol;
        const char *colon = memchr(p, ':', (size_t)(le - p));
        if (colon) {
            const char *k = p, *ke = colon;
            while (k < ke && isspace((unsigned char)*k)) k++;
            while (ke > k && isspace((unsigned char)ke[-1])) ke--;
            const char *v = colon + 1, *ve = le;
            while (v < ve && isspace((unsigned char)*v)) v++;
            while (ve > v && isspace((unsigned char)ve[-1])) ve--;
            size_t kn = (size_t)(ke - k), vn = (size_t)(ve - v);
            if (kn == 10 && strncasecmp(k, "user-agent", 10) == 0) {
                if (in_rules) { /* a new group starts */
                    cur_mine = cur_star = 0;
                    in_rules = 0;
                }
                if (vn == 1 && *v == '*') cur_star = 1;
                else if (agent_matches(v, vn, product)) cur_mine = 1;
            } else if ((kn == 5 && strncasecmp(k, "allow", 5) == 0) ||
                       (kn == 8 && strncasecmp(k, "disallow", 8) == 0)) {
                in_rules = 1;
                int allow = kn == 5;
                if (vn == 0) { /* "Disallow:" with nothing allows all: no rule */
                    if (cur_mine) mine.seen = 1;
                    if (cur_star) star.seen = 1;
                } else {
                    if (cur_mine) { add_rule(&mine, v, vn, allow); mine.seen = 1; }
                    if (cur_star) { add_rule(&star, v, vn, allow); star.seen = 1; }
                }
            } else if (kn == 11 && strncasecmp(k, "crawl-delay", 11) == 0) {
                in_rules = 1;
                char tmp[32];
                size_t m = vn < sizeof tmp - 1 ? vn : sizeof tmp - 1;
                memcpy(tmp, v, m);
                tmp[m] = '\0';
                double d = strtod(tmp, NULL);
                if (d > 0 && d <= 1e9) {
                    if (cur_mine) { mine.delay = d; mine.seen = 1; }
                    if (cur_star) star.delay = d;
                }
            }
        }
        p = eol + 1;
    }
    bt_robots *r = bt_xcalloc(1, sizeof *r);
    r->all = -1;
    group *g = mine.seen ? &mine : &star;
    group *other = mine.seen ? &star : &mine;
    r->rules = g->rules;
    r->n = g->n;
    r->delay = g->delay;
    for (size_t i = 0; i < other->n; i++) free(other->rules[i].pat);
    free(other->rules);
    return r;
}

/* Does pattern pat match the start of path? '*' is any run, a final '$' anchors the end.
 * Iterative wildcard matching (back to the last star only), so hostile patterns cost O(n*m). */
static int match(const char *pat, const char *path)
{
    size_t pl = strlen(pat);
    int anchored = pl && pat[pl - 1] == '$';
    if (anchored) pl--;
    const char *s = path, *star_p = NULL, *star_s = NULL;
    size_t i = 0;
    for (;;) {
        if (i == pl) {
            if (!anchored || !*s) return 1;
        } else if (pat[i] == '*') {
            star_p = pat + ++i;
            star_s = s;
            continue;
        } else if (*s && pat[i] == *s) {
            i++;
            s++;
            continue;
        }
        if (!star_p || !*star_s) return 0;
        i = (size_t)(star_p - pat);
        s = ++star_s;
    }
}

int bt_robots_allowed(const bt_robots *r, const char *path)
{
    if (!r || r->all == 1) return 1;
    if (r->all == 0) return 0;
    if (strcmp(path, "/robots.txt") == 0) return 1;
    size_t best = 0;
    int allow = 1, any = 0;
    for (size_t i = 0; i < r->n; i++) {
        const rule *u = &r->rules[i];
        size_t l = strlen(u->pat);
        if (!match(u->pat, path)) continue;
        if (!any || l > best || (l == best && u->allow)) {
            best = l;
            allow = u->allow;
            any = 1;
        }
    }
    return allow;
}

double bt_robots_crawl_delay(const bt_robots *r)
{
    return r && r->all < 0 ? r->delay : 0;
}

double bt_robots_delay_used(const bt_robots *r)
{
    double d = bt_robots_crawl_delay(r);
    return d > BT_ROBOTS_MAX_DELAY ? BT_ROBOTS_MAX_DELAY : d;
}

/* site.c - site rules from templates/sites/NAME.conf (see site.h). */
#include "site.h"

#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define SITE_MAX_RULES 256
#define SITE_MAX_FILE (256 * 1024)

typedef struct {
    bt_site_kind kind;
    char *tag, *id;
    char *cls[4];
    int ncls;
} sel;

struct bt_site_rules {
    char **hosts;
    int nhosts;
    sel *sels;
    int nsels;
};

void bt_site_rules_free(bt_site_rules *r)
{
    if (!r) return;
    for (int i = 0; i < r->nhosts; i++) free(r->hosts[i]);
    free(r->hosts);
    for (int i = 0; i < r->nsels; i++) {
        free(r->sels[i].tag);
        free(r->sels[i].id);
        for (int k = 0; k < r->sels[i].ncls; k++) free(r->sels[i].cls[k]);
    }
    free(r->sels);
    free(r);
}

static int parse_sel(const char *s, size_t len, sel *out)
{
    memset(out, 0, sizeof *out);
    size_t i = 0;
    while (i < len) {
        char kind = 't';
        if (s[i] == '.' || s[i] == '#') kind = s[i++];
        size_t b = i;
        while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_')) i++;
        if (i == b) return 0;
        char *v = bt_xstrndup(s + b, i - b);
        if (kind == 't' && !out->tag) out->tag = v;
        else if (kind == '#' && !out->id) out->id = v;
        else if (kind == '.' && out->ncls < 4) out->cls[out->ncls++] = v;
        else { free(v); return 0; }
    }
    return out->tag || out->id || out->ncls;
}

bt_site_rules *bt_site_rules_parse(const char *text)
{
    bt_site_rules *r = bt_xcalloc(1, sizeof *r);
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t ll = eol ? (size_t)(eol - p) : strlen(p);
        const char *q = p, *end = p + ll;
        p = eol ? eol + 1 : p + ll;
        while (q < end && isspace((unsigned char)*q)) q++;
        if (q == end || *q == '#') continue;
        const char *k = q;
        while (q < end && !isspace((unsigned char)*q)) q++;
        size_t kl = (size_t)(q - k);
        while (q < end && isspace((unsigned char)*q)) q++;
        const char *v = q;
        const char *ve = end;
        while (ve > v && isspace((unsigned char)ve[-1])) ve--;
        if (v == ve) goto bad;
        if (kl == 4 && strncmp(k, "host", 4) == 0) {
            if (r->nhosts >= 64) goto bad;
            r->hosts = bt_xrealloc(r->hosts, (size_t)(r->nhosts + 1) * sizeof *r->hosts);
            r->hosts[r->nhosts++] = bt_xstrndup(v, (size_t)(ve - v));
        } else if ((kl == 7 && strncmp(k, "content", 7) == 0) || (kl == 6 && strncmp(k, "remove", 6) == 0)) {
            sel s;
            if (r->nsels >= SITE_MAX_RULES || !parse_sel(v, (size_t)(ve - v), &s)) goto bad;
            s.kind = kl == 7 ? BT_SITE_CONTENT : BT_SITE_REMOVE;
            r->sels = bt_xrealloc(r->sels, (size_t)(r->nsels + 1) * sizeof *r->sels);
            r->sels[r->nsels++] = s;
        } else {
            goto bad;
        }
    }
    return r;
bad:
    bt_site_rules_free(r);
    return NULL;
}

int bt_site_rules_host(const bt_site_rules *r, const char *url)
{
    if (!r || !url) return 0;
    const char *h = strstr(url, "://");
    if (!h) return 0;
    h += 3;
    size_t hl = strcspn(h, "/:?#");
    for (int i = 0; i < r->nhosts; i++) {
        size_t l = strlen(r->hosts[i]);
        if (hl < l || strncasecmp(h + hl - l, r->hosts[i], l) != 0) continue;
        if (hl == l || h[hl - l - 1] == '.') return 1;
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The rules of templates/sites/, read once for the process: every page of a batch asked for
 * them, and listing the folder and parsing its files for each page cost more system calls
 * than the page itself. Files in name order (the first whose hosts match wins, on every
 * machine); freed at exit. */
static pthread_once_t sites_once = PTHREAD_ONCE_INIT;
static bt_site_rules **sites;
static size_t nsites;

static void sites_free(void)
{
    for (size_t i = 0; i < nsites; i++) bt_site_rules_free(sites[i]);
    free(sites);
    sites = NULL;
    nsites = 0;
}

static void sites_load(void)
{
    atexit(sites_free);
    char *dir = bt_data_dir("templates");
    if (!dir) return;
    char *sd = bt_path_join(dir, "sites");
    free(dir);
    DIR *d = opendir(sd);
    char **names = NULL;
    size_t nn = 0;
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) && nn < 1000) {
            size_t l = strlen(de->d_name);
            if (l < 6 || strcmp(de->d_name + l - 5, ".conf") != 0) continue;
            names = bt_xrealloc(names, (nn + 1) * sizeof *names);
            names[nn++] = bt_xstrdup(de->d_name);
        }
        closedir(d);
    }
    if (nn) qsort(names, nn, sizeof *names, cmp_names);
    for (size_t i = 0; i < nn; i++) {
        char *path = bt_path_join(sd, names[i]);
        char *text = NULL;
        size_t len;
        bt_err e;
        if (bt_read_file(path, SITE_MAX_FILE, &text, &len, &e) == BT_OK) {
            bt_site_rules *r = bt_site_rules_parse(text);
            if (r) {
                sites = bt_xrealloc(sites, (nsites + 1) * sizeof *sites);
                sites[nsites++] = r;
            }
        }
        free(text);
        free(path);
        free(names[i]);
    }
    free(names);
    free(sd);
}

const bt_site_rules *bt_site_rules_find(const char *url, xmlDocPtr doc)
{
    (void)doc;
    if (!url) return NULL;
    pthread_once(&sites_once, sites_load);
    for (size_t i = 0; i < nsites; i++)
        if (bt_site_rules_host(sites[i], url)) return sites[i];
    return NULL;
}

static int has_class(const char *cls, const char *want)
{
    size_t wl = strlen(want);
    const char *p = cls;
    while (*p) {
        while (*p && isspace((unsigned char)*p)) p++;
        const char *b = p;
        while (*p && !isspace((unsigned char)*p)) p++;
        if ((size_t)(p - b) == wl && strncmp(b, want, wl) == 0) return 1;
    }
    return 0;
}

static const char *get_attr(const xmlNode *n, const char *name)
{
    for (xmlAttr *p = n->properties; p; p = p->next)
        if (p->name && strcasecmp((const char *)p->name, name) == 0)
            return p->children && p->children->content ? (const char *)p->children->content : "";
    return NULL;
}

int bt_site_match(const bt_site_rules *r, bt_site_kind kind, const xmlNode *n)
{
    if (!r || !n || n->type != XML_ELEMENT_NODE) return 0;
    for (int i = 0; i < r->nsels; i++) {
        const sel *s = &r->sels[i];
        if (s->kind != kind) continue;
        if (s->tag && strcasecmp(s->tag, (const char *)n->name) != 0) continue;
        if (s->id) {
            const char *id = get_attr(n, "id");
            if (!id || strcmp(id, s->id) != 0) continue;
        }
        int ok = 1;
        const char *cls = s->ncls ? get_attr(n, "class") : NULL;
        for (int k = 0; k < s->ncls && ok; k++) ok = cls && has_class(cls, s->cls[k]);
        if (ok) return 1;
    }
    return 0;
}

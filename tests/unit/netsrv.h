/* netsrv.h - start tests/httpd.py on 127.0.0.1 for a unit test and stop it again.
 * netsrv_start() returns the base URL ("http://127.0.0.1:PORT") or NULL when python3 is missing
 * (the caller prints SKIPPED). The server's root is a fresh temporary folder (netsrv.root). */
#ifndef BT_NETSRV_H
#define BT_NETSRV_H
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct {
    pid_t pid;
    char root[256], portfile[300], log[300], base[64];
} netsrv;

/* Write a file under the server's root. */
static inline void netsrv_put(const char *name, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", netsrv.root, name);
    char *slash = strrchr(path, '/');
    if (slash && slash > path + strlen(netsrv.root)) {
        *slash = '\0';
        mkdir(path, 0777);
        *slash = '/';
    }
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(data, 1, len, f);
    fclose(f);
}

static const char *netsrv_start(void)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(netsrv.root, sizeof netsrv.root, "%s/bt-netsrv-XXXXXX", tmp);
    if (!mkdtemp(netsrv.root)) return NULL;
    snprintf(netsrv.portfile, sizeof netsrv.portfile, "%s/.port", netsrv.root);
    snprintf(netsrv.log, sizeof netsrv.log, "%s/.log", netsrv.root);
    netsrv.pid = fork();
    if (netsrv.pid == 0) {
        execlp("python3", "python3", "tests/httpd.py", netsrv.root, netsrv.portfile, netsrv.log,
               (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) {
        FILE *f = fopen(netsrv.portfile, "r");
        int port = 0;
        if (f) {
            if (fscanf(f, "%d", &port) != 1) port = 0;
            fclose(f);
        }
        if (port > 0) {
            snprintf(netsrv.base, sizeof netsrv.base, "http://127.0.0.1:%d", port);
            return netsrv.base;
        }
        int st;
        if (waitpid(netsrv.pid, &st, WNOHANG) == netsrv.pid) return NULL;
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

/* How many log lines contain all of the given substrings (NULL-terminated list). */
static inline int netsrv_count(const char *a, const char *b)
{
    FILE *f = fopen(netsrv.log, "r");
    if (!f) return 0;
    char line[2048];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if ((!a || strstr(line, a)) && (!b || strstr(line, b))) n++;
    fclose(f);
    return n;
}

static void netsrv_stop(void)
{
    if (netsrv.pid > 0) {
        kill(netsrv.pid, SIGTERM);
        waitpid(netsrv.pid, NULL, 0);
        netsrv.pid = 0;
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", netsrv.root);
    if (system(cmd) != 0) { /* a leftover temp folder is harmless */ }
}
#endif

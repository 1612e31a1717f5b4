/* progress.c - the one progress display (see progress.h). */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bt_progress *active; /* the progress whose line is on the screen */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void bt_progress_format_time(double s, char out[16]) {
    if (s < 0 || s > 359999) s = 359999;
    int t = (int)(s + 0.5);
    int h = t / 3600 % 100, m = t / 60 % 60, sec = t % 60;
    if (h) snprintf(out, 16, "%d:%02d:%02d", h, m, sec);
    else snprintf(out, 16, "%d:%02d", m, sec);
}

void bt_progress_init(bt_progress *p, const char *cmd, int quiet, int verbose, int plain_lines) {
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->verbose = verbose;
    const char *force = getenv("BANTIN_PROGRESS");
    int tty = isatty(2);
    if (force && !strcmp(force, "line")) tty = 1;
    else if (force && (!strcmp(force, "plain") || !strcmp(force, "off"))) tty = 0;
    if (quiet || (force && !strcmp(force, "off"))) p->mode = BT_PROGRESS_OFF;
    else if (tty) p->mode = BT_PROGRESS_LINE;
    else p->mode = plain_lines ? BT_PROGRESS_PLAIN : BT_PROGRESS_OFF;
}

static void erase(bt_progress *p) {
    if (p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        p->drawn = 0;
    }
    if (active == p) active = NULL;
}

void bt_progress_interrupt(void) {
    if (active) erase(active);
}

static void draw(bt_progress *p) {
    double t = now_s();
    char line[160];
    if (!p->total) {
        char el[16];
        bt_progress_format_time(t - p->start, el);
        snprintf(line, sizeof line, "%-8s %s", p->phase, el);
    } else {
        enum { WIDTH = 20 };
        char bar[WIDTH + 1];
        size_t fill = p->done >= p->total ? WIDTH : p->done * WIDTH / p->total;
        for (size_t i = 0; i < WIDTH; i++) bar[i] = i < fill ? '#' : '.';
        bar[WIDTH] = '\0';
        double el = t - p->start;
        char rate[32] = "", left[32] = "";
        /* (a rate over the first 50 ms means little; at the end it is the run's own) */
        if (p->done > 0 && el > 0 && (el > 0.05 || p->done >= p->total)) {
            double r = p->done / el;
            snprintf(rate, sizeof rate, "%7.1f/s", r);
            char lt[16];
            bt_progress_format_time((double)(p->total - (p->done < p->total ? p->done : p->total)) / r, lt);
            snprintf(left, sizeof left, "  %s left", lt);
        }
        snprintf(line, sizeof line, "%-8s [%s] %*zu/%zu %s%s", p->phase, bar,
                 p->total >= 10000 ? 6 : 5, p->done, p->total, rate, left);
    }
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
    p->drawn = 1;
    p->last_draw = t;
    active = p;
}

void bt_progress_phase(bt_progress *p, const char *phase, size_t total) {
    if (p->mode == BT_PROGRESS_OFF) return;
    p->phase = phase;
    p->total = total;
    p->done = 0;
    p->last_tenth = 0;
    p->start = now_s();
    if (p->mode == BT_PROGRESS_LINE) {
        draw(p);
    } else if (total || p->verbose) {
        fprintf(stderr, "bantin: %s: %s%s", p->cmd, phase, total ? ": " : "");
        if (total) fprintf(stderr, "%zu", total);
        fputc('\n', stderr);
    }
}

void bt_progress_update(bt_progress *p, size_t done) {
    if (p->mode == BT_PROGRESS_OFF || !p->phase) return;
    p->done = done;
    if (p->mode == BT_PROGRESS_LINE) {
        if (done == p->total || now_s() - p->last_draw >= 0.1) draw(p);
        return;
    }
    /* plain lines: every tenth of the way, and the last item */
    size_t tenth = p->total ? done * 10 / p->total : 10;
    if (tenth > p->last_tenth || done == p->total) {
        if (tenth == p->last_tenth && done != p->total) return;
        p->last_tenth = tenth;
        fprintf(stderr, "bantin: %s: %s %zu/%zu\n", p->cmd, p->phase, done, p->total);
    }
}

void bt_progress_end(bt_progress *p) {
    erase(p);
    p->phase = NULL;
}

/* progress.h - the progress display of long runs (archive, pdf -d, epub of many inputs).
 *
 * On a terminal (stderr is a tty): one line redrawn in place, at most ten times a second,
 *   "render   [########............]   812/2616   61.4/s  0:29 left"
 * (phase, done/total, items per second, time left), erased when the run ends.
 * Not on a terminal: PLAIN mode prints the archive's lines ("bantin: archive: render: 2616" when
 * a phase starts, "bantin: archive: render 262/2616" every tenth of the way); OFF prints nothing
 * (pdf and epub print their usual lines themselves). Quiet (-q): nothing at all.
 * Lines printed by cli.c (errors, warnings) first erase the progress line, so they never end
 * up glued to it. Not thread-safe: callers serialise (the archive reports under its lock). */
#ifndef BT_PROGRESS_H
#define BT_PROGRESS_H

#include <stddef.h>

typedef enum { BT_PROGRESS_OFF, BT_PROGRESS_LINE, BT_PROGRESS_PLAIN } bt_progress_mode;

typedef struct {
    bt_progress_mode mode;
    const char *cmd;   /* "archive": the name in plain lines */
    int verbose;       /* plain: also announce phases without a total */
    const char *phase;
    size_t total, done, last_tenth;
    double start, last_draw;
    int drawn;         /* a line is on the screen */
} bt_progress;

/* Pick the mode: quiet -> OFF; stderr a terminal -> LINE; otherwise PLAIN when plain_lines, else
 * OFF. BANTIN_PROGRESS=line|plain|off overrides the terminal test (quiet still wins). */
void bt_progress_init(bt_progress *p, const char *cmd, int quiet, int verbose, int plain_lines);
/* A phase starts ("render", 2616 items; total 0: no count, e.g. "index"). */
void bt_progress_phase(bt_progress *p, const char *phase, size_t total);
/* done items of the phase are finished. */
void bt_progress_update(bt_progress *p, size_t done);
/* The run is over: erase the line. */
void bt_progress_end(bt_progress *p);
/* Erase the active progress line (if any) before printing something else on stderr. */
void bt_progress_interrupt(void);

/* "0:29", "12:05", "1:02:03" (for tests). out holds 16 bytes. */
void bt_progress_format_time(double seconds, char out[16]);

#endif

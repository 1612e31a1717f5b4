/* netopt.c - parsing the shared network options. */
#include "netopt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int number(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi)) return 0;
    *out = v;
    return 1;
}

int bt_netopt_handle(int c, const char *arg, bt_source_opts *o, char *msg, size_t msgsz)
{
    double v;
    switch (c) {
    case BT_NETOPT_OFFLINE: o->offline = 1; return 1;
    case BT_NETOPT_USER_AGENT:
        if (!*arg || strpbrk(arg, "\r\n")) {
            snprintf(msg, msgsz, "--user-agent must be one non-empty line");
            return -1;
        }
        o->fetch.user_agent = arg;
        return 1;
    case BT_NETOPT_INSECURE: o->fetch.insecure = 1; return 1;
    case BT_NETOPT_ALLOW_PRIVATE: o->fetch.allow_private = 1; return 1;
    case BT_NETOPT_IGNORE_ROBOTS: o->ignore_robots = 1; return 1;
    case BT_NETOPT_NO_IMAGES: o->no_images = 1; return 1;
    case BT_NETOPT_DELAY:
        if (!number(arg, 0, 3600, &v)) {
            snprintf(msg, msgsz, "--delay needs seconds between 0 and 3600");
            return -1;
        }
        o->fetch.delay_s = v;
        return 1;
    case BT_NETOPT_TIMEOUT:
        if (!number(arg, 1, 86400, &v)) {
            snprintf(msg, msgsz, "--timeout needs seconds between 1 and 86400");
            return -1;
        }
        o->fetch.timeout_s = (long)v;
        return 1;
    case BT_NETOPT_PER_HOST:
        if (!number(arg, 1, 64, &v) || v != (int)v) {
            snprintf(msg, msgsz, "--per-host needs a number from 1 to 64");
            return -1;
        }
        o->fetch.per_host = (int)v;
        return 1;
    default: return 0;
    }
}

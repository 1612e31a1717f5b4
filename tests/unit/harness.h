/* harness.h - a minimal unit-test harness: CHECK prints PASS/FAIL lines that tests/run.sh counts. */
#ifndef BT_HARNESS_H
#define BT_HARNESS_H
#include <stdio.h>
#include <string.h>

static int bt_t_failed;
#define CHECK(name, cond)                                                                  \
    do {                                                                                   \
        if (cond) printf("PASS: %s\n", name);                                              \
        else { printf("FAIL: %s (%s:%d: %s)\n", name, __FILE__, __LINE__, #cond); bt_t_failed++; } \
    } while (0)
#define CHECK_STR(name, got, want)                                                         \
    do {                                                                                   \
        const char *g_ = (got), *w_ = (want);                                              \
        if ((g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0)) printf("PASS: %s\n", name); \
        else { printf("FAIL: %s (got \"%s\", want \"%s\")\n", name, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); bt_t_failed++; } \
    } while (0)
#define TEST_END() return bt_t_failed ? 1 : 0
#endif

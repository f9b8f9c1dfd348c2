/* check.h — a minimal assertion harness for the core's unit tests.
 * Each test program runs the groups named on its command line (or all) and
 * exits non-zero if any check failed, printing "N passed, N failed". */
#ifndef WRTC_CHECK_H
#define WRTC_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond) do { \
    if (cond) { check_passed++; } \
    else { check_failed++; fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_EQ(a, b) do { \
    long long _a = (long long)(a), _b = (long long)(b); \
    if (_a == _b) { check_passed++; } \
    else { check_failed++; fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, expected %s == %lld\n", \
                                   __FILE__, __LINE__, #a, _a, #b, _b); } \
} while (0)

typedef struct { const char *name; void (*fn)(void); } check_group_t;

static int check_main(int argc, char **argv, const check_group_t *groups, size_t n)
{
    size_t i;
    int a, ran = 0;
    for (i = 0; i < n; i++) {
        int want = argc < 2;
        for (a = 1; a < argc; a++)
            if (strcmp(argv[a], groups[i].name) == 0)
                want = 1;
        if (want) {
            groups[i].fn();
            ran++;
        }
    }
    if (ran == 0) {
        fprintf(stderr, "no such test group\n");
        return 2;
    }
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif

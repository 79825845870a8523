/* Minimal C unit-test harness for triscope's pure-C parts.
 *
 * Each test file defines functions and calls them with RUN(fn) from main(),
 * then returns CHECK_SUMMARY().  CHECK(cond) records a failure with the file
 * and line and continues, so one run reports every broken expectation.
 * The summary line is "N passed, N failed" so CI runners can read it. */
#ifndef TRISCOPE_TESTS_CHECK_H
#define TRISCOPE_TESTS_CHECK_H

#include <stdio.h>
#include <math.h>

static int check_passed_; /* owned by the test binary's main thread */
static int check_failed_; /* owned by the test binary's main thread */

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (cond) {                                                        \
            check_passed_++;                                               \
        } else {                                                           \
            check_failed_++;                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,         \
                    __LINE__, #cond);                                      \
        }                                                                  \
    } while (0)

#define CHECK_NEAR(a, b, tol) CHECK(fabs((double)(a) - (double)(b)) <= (tol))

#define RUN(fn)                                                            \
    do {                                                                   \
        int before_ = check_failed_;                                       \
        fn();                                                              \
        fprintf(stderr, "%s %s\n", check_failed_ == before_ ? "ok  " : "FAIL", #fn); \
    } while (0)

#define CHECK_SUMMARY()                                                    \
    (printf("%s: %d passed, %d failed\n", __FILE__, check_passed_,         \
            check_failed_),                                                \
     check_failed_ != 0)

#endif

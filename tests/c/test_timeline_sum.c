/* Tests for native/profile/timeline_sum.c: the sum of two step functions on
 * a common time base (offsets, a side that ends early, ties), thinning that
 * keeps the maximum, and the empty cases. */
#include "check.h"
#include "test_util.h"
#include "timeline_sum.h"

#include <math.h>
#include <stdlib.h>

static void
test_offset_and_early_end(void)
{
    static const ts_point_t a[] = {{0, 10}, {2, 30}, {6, 20}};
    static const ts_point_t b[] = {{0, 5}, {1, 40}, {2.5, 15}};
    static const double want[] = {0, 10, 2, 30, 4, 35, 5, 70, 6, 60, 6.5, 35, 7, 20};
    ts_step_t sa = {a, 3, 0.0, INFINITY}, sb = {b, 3, 4.0, 7.0};
    ts_point_t *out = NULL;
    size_t n = 0;

    CHECK(ts_step_sum(&sa, &sb, 100, &out, &n) == 0);
    CHECK(points_are(out, n, want, 7));
    free(out);
    /* the order of the sides does not matter */
    CHECK(ts_step_sum(&sb, &sa, 100, &out, &n) == 0);
    CHECK(points_are(out, n, want, 7));
    free(out);
}

static void
test_same_times_and_identity(void)
{
    static const ts_point_t a[] = {{0.5, 1}, {1.5, 3}, {1.5, 4}};
    static const double doubled[] = {0.5, 2, 1.5, 6, 1.5, 8};
    ts_step_t sa = {a, 3, 0.0, INFINITY}, none = {NULL, 0, 0.0, INFINITY};
    ts_point_t *out = NULL;
    size_t n = 0;

    CHECK(ts_step_sum(&sa, &sa, 100, &out, &n) == 0); /* one point per shared time */
    CHECK(points_are(out, n, doubled, 3));
    free(out);
    CHECK(ts_step_sum(&sa, &none, 100, &out, &n) == 0); /* with nothing: unchanged */
    CHECK(points_are(out, n, (const double[]){0.5, 1, 1.5, 3, 1.5, 4}, 3));
    free(out);
    CHECK(ts_step_sum(&none, &none, 100, &out, &n) == 0);
    CHECK(out == NULL && n == 0);
}

static void
test_end_before_last_point_is_ignored(void)
{
    static const ts_point_t a[] = {{0, 1}, {3, 2}};
    ts_step_t sa = {a, 2, 1.0, 2.0}, none = {NULL, 0, 0.0, 0.0};
    ts_point_t *out = NULL;
    size_t n = 0;

    /* an end at or before the last point (clocks that disagree) adds no drop */
    CHECK(ts_step_sum(&sa, &none, 100, &out, &n) == 0);
    CHECK(points_are(out, n, (const double[]){1, 1, 4, 2}, 2));
    free(out);
    sa.end_s = 5.0; /* a real end: the run's memory is gone after it */
    CHECK(ts_step_sum(&sa, &none, 100, &out, &n) == 0);
    CHECK(points_are(out, n, (const double[]){1, 1, 4, 2, 5, 0}, 3));
    free(out);
}

static void
test_thinning_keeps_maximum(void)
{
    ts_point_t a[200], b[200];
    ts_step_t sa = {a, 200, 0.0, INFINITY}, sb = {b, 200, 0.25, INFINITY};
    ts_point_t *out = NULL;
    size_t n = 0;

    for (int i = 0; i < 200; i++) {
        a[i].t_s = i;
        a[i].mb = i == 77 ? 1000.0 : 1.0;
        b[i].t_s = i;
        b[i].mb = 2.0;
    }
    CHECK(ts_step_sum(&sa, &sb, 128, &out, &n) == 0);
    CHECK(n > 0 && n <= 128);
    CHECK(ts_points_max(out, n) == 1002.0);
    /* the kept points are still in time order */
    int ordered = 1;
    for (size_t i = 1; i < n; i++) {
        ordered = ordered && out[i].t_s >= out[i - 1].t_s;
    }
    CHECK(ordered);
    free(out);

    ts_point_t p[] = {{0, 1}, {1, 5}, {2, 2}, {3, 9}, {4, 3}};
    CHECK(ts_points_thin_max(p, 5, 2) == 2); /* runs of 3: {1,5,2} and {9,3} */
    CHECK(p[0].t_s == 1 && p[0].mb == 5 && p[1].t_s == 3 && p[1].mb == 9);
    CHECK(ts_points_thin_max(p, 2, 5) == 2);
    CHECK(ts_points_max(NULL, 0) == 0.0);
}

int
main(void)
{
    RUN(test_offset_and_early_end);
    RUN(test_same_times_and_identity);
    RUN(test_end_before_last_point_is_ignored);
    RUN(test_thinning_keeps_maximum);
    return CHECK_SUMMARY();
}

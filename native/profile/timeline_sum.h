/* timeline_sum.h -- the sum of two memory timelines of processes that ran
 * side by side (used when profiles are merged, profile_merge.h).
 *
 * A timeline is read as a step function of time: 0 before its first point,
 * pts[i].mb from pts[i].t_s until the next point, and the last value until
 * the process ended, 0 after.  Each side's times are relative to its own
 * start and are moved onto the common time base by offset_s.  The sum has
 * a point wherever either side has one (one point where both have one at
 * the same time) and where a side ended before the other, so summing a
 * timeline with an empty one gives it back unchanged.  No state; pure.
 * Not async-signal-safe.
 */
#ifndef TRISCOPE_TIMELINE_SUM_H
#define TRISCOPE_TIMELINE_SUM_H

#include <stddef.h>

#include "profile_model.h"

typedef struct ts_step {
    const ts_point_t *pts; /* n points, times non-decreasing */
    size_t n;
    double offset_s;       /* added to every pts[i].t_s */
    double end_s;          /* when the process ended, on the common base;
                              INFINITY: its last value holds to the end */
} ts_step_t;

/* Sums a and b into a fresh array *out (malloc'd; NULL when both are
 * empty) of *n_out points.  If the sum has more than limit points (limit
 * >= 1), it is thinned with ts_points_thin_max.  Returns 0, or -1 on
 * allocation failure (*out NULL, *n_out 0). */
int ts_step_sum(const ts_step_t *a, const ts_step_t *b, size_t limit, ts_point_t **out,
                size_t *n_out);

/* Thins p[0..n) in place to at most limit points (limit >= 1): consecutive
 * runs of ceil(n / limit) points each keep only their highest point (the
 * first of equals), so the maximum survives.  Returns the new count. */
size_t ts_points_thin_max(ts_point_t *p, size_t n, size_t limit);

/* The highest mb of p[0..n); 0 when n is 0. */
double ts_points_max(const ts_point_t *p, size_t n);

#endif

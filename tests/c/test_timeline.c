/* Unit tests for timeline.h: the bounded memory timeline (thinning keeps it
 * spread over the whole run). */
#include "check.h"
#include "timeline.h"

#include <stdlib.h>

static void
test_timeline_bounded_and_spread(void)
{
    ts_timeline_t tl;
    ts_timeline_init(&tl);
    for (int i = 0; i < 100000; i++)
        ts_timeline_add(&tl, i * 0.001, (double)i);
    CHECK(tl.n <= TS_TIMELINE_MAX && tl.n >= TS_TIMELINE_MAX / 2);
    CHECK(tl.points[0].t_s == 0.0);
    CHECK(tl.points[tl.n - 1].t_s > 99.0);       /* covers the whole run */
    int increasing = 1;
    for (size_t i = 1; i < tl.n; i++)
        increasing &= tl.points[i].t_s > tl.points[i - 1].t_s;
    CHECK(increasing);
    size_t n;
    ts_point_t *copy = ts_timeline_copy(&tl, &n);
    CHECK(copy && n == tl.n && copy[n - 1].mb == tl.points[n - 1].mb);
    free(copy);
}

int
main(void)
{
    RUN(test_timeline_bounded_and_spread);
    return CHECK_SUMMARY();
}

/* timeline_sum.c -- see timeline_sum.h.
 *
 * Each side is walked as a stream of events: its points, then (if it ended
 * after its last point but before the common end) a drop to 0.  The two
 * streams are merged by time, like the merge step of a merge sort; at each
 * event the sum of both sides' current values is recorded.
 */
#include "timeline_sum.h"

#include <math.h>
#include <stdlib.h>

/* Number of events of side s: its points, plus one for the drop. */
static size_t
events(const ts_step_t *s)
{
    int drop = s->n > 0 && isfinite(s->end_s) &&
               s->end_s > s->pts[s->n - 1].t_s + s->offset_s;
    return s->n + (drop ? 1 : 0);
}

static double
event_time(const ts_step_t *s, size_t i)
{
    return i < s->n ? s->pts[i].t_s + s->offset_s : s->end_s;
}

static double
event_value(const ts_step_t *s, size_t i)
{
    return i < s->n ? s->pts[i].mb : 0.0;
}

int
ts_step_sum(const ts_step_t *a, const ts_step_t *b, size_t limit, ts_point_t **out,
            size_t *n_out)
{
    size_t ca = events(a), cb = events(b), ia = 0, ib = 0, k = 0;
    double va = 0.0, vb = 0.0;
    ts_point_t *p;

    *out = NULL;
    *n_out = 0;
    if (ca + cb == 0) {
        return 0;
    }
    p = malloc((ca + cb) * sizeof *p);
    if (!p) {
        return -1;
    }
    while (ia < ca || ib < cb) {
        double ta = ia < ca ? event_time(a, ia) : INFINITY;
        double tb = ib < cb ? event_time(b, ib) : INFINITY;
        /* the earlier side moves, both on a tie (and on NaN: no endless loop) */
        int take_a = ia < ca && !(tb < ta), take_b = ib < cb && !(ta < tb);
        double t = take_a ? ta : tb;
        if (take_a) {
            va = event_value(a, ia++);
        }
        if (take_b) {
            vb = event_value(b, ib++);
        }
        p[k].t_s = t > 0.0 ? t : 0.0;
        p[k].mb = va + vb;
        k++;
    }
    *out = p;
    *n_out = ts_points_thin_max(p, k, limit);
    return 0;
}

size_t
ts_points_thin_max(ts_point_t *p, size_t n, size_t limit)
{
    size_t run, k = 0;

    if (limit == 0 || n <= limit) {
        return n;
    }
    run = (n + limit - 1) / limit;
    for (size_t i = 0; i < n; i += run) {
        size_t best = i;
        for (size_t j = i + 1; j < i + run && j < n; j++) {
            if (p[j].mb > p[best].mb) {
                best = j;
            }
        }
        p[k++] = p[best];
    }
    return k;
}

double
ts_points_max(const ts_point_t *p, size_t n)
{
    double mx = 0.0;

    for (size_t i = 0; i < n; i++) {
        if (p[i].mb > mx) {
            mx = p[i].mb;
        }
    }
    return mx;
}

/* timeline.c -- a bounded, evenly thinned series of (time, MB) points: its
 * appending and thinning (see timeline.h). */
#include "timeline.h"

#include <stdlib.h>
#include <string.h>

void
ts_timeline_init(ts_timeline_t *tl)
{
    tl->n = 0;
    tl->min_gap_s = 0.001;
}

void
ts_timeline_add(ts_timeline_t *tl, double t_s, double mb)
{
    if (tl->n > 0 && t_s - tl->points[tl->n - 1].t_s < tl->min_gap_s && tl->n > 1) {
        tl->points[tl->n - 1].mb = mb; /* too close: the latest value wins */
        tl->points[tl->n - 1].t_s = t_s;
        return;
    }
    if (tl->n == TS_TIMELINE_MAX) {
        size_t k = 0;
        for (size_t i = 0; i < tl->n; i += 2)
            tl->points[k++] = tl->points[i];
        tl->n = k;
        tl->min_gap_s *= 2;
    }
    tl->points[tl->n].t_s = t_s;
    tl->points[tl->n].mb = mb;
    tl->n++;
}

ts_point_t *
ts_timeline_copy(const ts_timeline_t *tl, size_t *n)
{
    *n = 0;
    if (tl->n == 0)
        return NULL;
    ts_point_t *p = malloc(tl->n * sizeof *p);
    if (p) {
        memcpy(p, tl->points, tl->n * sizeof *p);
        *n = tl->n;
    }
    return p;
}

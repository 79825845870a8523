/* timeline.h -- a bounded, evenly thinned series of (time, MB) points.
 *
 * Memory timelines (the global footprint and each line's live bytes) are
 * appended to for the whole run but must stay small and bounded: when the
 * series is full, every other point is dropped and the minimum spacing
 * doubles, so the points stay spread over the whole run.  Not thread-safe
 * (one owner: the drain).
 * Not async-signal-safe.
 */
#ifndef TRISCOPE_TIMELINE_H
#define TRISCOPE_TIMELINE_H

#include <stddef.h>

#include "profile_model.h"

#define TS_TIMELINE_MAX 128

typedef struct ts_timeline {
    ts_point_t points[TS_TIMELINE_MAX];
    size_t n;
    double min_gap_s; /* points closer than this to the previous are merged */
} ts_timeline_t;

void ts_timeline_init(ts_timeline_t *tl);

/* Records the value at time t (non-decreasing).  A point closer than the
 * current spacing to the previous one replaces it. */
void ts_timeline_add(ts_timeline_t *tl, double t_s, double mb);

/* A malloc'd copy of the points (NULL if empty or on failure); *n set. */
ts_point_t *ts_timeline_copy(const ts_timeline_t *tl, size_t *n);

#endif

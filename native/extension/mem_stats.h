/* mem_stats.h -- per-line memory statistics: allocated, Python share, live
 * and peak bytes, timelines, copy volume, the global footprint, and leaks.
 *
 * Fed by the drain with sampled events (weights are unbiased byte
 * estimates, see mem_protocol.h).  A "site" is a (file, line, function)
 * triple of a shown file, or one of two buckets: allocations by threads with
 * no Python frame at all ("<native>"), and allocations whose frames reach no
 * shown file.  Every sampled live pointer is remembered with its site and
 * weight until its free arrives, so live bytes, peaks and leaks are exact
 * functions of the sample.  Bounded: sites by the program's line count,
 * pointers by the preload's table size.  Owner: the drain, GIL held.
 */
#ifndef TRISCOPE_MEM_STATS_H
#define TRISCOPE_MEM_STATS_H

#include <stdint.h>

#include "profile_model.h"

#define TS_SITE_NATIVE (-2)       /* file index for "<native>" */
#define TS_SITE_UNATTRIBUTED (-3) /* file index for "no shown frame" */

void ts_mem_stats_reset(double start_mono_s);
void ts_mem_stats_free(void);

/* A sampled allocation of `weight` bytes at `ptr`, at time t (monotonic s). */
void ts_mem_stats_alloc(int file, int func, int line, uint64_t ptr, uint64_t weight,
                        int python, double t);

/* A free of a sampled pointer. */
void ts_mem_stats_free_ptr(uint64_t ptr, double t);

/* Sampled copy volume. */
void ts_mem_stats_copy(int file, int func, int line, uint64_t weight);

/* Adds memory statistics, timelines, footprint and leaks to a model whose
 * CPU part is built.  elapsed_s is the run's length.  Returns 0 or -1. */
int ts_mem_stats_fill_model(ts_model_t *m, double elapsed_s);

#endif

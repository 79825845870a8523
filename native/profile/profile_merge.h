/* profile_merge.h -- adding one process's profile into another's.
 *
 * The profiles of a program's processes (fork and multiprocessing
 * children, MPI or torchrun ranks) are merged into one: time, memory and
 * GPU figures add up per file, line and function, and the processes are
 * taken to have run side by side, each over its own span of wall-clock
 * time (start_time_absolute, elapsed_s).  docs/merge.md states the rule of
 * every field; in short:
 *
 *   - files by path, lines by number, functions by (name, first line):
 *     statistics added with ts_stats_add (peaks take the max); a file or
 *     line dst lacks is added, with src's source text; hidden_s added;
 *   - totals and counts added; ncpus the max; elapsed_s the wall span
 *     covering both runs; memory and gpu are on if either had them;
 *     cpu_only, virtual_time, sampling interval and the run's names
 *     (program, args, versions) stay dst's, filled from src where dst's
 *     are empty;
 *   - memory timelines (the footprint and every line's) are the sum of both
 *     step functions on the common time base (timeline_sum.h), bounded to
 *     the larger of TS_TIMELINE_MAX and the inputs' lengths, maxima kept;
 *   - leaks: likelihood the max, velocity added;
 *   - @profile selections: a line or function is reported (selected) in
 *     the result if either input reports it -- all of an input's lines when
 *     it is not selected_only; the result is selected_only if either is.
 *
 * A blank dst (a fresh ts_model_new: no files, samples, time or start)
 * takes src's run settings too, so merging into it gives src back.
 * Not async-signal-safe.
 */
#ifndef TRISCOPE_PROFILE_MERGE_H
#define TRISCOPE_PROFILE_MERGE_H

#include "profile_model.h"

/* Adds src into dst (src != dst; src is not changed).  Call
 * ts_model_finish on dst afterwards to order its files by time.  Returns
 * 0, or -1 on allocation failure: dst is then valid (it can be freed or
 * written) but partly merged. */
int ts_model_merge(ts_model_t *dst, const ts_model_t *src);

#endif

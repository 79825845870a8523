/* attrib.h -- where a stack of raw frames is charged: the innermost frame in
 * a shown file (file_filter.h), so time inside libraries lands on the user
 * line that called them.  Shared by the sample, off-CPU, GPU and memory
 * drains.  Owns no state: it reads the resolver (resolve.h) and writes the
 * statistics tables (aggregate.h).  Drain only, GIL held. */
#ifndef TRISCOPE_ATTRIB_H
#define TRISCOPE_ATTRIB_H

#include <Python.h>
#include <stdint.h>

#include "aggregate.h"
#include "sample_ring.h"

/* A line of a shown file: aggregate file and function indices (func may be
 * -1) and the line number. */
typedef struct ts_site {
    int file, func, line;
} ts_site_t;

/* Finds the innermost frame in a shown file.  Returns 1 and fills *site, or
 * 0 if no frame is shown.  Not async-signal-safe. */
int ts_attrib_innermost(const ts_frame_t *frames, int n, ts_site_t *site);

/* Charges ns of `kind` to the innermost shown frame; CPU time (Python or
 * native) with no shown frame goes to "unattributed", system time with none
 * is dropped.  Not async-signal-safe. */
void ts_attrib_charge(const ts_frame_t *frames, int n, enum ts_charge_kind kind, uint64_t ns);

/* The line thread state `ts` (any thread of the interpreter, GIL held) is on
 * now.  Returns 1 and fills *site, or 0 if it is on no shown line.
 * Not async-signal-safe. */
int ts_attrib_thread_site(PyThreadState *ts, ts_site_t *site);

#endif

/* resolve.h -- from raw (code pointer, byte offset) pairs to files, lines and
 * functions.
 *
 * The signal handler stores code pointers it does not own.  The first time
 * the drain meets a pointer it checks, by copying the object header with
 * ts_safe_read (never faulting), that it still is a live code object with the
 * first line the handler saw; only then does it take a strong reference.
 * From then on the object cannot die, so its address cannot be reused and
 * the cached answer stays right.  Lines are cached per (code, offset) because
 * decoding a line table costs 100+ ns per frame on 3.11+.
 * Owner: the drain, under the GIL.  Bounded: at most TS_MAX_CODES code
 * objects are held; past that, new ones resolve as unknown.
 */
#ifndef TRISCOPE_RESOLVE_H
#define TRISCOPE_RESOLVE_H

#include "sample_ring.h"

#define TS_MAX_CODES 200000

typedef struct ts_code_ref {
    int file;   /* aggregate file index */
    int func;   /* aggregate function index, -1 if the file is not shown */
    int shown;  /* the file is shown in profiles */
} ts_code_ref_t;

/* Resolves the code object of a frame.  Returns 0 and fills *out, or -1 if
 * the pointer is not (or no longer) a live code object.
 * Not async-signal-safe. */
int ts_resolve_code(const ts_frame_t *frame, ts_code_ref_t *out);

/* The line of a frame whose code resolved.  Returns >= 1.
 * Not async-signal-safe. */
int ts_resolve_line(const ts_frame_t *frame);

/* Drops every reference and cache entry.  GIL held.  Not async-signal-safe. */
void ts_resolve_reset(void);

#endif

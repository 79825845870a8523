/* mem_drain.h -- the memory drain: the preload library's sampled memory
 * events (mem_protocol.h), consumed in order, charged to shown lines and
 * fed to the memory statistics (mem_stats.h).  Owns no state (the stream is
 * the preload's, the statistics mem_stats.c's).  Drain only, GIL held.
 */
#ifndef TRISCOPE_MEM_DRAIN_H
#define TRISCOPE_MEM_DRAIN_H

/* Consumes the events waiting now, at most a bounded number per pass (the
 * rest wait for the next): threads without the GIL may keep producing while
 * the drain holds it, and the pass must end.  Does nothing without the
 * preload library.  Not async-signal-safe. */
void ts_mem_drain_pass(void);

#endif

/* offcpu.h -- off-CPU (system) time.
 *
 * In wall-clock mode each drain pass reads every live thread's CPU clock and
 * the monotonic clock: wall time elapsed minus CPU time consumed since the
 * previous pass is time the thread spent off a CPU (sleeping, in I/O,
 * waiting for a lock or the GIL).  It is charged as system time to the line
 * the thread is on now, read from its frames under the GIL.  No signal ever
 * interrupts a blocked thread.  Owns no state of its own: the clocks at the
 * previous pass live in the thread's slot (drain_cpu_ns, drain_wall_ns).
 * Drain only, GIL held.
 */
#ifndef TRISCOPE_OFFCPU_H
#define TRISCOPE_OFFCPU_H

#include "sampler.h"

/* Charges the off-CPU time of live slot s since the previous pass and
 * advances its clocks.  virtual_time: only advance the clocks (no system
 * time is profiled).  Not async-signal-safe. */
void ts_offcpu_charge(ts_thread_slot_t *s, int virtual_time);

#endif

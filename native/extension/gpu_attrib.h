/* gpu_attrib.h -- charging GPU readings (gpu_nvml.h) to the lines that run
 * while they are taken.
 *
 * A drain pass that finds the previous poll at least 200 ms old (NVML's own
 * samples come about that often) polls again and charges the reading --
 * utilisation % and GPU memory MB -- once to the line each running thread
 * is on now (innermost shown frame, read under the GIL).  A thread is
 * running if it used at least a tenth of the wall time since the previous
 * poll on a CPU (a thread that spin-waits for the GPU does; one blocked in a
 * queue does not); if none did (on a shown line), the thread that started
 * the session is charged (it may be blocked in a synchronising call).  So a
 * line's figure is the average GPU utilisation sampled while it was
 * executing, not the GPU work it launched.  NVML is never called from the
 * signal handler.
 *
 * Owns whether this session opened NVML and when it last polled.  Drain
 * only, GIL held.
 */
#ifndef TRISCOPE_GPU_ATTRIB_H
#define TRISCOPE_GPU_ATTRIB_H

#include <Python.h>

/* Opens NVML for the session.  Returns 1 if it found GPUs (then passes
 * poll them), else 0.  Call ts_gpu_attrib_restart_clock() before the first
 * pass.  Not async-signal-safe. */
int ts_gpu_attrib_open(void);

/* The next poll is due 200 ms from now (start, unpause).
 * Not async-signal-safe. */
void ts_gpu_attrib_restart_clock(void);

/* Polls when due and charges the running threads' lines; `owner` is the
 * thread state that started the session.  Call after the registry's pass
 * (registry.h): live slots are the threads seen now.
 * Not async-signal-safe. */
void ts_gpu_attrib_poll(PyThreadState *owner);

/* Shuts NVML down if this session opened it.  Not async-signal-safe. */
void ts_gpu_attrib_close(void);

/* In a fork child: the parent's NVML session is not the child's; forget it
 * without calling NVML.  Not async-signal-safe. */
void ts_gpu_attrib_after_fork_child(void);

#endif

/* mem_hooks.h -- owns Python's allocators, wrapped, feeding the preload
 * library's sampling stream (see native/base/mem_protocol.h for the whole
 * design).
 *
 * The RAW, MEM and OBJ domains are wrapped, never replaced: each wrapper
 * calls the allocator that was installed before it (pymalloc stays on) and
 * counts the allocation only when it is the outermost allocator call on the
 * thread.  Installed once per process with the GIL held; the wrappers stay
 * in place afterwards (uninstalling while other threads are inside them is
 * unsafe) and are pass-throughs while counting is off.
 */
#ifndef TRISCOPE_MEM_HOOKS_H
#define TRISCOPE_MEM_HOOKS_H

#include "mem_protocol.h"

/* The preload library's interface, or NULL when it is not loaded into this
 * process (memory profiling is then unavailable). */
const ts_mem_api_t *ts_mem_api(void);

/* Loads the preload library at `path` into this running process and lets it
 * patch every loaded object (no re-exec needed); afterwards ts_mem_api()
 * returns it.  only_threads: patch only pthread_create and dlsym (thread
 * registration at birth without memory profiling).  Does nothing when the
 * library is already present (preloaded or attached) with what is asked;
 * a full attach after a threads-only one patches the rest.  Returns NULL on
 * success, else a static or loader-owned message saying why not.  GIL
 * held. */
const char *ts_mem_attach(const char *path, int only_threads);

/* The calling thread's own Python frames, read without allocating (the
 * preload's frame reader for sampled events and birth frames).
 * Async-signal-safe. */
int ts_mem_capture_frames(ts_frame_t *out, int max);

/* 1 if the preload library is present with its allocator hooks in place
 * (preloaded, or attached for memory).  GIL held. */
int ts_mem_available(void);

/* Configures the preload (mean sampling intervals in bytes), installs the
 * wrappers if needed and starts counting.  GIL held.  Returns 0, or -1 if the
 * preload library is absent or attached for threads only. */
int ts_mem_start(uint64_t alloc_mean_bytes, uint64_t copy_mean_bytes);

/* Stops counting (wrappers stay, as pass-throughs).  GIL held. */
void ts_mem_stop(void);

/* Brackets triscope's own work on the calling thread (the drain, report
 * building): its allocations and copies are not the program's.  Nestable.
 * No-ops without the preload library. */
void ts_mem_busy_enter(void);
void ts_mem_busy_leave(void);

#endif

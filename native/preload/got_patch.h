/* got_patch.h -- owns attaching to a running process by patching the GOT
 * entries of every loaded object (got_patch.c explains how and what is
 * covered), and the dlsym hook that keeps later objects patched. */
#ifndef TRISCOPE_PRELOAD_GOT_PATCH_H
#define TRISCOPE_PRELOAD_GOT_PATCH_H

#include <stdint.h>

#include "mem_protocol.h"

/* Points every loaded object's calls of the malloc family, memcpy/memmove,
 * pthread_create and dlsym at our hooks, and keeps doing so for objects
 * loaded later.  0 on success (also when preloaded: nothing to patch), -1 if
 * this platform or process cannot be patched.  Idempotent; any thread.
 * Not async-signal-safe. */
int _ts_got_attach(void);

/* As _ts_got_attach, but only pthread_create and dlsym (thread watching
 * without memory profiling); a later _ts_got_attach adds the rest.
 * Not async-signal-safe. */
int _ts_got_attach_threads(void);

/* Counts of the most recent sweep (for tests and diagnostics). */
void _ts_got_stats(ts_got_stats_t *out);

#endif

/* registry.h -- the thread registry: which Python thread has which sampler
 * slot (sampler.h).
 *
 * Owns the index (thread state, kernel tid) -> slot and the pass number.
 * Each pass walks the interpreter's thread states (GIL held, so the list is
 * stable) and gives every thread a slot with an armed timer.  A thread is
 * identified by (thread state, kernel tid): both can be reused after a
 * thread ends, but not together within one pass.  A thread state whose
 * thread has not started yet is skipped (ts_py_thread_started: before 3.12
 * it still carries its creator's ids, so a timer armed then would run on
 * the creator's clock).  A thread that registered itself at birth
 * (thread_life.h) already has a slot: the pass links it to its thread state
 * (found by kernel tid) instead of registering it again.  Other threads
 * present when profiling starts (or unpauses) are charged from that moment
 * on; those found later (the birth hook is absent or missed them) from
 * their first instruction (their first sample carries all CPU time they
 * used before the pass noticed them).  Retiring the slots of threads that
 * are gone is the engine's drain pass (it drains their rings first); it
 * tells the registry with ts_registry_forget().
 *
 * Owner: the drain (the drain thread, or the thread that starts, pauses or
 * stops the engine), always under the GIL.
 */
#ifndef TRISCOPE_REGISTRY_H
#define TRISCOPE_REGISTRY_H

#include <Python.h>

#include "sampler.h"

/* One pass: walks the thread states of the interpreter of `any`, skipping
 * `skip` (the drain thread's own), arms a slot for every thread not yet
 * registered, and marks every registered one as live in this pass.
 * initial: the threads are charged from now on (start, unpause); otherwise
 * a new thread is charged from its first instruction.  Returns how many
 * threads it registered.  Not async-signal-safe. */
int ts_registry_sync(PyThreadState *any, const void *skip, int initial);

/* 1 if slot s is active and its thread state was seen by the latest pass
 * (so s->tstate may be read under the GIL).  Not async-signal-safe. */
int ts_registry_live(const ts_thread_slot_t *s);

/* Forgets the thread state of slot s (the slot is being retired, or its
 * born thread's thread state is gone: it is unlinked).
 * Not async-signal-safe. */
void ts_registry_forget(ts_thread_slot_t *s);

/* Forgets every thread (every slot is being retired).
 * Not async-signal-safe. */
void ts_registry_clear(void);

/* In a fork child: drops the parent's index without releasing it.
 * Not async-signal-safe. */
void ts_registry_after_fork_child(void);

#endif

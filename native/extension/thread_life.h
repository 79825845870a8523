/* thread_life.h -- threads registered as they start and retired as they
 * end, through the preload library's pthread_create hook (ts_thread_watch_t
 * in mem_protocol.h).
 *
 * Owns the births switch and the watch handed to the preload.  While births
 * are on, every thread the program creates calls on_start in itself before
 * its first instruction: it takes a sampler slot and arms a timer on its
 * own CPU clock, counted from the clock's start (ts_slot_arm_self), so it is
 * measured from its first instruction and never with another thread's
 * clock.  As it ends it publishes the CPU since its last sample and marks
 * the slot ENDED (ts_slot_end_self); the drain charges that and releases the
 * slot (engine.c).  Without the preload library (it could not be attached)
 * nothing here happens and the registry's sweep finds threads instead.
 *
 * The switch: on while the session is RUNNING.  Turning it off waits for
 * threads inside on_start, so that once ts_life_births_off() returns no
 * slot is being armed: the caller may then let go of the born slots.
 */
#ifndef TRISCOPE_THREAD_LIFE_H
#define TRISCOPE_THREAD_LIFE_H

/* Registers the watch with the preload (once per process) and turns births
 * on.  Returns 1 if threads will be registered at birth, 0 if the preload
 * library is absent.  GIL held.  Not async-signal-safe. */
int ts_life_births_on(void);

/* Turns births off and waits for threads inside on_start.  GIL held.
 * Not async-signal-safe. */
void ts_life_births_off(void);

/* In a fork child: births off, nobody inside on_start.
 * Not async-signal-safe. */
void ts_life_after_fork_child(void);

#endif

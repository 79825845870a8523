/* drain_thread.h -- the helper thread that drains samples on wall-clock time,
 * and the SIGTERM hand-off.  Owns the thread, its wake-up pipe, the SIGTERM
 * handler and the Python callback it runs.
 *
 * Off-CPU (system) time only shows when somebody looks at a blocked thread,
 * so a thread wakes every sampling interval (jittered), takes the GIL and
 * runs the pass function the engine gave it at start (it never calls the
 * engine by name).  It blocks every signal, so the program's signals
 * and the sampling signal never land on it.  Its wake-up pipe doubles as the
 * channel from the SIGTERM handler: the handler writes one byte (a
 * write(2), allowed in a signal handler), the thread runs the registered Python callback that
 * writes the profile, then ends the process with SIGTERM as the default
 * action would have.  It is stopped around fork (CPython 3.12+ warns about
 * forking a multi-threaded process) and restarted in the parent.
 */
#ifndef TRISCOPE_DRAIN_THREAD_H
#define TRISCOPE_DRAIN_THREAD_H

#include <Python.h>
#include <stdint.h>

#include "ts_error.h"

/* One pass, run by the drain thread with the GIL held. */
typedef void (*ts_drain_pass_fn)(void);

/* Starts the thread, which runs `pass` every interval_ns on average (does
 * nothing if it runs already).  GIL held.  Returns 0, or -1 with *err filled
 * (TS_ERR_OS).  Not async-signal-safe. */
int ts_drain_thread_start(uint64_t interval_ns, ts_drain_pass_fn pass, ts_error_t *err);

/* Stops and joins the thread (releases the GIL while waiting).  GIL held.
 * From the drain thread itself it only asks it to end.
 * Not async-signal-safe. */
void ts_drain_thread_stop(void);

/* 1 if the caller is the drain thread.  Not async-signal-safe. */
int ts_drain_thread_is_current(void);

/* The drain thread's own thread state (never profiled), or NULL.
 * Not async-signal-safe. */
const void *ts_drain_thread_state(void);

/* Installs a SIGTERM handler if SIGTERM has its default action; `callback`
 * (a new reference is taken) is called on the drain thread with the GIL
 * before the process dies; if it returns False, the process is left to end
 * by itself (another thread is already ending it) and the thread stops.
 * GIL held.  Returns 0, or -1 with *err filled (TS_ERR_OS).
 * Not async-signal-safe. */
int ts_drain_watch_sigterm(PyObject *callback, ts_error_t *err);

/* Restores SIGTERM's default action if the handler is still ours.
 * Not async-signal-safe. */
void ts_drain_unwatch_sigterm(void);

/* The end of a session (GIL held, drain thread stopped): undoes
 * watch_sigterm, and if a SIGTERM arrived since the drain thread stopped
 * (while the profile was being written), lets it end the process now.
 * Not async-signal-safe. */
void ts_drain_release_sigterm(void);

/* In a fork child: forgets the (non-existent) thread and the SIGTERM hook.
 * Not async-signal-safe. */
void ts_drain_after_fork_child(void);

#endif

/* session_control.h -- what reaches a running session from outside the
 * program's own code, served by the drain thread after each pass (GIL
 * held).  Owns the watched control file and the periodic callback:
 *
 *   - the control file: `triscope --off --pid N` / `--on --pid N` write
 *     "off" or "on" into it (atomically, by rename); a change of content
 *     is handed to the switch function the caller of ts_control_tick()
 *     passes (the engine's pause/unpause; this file never calls the engine
 *     by name).  No signal is involved, so nothing can
 *     collide with the program's own signal use, and the file lives in a
 *     directory only its owner can write (checked by the Python side).
 *   - the periodic profile (--profile-interval): a Python callback, called
 *     every so many seconds, rewrites the output file.
 *
 * The drain thread keeps running while the engine is paused, so both keep
 * working then.  All state is owned by the GIL holder.
 */
#ifndef TRISCOPE_SESSION_CONTROL_H
#define TRISCOPE_SESSION_CONTROL_H

#include <Python.h>

#include "ts_error.h"

/* Applies a change of the control file: on = 1 for "on", 0 for "off". */
typedef void (*ts_control_switch_fn)(int on);

/* Watches `path` (NULL: stop watching).  The content present now counts as
 * already applied.  Returns 0, or -1 with *err filled (TS_ERR_NOMEM).
 * Not async-signal-safe. */
int ts_control_watch_file(const char *path, ts_error_t *err);

/* Calls `callback` (None: no more calls) every `seconds` seconds from the
 * drain thread.  Returns 0, or -1 with *err filled (TS_ERR_INVALID: not a
 * callable, or not a positive period).  GIL held.  Not async-signal-safe. */
int ts_control_set_periodic(PyObject *callback, double seconds, ts_error_t *err);

/* Serves due requests, handing control-file changes to `apply`.  Drain
 * thread, GIL held.  Not async-signal-safe. */
void ts_control_tick(ts_control_switch_fn apply);

/* In a fork child: the parent's requests are not the child's.
 * Not async-signal-safe. */
void ts_control_after_fork_child(void);

#endif

/* session_control.h -- what reaches a running session from outside the
 * program's own code, served by the drain thread after each pass (GIL
 * held):
 *
 *   - the control file: `triscope --off --pid N` / `--on --pid N` write
 *     "off" or "on" into it (atomically, by rename); a change of content
 *     pauses or unpauses the engine.  No signal is involved, so nothing can
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

/* Watches `path` (NULL: stop watching).  The content present now counts as
 * already applied.  Returns 0, or -1 with MemoryError set. */
int ts_control_watch_file(const char *path);

/* Calls `callback` (None: no more calls) every `seconds` seconds from the
 * drain thread.  Returns 0, or -1 with an exception set. */
int ts_control_set_periodic(PyObject *callback, double seconds);

/* Serves due requests.  Drain thread, GIL held. */
void ts_control_tick(void);

/* In a fork child: the parent's requests are not the child's. */
void ts_control_after_fork_child(void);

#endif

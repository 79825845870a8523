/* frames_cframe.inc.c -- included by pycompat.c only, for CPython 3.11 and
 * 3.12: _PyInterpreterFrames on the thread's data stack, reached through
 * tstate->cframe->current_frame and linked by `previous`; prev_instr is the
 * instruction being executed (the CALL during a call).  Frames before their
 * first RESUME are incomplete and skipped; 3.12 adds entry frames owned by
 * the C stack (skipped too; the constant does not exist in 3.11).
 * GIL: 3.11 compares with the "unchecked" current thread state (the GIL
 * holder); in 3.12 that getter became thread-local, which a handler must
 * avoid, so the thread state's own `_status.active` bit is read instead
 * (TS_GIL_FROM_STATUS, set by pycompat.c).  Both functions run in the
 * signal handler (their contracts are in pycompat.h), so they use plain
 * loads only. */
#define Py_BUILD_CORE 1
#include <internal/pycore_frame.h>
#undef Py_BUILD_CORE

int
ts_py_holds_gil(PyThreadState *ts)
{
#if TS_GIL_FROM_STATUS
    return ts != NULL && ts->_status.active;
#else
    return ts != NULL && _PyThreadState_UncheckedGet() == ts;
#endif
}

/* 3.11: the bootstrap's _PyThreadState_SetCurrent sets gilstate_counter to
 * 1; 3.12: bind_tstate sets _status.bound. */
int
ts_py_thread_started(PyThreadState *ts)
{
#if TS_GIL_FROM_STATUS
    return ts->_status.bound && !ts->_status.unbound;
#else
    return ts->gilstate_counter > 0;
#endif
}

#define TS_TOP_FRAME(ts) ((ts)->cframe ? (ts)->cframe->current_frame : NULL)
#define TS_FRAME_CODE(f) (f)->f_code
#define TS_FRAME_INSTR(f) (f)->prev_instr
#define TS_SKIP_CSTACK TS_HAS_CSTACK_FRAMES
#include "frame_checks.inc.c"

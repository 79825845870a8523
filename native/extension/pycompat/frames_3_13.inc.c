/* frames_3_13.inc.c -- included by pycompat.c only.  CPython 3.13: the
 * thread state points at its current frame directly; f_executable may be a
 * non-code object (checked); instr_ptr is the current instruction.  The
 * thread state's `state` is _Py_THREAD_ATTACHED (1) exactly while it holds
 * the GIL in a GIL build.  Both functions run in the signal handler (their
 * contracts are in pycompat.h), so they use plain loads only. */
#define Py_BUILD_CORE 1
#include <internal/pycore_frame.h>
#undef Py_BUILD_CORE

int
ts_py_holds_gil(PyThreadState *ts)
{
    return ts != NULL && ts->state == 1 /* _Py_THREAD_ATTACHED */;
}

/* bind_tstate sets _status.bound as the thread starts. */
int
ts_py_thread_started(PyThreadState *ts)
{
    return ts->_status.bound && !ts->_status.unbound;
}

#define TS_TOP_FRAME(ts) ((ts)->current_frame)
#define TS_FRAME_CODE(f) (f)->f_executable
#define TS_FRAME_INSTR(f) (f)->instr_ptr
#define TS_SKIP_CSTACK 1
#include "frame_checks.inc.c"

/* frames_cframe.inc.c -- included by pycompat.c only, for CPython 3.11 and
 * 3.12: _PyInterpreterFrames on the thread's data stack, reached through
 * tstate->cframe->current_frame and linked by `previous`; prev_instr is the
 * instruction being executed (the CALL during a call).  Frames before their
 * first RESUME are incomplete and skipped; 3.12 adds entry frames owned by
 * the C stack (skipped too; the constant does not exist in 3.11).
 * GIL: 3.11 compares with the "unchecked" current thread state (the GIL
 * holder); in 3.12 that getter became thread-local, which a handler must
 * avoid, so the thread state's own `_status.active` bit is read instead
 * (TS_GIL_FROM_STATUS, set by pycompat.c).  Async-signal-safe: plain loads. */
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

#include "frame_checks.inc.c"

int
ts_py_read_frames(PyThreadState *ts, ts_frame_t *out, int max, int *truncated,
                  int *top_opcode, const ts_stack_bounds_t *own)
{
    int n = 0;
    *truncated = 0;
    *top_opcode = -1;
    _PyCFrame *cf = ts ? ts->cframe : NULL;
    const _PyInterpreterFrame *next = cf ? cf->current_frame : NULL;
    frame_view_t view;
    while (next != NULL && view_frame(ts, own, next, &view) == 0) {
        const _PyInterpreterFrame *f = view.f;
        next = f->previous;
#if TS_HAS_CSTACK_FRAMES
        if (f->owner == FRAME_OWNED_BY_CSTACK)
            continue;
#endif
        const PyCodeObject *co = f->f_code;
        int firstlineno, firsttraceable;
        if (check_code(co, view.copied, f->prev_instr, &firstlineno, &firsttraceable) < 0)
            break;
        const _Py_CODEUNIT *first = _PyCode_CODE(co);
        if (f->owner != FRAME_OWNED_BY_GENERATOR && f->prev_instr < first + firsttraceable)
            continue; /* incomplete */
        if (n == max) {
            *truncated = 1;
            break;
        }
        if (n == 0) {
            unsigned char op;
            if (!view.copied)
                *top_opcode = *(const unsigned char *)f->prev_instr;
            else if (ts_safe_read_syscall(&op, f->prev_instr, 1) == 0)
                *top_opcode = op;
        }
        out[n].code = co;
        out[n].offset = (int32_t)((f->prev_instr - first) * (int)sizeof(_Py_CODEUNIT));
        out[n].firstlineno = firstlineno;
        n++;
    }
    return n;
}

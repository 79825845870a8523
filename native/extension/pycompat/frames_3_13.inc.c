/* frames_3_13.inc.c -- included by pycompat.c only.  CPython 3.13: the
 * thread state points at its current frame directly; f_executable may be a
 * non-code object (checked); instr_ptr is the current instruction.  The
 * thread state's `state` is _Py_THREAD_ATTACHED (1) exactly while it holds
 * the GIL in a GIL build.  Async-signal-safe: plain loads. */
#define Py_BUILD_CORE 1
#include <internal/pycore_frame.h>
#undef Py_BUILD_CORE

int
ts_py_holds_gil(PyThreadState *ts)
{
    return ts != NULL && ts->state == 1 /* _Py_THREAD_ATTACHED */;
}

#include "frame_checks.inc.c"

int
ts_py_read_frames(PyThreadState *ts, ts_frame_t *out, int max, int *truncated,
                  int *top_opcode, const ts_stack_bounds_t *own)
{
    int n = 0;
    *truncated = 0;
    *top_opcode = -1;
    const _PyInterpreterFrame *next = ts ? ts->current_frame : NULL;
    frame_view_t view;
    while (next != NULL && view_frame(ts, own, next, &view) == 0) {
        const _PyInterpreterFrame *f = view.f;
        next = f->previous;
        if (f->owner == FRAME_OWNED_BY_CSTACK)
            continue;
        PyObject *ex = f->f_executable;
        if (ex == NULL)
            continue;
        if (!view.copied && Py_TYPE(ex) != &PyCode_Type)
            continue; /* not a Python function frame */
        const PyCodeObject *co = (const PyCodeObject *)ex;
        int firstlineno, firsttraceable;
        if (check_code(co, view.copied, f->instr_ptr, &firstlineno, &firsttraceable) < 0) {
            if (view.copied)
                break;
            continue;
        }
        const _Py_CODEUNIT *first = _PyCode_CODE(co);
        if (f->owner != FRAME_OWNED_BY_GENERATOR && f->instr_ptr < first + firsttraceable)
            continue; /* incomplete */
        if (n == max) {
            *truncated = 1;
            break;
        }
        if (n == 0) {
            unsigned char op;
            if (!view.copied)
                *top_opcode = *(const unsigned char *)f->instr_ptr;
            else if (ts_safe_read_syscall(&op, f->instr_ptr, 1) == 0)
                *top_opcode = op;
        }
        out[n].code = co;
        out[n].offset = (int32_t)((f->instr_ptr - first) * (int)sizeof(_Py_CODEUNIT));
        out[n].firstlineno = firstlineno;
        n++;
    }
    return n;
}

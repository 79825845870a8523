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

int
ts_py_read_frames(PyThreadState *ts, ts_frame_t *out, int max, int *truncated,
                  int *top_opcode)
{
    int n = 0;
    *truncated = 0;
    *top_opcode = -1;
    for (_PyInterpreterFrame *f = ts ? ts->current_frame : NULL; f != NULL; f = f->previous) {
        if (f->owner == FRAME_OWNED_BY_CSTACK)
            continue;
        PyObject *ex = f->f_executable;
        if (ex == NULL || Py_TYPE(ex) != &PyCode_Type)
            continue; /* not a Python function frame */
        PyCodeObject *co = (PyCodeObject *)ex;
        _Py_CODEUNIT *first = _PyCode_CODE(co);
        if (f->owner != FRAME_OWNED_BY_GENERATOR && f->instr_ptr < first + co->_co_firsttraceable)
            continue; /* incomplete */
        if (n == max) {
            *truncated = 1;
            break;
        }
        if (n == 0)
            *top_opcode = *(const unsigned char *)f->instr_ptr;
        out[n].code = co;
        out[n].offset = (int32_t)((f->instr_ptr - first) * (int)sizeof(_Py_CODEUNIT));
        out[n].firstlineno = co->co_firstlineno;
        n++;
    }
    return n;
}

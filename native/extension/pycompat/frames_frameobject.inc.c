/* frames_frameobject.inc.c -- included by pycompat.c only, for CPython 3.9
 * and 3.10: frames are PyFrameObjects linked by f_back from tstate->frame;
 * f_lasti is a byte offset in 3.9 and a 2-byte code-unit index in 3.10
 * (TS_LASTI_BYTES, set by pycompat.c), -1 before the first instruction.
 * Both functions run in the signal handler (their contracts are in
 * pycompat.h), so they use plain loads only. */

int
ts_py_holds_gil(PyThreadState *ts)
{
    /* 3.9 and 3.10: the "unchecked" current thread state is the GIL holder. */
    return ts != NULL && _PyThreadState_UncheckedGet() == ts;
}

/* The new thread's bootstrap sets gilstate_counter to 1 as it binds the
 * thread state (3.9, 3.10: _PyThreadState_Init). */
int
ts_py_thread_started(PyThreadState *ts)
{
    return ts->gilstate_counter > 0;
}

int
ts_py_read_frames(PyThreadState *ts, ts_frame_t *out, int max, int *truncated,
                  int *top_opcode, const ts_stack_bounds_t *own)
{
    (void)own; /* frame objects are published fully initialised */
    int n = 0;
    *truncated = 0;
    *top_opcode = -1;
    for (PyFrameObject *f = ts ? ts->frame : NULL; f != NULL; f = f->f_back) {
        PyCodeObject *co = f->f_code;
        if (co == NULL || Py_TYPE(co) != &PyCode_Type)
            break;
        if (n == max) {
            *truncated = 1;
            break;
        }
        int offset = f->f_lasti < 0 ? 0 : f->f_lasti * TS_LASTI_BYTES;
        if (n == 0 && offset < PyBytes_GET_SIZE(co->co_code))
            *top_opcode = (unsigned char)PyBytes_AS_STRING(co->co_code)[offset];
        out[n].code = co;
        out[n].offset = offset;
        out[n].firstlineno = co->co_firstlineno;
        n++;
    }
    return n;
}

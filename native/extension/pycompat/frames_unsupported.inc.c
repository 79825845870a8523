/* frames_unsupported.inc.c -- included by pycompat.c only, for interpreters
 * triscope cannot sample; the module refuses to start (see
 * ts_py_unsupported_reason), these only keep the build linking. */

int
ts_py_holds_gil(PyThreadState *ts)
{
    (void)ts;
    return 0;
}

int
ts_py_read_frames(PyThreadState *ts, ts_frame_t *out, int max, int *truncated,
                  int *top_opcode, const ts_stack_bounds_t *own)
{
    (void)own; /* frame objects are published fully initialised */
    (void)ts, (void)out, (void)max;
    *truncated = 0;
    *top_opcode = -1;
    return 0;
}

/* frames_unsupported.inc.c -- included by pycompat.c only, for interpreters
 * triscope cannot sample (free-threaded builds, versions before 3.9 or after
 * 3.13); the module refuses to start (see ts_py_unsupported_reason), these
 * only keep the build linking. */

int
ts_py_holds_gil(PyThreadState *ts)
{
    (void)ts;
    return 0;
}

int
ts_py_thread_started(PyThreadState *ts)
{
    (void)ts;
    return 0;
}

int
ts_py_read_frames(PyThreadState *ts, ts_frame_t *out, int max, int *truncated,
                  int *top_opcode, const ts_stack_bounds_t *own)
{
    (void)ts, (void)out, (void)max, (void)own; /* never called: no session starts */
    *truncated = 0;
    *top_opcode = -1;
    return 0;
}

/* pycompat.h -- the ONE seam between triscope and CPython's internals.
 *
 * Every test of PY_VERSION_HEX in triscope lives in this folder: pycompat.c
 * tests the version once, selects one frames_*.inc.c reader and hands it
 * the differences as TS_ macros; nothing else may look at the version.
 * The interface is deliberately tiny:
 *
 *   - reading the calling thread's own frame chain as raw (code pointer,
 *     byte offset) pairs, from a signal handler: plain loads only, no
 *     refcounts, no allocation, no Python API;
 *   - telling whether a thread state currently holds the GIL (same rules);
 *   - the handful of code-object facts the drain needs (with the GIL).
 *
 * Where each CPython version keeps the running frame (its internal headers
 * and the reader serving it):
 *   3.9   tstate->frame (PyFrameObject), f_lasti in bytes: frames_frameobject
 *   3.10  tstate->frame, f_lasti in 2-byte code units: frames_frameobject
 *   3.11  tstate->cframe->current_frame (_PyInterpreterFrame), prev_instr:
 *         frames_cframe
 *   3.12  as 3.11, plus C-stack "shim" frames to skip: frames_cframe
 *   3.13  tstate->current_frame, f_executable, instr_ptr: frames_3_13
 *   other versions and free-threaded builds: frames_unsupported
 */
#ifndef TRISCOPE_PYCOMPAT_H
#define TRISCOPE_PYCOMPAT_H

#include <Python.h>

#include "sample_ring.h"

/* NULL if this build can profile the running interpreter, else a one-line
 * reason (free-threaded build, unsupported version). */
const char *ts_py_unsupported_reason(void);

/* The calling thread's own thread state, or NULL if it has none.
 * Async-signal-safe.  (One pthread_getspecific: not on POSIX's list, but
 * glibc implements it with plain loads.) */
PyThreadState *ts_py_this_thread_state(void);

/* 1 if `ts` (the caller's own thread state) holds the GIL, else 0.
 * Async-signal-safe.  It reads one runtime or thread-state field. */
int ts_py_holds_gil(PyThreadState *ts);

/* The calling thread's C stack, for validating frame pointers that point
 * into it: [low, high).  low is an address in the reader's own stack frame
 * (everything the interrupted code uses lies above it), high the stack's top
 * (NULL if unknown). */
typedef struct ts_stack_bounds {
    const char *low;
    const char *high;
} ts_stack_bounds_t;

/* Reads up to `max` frames of `ts`, innermost first, into `out`.  Skips
 * frames that are not yet running user bytecode.  Sets *truncated when the
 * chain was longer than `max`, and *top_opcode to the opcode byte of the
 * innermost frame's current instruction (-1 if none).  Returns the number of
 * frames stored.
 *
 * own_stack != NULL: ts is the caller's own thread state, read from a signal
 * handler or an allocator hook, at any instruction of the interpreter.  The
 * interpreter may be between publishing a new frame record and filling it
 * (3.11/3.12 publish the C-level frame before its current frame), so every
 * pointer is checked before it is followed: frames must lie in the thread's
 * live frame stack or C stack, or be copied with a fault-free read; the
 * walk stops at the first pointer that fails.  Async-signal-safe.
 * own_stack == NULL: the GIL is held and ts is any thread of the
 * interpreter (not inside frame setup: it released the GIL); pointers are
 * trusted. */
int ts_py_read_frames(PyThreadState *ts, ts_frame_t *out, int max,
                      int *truncated, int *top_opcode,
                      const ts_stack_bounds_t *own_stack);

/* Byte offset of co_firstlineno inside a code object (for safe reads). */
size_t ts_py_code_firstlineno_offset(void);

/* Line number of the instruction at byte `offset` in `code`, falling back to
 * co_firstlineno when the instruction has no line.  GIL held. */
int ts_py_code_line(PyCodeObject *code, int offset);

/* New reference to the function's display name: co_qualname where it exists,
 * co_name before 3.11.  GIL held. */
PyObject *ts_py_code_display_name(PyCodeObject *code);

/* The first thread state of the interpreter that owns `ts`, and the next one
 * in its list (NULL at the end).  GIL held. */
PyThreadState *ts_py_first_thread(PyThreadState *ts);
PyThreadState *ts_py_next_thread(PyThreadState *ts);

/* The pthread_t the thread state was created on.  GIL held.  Meaningful
 * only once ts_py_thread_started(ts). */
unsigned long ts_py_thread_ident(PyThreadState *ts);

/* 1 if the thread state is bound to its own thread.  A thread state made by
 * _thread.start_new_thread exists before its thread runs: before 3.12 it
 * carries its CREATOR's thread ids until the new thread's bootstrap sets
 * them (and has gilstate_counter 0 until then); from 3.12 its ids are 0
 * until it is bound (_status.bound).  GIL held. */
int ts_py_thread_started(PyThreadState *ts);

/* The serial number the interpreter of `ts` gives the next thread state it
 * creates (each thread state, of every thread, takes the next: ts->id).
 * Learned by making a thread state and deleting it again, which takes a
 * number too.  GIL held. */
uint64_t ts_py_thread_serial(PyThreadState *ts);

#endif

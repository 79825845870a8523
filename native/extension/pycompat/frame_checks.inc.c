/* frame_checks.inc.c -- included by the 3.11+ frame readers only.
 *
 * Pointer checks for reading the calling thread's own _PyInterpreterFrames
 * from a signal handler or allocator hook (see ts_py_read_frames).  A frame
 * pointer is trusted when it lies in the live part of the thread's frame
 * stack (datastack chunks, below datastack_top) or in its C stack (entry
 * frames of _PyEval_EvalFrameDefault); anything else (generator frames,
 * and the uninitialised pointer a 3.11/3.12 C frame holds for a few
 * instructions after it is published) is copied with a fault-free system
 * call and its code object checked the same way.  Async-signal-safe. */
#include "safe_read.h"

/* Where a frame record can be read from: the original, or a checked copy. */
typedef struct frame_view {
    const _PyInterpreterFrame *f; /* readable frame (original or &copy) */
    int copied;                   /* 1: f == &copy; its code needs checking */
    _PyInterpreterFrame copy;
} frame_view_t;

static int
in_datastack(const PyThreadState *ts, const void *p, size_t size)
{
    const char *lo_p = p, *hi_p = (const char *)p + size;
    int current = 1;
    for (const _PyStackChunk *c = ts->datastack_chunk; c != NULL; c = c->previous) {
        const char *lo = (const char *)c->data;
        const char *hi = current ? (const char *)ts->datastack_top : (const char *)c + c->size;
        if (lo_p >= lo && hi_p <= hi)
            return 1;
        current = 0;
    }
    return 0;
}

static int
in_c_stack(const ts_stack_bounds_t *b, const void *p, size_t size)
{
    const char *lo_p = p;
    return b->high != NULL && lo_p >= b->low && lo_p + size <= b->high;
}

/* Makes f readable in *view.  Returns 0, or -1 if it cannot be trusted. */
static int
view_frame(const PyThreadState *ts, const ts_stack_bounds_t *own, const _PyInterpreterFrame *f,
           frame_view_t *view)
{
    view->copied = 0;
    view->f = f;
    if (own == NULL || in_datastack(ts, f, sizeof *f) || in_c_stack(own, f, sizeof *f))
        return 0;
    if (ts_safe_read_syscall(&view->copy, f, sizeof view->copy) < 0)
        return -1;
    view->f = &view->copy;
    view->copied = 1;
    return 0;
}

/* Checks that `co` is a readable code object whose bytecode contains
 * `instr`; fills the fields the reader needs.  Returns 0 or -1. */
static int
check_code(const PyCodeObject *co, int copied, const _Py_CODEUNIT *instr, int *firstlineno,
           int *firsttraceable)
{
    PyVarObject head;
    int fields[2];
    const PyCodeObject *probe = co;
    if (copied) {
        if (ts_safe_read_syscall(&head, co, sizeof head) < 0
            || ts_safe_read_syscall(&fields[0], &co->co_firstlineno, sizeof(int)) < 0
            || ts_safe_read_syscall(&fields[1], &co->_co_firsttraceable, sizeof(int)) < 0)
            return -1;
        if (head.ob_base.ob_type != &PyCode_Type)
            return -1;
        *firstlineno = fields[0];
        *firsttraceable = fields[1];
        const _Py_CODEUNIT *first = _PyCode_CODE(probe);
        if (instr < first || instr >= first + head.ob_size)
            return -1;
        return 0;
    }
    if (co == NULL || Py_TYPE(co) != &PyCode_Type)
        return -1;
    const _Py_CODEUNIT *first = _PyCode_CODE(probe);
    if (instr < first || instr >= first + Py_SIZE(co))
        return -1;
    *firstlineno = co->co_firstlineno;
    *firsttraceable = co->_co_firsttraceable;
    return 0;
}

/* The frame walk shared by 3.11, 3.12 and 3.13.  The including file defines:
 *   TS_TOP_FRAME(ts)  the innermost _PyInterpreterFrame of a thread state
 *   TS_FRAME_CODE(f)  the frame's code object field (PyObject* or
 *                     PyCodeObject*), possibly not a code object (3.13)
 *   TS_FRAME_INSTR(f) the frame's current-instruction pointer
 *   TS_SKIP_CSTACK    1 if entry frames owned by the C stack exist */
int
ts_py_read_frames(PyThreadState *ts, ts_frame_t *out, int max, int *truncated,
                  int *top_opcode, const ts_stack_bounds_t *own)
{
    int n = 0;
    *truncated = 0;
    *top_opcode = -1;
    const _PyInterpreterFrame *next = ts ? TS_TOP_FRAME(ts) : NULL;
    frame_view_t view;
    while (next != NULL && view_frame(ts, own, next, &view) == 0) {
        const _PyInterpreterFrame *f = view.f;
        next = f->previous;
#if TS_SKIP_CSTACK
        if (f->owner == FRAME_OWNED_BY_CSTACK)
            continue;
#endif
        const PyObject *ex = (const PyObject *)TS_FRAME_CODE(f);
        if (ex == NULL)
            break;
        if (!view.copied && Py_TYPE(ex) != &PyCode_Type)
            continue; /* not a Python function frame (3.13) */
        const PyCodeObject *co = (const PyCodeObject *)ex;
        const _Py_CODEUNIT *instr = TS_FRAME_INSTR(f);
        int firstlineno, firsttraceable;
        if (check_code(co, view.copied, instr, &firstlineno, &firsttraceable) < 0)
            break;
        const _Py_CODEUNIT *first = _PyCode_CODE(co);
        if (f->owner != FRAME_OWNED_BY_GENERATOR && instr < first + firsttraceable)
            continue; /* incomplete: before its first RESUME */
        if (n == max) {
            *truncated = 1;
            break;
        }
        if (n == 0) {
            unsigned char op;
            if (!view.copied)
                *top_opcode = *(const unsigned char *)instr;
            else if (ts_safe_read_syscall(&op, instr, 1) == 0)
                *top_opcode = op;
        }
        out[n].code = co;
        out[n].offset = (int32_t)((instr - first) * (int)sizeof(_Py_CODEUNIT));
        out[n].firstlineno = firstlineno;
        n++;
    }
    return n;
}

/* pycompat.c -- selects exactly one per-version frame reader and implements
 * the version-independent parts of pycompat.h.  See pycompat.h. */
#include "pycompat.h"

#include <frameobject.h>
#include <stddef.h>

#if defined(Py_GIL_DISABLED)
#define TS_UNSUPPORTED "the free-threaded CPython build is not supported yet (use a build with the GIL)"
#include "frames_unsupported.inc.c"
#elif PY_VERSION_HEX < 0x03090000
#define TS_UNSUPPORTED "CPython older than 3.9 is not supported"
#include "frames_unsupported.inc.c"
#elif PY_VERSION_HEX < 0x030A0000
#define TS_LASTI_BYTES 1
#include "frames_frameobject.inc.c"
#elif PY_VERSION_HEX < 0x030B0000
#define TS_LASTI_BYTES 2
#include "frames_frameobject.inc.c"
#elif PY_VERSION_HEX < 0x030C0000
#define TS_GIL_FROM_STATUS 0
#define TS_HAS_CSTACK_FRAMES 0
#include "frames_cframe.inc.c"
#elif PY_VERSION_HEX < 0x030D0000
#define TS_GIL_FROM_STATUS 1
#define TS_HAS_CSTACK_FRAMES 1
#include "frames_cframe.inc.c"
#elif PY_VERSION_HEX < 0x030E0000
#include "frames_3_13.inc.c"
#else
#define TS_UNSUPPORTED "CPython newer than 3.13 is not supported yet"
#include "frames_unsupported.inc.c"
#endif

const char *
ts_py_unsupported_reason(void)
{
#ifdef TS_UNSUPPORTED
    return TS_UNSUPPORTED;
#else
    return NULL;
#endif
}

PyThreadState *
ts_py_this_thread_state(void)
{
    return PyGILState_GetThisThreadState();
}

size_t
ts_py_code_firstlineno_offset(void)
{
    return offsetof(PyCodeObject, co_firstlineno);
}

int
ts_py_code_line(PyCodeObject *code, int offset)
{
    int line = PyCode_Addr2Line(code, offset);
    return line > 0 ? line : code->co_firstlineno;
}

PyObject *
ts_py_code_display_name(PyCodeObject *code)
{
#if PY_VERSION_HEX >= 0x030B0000
    PyObject *name = code->co_qualname;
#else
    PyObject *name = code->co_name;
#endif
    Py_INCREF(name);
    return name;
}

PyThreadState *
ts_py_first_thread(PyThreadState *ts)
{
    return PyInterpreterState_ThreadHead(ts->interp);
}

PyThreadState *
ts_py_next_thread(PyThreadState *ts)
{
    return PyThreadState_Next(ts);
}

unsigned long
ts_py_thread_ident(PyThreadState *ts)
{
    return ts->thread_id;
}

uint64_t
ts_py_thread_serial(PyThreadState *ts)
{
    PyThreadState *probe = PyThreadState_New(ts->interp);
    if (probe == NULL)
        return 0;
    uint64_t id = probe->id;
    PyThreadState_Clear(probe);
    PyThreadState_Delete(probe);
    return id + 1;
}

/* bindings_common.c -- argument helpers shared by the binding files. */
#include "bindings_common.h"

#include <stdlib.h>

/* Converts a sequence of str to a NULL-terminated array of borrowed UTF-8
 * pointers (valid while `seq` lives).  Returns NULL with an exception set. */
const char **
ts_string_array(PyObject *seq, PyObject **keep)
{
    *keep = PySequence_Fast(seq, "expected a sequence of str");
    if (!*keep)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(*keep);
    const char **out = calloc((size_t)n + 1, sizeof *out);
    if (!out) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(*keep, i));
        if (!out[i]) {
            free(out);
            return NULL;
        }
    }
    return out;
}

void
ts_raise_oserror(int err, const char *message)
{
    PyObject *e = PyObject_CallFunction(PyExc_OSError, "is", err, message);
    if (e) {
        PyErr_SetObject((PyObject *)Py_TYPE(e), e);
        Py_DECREF(e);
    }
}

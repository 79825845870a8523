/* bindings_common.h -- helpers for the Python binding files (module.c,
 * binding_report.c, binding_merge.c): argument and error conversion only. */
#ifndef TRISCOPE_BINDINGS_COMMON_H
#define TRISCOPE_BINDINGS_COMMON_H

#include <Python.h>

/* Converts a sequence of str to a NULL-terminated array of borrowed UTF-8
 * pointers, valid while *keep lives (the caller releases *keep and frees the
 * array).  Returns NULL with an exception set. */
const char **ts_string_array(PyObject *seq, PyObject **keep);

/* Raises OSError(err, message): the subclass errno err selects
 * (FileNotFoundError for ENOENT...), message its one-line strerror. */
void ts_raise_oserror(int err, const char *message);

#endif

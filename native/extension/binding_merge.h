/* binding_merge.h -- the merge functions of triscope._native: merge_profiles
 * (for `triscope merge`) and the loading of a list of profiles that
 * write_report's merge_paths shares. */
#ifndef TRISCOPE_BINDING_MERGE_H
#define TRISCOPE_BINDING_MERGE_H

#include <Python.h>
#include <stdio.h>

#include "profile_model.h"

/* NULL-terminated; added to the module by PyInit__native. */
extern PyMethodDef ts_merge_methods[];

/* Reads each JSON profile of paths (a sequence of str) and merges it into
 * m, in order (profile_load.h), without the GIL.  warn NULL: the first file
 * that cannot be read fails the call, with ValueError (not a profile) or
 * OSError (cannot be read), its message one line naming the file.  warn
 * non-NULL: such a file is skipped with a warning line on warn.  Returns 0,
 * or -1 with an exception set. */
int ts_merge_path_list(ts_model_t *m, PyObject *paths, FILE *warn);

#endif

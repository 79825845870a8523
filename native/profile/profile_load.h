/* profile_load.h -- JSON profile files read into models, and a list of
 * them merged into one (`triscope merge`, and a run that takes in the
 * profiles its child processes wrote).  Pure C; no state.
 * Not async-signal-safe. */
#ifndef TRISCOPE_PROFILE_LOAD_H
#define TRISCOPE_PROFILE_LOAD_H

#include <stddef.h>
#include <stdio.h>

#include "profile_model.h"

/* Largest profile file read, in bytes. */
#define TS_PROFILE_MAX_BYTES ((size_t)1 << 30)

/* Reads the JSON profile at path (model_from_json.h).  Returns the model
 * (the caller frees it), or NULL with errno and a one-line reason in err
 * that does not name the file: EINVAL when the file is not a profile (the
 * reader's reason), ENOMEM, EFBIG past TS_PROFILE_MAX_BYTES, else the
 * error of opening or reading it (strerror's text). */
ts_model_t *ts_model_load_json(const char *path, char *err, size_t errsize);

/* Loads paths[0..n) in order and merges each into dst (profile_merge.h).
 * warn NULL: the first file that cannot be loaded or merged stops the
 * work; returns -1 with errno and, in err, "PATH: REASON" for a file that
 * is not a profile or "cannot read 'PATH': REASON" (dst then holds the
 * files before it).  warn non-NULL: such a file is skipped with the line
 * "triscope: warning: skipped child profile PATH: REASON" on warn, and the
 * return is 0.  Call ts_model_finish on dst afterwards. */
int ts_model_merge_files(ts_model_t *dst, const char *const *paths, size_t n, FILE *warn,
                         char *err, size_t errsize);

#endif

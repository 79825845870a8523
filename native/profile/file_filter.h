/* file_filter.h -- which source files a profile shows.
 *
 * Rules, in order (paths are absolute, symlinks resolved by the caller):
 *   1. pseudo-files ("<string>", "<frozen ...>") are never shown;
 *   2. files under a "never" prefix (triscope's own package) are never shown;
 *   3. files containing any --profile-exclude substring are not shown;
 *   4. with --profile-only substrings, a file is shown iff it contains one;
 *   5. with --profile-all, every remaining file is shown;
 *   6. otherwise a file is shown iff it is under the program's directory and
 *      not under a library prefix (the standard library, site-packages, a
 *      virtual environment inside the project).
 * Time spent in files that are not shown is charged to the innermost shown
 * frame that called them.  Immutable after ts_filter_init; read by the drain.
 * Not async-signal-safe.
 */
#ifndef TRISCOPE_FILE_FILTER_H
#define TRISCOPE_FILE_FILTER_H

#include <stddef.h>

#define TS_FILTER_MAX_ITEMS 32

typedef struct ts_filter {
    char *root;                                 /* program directory, no trailing '/' */
    int profile_all;
    char *only[TS_FILTER_MAX_ITEMS];            /* substrings */
    size_t n_only;
    char *exclude[TS_FILTER_MAX_ITEMS];         /* substrings */
    size_t n_exclude;
    char *library_prefixes[TS_FILTER_MAX_ITEMS];/* directories */
    size_t n_library;
    char *never_prefixes[TS_FILTER_MAX_ITEMS];  /* directories */
    size_t n_never;
} ts_filter_t;

/* Sets up a filter.  only_csv and exclude_csv are comma-separated lists (may
 * be NULL or empty); library and never are NULL-terminated arrays of
 * directories (may be NULL).  Items past TS_FILTER_MAX_ITEMS are ignored.
 * Returns 0, or -1 on allocation failure (the filter is then freed). */
int ts_filter_init(ts_filter_t *f, const char *root, int profile_all,
                   const char *only_csv, const char *exclude_csv,
                   const char *const *library, const char *const *never);

/* Releases everything the filter owns. */
void ts_filter_free(ts_filter_t *f);

/* 1 if the file at `path` (absolute) is shown, else 0. */
int ts_filter_shows(const ts_filter_t *f, const char *path);

/* 1 if path equals dir or lies below it (component-wise), else 0. */
int ts_path_is_under(const char *path, const char *dir);

#endif

/* profile_output.h -- a report written to its destination: the report
 * formats by name, the opening of an output file, and the writing of a
 * model or a saved JSON profile as one of them to a path or to standard
 * output.
 *
 * An output path is written so that it is never clobbered and a reader never
 * sees half a profile:
 *   - a path that exists and is not a regular file or a directory (a
 *     device such as /dev/null, a FIFO, or a symlink to one) is opened and
 *     written in place; nothing is created or renamed;
 *   - otherwise the content goes to a temporary file created next to the
 *     destination under a name with 64 random bits, exclusively and without
 *     following links (O_CREAT|O_EXCL|O_NOFOLLOW, a new name on EEXIST),
 *     which is renamed over the destination once complete.  A symlink (a
 *     chain of them) is followed deliberately to its final target, which is
 *     what gets replaced: the link stays a link; but, whatever the
 *     machine's fs.protected_symlinks, another user's link in a sticky
 *     world-writable directory (/tmp) is refused (EACCES) unless it is the
 *     directory owner's.  The file keeps an existing
 *     destination's mode (and owner, where allowed; the temporary is 0600
 *     until then); a new one gets 0666 & ~umask.
 * Every descriptor is opened close-on-exec.
 *
 * Pure C: no Python, no global state.  The functions return 0, or -1 with
 * *err filled (ts_error.h): TS_ERR_FORMAT when the profile could not be
 * drawn (not a profile, or the writer refused its input: sys_errno EINVAL,
 * the message the one-line reason), else TS_ERR_NOMEM or TS_ERR_OS with
 * sys_errno the errno of what failed (opening, writing, renaming).  They
 * may run without the GIL.  Not async-signal-safe.
 */
#ifndef TRISCOPE_PROFILE_OUTPUT_H
#define TRISCOPE_PROFILE_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "profile_model.h"
#include "report.h"
#include "ts_error.h"

/* X(format, name): every report format, by the name the binding takes. */
#define TS_OUTPUT_FORMATS(X)    \
    X(TS_OUTPUT_JSON, "json")   \
    X(TS_OUTPUT_TEXT, "text")   \
    X(TS_OUTPUT_HTML, "html")

typedef enum ts_output_format {
#define TS_OUTPUT_ENUM(format, name) format,
    TS_OUTPUT_FORMATS(TS_OUTPUT_ENUM)
#undef TS_OUTPUT_ENUM
    TS_OUTPUT_FORMAT_COUNT
} ts_output_format_t;

/* An output file being written (ts_output_open). */
typedef struct ts_output_file {
    int fd;     /* open for writing, close-on-exec; the caller may take it
                   (set it to -1 once it closes it itself) */
    char *dest; /* malloc'd: the file the content ends up in (a symlinked
                   path's final target) */
    char *tmp;  /* malloc'd: the temporary file renamed over dest, or NULL
                   when dest is written in place */
} ts_output_file_t;

/* The 64 random bits a temporary file's name candidate is made from;
 * ctx is the caller's. */
typedef uint64_t (*ts_output_draw_fn)(void *ctx);

/* Opens path for writing as the header comment says; draw: where the
 * temporary file's name candidates come from (NULL: ts_os_random_u64; a
 * test passes its own).  Returns 0 with *f filled, or -1 (TS_ERR_OS,
 * sys_errno: EISDIR for a directory, ELOOP for a symlink loop, or what
 * failed; TS_ERR_NOMEM), nothing created. */
int ts_output_open(const char *path, ts_output_draw_fn draw, void *ctx, ts_output_file_t *f,
                   ts_error_t *err);

/* Closes f->fd (unless -1) and puts the content in place (renames the
 * temporary over dest); frees f's strings either way.  Returns 0, or -1
 * (TS_ERR_OS) with the temporary file removed. */
int ts_output_commit(ts_output_file_t *f, ts_error_t *err);

/* Closes f->fd (unless -1), removes the temporary file, frees f's strings:
 * the destination is as it was (a device or FIFO may have had part of the
 * content). */
void ts_output_discard(ts_output_file_t *f);

/* The format called name ("json", "text", "html"), or -1. */
int ts_output_format_from_name(const char *name);

/* Writes m (finished) to path (ts_output_open), or to standard output when path is NULL: as
 * JSON (TS_OUTPUT_JSON), or as the text or HTML report drawn from its JSON
 * written to memory first, exactly as `triscope view` draws that JSON
 * (ts_report_render).  assets: needed for HTML only.  Returns 0 or -1. */
int ts_output_write_model(const char *path, ts_output_format_t format, const ts_model_t *m,
                          const ts_report_opts_t *o, const ts_html_assets_t *assets,
                          ts_error_t *err);

/* Draws the JSON profile json[0..len) as the text (TS_OUTPUT_TEXT) or HTML
 * (any other format) report to path or standard output.  A profile that
 * cannot be read fails before anything is written (the temporary file is
 * removed).  Returns 0 or -1. */
int ts_output_write_profile(const char *path, ts_output_format_t format, const char *json,
                            size_t len, const ts_report_opts_t *o,
                            const ts_html_assets_t *assets, ts_error_t *err);

#endif

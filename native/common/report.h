/* report.h -- the report writers: a finished ts_model_t to JSON or text.
 *
 * Both writers are pure functions of (model, options) to a FILE*: no global
 * state, no Python.  Percentages are computed here, always against
 * model->total_s (see profile_model.h).  Return 0 on success, -1 if writing
 * failed (errno set by stdio).
 */
#ifndef TRISCOPE_REPORT_H
#define TRISCOPE_REPORT_H

#include <stdio.h>
#include "profile_model.h"

#define TS_JSON_SCHEMA_VERSION 1

typedef struct ts_report_opts {
    int reduced;                  /* hide lines below the thresholds */
    double cpu_percent_threshold; /* percent; lines below it are "idle" (default 1) */
    int color;                    /* text: ANSI colours (caller decides: TTY, NO_COLOR) */
    int width;                    /* text: terminal columns (>= 40; 0 means 100) */
} ts_report_opts_t;

/* Default options: not reduced, threshold 1%, no colour, 100 columns. */
#define TS_REPORT_DEFAULT_THRESHOLD 1.0
#define TS_REPORT_DEFAULT_WIDTH 100
#define TS_REPORT_MIN_WIDTH 40

/* Both writers accept o == NULL (the defaults) and normalise the options
 * with this: a negative or non-finite threshold becomes 0, width 0 (or
 * negative) becomes TS_REPORT_DEFAULT_WIDTH and a width below
 * TS_REPORT_MIN_WIDTH becomes TS_REPORT_MIN_WIDTH. */
ts_report_opts_t ts_report_opts_resolve(const ts_report_opts_t *o);

/* Whether a line or function with statistics st is shown under the resolved
 * options o: always when not reduced; when reduced, only if it has some
 * time and its total percentage (of m->total_s) reaches the threshold. */
int ts_report_shown(const ts_model_t *m, const ts_report_opts_t *o,
                    const ts_stats_t *st);

/* Scalene-compatible JSON profile plus a "triscope" object. */
int ts_report_json(const ts_model_t *m, const ts_report_opts_t *o, FILE *out);

/* Annotated-source text report. */
int ts_report_text(const ts_model_t *m, const ts_report_opts_t *o, FILE *out);

#endif

/* report.h -- the report writers: a finished ts_model_t to JSON or text,
 * and a JSON profile to text or HTML.
 *
 * The writers are pure functions of (model or profile, options) to a FILE*:
 * no global state, no Python, no dependence on the C locale.  Percentages
 * are computed here, always against model->total_s (see profile_model.h).
 * Return 0 on success, -1 if writing failed (errno set by stdio).
 *
 * The user-facing text and HTML reports are drawn from the JSON profile
 * (ts_report_render), so that `triscope view` on a saved profile draws
 * exactly what the run drew; ts_report_text on a model is the layer below.
 * Not async-signal-safe.
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
    double malloc_threshold_mb;   /* reduced: lines allocating this many MB are
                                     shown whatever their time; 0 means
                                     TS_REPORT_SHOWN_MB (--malloc-threshold) */
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

/* By default, a line that allocated at least this many MB is shown in a
 * reduced report whatever its time. */
#define TS_REPORT_SHOWN_MB 1.0

/* Whether a line or function with statistics st is shown under the resolved
 * options o: always when not reduced; when reduced, only if it has some
 * time and its total percentage (of m->total_s) reaches the threshold, or
 * (with m->memory) it allocated at least o->malloc_threshold_mb, or (with
 * m->gpu) its GPU utilisation reaches the threshold. */
int ts_report_shown(const ts_model_t *m, const ts_report_opts_t *o,
                    const ts_stats_t *st);

/* The same for a line and a function, honouring the model's selection
 * (selected_only: only selected ones, then the thresholds as above). */
int ts_report_line_shown(const ts_model_t *m, const ts_report_opts_t *o,
                         const ts_model_line_t *l);
int ts_report_function_shown(const ts_model_t *m, const ts_report_opts_t *o,
                             const ts_model_function_t *fn);

/* Whether file f is reported at all: with a selection, only if it holds a
 * selected line; otherwise always. */
int ts_report_file_selected(const ts_model_t *m, const ts_model_file_t *f);

/* Scalene-compatible JSON profile plus a "triscope" object. */
int ts_report_json(const ts_model_t *m, const ts_report_opts_t *o, FILE *out);

/* Annotated-source text report. */
int ts_report_text(const ts_model_t *m, const ts_report_opts_t *o, FILE *out);

/* Writes v rounded to `decimals` (0..6) digits after a '.' into buf (size
 * bytes, at least 32), whatever LC_NUMERIC says (printf alone would write
 * "1,5" under a German locale a profiled program may have set).  Non-finite
 * values are written as 0.  Returns buf. */
char *ts_report_fixed(double v, int decimals, char *buf, size_t size);

/* The parts of the HTML report, as UTF-8 text (NUL-terminated, not owned):
 * page is the template, with the placeholders @TRISCOPE_CSS@,
 * @TRISCOPE_JS@, @TRISCOPE_PROFILE@ and @TRISCOPE_OPTIONS@, each exactly
 * once, in any order; css and js are inlined where the first two are. */
typedef struct ts_html_assets {
    const char *page;
    const char *css;
    const char *js;
} ts_html_assets_t;

/* The HTML report: the page with the assets and the JSON profile
 * json[0..len) inlined (json must be valid JSON; '<', '>', '&', U+2028 and
 * U+2029 are escaped on the way, so no byte of it can end the <script>
 * element that holds it), and the options as a small JSON object.  m is
 * the model read from json (ts_model_from_json_text): the options then say,
 * per file, which lines and functions a reduced profile keeps
 * (ts_report_line_shown and ts_report_function_shown with o reduced), so
 * the page's "only lines that matter" toggle applies the rule written here
 * and nowhere else; m NULL leaves that out (the page then keeps none).
 * Returns 0, or -1 with errno EINVAL when the assets are malformed (a
 * placeholder missing or repeated, css containing "</style", js
 * containing "</script" or "<!--"), else errno from stdio. */
int ts_report_html(const char *json, size_t len, const ts_model_t *m,
                   const ts_report_opts_t *o, const ts_html_assets_t *assets, FILE *out);

typedef enum ts_report_format {
    TS_REPORT_FORMAT_TEXT,
    TS_REPORT_FORMAT_HTML,
} ts_report_format_t;

/* Draws the JSON profile json[0..len) as a text or HTML report (assets are
 * needed for HTML only).  The profile is read with ts_model_from_json_text;
 * if it cannot be, returns -1 with errno EINVAL and a one-line reason in err
 * (errsize bytes), writing nothing.  Otherwise returns what the writer
 * returns (on failure err says "cannot write the report"). */
int ts_report_render(const char *json, size_t len, ts_report_format_t format,
                     const ts_report_opts_t *o, const ts_html_assets_t *assets,
                     FILE *out, char *err, size_t errsize);

#endif

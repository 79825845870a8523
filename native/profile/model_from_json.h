/* model_from_json.h -- a saved JSON profile back into a ts_model_t.
 *
 * The text and HTML reports are drawn from the JSON profile, never from the
 * engine's model directly: a run writes its JSON, reads it back with
 * ts_model_from_json and renders that model; `triscope view` does the same
 * with a saved file.  So a report re-rendered from a saved profile is the
 * same, byte for byte, as the one the run printed, and anything a report
 * shows is by construction in the JSON (see report_render.c).
 *
 * The JSON holds percentages; the model holds seconds.  A percentage p
 * becomes p * total / 100 seconds, where total is triscope.total_time_s
 * (a Scalene profile has no such key: its percentages are then taken of
 * elapsed_time_sec).  Lines a reduced profile left out come back as empty
 * lines without time, and their time is kept in the file's hidden_s, so
 * the file's share of the time is still right.
 *
 * Accepted: profiles written by triscope (schema version up to
 * TS_JSON_SCHEMA_VERSION) and by Scalene.  Anything else, valid JSON or
 * not, is refused with one line saying why.  Input sizes are bounded (line
 * numbers, counts) so that a hostile file cannot make the reader allocate
 * without limit.
 * Not async-signal-safe.
 */
#ifndef TRISCOPE_MODEL_FROM_JSON_H
#define TRISCOPE_MODEL_FROM_JSON_H

#include <stddef.h>

#include "json_reader.h"
#include "profile_model.h"

/* Highest line number accepted in a profile, and most lines in all files
 * together (each line costs the model about a hundred bytes). */
#define TS_MODEL_JSON_MAX_LINENO (1 << 20)
#define TS_MODEL_JSON_MAX_LINES (1 << 21)

/* Builds a model from a parsed profile (root).  Returns the model (the
 * caller frees it with ts_model_free), or NULL with a one-line reason in
 * err (truncated to errsize): "not a triscope or Scalene profile: ...",
 * or "out of memory" with errno ENOMEM. */
ts_model_t *ts_model_from_json(const ts_jv_t *root, char *err, size_t errsize);

/* Parses text[0..len) and builds its model: ts_jv_parse then
 * ts_model_from_json.  Same results; a parse error reads "not valid JSON
 * (line 3, column 14: expected ',' or '}')". */
ts_model_t *ts_model_from_json_text(const char *text, size_t len, char *err,
                                    size_t errsize);

#endif

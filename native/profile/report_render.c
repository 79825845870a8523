/* report_render.c -- a JSON profile to the text or HTML report.
 *
 * Both reports a user reads are drawn from the JSON profile, never from the
 * engine's model: the run writes its JSON (to memory), and `triscope view`
 * reads a saved one; both then come here.  So the report of a saved profile
 * is the run's report, byte for byte, and whatever a report shows is in the
 * JSON.  The profile is always read into a model first, even for HTML
 * (which embeds the JSON itself, and takes from the model which lines a
 * reduced profile keeps): a file that is not a profile is refused here,
 * with one line saying why, before anything is written.
 */
#include "report.h"

#include <errno.h>
#include <stdio.h>

#include "model_from_json.h"

int
ts_report_render(const char *json, size_t len, ts_report_format_t format,
                 const ts_report_opts_t *o, const ts_html_assets_t *assets,
                 FILE *out, char *err, size_t errsize)
{
    ts_model_t *m = ts_model_from_json_text(json, len, err, errsize);
    int rc;

    if (!m) {
        if (errno != ENOMEM) {
            errno = EINVAL;
        }
        return -1;
    }
    if (format == TS_REPORT_FORMAT_HTML) {
        rc = ts_report_html(json, len, m, o, assets, out);
    }
    else {
        rc = ts_report_text(m, o, out);
    }
    if (rc < 0 && err && errsize) {
        snprintf(err, errsize, "cannot write the report");
    }
    ts_model_free(m);
    return rc;
}

/* report_common.c -- the option handling both report writers share, so that
 * the JSON and the text report always agree on which lines are shown. */
#include "report.h"

#include <math.h>

ts_report_opts_t
ts_report_opts_resolve(const ts_report_opts_t *o)
{
    ts_report_opts_t r = {0, TS_REPORT_DEFAULT_THRESHOLD, 0, TS_REPORT_DEFAULT_WIDTH};

    if (o) {
        r = *o;
    }
    if (!isfinite(r.cpu_percent_threshold) || r.cpu_percent_threshold < 0.0) {
        r.cpu_percent_threshold = 0.0;
    }
    if (r.width <= 0) {
        r.width = TS_REPORT_DEFAULT_WIDTH;
    }
    else if (r.width < TS_REPORT_MIN_WIDTH) {
        r.width = TS_REPORT_MIN_WIDTH;
    }
    return r;
}

int
ts_report_shown(const ts_model_t *m, const ts_report_opts_t *o,
                const ts_stats_t *st)
{
    double total = ts_stats_total(st);

    if (!o->reduced) {
        return 1;
    }
    return total > 0.0 && ts_model_percent(m, total) >= o->cpu_percent_threshold;
}

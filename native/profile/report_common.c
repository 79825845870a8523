/* report_common.c -- what the report writers share: option handling and
 * the one reduced-profile rule (ts_report_shown), so that the JSON, the
 * text report and the HTML page's reduced view (through the list
 * report_html.c embeds) always agree on which lines are shown, and number
 * formatting that ignores the C locale. */
#include "report.h"

#include <math.h>
#include <string.h>

ts_report_opts_t
ts_report_opts_resolve(const ts_report_opts_t *o)
{
    ts_report_opts_t r = {0, TS_REPORT_DEFAULT_THRESHOLD, 0, TS_REPORT_DEFAULT_WIDTH,
                          TS_REPORT_SHOWN_MB};

    if (o) {
        r = *o;
    }
    if (!isfinite(r.cpu_percent_threshold) || r.cpu_percent_threshold < 0.0) {
        r.cpu_percent_threshold = 0.0;
    }
    if (!isfinite(r.malloc_threshold_mb) || r.malloc_threshold_mb <= 0.0) {
        r.malloc_threshold_mb = TS_REPORT_SHOWN_MB;
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
    if (m->memory && st->malloc_mb > 0.0 && st->malloc_mb >= o->malloc_threshold_mb) {
        return 1;
    }
    if (m->gpu && st->gpu_samples > 0 &&
        st->gpu_util_sum / (double)st->gpu_samples >= o->cpu_percent_threshold &&
        st->gpu_util_sum > 0.0) {
        return 1;
    }
    return total > 0.0 && ts_model_percent(m, total) >= o->cpu_percent_threshold;
}

int
ts_report_line_shown(const ts_model_t *m, const ts_report_opts_t *o,
                     const ts_model_line_t *l)
{
    return (!m->selected_only || l->selected) && ts_report_shown(m, o, &l->st);
}

int
ts_report_function_shown(const ts_model_t *m, const ts_report_opts_t *o,
                         const ts_model_function_t *fn)
{
    return (!m->selected_only || fn->selected) && ts_report_shown(m, o, &fn->st);
}

int
ts_report_file_selected(const ts_model_t *m, const ts_model_file_t *f)
{
    if (!m->selected_only) {
        return 1;
    }
    for (size_t i = 0; i < f->n_lines; i++) {
        if (f->lines[i].selected) {
            return 1;
        }
    }
    return 0;
}

char *
ts_report_fixed(double v, int decimals, char *buf, size_t size)
{
    char tmp[400];
    size_t n = 0;

    if (!isfinite(v)) {
        v = 0.0;
    }
    if (decimals < 0) {
        decimals = 0;
    }
    else if (decimals > 6) {
        decimals = 6;
    }
    /* printf rounds exactly; only its decimal point depends on the locale
     * (and may be several bytes), so every byte that is not a digit or a
     * sign becomes one '.'.  The same trick as ts_json_format_double. */
    snprintf(tmp, sizeof tmp, "%.*f", decimals, v);
    for (const char *p = tmp; *p && n + 1 < size; p++) {
        if ((*p >= '0' && *p <= '9') || *p == '-') {
            buf[n++] = *p;
        }
        else if (n > 0 && buf[n - 1] != '.') {
            buf[n++] = '.';
        }
    }
    if (n > 0 && buf[n - 1] == '.') {
        n--; /* a multi-byte point's trailing bytes never end the number */
    }
    if (size > 0) {
        buf[n < size ? n : size - 1] = '\0';
    }
    if (strcmp(buf, "-0") == 0 || (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))) {
        memmove(buf, buf + 1, strlen(buf)); /* "-0.0" reads badly in a report */
    }
    return buf;
}

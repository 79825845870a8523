/* text_summary.c -- the text report's lines above the tables and under
 * them: the memory and GPU summary (peak, footprint sparkline, suspected
 * leaks, the GPU seen), the legend that says how to read the tables, and
 * the footnotes on unattributed time and dropped samples.
 */
#include "text_internal.h"

#include <stdio.h>

/* The memory and GPU summary under the first line: peak and growth, the
 * footprint sparkline, suspected leaks, the GPU seen. */
void
ts_text_memory_summary(const text_ctx_t *c)
{
    const ts_model_t *m = c->m;
    char a[32], b[32], spark[3 * FOOTPRINT_WIDTH + 1];
    int listed = 0, more = 0;

    if (m->memory) {
        fprintf(c->out, "Memory: peak %s MB (%s Python)",
                ts_report_fixed(m->max_footprint_mb, 1, a, sizeof a),
                (ts_text_format_share(b, sizeof b, m->max_footprint_python_fraction), b));
        if (m->max_footprint_fname && *m->max_footprint_fname &&
            m->max_footprint_lineno > 0) {
            fputs(" at ", c->out);
            ts_text_put(c->out, m->max_footprint_fname, -1);
            fprintf(c->out, ":%d", m->max_footprint_lineno);
        }
        fprintf(c->out, "; growth %s%%.\n", ts_report_fixed(m->growth_rate, 1, a, sizeof a));
        if (ts_text_sparkline(spark, sizeof spark, m->footprint, m->n_footprint,
                      c->o.width - 30 < FOOTPRINT_WIDTH ? c->o.width - 30
                                                        : FOOTPRINT_WIDTH) > 0) {
            fprintf(c->out, "Footprint over %ss: %s (peak %s MB)\n",
                    ts_report_fixed(m->elapsed_s, 2, a, sizeof a), spark,
                    ts_report_fixed(m->max_footprint_mb, 1, b, sizeof b));
        }
        for (size_t i = 0; i < m->n_files; i++) {
            const ts_model_file_t *f = &m->files[i];
            for (size_t k = 0; k < f->n_lines; k++) {
                const ts_model_line_t *l = &f->lines[k];
                if (!(l->leak_likelihood > 0.0)) {
                    continue;
                }
                if (listed == MAX_LEAKS_LISTED) {
                    more++;
                    continue;
                }
                listed++;
                fputs("Possible leak: ", c->out);
                ts_text_put(c->out, f->path, -1);
                fprintf(c->out, ":%d (likelihood %s, growing %s MB/s)\n", l->lineno,
                        (ts_text_format_share(a, sizeof a, l->leak_likelihood), a),
                        ts_report_fixed(l->leak_velocity_mb_s, 2, b, sizeof b));
            }
        }
        if (more > 0) {
            fprintf(c->out, "... and %d more possible leaks (see the JSON or HTML "
                    "report).\n", more);
        }
    }
    if (m->gpu) {
        fputs("GPU: ", c->out);
        ts_text_put(c->out, m->gpu_device && *m->gpu_device ? m->gpu_device : "present", -1);
        if (m->gpu_mode && *m->gpu_mode) {
            fputs(" (", c->out);
            ts_text_put(c->out, m->gpu_mode, -1);
            putc(')', c->out);
        }
        putc('\n', c->out);
    }
}

/* Writes the sentence s (ASCII and UTF-8 punctuation, no control
 * characters), wrapped at spaces to the report's width; continuation lines
 * are indented by two. */
static void
put_wrapped(const text_ctx_t *c, const char *s)
{
    int col = 0;

    while (*s) {
        const char *w = s, *e;
        int wc;
        while (*w == ' ') {
            w++;
        }
        if (!*w) {
            break;
        }
        for (e = w; *e && *e != ' '; e++) {
        }
        wc = 0;
        for (const char *q = w; q < e; q++) {
            wc += ((unsigned char)*q & 0xC0) != 0x80;
        }
        if (col > 0 && col + 1 + wc > c->o.width) {
            fputs("\n  ", c->out);
            col = 2;
        }
        else if (col > 0) {
            putc(' ', c->out);
            col++;
        }
        fwrite(w, 1, (size_t)(e - w), c->out);
        col += wc;
        s = e;
    }
    putc('\n', c->out);
}

/* The lines under the summary that say how to read the tables. */
void
ts_text_legend(const text_ctx_t *c)
{
    const ts_model_t *m = c->m;
    char a[32], b[32], line[512];

    snprintf(line, sizeof line, "Time columns: %% of the %ss sampled (Python, native%s), "
             "blank below %s%%.",
             ts_report_fixed(m->total_s, 2, a, sizeof a), m->virtual_time ? "" : ", system",
             ts_report_fixed(BLANK_BELOW, 1, b, sizeof b));
    put_wrapped(c, line);
    snprintf(line, sizeof line, "Hot lines (>= %s%% of the time) are marked '>'%s.",
             ts_report_fixed(c->hot, 1, a, sizeof a), c->o.color ? " and red" : "");
    put_wrapped(c, line);
    if (m->memory) {
        put_wrapped(c, "Memory columns: MB allocated (sampled), Python's share of it, peak "
                       "live MB, live MB over time; Copy: MB/s copied; blank below 0.05 MB.");
    }
    if (m->gpu) {
        put_wrapped(c, "GPU columns: mean utilisation while the line ran, peak GPU memory.");
    }
    if (c->ndropped > 0) {
        size_t n = (size_t)snprintf(line, sizeof line, "Left out to fit the width:");
        for (int i = 0; i < c->ndropped && n < sizeof line; i++) {
            col_kind_t k = c->dropped[i];
            n += (size_t)snprintf(line + n, sizeof line - n, "%s %s", i ? "," : "",
                                  k == COL_PYSHARE ? "Python share"
                                  : k == COL_GPU_MB ? "GPU peak"
                                  : k == COL_COPY ? "copy MB/s"
                                  : k == COL_PEAK ? "peak MB" : ts_text_columns[k].name);
        }
        if (n < sizeof line) {
            snprintf(line + n, sizeof line - n, "; widen the terminal or use --html.");
        }
        put_wrapped(c, line);
    }
    if (m->virtual_time) {
        put_wrapped(c, "Virtual time: only CPU time is counted, not sleeping or waiting,"
                       " so there is no system column.");
    }
    if (c->o.reduced) {
        snprintf(line, sizeof line, "Reduced profile: lines below %s%% are hidden; "
                 "'...' stands for hidden lines.",
                 ts_report_fixed(c->o.cpu_percent_threshold, 1, a, sizeof a));
        put_wrapped(c, line);
    }
}

/* Footnotes on time no line received and samples that were lost. */
void
ts_text_footer(const text_ctx_t *c)
{
    const ts_model_t *m = c->m;
    char a[32], b[32];

    if (m->unattributed_s > 0.0) {
        fprintf(c->out, "\n%s%% (%ss) of the time was in threads with no "
                "frame in a profiled file.\n",
                ts_report_fixed(ts_model_percent(m, m->unattributed_s), 1, a, sizeof a),
                ts_report_fixed(m->unattributed_s, 2, b, sizeof b));
    }
    if (m->n_dropped > 0) {
        fprintf(c->out, "\nwarning: %llu samples were dropped (buffer full or "
                "unreadable stack); percentages are less certain.\n",
                (unsigned long long)m->n_dropped);
    }
}

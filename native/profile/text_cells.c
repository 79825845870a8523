/* text_cells.c -- the columns of the text report and the text of their
 * cells: the column table, which optional columns fit the width, the
 * line-number column's width, and each cell's number formatted the way the
 * legend describes (blank under BLANK_BELOW / BLANK_BELOW_MB, never
 * depending on the C locale).
 */
#include "text_internal.h"

#include <string.h>

/* The columns, indexed by col_kind_t.  Owner: immutable; read by
 * report_text.c, text_cells.c and text_summary.c. */
const col_info_t ts_text_columns[COL_KINDS] = {
    {"Time", "Python", 6}, {"", "native", 6},   {"", "system", 6},
    {"Memory", "MB", 6},   {"", "Python", 6},   {"", "peak", 6},
    {"", "timeline", SPARK_WIDTH}, {"Copy", "MB/s", 6},
    {"GPU", "util", 6},    {"", "peak MB", 7},
};

/* The cell text of a percentage: blank under BLANK_BELOW, capped at 100. */
static void
format_percent(char *buf, size_t size, double pct)
{
    size_t n;

    if (!(pct >= BLANK_BELOW)) {
        buf[0] = '\0';
        return;
    }
    ts_report_fixed(pct > 100.0 ? 100.0 : pct, 1, buf, size - 1);
    n = strlen(buf);
    buf[n] = '%';
    buf[n + 1] = '\0';
}

/* The cell text of a size in MB, in at most 6 columns: blank under
 * BLANK_BELOW_MB, one decimal under 1000, whole MB under a million, then
 * whole GB with a 'G'. */
static void
format_mb(char *buf, size_t size, double mb)
{
    if (!(mb >= BLANK_BELOW_MB)) {
        buf[0] = '\0';
    }
    else if (mb < 999.95) {
        ts_report_fixed(mb, 1, buf, size);
    }
    else if (mb < 999999.5) {
        ts_report_fixed(mb, 0, buf, size);
    }
    else {
        size_t n;
        ts_report_fixed(mb / 1024.0 < 99999.0 ? mb / 1024.0 : 99999.0, 0, buf, size - 1);
        n = strlen(buf);
        buf[n] = 'G';
        buf[n + 1] = '\0';
    }
}

/* A whole percentage ("95%"), for shares. */
void
ts_text_format_share(char *buf, size_t size, double fraction)
{
    size_t n;

    ts_report_fixed(fraction * 100.0, 0, buf, size - 1);
    n = strlen(buf);
    buf[n] = '%';
    buf[n + 1] = '\0';
}

/* The text of column kind for statistics st (line: its timeline, or NULL
 * for a function). */
void
ts_text_cell(const text_ctx_t *c, col_kind_t kind, const ts_stats_t *st,
          const ts_model_line_t *line, char *buf, size_t size)
{
    const ts_model_t *m = c->m;

    buf[0] = '\0';
    switch (kind) {
    case COL_PYTHON:
        format_percent(buf, size, ts_model_percent(m, st->cpu_python_s));
        break;
    case COL_NATIVE:
        format_percent(buf, size, ts_model_percent(m, st->cpu_native_s));
        break;
    case COL_SYSTEM:
        format_percent(buf, size, ts_model_percent(m, st->sys_s));
        break;
    case COL_MB:
        format_mb(buf, size, st->malloc_mb);
        break;
    case COL_PYSHARE:
        if (st->malloc_mb >= BLANK_BELOW_MB) {
            ts_text_format_share(buf, size, st->python_mb / st->malloc_mb);
        }
        break;
    case COL_PEAK:
        format_mb(buf, size, st->peak_mb);
        break;
    case COL_TIMELINE:
        if (line) {
            ts_text_sparkline(buf, size, line->timeline, line->n_timeline, SPARK_WIDTH);
        }
        break;
    case COL_COPY:
        if (m->elapsed_s > 0.0) {
            format_mb(buf, size, st->copy_mb / m->elapsed_s);
        }
        break;
    case COL_GPU:
        if (st->gpu_samples > 0) {
            format_percent(buf, size, st->gpu_util_sum / (double)st->gpu_samples);
        }
        break;
    case COL_GPU_MB:
        format_mb(buf, size, st->gpu_peak_mb);
        break;
    case COL_KINDS:
        break;
    }
}

/* Columns before the source text: gutter, line number, " │", the cells
 * (" " + value + " │" each) and one space. */
int
ts_text_prefix_width(const text_ctx_t *c)
{
    int w = 1 + c->lw + 2 + 1;
    for (int i = 0; i < c->ncols; i++) {
        w += ts_text_columns[c->cols[i]].width + 3;
    }
    return w;
}

/* Decimal digits of v > 0. */
static int
digits(size_t v)
{
    int d = 1;
    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

/* Width of the line-number column for f: its largest line or function
 * number, at least 4 digits ("Line"). */
int
ts_text_label_width(const ts_model_file_t *f)
{
    size_t widest = f->n_lines;

    for (size_t i = 0; i < f->n_functions; i++) {
        if (f->functions[i].lineno > 0 && (size_t)f->functions[i].lineno > widest) {
            widest = (size_t)f->functions[i].lineno;
        }
    }
    return digits(widest) < 4 ? 4 : digits(widest);
}

/* Picks the columns: the time columns always; with memory or a GPU, the
 * optional ones in order of usefulness, as long as the source keeps
 * MIN_SOURCE columns at the widest line-number column of the report. */
void
ts_text_choose_columns(text_ctx_t *c)
{
    static const col_kind_t by_priority[] = {
        COL_GPU, COL_MB, COL_TIMELINE, COL_PEAK, COL_PYSHARE, COL_COPY, COL_GPU_MB,
    };
    static const col_kind_t display_order[] = {
        COL_PYTHON, COL_NATIVE, COL_SYSTEM, COL_MB, COL_PYSHARE, COL_PEAK,
        COL_TIMELINE, COL_COPY, COL_GPU, COL_GPU_MB,
    };
    int want[COL_KINDS] = {0};
    const ts_model_t *m = c->m;
    int used;

    c->lw = 4;
    for (size_t i = 0; i < m->n_files; i++) {
        int w = ts_text_label_width(&m->files[i]);
        c->lw = w > c->lw ? w : c->lw;
    }
    want[COL_PYTHON] = want[COL_NATIVE] = 1;
    want[COL_SYSTEM] = !m->virtual_time;
    c->ncols = 0;
    for (int k = 0; k < COL_KINDS; k++) {
        if (want[k]) {
            c->cols[c->ncols++] = (col_kind_t)k;
        }
    }
    used = ts_text_prefix_width(c);
    c->ndropped = 0;
    for (size_t i = 0; i < sizeof by_priority / sizeof by_priority[0]; i++) {
        col_kind_t k = by_priority[i];
        int is_gpu = k == COL_GPU || k == COL_GPU_MB;
        if (!(is_gpu ? m->gpu : m->memory)) {
            continue;
        }
        if (used + ts_text_columns[k].width + 3 <= c->o.width - MIN_SOURCE) {
            want[k] = 1;
            used += ts_text_columns[k].width + 3;
        }
        else {
            c->dropped[c->ndropped++] = k;
        }
    }
    c->ncols = 0;
    for (size_t i = 0; i < sizeof display_order / sizeof display_order[0]; i++) {
        if (want[display_order[i]]) {
            c->cols[c->ncols++] = display_order[i];
        }
    }
}

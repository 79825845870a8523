/* report_text.c -- the model as annotated source for a terminal: the
 * driver (ts_report_text), the tables and their rows, the function summary
 * and the one-sentence reports.  The cells and columns are text_cells.c,
 * sanitised text and sparklines text_glyphs.c, the legend and the memory
 * summary text_summary.c; text_internal.h is what they share.
 *
 * Layout (3 time columns in wall-clock mode, 2 in virtual time, where there
 * is no system time; the memory, copy and GPU columns only when the profile
 * has memory or GPU data):
 *
 *   triscope: prog.py — elapsed 4.00s, 400 samples, mode wall-clock
 *   Memory: peak 512.0 MB (78% Python) at prog.py:12; growth 3.2%.
 *   Footprint over 4.00s: ▁▂▃▅▇█▇▅▃▂ (peak 512.0 MB)
 *   Possible leak: prog.py:17 (likelihood 95%, growing 1.50 MB/s)
 *   GPU: NVIDIA H200 (per-process)
 *   <legend: what the columns mean, the hot mark, reduced/virtual notes>
 *
 *   prog.py: % of time = 83.2% (3.33s) out of 4.00s.
 *         │   Time │        │        │ Memory │        │        │          │   Copy │
 *    Line │ Python │ native │ system │     MB │ Python │   peak │ timeline │   MB/s │ source
 *   ──────┼────────┼────────┼────────┼────────┼────────┼────────┼──────────┼────────┼──────
 *       4 │        │        │        │        │        │        │          │        │     total = 0
 *   >   6 │  37.5% │   6.2% │        │   12.0 │    95% │    8.0 │ ▁▃▅█▆▃   │        │         ...
 *     ... │        │        │        │        │        │        │          │        │
 *   function summary:
 *   <the same table, one row per function, its name in the last column>
 *
 *   16.8% (0.67s) of the time was in threads with no frame in a profiled file.
 *
 * Design choices, all stated in the legend the report prints:
 *   - every percentage is of model->total_s; a cell under 0.5% (0.05 MB)
 *     is blank so that the eye finds the lines that matter;
 *   - a "hot" row (total >= max(threshold, 10%)) is marked by '>' in a
 *     one-column gutter, always, and also drawn in bold red when colour is
 *     on: the mark survives pipes, logs and colour blindness;
 *   - no row is wider than opts->width: the numeric columns have a fixed
 *     width and only the source text is cut, with "…", after expanding tabs
 *     to multiples of 8 and counting display columns (wide CJK characters
 *     take 2).  When the optional columns would leave the source less than
 *     MIN_SOURCE columns, the least useful are left out (see
 *     ts_text_choose_columns) and the legend says which;
 *   - control characters and bidirectional overrides in source text are
 *     shown as '?', so a source file cannot move the cursor, recolour the
 *     terminal or reorder what is displayed;
 *   - numbers never depend on the C locale (ts_report_fixed): a program
 *     that set LC_NUMERIC to a decimal-comma locale still gets "12.5%";
 *   - sparklines use the eight block elements U+2581..U+2588, each line
 *     scaled to its own peak; a timeline longer than the cell is thinned by
 *     taking the highest value of each stretch, so a spike is never lost;
 *   - reduced: only lines at or above the threshold (or that allocated
 *     TS_REPORT_SHOWN_MB) are listed, each run of hidden lines becomes one
 *     "..." row; files with no such line are left out.  Not reduced: every
 *     line of every file.
 *
 * Two runs get a single sentence instead of tables: one too short to
 * measure (no samples, or less sampled time than two sampling intervals:
 * any table would be noise), and one whose time was all spent outside the
 * profiled files (an empty table would look like a bug; the sentence points
 * to --profile-all).
 */
#include "text_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One table row.  cells has c->ncols entries; text may be NULL. */
static void
put_row(const text_ctx_t *c, int hot, const char *label,
        const char *const *cells, const char *text)
{
    int budget = c->o.width - ts_text_prefix_width(c);

    if (hot && c->o.color) {
        fputs(ANSI_HOT, c->out);
    }
    fprintf(c->out, "%c%*s │", hot ? '>' : ' ', c->lw, label);
    for (int i = 0; i < c->ncols; i++) {
        int pad = ts_text_columns[c->cols[i]].width - ts_text_cell_columns(cells[i]);
        putc(' ', c->out);
        if (c->cols[i] == COL_TIMELINE) {
            fputs(cells[i], c->out); /* a picture: left-aligned */
            fprintf(c->out, "%*s", pad > 0 ? pad : 0, "");
        }
        else {
            fprintf(c->out, "%*s", pad > 0 ? pad : 0, "");
            fputs(cells[i], c->out);
        }
        fputs(" │", c->out);
    }
    if (text && *text && budget > 0) {
        putc(' ', c->out);
        ts_text_put(c->out, text, budget);
    }
    if (hot && c->o.color) {
        fputs(ANSI_RESET, c->out);
    }
    putc('\n', c->out);
}

/* A row of statistics: line or function number, its cells and its text
 * (line: the line's record, for its timeline; NULL for a function). */
static void
put_stats_row(const text_ctx_t *c, int lineno, const ts_stats_t *st,
              const ts_model_line_t *line, const char *text)
{
    char label[16], cell[MAX_COLS][CELL_MAX];
    const char *cells[MAX_COLS];
    double total = ts_model_percent(c->m, ts_stats_total(st));

    snprintf(label, sizeof label, "%d", lineno);
    for (int i = 0; i < c->ncols; i++) {
        ts_text_cell(c, c->cols[i], st, line, cell[i], sizeof cell[i]);
        cells[i] = cell[i];
    }
    put_row(c, total >= c->hot, label, cells, text);
}

/* The "..." row standing for a run of hidden lines. */
static void
put_gap_row(const text_ctx_t *c)
{
    static const char *const blank[MAX_COLS] = {"", "", "", "", "", "", "", "", "", ""};
    put_row(c, 0, "...", blank, NULL);
}

/* The two header lines and the rule under them; what names the last column. */
static void
put_table_header(const text_ctx_t *c, const char *what)
{
    const char *top[MAX_COLS], *names[MAX_COLS];
    int rest = c->o.width - ts_text_prefix_width(c) + 1; /* the rule's last stretch */

    for (int i = 0; i < c->ncols; i++) {
        top[i] = ts_text_columns[c->cols[i]].top;
        names[i] = ts_text_columns[c->cols[i]].name;
    }
    put_row(c, 0, "", top, NULL);
    put_row(c, 0, "Line", names, what);
    for (int i = 0; i < 1 + c->lw + 1; i++) {
        fputs("─", c->out);
    }
    for (int k = 0; k < c->ncols; k++) {
        fputs("┼", c->out);
        for (int i = 0; i < ts_text_columns[c->cols[k]].width + 2; i++) {
            fputs("─", c->out);
        }
    }
    fputs("┼", c->out);
    for (int i = 0; i < rest; i++) {
        fputs("─", c->out);
    }
    putc('\n', c->out);
}

/* What a function is ranked by in the summary: its time, then (a function
 * that only allocated) its MB, counted as a tiny amount of time. */
static int
compare_functions(const void *a, const void *b)
{
    const ts_model_function_t *fa = *(const ts_model_function_t *const *)a;
    const ts_model_function_t *fb = *(const ts_model_function_t *const *)b;
    double da = ts_stats_total(&fa->st), db = ts_stats_total(&fb->st);

    if (da != db) {
        return da > db ? -1 : 1;
    }
    if (fa->st.malloc_mb != fb->st.malloc_mb) {
        return fa->st.malloc_mb > fb->st.malloc_mb ? -1 : 1;
    }
    return (fa->lineno > fb->lineno) - (fa->lineno < fb->lineno);
}

/* Whether a function belongs in the summary: it has time (or, with memory,
 * allocated something) and is shown under the options. */
static int
summarised(const text_ctx_t *c, const ts_model_function_t *fn)
{
    const ts_stats_t *st = &fn->st;
    int busy = ts_stats_total(st) > 0.0 ||
               (c->m->memory && st->malloc_mb >= BLANK_BELOW_MB) ||
               (c->m->gpu && st->gpu_util_sum > 0.0);
    return busy && ts_report_function_shown(c->m, &c->o, fn);
}

/* The function summary of f, most time first.  Returns 0, or -1 with errno
 * ENOMEM. */
static int
put_function_summary(const text_ctx_t *c, const ts_model_file_t *f)
{
    const ts_model_function_t **list;
    size_t n = 0;

    if (f->n_functions == 0) {
        return 0;
    }
    list = malloc(f->n_functions * sizeof *list);
    if (!list) {
        errno = ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < f->n_functions; i++) {
        if (summarised(c, &f->functions[i])) {
            list[n++] = &f->functions[i];
        }
    }
    if (n > 0) {
        qsort(list, n, sizeof *list, compare_functions);
        fputs("function summary:\n", c->out);
        put_table_header(c, "function");
        for (size_t i = 0; i < n; i++) {
            put_stats_row(c, list[i]->lineno, &list[i]->st, NULL, list[i]->name);
        }
    }
    free(list);
    return 0;
}

/* Whether f has a line to list under the options. */
static int
has_shown_line(const text_ctx_t *c, const ts_model_file_t *f)
{
    for (size_t i = 0; i < f->n_lines; i++) {
        if (ts_report_line_shown(c->m, &c->o, &f->lines[i])) {
            return 1;
        }
    }
    return 0;
}

/* One file: header line, line table, function summary.  Returns 0 or -1. */
static int
put_file(text_ctx_t *c, const ts_model_file_t *f)
{
    double secs = ts_model_file_time(f);
    char pct[32], s1[32], s2[32];
    int hidden = 0;

    if ((c->o.reduced || c->m->selected_only) && !has_shown_line(c, f)) {
        return 0;
    }
    c->lw = ts_text_label_width(f);
    putc('\n', c->out);
    if (c->o.color) {
        fputs(ANSI_BOLD, c->out);
    }
    ts_text_put(c->out, f->path, -1);
    fprintf(c->out, ": %% of time = %s%% (%ss) out of %ss.",
            ts_report_fixed(ts_model_percent(c->m, secs), 1, pct, sizeof pct),
            ts_report_fixed(secs, 2, s1, sizeof s1),
            ts_report_fixed(c->m->elapsed_s, 2, s2, sizeof s2));
    if (c->o.color) {
        fputs(ANSI_RESET, c->out);
    }
    putc('\n', c->out);
    put_table_header(c, "source");
    for (size_t i = 0; i < f->n_lines; i++) {
        const ts_model_line_t *l = &f->lines[i];
        if (!ts_report_line_shown(c->m, &c->o, l)) {
            hidden = 1;
            continue;
        }
        if (hidden) {
            put_gap_row(c);
            hidden = 0;
        }
        put_stats_row(c, l->lineno, &l->st, l, l->text);
    }
    if (hidden) {
        put_gap_row(c);
    }
    return put_function_summary(c, f);
}

/* Whether any line of any file has time (or, with memory, allocations). */
static int
any_file_activity(const ts_model_t *m)
{
    for (size_t i = 0; i < m->n_files; i++) {
        ts_stats_t t = ts_model_file_totals(&m->files[i]);
        if (ts_model_file_time(&m->files[i]) > 0.0 || (m->memory && t.malloc_mb > 0.0)) {
            return 1;
        }
    }
    return 0;
}

/* Writes the report body (after the brevity check).  Returns 0 or -1. */
static int
put_report(text_ctx_t *c)
{
    const ts_model_t *m = c->m;
    char a[32];

    fputs("triscope: ", c->out);
    ts_text_put(c->out, m->program ? m->program : "(unknown program)", -1);
    fprintf(c->out, " — elapsed %ss, %llu samples, mode %s\n",
            ts_report_fixed(m->elapsed_s, 2, a, sizeof a),
            (unsigned long long)m->n_samples,
            m->virtual_time ? "virtual (CPU only)" : "wall-clock");
    if (!any_file_activity(m)) {
        fprintf(c->out, "triscope: no time was spent in the profiled files "
                "(%llu samples landed elsewhere); use --profile-all to "
                "profile every file.\n", (unsigned long long)m->n_samples);
        return 0;
    }
    ts_text_memory_summary(c);
    ts_text_legend(c);
    for (size_t i = 0; i < m->n_files; i++) {
        if (put_file(c, &m->files[i]) < 0) {
            return -1;
        }
    }
    ts_text_footer(c);
    return 0;
}

int
ts_report_text(const ts_model_t *m, const ts_report_opts_t *o, FILE *out)
{
    text_ctx_t c;
    char a[32];
    int rc = 0;

    memset(&c, 0, sizeof c);
    c.m = m;
    c.o = ts_report_opts_resolve(o);
    c.out = out;
    c.hot = c.o.cpu_percent_threshold > HOT_MIN_PERCENT ? c.o.cpu_percent_threshold
                                                        : HOT_MIN_PERCENT;
    ts_text_choose_columns(&c);
    if (m->n_samples == 0 || m->total_s < 2.0 * m->sampling_interval_s) {
        fprintf(out, "triscope: the program ran too briefly to profile "
                "(%llu samples in %ss); profile a longer run or lower "
                "--cpu-sampling-rate.\n",
                (unsigned long long)m->n_samples,
                ts_report_fixed(m->elapsed_s, 2, a, sizeof a));
    }
    else {
        rc = put_report(&c);
    }
    if (fflush(out) != 0 || ferror(out)) {
        return -1; /* errno set by stdio */
    }
    return rc;
}

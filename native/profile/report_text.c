/* report_text.c -- the model as annotated source for a terminal.
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
 *     optional_columns) and the legend says which;
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
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define HOT_MIN_PERCENT 10.0  /* a hot row has at least this share */
#define BLANK_BELOW 0.5       /* percentage cells under this stay blank */
#define BLANK_BELOW_MB 0.05   /* MB cells under this stay blank */
#define MIN_SOURCE 24         /* optional columns leave the source this much */
#define MAX_COLS 10
#define CELL_MAX 64           /* bytes of one cell's text */
#define SPARK_WIDTH 8         /* characters of a per-line sparkline */
#define FOOTPRINT_WIDTH 40    /* characters of the global sparkline, at most */
#define MAX_LEAKS_LISTED 10
#define ANSI_HOT "\033[1;31m"
#define ANSI_BOLD "\033[1m"
#define ANSI_RESET "\033[0m"
#define ELLIPSIS "\xE2\x80\xA6" /* U+2026, one column */

/* What a column shows. */
typedef enum col_kind {
    COL_PYTHON,
    COL_NATIVE,
    COL_SYSTEM,
    COL_MB,       /* MB allocated */
    COL_PYSHARE,  /* Python's share of it */
    COL_PEAK,     /* peak live MB */
    COL_TIMELINE, /* sparkline of live MB */
    COL_COPY,     /* MB/s copied */
    COL_GPU,      /* mean GPU utilisation % */
    COL_GPU_MB,   /* peak GPU memory MB */
    COL_KINDS
} col_kind_t;

typedef struct col_info {
    const char *top;  /* first header row */
    const char *name; /* second header row; also named in the legend */
    int width;        /* display columns of the cell's text */
} col_info_t;

/* Indexed by col_kind_t; immutable. */
static const col_info_t col_info[COL_KINDS] = {
    {"Time", "Python", 6}, {"", "native", 6},   {"", "system", 6},
    {"Memory", "MB", 6},   {"", "Python", 6},   {"", "peak", 6},
    {"", "timeline", SPARK_WIDTH}, {"Copy", "MB/s", 6},
    {"GPU", "util", 6},    {"", "peak MB", 7},
};

typedef struct text_ctx {
    const ts_model_t *m;
    ts_report_opts_t o; /* resolved */
    FILE *out;
    col_kind_t cols[MAX_COLS]; /* the columns shown, in display order */
    int ncols;
    col_kind_t dropped[MAX_COLS]; /* optional columns left out for width */
    int ndropped;
    int lw;             /* width of the line-number column */
    double hot;         /* rows with at least this total percentage are hot */
} text_ctx_t;

/* How one source character is displayed. */
typedef struct glyph {
    size_t len;   /* bytes consumed */
    uint32_t cp;  /* what is drawn: the character, '?', ' ' or U+FFFD */
    int cols;     /* columns it takes (a tab: up to the next stop) */
} glyph_t;

/* Decodes the character at s[0..n) drawn at column col of the source text. */
static glyph_t
next_glyph(const char *s, size_t n, int col)
{
    glyph_t g;

    g.len = ts_utf8_decode((const unsigned char *)s, n, &g.cp);
    if (g.cp == '\t') {
        g.cp = ' ';
        g.cols = 8 - col % 8;
        return g;
    }
    if (g.cp < 0x20 || (g.cp >= 0x7F && g.cp < 0xA0) ||
        (g.cp >= 0x2028 && g.cp <= 0x202E) || (g.cp >= 0x2066 && g.cp <= 0x2069)) {
        g.cp = '?'; /* C0/C1 controls, line/paragraph separators, bidi
                       embeddings, overrides and isolates */
    }
    g.cols = ts_utf8_width(g.cp);
    return g;
}

static void
put_glyph(FILE *out, const glyph_t *g)
{
    char buf[4];

    if (g->cp == ' ') {
        for (int i = 0; i < g->cols; i++) {
            putc(' ', out); /* a space, or an expanded tab */
        }
        return;
    }
    fwrite(buf, 1, ts_utf8_encode(g->cp, buf), out);
}

/* Whether s, tabs expanded, fits in budget >= 0 columns (stops reading as
 * soon as it cannot: source lines can be megabytes of minified code). */
static int
text_fits(const char *s, int budget)
{
    size_t n = strlen(s);
    int col = 0;

    for (size_t i = 0; i < n && col <= budget;) {
        glyph_t g = next_glyph(s + i, n - i, col);
        col += g.cols;
        i += g.len;
    }
    return col <= budget;
}

/* Writes s sanitised (see the file comment) in at most budget columns,
 * ending with "…" when it had to be cut; budget < 0 means no limit. */
static void
put_text(FILE *out, const char *s, int budget)
{
    size_t n = strlen(s);
    int col = 0;
    int cut, room;

    if (budget == 0) {
        return;
    }
    cut = budget > 0 && !text_fits(s, budget);
    room = cut ? budget - 1 : budget; /* the ellipsis takes one */

    for (size_t i = 0; i < n;) {
        glyph_t g = next_glyph(s + i, n - i, col);
        if (room >= 0 && col + g.cols > room) {
            break;
        }
        put_glyph(out, &g);
        col += g.cols;
        i += g.len;
    }
    if (cut) {
        fputs(ELLIPSIS, out);
    }
}

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
static void
format_share(char *buf, size_t size, double fraction)
{
    size_t n;

    ts_report_fixed(fraction * 100.0, 0, buf, size - 1);
    n = strlen(buf);
    buf[n] = '%';
    buf[n + 1] = '\0';
}

/* Writes a sparkline of pts[0..n) (their MB) into buf: at most width block
 * characters (3 bytes each; size >= 3 * width + 1), each the highest value
 * of its stretch of points, scaled to the series' peak.  Returns the
 * characters written (0, and "", when there is nothing above zero). */
static int
sparkline(char *buf, size_t size, const ts_point_t *pts, size_t n, int width)
{
    static const char blocks[] = "\xE2\x96\x81"; /* U+2581; U+2581 + k for level k */
    double peak = 0.0;
    size_t len = 0;
    int k;

    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        peak = pts[i].mb > peak ? pts[i].mb : peak;
    }
    if (n == 0 || !(peak > 0.0) || width <= 0) {
        return 0;
    }
    k = n < (size_t)width ? (int)n : width;
    for (int i = 0; i < k && len + 4 <= size; i++) {
        size_t lo = (size_t)i * n / (size_t)k, hi = (size_t)(i + 1) * n / (size_t)k;
        double v = 0.0;
        int level;
        for (size_t j = lo; j < hi; j++) {
            v = pts[j].mb > v ? pts[j].mb : v;
        }
        level = (int)(v / peak * 7.0 + 0.5);
        level = level < 0 ? 0 : level > 7 ? 7 : level;
        buf[len++] = blocks[0];
        buf[len++] = blocks[1];
        buf[len++] = (char)(blocks[2] + level);
    }
    buf[len] = '\0';
    return k;
}

/* Display columns of a cell's text (ASCII and block elements: one each). */
static int
cell_columns(const char *s)
{
    int cols = 0;
    for (; *s; s++) {
        cols += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return cols;
}

/* The text of column kind for statistics st (line: its timeline, or NULL
 * for a function). */
static void
cell_text(const text_ctx_t *c, col_kind_t kind, const ts_stats_t *st,
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
            format_share(buf, size, st->python_mb / st->malloc_mb);
        }
        break;
    case COL_PEAK:
        format_mb(buf, size, st->peak_mb);
        break;
    case COL_TIMELINE:
        if (line) {
            sparkline(buf, size, line->timeline, line->n_timeline, SPARK_WIDTH);
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
static int
prefix_width(const text_ctx_t *c)
{
    int w = 1 + c->lw + 2 + 1;
    for (int i = 0; i < c->ncols; i++) {
        w += col_info[c->cols[i]].width + 3;
    }
    return w;
}

/* One table row.  cells has c->ncols entries; text may be NULL. */
static void
put_row(const text_ctx_t *c, int hot, const char *label,
        const char *const *cells, const char *text)
{
    int budget = c->o.width - prefix_width(c);

    if (hot && c->o.color) {
        fputs(ANSI_HOT, c->out);
    }
    fprintf(c->out, "%c%*s │", hot ? '>' : ' ', c->lw, label);
    for (int i = 0; i < c->ncols; i++) {
        int pad = col_info[c->cols[i]].width - cell_columns(cells[i]);
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
        put_text(c->out, text, budget);
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
        cell_text(c, c->cols[i], st, line, cell[i], sizeof cell[i]);
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
    int rest = c->o.width - prefix_width(c) + 1; /* the rule's last stretch */

    for (int i = 0; i < c->ncols; i++) {
        top[i] = col_info[c->cols[i]].top;
        names[i] = col_info[c->cols[i]].name;
    }
    put_row(c, 0, "", top, NULL);
    put_row(c, 0, "Line", names, what);
    for (int i = 0; i < 1 + c->lw + 1; i++) {
        fputs("─", c->out);
    }
    for (int k = 0; k < c->ncols; k++) {
        fputs("┼", c->out);
        for (int i = 0; i < col_info[c->cols[k]].width + 2; i++) {
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
static int
label_width(const ts_model_file_t *f)
{
    size_t widest = f->n_lines;

    for (size_t i = 0; i < f->n_functions; i++) {
        if (f->functions[i].lineno > 0 && (size_t)f->functions[i].lineno > widest) {
            widest = (size_t)f->functions[i].lineno;
        }
    }
    return digits(widest) < 4 ? 4 : digits(widest);
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
    c->lw = label_width(f);
    putc('\n', c->out);
    if (c->o.color) {
        fputs(ANSI_BOLD, c->out);
    }
    put_text(c->out, f->path, -1);
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

/* Picks the columns: the time columns always; with memory or a GPU, the
 * optional ones in order of usefulness, as long as the source keeps
 * MIN_SOURCE columns at the widest line-number column of the report. */
static void
choose_columns(text_ctx_t *c)
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
        int w = label_width(&m->files[i]);
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
    used = prefix_width(c);
    c->ndropped = 0;
    for (size_t i = 0; i < sizeof by_priority / sizeof by_priority[0]; i++) {
        col_kind_t k = by_priority[i];
        int is_gpu = k == COL_GPU || k == COL_GPU_MB;
        if (!(is_gpu ? m->gpu : m->memory)) {
            continue;
        }
        if (used + col_info[k].width + 3 <= c->o.width - MIN_SOURCE) {
            want[k] = 1;
            used += col_info[k].width + 3;
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

/* The memory and GPU summary under the first line: peak and growth, the
 * footprint sparkline, suspected leaks, the GPU seen. */
static void
put_memory_summary(const text_ctx_t *c)
{
    const ts_model_t *m = c->m;
    char a[32], b[32], spark[3 * FOOTPRINT_WIDTH + 1];
    int listed = 0, more = 0;

    if (m->memory) {
        fprintf(c->out, "Memory: peak %s MB (%s Python)",
                ts_report_fixed(m->max_footprint_mb, 1, a, sizeof a),
                (format_share(b, sizeof b, m->max_footprint_python_fraction), b));
        if (m->max_footprint_fname && *m->max_footprint_fname &&
            m->max_footprint_lineno > 0) {
            fputs(" at ", c->out);
            put_text(c->out, m->max_footprint_fname, -1);
            fprintf(c->out, ":%d", m->max_footprint_lineno);
        }
        fprintf(c->out, "; growth %s%%.\n", ts_report_fixed(m->growth_rate, 1, a, sizeof a));
        if (sparkline(spark, sizeof spark, m->footprint, m->n_footprint,
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
                put_text(c->out, f->path, -1);
                fprintf(c->out, ":%d (likelihood %s, growing %s MB/s)\n", l->lineno,
                        (format_share(a, sizeof a, l->leak_likelihood), a),
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
        put_text(c->out, m->gpu_device && *m->gpu_device ? m->gpu_device : "present", -1);
        if (m->gpu_mode && *m->gpu_mode) {
            fputs(" (", c->out);
            put_text(c->out, m->gpu_mode, -1);
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
static void
put_legend(const text_ctx_t *c)
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
                                  : k == COL_PEAK ? "peak MB" : col_info[k].name);
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
static void
put_footer(const text_ctx_t *c)
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

/* Writes the report body (after the brevity check).  Returns 0 or -1. */
static int
put_report(text_ctx_t *c)
{
    const ts_model_t *m = c->m;
    char a[32];

    fputs("triscope: ", c->out);
    put_text(c->out, m->program ? m->program : "(unknown program)", -1);
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
    put_memory_summary(c);
    put_legend(c);
    for (size_t i = 0; i < m->n_files; i++) {
        if (put_file(c, &m->files[i]) < 0) {
            return -1;
        }
    }
    put_footer(c);
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
    choose_columns(&c);
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

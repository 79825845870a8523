/* report_text.c -- the model as annotated source for a terminal.
 *
 * Layout (3 time columns in wall-clock mode, 2 in virtual time, where there
 * is no system time):
 *
 *   triscope: prog.py — elapsed 4.00s, 400 samples, mode wall-clock
 *   <legend: what the columns mean, the hot mark, reduced/virtual notes>
 *
 *   prog.py: % of time = 83.2% (3.33s) out of 4.00s.
 *         │   Time │        │        │
 *    Line │ Python │ native │ system │ source
 *   ──────┼────────┼────────┼────────┼──────────── (to the full width)
 *       4 │        │        │        │     total = 0
 *   >   6 │  37.5% │   6.2% │        │         total += i
 *     ... │        │        │        │            (reduced: hidden lines)
 *   function summary:
 *   <the same table, one row per function, its name in the last column>
 *
 *   16.8% (0.67s) of the time was in threads with no frame in a profiled file.
 *
 * Design choices, all stated in the legend the report prints:
 *   - every percentage is of model->total_s; a cell under 0.5% is blank so
 *     that the eye finds the lines that matter;
 *   - a "hot" row (total >= max(threshold, 10%)) is marked by '>' in a
 *     one-column gutter, always, and also drawn in bold red when colour is
 *     on: the mark survives pipes, logs and colour blindness;
 *   - no row is wider than opts->width: the numeric columns have a fixed
 *     width and only the source text is cut, with "…", after expanding tabs
 *     to multiples of 8 and counting display columns (wide CJK characters
 *     take 2).  Control characters and bidirectional overrides in source
 *     text are shown as '?', so a source file cannot move the cursor,
 *     recolour the terminal or reorder what is displayed.
 *   - reduced: only lines at or above the threshold are listed, each run of
 *     hidden lines becomes one "..." row; files with no such line are left
 *     out.  Not reduced: every line of every file.
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
#define BLANK_BELOW 0.5       /* cells under this percentage stay blank */
#define CELL_WIDTH 6          /* "100.0%" */
#define MAX_CELLS 3
#define ANSI_HOT "\033[1;31m"
#define ANSI_BOLD "\033[1m"
#define ANSI_RESET "\033[0m"
#define ELLIPSIS "\xE2\x80\xA6" /* U+2026, one column */

typedef struct text_ctx {
    const ts_model_t *m;
    ts_report_opts_t o; /* resolved */
    FILE *out;
    int ncells;         /* time columns: 3, or 2 in virtual time */
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
    if (!(pct >= BLANK_BELOW)) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, size, "%.1f%%", pct > 100.0 ? 100.0 : pct);
}

/* Columns before the source text: gutter, line number, " │", the cells
 * (" " + value + " │" each) and one space. */
static int
prefix_width(const text_ctx_t *c)
{
    return 1 + c->lw + 2 + c->ncells * (CELL_WIDTH + 3) + 1;
}

/* One table row.  cells has c->ncells entries; text may be NULL. */
static void
put_row(const text_ctx_t *c, int hot, const char *label,
        const char *const *cells, const char *text)
{
    int budget = c->o.width - prefix_width(c);

    if (hot && c->o.color) {
        fputs(ANSI_HOT, c->out);
    }
    fprintf(c->out, "%c%*s │", hot ? '>' : ' ', c->lw, label);
    for (int i = 0; i < c->ncells; i++) {
        fprintf(c->out, " %*s │", CELL_WIDTH, cells[i]);
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

/* A row of statistics: line or function number, its cells and its text. */
static void
put_stats_row(const text_ctx_t *c, int lineno, const ts_stats_t *st, const char *text)
{
    char label[16], cell[MAX_CELLS][16];
    const char *cells[MAX_CELLS] = {cell[0], cell[1], cell[2]};
    double total = ts_model_percent(c->m, ts_stats_total(st));

    snprintf(label, sizeof label, "%d", lineno);
    format_percent(cell[0], sizeof cell[0], ts_model_percent(c->m, st->cpu_python_s));
    format_percent(cell[1], sizeof cell[1], ts_model_percent(c->m, st->cpu_native_s));
    format_percent(cell[2], sizeof cell[2], ts_model_percent(c->m, st->sys_s));
    put_row(c, total >= c->hot, label, cells, text);
}

/* The "..." row standing for a run of hidden lines. */
static void
put_gap_row(const text_ctx_t *c)
{
    static const char *const blank[MAX_CELLS] = {"", "", ""};
    put_row(c, 0, "...", blank, NULL);
}

/* The two header lines and the rule under them; what names the last column. */
static void
put_table_header(const text_ctx_t *c, const char *what)
{
    static const char *const top[MAX_CELLS] = {"Time", "", ""};
    static const char *const names[MAX_CELLS] = {"Python", "native", "system"};
    int rest = c->o.width - prefix_width(c) + 1; /* the rule's last stretch */

    put_row(c, 0, "", top, NULL);
    put_row(c, 0, "Line", names, what);
    for (int i = 0; i < 1 + c->lw + 1; i++) {
        fputs("─", c->out);
    }
    for (int k = 0; k < c->ncells; k++) {
        fputs("┼", c->out);
        for (int i = 0; i < CELL_WIDTH + 2; i++) {
            fputs("─", c->out);
        }
    }
    fputs("┼", c->out);
    for (int i = 0; i < rest; i++) {
        fputs("─", c->out);
    }
    putc('\n', c->out);
}

/* Orders functions by total time, descending, then by first line. */
static int
compare_functions(const void *a, const void *b)
{
    const ts_model_function_t *fa = *(const ts_model_function_t *const *)a;
    const ts_model_function_t *fb = *(const ts_model_function_t *const *)b;
    double da = ts_stats_total(&fa->st), db = ts_stats_total(&fb->st);

    if (da != db) {
        return da > db ? -1 : 1;
    }
    return (fa->lineno > fb->lineno) - (fa->lineno < fb->lineno);
}

/* The function summary of f: shown functions (reduced) or those with any
 * time (not reduced), most time first.  Returns 0, or -1 with errno ENOMEM. */
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
        const ts_model_function_t *fn = &f->functions[i];
        if (ts_stats_total(&fn->st) > 0.0 && ts_report_shown(c->m, &c->o, &fn->st)) {
            list[n++] = fn;
        }
    }
    if (n > 0) {
        qsort(list, n, sizeof *list, compare_functions);
        fputs("function summary:\n", c->out);
        put_table_header(c, "function");
        for (size_t i = 0; i < n; i++) {
            put_stats_row(c, list[i]->lineno, &list[i]->st, list[i]->name);
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

/* Whether f has a line to list under the options. */
static int
has_shown_line(const text_ctx_t *c, const ts_model_file_t *f)
{
    for (size_t i = 0; i < f->n_lines; i++) {
        if (ts_report_shown(c->m, &c->o, &f->lines[i].st)) {
            return 1;
        }
    }
    return 0;
}

/* One file: header line, line table, function summary.  Returns 0 or -1. */
static int
put_file(text_ctx_t *c, const ts_model_file_t *f)
{
    ts_stats_t tot = ts_model_file_totals(f);
    double secs = ts_stats_total(&tot);
    size_t widest = f->n_lines;
    int hidden = 0;

    if (c->o.reduced && !has_shown_line(c, f)) {
        return 0;
    }
    for (size_t i = 0; i < f->n_functions; i++) {
        if (f->functions[i].lineno > 0 && (size_t)f->functions[i].lineno > widest) {
            widest = (size_t)f->functions[i].lineno;
        }
    }
    c->lw = digits(widest) < 4 ? 4 : digits(widest);

    putc('\n', c->out);
    if (c->o.color) {
        fputs(ANSI_BOLD, c->out);
    }
    put_text(c->out, f->path, -1);
    fprintf(c->out, ": %% of time = %.1f%% (%.2fs) out of %.2fs.",
            ts_model_percent(c->m, secs), secs, c->m->elapsed_s);
    if (c->o.color) {
        fputs(ANSI_RESET, c->out);
    }
    putc('\n', c->out);
    put_table_header(c, "source");
    for (size_t i = 0; i < f->n_lines; i++) {
        const ts_model_line_t *l = &f->lines[i];
        if (!ts_report_shown(c->m, &c->o, &l->st)) {
            hidden = 1;
            continue;
        }
        if (hidden) {
            put_gap_row(c);
            hidden = 0;
        }
        put_stats_row(c, l->lineno, &l->st, l->text);
    }
    if (hidden) {
        put_gap_row(c);
    }
    return put_function_summary(c, f);
}

/* Whether any line of any file has time. */
static int
any_file_time(const ts_model_t *m)
{
    for (size_t i = 0; i < m->n_files; i++) {
        ts_stats_t t = ts_model_file_totals(&m->files[i]);
        if (ts_stats_total(&t) > 0.0) {
            return 1;
        }
    }
    return 0;
}

/* The lines under the summary line that say how to read the tables. */
static void
put_legend(const text_ctx_t *c)
{
    const ts_model_t *m = c->m;

    fprintf(c->out,
            "Time columns: %% of the %.2fs sampled (Python, native%s); "
            "blank below %.1f%%; '>'%s marks hot lines (>= %.1f%%).\n",
            m->total_s, m->virtual_time ? "" : ", system", BLANK_BELOW,
            c->o.color ? " and red" : "", c->hot);
    if (m->virtual_time) {
        fputs("Virtual time: only CPU time is counted, not sleeping or waiting,"
              " so there is no system column.\n", c->out);
    }
    if (c->o.reduced) {
        fprintf(c->out, "Reduced profile: lines below %.1f%% are hidden; "
                "'...' stands for hidden lines.\n", c->o.cpu_percent_threshold);
    }
}

/* Footnotes on time no line received and samples that were lost. */
static void
put_footer(const text_ctx_t *c)
{
    const ts_model_t *m = c->m;

    if (m->unattributed_s > 0.0) {
        fprintf(c->out, "\n%.1f%% (%.2fs) of the time was in threads with no "
                "frame in a profiled file.\n",
                ts_model_percent(m, m->unattributed_s), m->unattributed_s);
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

    fputs("triscope: ", c->out);
    put_text(c->out, m->program ? m->program : "(unknown program)", -1);
    fprintf(c->out, " — elapsed %.2fs, %llu samples, mode %s\n", m->elapsed_s,
            (unsigned long long)m->n_samples,
            m->virtual_time ? "virtual (CPU only)" : "wall-clock");
    if (!any_file_time(m)) {
        fprintf(c->out, "triscope: no time was spent in the profiled files "
                "(%llu samples landed elsewhere); use --profile-all to "
                "profile every file.\n", (unsigned long long)m->n_samples);
        return 0;
    }
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
    int rc = 0;

    memset(&c, 0, sizeof c);
    c.m = m;
    c.o = ts_report_opts_resolve(o);
    c.out = out;
    c.ncells = m->virtual_time ? 2 : 3;
    c.hot = c.o.cpu_percent_threshold > HOT_MIN_PERCENT ? c.o.cpu_percent_threshold
                                                        : HOT_MIN_PERCENT;
    if (m->n_samples == 0 || m->total_s < 2.0 * m->sampling_interval_s) {
        fprintf(out, "triscope: the program ran too briefly to profile "
                "(%llu samples in %.2fs); profile a longer run or lower "
                "--cpu-sampling-rate.\n",
                (unsigned long long)m->n_samples, m->elapsed_s);
    }
    else {
        rc = put_report(&c);
    }
    if (fflush(out) != 0 || ferror(out)) {
        return -1; /* errno set by stdio */
    }
    return rc;
}

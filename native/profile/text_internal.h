/* text_internal.h -- what the files of the text report share (internal to
 * report_text.c, text_cells.c, text_glyphs.c and text_summary.c; nothing
 * else includes it): the layout constants, the column kinds and the
 * writer's context.  The report's design is described in report_text.c.
 */
#ifndef TRISCOPE_TEXT_INTERNAL_H
#define TRISCOPE_TEXT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "profile_model.h"
#include "report.h"

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

/* Indexed by col_kind_t (text_cells.c). */
extern const col_info_t ts_text_columns[COL_KINDS];

/* ---- text_glyphs.c: sanitised text and sparklines ---- */

/* Writes s sanitised (see report_text.c) in at most budget columns, ending
 * with "…" when it had to be cut; budget < 0 means no limit. */
void ts_text_put(FILE *out, const char *s, int budget);

/* Writes a sparkline of pts[0..n) into buf (size >= 3 * width + 1): at most
 * width block characters.  Returns the characters written (0 and "" when
 * nothing is above zero). */
int ts_text_sparkline(char *buf, size_t size, const ts_point_t *pts, size_t n, int width);

/* Display columns of a cell's text (ASCII and block elements: one each). */
int ts_text_cell_columns(const char *s);

/* ---- text_cells.c: columns and cell text ---- */

/* A whole percentage ("95%") of fraction, for shares. */
void ts_text_format_share(char *buf, size_t size, double fraction);

/* The text of column kind for statistics st (line: its record, for the
 * timeline; NULL for a function) into buf. */
void ts_text_cell(const text_ctx_t *c, col_kind_t kind, const ts_stats_t *st,
                  const ts_model_line_t *line, char *buf, size_t size);

/* Columns a row takes before the source text. */
int ts_text_prefix_width(const text_ctx_t *c);

/* Width of the line-number column for f (at least 4: "Line"). */
int ts_text_label_width(const ts_model_file_t *f);

/* Fills c->cols, c->ncols, c->dropped, c->ndropped and c->lw for the
 * model and the width. */
void ts_text_choose_columns(text_ctx_t *c);

/* ---- text_summary.c: the lines around the tables ---- */

/* The memory and GPU summary under the report's first line. */
void ts_text_memory_summary(const text_ctx_t *c);

/* The legend: how to read the tables. */
void ts_text_legend(const text_ctx_t *c);

/* Footnotes on unattributed time and dropped samples. */
void ts_text_footer(const text_ctx_t *c);

#endif

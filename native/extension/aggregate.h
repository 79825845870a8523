/* aggregate.h -- the engine's statistics tables: files, lines, functions.
 *
 * Every sample ends here as "charge N nanoseconds of kind K to (file, line,
 * function)".  Files are identified by index; a file that is not shown
 * (see file_filter.h) has no line table.  The tables only grow; they hold
 * plain C data (no Python objects), so a report can be built from them
 * without the GIL.  Owner: the drain (the drain thread, or the thread that
 * stops the engine), always under the GIL.
 */
#ifndef TRISCOPE_AGGREGATE_H
#define TRISCOPE_AGGREGATE_H

#include <stdint.h>

#include "file_filter.h"
#include "profile_model.h"

enum ts_charge_kind { TS_CHARGE_PYTHON, TS_CHARGE_NATIVE, TS_CHARGE_SYSTEM };

/* Resets all tables (keeps nothing).  The filter is borrowed and must
 * outlive the tables. */
void ts_agg_reset(const ts_filter_t *filter);

/* Releases all tables. */
void ts_agg_free(void);

/* Index of the file whose code objects name it `co_filename` (resolved to
 * an absolute path once), or -1 on allocation failure. */
int ts_agg_file(const char *co_filename);

/* 1 if file index `file` is shown in profiles. */
int ts_agg_file_shown(int file);

/* Index of the function (file, name, first line), created if new; -1 on
 * allocation failure. */
int ts_agg_function(int file, const char *name, int firstlineno);

/* Charges ns to a line and its function (func may be -1). */
void ts_agg_charge(int file, int func, int line, enum ts_charge_kind kind, uint64_t ns);

/* Charges one GPU poll (utilisation %, GPU memory MB) to a line and its
 * function (func may be -1). */
void ts_agg_charge_gpu(int file, int func, int line, double util_percent, double memory_mb);

/* Charges CPU time that reached no shown frame. */
void ts_agg_charge_unattributed(uint64_t ns);

/* Absolute path of file index `file` (owned by the tables). */
const char *ts_agg_file_path(int file);

/* Name and first line of function index `func`. */
void ts_agg_function_info(int func, const char **name, int *firstlineno);

/* Adds every shown file with any charged time to the model (source read
 * from disk), with line and function statistics, and sets model->total_s
 * and model->unattributed_s.  Returns 0, or -1 on allocation failure. */
int ts_agg_build_model(ts_model_t *m);

#endif

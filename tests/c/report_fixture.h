/* Fixture for the report tests: a small, known profile and helpers that run
 * a writer on it.  All times are binary
 * fractions of total_s = 4.0, so every percentage is exact:
 *
 *   prog.py  line 5   python 0.5              12.5%   (hot: >= 10%)
 *            line 6   python 1.5, native 0.25 43.75%  (hot)
 *            line 7   python 0.015625          0.390625% (below 0.5 and 1)
 *            line 10  system 1.0              25%     (hot)
 *            line 12  python 0.0625            1.5625%
 *   lib.py   no time; its lines hold awkward text (HTML characters, a tab,
 *            Latin-1 bytes, an escape sequence, wide characters).
 *   unattributed 0.671875 s.
 * Functions of prog.py: work (3..7), nap (9..10), <module> (1..13). */
#ifndef TRISCOPE_TESTS_REPORT_FIXTURE_H
#define TRISCOPE_TESTS_REPORT_FIXTURE_H

#include "check.h"
#include "profile_model.h"
#include "report.h"
#include "test_util.h"

static const char sample_prog_source[] =
    "import time\n"
    "\n"
    "def work(n):\n"
    "    total = 0\n"
    "    for i in range(n):\n"
    "        total += i\n"
    "    return total\n"
    "\n"
    "def nap():\n"
    "    time.sleep(1)\n"
    "\n"
    "work(10**7)\n"
    "nap()\n";

static const char sample_lib_source[] =
    "if a < b & c > d:\n"
    "\tpass  # tab-indented\n"
    "s = 'caf\xE9'\n"
    "print('\x1b[31mred\x1b[0m')\n"
    "x = '\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87"
    "\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87"
    "\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87'\n"
    "y = 'a very long line of plain ASCII text that will not fit in a narrow "
    "terminal at all, not even close, it just keeps going and going'\n";

/* Sets a line's times. */
static inline void
sample_set_line(ts_model_file_t *f, int lineno, double py, double nat, double sys)
{
    ts_model_line_t *l = ts_model_line(f, lineno);
    l->st.cpu_python_s = py;
    l->st.cpu_native_s = nat;
    l->st.sys_s = sys;
    l->st.samples = (uint64_t)((py + nat) * 100);
}

/* Adds a function with its span and times. */
static inline void
sample_set_function(ts_model_file_t *f, const char *name, int first, int last,
                    double py, double nat, double sys)
{
    ts_model_function_t *fn = ts_model_function(f, name, first);
    fn->last_lineno = last;
    fn->st.cpu_python_s = py;
    fn->st.cpu_native_s = nat;
    fn->st.sys_s = sys;
}

/* The model described above (caller frees with ts_model_free). */
static inline ts_model_t *
sample_model(void)
{
    static const char *const argv[] = {"prog.py", "--n", "3"};
    ts_model_t *m = ts_model_new();
    ts_model_file_t *f;

    ts_model_set_string(&m->program, "prog.py");
    ts_model_set_string(&m->entrypoint_dir, "/home/u/proj");
    ts_model_set_string(&m->python_version, "3.12.1");
    ts_model_set_string(&m->triscope_version, "0.1.0");
    ts_model_set_args(m, argv, 3);
    m->elapsed_s = 4.0;
    m->start_time_absolute = 1700000000.5;
    m->start_time_perf = 12.25;
    m->sampling_interval_s = 0.01;
    m->ncpus = 4;
    m->total_s = 4.0;
    m->unattributed_s = 0.671875;
    m->n_samples = 400;
    m->n_threads = 1;

    f = ts_model_add_file_text(m, "prog.py", sample_prog_source, 0);
    sample_set_line(f, 5, 0.5, 0, 0);
    sample_set_line(f, 6, 1.5, 0.25, 0);
    sample_set_line(f, 7, 0.015625, 0, 0);
    sample_set_line(f, 10, 0, 0, 1.0);
    sample_set_line(f, 12, 0.0625, 0, 0);
    sample_set_function(f, "work", 3, 7, 2.015625, 0.25, 0);
    sample_set_function(f, "nap", 9, 10, 0, 0, 1.0);
    sample_set_function(f, "<module>", 1, 13, 0.0625, 0, 0);
    ts_model_add_file_text(m, "lib.py", sample_lib_source, 0);
    ts_model_finish(m);
    return m;
}

/* A report writer: ts_report_json or ts_report_text. */
typedef int (*report_writer_t)(const ts_model_t *, const ts_report_opts_t *, FILE *);

/* What writer prints for m under o (caller frees); CHECKs that it succeeds. */
static inline char *
report_of(report_writer_t writer, const ts_model_t *m, const ts_report_opts_t *o)
{
    capture_t cap;
    int rc = writer(m, o, capture_begin(&cap));
    char *doc = capture_end(&cap);
    CHECK(rc == 0);
    return doc;
}

/* CHECKs that writer reports failure on a stream it cannot write. */
static inline void
check_write_failure(report_writer_t writer)
{
    ts_model_t *m = sample_model();
    FILE *fp = fopen("/dev/null", "r");
    CHECK(fp != NULL);
    if (fp) {
        CHECK(writer(m, NULL, fp) == -1);
        fclose(fp);
    }
    ts_model_free(m);
}

#endif

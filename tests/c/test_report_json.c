/* Tests for native/profile/report_json.c: the document is valid JSON, has
 * every Scalene key and the triscope object, computes percentages and spans
 * as documented in docs/json-schema.md, escapes source text and honours
 * the reduced option. */
#include "check.h"
#include "report.h"
#include "report_fixture.h"
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

/* The JSON report of m under o (caller frees). */
static char *
json_of(const ts_model_t *m, const ts_report_opts_t *o)
{
    char *doc = report_of(ts_report_json, m, o);
    CHECK(json_valid(doc, strlen(doc)));
    return doc;
}

static void
test_top_level(void)
{
    static const char *const keys[] = {
        "{\"program\":\"prog.py\",", "\"filename\":\"/home/u/proj\",",
        "\"entrypoint_dir\":\"/home/u/proj\",", "\"args\":[\"prog.py\",\"--n\",\"3\"],",
        "\"elapsed_time_sec\":4.0,", "\"start_time_absolute\":1700000000.5,",
        "\"start_time_perf\":12.25,", "\"alloc_samples\":0,",
        "\"max_footprint_mb\":0.0,", "\"max_footprint_python_fraction\":0.0,",
        "\"max_footprint_fname\":\"\",", "\"max_footprint_lineno\":0,",
        "\"growth_rate\":0.0,", "\"native_allocations_mb\":0.0,", "\"samples\":[],",
        "\"memory\":false,", "\"gpu\":false,", "\"gpu_device\":\"\",",
        "\"async_profile\":false,", "\"stacks\":[],", "\"files\":{",
        "\"triscope\":{\"schema_version\":1,\"version\":\"0.1.0\","
        "\"python_version\":\"3.12.1\",\"mode\":\"wall\","
        "\"sampling_interval_s\":0.01,\"total_time_s\":4.0,"
        "\"unattributed_s\":0.671875,\"n_samples\":400,\"n_dropped\":0,"
        "\"n_threads\":1,\"ncpus\":4,\"cpu_only\":false,\"gpu_name\":\"\","
        "\"gpu_mode\":\"\",\"files\":{\"prog.py\":{\"n_lines\":13},"
        "\"lib.py\":{\"n_lines\":6}}}}\n",
    };
    ts_model_t *m = sample_model();
    char *doc = json_of(m, NULL);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        CHECK(has(doc, keys[i]));
    }
    free(doc);
    ts_model_free(m);
}

static void
test_files_and_records(void)
{
    ts_model_t *m = sample_model();
    char *doc = json_of(m, NULL);

    /* files in model order (most time first), every line of each */
    CHECK(has(doc, "\"files\":{\"prog.py\":{\"percent_cpu_time\":83.203125,\"lines\":["));
    CHECK(has(doc, "\"lib.py\":{\"percent_cpu_time\":0.0,\"lines\":["));
    CHECK(strstr(doc, "\"prog.py\"") < strstr(doc, "\"lib.py\""));
    CHECK(count_substr(doc, "\"lineno\":") == 13 + 3 + 6);
    CHECK(count_substr(doc, "\"leaks\":{},\"imports\":[]}") == 2);
    /* a complete line record, inside work() */
    CHECK(has(doc,
              "{\"lineno\":6,\"line\":\"        total += i\","
              "\"n_cpu_percent_python\":37.5,\"n_cpu_percent_c\":6.25,"
              "\"n_sys_percent\":0.0,\"n_core_utilization\":0.25,"
              "\"cpu_samples_list\":[],\"n_gpu_percent\":0.0,"
              "\"n_gpu_avg_memory_mb\":0.0,\"n_gpu_peak_memory_mb\":0.0,"
              "\"n_malloc_mb\":0.0,\"n_mallocs\":0,\"n_avg_mb\":0.0,"
              "\"n_peak_mb\":0.0,\"n_growth_mb\":0.0,\"n_usage_fraction\":0.0,"
              "\"n_python_fraction\":0.0,\"memory_samples\":[],"
              "\"n_copy_mb_s\":0.0,\"start_region_line\":6,\"end_region_line\":6,"
              "\"start_outermost_loop\":6,\"end_outermost_loop\":6,"
              "\"start_function_line\":3,\"end_function_line\":7}"));
    /* system time: no core utilization */
    CHECK(has(doc, "{\"lineno\":10,\"line\":\"    time.sleep(1)\","
                   "\"n_cpu_percent_python\":0.0,\"n_cpu_percent_c\":0.0,"
                   "\"n_sys_percent\":25.0,\"n_core_utilization\":0.0,"));
    /* a module-level line: the innermost enclosing function is <module> */
    CHECK(has(doc, "\"start_function_line\":1,\"end_function_line\":13}"));
    /* function records: name in "line", span in the function fields */
    CHECK(has(doc, "\"functions\":[{\"lineno\":1,\"line\":\"\\u003cmodule\\u003e\","));
    CHECK(has(doc, "{\"lineno\":3,\"line\":\"work\",\"n_cpu_percent_python\":50.390625,"));
    CHECK(has(doc, "\"start_function_line\":9,\"end_function_line\":10}"));
    /* lib.py has no functions */
    CHECK(has(doc, "\"functions\":[],\"leaks\""));
    free(doc);
    ts_model_free(m);
}

static void
test_escaping(void)
{
    ts_model_t *m = sample_model();
    char *doc = json_of(m, NULL);

    CHECK(has(doc, "\"line\":\"if a \\u003c b \\u0026 c \\u003e d:\""));
    CHECK(has(doc, "\"line\":\"\\tpass  # tab-indented\""));
    CHECK(has(doc, "\"line\":\"s = 'caf\xEF\xBF\xBD'\"")); /* Latin-1 byte */
    CHECK(has(doc, "\"line\":\"print('\\u001b[31mred\\u001b[0m')\""));
    CHECK(strpbrk(doc, "<>&") == NULL);
    free(doc);
    ts_model_free(m);
}

static void
test_reduced(void)
{
    ts_report_opts_t o = {1, 1.0, 0, 0, 0};
    ts_model_t *m = sample_model();
    char *doc = json_of(m, &o);

    /* lines >= 1%: 5, 6, 10, 12; functions >= 1%: work, nap, <module> */
    CHECK(has(doc, "\"lines\":[{\"lineno\":5,"));
    CHECK(!strstr(doc, "{\"lineno\":7,"));
    CHECK(!strstr(doc, "{\"lineno\":1,\"line\":\"import time\""));
    CHECK(count_substr(doc, "\"lineno\":") == 4 + 3);
    /* a file whose lines all vanish still appears */
    CHECK(has(doc, "\"lib.py\":{\"percent_cpu_time\":0.0,\"lines\":[],\"functions\":[],"));
    free(doc);

    o.cpu_percent_threshold = 20.0; /* only line 6 (43.75%) and 10 (25%) */
    doc = json_of(m, &o);
    CHECK(count_substr(doc, "{\"lineno\":") == 2 + 2);
    free(doc);

    o.cpu_percent_threshold = 0.0; /* reduced still hides idle lines */
    doc = json_of(m, &o);
    CHECK(count_substr(doc, "{\"lineno\":") == 5 + 3);
    free(doc);
    ts_model_free(m);
}

static void
test_zero_total_and_virtual(void)
{
    ts_model_t *m = sample_model();
    char *doc;

    m->total_s = 0.0;
    m->virtual_time = 1;
    m->ncpus = 0;
    doc = json_of(m, NULL);
    CHECK(!strstr(doc, "nan") && !strstr(doc, "inf"));
    CHECK(count_substr(doc, "\"n_cpu_percent_python\":0.0,") == 13 + 3 + 6);
    CHECK(has(doc, "\"percent_cpu_time\":0.0,"));
    CHECK(has(doc, "\"mode\":\"virtual\""));
    /* core utilization still defined with ncpus unknown (taken as 1) */
    CHECK(has(doc, "{\"lineno\":6,\"line\":\"        total += i\","
                   "\"n_cpu_percent_python\":0.0,\"n_cpu_percent_c\":0.0,"
                   "\"n_sys_percent\":0.0,\"n_core_utilization\":1.0,"));
    free(doc);
    ts_model_free(m);
}

static void
test_empty_model(void)
{
    ts_model_t *m = ts_model_new();
    char *doc = json_of(m, NULL);
    CHECK(has(doc, "{\"program\":\"\",\"filename\":\"\",\"entrypoint_dir\":\"\",\"args\":[],"));
    CHECK(has(doc, "\"files\":{},"));
    free(doc);
    ts_model_free(m);
}

static void
test_write_failure(void)
{
    check_write_failure(ts_report_json);
}

int
main(void)
{
    RUN(test_top_level);
    RUN(test_files_and_records);
    RUN(test_escaping);
    RUN(test_reduced);
    RUN(test_zero_total_and_virtual);
    RUN(test_empty_model);
    RUN(test_write_failure);
    return CHECK_SUMMARY();
}

/* Tests for native/profile/report_text.c: the summary and legend, the table
 * layout, hot rows, widths (tabs, wide characters, truncation), sanitised
 * source text, reduced mode, the function summary, the one-line reports for
 * runs too brief or spent elsewhere, and write failures. */
#include "check.h"
#include "report.h"
#include "report_fixture.h"
#include "test_util.h"
#include "utf8.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

/* The wide-character text of lib.py line 5: 中文 nine times. */
#define CJK2 "\xE4\xB8\xAD\xE6\x96\x87"
#define CJK18 CJK2 CJK2 CJK2 CJK2 CJK2 CJK2 CJK2 CJK2 CJK2

/* The text report of m under o (caller frees). */
static char *
text_of(const ts_model_t *m, const ts_report_opts_t *o)
{
    return report_of(ts_report_text, m, o);
}

static int
count_lines(const char *doc)
{
    return count_substr(doc, "\n");
}

/* Display columns of s[0..n): ANSI escape sequences take none, the rest as
 * a terminal draws them (test-local wide-character rule: CJK ideographs). */
static int
display_width(const char *s, size_t n)
{
    int cols = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        if (s[i] == '\033') {
            while (i < n && s[i] != 'm') {
                i++;
            }
            i++;
            continue;
        }
        i += ts_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        cols += cp >= 0x4E00 && cp <= 0x9FFF ? 2 : 1;
    }
    return cols;
}

/* Widest table row (a line with a column rule) in doc. */
static int
widest_row(const char *doc)
{
    int widest = 0;
    for (const char *p = doc; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *row = strndup(p, n);
        if (row && (strstr(row, "│") || strstr(row, "┼"))) {
            int w = display_width(row, n);
            widest = w > widest ? w : widest;
        }
        free(row);
        p += n + (nl != NULL);
    }
    return widest;
}

static void
test_summary_and_legend(void)
{
    ts_model_t *m = sample_model();
    char *doc = text_of(m, NULL);

    CHECK(strncmp(doc, "triscope: prog.py \xE2\x80\x94 elapsed 4.00s, 400 samples, "
                       "mode wall-clock\n", 64) == 0);
    CHECK(has(doc, "\nTime columns: % of the 4.00s sampled (Python, native, system), "
                   "blank below 0.5%.\nHot lines (>= 10.0% of the time) are marked '>'.\n"));
    CHECK(has(doc, "\nprog.py: % of time = 83.2% (3.33s) out of 4.00s.\n"));
    CHECK(has(doc, "\nlib.py: % of time = 0.0% (0.00s) out of 4.00s.\n"));
    CHECK(strstr(doc, "prog.py: %") < strstr(doc, "lib.py: %"));
    CHECK(has(doc, "      │   Time │        │        │\n"
                   " Line │ Python │ native │ system │ source\n"
                   "──────┼────────┼────────┼────────┼──"));
    CHECK(has(doc, "\n16.8% (0.67s) of the time was in threads with no frame"));
    CHECK(!strstr(doc, "dropped"));
    CHECK(!strstr(doc, "\033"));
    free(doc);
    ts_model_free(m);
}

static void
test_rows(void)
{
    ts_model_t *m = sample_model();
    char *doc = text_of(m, NULL);

    /* every line, numbers right-aligned, blanks under 0.5%, '>' when hot */
    CHECK(has(doc, "\n    1 │        │        │        │ import time\n"));
    CHECK(has(doc, "\n    2 │        │        │        │\n"));
    CHECK(has(doc, "\n>   5 │  12.5% │        │        │     for i in range(n):\n"));
    CHECK(has(doc, "\n>   6 │  37.5% │   6.2% │        │         total += i\n"));
    CHECK(has(doc, "\n    7 │        │        │        │     return total\n"));
    CHECK(has(doc, "\n>  10 │        │        │  25.0% │     time.sleep(1)\n"));
    CHECK(has(doc, "\n   12 │   1.6% │        │        │ work(10**7)\n"));
    CHECK(count_substr(doc, "\n>") == 3 + 2); /* hot lines + hot functions */
    /* function summary, most time first, functions with any time */
    CHECK(has(doc, "function summary:\n      │   Time │        │        │\n"
                   " Line │ Python │ native │ system │ function\n"));
    CHECK(has(doc, "\n>   3 │  50.4% │   6.2% │        │ work\n"
                   ">   9 │        │        │  25.0% │ nap\n"
                   "    1 │   1.6% │        │        │ <module>\n"));
    CHECK(count_substr(doc, "function summary:") == 1); /* lib.py has none */
    free(doc);
    ts_model_free(m);
}

static void
test_source_sanitised(void)
{
    ts_model_t *m = sample_model();
    char *doc = text_of(m, NULL);

    CHECK(!strchr(doc, '\t'));
    CHECK(!strchr(doc, '\033'));
    CHECK(has(doc, "│ if a < b & c > d:\n")); /* text, not HTML */
    CHECK(has(doc, "│         pass  # tab-indented\n"));
    CHECK(has(doc, "│ s = 'caf\xEF\xBF\xBD'\n"));
    CHECK(has(doc, "│ print('?[31mred?[0m')\n"));
    free(doc);
    ts_model_free(m);
}

static void
test_bidi_and_separators_shown(void)
{
    /* "Trojan source": a right-to-left override must not reorder the
     * terminal's display, nor U+2028 break the row. */
    ts_model_t *m = sample_model();
    ts_model_file_t *f = ts_model_add_file_text(m, "trojan.py",
                                                "ok = a\xE2\x80\xAE # b\xE2\x80\xA8" "c\n", 0);
    char *doc;

    f->lines[0].st.cpu_python_s = 0.25;
    doc = text_of(m, NULL);
    CHECK(has(doc, "│ ok = a? # b?c\n"));
    CHECK(!strstr(doc, "\xE2\x80\xAE") && !strstr(doc, "\xE2\x80\xA8"));
    free(doc);
    ts_model_free(m);
}

static void
test_widths(void)
{
    static const int widths[] = {40, 41, 55, 60, 79, 80, 100, 132};
    ts_model_t *m = sample_model();
    ts_report_opts_t o = {0, 1.0, 1, 0, 0};

    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        o.width = widths[i];
        for (int reduced = 0; reduced <= 1; reduced++) {
            char *doc;
            o.reduced = reduced;
            doc = text_of(m, &o);
            CHECK(widest_row(doc) == widths[i]); /* the rule spans the width */
            free(doc);
        }
    }
    o.width = 0; /* default */
    o.reduced = 0;
    {
        char *doc = text_of(m, &o);
        CHECK(widest_row(doc) == 100);
        /* the long line is cut with an ellipsis at exactly 100 columns */
        CHECK(has(doc, "│ y = 'a very long line of plain ASCII text that will "
                       "not fit in a\xE2\x80\xA6\n"));
        /* 18 wide characters (36 columns) fit in 100 columns */
        CHECK(has(doc, "│ x = '" CJK18 "'\n"));
        free(doc);
    }
    o.width = 20; /* clamped to 40 */
    {
        char *doc = text_of(m, &o);
        CHECK(widest_row(doc) == 40);
        free(doc);
    }
    ts_model_free(m);
}

static void
test_wide_characters_truncated(void)
{
    /* Wide characters after an odd-width prefix ("x = '"): at every width
     * the cut must neither split a character nor overflow by a column. */
    ts_model_t *m = sample_model();
    ts_report_opts_t o = {0, 1.0, 0, 0, 0};
    for (int w = 40; w <= 70; w++) {
        char *doc;
        o.width = w;
        doc = text_of(m, &o);
        CHECK(widest_row(doc) == w);
        if (w == 60) {
            /* 25 columns for the text: 5 + 9 x 2 + the ellipsis; a tenth
             * wide character would need 2 more */
            CHECK(has(doc, "│ x = '\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87"
                           "\xE4\xB8\xAD\xE6\x96\x87\xE4\xB8\xAD\xE6\x96\x87"
                           "\xE4\xB8\xAD\xE2\x80\xA6\n"));
        }
        free(doc);
    }
    ts_model_free(m);
}

static void
test_reduced(void)
{
    ts_report_opts_t o = {1, 1.0, 0, 0, 0};
    ts_model_t *m = sample_model();
    char *doc = text_of(m, &o);

    CHECK(has(doc, "Reduced profile: lines below 1.0% are hidden"));
    CHECK(has(doc, "──\n  ... │        │        │        │\n>   5 │"));
    CHECK(has(doc, "total += i\n  ... │        │        │        │\n>  10 │"));
    CHECK(has(doc, "work(10**7)\n  ... │        │        │        │\nfunction summary:"));
    CHECK(count_substr(doc, "  ... │") == 4);
    CHECK(!strstr(doc, "return total"));
    CHECK(!strstr(doc, "lib.py")); /* nothing to show there */
    free(doc);

    o.cpu_percent_threshold = 30.0; /* hot threshold follows: >= 30% */
    doc = text_of(m, &o);
    CHECK(has(doc, "Hot lines (>= 30.0% of the time) are marked '>'."));
    CHECK(has(doc, "\n>   6 │  37.5% │"));
    CHECK(!strstr(doc, "time.sleep"));
    CHECK(has(doc, "\n>   3 │  50.4% │")); /* only work() in the summary */
    CHECK(!strstr(doc, "│ nap\n"));
    free(doc);
    ts_model_free(m);
}

static void
test_color(void)
{
    ts_report_opts_t o = {0, 1.0, 1, 0, 0};
    ts_model_t *m = sample_model();
    char *doc = text_of(m, &o);

    CHECK(has(doc, "\n\033[1;31m>   6 │  37.5% │   6.2% │        │         total += i\033[0m\n"));
    CHECK(has(doc, "\n    7 │")); /* cold rows stay plain */
    CHECK(count_substr(doc, "\033[1;31m") == 5);
    CHECK(has(doc, "\033[1mprog.py: % of time"));
    CHECK(has(doc, "are marked '>' and red."));
    free(doc);
    ts_model_free(m);
}

static void
test_virtual_time(void)
{
    ts_model_t *m = sample_model();
    char *doc;

    m->virtual_time = 1;
    doc = text_of(m, NULL);
    CHECK(has(doc, "mode virtual (CPU only)\n"));
    CHECK(has(doc, "\nVirtual time: "));
    CHECK(has(doc, " Line │ Python │ native │ source\n"));
    CHECK(!strstr(doc, "system │"));
    CHECK(has(doc, "\n>   6 │  37.5% │   6.2% │         total += i\n"));
    free(doc);
    ts_model_free(m);
}

static void
test_too_brief(void)
{
    ts_model_t *m = sample_model();
    char *doc;

    m->n_samples = 0;
    m->elapsed_s = 0.004;
    doc = text_of(m, NULL);
    CHECK(strcmp(doc, "triscope: the program ran too briefly to profile (0 samples "
                      "in 0.00s); profile a longer run or lower "
                      "--cpu-sampling-rate.\n") == 0);
    free(doc);

    m->n_samples = 1; /* some samples, but under two intervals of time */
    m->elapsed_s = 0.025;
    m->total_s = 0.019;
    doc = text_of(m, NULL);
    CHECK(count_lines(doc) == 1);
    CHECK(has(doc, "(1 samples in 0.03s)") || has(doc, "(1 samples in 0.02s)"));
    free(doc);
    ts_model_free(m);
}

static void
test_no_time_in_files(void)
{
    ts_model_t *m = ts_model_new();
    char *doc;

    ts_model_set_string(&m->program, "idle.py");
    ts_model_add_file_text(m, "idle.py", "pass\n", 0);
    m->n_samples = 50;
    m->total_s = 0.5;
    m->unattributed_s = 0.5;
    m->elapsed_s = 0.5;
    m->sampling_interval_s = 0.01;
    doc = text_of(m, NULL);
    CHECK(count_lines(doc) == 2);
    CHECK(has(doc, "triscope: idle.py \xE2\x80\x94 elapsed 0.50s, 50 samples"));
    CHECK(has(doc, "\ntriscope: no time was spent in the profiled files"));
    CHECK(has(doc, "--profile-all"));
    free(doc);
    ts_model_free(m);
}

static void
test_dropped_and_unknown_program(void)
{
    ts_model_t *m = sample_model();
    char *doc;

    m->n_dropped = 7;
    ts_model_set_string(&m->program, NULL);
    doc = text_of(m, NULL);
    CHECK(has(doc, "triscope: (unknown program) \xE2\x80\x94"));
    CHECK(has(doc, "\nwarning: 7 samples were dropped"));
    free(doc);
    ts_model_free(m);
}


/* A model with memory and GPU data on prog.py line 6 and a global footprint. */
static ts_model_t *
memory_sample(void)
{
    ts_model_t *m = sample_model();
    ts_model_line_t *l = &m->files[0].lines[5];

    m->memory = 1;
    m->gpu = 1;
    ts_model_set_string(&m->gpu_device, "NVIDIA H200");
    ts_model_set_string(&m->gpu_mode, "device");
    m->max_footprint_mb = 1536.0;
    m->max_footprint_python_fraction = 0.25;
    ts_model_set_string(&m->max_footprint_fname, "prog.py");
    m->max_footprint_lineno = 6;
    m->growth_rate = 12.5;
    m->n_footprint = 16;
    m->footprint = calloc(16, sizeof *m->footprint);
    for (int i = 0; i < 16; i++) {
        m->footprint[i].t_s = 0.25 * i;
        m->footprint[i].mb = 96.0 * i;
    }
    l->st.malloc_mb = 1234.5;
    l->st.python_mb = 617.25;
    l->st.peak_mb = 0.04; /* below the blank limit */
    l->st.copy_mb = 10.0;
    l->st.gpu_util_sum = 50.0;
    l->st.gpu_samples = 1;
    l->st.gpu_peak_mb = 2500000.0;
    l->n_timeline = 4;
    l->timeline = calloc(4, sizeof *l->timeline);
    for (int i = 0; i < 4; i++) {
        l->timeline[i].t_s = i;
        l->timeline[i].mb = i == 3 ? 0.0 : 10.0 * (i + 1);
    }
    l->leak_likelihood = 0.5;
    l->leak_velocity_mb_s = 0.125;
    m->files[0].lines[1].st.malloc_mb = 3.0; /* line 2: memory only */
    return m;
}

static void
test_memory_columns(void)
{
    ts_report_opts_t o = {0, 1.0, 0, 200, 0};
    ts_model_t *m = memory_sample();
    char *doc = text_of(m, &o);

    CHECK(has(doc, "\nMemory: peak 1536.0 MB (25% Python) at prog.py:6; growth 12.5%.\n"));
    CHECK(has(doc, "\nFootprint over 4.00s: \xE2\x96\x81\xE2\x96\x81\xE2\x96\x82"));
    CHECK(has(doc, "\xE2\x96\x88 (peak 1536.0 MB)\n"));
    CHECK(has(doc, "\nPossible leak: prog.py:6 (likelihood 50%, growing 0.12 MB/s)\n"));
    CHECK(has(doc, "\nGPU: NVIDIA H200 (device)\n"));
    CHECK(has(doc, "\nMemory columns: "));
    CHECK(!strstr(doc, "Left out"));
    CHECK(has(doc, " Line │ Python │ native │ system │     MB │ Python │   peak │ timeline │"
                   "   MB/s │   util │ peak MB │ source\n"));
    /* 1234.5 MB -> "1234", half Python, peak blank, sparkline of 4 points
     * scaled to its peak (30 MB), copy 10 MB / 4 s, GPU 50%, 2.5 TB -> G */
    CHECK(has(doc, "\n>   6 │  37.5% │   6.2% │        │   1234 │    50% │        │ "
                   "\xE2\x96\x83\xE2\x96\x86\xE2\x96\x88\xE2\x96\x81     │    2.5 │  50.0% │"
                   "   2441G │         total += i\n"));
    CHECK(has(doc, "\n    2 │        │        │        │    3.0 │     0% │"));
    CHECK(widest_row(doc) == 200);
    free(doc);

    /* 80 columns: the least useful columns go, and the legend says so */
    o.width = 80;
    doc = text_of(m, &o);
    CHECK(widest_row(doc) == 80);
    CHECK(has(doc, " Line │ Python │ native │ system │     MB │   util │ source\n"));
    CHECK(has(doc, "Left out to fit the width: timeline, peak MB, Python share, copy MB/s, "
                   "GPU peak;\n  widen the terminal or use --html.\n"));
    free(doc);

    /* reduced: line 2 (3 MB, no time) stays, line 7 goes */
    o.reduced = 1;
    o.width = 200;
    doc = text_of(m, &o);
    CHECK(has(doc, "\n    2 │        │        │        │    3.0 │"));
    CHECK(!strstr(doc, "return total"));
    free(doc);
    ts_model_free(m);
}

static void
test_every_width_fits_with_memory(void)
{
    ts_model_t *m = memory_sample();
    for (int w = 40; w <= 220; w += 3) {
        ts_report_opts_t o = {w % 2, 1.0, w % 3 == 0, w, 0};
        char *doc = text_of(m, &o);
        CHECK(widest_row(doc) == w);
        free(doc);
    }
    ts_model_free(m);
}

static void
test_decimal_comma_locale(void)
{
    /* The profiled program may have set a decimal-comma LC_NUMERIC. */
    const char *had = setlocale(LC_NUMERIC, NULL);
    char *saved = had ? strdup(had) : NULL;
    ts_model_t *m = memory_sample();
    char *doc;

    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
        fprintf(stderr, "  (no decimal-comma locale installed: checked in the C locale)\n");
    }
    doc = text_of(m, NULL);
    CHECK(has(doc, "elapsed 4.00s"));
    CHECK(has(doc, "  37.5% │   6.2% │"));
    CHECK(has(doc, "growth 12.5%"));
    CHECK(!strstr(doc, "4,00") && !strstr(doc, "37,5"));
    free(doc);
    setlocale(LC_NUMERIC, saved ? saved : "C");
    free(saved);
    ts_model_free(m);
}

static void
test_fixed(void)
{
    char buf[32];
    CHECK(strcmp(ts_report_fixed(12.25, 1, buf, sizeof buf), "12.2") == 0);
    CHECK(strcmp(ts_report_fixed(0.125, 2, buf, sizeof buf), "0.12") == 0);
    CHECK(strcmp(ts_report_fixed(-0.001, 1, buf, sizeof buf), "0.0") == 0);
    CHECK(strcmp(ts_report_fixed(-2.5, 0, buf, sizeof buf), "-2") == 0);
    CHECK(strcmp(ts_report_fixed(1.0 / 0.0, 1, buf, sizeof buf), "0.0") == 0);
    CHECK(strcmp(ts_report_fixed(99.96, 1, buf, sizeof buf), "100.0") == 0);
    CHECK(strcmp(ts_report_fixed(3.0, 9, buf, sizeof buf), "3.000000") == 0);
    CHECK(strcmp(ts_report_fixed(123456.0, 1, buf, 5), "1234") == 0); /* truncated */
}

static void
test_write_failure(void)
{
    check_write_failure(ts_report_text);
}

int
main(void)
{
    RUN(test_summary_and_legend);
    RUN(test_rows);
    RUN(test_source_sanitised);
    RUN(test_bidi_and_separators_shown);
    RUN(test_widths);
    RUN(test_wide_characters_truncated);
    RUN(test_reduced);
    RUN(test_color);
    RUN(test_virtual_time);
    RUN(test_too_brief);
    RUN(test_no_time_in_files);
    RUN(test_dropped_and_unknown_program);
    RUN(test_memory_columns);
    RUN(test_every_width_fits_with_memory);
    RUN(test_decimal_comma_locale);
    RUN(test_fixed);
    RUN(test_write_failure);
    return CHECK_SUMMARY();
}

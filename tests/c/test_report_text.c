/* Tests for native/common/report_text.c: the summary and legend, the table
 * layout, hot rows, widths (tabs, wide characters, truncation), sanitised
 * source text, reduced mode, the function summary, the one-line reports for
 * runs too brief or spent elsewhere, and write failures. */
#include "check.h"
#include "report.h"
#include "report_fixture.h"
#include "test_util.h"
#include "utf8.h"

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
    CHECK(has(doc, "blank below 0.5%; '>' marks hot lines (>= 10.0%)"));
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
    ts_report_opts_t o = {0, 1.0, 1, 0};

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
    ts_report_opts_t o = {0, 1.0, 0, 0};
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
    ts_report_opts_t o = {1, 1.0, 0, 0};
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
    CHECK(has(doc, "'>' marks hot lines (>= 30.0%)"));
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
    ts_report_opts_t o = {0, 1.0, 1, 0};
    ts_model_t *m = sample_model();
    char *doc = text_of(m, &o);

    CHECK(has(doc, "\n\033[1;31m>   6 │  37.5% │   6.2% │        │         total += i\033[0m\n"));
    CHECK(has(doc, "\n    7 │")); /* cold rows stay plain */
    CHECK(count_substr(doc, "\033[1;31m") == 5);
    CHECK(has(doc, "\033[1mprog.py: % of time"));
    CHECK(has(doc, "'>' and red marks hot lines"));
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
    RUN(test_write_failure);
    return CHECK_SUMMARY();
}

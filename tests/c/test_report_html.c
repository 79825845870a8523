/* Tests for native/profile/report_html.c: the placeholders are filled, the
 * profile's markup characters are escaped byte for byte (and only those),
 * the options list what the reduced view keeps (by the rule of
 * report_common.c), malformed assets are refused, and a write failure is
 * reported. */
#include "check.h"
#include "model_from_json.h"
#include "report.h"
#include "report_fixture.h"
#include "test_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const ts_html_assets_t assets = {
    "<style>@TRISCOPE_CSS@</style>|<script type=\"application/json\">@TRISCOPE_PROFILE@"
    "</script>|@TRISCOPE_OPTIONS@|<script>@TRISCOPE_JS@</script>@end",
    "body{}", "go();",
};

/* The page for json under o, or NULL if the writer failed (caller frees). */
static char *
page(const char *json, const ts_report_opts_t *o, const ts_html_assets_t *a, int *rc)
{
    capture_t cap;
    *rc = ts_report_html(json, strlen(json), NULL, o, a, capture_begin(&cap));
    return capture_end(&cap);
}

static void
test_assembled(void)
{
    ts_report_opts_t o = {1, 2.5, 0, 0, 0};
    int rc;
    char *doc = page("{\"a\":\"x\"}\n", &o, &assets, &rc);

    CHECK(rc == 0);
    CHECK(strcmp(doc, "<style>body{}</style>|<script type=\"application/json\">{\"a\":\"x\"}\n"
                      "</script>|{\"reduced\":true,\"cpu_percent_threshold\":2.5,\"malloc_threshold_mb\":1.0}|"
                      "<script>go();</script>@end") == 0);
    free(doc);
}

static void
test_profile_escaped(void)
{
    /* Raw markup characters (as a foreign writer might leave them) and the
     * JavaScript line terminators never reach the page as such. */
    int rc;
    char *doc = page("{\"s\":\"</script><script>window.__pwned=1</script> & <!-- "
                     "\xE2\x80\xA8\xE2\x80\xA9 caf\xC3\xA9 \\u003c\"}", NULL, &assets, &rc);

    CHECK(rc == 0);
    CHECK(has(doc, "{\"s\":\"\\u003c/script\\u003e\\u003cscript\\u003ewindow.__pwned=1"
                   "\\u003c/script\\u003e \\u0026 \\u003c!-- \\u2028\\u2029 caf\xC3\xA9 \\u003c\"}"));
    CHECK(count_substr(doc, "</script>") == 2); /* the template's own */
    CHECK(!strstr(doc, "\xE2\x80\xA8"));
    free(doc);
}

/* The options of the page drawn from the sample profile's JSON under o. */
static char *
options_of(const ts_report_opts_t *o)
{
    static const ts_html_assets_t only_options = {
        "@TRISCOPE_CSS@@TRISCOPE_JS@@TRISCOPE_PROFILE@|@TRISCOPE_OPTIONS@", "", ""};
    ts_model_t *sample = sample_model();
    char *json = report_of(ts_report_json, sample, NULL), *doc, *bar;
    ts_model_t *m = ts_model_from_json_text(json, strlen(json), NULL, 0);
    capture_t cap;

    CHECK(m != NULL);
    CHECK(ts_report_html(json, strlen(json), m, o, &only_options, capture_begin(&cap)) == 0);
    doc = capture_end(&cap);
    bar = strrchr(doc, '|');
    memmove(doc, bar + 1, strlen(bar));
    ts_model_free(m);
    ts_model_free(sample);
    free(json);
    return doc;
}

static void
test_matters(void)
{
    /* lines 5, 6, 10, 12 reach 1% (line 7 has 0.39%); so do the three
     * functions; lib.py has no time.  Listed whatever o->reduced says, and
     * with '<' escaped like the profile's (the options share its page). */
    static const char want[] =
        "\"matters\":{\"prog.py\":{\"lines\":[5,6,10,12],\"functions\":[[1,\"\\u003cmodule\\u003e\"],"
        "[3,\"work\"],[9,\"nap\"]]},\"lib.py\":{\"lines\":[],\"functions\":[]}}}";
    ts_report_opts_t plain = {0, 1.0, 0, 0, 0}, strict = {1, 20.0, 0, 0, 0};
    char *doc = options_of(&plain);

    CHECK(has(doc, "{\"reduced\":false,\"cpu_percent_threshold\":1.0,"));
    CHECK(has(doc, want));
    free(doc);
    doc = options_of(&strict); /* only line 6 (43.75%) and line 10 (25%) */
    CHECK(has(doc, "\"prog.py\":{\"lines\":[6,10],\"functions\":[[3,\"work\"],[9,\"nap\"]]}"));
    free(doc);
}

static void
test_bad_assets(void)
{
    static const ts_html_assets_t bad[] = {
        {"@TRISCOPE_CSS@@TRISCOPE_JS@@TRISCOPE_PROFILE@", "", ""},          /* one missing */
        {"@TRISCOPE_CSS@@TRISCOPE_JS@@TRISCOPE_PROFILE@@TRISCOPE_OPTIONS@@TRISCOPE_JS@", "", ""},
        {"@TRISCOPE_CSS@@TRISCOPE_JS@@TRISCOPE_PROFILE@@TRISCOPE_OPTIONS@", "a</STYLE>", ""},
        {"@TRISCOPE_CSS@@TRISCOPE_JS@@TRISCOPE_PROFILE@@TRISCOPE_OPTIONS@", "", "x='</Script>'"},
        {"@TRISCOPE_CSS@@TRISCOPE_JS@@TRISCOPE_PROFILE@@TRISCOPE_OPTIONS@", "", "x='<!--'"},
        {NULL, "", ""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc;
        char *doc;
        errno = 0;
        doc = page("{}", NULL, &bad[i], &rc);
        CHECK(rc == -1 && errno == EINVAL && strcmp(doc, "") == 0);
        free(doc);
    }
    {
        int rc;
        char *doc = page("{}", NULL, NULL, &rc);
        CHECK(rc == -1);
        free(doc);
    }
}

static void
test_write_failure(void)
{
    FILE *fp = fopen("/dev/null", "r");
    CHECK(fp != NULL);
    if (fp) {
        CHECK(ts_report_html("{}", 2, NULL, NULL, &assets, fp) == -1);
        fclose(fp);
    }
}

int
main(void)
{
    RUN(test_assembled);
    RUN(test_profile_escaped);
    RUN(test_matters);
    RUN(test_bad_assets);
    RUN(test_write_failure);
    return CHECK_SUMMARY();
}

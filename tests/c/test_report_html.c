/* Tests for native/profile/report_html.c: the placeholders are filled, the
 * profile's markup characters are escaped byte for byte (and only those),
 * malformed assets are refused, and a write failure is reported. */
#include "check.h"
#include "report.h"
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
    *rc = ts_report_html(json, strlen(json), o, a, capture_begin(&cap));
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
        CHECK(ts_report_html("{}", 2, NULL, &assets, fp) == -1);
        fclose(fp);
    }
}

int
main(void)
{
    RUN(test_assembled);
    RUN(test_profile_escaped);
    RUN(test_bad_assets);
    RUN(test_write_failure);
    return CHECK_SUMMARY();
}

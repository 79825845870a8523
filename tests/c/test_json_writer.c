/* Tests for native/profile/json_writer.c: structure, string escaping,
 * number formatting and misuse detection.  Every document is also checked
 * by the strict validator in test_util.h. */
#include "check.h"
#include "json_writer.h"
#include "test_util.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Writes the string s[0..n) as a whole document; returns it (caller frees). */
static char *
string_doc(const char *s, size_t n)
{
    capture_t cap;
    ts_json_t j;
    ts_json_init(&j, capture_begin(&cap));
    ts_json_string_n(&j, s, n);
    CHECK(ts_json_finish(&j) == 0);
    return capture_end(&cap);
}

/* Checks that the JSON string for s[0..n) is exactly expect. */
static int
escapes_to(const char *s, size_t n, const char *expect)
{
    char *doc = string_doc(s, n);
    int ok = strcmp(doc, expect) == 0 && json_valid(doc, strlen(doc));
    if (!ok) {
        fprintf(stderr, "  got %s, want %s\n", doc, expect);
    }
    free(doc);
    return ok;
}

static void
test_nested(void)
{
    capture_t cap;
    ts_json_t j;
    char *doc;

    ts_json_init(&j, capture_begin(&cap));
    ts_json_begin_object(&j);
    ts_json_kv_string(&j, "a", "x");
    ts_json_key(&j, "b");
    ts_json_begin_array(&j);
    ts_json_int(&j, -3);
    ts_json_uint(&j, UINT64_MAX);
    ts_json_bool(&j, 1);
    ts_json_begin_object(&j);
    ts_json_end_object(&j);
    ts_json_begin_array(&j);
    ts_json_end_array(&j);
    ts_json_end_array(&j);
    ts_json_kv_bool(&j, "c", 0);
    ts_json_kv_int(&j, "d", INT64_MIN);
    ts_json_kv_double(&j, "e", 0.5);
    ts_json_end_object(&j);
    CHECK(ts_json_finish(&j) == 0);
    doc = capture_end(&cap);
    CHECK(strcmp(doc, "{\"a\":\"x\",\"b\":[-3,18446744073709551615,true,{},[]],"
                      "\"c\":false,\"d\":-9223372036854775808,\"e\":0.5}") == 0);
    CHECK(json_valid(doc, strlen(doc)));
    free(doc);
}

static void
test_escapes(void)
{
    CHECK(escapes_to("plain", 5, "\"plain\""));
    CHECK(escapes_to("q\"b\\", 4, "\"q\\\"b\\\\\""));
    CHECK(escapes_to("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\""));
    CHECK(escapes_to("\x01\x1f", 2, "\"\\u0001\\u001f\""));
    CHECK(escapes_to("a\0b", 3, "\"a\\u0000b\""));
    CHECK(escapes_to("</script>&", 10, "\"\\u003c/script\\u003e\\u0026\""));
    CHECK(escapes_to("\xE2\x80\xA8\xE2\x80\xA9", 6, "\"\\u2028\\u2029\""));
    CHECK(escapes_to("\x7f", 1, "\"\\u007f\""));
    CHECK(escapes_to(NULL, 0, "\"\""));
}

static void
test_long_strings(void)
{
    /* Longer than the writer's buffer, in one run and in escaped pieces. */
    size_t n = 3 * TS_JSON_BUFSIZE + 17;
    char *s = malloc(n);
    char *doc;
    CHECK(s != NULL);
    if (!s) {
        return;
    }
    memset(s, 'a', n);
    doc = string_doc(s, n);
    CHECK(strlen(doc) == n + 2 && doc[0] == '"' && doc[n + 1] == '"');
    free(doc);
    for (size_t i = 0; i < n; i += 3) {
        s[i] = '<'; /* 6 bytes out for each */
    }
    doc = string_doc(s, n);
    CHECK(strlen(doc) == n + 2 + 5 * ((n + 2) / 3));
    CHECK(json_valid(doc, strlen(doc)));
    CHECK(strncmp(doc, "\"\\u003caa\\u003c", 15) == 0);
    free(doc);
    free(s);
}

static void
test_utf8(void)
{
    /* valid UTF-8 passes through unchanged */
    CHECK(escapes_to("caf\xC3\xA9 \xF0\x9F\x98\x80", 10, "\"caf\xC3\xA9 \xF0\x9F\x98\x80\""));
    /* Latin-1 bytes, a cut-off sequence and a surrogate become U+FFFD */
    CHECK(escapes_to("caf\xE9!", 5, "\"caf\xEF\xBF\xBD!\""));
    CHECK(escapes_to("\xE2\x82", 2, "\"\xEF\xBF\xBD\""));
    CHECK(escapes_to("\xED\xA0\x80x", 4, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx\""));
    CHECK(escapes_to("\xFF\xFE", 2, "\"\xEF\xBF\xBD\xEF\xBF\xBD\""));
}

/* Checks that v formats as expect. */
static int
formats_as(double v, const char *expect)
{
    char buf[TS_JSON_DOUBLE_BUFSIZE];
    size_t n = ts_json_format_double(v, buf);
    int ok = strcmp(buf, expect) == 0 && n == strlen(expect);
    if (!ok) {
        fprintf(stderr, "  %.17g -> %s, want %s\n", v, buf, expect);
    }
    return ok;
}

static void
test_doubles(void)
{
    static const double samples[] = {0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-300, 1e300,
                                     123456789.123456789, 5e-324, -2.5};
    CHECK(formats_as(0.0, "0.0"));
    CHECK(formats_as(3.0, "3.0"));
    CHECK(formats_as(-0.5, "-0.5"));
    CHECK(formats_as(0.1, "0.1"));
    CHECK(formats_as(41.25, "41.25"));
    CHECK(formats_as(1e20, "1e+20"));
    CHECK(formats_as(NAN, "0.0"));
    CHECK(formats_as(INFINITY, "0.0"));
    CHECK(formats_as(-INFINITY, "0.0"));
    CHECK(formats_as(-0.0, "0.0"));
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char buf[TS_JSON_DOUBLE_BUFSIZE];
        size_t n = ts_json_format_double(samples[i], buf);
        CHECK(strtod(buf, NULL) == samples[i]); /* round trip */
        CHECK(json_valid(buf, n));
    }
}

static void
test_doubles_under_comma_locale(void)
{
    /* Decimal comma locales must not leak into JSON.  Skipped when the
     * machine has none installed. */
    static const char *const names[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE.utf8",
                                        "ru_RU.UTF-8"};
    const char *set = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !set; i++) {
        set = setlocale(LC_NUMERIC, names[i]);
    }
    if (set) {
        CHECK(formats_as(0.1, "0.1"));
        CHECK(formats_as(1.0 / 3.0, "0.333333333333333"
                                    "31"));
        setlocale(LC_NUMERIC, "C");
    }
    CHECK(formats_as(0.25, "0.25"));
}

/* Runs a misuse scenario; the writer must report it at finish. */
static int
misuse_detected(int which)
{
    capture_t cap;
    ts_json_t j;
    int rc;

    ts_json_init(&j, capture_begin(&cap));
    switch (which) {
    case 0: /* value without key in an object */
        ts_json_begin_object(&j);
        ts_json_int(&j, 1);
        ts_json_end_object(&j);
        break;
    case 1: /* mismatched close */
        ts_json_begin_array(&j);
        ts_json_end_object(&j);
        break;
    case 2: /* unclosed */
        ts_json_begin_array(&j);
        break;
    case 3: /* two top-level values */
        ts_json_int(&j, 1);
        ts_json_int(&j, 2);
        break;
    case 4: /* key in an array */
        ts_json_begin_array(&j);
        ts_json_key(&j, "k");
        ts_json_end_array(&j);
        break;
    case 5: /* key without value */
        ts_json_begin_object(&j);
        ts_json_key(&j, "k");
        ts_json_end_object(&j);
        break;
    case 6: /* nothing written */
        break;
    default: /* too deep */
        for (int i = 0; i <= TS_JSON_MAX_DEPTH; i++) {
            ts_json_begin_array(&j);
        }
        break;
    }
    rc = ts_json_finish(&j);
    free(capture_end(&cap));
    return rc == -1;
}

static void
test_misuse(void)
{
    for (int i = 0; i <= 7; i++) {
        CHECK(misuse_detected(i));
    }
}

static void
test_write_error(void)
{
    /* A stream opened for reading cannot be written: finish reports it. */
    FILE *fp = fopen("/dev/null", "r");
    ts_json_t j;
    CHECK(fp != NULL);
    if (!fp) {
        return;
    }
    ts_json_init(&j, fp);
    ts_json_string(&j, "x");
    CHECK(ts_json_finish(&j) == -1);
    fclose(fp);
}

int
main(void)
{
    RUN(test_nested);
    RUN(test_escapes);
    RUN(test_long_strings);
    RUN(test_utf8);
    RUN(test_doubles);
    RUN(test_doubles_under_comma_locale);
    RUN(test_misuse);
    RUN(test_write_error);
    return CHECK_SUMMARY();
}

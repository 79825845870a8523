/* Tests for native/profile/json_reader.c: every JSON type, escapes and
 * surrogates, numbers under a decimal-comma locale, the errors (with their
 * position), nesting and size limits, and random input (under ASan: no
 * crash, no leak). */
#include "check.h"
#include "json_reader.h"
#include "rng.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

static ts_jv_doc_t *
parse(const char *s)
{
    char err[128];
    return ts_jv_parse(s, strlen(s), err, sizeof err);
}

/* The error message for s (static buffer), or "" if it parses. */
static const char *
error_of(const char *s, size_t n)
{
    static char err[160];
    ts_jv_doc_t *doc = ts_jv_parse(s, n, err, sizeof err);
    if (doc) {
        ts_jv_free(doc);
        return "";
    }
    return err;
}

static void
test_values(void)
{
    ts_jv_doc_t *doc = parse(" {\"a\": [1, -2.5e3, 0.0, true, false, null, \"x\"],"
                             " \"b\": {}, \"c\": [], \"a\": 7}\n");
    const ts_jv_t *root, *a;

    CHECK(doc != NULL);
    if (!doc) {
        return;
    }
    root = ts_jv_root(doc);
    CHECK(root->kind == TS_JV_OBJECT && root->n == 4);
    a = ts_jv_get(root, "a"); /* the first of duplicate keys */
    CHECK(a && a->kind == TS_JV_ARRAY && a->n == 7);
    CHECK(a->items[0].kind == TS_JV_NUMBER && a->items[0].number == 1 && a->items[0].is_integer);
    CHECK(a->items[1].number == -2500.0 && !a->items[1].is_integer);
    CHECK(a->items[2].number == 0.0 && !a->items[2].is_integer);
    CHECK(a->items[3].kind == TS_JV_BOOL && a->items[3].boolean == 1);
    CHECK(a->items[4].kind == TS_JV_BOOL && a->items[4].boolean == 0);
    CHECK(a->items[5].kind == TS_JV_NULL);
    CHECK(a->items[6].kind == TS_JV_STRING && strcmp(a->items[6].str, "x") == 0);
    CHECK(ts_jv_get(root, "b")->kind == TS_JV_OBJECT && ts_jv_get(root, "b")->n == 0);
    CHECK(ts_jv_get(root, "zz") == NULL);
    CHECK(ts_jv_get(a, "a") == NULL); /* not an object */
    CHECK(ts_jv_get(NULL, "a") == NULL);
    ts_jv_free(doc);
    ts_jv_free(NULL);
}

static void
test_strings(void)
{
    ts_jv_doc_t *doc = parse("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u003c/script\\u003e\","
                             " \"\\ud83d\\ude00\", \"\\udc00x\\ud800\", \"a\\u0000b\","
                             " \"caf\xC3\xA9 \xE4\xB8\xAD\", \"\xEF\xBF\xBD\"]");
    const ts_jv_t *r;

    CHECK(doc != NULL);
    if (!doc) {
        return;
    }
    r = ts_jv_root(doc);
    CHECK(strcmp(r->items[0].str, "\"\\/\b\f\n\r\t") == 0);
    CHECK(strcmp(r->items[1].str, "</script>") == 0);
    CHECK(strcmp(r->items[2].str, "\xF0\x9F\x98\x80") == 0); /* a surrogate pair */
    CHECK(strcmp(r->items[3].str, "\xEF\xBF\xBDx\xEF\xBF\xBD") == 0); /* lone ones */
    CHECK(r->items[4].n == 3 && memcmp(r->items[4].str, "a\0b", 3) == 0);
    CHECK(strcmp(r->items[5].str, "caf\xC3\xA9 \xE4\xB8\xAD") == 0);
    CHECK(strcmp(r->items[6].str, "\xEF\xBF\xBD") == 0); /* a real U+FFFD */
    ts_jv_free(doc);

    doc = parse("\xEF\xBB\xBF{\"bom\": 1}"); /* byte order mark */
    CHECK(doc != NULL);
    ts_jv_free(doc);
}

static void
test_numbers_ignore_locale(void)
{
    /* A profiled program may run under a decimal-comma locale. */
    const char *had = setlocale(LC_NUMERIC, NULL);
    char *saved = had ? strdup(had) : NULL;
    int switched = setlocale(LC_NUMERIC, "de_DE.UTF-8") != NULL ||
                   setlocale(LC_NUMERIC, "fr_FR.UTF-8") != NULL;
    ts_jv_doc_t *doc = parse("[0.5, 1e-7, 12.25, -0.0, 123456789012345678]");

    CHECK(doc != NULL);
    if (doc) {
        const ts_jv_t *r = ts_jv_root(doc);
        CHECK(r->items[0].number == 0.5);
        CHECK(r->items[1].number == 1e-7);
        CHECK(r->items[2].number == 12.25);
        CHECK(r->items[3].number == 0.0);
        CHECK(r->items[4].number == 123456789012345678.0);
    }
    ts_jv_free(doc);
    setlocale(LC_NUMERIC, saved ? saved : "C");
    free(saved);
    (void)switched; /* the locale may not be installed; the check holds either way */
}

static void
test_errors(void)
{
    static const struct {
        const char *doc;
        const char *err;
    } cases[] = {
        {"", "line 1, column 1: unexpected end of data"},
        {"   ", "line 1, column 4: unexpected end of data"},
        {"{\"a\":1,}", "line 1, column 8: expected a string key"},
        {"[1,]", "line 1, column 4: unexpected character"},
        {"[1 2]", "line 1, column 4: expected ',' or ']'"},
        {"{\"a\" 1}", "line 1, column 6: expected ':'"},
        {"{\"a\":1\n,\"b\":2", "line 2, column 7: unexpected end of data"},
        {"{\"a\":", "line 1, column 6: unexpected end of data"},
        {"\"abc", "unterminated string"},
        {"\"a\\", "unterminated string"},
        {"\"a\tb\"", "control character in a string"},
        {"\"\\x\"", "bad escape in a string"},
        {"\"\\u12\"", "bad \\u escape"},
        {"\"\xFF\"", "invalid UTF-8 in a string"},
        {"\"\xC3\"", "invalid UTF-8 in a string"},
        {"01", "unexpected data after the end"},
        {"-", "bad number"},
        {"1.", "bad number"},
        {"1e", "bad number"},
        {".5", "unexpected character"},
        {"1e999", "number out of range"},
        {"NaN", "unexpected character"},
        {"tru", "unexpected character"},
        {"nul", "unexpected character"},
        {"{} {}", "unexpected data after the end of the document"},
        {"// comment\n{}", "unexpected character"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *e = error_of(cases[i].doc, strlen(cases[i].doc));
        if (!strstr(e, cases[i].err)) {
            fprintf(stderr, "  case %zu (%s): got \"%s\"\n", i, cases[i].doc, e);
        }
        CHECK(strstr(e, cases[i].err) != NULL);
    }
    /* an embedded NUL byte is data, not an end */
    CHECK(strstr(error_of("[1]\0", 4), "unexpected data") != NULL);
    /* err may be NULL or empty */
    CHECK(ts_jv_parse("[", 1, NULL, 0) == NULL);
}

static void
test_depth_limit(void)
{
    char deep[2 * TS_JV_MAX_DEPTH + 8];
    size_t n = 0;

    for (int i = 0; i < TS_JV_MAX_DEPTH; i++) {
        deep[n++] = '[';
    }
    for (int i = 0; i < TS_JV_MAX_DEPTH; i++) {
        deep[n++] = ']';
    }
    CHECK(strcmp(error_of(deep, n), "") == 0);
    memmove(deep + 1, deep, n);
    deep[0] = '[';
    deep[++n] = ']';
    n++;
    CHECK(strstr(error_of(deep, n), "nested deeper than 64 levels") != NULL);
}

static void
test_large_document(void)
{
    /* Many members: the arena grows over several chunks. */
    size_t cap = 1 << 20, n = 0;
    char *s = malloc(cap);
    ts_jv_doc_t *doc;

    n += (size_t)snprintf(s + n, cap - n, "[");
    for (int i = 0; i < 20000; i++) {
        n += (size_t)snprintf(s + n, cap - n, "%s{\"k%d\":\"%d\"}", i ? "," : "", i, i);
    }
    n += (size_t)snprintf(s + n, cap - n, "]");
    doc = ts_jv_parse(s, n, NULL, 0);
    CHECK(doc != NULL);
    if (doc) {
        const ts_jv_t *r = ts_jv_root(doc);
        CHECK(r->n == 20000);
        CHECK(strcmp(ts_jv_get(&r->items[19999], "k19999")->str, "19999") == 0);
    }
    ts_jv_free(doc);
    free(s);
}

static void
test_random_input(void)
{
    /* Random bytes, and random mutations of a valid document: parse or fail
     * cleanly (ASan and UBSan watch the sanitised run). */
    static const char valid[] =
        "{\"files\":{\"a.py\":{\"lines\":[{\"lineno\":1,\"line\":\"x = \\u003c1\"}]}},"
        "\"n\":[1.5,-2e3,true,null,\"\\ud83d\\ude00\"]}";
    ts_rng_t rng;
    char buf[256];

    ts_rng_seed(&rng, 12345);
    for (int round = 0; round < 20000; round++) {
        size_t n;
        ts_jv_doc_t *doc;
        if (round % 2 == 0) {
            n = ts_rng_next(&rng) % sizeof buf;
            for (size_t i = 0; i < n; i++) {
                buf[i] = (char)(ts_rng_next(&rng) & 0xFF);
            }
        }
        else {
            n = sizeof valid - 1;
            memcpy(buf, valid, n);
            for (int k = (int)(ts_rng_next(&rng) % 4); k >= 0; k--) {
                buf[ts_rng_next(&rng) % n] = "{}[],:\"\\01eE.-tfn \xFF"[ts_rng_next(&rng) % 20];
            }
            n = ts_rng_next(&rng) % 3 == 0 ? ts_rng_next(&rng) % n : n; /* truncate */
        }
        doc = ts_jv_parse(buf, n, NULL, 0);
        ts_jv_free(doc);
    }
    CHECK(1);
}

int
main(void)
{
    RUN(test_values);
    RUN(test_strings);
    RUN(test_numbers_ignore_locale);
    RUN(test_errors);
    RUN(test_depth_limit);
    RUN(test_large_document);
    RUN(test_random_input);
    return CHECK_SUMMARY();
}

/* Helpers shared by the report tests: capturing what a writer prints, and a
 * strict JSON validator (RFC 8259 grammar, UTF-8 checked, no extensions),
 * so the tests need no JSON library; and a comparison of timelines.  Header-only; static inline so that a
 * test that uses only part of it still builds with -Werror. */
#ifndef TRISCOPE_TESTS_TEST_UTIL_H
#define TRISCOPE_TESTS_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile_model.h"

/* An in-memory stream; the text is in buf after capture_end. */
typedef struct capture {
    FILE *fp;
    char *buf;
    size_t len;
} capture_t;

static inline FILE *
capture_begin(capture_t *c)
{
    c->buf = NULL;
    c->len = 0;
    c->fp = open_memstream(&c->buf, &c->len);
    return c->fp;
}

/* Closes the stream; the caller frees c->buf. */
static inline char *
capture_end(capture_t *c)
{
    fclose(c->fp);
    return c->buf;
}

/* Number of non-overlapping occurrences of needle in s. */
static inline int
count_substr(const char *s, const char *needle)
{
    int n = 0;
    size_t k = strlen(needle);
    for (const char *p = strstr(s, needle); p; p = strstr(p + k, needle)) {
        n++;
    }
    return n;
}

/* True if doc contains needle; names the missing text on stderr otherwise,
 * so a failed CHECK(has(...)) says what was expected. */
static inline int
has(const char *doc, const char *needle)
{
    if (strstr(doc, needle)) {
        return 1;
    }
    fprintf(stderr, "  missing: \"%s\"\n", needle);
    return 0;
}

/* True if the n points p are exactly the (t, mb) pairs want[0..2 * nw);
 * names the first difference on stderr otherwise. */
static inline int
points_are(const ts_point_t *p, size_t n, const double *want, size_t nw)
{
    if (n != nw) {
        fprintf(stderr, "  got %zu points, want %zu\n", n, nw);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i].t_s != want[2 * i] || p[i].mb != want[2 * i + 1]) {
            fprintf(stderr, "  point %zu: (%g, %g), want (%g, %g)\n", i, p[i].t_s, p[i].mb,
                    want[2 * i], want[2 * i + 1]);
            return 0;
        }
    }
    return 1;
}

typedef struct json_cursor {
    const unsigned char *p, *end;
    int depth;
} json_cursor_t;

static inline int json_value_(json_cursor_t *c);

static inline void
json_ws_(json_cursor_t *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' ||
                             *c->p == '\t')) {
        c->p++;
    }
}

static inline int
json_lit_(json_cursor_t *c, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0) {
        return 0;
    }
    c->p += n;
    return 1;
}

static inline int
json_hex_(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
           (ch >= 'A' && ch <= 'F');
}

/* Strict UTF-8 check of one non-ASCII sequence; advances past it. */
static inline int
json_utf8_(json_cursor_t *c)
{
    unsigned char b = *c->p;
    int n = b >= 0xF0 && b <= 0xF4 ? 3 : b >= 0xE0 ? 2 : b >= 0xC2 && b <= 0xDF ? 1 : -1;
    unsigned long v = b & (n == 3 ? 0x07 : n == 2 ? 0x0F : 0x1F);
    if (n < 0 || b > 0xF4 || c->end - c->p <= n) {
        return 0;
    }
    for (int i = 1; i <= n; i++) {
        if ((c->p[i] & 0xC0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (c->p[i] & 0x3F);
    }
    if ((n == 2 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
        (n == 3 && (v < 0x10000 || v > 0x10FFFF))) {
        return 0;
    }
    c->p += n + 1;
    return 1;
}

static inline int
json_string_(json_cursor_t *c)
{
    c->p++; /* opening quote */
    while (c->p < c->end) {
        unsigned char ch = *c->p;
        if (ch == '"') {
            c->p++;
            return 1;
        }
        if (ch < 0x20) {
            return 0;
        }
        if (ch == '\\') {
            if (c->end - c->p < 2) {
                return 0;
            }
            ch = c->p[1];
            if (ch == 'u') {
                if (c->end - c->p < 6) {
                    return 0;
                }
                for (int i = 2; i < 6; i++) {
                    if (!json_hex_(c->p[i])) {
                        return 0;
                    }
                }
                c->p += 6;
                continue;
            }
            if (!strchr("\"\\/bfnrt", ch) || ch == 0) {
                return 0;
            }
            c->p += 2;
            continue;
        }
        if (ch >= 0x80) {
            if (!json_utf8_(c)) {
                return 0;
            }
            continue;
        }
        c->p++;
    }
    return 0;
}

static inline int
json_digits_(json_cursor_t *c)
{
    const unsigned char *start = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        c->p++;
    }
    return c->p > start;
}

static inline int
json_number_(json_cursor_t *c)
{
    if (*c->p == '-') {
        c->p++;
    }
    if (c->p < c->end && *c->p == '0') {
        c->p++;
    }
    else if (!json_digits_(c)) {
        return 0;
    }
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        if (!json_digits_(c)) {
            return 0;
        }
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-')) {
            c->p++;
        }
        if (!json_digits_(c)) {
            return 0;
        }
    }
    return 1;
}

/* Object or array; close is '}' or ']'. */
static inline int
json_container_(json_cursor_t *c, char close)
{
    if (++c->depth > 200) {
        return 0;
    }
    c->p++;
    json_ws_(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        c->depth--;
        return 1;
    }
    for (;;) {
        json_ws_(c);
        if (close == '}') {
            if (c->p >= c->end || *c->p != '"' || !json_string_(c)) {
                return 0;
            }
            json_ws_(c);
            if (c->p >= c->end || *c->p != ':') {
                return 0;
            }
            c->p++;
        }
        if (!json_value_(c)) {
            return 0;
        }
        json_ws_(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == close) {
            c->p++;
            c->depth--;
            return 1;
        }
        return 0;
    }
}

static inline int
json_value_(json_cursor_t *c)
{
    json_ws_(c);
    if (c->p >= c->end) {
        return 0;
    }
    switch (*c->p) {
    case '{': return json_container_(c, '}');
    case '[': return json_container_(c, ']');
    case '"': return json_string_(c);
    case 't': return json_lit_(c, "true");
    case 'f': return json_lit_(c, "false");
    case 'n': return json_lit_(c, "null");
    default:
        if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) {
            return json_number_(c);
        }
        return 0;
    }
}

/* True if s[0..n) is exactly one valid JSON value (whitespace around it
 * allowed). */
static inline int
json_valid(const char *s, size_t n)
{
    json_cursor_t c = {(const unsigned char *)s, (const unsigned char *)s + n, 0};
    if (!json_value_(&c)) {
        return 0;
    }
    json_ws_(&c);
    return c.p == c.end;
}

#endif

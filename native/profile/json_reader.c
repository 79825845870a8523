/* json_reader.c -- see json_reader.h for the contract.
 *
 * A recursive-descent parser over a byte range, with the position kept in
 * one cursor.  Nodes come from an arena (a list of large chunks) so that
 * the error paths never free anything: the caller of parse_value only sees
 * success or failure, and ts_jv_free drops all chunks at once.  A
 * container's members are gathered in a growable array inside the arena;
 * when it grows, the old copy is abandoned there, which costs at most twice
 * the final size and keeps the code free of ownership questions.
 *
 * Numbers are validated against the JSON grammar here and converted with
 * strtod_l in a "C" locale object created for the parse, so "0.5" reads
 * as one half even when the process runs under a locale whose decimal
 * point is ','.
 */
#include "json_reader.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define CHUNK_SIZE 65536

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    max_align_t data[]; /* size bytes */
} chunk_t;

struct ts_jv_doc {
    chunk_t *chunks; /* newest first */
    ts_jv_t root;
};

typedef struct parser {
    const unsigned char *start, *p, *end;
    ts_jv_doc_t *doc;
    locale_t c_locale;
    int depth;
    int failed;       /* an error was recorded */
    char *err;
    size_t errsize;
} parser_t;

/* Records the first error, with the line and column of the cursor. */
static void
fail(parser_t *ps, const char *fmt, ...)
{
    size_t line = 1, col = 1;
    va_list ap;
    int n;

    if (ps->failed) {
        return;
    }
    ps->failed = 1;
    if (!ps->err || ps->errsize == 0) {
        return;
    }
    for (const unsigned char *q = ps->start; q < ps->p && q < ps->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        }
        else if ((*q & 0xC0) != 0x80) {
            col++;
        }
    }
    n = snprintf(ps->err, ps->errsize, "line %zu, column %zu: ", line, col);
    if (n >= 0 && (size_t)n < ps->errsize) {
        va_start(ap, fmt);
        vsnprintf(ps->err + n, ps->errsize - (size_t)n, fmt, ap);
        va_end(ap);
    }
}

/* n bytes from the document's arena, aligned for any type; NULL (and the
 * error recorded) when memory runs out. */
static void *
arena_alloc(parser_t *ps, size_t n)
{
    chunk_t *c = ps->doc->chunks;
    void *p;

    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
        if (size > SIZE_MAX - sizeof *c) {
            errno = ENOMEM;
            fail(ps, "out of memory");
            return NULL;
        }
        c = malloc(sizeof *c + size);
        if (!c) {
            errno = ENOMEM;
            fail(ps, "out of memory");
            return NULL;
        }
        c->size = size;
        c->used = 0;
        c->next = ps->doc->chunks;
        ps->doc->chunks = c;
    }
    p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

/* Grows *arr (elem-sized items, *cap of them) to hold one more.  Returns 0
 * or -1 (error recorded). */
static int
arena_grow(parser_t *ps, void **arr, size_t *cap, size_t n, size_t elem)
{
    size_t ncap;
    void *p;

    if (n < *cap) {
        return 0;
    }
    ncap = *cap ? *cap * 2 : 8;
    if (ncap > SIZE_MAX / 2 / elem) {
        errno = ENOMEM;
        fail(ps, "out of memory");
        return -1;
    }
    p = arena_alloc(ps, ncap * elem);
    if (!p) {
        return -1;
    }
    if (n) {
        memcpy(p, *arr, n * elem);
    }
    *arr = p;
    *cap = ncap;
    return 0;
}

static void
skip_ws(parser_t *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) {
        ps->p++;
    }
}

/* The value of 4 hex digits at p (pre: 4 bytes available), or -1. */
static long
hex4(const unsigned char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int c = p[i], d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        }
        else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        }
        else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        }
        else {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

/* Reads the \u escape at the cursor (pre: cursor on 'u') and any low
 * surrogate that completes it.  Returns the code point (U+FFFD for a lone
 * surrogate) or -1 (error recorded). */
static long
parse_u_escape(parser_t *ps)
{
    long cp, lo;

    if (ps->end - ps->p < 5 || (cp = hex4(ps->p + 1)) < 0) {
        fail(ps, "bad \\u escape in a string");
        return -1;
    }
    ps->p += 5;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return TS_UTF8_REPLACEMENT;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u' &&
            (lo = hex4(ps->p + 2)) >= 0xDC00 && lo <= 0xDFFF) {
            ps->p += 6;
            return 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        return TS_UTF8_REPLACEMENT;
    }
    return cp;
}

/* Parses the string at the cursor (pre: on '"').  Stores the decoded text
 * (arena, NUL-terminated) and its length.  Returns 0 or -1. */
static int
parse_string(parser_t *ps, const char **out, size_t *out_len)
{
    const unsigned char *q;
    char *buf;
    size_t n = 0;

    ps->p++;
    /* Decoded text is never longer than the source bytes up to the quote. */
    for (q = ps->p; q < ps->end && *q != '"'; q++) {
        if (*q == '\\' && q + 1 < ps->end) {
            q++;
        }
    }
    buf = arena_alloc(ps, (size_t)(q - ps->p) + 1);
    if (!buf) {
        return -1;
    }
    for (;;) {
        unsigned char c;
        if (ps->p >= ps->end) {
            fail(ps, "unterminated string");
            return -1;
        }
        c = *ps->p;
        if (c == '"') {
            ps->p++;
            break;
        }
        if (c < 0x20) {
            fail(ps, "control character in a string");
            return -1;
        }
        if (c == '\\') {
            if (ps->end - ps->p < 2) {
                ps->p++;
                fail(ps, "unterminated string");
                return -1;
            }
            ps->p++;
            switch (*ps->p) {
            case '"': buf[n++] = '"'; break;
            case '\\': buf[n++] = '\\'; break;
            case '/': buf[n++] = '/'; break;
            case 'b': buf[n++] = '\b'; break;
            case 'f': buf[n++] = '\f'; break;
            case 'n': buf[n++] = '\n'; break;
            case 'r': buf[n++] = '\r'; break;
            case 't': buf[n++] = '\t'; break;
            case 'u': {
                long cp = parse_u_escape(ps);
                if (cp < 0) {
                    return -1;
                }
                /* at most 4 bytes for the 6 (or 12) source bytes */
                n += ts_utf8_encode((uint32_t)cp, buf + n);
                continue;
            }
            default:
                fail(ps, "bad escape in a string");
                return -1;
            }
            ps->p++;
            continue;
        }
        if (c < 0x80) {
            buf[n++] = (char)c;
            ps->p++;
            continue;
        }
        {
            uint32_t cp;
            size_t len = ts_utf8_decode(ps->p, (size_t)(ps->end - ps->p), &cp);
            if (cp == TS_UTF8_REPLACEMENT &&
                !(len == 3 && ps->p[0] == 0xEF && ps->p[1] == 0xBF && ps->p[2] == 0xBD)) {
                fail(ps, "invalid UTF-8 in a string");
                return -1;
            }
            memcpy(buf + n, ps->p, len);
            n += len;
            ps->p += len;
        }
    }
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return 0;
}

static int
is_digit(const unsigned char *p, const unsigned char *end)
{
    return p < end && *p >= '0' && *p <= '9';
}

/* Parses the number at the cursor into v. */
static int
parse_number(parser_t *ps, ts_jv_t *v)
{
    const unsigned char *s = ps->p, *q = ps->p;
    char small[64], *tmp = small;
    size_t n;

    v->is_integer = 1;
    if (q < ps->end && *q == '-') {
        q++;
    }
    if (!is_digit(q, ps->end)) {
        fail(ps, "bad number");
        return -1;
    }
    if (*q == '0') {
        q++;
    }
    else {
        while (is_digit(q, ps->end)) {
            q++;
        }
    }
    if (q < ps->end && *q == '.') {
        v->is_integer = 0;
        q++;
        if (!is_digit(q, ps->end)) {
            ps->p = q;
            fail(ps, "bad number");
            return -1;
        }
        while (is_digit(q, ps->end)) {
            q++;
        }
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        v->is_integer = 0;
        q++;
        if (q < ps->end && (*q == '+' || *q == '-')) {
            q++;
        }
        if (!is_digit(q, ps->end)) {
            ps->p = q;
            fail(ps, "bad number");
            return -1;
        }
        while (is_digit(q, ps->end)) {
            q++;
        }
    }
    n = (size_t)(q - s);
    if (n >= sizeof small && !(tmp = arena_alloc(ps, n + 1))) {
        return -1;
    }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    v->kind = TS_JV_NUMBER;
    v->number = strtod_l(tmp, NULL, ps->c_locale);
    if (!isfinite(v->number)) {
        fail(ps, "number out of range");
        return -1;
    }
    ps->p = q;
    return 0;
}

static int parse_value(parser_t *ps, ts_jv_t *v);

/* After a container's member: consumes ',' (returns 1: another member is
 * due) or the closing character (returns 0: the container is complete);
 * anything else is an error (-1). */
static int
after_member(parser_t *ps, char close)
{
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
        ps->p++;
        return 1;
    }
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return 0;
    }
    if (ps->p >= ps->end) {
        fail(ps, "unexpected end of data");
    }
    else {
        fail(ps, close == ']' ? "expected ',' or ']'" : "expected ',' or '}'");
    }
    return -1;
}

/* Starts a container of kind at the cursor (pre: on its opening
 * character); returns 1 if it is empty and already closed, else 0. */
static int
open_container(parser_t *ps, ts_jv_t *v, ts_jv_kind_t kind, char close)
{
    v->kind = kind;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return 1;
    }
    return 0;
}

static int
parse_array(parser_t *ps, ts_jv_t *v)
{
    size_t cap = 0;
    int rc;

    if (open_container(ps, v, TS_JV_ARRAY, ']')) {
        return 0; /* empty */
    }
    for (;;) {
        if (arena_grow(ps, (void **)&v->items, &cap, v->n, sizeof *v->items) < 0 ||
            parse_value(ps, &v->items[v->n]) < 0) {
            return -1;
        }
        v->n++;
        rc = after_member(ps, ']');
        if (rc <= 0) {
            return rc;
        }
    }
}

static int
parse_object(parser_t *ps, ts_jv_t *v)
{
    size_t cap = 0;
    int rc;

    if (open_container(ps, v, TS_JV_OBJECT, '}')) {
        return 0; /* empty */
    }
    for (;;) {
        ts_jv_member_t *m;
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"') {
            fail(ps, ps->p < ps->end ? "expected a string key" : "unexpected end of data");
            return -1;
        }
        if (arena_grow(ps, (void **)&v->members, &cap, v->n, sizeof *v->members) < 0) {
            return -1;
        }
        m = &v->members[v->n];
        memset(m, 0, sizeof *m);
        if (parse_string(ps, &m->key, &m->key_len) < 0) {
            return -1;
        }
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            fail(ps, ps->p < ps->end ? "expected ':'" : "unexpected end of data");
            return -1;
        }
        ps->p++;
        if (parse_value(ps, &m->value) < 0) {
            return -1;
        }
        v->n++;
        rc = after_member(ps, '}');
        if (rc <= 0) {
            return rc;
        }
    }
}

/* Whether the n bytes of lit are at the cursor; advances past them. */
static int
literal(parser_t *ps, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, lit, n) != 0) {
        return 0;
    }
    ps->p += n;
    return 1;
}

static int
parse_value(parser_t *ps, ts_jv_t *v)
{
    int rc;

    memset(v, 0, sizeof *v);
    skip_ws(ps);
    if (ps->p >= ps->end) {
        fail(ps, "unexpected end of data");
        return -1;
    }
    switch (*ps->p) {
    case '{':
    case '[':
        if (++ps->depth > TS_JV_MAX_DEPTH) {
            fail(ps, "nested deeper than %d levels", TS_JV_MAX_DEPTH);
            return -1;
        }
        rc = *ps->p == '{' ? parse_object(ps, v) : parse_array(ps, v);
        ps->depth--;
        return rc;
    case '"':
        v->kind = TS_JV_STRING;
        return parse_string(ps, &v->str, &v->n);
    case 't':
    case 'f':
    case 'n':
        if (literal(ps, "true") || literal(ps, "false")) {
            v->kind = TS_JV_BOOL;
            v->boolean = ps->p[-1] == 'e' && ps->p[-2] == 'u';
            return 0;
        }
        if (literal(ps, "null")) {
            v->kind = TS_JV_NULL;
            return 0;
        }
        break;
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
            return parse_number(ps, v);
        }
        break;
    }
    fail(ps, "unexpected character");
    return -1;
}

ts_jv_doc_t *
ts_jv_parse(const char *text, size_t len, char *err, size_t errsize)
{
    parser_t ps;
    ts_jv_doc_t *doc = calloc(1, sizeof *doc);

    if (err && errsize) {
        err[0] = '\0';
    }
    if (!doc) {
        errno = ENOMEM;
        if (err && errsize) {
            snprintf(err, errsize, "out of memory");
        }
        return NULL;
    }
    memset(&ps, 0, sizeof ps);
    ps.start = ps.p = (const unsigned char *)text;
    ps.end = ps.p + len;
    ps.doc = doc;
    ps.err = err;
    ps.errsize = errsize;
    ps.c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (ps.c_locale == (locale_t)0) {
        errno = ENOMEM;
        fail(&ps, "out of memory");
        ts_jv_free(doc);
        return NULL;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        ps.p += 3;
    }
    if (parse_value(&ps, &doc->root) == 0) {
        skip_ws(&ps);
        if (ps.p != ps.end) {
            fail(&ps, "unexpected data after the end of the document");
        }
    }
    freelocale(ps.c_locale);
    if (ps.failed) {
        ts_jv_free(doc);
        return NULL;
    }
    return doc;
}

void
ts_jv_free(ts_jv_doc_t *doc)
{
    if (!doc) {
        return;
    }
    for (chunk_t *c = doc->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(doc);
}

const ts_jv_t *
ts_jv_root(const ts_jv_doc_t *doc)
{
    return &doc->root;
}

const ts_jv_t *
ts_jv_get(const ts_jv_t *obj, const char *key)
{
    size_t n;

    if (!obj || obj->kind != TS_JV_OBJECT) {
        return NULL;
    }
    n = strlen(key);
    for (size_t i = 0; i < obj->n; i++) {
        if (obj->members[i].key_len == n && memcmp(obj->members[i].key, key, n) == 0) {
            return &obj->members[i].value;
        }
    }
    return NULL;
}

/* json_writer.c -- see json_writer.h for the contract.
 *
 * Every value goes through begin_value(), which writes the comma the
 * container owes and checks that a value is allowed here; every container
 * end goes through end_container().  All output goes through emit(), into
 * the writer's buffer; strings are copied in runs (bytes that need no
 * escaping in one piece, the rest one character at a time).  stdio errors
 * are read once, from ferror(), in ts_json_finish.
 */
#include "json_writer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Passes the buffered bytes to stdio. */
static void
flush_buffer(ts_json_t *j)
{
    if (j->len > 0 && fwrite(j->buf, 1, j->len, j->out) != j->len) {
        j->error = 1;
    }
    j->len = 0;
}

/* Appends s[0..n) to the output. */
static void
emit(ts_json_t *j, const void *s, size_t n)
{
    if (n > sizeof j->buf - j->len) {
        flush_buffer(j);
        if (n > sizeof j->buf) {
            if (fwrite(s, 1, n, j->out) != n) {
                j->error = 1;
            }
            return;
        }
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
}

static void
emit_char(ts_json_t *j, char c)
{
    if (j->len == sizeof j->buf) {
        flush_buffer(j);
    }
    j->buf[j->len++] = c;
}

static void
emit_str(ts_json_t *j, const char *s)
{
    emit(j, s, strlen(s));
}

/* Prepares the stream for a value: writes a pending comma, or flags misuse
 * (a value where a key is due, or after the top-level value). */
static void
begin_value(ts_json_t *j)
{
    if (j->done) {
        j->error = 1;
        return;
    }
    if (j->depth > 0) {
        int top = j->depth - 1;
        if (j->is_object[top]) {
            if (!j->after_key) {
                j->error = 1;
            }
        }
        else if (j->has_items[top]) {
            emit_char(j, ',');
        }
        j->has_items[top] = 1;
    }
    j->after_key = 0;
}

/* Called after a complete value: the document is done at depth 0. */
static void
end_value(ts_json_t *j)
{
    if (j->depth == 0) {
        j->done = 1;
    }
}

static void
begin_container(ts_json_t *j, int is_object)
{
    begin_value(j);
    if (j->depth >= TS_JSON_MAX_DEPTH) {
        j->error = 1;
        return;
    }
    j->is_object[j->depth] = (unsigned char)is_object;
    j->has_items[j->depth] = 0;
    j->depth++;
    emit_char(j, is_object ? '{' : '[');
}

static void
end_container(ts_json_t *j, int is_object)
{
    if (j->depth == 0 || j->is_object[j->depth - 1] != is_object || j->after_key) {
        j->error = 1;
        return;
    }
    j->depth--;
    emit_char(j, is_object ? '}' : ']');
    end_value(j);
}

/* True for bytes written as they are: printable ASCII that neither JSON nor
 * an HTML <script> element gives a meaning to. */
static int
is_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '<' &&
           c != '>' && c != '&';
}

/* Writes \uXXXX for a code point below U+10000. */
static void
emit_escape(ts_json_t *j, uint32_t cp)
{
    static const char hex[] = "0123456789abcdef";
    char buf[6] = {'\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15],
                   hex[(cp >> 4) & 15], hex[cp & 15]};
    emit(j, buf, sizeof buf);
}

/* Writes the quoted, escaped form of s[0..n) (see the header for the rules). */
static void
write_string(ts_json_t *j, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    emit_char(j, '"');
    while (i < n) {
        size_t run = i;
        while (run < n && is_plain(p[run])) {
            run++;
        }
        if (run > i) {
            emit(j, p + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = p[i];
        if (c < 0x80) {
            switch (c) {
            case '"': emit_str(j, "\\\""); break;
            case '\\': emit_str(j, "\\\\"); break;
            case '\b': emit_str(j, "\\b"); break;
            case '\f': emit_str(j, "\\f"); break;
            case '\n': emit_str(j, "\\n"); break;
            case '\r': emit_str(j, "\\r"); break;
            case '\t': emit_str(j, "\\t"); break;
            default: emit_escape(j, c); break;
            }
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = ts_utf8_decode(p + i, n - i, &cp);
        if (cp == 0x2028 || cp == 0x2029) {
            emit_escape(j, cp);
        }
        else if (cp == TS_UTF8_REPLACEMENT) {
            emit_str(j, "\xEF\xBF\xBD"); /* invalid bytes, or a real U+FFFD */
        }
        else {
            emit(j, p + i, len);
        }
        i += len;
    }
    emit_char(j, '"');
}

void
ts_json_init(ts_json_t *j, FILE *out)
{
    memset(j, 0, sizeof *j);
    j->out = out;
}

int
ts_json_finish(ts_json_t *j)
{
    flush_buffer(j);
    if (j->error || !j->done || j->depth != 0 || ferror(j->out)) {
        return -1;
    }
    return 0;
}

void
ts_json_begin_object(ts_json_t *j)
{
    begin_container(j, 1);
}

void
ts_json_end_object(ts_json_t *j)
{
    end_container(j, 1);
}

void
ts_json_begin_array(ts_json_t *j)
{
    begin_container(j, 0);
}

void
ts_json_end_array(ts_json_t *j)
{
    end_container(j, 0);
}

void
ts_json_key(ts_json_t *j, const char *key)
{
    int top = j->depth - 1;
    if (top < 0 || !j->is_object[top] || j->after_key) {
        j->error = 1;
        return;
    }
    if (j->has_items[top]) {
        emit_char(j, ',');
    }
    write_string(j, key ? key : "", key ? strlen(key) : 0);
    emit_char(j, ':');
    j->after_key = 1;
}

void
ts_json_string(ts_json_t *j, const char *s)
{
    ts_json_string_n(j, s ? s : "", s ? strlen(s) : 0);
}

void
ts_json_string_n(ts_json_t *j, const char *s, size_t n)
{
    begin_value(j);
    write_string(j, s ? s : "", s ? n : 0);
    end_value(j);
}

size_t
ts_json_format_double(double v, char *buf)
{
    char tmp[TS_JSON_DOUBLE_BUFSIZE];
    size_t n = 0;
    int has_point = 0;

    if (!isfinite(v) || v == 0.0) {
        memcpy(buf, "0.0", 4); /* also -0.0; the common case, kept cheap */
        return 3;
    }
    /* The shortest common form that reads back exactly.  Both snprintf and
     * strtod use the C locale's decimal point, so the check is consistent
     * even under a locale where it is ','. */
    snprintf(tmp, sizeof tmp, "%.15g", v);
    if (strtod(tmp, NULL) != v) {
        snprintf(tmp, sizeof tmp, "%.17g", v);
    }
    /* Copy, turning whatever the locale uses as a decimal point (possibly
     * several bytes) into '.'. */
    for (const char *p = tmp; *p; p++) {
        char c = *p;
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e' ||
            c == 'E') {
            buf[n++] = c;
        }
        else if (n > 0 && buf[n - 1] != '.') {
            buf[n++] = '.';
            has_point = 1;
        }
    }
    /* Keep doubles recognisable as such to typed readers: "3" -> "3.0". */
    if (!has_point && !strpbrk(tmp, "eE")) {
        buf[n++] = '.';
        buf[n++] = '0';
    }
    buf[n] = '\0';
    return n;
}

void
ts_json_double(ts_json_t *j, double v)
{
    char buf[TS_JSON_DOUBLE_BUFSIZE];
    size_t n = ts_json_format_double(v, buf);
    begin_value(j);
    emit(j, buf, n);
    end_value(j);
}

/* Writes the decimal digits of v, after a '-' if negative (printf is
 * several times slower, and reports write one integer per line record). */
static void
write_integer(ts_json_t *j, uint64_t v, int negative)
{
    char buf[24];
    size_t i = sizeof buf;

    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (negative) {
        buf[--i] = '-';
    }
    emit(j, buf + i, sizeof buf - i);
}

void
ts_json_int(ts_json_t *j, int64_t v)
{
    begin_value(j);
    /* the magnitude of INT64_MIN does not fit in an int64_t */
    write_integer(j, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
    end_value(j);
}

void
ts_json_uint(ts_json_t *j, uint64_t v)
{
    begin_value(j);
    write_integer(j, v, 0);
    end_value(j);
}

void
ts_json_bool(ts_json_t *j, int v)
{
    begin_value(j);
    emit_str(j, v ? "true" : "false");
    end_value(j);
}

void
ts_json_kv_string(ts_json_t *j, const char *key, const char *s)
{
    ts_json_key(j, key);
    ts_json_string(j, s);
}

void
ts_json_kv_double(ts_json_t *j, const char *key, double v)
{
    ts_json_key(j, key);
    ts_json_double(j, v);
}

void
ts_json_kv_int(ts_json_t *j, const char *key, int64_t v)
{
    ts_json_key(j, key);
    ts_json_int(j, v);
}

void
ts_json_kv_uint(ts_json_t *j, const char *key, uint64_t v)
{
    ts_json_key(j, key);
    ts_json_uint(j, v);
}

void
ts_json_kv_bool(ts_json_t *j, const char *key, int v)
{
    ts_json_key(j, key);
    ts_json_bool(j, v);
}

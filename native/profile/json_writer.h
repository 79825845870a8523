/* json_writer.h -- a small streaming JSON emitter onto a FILE*.
 *
 * The report writer produces JSON documents of several megabytes (one record
 * per source line), so nothing is built in memory: each call writes its
 * piece straight to the stream and the writer only remembers, per open
 * container, whether a comma is due.  Misuse (a value where a key is due,
 * closing the wrong container, nesting deeper than TS_JSON_MAX_DEPTH) and
 * stdio failures set a sticky error flag instead of aborting; the caller
 * checks once, with ts_json_finish.
 *
 * What comes out is always valid JSON, whatever the input bytes:
 *   - strings: '"', '\\' and control characters are escaped; bytes that are
 *     not valid UTF-8 become U+FFFD (see utf8.h); '<', '>' and '&' are
 *     written as \u003c, \u003e, \u0026 and U+2028/U+2029 as \u2028/\u2029
 *     so the document can be pasted into an HTML <script> element;
 *   - doubles: the shortest of %.15g/%.17g that reads back exactly, with a
 *     '.' decimal point whatever the C locale; NaN and infinities become 0;
 *   - integers: exact, 64-bit.
 * Output is compact (no whitespace) and goes through a small buffer inside
 * the writer (stdio's per-call locking made a per-call fwrite the main cost
 * of a large report).  One writer per document, used by one thread.
 * Not async-signal-safe.
 */
#ifndef TRISCOPE_JSON_WRITER_H
#define TRISCOPE_JSON_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TS_JSON_MAX_DEPTH 32

/* Longest text ts_json_format_double produces, NUL included. */
#define TS_JSON_DOUBLE_BUFSIZE 40

/* Bytes the writer gathers before handing them to stdio in one fwrite. */
#define TS_JSON_BUFSIZE 4096

typedef struct ts_json {
    FILE *out;
    size_t len;        /* bytes pending in buf */
    char buf[TS_JSON_BUFSIZE];
    int depth;         /* open containers */
    int error;         /* sticky: a write failed or the calls were misused */
    int after_key;     /* a key was written; its value is due */
    int done;          /* the top-level value is complete */
    unsigned char is_object[TS_JSON_MAX_DEPTH]; /* per open container */
    unsigned char has_items[TS_JSON_MAX_DEPTH]; /* a comma is due before the next */
} ts_json_t;

/* Starts a document on out (not owned: the caller closes it). */
void ts_json_init(ts_json_t *j, FILE *out);

/* Hands the pending bytes to the stream, then returns 0 if exactly one
 * complete value was written and every write succeeded, else -1.  Must be
 * called to complete the output.  Does not flush or close the stream. */
int ts_json_finish(ts_json_t *j);

/* Containers.  Each begin needs its matching end. */
void ts_json_begin_object(ts_json_t *j);
void ts_json_end_object(ts_json_t *j);
void ts_json_begin_array(ts_json_t *j);
void ts_json_end_array(ts_json_t *j);

/* An object member's key (NUL-terminated, escaped like a string).  Pre: the
 * innermost open container is an object and no key is pending. */
void ts_json_key(ts_json_t *j, const char *key);

/* Values.  A NULL string is written as "". */
void ts_json_string(ts_json_t *j, const char *s);
void ts_json_string_n(ts_json_t *j, const char *s, size_t n);
void ts_json_double(ts_json_t *j, double v);
void ts_json_int(ts_json_t *j, int64_t v);
void ts_json_uint(ts_json_t *j, uint64_t v);
void ts_json_bool(ts_json_t *j, int v);

/* Key and value in one call, for object members. */
void ts_json_kv_string(ts_json_t *j, const char *key, const char *s);
void ts_json_kv_double(ts_json_t *j, const char *key, double v);
void ts_json_kv_int(ts_json_t *j, const char *key, int64_t v);
void ts_json_kv_uint(ts_json_t *j, const char *key, uint64_t v);
void ts_json_kv_bool(ts_json_t *j, const char *key, int v);

/* Writes the JSON text of v into buf (TS_JSON_DOUBLE_BUFSIZE bytes) and
 * returns its length.  The same text ts_json_double emits. */
size_t ts_json_format_double(double v, char *buf);

#endif

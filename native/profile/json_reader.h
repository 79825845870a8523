/* json_reader.h -- a strict JSON parser that builds a read-only tree.
 *
 * `triscope view` re-renders a profile that was saved as JSON, and the
 * report writers render every text and HTML report from the JSON profile
 * (see model_from_json.h), so this parser reads whatever a user hands it:
 * profiles written by triscope or Scalene, but also truncated downloads,
 * binary garbage, and files edited by hand.  It must never crash, leak or
 * loop on any input, and must say in one line what is wrong.
 *
 * What it accepts is RFC 8259 JSON and nothing more (no comments, no
 * trailing commas, no NaN), with a UTF-8 byte order mark allowed at the
 * start.  Strings must be valid UTF-8; a \u escape of a lone surrogate
 * becomes U+FFFD (Python's json module writes those).  Numbers are read in
 * the C locale whatever the process's locale is (a profiled program may
 * have called setlocale), and must be finite.  Containers nest at most
 * TS_JV_MAX_DEPTH deep, so the recursion is bounded.
 *
 * Every node and string of a document lives in one arena owned by the
 * ts_jv_doc_t: one ts_jv_free releases everything, and an allocation
 * failure in the middle of a parse cannot leak.  A document is immutable
 * after parsing and may be read by any thread.
 * Not async-signal-safe.
 */
#ifndef TRISCOPE_JSON_READER_H
#define TRISCOPE_JSON_READER_H

#include <stddef.h>

#define TS_JV_MAX_DEPTH 64

typedef enum ts_jv_kind {
    TS_JV_NULL,
    TS_JV_BOOL,
    TS_JV_NUMBER,
    TS_JV_STRING,
    TS_JV_ARRAY,
    TS_JV_OBJECT,
} ts_jv_kind_t;

typedef struct ts_jv_member ts_jv_member_t;

/* One JSON value. */
typedef struct ts_jv {
    ts_jv_kind_t kind;
    int boolean;             /* TS_JV_BOOL: 0 or 1 */
    int is_integer;          /* TS_JV_NUMBER written without fraction or exponent */
    double number;           /* TS_JV_NUMBER */
    const char *str;         /* TS_JV_STRING: decoded UTF-8, NUL-terminated
                                (it may also contain NULs: see n) */
    size_t n;                /* string bytes, or array items / object members */
    struct ts_jv *items;     /* TS_JV_ARRAY: n values */
    ts_jv_member_t *members; /* TS_JV_OBJECT: n members, in document order */
} ts_jv_t;

struct ts_jv_member {
    const char *key;  /* decoded, NUL-terminated */
    size_t key_len;
    ts_jv_t value;
};

typedef struct ts_jv_doc ts_jv_doc_t;

/* Parses text[0..len).  Returns the document (free with ts_jv_free), or NULL
 * with a one-line description of the first problem in err ("line 3, column
 * 14: expected ',' or '}'"; truncated to errsize, which may be 0).  On
 * allocation failure returns NULL with errno ENOMEM and says so in err. */
ts_jv_doc_t *ts_jv_parse(const char *text, size_t len, char *err, size_t errsize);

/* Frees a document and every value in it.  NULL is allowed. */
void ts_jv_free(ts_jv_doc_t *doc);

/* The top-level value of a document. */
const ts_jv_t *ts_jv_root(const ts_jv_doc_t *doc);

/* The value of the first member named key of obj, or NULL if obj is NULL,
 * not an object, or has no such member. */
const ts_jv_t *ts_jv_get(const ts_jv_t *obj, const char *key);

#endif

/* ts_error.h -- the one error convention of the C code below the binding.
 *
 * Engine, profile-layer and OS-seam functions that can fail return an int:
 * 0 on success, -1 on failure with *err filled (when err is not NULL).  They
 * never set a Python exception; only the binding (native/extension/module.c
 * and binding_*.c) turns a ts_error_t into one, choosing the exception class
 * from the kind.  The kinds are one list (TS_ERROR_KINDS), from which the
 * enum and the names are generated.
 */
#ifndef TRISCOPE_TS_ERROR_H
#define TRISCOPE_TS_ERROR_H

/* X(kind, name): every kind of failure. */
#define TS_ERROR_KINDS(X)                                                       \
    X(TS_ERR_STATE, "state")     /* not allowed in the session's state */      \
    X(TS_ERR_INVALID, "invalid") /* a bad argument or configuration */         \
    X(TS_ERR_NOMEM, "nomem")     /* out of memory */                           \
    X(TS_ERR_OS, "os")           /* a system call failed (sys_errno says why) */ \
    X(TS_ERR_FORMAT, "format")   /* input that is not what it should be */

typedef enum ts_error_kind {
    TS_ERR_NONE = 0,
#define TS_ERROR_ENUM(kind, name) kind,
    TS_ERROR_KINDS(TS_ERROR_ENUM)
#undef TS_ERROR_ENUM
} ts_error_kind_t;

typedef struct ts_error {
    ts_error_kind_t kind;
    int sys_errno;      /* errno of the failed call for TS_ERR_OS, else 0 */
    char message[512];  /* one line, no "triscope:" prefix, no newline */
} ts_error_t;

/* Fills *err (when not NULL) and returns -1, so that a failing function can
 * end with `return ts_error_set(err, ...)`.  sys_errno is kept as given. */
int ts_error_set(ts_error_t *err, ts_error_kind_t kind, int sys_errno, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The kind's name ("state", "os", ...); "none" for TS_ERR_NONE. */
const char *ts_error_kind_name(ts_error_kind_t kind);

#endif

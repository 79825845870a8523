/* ts_error.c -- filling a ts_error_t (see ts_error.h).  Not async-signal-safe. */
#include "ts_error.h"

#include <stdarg.h>
#include <stdio.h>

int
ts_error_set(ts_error_t *err, ts_error_kind_t kind, int sys_errno, const char *fmt, ...)
{
    if (err == NULL)
        return -1;
    err->kind = kind;
    err->sys_errno = sys_errno;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

const char *
ts_error_kind_name(ts_error_kind_t kind)
{
    switch (kind) {
#define TS_ERROR_NAME(k, name) \
    case k:                    \
        return name;
        TS_ERROR_KINDS(TS_ERROR_NAME)
#undef TS_ERROR_NAME
    case TS_ERR_NONE:
        break;
    }
    return "none";
}

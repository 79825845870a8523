/* interpose.c -- owns the exported entry points that replace libc's: the
 * malloc family, memcpy/memmove (and their _FORTIFY_SOURCE twins).  Entry points
 * only: each calls the real function (real.c) and the fast path of the
 * recorder (recorder.h).  pthread_create lives in thread_birth.c.
 *
 * Rules for every function here (docs/design/interposition.md):
 *  - Never call an interposed function by name: the real ones are reached
 *    through _ts_real, copies fall back to loops the compiler may not turn
 *    into memcpy (this file is built with -fno-builtin and
 *    -fno-tree-loop-distribute-patterns).
 *  - Counting off (never configured, before start(), after stop(), in every
 *    non-Python child that inherits LD_PRELOAD): one relaxed load and one
 *    well-predicted branch, then a tail call of the real function.  The
 *    counting work sits in separate noinline functions so that the
 *    pass-through path needs no stack frame.
 *  - The real function's result and errno are returned untouched; a failed
 *    allocation is never counted.
 *  - Counting order: a pointer is counted after the real allocator returned
 *    it and un-counted before the real free sees it (recorder.c explains
 *    why the event order depends on this).
 *  - realloc counts as free(old) + alloc(new).  If the real realloc fails
 *    (NULL with size > 0) the old block stays allocated but has already been
 *    reported freed: a rare loss, accepted to keep that order.
 *
 * The bootstrap arena (real.c) serves allocations made while the real
 * functions are being looked up; free, realloc and malloc_usable_size
 * recognise its blocks by address.
 */
#undef _FORTIFY_SOURCE
#define _GNU_SOURCE 1
#define TS_HOOKS_HOME_INTERPOSE 1 /* hooks.h: the aliases defined here */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hooks.h"
#include "real.h"
#include "recorder.h"

#define TS_EXPORT __attribute__((visibility("default")))

/* Resolves the real functions on first use, never while this thread is
 * already resolving (dlsym's own allocations must take the arena).  Kept
 * out of line so that the hooks' common path needs no stack frame. */
static __attribute__((noinline, cold)) void
late_resolve(void)
{
    if (!_ts_real_resolving())
        _ts_real_resolve();
}

/* The real function `field` in local `var`, resolved on first use; var may
 * still be NULL afterwards (dlsym failed, or this thread is resolving). */
#define GET_REAL(var, field)                                                  \
    __typeof__(_ts_real.field) var = __atomic_load_n(&_ts_real.field, __ATOMIC_RELAXED); \
    if (__builtin_expect(var == NULL, 0)) {                                   \
        late_resolve();                                                       \
        var = __atomic_load_n(&_ts_real.field, __ATOMIC_RELAXED);             \
    }

extern void __chk_fail(void) __attribute__((noreturn));

static int
mul_overflows(size_t n, size_t m, size_t *out)
{
    return __builtin_mul_overflow(n, m, out);
}

/* Counts a fresh allocation; returns p.  Called from malloc. */
static __attribute__((noinline)) void *
counted(void *p, size_t n)
{
    _ts_count_alloc(p, n);
    return p;
}

/* Un-counts p before the real free/realloc.  Called from free. */
static __attribute__((noinline)) void
uncount(void *p)
{
    _ts_count_free(p);
}

TS_EXPORT void *
malloc(size_t n)
{
    GET_REAL(f, malloc);
    if (__builtin_expect(f == NULL, 0))
        return _ts_arena_alloc(n, 16);
    if (__builtin_expect(!_ts_counting(), 1))
        return f(n);
    return counted(f(n), n);
}

TS_EXPORT void *
calloc(size_t n, size_t m)
{
    size_t bytes;
    GET_REAL(f, calloc);
    if (__builtin_expect(f == NULL, 0)) {
        if (mul_overflows(n, m, &bytes)) {
            errno = ENOMEM;
            return NULL;
        }
        return _ts_arena_alloc(bytes, 16); /* static storage: zeroed */
    }
    if (__builtin_expect(!_ts_counting(), 1))
        return f(n, m);
    void *p = f(n, m);
    return p && !mul_overflows(n, m, &bytes) ? counted(p, bytes) : p;
}

TS_EXPORT void
free(void *p)
{
    if (__builtin_expect(_ts_arena_owns(p), 0))
        return; /* arena blocks are never reused */
    if (__builtin_expect(_ts_frees_matter(), 0))
        uncount(p);
    GET_REAL(f, free);
    if (__builtin_expect(f != NULL, 1))
        f(p);
}

/* realloc of an arena block: move it to the real heap. */
static void *
realloc_from_arena(void *p, size_t n)
{
    if (n == 0)
        return NULL; /* like glibc: realloc(p, 0) frees p */
    void *q = _ts_hook_malloc(n);
    if (q) {
        size_t old = _ts_arena_size(p);
        _ts_copy_forward(q, p, old < n ? old : n);
    }
    return q;
}

TS_EXPORT void *
realloc(void *p, size_t n)
{
    if (p == NULL)
        return _ts_hook_malloc(n);
    if (__builtin_expect(_ts_arena_owns(p), 0))
        return realloc_from_arena(p, n);
    GET_REAL(f, realloc);
    if (__builtin_expect(f == NULL, 0)) {
        errno = ENOMEM;
        return NULL;
    }
    if (__builtin_expect(_ts_frees_matter(), 0))
        uncount(p);
    if (__builtin_expect(!_ts_counting(), 1))
        return f(p, n);
    return counted(f(p, n), n);
}

TS_EXPORT void *
reallocarray(void *p, size_t n, size_t m)
{
    size_t bytes;
    if (mul_overflows(n, m, &bytes)) {
        errno = ENOMEM;
        return NULL;
    }
    if (p == NULL || _ts_arena_owns(p))
        return _ts_hook_realloc(p, bytes);
    GET_REAL(f, reallocarray);
    if (f == NULL)
        return _ts_hook_realloc(p, bytes); /* glibc < 2.26: the same thing */
    if (__builtin_expect(_ts_frees_matter(), 0))
        uncount(p);
    if (__builtin_expect(!_ts_counting(), 1))
        return f(p, n, m);
    return counted(f(p, n, m), bytes);
}

TS_EXPORT int
posix_memalign(void **out, size_t align, size_t n)
{
    GET_REAL(f, posix_memalign);
    if (__builtin_expect(f == NULL, 0)) {
        if (align % sizeof(void *) != 0 || (align & (align - 1)) != 0 || align == 0)
            return EINVAL;
        int saved = errno;
        void *p = _ts_arena_alloc(n, align);
        errno = saved;
        if (!p)
            return ENOMEM;
        *out = p;
        return 0;
    }
    int rc = f(out, align, n);
    if (__builtin_expect(_ts_counting(), 0) && rc == 0)
        counted(*out, n);
    return rc;
}

/* The body of aligned_alloc and memalign, given the real function f. */
static inline void *
aligned(void *(*f)(size_t, size_t), size_t align, size_t n)
{
    if (__builtin_expect(f == NULL, 0))
        return _ts_arena_alloc(n, align);
    if (__builtin_expect(!_ts_counting(), 1))
        return f(align, n);
    return counted(f(align, n), n);
}

TS_EXPORT void *
aligned_alloc(size_t align, size_t n)
{
    GET_REAL(f, aligned_alloc);
    return aligned(f, align, n);
}

TS_EXPORT void *
memalign(size_t align, size_t n)
{
    GET_REAL(f, memalign);
    return aligned(f, align, n);
}

TS_EXPORT void *
valloc(size_t n)
{
    GET_REAL(f, valloc);
    if (__builtin_expect(f == NULL, 0))
        return _ts_hook_memalign((size_t)sysconf(_SC_PAGESIZE), n);
    if (__builtin_expect(!_ts_counting(), 1))
        return f(n);
    return counted(f(n), n);
}

TS_EXPORT void *
pvalloc(size_t n)
{
    GET_REAL(f, pvalloc);
    if (__builtin_expect(f == NULL, 0)) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        if (n > SIZE_MAX - page) {
            errno = ENOMEM;
            return NULL;
        }
        return _ts_hook_memalign(page, n ? (n + page - 1) & ~(page - 1) : page);
    }
    if (__builtin_expect(!_ts_counting(), 1))
        return f(n);
    return counted(f(n), n);
}

TS_EXPORT size_t
malloc_usable_size(void *p)
{
    if (p == NULL)
        return 0;
    if (__builtin_expect(_ts_arena_owns(p), 0))
        return _ts_arena_size(p);
    GET_REAL(f, malloc_usable_size);
    return f ? f(p) : 0;
}

/* The copy itself, by the real function or, before the constructor
 * resolved it, the byte loops.  memcpy/memmove are not resolved from here:
 * a copy may run inside the loader or an earlier constructor. */
static inline void *
copy(void *dst, const void *src, size_t n, int overlapping)
{
    void *(*f)(void *, const void *, size_t) =
        overlapping ? __atomic_load_n(&_ts_real.memmove, __ATOMIC_RELAXED)
                    : __atomic_load_n(&_ts_real.memcpy, __ATOMIC_RELAXED);
    if (__builtin_expect(f == NULL, 0))
        return overlapping ? _ts_copy_backward(dst, src, n) : _ts_copy_forward(dst, src, n);
    return f(dst, src, n);
}

/* Counts then copies.  Async-signal-safe. */
static __attribute__((noinline)) void *
copy_counted(void *dst, const void *src, size_t n, int overlapping)
{
    _ts_count_copy(n);
    return copy(dst, src, n, overlapping);
}

TS_EXPORT void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    if (__builtin_expect(_ts_counting(), 0))
        return copy_counted(dst, src, n, 0);
    return copy(dst, src, n, 0);
}

TS_EXPORT void *
memmove(void *dst, const void *src, size_t n)
{
    if (__builtin_expect(_ts_counting(), 0))
        return copy_counted(dst, src, n, 1);
    return copy(dst, src, n, 1);
}

/* _FORTIFY_SOURCE builds (CPython's among them) call these when the
 * destination size is known at compile time; glibc's versions call its
 * internal memcpy, which we would not see. */
TS_EXPORT void *
__memcpy_chk(void *restrict dst, const void *restrict src, size_t n, size_t dstlen)
{
    if (__builtin_expect(dstlen < n, 0))
        __chk_fail();
    if (__builtin_expect(_ts_counting(), 0))
        return copy_counted(dst, src, n, 0);
    return copy(dst, src, n, 0);
}

TS_EXPORT void *
__memmove_chk(void *dst, const void *src, size_t n, size_t dstlen)
{
    if (__builtin_expect(dstlen < n, 0))
        __chk_fail();
    if (__builtin_expect(_ts_counting(), 0))
        return copy_counted(dst, src, n, 1);
    return copy(dst, src, n, 1);
}

/* _ts_hook_<name> for every entry point above (hooks.def, home INTERPOSE). */
#define TS_HOOK TS_HOOK_ALIAS_IF_HERE
#include "hooks.def"
#undef TS_HOOK

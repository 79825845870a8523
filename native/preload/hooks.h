/* hooks.h -- our own entry points under hidden names.
 *
 * The exported names (malloc, memcpy, ...) mean different things depending
 * on how the library was loaded.  Preloaded, they are first in the global
 * scope and a call by name reaches our code.  Loaded into a running process
 * with dlopen(RTLD_LOCAL) (got_patch.c), the global scope comes first and a
 * call or address by name reaches libc instead.  These aliases (hidden, so
 * bound inside the library at link time) always mean our code: use them
 * wherever the library calls or hands out one of its own entry points.
 * Defined as aliases next to each function (interpose.c, thread_birth.c). */
#ifndef TRISCOPE_PRELOAD_HOOKS_H
#define TRISCOPE_PRELOAD_HOOKS_H

#include <pthread.h>
#include <stddef.h>

#define TS_HIDDEN __attribute__((visibility("hidden")))

TS_HIDDEN void *_ts_hook_malloc(size_t n);
TS_HIDDEN void *_ts_hook_calloc(size_t n, size_t m);
TS_HIDDEN void _ts_hook_free(void *p);
TS_HIDDEN void *_ts_hook_realloc(void *p, size_t n);
TS_HIDDEN void *_ts_hook_reallocarray(void *p, size_t n, size_t m);
TS_HIDDEN int _ts_hook_posix_memalign(void **out, size_t align, size_t n);
TS_HIDDEN void *_ts_hook_aligned_alloc(size_t align, size_t n);
TS_HIDDEN void *_ts_hook_memalign(size_t align, size_t n);
TS_HIDDEN void *_ts_hook_valloc(size_t n);
TS_HIDDEN void *_ts_hook_pvalloc(size_t n);
TS_HIDDEN size_t _ts_hook_malloc_usable_size(void *p);
TS_HIDDEN void *_ts_hook_memcpy(void *restrict dst, const void *restrict src, size_t n);
TS_HIDDEN void *_ts_hook_memmove(void *dst, const void *src, size_t n);
TS_HIDDEN void *_ts_hook___memcpy_chk(void *restrict dst, const void *restrict src, size_t n,
                                      size_t dstlen);
TS_HIDDEN void *_ts_hook___memmove_chk(void *dst, const void *src, size_t n, size_t dstlen);
TS_HIDDEN int _ts_hook_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                                      void *(*start)(void *), void *arg);

/* Defines _ts_hook_<name> as a hidden alias of the function <name> defined
 * just above it in the same file, with the same attributes as libc's
 * declaration (GCC insists: -Wmissing-attributes). */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 9
#define TS_COPY_ATTRIBUTES(name) , copy(name)
#else
#define TS_COPY_ATTRIBUTES(name)
#endif
#define TS_HOOK_ALIAS(name)                                              \
    extern __typeof__(name) _ts_hook_##name                              \
        __attribute__((alias(#name), visibility("hidden") TS_COPY_ATTRIBUTES(name)))

#endif

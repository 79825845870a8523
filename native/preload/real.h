/* real.h -- owns the real (next) implementations behind the interposed
 * symbols (the REAL entries of hooks.def) and the bootstrap arena that serves
 * allocations made while they are being looked up.
 *
 * The preload library's own code calls libc only through _ts_real, never
 * through `malloc`/`memcpy` by name (those are our own entry points). */
#ifndef TRISCOPE_PRELOAD_REAL_H
#define TRISCOPE_PRELOAD_REAL_H

#include <pthread.h>
#include <stddef.h>

#include "hooks.h"

/* One entry per REAL symbol of hooks.def, typed as listed there. */
typedef struct ts_real {
#define TS_HOOK(name, ret, params, real, export, home) TS_IF_##real(ret(*name) params;)
#include "hooks.def"
#undef TS_HOOK
} ts_real_t;

/* Owner: _ts_real_resolve (the constructor, or the first hook that finds a
 * NULL entry) writes it; each entry goes from NULL to its final value once
 * (a racing second resolver stores the same value).  Read everywhere. */
extern ts_real_t _ts_real;

/* Looks every entry up with dlsym (RTLD_NEXT, or in libc: see real.c).
 * Allocations dlsym makes on this thread meanwhile are served by the arena.
 * Returns 0 when malloc and free were found.  Called from malloc (first use).
 */
int _ts_real_resolve(void);

/* 1 if the library was preloaded (the real functions are the next
 * definitions), 0 if it was loaded into a running process with dlopen and
 * reaches other objects by patching their GOTs (got_patch.c).  Set by the
 * constructor. */
int _ts_real_preloaded(void);

/* The real function `name` as _ts_real_resolve finds it (also functions
 * _ts_real does not keep, like __memcpy_chk or dlsym).  Not for hooks. */
void *_ts_real_lookup(const char *name);

/* True while this thread is inside _ts_real_resolve: allocate from the arena.
 * Called from malloc. */
int _ts_real_resolving(void);

/* Bootstrap arena: a static bump allocator; blocks are never reused.
 * Returns NULL with errno ENOMEM when exhausted.  Called from malloc. */
void *_ts_arena_alloc(size_t size, size_t align);

#define TS_ARENA_BYTES (256 * 1024)

/* The arena's storage.  Owner: each byte is written only by the thread that
 * bumped past it (real.c); read by free, realloc, malloc_usable_size. */
extern unsigned char _ts_arena[TS_ARENA_BYTES];

/* Whether p lies in the arena.  Called from malloc and free. */
static inline int
_ts_arena_owns(const void *p)
{
    return (const unsigned char *)p >= _ts_arena && (const unsigned char *)p < _ts_arena + TS_ARENA_BYTES;
}

/* Usable size of an arena block.  Called from malloc. */
size_t _ts_arena_size(const void *p);

/* Byte-by-byte copies for the moments before memcpy/memmove are resolved.
 * Never compiled into calls to memcpy/memmove.  Called from memcpy. */
void *_ts_copy_forward(void *dst, const void *src, size_t n);
void *_ts_copy_backward(void *dst, const void *src, size_t n);

#endif

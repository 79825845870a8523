/* real.c -- owns finding the real allocator, memcpy and pthread_create, and
 * the bootstrap arena.
 *
 * Problem: our malloc must call the next malloc in the lookup order (glibc,
 * or an allocator preloaded before us), found with dlsym(RTLD_NEXT, ...).
 * But dlsym may itself allocate (older glibc calls calloc for its dlerror
 * bookkeeping, jemalloc#443), which re-enters our malloc before the real one
 * is known: infinite recursion, or a deadlock on the loader lock.
 *
 * Approach: resolution runs in the library constructor, and again lazily in
 * any hook that finds its real function missing (malloc may run before our
 * constructor: the loader and earlier constructors allocate).  While a
 * thread resolves, its allocations come from a static bump arena; the
 * arena's blocks carry a small size header (ours, so that is safe), are
 * never freed, and free/realloc/malloc_usable_size recognise them by
 * address.  glibc 2.36 never uses the arena; older ones do.
 *
 * memcpy/memmove are not resolved lazily from inside a copy: until the
 * constructor ran they use the byte loops below, which the compiler must not
 * turn back into memcpy calls (-fno-tree-loop-distribute-patterns, also as a
 * function attribute in case the build flags are lost).
 *
 * dlsym(RTLD_NEXT, "memcpy") returns the IFUNC-selected routine (an AVX
 * variant on x86_64), so copies run at full speed once resolved.
 */
#include "real.h"

#include <dlfcn.h>
#include <gnu/lib-names.h>
#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>

#include "recorder.h"

ts_real_t _ts_real; /* Owner: see real.h. */

#define ARENA_HEADER 16 /* size_t size, padded to keep 16-byte alignment */

alignas(64) unsigned char _ts_arena[TS_ARENA_BYTES]; /* Owner: see real.h. */
/* Owner: any resolving thread bumps it with CAS. */
static _Atomic size_t arena_used;

/* Nonzero while this thread runs dlsym.  Owner: its own thread. */
static __thread __attribute__((tls_model("initial-exec"))) int resolving;

int
_ts_real_resolving(void)
{
    return resolving;
}

void *
_ts_arena_alloc(size_t size, size_t align)
{
    if (align < ARENA_HEADER)
        align = ARENA_HEADER;
    if ((align & (align - 1)) != 0 || size > TS_ARENA_BYTES) {
        errno = size > TS_ARENA_BYTES ? ENOMEM : EINVAL;
        return NULL;
    }
    size_t used = atomic_load_explicit(&arena_used, memory_order_relaxed);
    for (;;) {
        uintptr_t base = (uintptr_t)_ts_arena;
        uintptr_t start = (base + used + ARENA_HEADER + align - 1) & ~(uintptr_t)(align - 1);
        size_t end = (size_t)(start - base) + size;
        if (end > TS_ARENA_BYTES) {
            errno = ENOMEM;
            return NULL;
        }
        if (atomic_compare_exchange_weak_explicit(&arena_used, &used, end,
                                                  memory_order_relaxed,
                                                  memory_order_relaxed)) {
            *(size_t *)(start - ARENA_HEADER) = size;
            return (void *)start; /* static storage: already zero (calloc) */
        }
    }
}

size_t
_ts_arena_size(const void *p)
{
    return *(const size_t *)((const unsigned char *)p - ARENA_HEADER);
}

__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *
_ts_copy_forward(void *dst, const void *src, size_t n)
{
    volatile unsigned char *d = dst;
    const unsigned char *s = src;
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
    return dst;
}

__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *
_ts_copy_backward(void *dst, const void *src, size_t n)
{
    if ((uintptr_t)dst <= (uintptr_t)src || (uintptr_t)dst >= (uintptr_t)src + n)
        return _ts_copy_forward(dst, src, n);
    volatile unsigned char *d = dst;
    const unsigned char *s = src;
    for (size_t i = n; i > 0; i--)
        d[i - 1] = s[i - 1];
    return dst;
}

/* Where the real functions are looked up.  Preloaded, our definitions come
 * first in the global scope and the real ones are the next: RTLD_NEXT.
 * Loaded later with dlopen(RTLD_LOCAL) to patch a running process
 * (got_patch.c), we are not in the global scope and the real ones are
 * libc's, asked of libc itself: RTLD_DEFAULT could answer with the PLT stub
 * a non-PIE executable exports as the canonical address of an imported
 * function, which leads back to us once its GOT is patched.  (got_patch.c
 * refuses to attach when anything but libc provides these functions.)
 * Hooks run before the constructor only when preloaded, so RTLD_NEXT is the
 * right start; the constructor decides once.  Owner: the constructor
 * writes them; read by every look-up. */
static void *lookup_scope = RTLD_NEXT;
static int preloaded = 1;

/* dlsym in lookup_scope; functions libc lacks (pthread_create, dlsym
 * before glibc 2.34) come from the libraries we link, found with
 * RTLD_NEXT.  Called from malloc (first use). */
static void *
lookup(const char *name)
{
    void *f = dlsym(lookup_scope, name);
    if (f == NULL && lookup_scope != RTLD_NEXT)
        f = dlsym(RTLD_NEXT, name);
    return f;
}

void *
_ts_real_lookup(const char *name)
{
    resolving++;
    void *f = lookup(name);
    resolving--;
    return f;
}

/* Stores lookup("field") into _ts_real.field unless set. */
#define RESOLVE(field)                                                        \
    do {                                                                      \
        if (!__atomic_load_n(&_ts_real.field, __ATOMIC_ACQUIRE)) {            \
            __typeof__(_ts_real.field) fn_ =                                  \
                (__typeof__(_ts_real.field))lookup(#field);                   \
            __atomic_store_n(&_ts_real.field, fn_, __ATOMIC_RELEASE);         \
        }                                                                     \
    } while (0)

int
_ts_real_resolve(void)
{
    int saved = errno;
    resolving++;
#define TS_HOOK(name, ret, params, real, export, home) TS_IF_##real(RESOLVE(name);)
#include "hooks.def"
#undef TS_HOOK
    resolving--;
    errno = saved;
    return _ts_real.malloc && _ts_real.free ? 0 : -1;
}

int
_ts_real_preloaded(void)
{
    return preloaded;
}

/* Whether the global scope's triscope_preload_api is this library's: then
 * it was preloaded (or linked in), not dlopen'ed.  (Asked of the main
 * program's handle: RTLD_DEFAULT would also search our own local scope.) */
static int
self_is_global(void)
{
    void *main_program = dlopen(NULL, RTLD_LAZY);
    void *found = main_program ? dlsym(main_program, "triscope_preload_api") : NULL;
    Dl_info theirs, ours;
    return found && dladdr(found, &theirs) && dladdr((void *)self_is_global, &ours)
        && theirs.dli_fbase == ours.dli_fbase;
}

__attribute__((constructor)) static void
preload_init(void)
{
    resolving++;
    if (!self_is_global()) {
        void *libc = dlopen(LIBC_SO, RTLD_LAZY | RTLD_NOLOAD);
        if (libc)
            lookup_scope = libc;
        preloaded = 0;
    }
    resolving--;
    _ts_real_resolve();
    _ts_recorder_install_fork_handler();
}

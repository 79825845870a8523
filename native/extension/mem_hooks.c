/* mem_hooks.c -- owns the PyMem wrappers and the extension's side of the
 * preload's interface (mem_hooks.h).
 *
 * Fast path of every wrapper, per call: one thread-pointer-relative access to
 * the preload's per-thread block, depth++/--, and (when counting) a subtract
 * and a branch.  Frees check one byte of the preload's counting filter before
 * calling into the preload.  The slow paths live in the preload library.
 * Called from any thread, with or without the GIL (RAW domain): nothing here
 * takes a lock or calls the Python API.
 */
#include "mem_hooks.h"

#include <Python.h>
#include <dlfcn.h>
#include <malloc.h>

#include "os.h"
#include "pycompat/pycompat.h"
#include "sample_slab.h"

/* Owner: ts_mem_api or ts_mem_attach set api and tls_offset once (GIL
 * held), ts_mem_start the rest (GIL held) before the wrappers are installed
 * or counting starts.  Read by the wrappers on any thread. */
static const ts_mem_api_t *api;
static ptrdiff_t tls_offset;
/* Owner: ts_mem_attach (GIL held): the library was attached for threads
 * only (--cpu-only); a memory attach must patch the rest. */
static int threads_only;
static int64_t alloc_mean; /* allocations at least this big are always sampled */
static const _Atomic uint8_t *filter; /* api->filter, cached */
/* Owner: ts_mem_start / ts_mem_stop (GIL held); read by the wrappers. */
static _Atomic int counting;
/* Owner: ts_mem_start (GIL held), which alone reads it. */
static int installed;
/* 1 if the RAW allocator under our wrapper is libc's (no debug hooks, which
 * put headers on blocks): only then may malloc_usable_size see its blocks.
 * Owner: install_domain (GIL held); read by the RAW wrappers. */
static int raw_is_libc;

/* Python's reallocations are counted by their growth, not their new size: a
 * list growing to 16 MB by 1/8 steps would otherwise "allocate" ~150 MB.
 * Only the RAW level knows the old size (its blocks come from libc, so
 * malloc_usable_size applies).  A MEM/OBJ realloc larger than pymalloc's
 * limit therefore marks the thread with REALLOC_MARK instead of counting,
 * and the RAW wrapper underneath counts the growth (or the fresh block when
 * pymalloc moves a small block to the heap) as Python bytes. */
#define PYMALLOC_LIMIT 512
#define REALLOC_MARK 0x10000u

typedef struct wrapped {
    PyMemAllocatorEx inner; /* the allocator we call */
} wrapped_t;

/* One per domain.  Owner: install_domain (GIL held); read-only afterwards. */
static wrapped_t wrapped_raw, wrapped_mem, wrapped_obj;

/* The calling thread's block in the preload's TLS.  Async-signal-safe. */
static inline ts_mem_tls_t *
tls(void)
{
    return (ts_mem_tls_t *)((char *)ts_os_thread_pointer() + tls_offset);
}

/* Counts an allocation that the outermost wrapper just completed. */
static inline void
count_alloc(ts_mem_tls_t *t, void *p, size_t n)
{
    if (p == NULL || t->depth != 0 || t->busy != 0
        || !atomic_load_explicit(&counting, memory_order_relaxed))
        return;
    t->alloc_countdown -= (int64_t)n;
    if (t->alloc_countdown <= 0 || (int64_t)n >= alloc_mean)
        api->sample_alloc(p, n, 1);
}

/* Every free pays one filter byte; only pointers whose byte is set (sampled
 * ones, and a few others sharing their hash) reach the preload's table.
 * Works whether or not counting is on (a sampled block freed after stop()
 * still leaves the table); NULL finds nothing there. */
static inline void
note_free(void *p)
{
    if (atomic_load_explicit(&filter[ts_mem_filter_index(p)], memory_order_relaxed))
        api->note_free(p);
}

static void *wrap_malloc(void *ctx, size_t n);

/* The rare sampled small allocation: a slot of the sample slab (so that its
 * free is recognised by address, see sample_slab.h), then record. */
static __attribute__((noinline)) void *
sampled_small_malloc(wrapped_t *w, size_t n)
{
    void *p = ts_slab_alloc();
    if (p == NULL)
        p = w->inner.malloc(w->inner.ctx, n);
    api->sample_alloc(p, n, 1);
    return p;
}

/* A sampled block of at most PYMALLOC_LIMIT bytes that calloc or realloc
 * already placed (in pymalloc, or a shrunk RAW block): moved into a slab
 * slot, or left where it is if the slab is full. */
static __attribute__((noinline)) void *
move_to_slab(wrapped_t *w, void *p, size_t n)
{
    void *slot = ts_slab_alloc();
    if (slot == NULL)
        return p;
    memcpy(slot, p, n);
    w->inner.free(w->inner.ctx, p);
    return slot;
}

/* count_alloc for the MEM and OBJ domains: a sampled block pymalloc would
 * hold goes to the slab.  Returns where the block now is. */
static inline void *
count_python_alloc(wrapped_t *w, ts_mem_tls_t *t, void *p, size_t n)
{
    if (p == NULL || t->depth != 0 || t->busy != 0
        || !atomic_load_explicit(&counting, memory_order_relaxed))
        return p;
    t->alloc_countdown -= (int64_t)n;
    if (t->alloc_countdown <= 0 || (int64_t)n >= alloc_mean) {
        if (n <= PYMALLOC_LIMIT)
            p = move_to_slab(w, p, n);
        api->sample_alloc(p, n, 1);
    }
    return p;
}

/* Takes a sampled small block off the books and gives its slot back. */
static __attribute__((noinline)) void
free_slab_block(void *p)
{
    api->note_free(p); /* before the slot can be handed out again */
    ts_slab_free(p);
}

/* realloc of a slab block (MEM/OBJ only: slab blocks never reach the RAW
 * domain): a fresh block of n bytes, counted like any allocation, gets the
 * contents. */
static __attribute__((noinline)) void *
realloc_slab_block(void *ctx, void *old, size_t n)
{
    void *p = wrap_malloc(ctx, n ? n : 1);
    if (p == NULL)
        return NULL; /* the old block stays valid, as realloc promises */
    memcpy(p, old, n < TS_SLAB_SLOT ? n : TS_SLAB_SLOT);
    free_slab_block(old);
    return p;
}

/* MEM and OBJ malloc.  Requests pymalloc serves itself (<= 512 bytes: the
 * overwhelming majority) make no nested allocator call, so they need no
 * depth bracket, and the countdown can be charged before the call, which
 * leaves the common path a tail call: compare, load, subtract, branch, jump.
 * (depth is 0 there, n is below the always-sample size, and the slow path
 * itself ignores NULL and busy threads.) */
static __attribute__((noinline)) void *
large_malloc(wrapped_t *w, size_t n)
{
    ts_mem_tls_t *t = tls();
    t->depth++;
    void *p = w->inner.malloc(w->inner.ctx, n);
    t->depth--;
    count_alloc(t, p, n);
    return p;
}

static void *
wrap_malloc(void *ctx, size_t n)
{
    wrapped_t *w = ctx;
    if (__builtin_expect(n > PYMALLOC_LIMIT, 0))
        return large_malloc(w, n);
    if (atomic_load_explicit(&counting, memory_order_relaxed)
        && (tls()->alloc_countdown -= (int64_t)n) <= 0)
        return sampled_small_malloc(w, n);
    return w->inner.malloc(w->inner.ctx, n);
}

/* Every domain's calloc.  RAW blocks stay where libc put them (libc's free
 * is watched by the preload); sampled small MEM/OBJ blocks go to the slab. */
static void *
wrap_calloc(void *ctx, size_t nelem, size_t elsize)
{
    wrapped_t *w = ctx;
    ts_mem_tls_t *t = tls();
    t->depth++;
    void *p = w->inner.calloc(w->inner.ctx, nelem, elsize);
    t->depth--;
    size_t n = nelem * elsize; /* no overflow: calloc succeeded */
    if (w == &wrapped_raw) {
        count_alloc(t, p, n);
        return p;
    }
    return count_python_alloc(w, t, p, n);
}

static void *
wrap_realloc(void *ctx, void *old, size_t n)
{
    wrapped_t *w = ctx;
    if (__builtin_expect(ts_slab_owns(old), 0))
        return realloc_slab_block(ctx, old, n);
    ts_mem_tls_t *t = tls();
    if (t->depth == 0)
        note_free(old); /* before the block can be reused by another thread */
    uint32_t step = n > PYMALLOC_LIMIT && t->depth == 0 ? REALLOC_MARK : 1;
    t->depth += step;
    void *p = w->inner.realloc(w->inner.ctx, old, n);
    t->depth -= step;
    if (step == 1)
        p = count_python_alloc(w, t, p, n);
    return p;
}

/* RAW domain: the same, plus the growth rule above, and no slab: RAW
 * blocks are libc's, and libc's free is watched by the preload. */
static void *
wrap_raw_malloc(void *ctx, size_t n)
{
    wrapped_t *w = ctx;
    ts_mem_tls_t *t = tls();
    uint32_t outer = t->depth;
    t->depth++;
    void *p = w->inner.malloc(w->inner.ctx, n);
    t->depth--;
    if (outer == REALLOC_MARK) {
        t->depth = 0; /* count as if outermost, then restore the mark */
        count_alloc(t, p, n);
        t->depth = outer;
    }
    else {
        count_alloc(t, p, n);
    }
    return p;
}

static void *
wrap_raw_realloc(void *ctx, void *old, size_t n)
{
    wrapped_t *w = ctx;
    ts_mem_tls_t *t = tls();
    uint32_t outer = t->depth;
    int counted_here = outer == 0 || outer == REALLOC_MARK;
    size_t before = 0;
    if (counted_here && old && raw_is_libc)
        before = malloc_usable_size(old);
    if (outer == 0)
        note_free(old);
    t->depth++;
    void *p = w->inner.realloc(w->inner.ctx, old, n);
    t->depth--;
    if (counted_here && p && n > before) {
        t->depth = 0;
        count_alloc(t, p, n - before);
        t->depth = outer;
    }
    return p;
}

/* Frees need no depth bracket: a nested free of the same block (pymalloc
 * handing a large block to the RAW domain, then libc) finds it already gone
 * from the sampled table. */
static __attribute__((noinline)) void
free_maybe_sampled(wrapped_t *w, void *p)
{
    api->note_free(p);
    w->inner.free(w->inner.ctx, p);
}

/* MEM and OBJ free.  A sampled block pymalloc would have served lives in
 * the sample slab; a larger one passes down to the RAW domain and libc,
 * which check it there.  So the common path is a range check and a tail
 * call; the filter is consulted only once the slab has overflowed. */
static void
wrap_free(void *ctx, void *p)
{
    wrapped_t *w = ctx;
    if (__builtin_expect(ts_slab_owns(p), 0)) {
        free_slab_block(p);
        return;
    }
    if (__builtin_expect(ts_slab_overflowed(), 0) && p != NULL
        && atomic_load_explicit(&filter[ts_mem_filter_index(p)], memory_order_relaxed)) {
        free_maybe_sampled(w, p);
        return;
    }
    w->inner.free(w->inner.ctx, p);
}

/* RAW free.  With libc underneath, the preload's free (reached through
 * LD_PRELOAD or the patched GOT) takes a sampled block off the books before
 * libc sees it, so there is nothing to do here; under another RAW allocator
 * (debug hooks), check the filter. */
static void
wrap_raw_free(void *ctx, void *p)
{
    wrapped_t *w = ctx;
    if (!raw_is_libc
        && atomic_load_explicit(&filter[ts_mem_filter_index(p)], memory_order_relaxed)) {
        free_maybe_sampled(w, p);
        return;
    }
    w->inner.free(w->inner.ctx, p);
}

static void
install_domain(PyMemAllocatorDomain domain, wrapped_t *w)
{
    PyMem_GetAllocator(domain, &w->inner);
    if (domain == PYMEM_DOMAIN_RAW)
        raw_is_libc = w->inner.ctx == NULL; /* the default has no context; debug hooks do */
    PyMemAllocatorEx outer = {w, wrap_malloc, wrap_calloc, wrap_realloc, wrap_free};
    if (domain == PYMEM_DOMAIN_RAW) {
        outer.malloc = wrap_raw_malloc;
        outer.realloc = wrap_raw_realloc;
        outer.free = wrap_raw_free;
    }
    PyMem_SetAllocator(domain, &outer);
}

/* The frame reader the preload calls on a sampled event: the calling
 * thread's own frames, read without allocating.  Async-signal-safe. */
int
ts_mem_capture_frames(ts_frame_t *out, int max)
{
    int truncated, top_opcode;
    PyThreadState *ts = ts_py_this_thread_state();
    if (ts == NULL)
        return 0;
    char here;
    ts_stack_bounds_t stack = {&here, NULL}; /* top unknown: entry frames are copied */
    return ts_py_read_frames(ts, out, max, &truncated, &top_opcode, &stack);
}

const ts_mem_api_t *
ts_mem_api(void)
{
    if (api == NULL) {
        const ts_mem_api_t *(*get)(void);
        *(void **)&get = dlsym(RTLD_DEFAULT, "triscope_preload_api");
        const ts_mem_api_t *a = get ? get() : NULL;
        if (a && a->abi_version == TS_MEM_ABI_VERSION) {
            tls_offset = a->tls_offset();
            api = a;
        }
    }
    return api;
}

const char *
ts_mem_attach(const char *path, int only_threads)
{
    if (ts_mem_api() != NULL) {
        if (!threads_only || only_threads)
            return NULL;
        if (api->attach() != 0)
            return "cannot patch the process's symbol tables on this platform";
        threads_only = 0;
        return NULL;
    }
    /* RTLD_LOCAL: the library's malloc & co must not join the global scope,
     * where objects loaded later would bind to them without the GOT check
     * got_patch.c makes.  Never closed: its hooks stay in the GOTs. */
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();
        return why ? why : "dlopen failed";
    }
    const ts_mem_api_t *(*get)(void);
    *(void **)&get = dlsym(handle, "triscope_preload_api");
    const ts_mem_api_t *a = get ? get() : NULL;
    if (a == NULL || a->abi_version != TS_MEM_ABI_VERSION)
        return "the preload library does not match this engine (rebuild triscope)";
    if ((only_threads ? a->attach_threads() : a->attach()) != 0)
        return "cannot patch the process's symbol tables on this platform";
    threads_only = only_threads;
    tls_offset = a->tls_offset();
    api = a;
    return NULL;
}

int
ts_mem_available(void)
{
    return ts_mem_api() != NULL && !threads_only;
}

int
ts_mem_start(uint64_t alloc_mean_bytes, uint64_t copy_mean_bytes)
{
    if (!ts_mem_available())
        return -1;
    alloc_mean = (int64_t)alloc_mean_bytes;
    filter = api->filter;
    api->configure(alloc_mean_bytes, copy_mean_bytes, ts_mem_capture_frames);
    if (!installed) {
        (void)ts_slab_init(); /* without it, sampled small blocks stay in pymalloc */
        install_domain(PYMEM_DOMAIN_RAW, &wrapped_raw);
        install_domain(PYMEM_DOMAIN_MEM, &wrapped_mem);
        install_domain(PYMEM_DOMAIN_OBJ, &wrapped_obj);
        installed = 1;
    }
    api->start();
    atomic_store(&counting, 1);
    return 0;
}

void
ts_mem_stop(void)
{
    if (!atomic_load(&counting))
        return;
    atomic_store(&counting, 0);
    api->stop();
}

void
ts_mem_busy_enter(void)
{
    if (api)
        tls()->busy++;
}

void
ts_mem_busy_leave(void)
{
    if (api)
        tls()->busy--;
}

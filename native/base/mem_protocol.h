/* mem_protocol.h -- the contract between the preload library and the
 * extension for memory and copy profiling.
 *
 * The preload library (native/preload, LD_PRELOAD'ed, never links libpython)
 * interposes malloc & co, memcpy/memmove and pthread_create.  The extension
 * (triscope._native) wraps Python's PyMem RAW/MEM/OBJ allocators.  Both feed
 * ONE byte-sampling stream per thread, kept in the preload's initial-exec
 * thread-local block (ts_mem_tls_t), which the extension reaches without a
 * function call: the block lies at the same offset from the thread pointer in
 * every thread (static TLS), so the extension asks once for that offset.
 *
 * Counting rule: an allocation is counted once, by the OUTERMOST hook that
 * sees it.  The extension's PyMem hooks increment `depth` around the call to
 * the real allocator, so the malloc that pymalloc makes underneath (depth > 0)
 * is not counted again, and allocations counted by the PyMem hooks are marked
 * "python".  Everything the preload counts at depth 0 is "native".
 *
 * Sampling (docs/design/interposition.md, "Sampling"): each thread's
 * countdown starts at an exponential draw with mean R bytes; each counted
 * allocation subtracts its size; when the countdown reaches <= 0 the
 * allocation is sampled with weight k * R, where k is the number of fresh
 * draws needed to make the countdown positive again (allocations >= R are
 * recorded at their exact size).  So the expected weight equals the size:
 * per-line sums are unbiased.  Copies (memcpy/memmove bytes) use a second
 * countdown the same way.
 *
 * Sampled allocations are remembered in a bounded lock-free table (pointer ->
 * weight) so their free is seen; a counting filter lets the free path skip
 * the table for the (vast majority of) unsampled pointers.
 *
 * Every sampled event (alloc, free of a sampled pointer, copy) is pushed into
 * one bounded multi-producer ring, in the order events happened, with the
 * allocating thread's raw Python frames captured by a callback the extension
 * registers (the frame reader the CPU sampler's signal handler uses: it
 * allocates nothing).  The drain (extension, GIL held) consumes the ring.
 *
 * Threads (ts_thread_watch_t): the preload's pthread_create hook runs first
 * in every new thread; once the extension registered a watch, it calls the
 * watch's on_start in the new thread before the user's start routine, and
 * on_end in the same thread when it ends (a pthread key destructor: after
 * the start routine returns, or pthread_exit, or cancellation).  The CPU
 * sampler registers threads there (native/extension/thread_life.h).  Memory
 * counting need not be on for this.
 */
#ifndef TRISCOPE_MEM_PROTOCOL_H
#define TRISCOPE_MEM_PROTOCOL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sample_ring.h" /* ts_frame_t */

#define TS_MEM_ABI_VERSION 3
#define TS_MEM_MAX_FRAMES 24

/* Per-thread state, in the preload's initial-exec TLS.  Only its own thread
 * reads or writes it. */
typedef struct ts_mem_tls {
    int64_t alloc_countdown; /* bytes until the next allocation sample */
    int64_t copy_countdown;  /* bytes until the next copy sample */
    uint32_t depth;          /* > 0 inside a PyMem hook: libc level does not count */
    uint32_t busy;           /* > 0 inside triscope itself: nothing counts */
    uint64_t rng;            /* xorshift state; 0 = not yet seeded */
    uint32_t generation;     /* sampling generation the countdowns belong to */
    uint32_t has_birth;      /* 1: birth_frames valid (thread made by pthread_create) */
    uint16_t n_birth_frames;
    ts_frame_t birth_frames[TS_MEM_MAX_FRAMES]; /* the creating thread's frames */
} ts_mem_tls_t;

enum ts_mem_event_kind {
    TS_MEM_EV_ALLOC = 1,
    TS_MEM_EV_FREE = 2, /* free of a sampled pointer */
    TS_MEM_EV_COPY = 3,
};

typedef struct ts_mem_event {
    uint8_t kind;         /* enum ts_mem_event_kind */
    uint8_t python;       /* ALLOC: counted by a PyMem hook */
    uint8_t birth;        /* frames are the creating thread's (native thread) */
    uint8_t pad;
    uint16_t n_frames;    /* 0: no Python frames at all (charge to <native>) */
    uint16_t pad2;
    uint32_t tid;         /* kernel thread id */
    uint64_t ptr;         /* ALLOC/FREE: the pointer */
    uint64_t weight;      /* estimated bytes this event stands for */
    uint64_t size;        /* ALLOC: requested size; COPY: bytes of this call */
    uint64_t wall_ns;     /* CLOCK_MONOTONIC */
    ts_frame_t frames[TS_MEM_MAX_FRAMES]; /* innermost first (FREE: none) */
} ts_mem_event_t;

/* Running totals kept by the preload (all bytes, not sampled). */
typedef struct ts_mem_counters {
    uint64_t events;          /* events pushed */
    uint64_t dropped_events;  /* ring full */
    uint64_t table_full;      /* sampled pointers that could not be remembered */
    uint64_t sampled_live;    /* sampled pointers currently remembered */
} ts_mem_counters_t;

/* What the most recent GOT sweep did (got_patch.c); all zero when the
 * library was preloaded. */
typedef struct ts_got_stats {
    uint64_t sweeps;     /* sweeps so far (not reset) */
    uint64_t objects;    /* objects examined by the last sweep */
    uint64_t seen;       /* relocation slots naming a hooked function */
    uint64_t patched;    /* ... redirected to our hook by this sweep */
    uint64_t already;    /* ... already ours */
    uint64_t foreign;    /* ... holding something else: left alone */
    uint64_t unwritable; /* ... in no writable place: left alone */
} ts_got_stats_t;

/* Reads the calling thread's frames (innermost first); returns the count.
 * Must allocate nothing.  Async-signal-safe. */
typedef int (*ts_mem_capture_fn)(ts_frame_t *out, int max);

/* The extension's thread callbacks (watch_threads below).  Both run in the
 * thread concerned, never in a signal handler, with busy > 0 (what they
 * allocate is not counted).
 *   on_start(birth, n): before the thread's start routine; birth are the
 *     creating thread's frames (n may be 0).  Returns a cookie for on_end,
 *     or NULL (then on_end is not called).
 *   on_end(cookie): as the thread ends. */
typedef struct ts_thread_watch {
    void *(*on_start)(const ts_frame_t *birth, int n_birth);
    void (*on_end)(void *cookie);
    ts_mem_capture_fn capture; /* the frame reader for birth frames */
} ts_thread_watch_t;

/* The preload library's interface, returned by triscope_preload_api()
 * (found by the extension with dlsym(RTLD_DEFAULT, "triscope_preload_api")
 * when preloaded, or with dlsym on the handle after dlopen'ing it). */
typedef struct ts_mem_api {
    uint32_t abi_version; /* TS_MEM_ABI_VERSION */

    /* Offset of the calling thread's ts_mem_tls_t from the thread pointer
     * (ts_os_thread_pointer, os.h: both sides read it with that one
     * function); the same for every thread. */
    ptrdiff_t (*tls_offset)(void);

    /* Sets mean sampling intervals (bytes) and the frame reader; call while
     * stopped.  A mean of 0 disables that kind of sampling.  capture may be
     * NULL (no frames).  It is called with busy > 0. */
    void (*configure)(uint64_t alloc_mean_bytes, uint64_t copy_mean_bytes,
                      ts_mem_capture_fn capture);

    /* Counting on/off.  start() begins a new generation: every thread
     * redraws its countdowns on its next allocation.  start() before any
     * configure() (or when the preload could not map its table and ring)
     * leaves counting off: check active().  A fork child starts with
     * counting off and an empty table and ring. */
    void (*start)(void);
    void (*stop)(void);
    int (*active)(void);

    /* Slow path of the extension's PyMem hooks, called when a counted
     * allocation made the countdown reach <= 0 OR its size is >= the
     * alloc_mean_bytes given to configure (countdown already reduced by
     * size; big allocations are always recorded, at their exact size, and
     * the preload gives their bytes back to the countdown).  Computes the
     * weight, redraws, remembers ptr, pushes the event.  If the thread's
     * generation is stale it redraws first and re-applies size (so the hook
     * need not check generations).  No-op when stopped, busy > 0 or ptr is
     * NULL. */
    void (*sample_alloc)(void *ptr, size_t size, int python);

    /* The extension's PyMem free hooks call this for every freed pointer
     * whose filter count is nonzero (see filter below), BEFORE calling the
     * real free (once freed, the address may be reallocated and sampled by
     * another thread).  Sampled pointers stay remembered across stop()/
     * start(): their FREE events come whenever the free happens. */
    void (*note_free)(void *ptr);

    /* Counting filter: filter[ts_mem_filter_index(ptr)] != 0 if ptr may be a
     * sampled pointer.  Read-only for the extension. */
    const _Atomic uint8_t *filter;

    /* Consumer side (one consumer: the drain).  peek returns the oldest
     * complete event or NULL; pop releases it. */
    const ts_mem_event_t *(*peek)(void);
    void (*pop)(void);

    void (*counters)(ts_mem_counters_t *out);

    /* Loaded into a running process (dlopen) rather than preloaded: makes
     * every loaded object, and those loaded later, call our hooks (see
     * got_patch.c).  0 on success or when preloaded, -1 if impossible.
     * Call once before configure/start; any thread. */
    int (*attach)(void);
    /* As attach, but patches only pthread_create and dlsym (thread watching
     * without memory profiling: --cpu-only).  attach() later adds the rest.
     * 0 on success or when preloaded, -1 if impossible. */
    int (*attach_threads)(void);
    /* Registers the thread callbacks (see ts_thread_watch_t), once: the
     * watch stays for the life of the process (the extension is never
     * unloaded; it decides in on_start whether to care).  w must stay valid.
     * Returns 0, or -1 if a pthread key cannot be made.  Any thread, not a
     * signal handler. */
    int (*watch_threads)(const ts_thread_watch_t *w);
    /* 1 if the library was preloaded, 0 if it was dlopen'ed. */
    int (*preloaded)(void);
    void (*got_stats)(ts_got_stats_t *out);
} ts_mem_api_t;

#define TS_MEM_FILTER_BITS 16

/* Index of a pointer in the counting filter. */
static inline size_t
ts_mem_filter_index(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p >> 4;
    x *= 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> (64 - TS_MEM_FILTER_BITS));
}

/* Exported by the preload library (default visibility, in its version
 * script).  Never returns NULL. */
const ts_mem_api_t *triscope_preload_api(void);

#endif

/* recorder.c -- the slow paths of memory and copy sampling, and the shared
 * state they write: the pointer table, the counting filter, the event ring
 * and the counters.
 *
 * Who runs here: any thread, from inside malloc/free/realloc (so nothing
 * here may call an interposed function by name or take a lock), from memcpy
 * (which a signal handler may call, so the copy path must be safe there),
 * and from the extension's PyMem hooks through the API.  Every slow path
 * raises the thread's `busy` so that whatever it touches (a memcpy the
 * compiler emitted, the capture callback's reads) is not counted, and saves
 * errno so a successful malloc never changes it.
 *
 * Order of effects, which the consumer relies on to pair ALLOC and FREE by
 * address: an ALLOC is pushed before malloc returns the pointer; a FREE is
 * pushed before the real free runs.  So the FREE of an address is always
 * reserved in the ring before any later ALLOC of the same address.
 *
 * If the ALLOC event cannot be pushed (ring full), the pointer is not
 * remembered either: a FREE the drain could not pair would only confuse it.
 *
 * Memory: table and ring live in one anonymous mapping made by the first
 * configure() (never malloc; nothing is mapped in processes that are never
 * profiled); the filter is a static array so its address is a constant of
 * the API.  A fork child gets fresh zero pages over the same addresses
 * (zero = empty for both structures) and starts with counting off.
 */
#define _GNU_SOURCE 1
#include "recorder.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <time.h>

#include "event_ring.h"
#include "os.h"
#include "ptr_table.h"

/* Owner: its own thread (recorder.h). */
__thread ts_mem_tls_t _ts_tls __attribute__((tls_model("initial-exec"), visibility("hidden")));

/* Kernel thread id of this thread, 0 = not yet asked.  Owner: its own
 * thread; reset by the fork child handler. */
static __thread __attribute__((tls_model("initial-exec"))) uint32_t cached_tid;

/* Owner: see their declarations in recorder.h. */
_Alignas(64) ts_ctl_t _ts_ctl;
_Alignas(4096) _Atomic uint8_t _ts_filter[1 << TS_MEM_FILTER_BITS];

/* Settings.  Owner: configure() writes them while stopped; read by the slow
 * paths. */
static _Atomic uint64_t alloc_mean;
static _Atomic uint64_t copy_mean;
static _Atomic(ts_mem_capture_fn) capture_fn;

/* Last generation handed out.  Owner: start() and the fork child bump it. */
static _Atomic uint32_t last_gen;

typedef struct region {
    ts_ptable_slot_t table[1u << TS_PTABLE_BITS];
    ts_evslot_t ring[1u << TS_EVRING_BITS];
} region_t;

/* The mapping; NULL until the first configure() publishes it (release),
 * after setting up table and ring.  region_claimed elects that configure.
 * Owner: that configure() (and the fork child handler, which maps over it);
 * read by every slow path. */
static _Atomic(region_t *) region;
static _Atomic int region_claimed;
/* Owner: region's publisher sets them up; the table is then changed by any
 * thread with CAS; the ring's head by producers, its tail by the drain. */
static ts_ptable_t table;
static ts_evring_t ring;

/* Running totals.  Owner: any thread adds, counters() reads, the fork child
 * zeroes them. */
static _Alignas(64) struct {
    _Atomic uint64_t events;
    _Atomic uint64_t dropped_events;
    _Atomic uint64_t table_full;
    _Atomic int64_t sampled_live;
} totals;

static uint32_t
current_tid(void)
{
    if (cached_tid == 0)
        cached_tid = (uint32_t)ts_os_thread_id();
    return cached_tid;
}

static uint64_t
now_ns(void)
{
    return ts_os_clock_ns(CLOCK_MONOTONIC);
}

static void
filter_increment(void *p)
{
    _Atomic uint8_t *b = &_ts_filter[ts_mem_filter_index(p)];
    uint8_t v = atomic_load_explicit(b, memory_order_relaxed);
    while (v != 255 && !atomic_compare_exchange_weak_explicit(b, &v, (uint8_t)(v + 1),
                                                              memory_order_relaxed,
                                                              memory_order_relaxed)) {
    }
}

static void
filter_decrement(void *p)
{
    _Atomic uint8_t *b = &_ts_filter[ts_mem_filter_index(p)];
    uint8_t v = atomic_load_explicit(b, memory_order_relaxed);
    while (v != 255 && v != 0 && !atomic_compare_exchange_weak_explicit(b, &v, (uint8_t)(v - 1),
                                                                        memory_order_relaxed,
                                                                        memory_order_relaxed)) {
    }
}

void
_ts_rec_redraw(ts_mem_tls_t *t, uint32_t gen)
{
    int saved = errno;
    t->busy++;
    if (t->rng == 0)
        _ts_bs_seed(&t->rng, now_ns() ^ ((uint64_t)current_tid() << 32) ^ (uint64_t)(uintptr_t)t);
    t->alloc_countdown = _ts_bs_draw(&t->rng, atomic_load_explicit(&alloc_mean, memory_order_relaxed));
    t->copy_countdown = _ts_bs_draw(&t->rng, atomic_load_explicit(&copy_mean, memory_order_relaxed));
    t->generation = gen;
    t->busy--;
    errno = saved;
}

void
_ts_rec_frames(ts_mem_tls_t *t, ts_frame_t *frames, uint16_t *n_frames, uint8_t *birth)
{
    ts_mem_capture_fn capture = atomic_load_explicit(&capture_fn, memory_order_acquire);
    int n = capture ? capture(frames, TS_MEM_MAX_FRAMES) : 0;
    if (n < 0)
        n = 0;
    if (n > TS_MEM_MAX_FRAMES)
        n = TS_MEM_MAX_FRAMES;
    *birth = 0;
    if (n == 0 && t->has_birth) {
        n = t->n_birth_frames;
        for (int i = 0; i < n; i++)
            frames[i] = t->birth_frames[i];
        *birth = 1;
    }
    *n_frames = (uint16_t)n;
}

/* Reserves an event and fills the common fields; NULL (counted) when full. */
static ts_mem_event_t *
begin_event(uint8_t kind, uint64_t *pos)
{
    ts_mem_event_t *e = _ts_evring_reserve(&ring, pos);
    if (!e) {
        atomic_fetch_add_explicit(&totals.dropped_events, 1, memory_order_relaxed);
        return NULL;
    }
    e->kind = kind;
    e->python = 0;
    e->birth = 0;
    e->pad = 0;
    e->n_frames = 0;
    e->pad2 = 0;
    e->tid = current_tid();
    e->ptr = 0;
    e->size = 0;
    e->wall_ns = now_ns();
    return e;
}

static void
end_event(uint64_t pos)
{
    _ts_evring_commit(&ring, pos);
    atomic_fetch_add_explicit(&totals.events, 1, memory_order_relaxed);
}

void
_ts_rec_alloc(ts_mem_tls_t *t, void *p, size_t size, int python)
{
    if (!atomic_load_explicit(&region, memory_order_acquire))
        return;
    int saved = errno;
    t->busy++;
    uint64_t w = _ts_bs_alloc_weight(&t->alloc_countdown, &t->rng, size,
                                     atomic_load_explicit(&alloc_mean, memory_order_relaxed));
    uint64_t pos;
    ts_mem_event_t *e = w ? begin_event(TS_MEM_EV_ALLOC, &pos) : NULL;
    if (e) {
        if (_ts_ptable_insert(&table, (uint64_t)(uintptr_t)p, w) == 0) {
            filter_increment(p);
            atomic_fetch_add_explicit(&totals.sampled_live, 1, memory_order_relaxed);
            if (!atomic_load_explicit(&_ts_ctl.table_used, memory_order_relaxed))
                atomic_store_explicit(&_ts_ctl.table_used, 1, memory_order_relaxed);
        }
        else {
            atomic_fetch_add_explicit(&totals.table_full, 1, memory_order_relaxed);
        }
        e->python = python ? 1 : 0;
        e->ptr = (uint64_t)(uintptr_t)p;
        e->weight = w;
        e->size = size;
        _ts_rec_frames(t, e->frames, &e->n_frames, &e->birth);
        end_event(pos);
    }
    t->busy--;
    errno = saved;
}

void
_ts_rec_free(void *p)
{
    if (!atomic_load_explicit(&region, memory_order_acquire))
        return;
    ts_mem_tls_t *t = &_ts_tls;
    int saved = errno;
    t->busy++;
    uint64_t w;
    if (_ts_ptable_remove(&table, (uint64_t)(uintptr_t)p, &w)) {
        filter_decrement(p);
        atomic_fetch_sub_explicit(&totals.sampled_live, 1, memory_order_relaxed);
        uint64_t pos;
        ts_mem_event_t *e = begin_event(TS_MEM_EV_FREE, &pos);
        if (e) {
            e->ptr = (uint64_t)(uintptr_t)p;
            e->weight = w;
            end_event(pos);
        }
    }
    t->busy--;
    errno = saved;
}

void
_ts_rec_copy(ts_mem_tls_t *t, size_t n)
{
    if (!atomic_load_explicit(&region, memory_order_acquire))
        return;
    int saved = errno;
    t->busy++;
    uint64_t mean = atomic_load_explicit(&copy_mean, memory_order_relaxed);
    uint64_t w = mean ? _ts_bs_crossing_weight(&t->copy_countdown, &t->rng, mean) : 0;
    uint64_t pos;
    ts_mem_event_t *e = w ? begin_event(TS_MEM_EV_COPY, &pos) : NULL;
    if (e) {
        e->weight = w;
        e->size = n;
        _ts_rec_frames(t, e->frames, &e->n_frames, &e->birth);
        end_event(pos);
    }
    t->busy--;
    errno = saved;
}

/* Maps the region (fresh zero pages; at `at` with MAP_FIXED when given). */
static region_t *
map_region(void *at)
{
    void *m = mmap(at, sizeof(region_t), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | (at ? MAP_FIXED : 0), -1, 0);
    return m == MAP_FAILED ? NULL : (region_t *)m;
}

int
_ts_rec_configure(uint64_t alloc_mean_bytes, uint64_t copy_mean_bytes, ts_mem_capture_fn capture)
{
    while (!atomic_load_explicit(&region, memory_order_acquire)) {
        int expected = 0;
        if (!atomic_compare_exchange_strong(&region_claimed, &expected, 1)) {
            sched_yield(); /* a concurrent configure is mapping it */
            continue;
        }
        int saved = errno;
        region_t *mine = map_region(NULL);
        errno = saved;
        if (!mine) {
            atomic_store(&region_claimed, 0);
            return -1;
        }
        _ts_ptable_init(&table, mine->table, TS_PTABLE_BITS);
        _ts_evring_init(&ring, mine->ring, TS_EVRING_BITS);
        atomic_store_explicit(&region, mine, memory_order_release);
    }
    atomic_store_explicit(&alloc_mean, alloc_mean_bytes, memory_order_relaxed);
    atomic_store_explicit(&copy_mean, copy_mean_bytes, memory_order_relaxed);
    atomic_store_explicit(&_ts_ctl.alloc_exact_min, alloc_mean_bytes ? alloc_mean_bytes : UINT64_MAX,
                          memory_order_relaxed);
    atomic_store_explicit(&capture_fn, capture, memory_order_release);
    return 0;
}

void
_ts_rec_set_capture(ts_mem_capture_fn capture)
{
    ts_mem_capture_fn none = NULL;
    atomic_compare_exchange_strong(&capture_fn, &none, capture);
}

void
_ts_rec_start(void)
{
    if (!atomic_load_explicit(&region, memory_order_acquire))
        return; /* never configured (or the mapping failed): stay off */
    uint32_t gen = atomic_fetch_add_explicit(&last_gen, 1, memory_order_relaxed) + 1;
    if (gen == 0)
        gen = atomic_fetch_add_explicit(&last_gen, 1, memory_order_relaxed) + 1;
    atomic_store_explicit(&_ts_ctl.active_gen, gen, memory_order_release);
}

void
_ts_rec_stop(void)
{
    atomic_store_explicit(&_ts_ctl.active_gen, 0, memory_order_release);
}

const ts_mem_event_t *
_ts_rec_peek(void)
{
    if (!atomic_load_explicit(&region, memory_order_acquire))
        return NULL;
    return _ts_evring_peek(&ring);
}

void
_ts_rec_pop(void)
{
    if (atomic_load_explicit(&region, memory_order_acquire))
        _ts_evring_pop(&ring);
}

void
_ts_rec_counters(ts_mem_counters_t *out)
{
    int64_t live = atomic_load_explicit(&totals.sampled_live, memory_order_relaxed);
    out->events = atomic_load_explicit(&totals.events, memory_order_relaxed);
    out->dropped_events = atomic_load_explicit(&totals.dropped_events, memory_order_relaxed);
    out->table_full = atomic_load_explicit(&totals.table_full, memory_order_relaxed);
    out->sampled_live = live > 0 ? (uint64_t)live : 0;
}

/* pthread_atfork child handler.  The child has one thread (this one), so
 * plain resets are safe.  It never feeds the parent's ring: counting stops,
 * table, ring, filter and counters start empty, and this thread's sampling
 * state is redrawn (with a reseeded generator) when counting restarts. */
static void
fork_child(void)
{
    atomic_store_explicit(&_ts_ctl.active_gen, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&last_gen, 1, memory_order_relaxed);
    ts_mem_tls_t *t = &_ts_tls;
    t->busy = 0;
    t->depth = 0;
    t->generation = 0;
    t->rng = 0;
    cached_tid = 0;
    region_t *r = atomic_load_explicit(&region, memory_order_relaxed);
    if (r && atomic_load_explicit(&_ts_ctl.table_used, memory_order_relaxed)) {
        for (size_t i = 0; i < sizeof _ts_filter; i++)
            atomic_store_explicit(&_ts_filter[i], 0, memory_order_relaxed);
    }
    if (r) {
        int saved = errno;
        if (map_region(r) == NULL) {
            /* Out of memory for fresh pages: empty the table by hand. */
            for (size_t i = 0; i < (1u << TS_PTABLE_BITS); i++)
                atomic_store_explicit(&r->table[i].key, 0, memory_order_relaxed);
            for (size_t i = 0; i < (1u << TS_EVRING_BITS); i++)
                atomic_store_explicit(&r->ring[i].seq, 0, memory_order_relaxed);
        }
        errno = saved;
        _ts_evring_init(&ring, r->ring, TS_EVRING_BITS);
    }
    atomic_store_explicit(&_ts_ctl.table_used, 0, memory_order_relaxed);
    atomic_store_explicit(&totals.events, 0, memory_order_relaxed);
    atomic_store_explicit(&totals.dropped_events, 0, memory_order_relaxed);
    atomic_store_explicit(&totals.table_full, 0, memory_order_relaxed);
    atomic_store_explicit(&totals.sampled_live, 0, memory_order_relaxed);
}

void
_ts_recorder_install_fork_handler(void)
{
    pthread_atfork(NULL, NULL, fork_child);
}

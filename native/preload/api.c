/* api.c -- owns the preload library's interface to the extension: the
 * ts_mem_api_t of mem_protocol.h, returned by triscope_preload_api().
 * Binding only: the work is in recorder.c. */
#include <stdatomic.h>

#include "got_patch.h"
#include "mem_protocol.h"
#include "os.h"
#include "real.h"
#include "recorder.h"

static ptrdiff_t
tls_offset(void)
{
    return (char *)&_ts_tls - (char *)ts_os_thread_pointer();
}

static void
configure(uint64_t alloc_mean_bytes, uint64_t copy_mean_bytes, ts_mem_capture_fn capture)
{
    (void)_ts_rec_configure(alloc_mean_bytes, copy_mean_bytes, capture);
}

static int
active(void)
{
    return atomic_load_explicit(&_ts_ctl.active_gen, memory_order_relaxed) != 0;
}

/* The extension's hook already subtracted size from a countdown that may
 * belong to an older generation: then draw fresh and subtract again. */
static void
sample_alloc(void *ptr, size_t size, int python)
{
    uint32_t gen = atomic_load_explicit(&_ts_ctl.active_gen, memory_order_relaxed);
    ts_mem_tls_t *t = &_ts_tls;
    if (gen == 0 || ptr == NULL || t->busy != 0)
        return;
    if (t->generation != gen) {
        _ts_rec_redraw(t, gen);
        t->alloc_countdown -= (int64_t)size;
    }
    _ts_rec_alloc(t, ptr, size, python);
}

static void
note_free(void *ptr)
{
    _ts_count_free(ptr);
}

/* Owner: constant; read by the extension. */
static const ts_mem_api_t api = {
    .abi_version = TS_MEM_ABI_VERSION,
    .tls_offset = tls_offset,
    .configure = configure,
    .start = _ts_rec_start,
    .stop = _ts_rec_stop,
    .active = active,
    .sample_alloc = sample_alloc,
    .note_free = note_free,
    .filter = _ts_filter,
    .peek = _ts_rec_peek,
    .pop = _ts_rec_pop,
    .counters = _ts_rec_counters,
    .attach = _ts_got_attach,
    .attach_threads = _ts_got_attach_threads,
    .watch_threads = _ts_birth_watch,
    .preloaded = _ts_real_preloaded,
    .got_stats = _ts_got_stats,
};

__attribute__((visibility("default"))) const ts_mem_api_t *
triscope_preload_api(void)
{
    return &api;
}

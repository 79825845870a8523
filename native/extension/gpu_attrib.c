/* gpu_attrib.c -- GPU readings charged to running lines (see gpu_attrib.h).
 * Owns the NVML-opened flag and the poll clock. */
#include "gpu_attrib.h"

#include <stdint.h>

#include "attrib.h"
#include "gpu_nvml.h"
#include "os.h"
#include "registry.h"
#include "sampler.h"

#define GPU_POLL_NS 200000000ULL /* NVML's own samples come every ~200 ms */

/* Owner: the drain, GIL held. */
static int gpu_on;           /* NVML opened by this session, devices seen */
static uint64_t gpu_poll_ns; /* CLOCK_MONOTONIC of the previous poll */

int
ts_gpu_attrib_open(void)
{
    gpu_on = ts_gpu_open() > 0;
    return gpu_on;
}

void
ts_gpu_attrib_restart_clock(void)
{
    gpu_poll_ns = ts_os_clock_ns(CLOCK_MONOTONIC);
}

/* Charges one reading to the line of thread state ts.  Returns 1, or 0 if
 * the thread is on no shown line. */
static int
charge(PyThreadState *ts, const ts_gpu_reading_t *r)
{
    ts_site_t site;
    if (!ts_attrib_thread_site(ts, &site))
        return 0;
    ts_agg_charge_gpu(site.file, site.func, site.line, r->util_percent, r->memory_mb);
    return 1;
}

void
ts_gpu_attrib_poll(PyThreadState *owner_tstate)
{
    if (!gpu_on)
        return;
    uint64_t now = ts_os_clock_ns(CLOCK_MONOTONIC);
    uint64_t elapsed = now - gpu_poll_ns;
    if (elapsed < GPU_POLL_NS)
        return;
    gpu_poll_ns = now;
    ts_gpu_reading_t r;
    int have = ts_gpu_poll(&r);
    int charged = 0;
    ts_thread_slot_t *owner = NULL;
    for (int i = 0; i < ts_slot_count; i++) {
        ts_thread_slot_t *s = ts_slots[i];
        if (s == NULL || !ts_registry_live(s))
            continue;
        uint64_t cpu = ts_os_clock_ns(s->cpu_clock);
        uint64_t used = cpu - s->gpu_cpu_ns;
        s->gpu_cpu_ns = cpu;
        if (s->tstate == (const void *)owner_tstate)
            owner = s;
        if (!have || cpu == 0 || used < elapsed / 10)
            continue;
        charged |= charge((PyThreadState *)s->tstate, &r);
    }
    if (have && !charged && owner)
        charge((PyThreadState *)owner->tstate, &r);
}

void
ts_gpu_attrib_close(void)
{
    if (gpu_on)
        ts_gpu_close();
    gpu_on = 0;
}

void
ts_gpu_attrib_after_fork_child(void)
{
    if (gpu_on)
        ts_gpu_forget();
    gpu_on = 0;
}

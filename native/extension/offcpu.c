/* offcpu.c -- off-CPU time of live threads (see offcpu.h).  Owns no state. */
#include "offcpu.h"

#include "attrib.h"
#include "os.h"

void
ts_offcpu_charge(ts_thread_slot_t *s, int virtual_time)
{
    uint64_t cpu = ts_os_clock_ns(s->cpu_clock);
    uint64_t wall = ts_os_clock_ns(CLOCK_MONOTONIC);
    if (cpu == 0)
        return; /* the thread is gone */
    int64_t off = (int64_t)(wall - s->drain_wall_ns) - (int64_t)(cpu - s->drain_cpu_ns);
    s->drain_cpu_ns = cpu;
    s->drain_wall_ns = wall;
    if (off <= 0 || virtual_time)
        return;
    ts_site_t site;
    if (ts_attrib_thread_site((PyThreadState *)s->tstate, &site))
        ts_agg_charge(site.file, site.func, site.line, TS_CHARGE_SYSTEM, (uint64_t)off);
}

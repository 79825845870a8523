/* mem_drain.c -- sampled memory events into the memory statistics (see
 * mem_drain.h).  Owns no state. */
#include "mem_drain.h"

#include "attrib.h"
#include "mem_hooks.h"
#include "mem_stats.h"

/* Most memory events one drain pass consumes. */
#define MAX_EVENTS_PER_PASS (1 << 18)

void
ts_mem_drain_pass(void)
{
    const ts_mem_api_t *api = ts_mem_api();
    if (!api)
        return;
    const ts_mem_event_t *ev;
    for (int n = 0; n < MAX_EVENTS_PER_PASS && (ev = api->peek()) != NULL; n++) {
        double t = (double)ev->wall_ns * 1e-9;
        if (ev->kind == TS_MEM_EV_FREE) {
            ts_mem_stats_free_ptr(ev->ptr, t);
        }
        else {
            ts_site_t site = {TS_SITE_NATIVE, -1, 0};
            if (ev->n_frames > 0 && !ts_attrib_innermost(ev->frames, ev->n_frames, &site))
                site.file = TS_SITE_UNATTRIBUTED;
            if (ev->kind == TS_MEM_EV_ALLOC)
                ts_mem_stats_alloc(site.file, site.func, site.line, ev->ptr, ev->weight,
                                   ev->python, t);
            else if (ev->kind == TS_MEM_EV_COPY)
                ts_mem_stats_copy(site.file, site.func, site.line, ev->weight);
        }
        api->pop();
    }
}

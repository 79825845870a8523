/* attrib.c -- charging raw frames to shown lines (see attrib.h).  Owns no
 * state. */
#include "attrib.h"

#include "pycompat/pycompat.h"
#include "resolve.h"

int
ts_attrib_innermost(const ts_frame_t *frames, int n, ts_site_t *site)
{
    for (int i = 0; i < n; i++) {
        ts_code_ref_t ref;
        if (ts_resolve_code(&frames[i], &ref) < 0 || !ref.shown)
            continue;
        site->file = ref.file;
        site->func = ref.func;
        site->line = ts_resolve_line(&frames[i]);
        return 1;
    }
    return 0;
}

void
ts_attrib_charge(const ts_frame_t *frames, int n, enum ts_charge_kind kind, uint64_t ns)
{
    ts_site_t site;
    if (ts_attrib_innermost(frames, n, &site))
        ts_agg_charge(site.file, site.func, site.line, kind, ns);
    else if (kind != TS_CHARGE_SYSTEM)
        ts_agg_charge_unattributed(ns);
}

int
ts_attrib_thread_site(PyThreadState *ts, ts_site_t *site)
{
    ts_frame_t frames[TS_MAX_FRAMES];
    int truncated, top_opcode;
    int n = ts_py_read_frames(ts, frames, TS_MAX_FRAMES, &truncated, &top_opcode, NULL);
    return ts_attrib_innermost(frames, n, site);
}

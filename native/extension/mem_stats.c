/* mem_stats.c -- see mem_stats.h.
 *
 * Leak rule.  A line is reported as a leak when all of these hold:
 *   - the footprint grew over the run (growth_rate >= 1 %);
 *   - by the rule of succession over its sampled allocations and matched
 *     frees, likelihood = 1 - (frees + 1) / (allocs - frees + 2) >= 0.95;
 *   - what it still holds at the end is at least 1 % of the peak footprint;
 *   - its live bytes rose over time (its timeline has at least four points
 *     and ends above 1.2 times the mean of its first half).
 * A line that allocates and frees (churn) fails the second test; a single
 * big allocation kept to the end fails it too (one sample cannot reach
 * 0.95); a growing container passes all four.
 */
#include "mem_stats.h"

#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "hashmap.h"
#include "timeline.h"

#define MB (1024.0 * 1024.0)

typedef struct site {
    int file, func, line;
    double alloc_b, python_b, copy_b, live_b, peak_b;
    uint64_t allocs, frees;
    double first_t, last_alloc_t;
    ts_timeline_t timeline; /* live MB over time */
} site_t;

/* Owner: the GIL holder (the drain pass and the model builder). */
static site_t *sites;
static size_t n_sites, cap_sites;
static ts_hashmap_t site_index;   /* (file, line) -> site + 1 */
static ts_hashmap_t live_ptrs;    /* (ptr, 0) -> site << 40 | weight */
static double start_s;
static double footprint_b, python_live_b, max_footprint_b, max_python_b;
static int max_site = -1;
static uint64_t events;
static ts_timeline_t footprint_tl;

void
ts_mem_stats_free(void)
{
    free(sites);
    sites = NULL;
    n_sites = cap_sites = 0;
    ts_hashmap_clear(&site_index);
    ts_hashmap_clear(&live_ptrs);
}

void
ts_mem_stats_reset(double start_mono_s)
{
    ts_mem_stats_free();
    start_s = start_mono_s;
    footprint_b = python_live_b = max_footprint_b = max_python_b = 0;
    max_site = -1;
    events = 0;
    ts_timeline_init(&footprint_tl);
}

static site_t *
site_for(int file, int func, int line)
{
    uint64_t idx;
    uint64_t k1 = (uint64_t)(int64_t)file, k2 = (uint64_t)(uint32_t)line;
    if (ts_hashmap_get(&site_index, k1, k2, &idx))
        return &sites[idx - 1];
    if (n_sites == cap_sites) {
        size_t cap = cap_sites ? cap_sites * 2 : 64;
        site_t *p = realloc(sites, cap * sizeof *p);
        if (!p)
            return NULL;
        sites = p;
        cap_sites = cap;
    }
    if (ts_hashmap_put(&site_index, k1, k2, n_sites + 1) < 0)
        return NULL;
    site_t *s = &sites[n_sites++];
    memset(s, 0, sizeof *s);
    s->file = file;
    s->func = func;
    s->line = line;
    s->first_t = -1;
    ts_timeline_init(&s->timeline);
    return s;
}

void
ts_mem_stats_alloc(int file, int func, int line, uint64_t ptr, uint64_t weight,
                   int python, double t)
{
    site_t *s = site_for(file, func, line);
    if (!s)
        return;
    double rel = t - start_s, w = (double)weight;
    events++;
    s->alloc_b += w;
    if (python)
        s->python_b += w;
    s->allocs++;
    if (s->first_t < 0)
        s->first_t = rel;
    s->last_alloc_t = rel;
    s->live_b += w;
    if (s->live_b > s->peak_b)
        s->peak_b = s->live_b;
    ts_timeline_add(&s->timeline, rel, s->live_b / MB);
    footprint_b += w;
    if (python)
        python_live_b += w;
    if (footprint_b > max_footprint_b) {
        max_footprint_b = footprint_b;
        max_python_b = python_live_b;
        max_site = (int)(s - sites);
    }
    ts_timeline_add(&footprint_tl, rel, footprint_b / MB);
    /* weights are < 2^40 bytes (1 TiB) in practice; larger ones saturate */
    uint64_t wb = weight < (1ull << 40) ? weight : (1ull << 40) - 1;
    uint64_t packed = ((uint64_t)python << 63) | ((uint64_t)(s - sites) << 40) | wb;
    ts_hashmap_put(&live_ptrs, ptr, 0, packed);
}

void
ts_mem_stats_free_ptr(uint64_t ptr, double t)
{
    uint64_t packed;
    if (!ts_hashmap_del(&live_ptrs, ptr, 0, &packed))
        return; /* allocated before profiling started, or never seen */
    int python = (int)(packed >> 63);
    site_t *s = &sites[(packed >> 40) & 0x7FFFFF];
    double w = (double)(packed & ((1ull << 40) - 1)), rel = t - start_s;
    events++;
    s->frees++;
    s->live_b -= w;
    if (s->live_b < 0)
        s->live_b = 0;
    ts_timeline_add(&s->timeline, rel, s->live_b / MB);
    footprint_b -= w;
    if (python)
        python_live_b -= w;
    if (footprint_b < 0)
        footprint_b = 0;
    ts_timeline_add(&footprint_tl, rel, footprint_b / MB);
}

void
ts_mem_stats_copy(int file, int func, int line, uint64_t weight)
{
    site_t *s = site_for(file, func, line);
    if (s)
        s->copy_b += (double)weight;
}

/* The timeline's second half ends above the first half's mean. */
static int
rose_over_time(const ts_timeline_t *tl)
{
    if (tl->n < 4)
        return 0;
    double first = 0;
    size_t half = tl->n / 2;
    for (size_t i = 0; i < half; i++)
        first += tl->points[i].mb;
    first /= (double)half;
    return tl->points[tl->n - 1].mb > first * 1.2;
}

static double
leak_likelihood(const site_t *s, double growth_rate)
{
    if (growth_rate < 1.0 || s->allocs < s->frees)
        return 0;
    double l = 1.0 - ((double)s->frees + 1.0) / ((double)(s->allocs - s->frees) + 2.0);
    if (l < 0.95 || s->live_b < 0.01 * max_footprint_b || !rose_over_time(&s->timeline))
        return 0;
    return l;
}

int
ts_mem_stats_fill_model(ts_model_t *m, double elapsed_s)
{
    m->memory = 1;
    m->alloc_samples = events;
    m->max_footprint_mb = max_footprint_b / MB;
    m->max_footprint_python_fraction = max_footprint_b > 0 ? max_python_b / max_footprint_b : 0;
    double start_mb = footprint_tl.n ? footprint_tl.points[0].mb : 0;
    m->growth_rate = max_footprint_b > 0 ? 100.0 * (footprint_b / MB - start_mb) / (max_footprint_b / MB) : 0;
    if (m->growth_rate < 0)
        m->growth_rate = 0;
    free(m->footprint);
    m->footprint = ts_timeline_copy(&footprint_tl, &m->n_footprint);
    for (size_t i = 0; i < n_sites; i++) {
        site_t *s = &sites[i];
        if (s->file == TS_SITE_NATIVE) {
            m->native_allocations_mb += s->alloc_b / MB;
            continue;
        }
        const char *path = ts_agg_file_path(s->file);
        if (s->file < 0 || !path)
            continue;
        ts_model_file_t *mf = ts_model_add_file(m, path, s->line);
        ts_model_line_t *ml = mf ? ts_model_line(mf, s->line) : NULL;
        if (!ml)
            return -1;
        ts_stats_t st;
        memset(&st, 0, sizeof st);
        st.malloc_mb = s->alloc_b / MB;
        st.python_mb = s->python_b / MB;
        st.peak_mb = s->peak_b / MB;
        st.copy_mb = s->copy_b / MB;
        st.n_mallocs = s->allocs;
        ts_stats_add(&ml->st, &st);
        free(ml->timeline);
        ml->timeline = ts_timeline_copy(&s->timeline, &ml->n_timeline);
        ml->leak_likelihood = leak_likelihood(s, m->growth_rate);
        if (ml->leak_likelihood > 0) {
            double span = s->last_alloc_t - s->first_t;
            ml->leak_velocity_mb_s = span > 0 ? s->live_b / MB / span : 0;
        }
        if ((int)i == max_site) {
            ts_model_set_string(&m->max_footprint_fname, path);
            m->max_footprint_lineno = s->line;
        }
        if (s->func >= 0) {
            const char *name;
            int first;
            ts_agg_function_info(s->func, &name, &first);
            ts_model_function_t *fn = ts_model_function(mf, name, first);
            if (!fn)
                return -1;
            ts_stats_add(&fn->st, &st);
            if (s->line > fn->last_lineno)
                fn->last_lineno = s->line;
        }
    }
    (void)elapsed_s;
    return 0;
}

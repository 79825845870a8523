/* byte_sampler.c -- owns the weights and gaps of the byte sampler; see
 * byte_sampler.h for the model and the contracts.  Arithmetic and rng.c
 * only, so that a signal handler may call any of it. */
#include "byte_sampler.h"

#include "rng.h"

/* Beyond this many mean gaps of overshoot (a copy of gigabytes), whole gaps
 * of exactly `mean` are skipped arithmetically instead of drawn one by one:
 * the expected count is the same and the loop stays short. */
#define SKIP_AFTER_GAPS 64

void
_ts_bs_seed(uint64_t *rng_state, uint64_t seed)
{
    ts_rng_t r;
    ts_rng_seed(&r, seed);
    *rng_state = r.state;
}

int64_t
_ts_bs_draw(uint64_t *rng_state, uint64_t mean)
{
    if (mean == 0)
        return INT64_MAX;
    if (mean > (uint64_t)INT64_MAX / 32)
        mean = (uint64_t)INT64_MAX / 32; /* the 16x clamp must fit */
    ts_rng_t r = {*rng_state};
    uint64_t gap = ts_rng_exponential_ns(&r, mean);
    *rng_state = r.state;
    return gap ? (int64_t)gap : 1;
}

uint64_t
_ts_bs_crossing_weight(int64_t *countdown, uint64_t *rng_state, uint64_t mean)
{
    int64_t c = *countdown;
    uint64_t k = 0;
    if (mean <= (uint64_t)INT64_MAX / SKIP_AFTER_GAPS
        && c < -(int64_t)(SKIP_AFTER_GAPS * mean)) {
        uint64_t whole = (uint64_t)(-(c + 1)) / mean; /* c + 1: no overflow at INT64_MIN */
        k += whole;
        c += (int64_t)(whole * mean);
    }
    while (c <= 0) {
        c += _ts_bs_draw(rng_state, mean);
        k++;
    }
    *countdown = c;
    return k * mean;
}

uint64_t
_ts_bs_alloc_weight(int64_t *countdown, uint64_t *rng_state, uint64_t size, uint64_t mean)
{
    if (mean == 0)
        return 0;
    if (size >= mean) {
        *countdown += (int64_t)size;
        return size;
    }
    if (*countdown > 0)
        return 0;
    return _ts_bs_crossing_weight(countdown, rng_state, mean);
}

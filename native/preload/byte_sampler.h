/* byte_sampler.h -- unbiased Poisson sampling of a byte stream.
 *
 * Problem: charge every allocated (or copied) byte to a line while looking at
 * only a few allocations.  Model (docs/design/interposition.md, "Sampling"):
 * the bytes a thread allocates form one stream, sampled at the points of a
 * Poisson process with mean gap R.  A per-thread countdown holds the distance
 * to the next point; each allocation subtracts its size; when the countdown
 * reaches <= 0 the allocation covered k >= 1 points, where k is the number of
 * fresh exponential gaps needed to make the countdown positive again, and it
 * is recorded with weight k * R.  E[k * R] = size, so per-site sums are
 * unbiased whatever the size mix.
 *
 * Allocations of at least R bytes are taken out of the stream: they are
 * always recorded at their exact size (no variance where it would hurt most:
 * one big array on a line) and leave the countdown untouched.  Copies use
 * the crossing rule only (a second countdown with its own mean).
 *
 * Example, R = 64 KiB: 40 allocations of 3000 B walk a 100 KiB countdown
 * down to -17 KiB on the 40th; one fresh gap of 50 KiB makes it +33 KiB, so
 * k = 1 and the 40th allocation is recorded as 64 KiB.
 *
 * Pure functions of their arguments: no globals, no locks, no allocation.
 * Gaps come from rng.c (xorshift + libm-free log), clamped there to
 * [R/64, 16 R]; the clamp shifts the mean gap by 0.012%, which is noise.
 */
#ifndef TRISCOPE_PRELOAD_BYTE_SAMPLER_H
#define TRISCOPE_PRELOAD_BYTE_SAMPLER_H

#include <stdint.h>

/* A gap of mean `mean` bytes drawn from *rng_state (seeded by the caller,
 * never 0).  mean == 0 means "never": INT64_MAX.  Async-signal-safe. */
int64_t _ts_bs_draw(uint64_t *rng_state, uint64_t mean);

/* Seeds *rng_state from `seed` (any value).  Async-signal-safe. */
void _ts_bs_seed(uint64_t *rng_state, uint64_t seed);

/* Weight of the crossing rule.  Pre: *countdown <= 0 and mean > 0.  Draws
 * fresh gaps until *countdown > 0 and returns (gaps drawn) * mean.
 * Async-signal-safe. */
uint64_t _ts_bs_crossing_weight(int64_t *countdown, uint64_t *rng_state, uint64_t mean);

/* Weight of an allocation of `size` bytes already subtracted from
 * *countdown: size itself when size >= mean (and the subtraction is undone),
 * the crossing weight when *countdown <= 0, else 0 (not sampled).  mean == 0
 * disables sampling (returns 0).  Async-signal-safe. */
uint64_t _ts_bs_alloc_weight(int64_t *countdown, uint64_t *rng_state, uint64_t size,
                             uint64_t mean);

/* The fast-path test shared by the malloc hooks and the tests: subtracts
 * size and says whether the slow path (_ts_bs_alloc_weight) must run.
 * exact_min is mean, or UINT64_MAX when sampling is disabled.  Called from
 * malloc. */
static inline int
_ts_bs_alloc_due(int64_t *countdown, uint64_t size, uint64_t exact_min)
{
    *countdown -= (int64_t)size;
    return *countdown <= 0 || size >= exact_min;
}

#endif

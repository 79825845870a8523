/* rng.h -- a tiny per-owner random generator and exponential draws.
 *
 * Sampling intervals are drawn from an exponential distribution so that
 * samples form a Poisson process and cannot alias with periodic program
 * behaviour.  The draw runs inside the sampling signal handler, so it must be
 * safe in a signal handler: no libm (its error paths may touch errno or locks in
 * exotic builds), no locks, no globals.  Each ts_rng_t has exactly one owner
 * (one thread's handler, or the drain thread).
 */
#ifndef TRISCOPE_RNG_H
#define TRISCOPE_RNG_H

#include <stdint.h>

typedef struct ts_rng {
    uint64_t state; /* never 0 */
} ts_rng_t;

/* Seeds the generator; any seed works (0 is remapped). */
void ts_rng_seed(ts_rng_t *r, uint64_t seed);

/* Next 64 random bits (xorshift64*).  Async-signal-safe. */
uint64_t ts_rng_next(ts_rng_t *r);

/* Uniform double in (0, 1].  Async-signal-safe. */
double ts_rng_unit(ts_rng_t *r);

/* Natural logarithm of x > 0, without libm (relative error < 1e-12).
 * Async-signal-safe. */
double ts_log(double x);

/* An exponential draw with the given mean, clamped to [mean/64, mean*16]
 * so that a timer is never armed for ~0 or for absurdly long.
 * Async-signal-safe. */
uint64_t ts_rng_exponential_ns(ts_rng_t *r, uint64_t mean_ns);

#endif

/* rng.c -- xorshift64* and a libm-free logarithm for exponential draws.
 * Every function is Async-signal-safe. (rng.h says why it must stay so.) */
#include "rng.h"

#include <string.h>

void
ts_rng_seed(ts_rng_t *r, uint64_t seed)
{
    /* splitmix64 step so that nearby seeds give unrelated streams */
    uint64_t z = seed + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    r->state = z ? z : 0x2545F4914F6CDD1Dull;
}

uint64_t
ts_rng_next(ts_rng_t *r)
{
    uint64_t x = r->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

double
ts_rng_unit(ts_rng_t *r)
{
    /* 53 random bits, shifted into (0, 1] */
    return ((double)(ts_rng_next(r) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

double
ts_log(double x)
{
    /* x = m * 2^e with m in [1, 2): read the IEEE-754 fields directly. */
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int e = (int)((bits >> 52) & 0x7FF) - 1023;
    bits = (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull;
    double m;
    memcpy(&m, &bits, sizeof m);
    if (m > 1.4142135623730951) { /* keep s small: m in [0.707, 1.414) */
        m *= 0.5;
        e += 1;
    }
    /* ln(m) = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172 */
    double s = (m - 1.0) / (m + 1.0);
    double s2 = s * s;
    double term = s, sum = 0.0;
    for (int k = 1; k < 40; k += 2) {
        sum += term / k;
        term *= s2;
    }
    return 2.0 * sum + e * 0.6931471805599453;
}

uint64_t
ts_rng_exponential_ns(ts_rng_t *r, uint64_t mean_ns)
{
    double d = -ts_log(ts_rng_unit(r)) * (double)mean_ns;
    double lo = (double)mean_ns / 64.0, hi = (double)mean_ns * 16.0;
    if (d < lo)
        d = lo;
    if (d > hi)
        d = hi;
    return (uint64_t)d;
}

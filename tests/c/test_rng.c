/* Unit tests for rng.h: the libm-free logarithm, exponential draws and
 * seeding. */
#include "check.h"
#include "rng.h"

static void
test_log_matches_libm(void)
{
    double xs[] = {1e-300, 1e-9, 0.001, 0.5, 0.7071, 1.0, 1.5, 2.0, 10.0, 12345.678, 1e300};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        CHECK_NEAR(ts_log(xs[i]), log(xs[i]), 1e-12 * fabs(log(xs[i])) + 1e-15);
}

static void
test_exponential_mean_and_spread(void)
{
    ts_rng_t r;
    ts_rng_seed(&r, 42);
    const uint64_t mean = 10000000; /* 10 ms */
    double sum = 0, sumsq = 0;
    const int n = 200000;
    int out_of_range = 0;
    for (int i = 0; i < n; i++) {
        double d = (double)ts_rng_exponential_ns(&r, mean);
        out_of_range += !(d >= mean / 64.0 && d <= mean * 16.0);
        sum += d;
        sumsq += d * d;
    }
    CHECK(out_of_range == 0);
    double m = sum / n, sd = sqrt(sumsq / n - m * m);
    /* clamping shifts the mean by < 2%; an exponential has sd == mean */
    CHECK_NEAR(m / mean, 1.0, 0.03);
    CHECK_NEAR(sd / mean, 1.0, 0.05);
}

static void
test_rng_seeds_differ(void)
{
    ts_rng_t a, b;
    ts_rng_seed(&a, 1);
    ts_rng_seed(&b, 2);
    CHECK(ts_rng_next(&a) != ts_rng_next(&b));
    ts_rng_seed(&a, 0);
    CHECK(a.state != 0);
}

int
main(void)
{
    RUN(test_log_matches_libm);
    RUN(test_exponential_mean_and_spread);
    RUN(test_rng_seeds_differ);
    return CHECK_SUMMARY();
}

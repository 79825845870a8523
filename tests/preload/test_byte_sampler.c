/* Tests of native/preload/byte_sampler.c: gap distribution and the
 * unbiasedness of the weights over realistic size mixes, running the same
 * fast-path test (_ts_bs_alloc_due) the malloc hook runs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "byte_sampler.h"
#include "check.h"

static void
test_draw_mean(void)
{
    uint64_t rng;
    _ts_bs_seed(&rng, 42);
    const uint64_t mean = 64 * 1024;
    double sum = 0;
    int64_t lo = INT64_MAX, hi = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        int64_t g = _ts_bs_draw(&rng, mean);
        sum += (double)g;
        lo = g < lo ? g : lo;
        hi = g > hi ? g : hi;
    }
    double m = sum / n / (double)mean;
    printf("  gap mean / R = %.4f (min %lld, max %lld)\n", m, (long long)lo, (long long)hi);
    CHECK_NEAR(m, 1.0, 0.01);
    CHECK(lo >= (int64_t)(mean / 64));
    CHECK(hi <= (int64_t)(mean * 16));
    CHECK(_ts_bs_draw(&rng, 0) == INT64_MAX);
}

static void
test_crossing_weight(void)
{
    uint64_t rng;
    _ts_bs_seed(&rng, 7);
    int64_t c = -1;
    uint64_t w = _ts_bs_crossing_weight(&c, &rng, 1000);
    CHECK(c > 0);
    CHECK(w >= 1000 && w % 1000 == 0);
    /* a 1 GB overshoot at R = 4 KiB: skips whole gaps, stays unbiased */
    double total = 0;
    for (int i = 0; i < 200; i++) {
        c = -1000000000;
        total += (double)_ts_bs_crossing_weight(&c, &rng, 4096);
        CHECK(c > 0);
    }
    CHECK_NEAR(total / 200 / 1e9, 1.0, 0.01);
    /* allocations >= R: exact, countdown untouched */
    c = 500;
    int due = _ts_bs_alloc_due(&c, 5000, 4096);
    CHECK(due);
    CHECK(_ts_bs_alloc_weight(&c, &rng, 5000, 4096) == 5000);
    CHECK(c == 500);
    /* not crossed, small: not sampled */
    c = 500;
    CHECK(!_ts_bs_alloc_due(&c, 100, 4096));
    CHECK(_ts_bs_alloc_weight(&c, &rng, 100, 4096) == 0 && c == 400);
    /* sampling disabled */
    c = -5;
    CHECK(_ts_bs_alloc_weight(&c, &rng, 100, 0) == 0);
}

#define CLASSES 4

/* 2M allocations cycling through 4 size classes; returns estimated/true
 * bytes in total and per class. */
static double
simulate(uint64_t mean, uint64_t seed, double ratio[CLASSES], double true_bytes[CLASSES])
{
    uint64_t rng, sizes_rng;
    _ts_bs_seed(&rng, seed);
    _ts_bs_seed(&sizes_rng, seed * 31 + 1);
    double est[CLASSES] = {0}, tru[CLASSES] = {0};
    int64_t countdown = _ts_bs_draw(&rng, mean);
    for (int i = 0; i < 2000000; i++) {
        int k = i % CLASSES;
        uint64_t size;
        switch (k) {
        case 0: size = 48; break;
        case 1: size = 3000; break;
        case 2:
            sizes_rng = sizes_rng * 6364136223846793005ull + 1442695040888963407ull;
            size = 1 + (sizes_rng >> 33) % 9000;
            break;
        default: size = (i % 400 == 3) ? (1u << 20) : 200; break; /* rare 1 MiB among 200 B */
        }
        tru[k] += (double)size;
        if (_ts_bs_alloc_due(&countdown, size, mean))
            est[k] += (double)_ts_bs_alloc_weight(&countdown, &rng, size, mean);
    }
    double te = 0, tt = 0;
    for (int k = 0; k < CLASSES; k++) {
        ratio[k] = est[k] / tru[k];
        true_bytes[k] = tru[k];
        te += est[k];
        tt += tru[k];
    }
    return te / tt;
}

static void
check_accuracy(uint64_t mean, double total_tol)
{
    double ratio[CLASSES], bytes[CLASSES];
    double worst = 0;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        double total = simulate(mean, seed, ratio, bytes);
        printf("  R=%4llu KiB seed %llu: total est/true %.4f; per class (48 B, 3000 B, 1..9000 B, "
               "200 B + 1 MiB): %.3f %.3f %.3f %.3f\n",
               (unsigned long long)(mean / 1024), (unsigned long long)seed, total, ratio[0], ratio[1],
               ratio[2], ratio[3]);
        CHECK_NEAR(total, 1.0, total_tol);
        for (int k = 0; k < CLASSES; k++) {
            /* relative error of a class ~ sqrt(R / bytes): allow 4 sigma */
            double tol = 4.0 * sqrt((double)mean / bytes[k]);
            CHECK_NEAR(ratio[k], 1.0, tol > total_tol ? tol : total_tol);
        }
        worst = fabs(total - 1.0) > worst ? fabs(total - 1.0) : worst;
    }
    printf("  R=%llu KiB: worst total error %.2f%% (tolerance %.0f%%)\n",
           (unsigned long long)(mean / 1024), worst * 100, total_tol * 100);
}

static void
test_unbiased_64k(void)
{
    check_accuracy(64 * 1024, 0.03);
}

static void
test_unbiased_512k(void)
{
    check_accuracy(512 * 1024, 0.10);
}

int
main(void)
{
    RUN(test_draw_mean);
    RUN(test_crossing_weight);
    RUN(test_unbiased_64k);
    RUN(test_unbiased_512k);
    return CHECK_SUMMARY();
}

/* Unit tests for the engine's pure-C helpers: rng, sample ring, hashmap,
 * safe read and the file filter. */
#include "check.h"
#include "file_filter.h"
#include "hashmap.h"
#include "ip_classes.h"
#include "rng.h"
#include "safe_read.h"
#include "sample_ring.h"
#include "timeline.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

static void
test_ring_fifo_and_full(void)
{
    ts_sample_ring_t *r = malloc(sizeof *r);
    ts_ring_reset(r);
    CHECK(ts_ring_peek(r) == NULL);
    for (int i = 0; i < TS_RING_SLOTS; i++) {
        ts_sample_t *s = ts_ring_reserve(r);
        CHECK(s != NULL);
        if (!s)
            break;
        s->weight_ns = (uint64_t)i;
        ts_ring_commit(r);
    }
    CHECK(ts_ring_reserve(r) == NULL);
    ts_ring_drop(r, 7);
    CHECK(atomic_load(&r->dropped_ns) == 7 && atomic_load(&r->dropped) == 1);
    int in_order = 1;
    for (int i = 0; i < TS_RING_SLOTS; i++) {
        const ts_sample_t *s = ts_ring_peek(r);
        in_order &= s != NULL && s->weight_ns == (uint64_t)i;
        ts_ring_pop(r);
    }
    CHECK(in_order);
    CHECK(ts_ring_peek(r) == NULL);
    /* wraps around */
    CHECK(ts_ring_reserve(r) != NULL);
    free(r);
}

static void
test_hashmap_put_get_grow(void)
{
    ts_hashmap_t m;
    ts_hashmap_init(&m);
    uint64_t v = 0;
    CHECK(!ts_hashmap_get(&m, 1, 2, &v));
    int put_ok = 1;
    for (uint64_t i = 0; i < 10000; i++)
        put_ok &= ts_hashmap_put(&m, i * 16, i % 7, i + 100) == 0;
    CHECK(put_ok);
    CHECK(m.count == 10000);
    int all = 1;
    for (uint64_t i = 0; i < 10000; i++)
        all &= ts_hashmap_get(&m, i * 16, i % 7, &v) && v == i + 100;
    CHECK(all);
    CHECK(!ts_hashmap_get(&m, 16, 0, &v)); /* (16, 1) exists, (16, 0) not */
    CHECK(ts_hashmap_put(&m, 16, 1, 5) == 0 && ts_hashmap_get(&m, 16, 1, &v) && v == 5);
    CHECK(m.count == 10000);
    ts_hashmap_clear(&m);
    CHECK(!ts_hashmap_get(&m, 16, 1, &v));
}

static void
test_hashmap_delete_keeps_others(void)
{
    ts_hashmap_t m;
    ts_hashmap_init(&m);
    const uint64_t n = 20000;
    for (uint64_t i = 0; i < n; i++)
        ts_hashmap_put(&m, i * 64, 0, i);
    uint64_t v = 0;
    int ok = 1;
    for (uint64_t i = 0; i < n; i += 2)
        ok &= ts_hashmap_del(&m, i * 64, 0, &v) && v == i;
    CHECK(ok);
    CHECK(m.count == n / 2);
    CHECK(!ts_hashmap_del(&m, 0, 0, NULL));
    int found = 1;
    for (uint64_t i = 0; i < n; i++)
        found &= ts_hashmap_get(&m, i * 64, 0, &v) == (int)(i % 2);
    CHECK(found);
    /* churn: insert and delete many times, the table must not grow */
    size_t cap = m.cap;
    for (uint64_t i = 0; i < 200000; i++) {
        ts_hashmap_put(&m, 0xABC000 + i, 1, i);
        ts_hashmap_del(&m, 0xABC000 + i, 1, NULL);
    }
    CHECK(m.cap == cap && m.count == n / 2);
    ts_hashmap_clear(&m);
}

static void
test_safe_read(void)
{
    char src[64] = "hello, safe read", dst[64] = {0};
    CHECK(ts_safe_read(dst, src, sizeof src) == 0 && strcmp(dst, src) == 0);
    CHECK(ts_safe_read(dst, NULL, 8) == -1);
    long page = 4096;
    char *p = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    munmap(p + page, (size_t)page);
    CHECK(ts_safe_read(dst, p + page, 8) == -1);          /* unmapped */
    CHECK(ts_safe_read(dst, p + page - 4, 8) == -1);      /* straddles */
    CHECK(ts_safe_read(dst, p + page - 8, 8) == 0);
    munmap(p, (size_t)page);
}

static void
test_filter_rules(void)
{
    const char *lib[] = {"/proj/.venv", "/usr/lib/python3.11", NULL};
    const char *never[] = {"/proj/src/triscope", NULL};
    ts_filter_t f;
    CHECK(ts_filter_init(&f, "/proj/", 0, NULL, "", lib, never) == 0);
    CHECK(ts_filter_shows(&f, "/proj/app.py"));
    CHECK(ts_filter_shows(&f, "/proj/pkg/mod.py"));
    CHECK(!ts_filter_shows(&f, "/project/app.py")); /* prefix, not a parent */
    CHECK(!ts_filter_shows(&f, "/proj/.venv/lib/x.py"));
    CHECK(!ts_filter_shows(&f, "/proj/src/triscope/cli.py"));
    CHECK(!ts_filter_shows(&f, "/usr/lib/python3.11/json/__init__.py"));
    CHECK(!ts_filter_shows(&f, "<string>"));
    CHECK(!ts_filter_shows(&f, "relative.py"));
    ts_filter_free(&f);

    CHECK(ts_filter_init(&f, "/proj", 1, NULL, "json,,skip", lib, never) == 0);
    CHECK(f.n_exclude == 2);
    CHECK(ts_filter_shows(&f, "/usr/lib/python3.11/csv.py"));
    CHECK(!ts_filter_shows(&f, "/usr/lib/python3.11/json/__init__.py"));
    CHECK(!ts_filter_shows(&f, "/proj/skip_me.py"));
    CHECK(!ts_filter_shows(&f, "/proj/src/triscope/cli.py")); /* never, even with --profile-all */
    ts_filter_free(&f);

    CHECK(ts_filter_init(&f, "/proj", 0, "numpy,mylib", NULL, lib, never) == 0);
    CHECK(ts_filter_shows(&f, "/proj/.venv/lib/numpy/core.py"));
    CHECK(!ts_filter_shows(&f, "/proj/app.py"));
    ts_filter_free(&f);

    CHECK(ts_path_is_under("/a/b", "/a") && ts_path_is_under("/a", "/a") && !ts_path_is_under("/ab", "/a"));
    CHECK(ts_path_is_under("/x", "/"));
}

static void
test_ip_classes(void)
{
    /* The test binary is the "main executable", which for Python is the
     * interpreter; libc's text is runtime; an anonymous mapping is other. */
    CHECK(ts_ip_classes_build(NULL) == 0);
    CHECK(ts_ip_classify((uintptr_t)&test_ip_classes) == TS_IP_INTERP);
    void *libc_fn = (void *)&getpid; /* not intercepted by the sanitizers */
    CHECK(ts_ip_classify((uintptr_t)libc_fn) == TS_IP_RUNTIME);
    char *anon = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ts_ip_classify((uintptr_t)anon) == TS_IP_OTHER);
    CHECK(ts_ip_classify(0) == TS_IP_OTHER);
    munmap(anon, 4096);
}

static void
test_timeline_bounded_and_spread(void)
{
    ts_timeline_t tl;
    ts_timeline_init(&tl);
    for (int i = 0; i < 100000; i++)
        ts_timeline_add(&tl, i * 0.001, (double)i);
    CHECK(tl.n <= TS_TIMELINE_MAX && tl.n >= TS_TIMELINE_MAX / 2);
    CHECK(tl.points[0].t_s == 0.0);
    CHECK(tl.points[tl.n - 1].t_s > 99.0);       /* covers the whole run */
    int increasing = 1;
    for (size_t i = 1; i < tl.n; i++)
        increasing &= tl.points[i].t_s > tl.points[i - 1].t_s;
    CHECK(increasing);
    size_t n;
    ts_point_t *copy = ts_timeline_copy(&tl, &n);
    CHECK(copy && n == tl.n && copy[n - 1].mb == tl.points[n - 1].mb);
    free(copy);
}

int
main(void)
{
    RUN(test_timeline_bounded_and_spread);
    RUN(test_ip_classes);
    RUN(test_log_matches_libm);
    RUN(test_exponential_mean_and_spread);
    RUN(test_rng_seeds_differ);
    RUN(test_ring_fifo_and_full);
    RUN(test_hashmap_put_get_grow);
    RUN(test_hashmap_delete_keeps_others);
    RUN(test_safe_read);
    RUN(test_filter_rules);
    return CHECK_SUMMARY();
}

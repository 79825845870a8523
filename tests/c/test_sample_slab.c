/* Unit tests of the sample slab (native/extension/sample_slab.c, no Python
 * in it): slots are distinct, aligned, inside the region and recognised by
 * address; freed slots are reused; a full region says so and hands out no
 * more; threads allocating and freeing at once never share a slot. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../../native/extension/sample_slab.c"

static void
test_before_init(void)
{
    CHECK(ts_slab_alloc() == NULL);
    CHECK(!ts_slab_owns((void *)&test_before_init));
}

static void
test_alloc_free_reuse(void)
{
    CHECK(ts_slab_init() == 0);
    CHECK(ts_slab_init() == 0); /* idempotent */
    void *a = ts_slab_alloc(), *b = ts_slab_alloc();
    CHECK(a && b && a != b);
    CHECK(ts_slab_owns(a) && ts_slab_owns(b));
    CHECK(((uintptr_t)a % 16) == 0 && ((uintptr_t)b % 16) == 0);
    memset(a, 0xAB, TS_SLAB_SLOT); /* the whole slot is usable */
    CHECK(!ts_slab_owns((char *)ts_slab_base - 1));
    CHECK(!ts_slab_owns((char *)ts_slab_base + TS_SLAB_BYTES));
    CHECK(ts_slab_owns((char *)ts_slab_base + TS_SLAB_BYTES - 1));
    CHECK(!ts_slab_owns(NULL));
    int on_heap;
    CHECK(!ts_slab_owns(&on_heap));
    ts_slab_free(a);
    CHECK(ts_slab_alloc() == a); /* freed slots come back first */
    ts_slab_free(a);
    ts_slab_free(b);
}

/* Four threads each take and return slots 200k times, holding up to 64. */
static void *
churn(void *arg)
{
    (void)arg;
    void *held[64] = {0};
    long errors = 0;
    for (int i = 0; i < 200000; i++) {
        int k = i & 63;
        if (held[k]) {
            if (*(uintptr_t *)((char *)held[k] + 8) != (uintptr_t)held[k])
                errors++; /* someone else wrote into our slot */
            ts_slab_free(held[k]);
        }
        held[k] = ts_slab_alloc();
        if (held[k])
            *(uintptr_t *)((char *)held[k] + 8) = (uintptr_t)held[k];
    }
    for (int k = 0; k < 64; k++)
        if (held[k])
            ts_slab_free(held[k]);
    return (void *)errors;
}

static void
test_threads(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, churn, NULL);
    long errors = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        errors += (long)r;
    }
    CHECK(errors == 0);
    CHECK(!ts_slab_overflowed());
}

static void
test_overflow(void)
{
    void **all = malloc(sizeof(void *) * TS_SLAB_SLOTS);
    size_t n = 0;
    void *p;
    while (n < TS_SLAB_SLOTS && (p = ts_slab_alloc()) != NULL)
        all[n++] = p;
    CHECK(n == TS_SLAB_SLOTS); /* every slot, once the earlier ones came back */
    CHECK(!ts_slab_overflowed());
    CHECK(ts_slab_alloc() == NULL);
    CHECK(ts_slab_overflowed());
    ts_slab_free(all[7]);
    CHECK(ts_slab_alloc() == all[7]);
    for (size_t i = 0; i < n; i++)
        ts_slab_free(all[i]);
    free(all);
}

int
main(void)
{
    RUN(test_before_init);
    RUN(test_alloc_free_reuse);
    RUN(test_threads);
    RUN(test_overflow);
    return CHECK_SUMMARY();
}

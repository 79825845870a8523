/* Unit tests for sample_ring.h: the single-producer sample ring (FIFO order,
 * full ring, drops, wrap-around). */
#include "check.h"
#include "sample_ring.h"

#include <stdlib.h>

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

int
main(void)
{
    RUN(test_ring_fifo_and_full);
    return CHECK_SUMMARY();
}

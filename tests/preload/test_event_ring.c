/* Tests of native/preload/event_ring.c: order, full ring, wraparound,
 * reserved-but-uncommitted slots, and 4 concurrent producers against one
 * consumer. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "event_ring.h"

static ts_evring_t *
new_ring(unsigned bits)
{
    ts_evring_t *r = calloc(1, sizeof *r);
    _ts_evring_init(r, calloc((size_t)1 << bits, sizeof(ts_evslot_t)), bits);
    return r;
}

static void
free_ring(ts_evring_t *r)
{
    free(r->slots);
    free(r);
}

static int
push(ts_evring_t *r, uint64_t value)
{
    uint64_t pos;
    ts_mem_event_t *e = _ts_evring_reserve(r, &pos);
    if (!e)
        return 0;
    e->ptr = value;
    _ts_evring_commit(r, pos);
    return 1;
}

static void
test_order_full_wrap(void)
{
    ts_evring_t *r = new_ring(4); /* 16 events */
    CHECK(_ts_evring_peek(r) == NULL);
    uint64_t next_in = 0, next_out = 0;
    int order_ok = 1;
    for (int lap = 0; lap < 10; lap++) {
        while (push(r, next_in))
            next_in++;
        CHECK(next_in - next_out == 16); /* full at exactly the capacity */
        for (int i = 0; i < 11; i++) {   /* drain part: positions drift across laps */
            const ts_mem_event_t *e = _ts_evring_peek(r);
            if (!e || e->ptr != next_out)
                order_ok = 0;
            _ts_evring_pop(r);
            next_out++;
        }
    }
    CHECK(order_ok);
    while (_ts_evring_peek(r)) {
        CHECK(_ts_evring_peek(r)->ptr == next_out);
        _ts_evring_pop(r);
        next_out++;
    }
    CHECK(next_out == next_in);
    free_ring(r);
}

static void
test_uncommitted_blocks(void)
{
    ts_evring_t *r = new_ring(4);
    uint64_t pa, pb;
    ts_mem_event_t *a = _ts_evring_reserve(r, &pa);
    ts_mem_event_t *b = _ts_evring_reserve(r, &pb);
    CHECK(a && b && pb == pa + 1);
    a->ptr = 1;
    b->ptr = 2;
    _ts_evring_commit(r, pb);
    CHECK(_ts_evring_peek(r) == NULL); /* a is not committed yet */
    _ts_evring_commit(r, pa);
    CHECK(_ts_evring_peek(r) && _ts_evring_peek(r)->ptr == 1);
    _ts_evring_pop(r);
    CHECK(_ts_evring_peek(r) && _ts_evring_peek(r)->ptr == 2);
    _ts_evring_pop(r);
    CHECK(_ts_evring_peek(r) == NULL);
    free_ring(r);
}

enum { PRODUCERS = 4, PER_PRODUCER = 200000 };

static _Atomic int producers_done;

typedef struct producer {
    ts_evring_t *r;
    uint32_t id;
    uint64_t dropped;
} producer_t;

static void *
producer_main(void *arg)
{
    producer_t *p = arg;
    for (uint64_t i = 0; i < PER_PRODUCER; i++) {
        uint64_t pos;
        ts_mem_event_t *e;
        while ((e = _ts_evring_reserve(p->r, &pos)) == NULL) {
            p->dropped++; /* full (or lost races): a real producer drops; retry here */
            sched_yield();
        }
        e->tid = p->id;
        e->ptr = i;
        e->weight = i * 3 + p->id;
        _ts_evring_commit(p->r, pos);
    }
    atomic_fetch_add(&producers_done, 1);
    return NULL;
}

static void
test_concurrent_producers(void)
{
    ts_evring_t *r = new_ring(8); /* 256 events: wraps thousands of times */
    pthread_t th[PRODUCERS];
    producer_t p[PRODUCERS];
    atomic_store(&producers_done, 0);
    for (uint32_t i = 0; i < PRODUCERS; i++) {
        p[i] = (producer_t){r, i, 0};
        pthread_create(&th[i], NULL, producer_main, &p[i]);
    }
    int64_t last[PRODUCERS] = {-1, -1, -1, -1};
    uint64_t consumed = 0;
    int bad = 0;
    for (;;) {
        int done = atomic_load(&producers_done) == PRODUCERS; /* read before peeking */
        const ts_mem_event_t *e = _ts_evring_peek(r);
        if (!e) {
            if (done)
                break;
            continue;
        }
        if (e->tid >= PRODUCERS || (int64_t)e->ptr <= last[e->tid] || e->weight != e->ptr * 3 + e->tid)
            bad++;
        else
            last[e->tid] = (int64_t)e->ptr;
        _ts_evring_pop(r);
        consumed++;
    }
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(th[i], NULL);
    uint64_t dropped = 0;
    for (int i = 0; i < PRODUCERS; i++)
        dropped += p[i].dropped;
    printf("  %d producers x %d events into 256 slots: %llu consumed, %llu full retries, %d out "
           "of order or corrupt\n",
           PRODUCERS, PER_PRODUCER, (unsigned long long)consumed, (unsigned long long)dropped, bad);
    CHECK(bad == 0);
    CHECK(consumed == (uint64_t)PRODUCERS * PER_PRODUCER);
    free_ring(r);
}

int
main(void)
{
    RUN(test_order_full_wrap);
    RUN(test_uncommitted_blocks);
    RUN(test_concurrent_producers);
    return CHECK_SUMMARY();
}

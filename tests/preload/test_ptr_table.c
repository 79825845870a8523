/* Tests of native/preload/ptr_table.c: basic use, a full window, churn
 * without degradation, and 4 threads inserting and removing at once. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "ptr_table.h"

static ts_ptable_t *
new_table(unsigned bits)
{
    ts_ptable_t *t = calloc(1, sizeof *t);
    _ts_ptable_init(t, calloc((size_t)1 << bits, sizeof(ts_ptable_slot_t)), bits);
    return t;
}

static void
free_table(ts_ptable_t *t)
{
    free(t->slots);
    free(t);
}

static size_t
occupied(const ts_ptable_t *t)
{
    size_t n = 0;
    for (size_t i = 0; i < ((size_t)1 << t->bits); i++)
        n += atomic_load(&t->slots[i].key) != 0;
    return n;
}

static void
test_basic(void)
{
    ts_ptable_t *t = new_table(10);
    uint64_t w = 0;
    CHECK(_ts_ptable_insert(t, 0x1000, 11) == 0);
    CHECK(_ts_ptable_insert(t, 0x2000, 22) == 0);
    CHECK(_ts_ptable_remove(t, 0x3000, &w) == 0);
    CHECK(_ts_ptable_remove(t, 0x2000, &w) == 1 && w == 22);
    CHECK(_ts_ptable_remove(t, 0x2000, &w) == 0);
    CHECK(_ts_ptable_remove(t, 0x1000, &w) == 1 && w == 11);
    CHECK(occupied(t) == 0);
    free_table(t);
}

static void
test_window_full(void)
{
    ts_ptable_t *t = new_table(8);
    uint64_t keys[TS_PTABLE_WINDOW + 1];
    int n = 0;
    for (uint64_t k = 16; n < TS_PTABLE_WINDOW + 1; k += 16)
        if (_ts_ptable_home(t, k) == 5)
            keys[n++] = k;
    for (int i = 0; i < TS_PTABLE_WINDOW; i++)
        CHECK(_ts_ptable_insert(t, keys[i], (uint64_t)i) == 0);
    CHECK(_ts_ptable_insert(t, keys[TS_PTABLE_WINDOW], 99) == -1);
    uint64_t w;
    CHECK(_ts_ptable_remove(t, keys[TS_PTABLE_WINDOW], &w) == 0);
    CHECK(_ts_ptable_remove(t, keys[7], &w) == 1 && w == 7);
    CHECK(_ts_ptable_insert(t, keys[TS_PTABLE_WINDOW], 99) == 0); /* slot reused at once */
    for (int i = 0; i <= TS_PTABLE_WINDOW; i++)
        if (i != 7)
            CHECK(_ts_ptable_remove(t, keys[i], &w) == 1 && w == (i == TS_PTABLE_WINDOW ? 99u : (uint64_t)i));
    CHECK(occupied(t) == 0);
    free_table(t);
}

static void
test_churn(void)
{
    /* 1M insert/remove pairs with 2000 live keys: never fills, ends empty */
    ts_ptable_t *t = new_table(14);
    enum { LIVE = 2000 };
    uint64_t live[LIVE] = {0};
    int failures = 0, misses = 0;
    uint64_t next = 1;
    for (int i = 0; i < 1000000; i++) {
        int j = i % LIVE;
        uint64_t w;
        if (live[j] && !_ts_ptable_remove(t, live[j], &w))
            misses++;
        live[j] = (next++) * 48;
        if (_ts_ptable_insert(t, live[j], live[j] / 2) != 0) {
            failures++;
            live[j] = 0;
        }
    }
    for (int j = 0; j < LIVE; j++) {
        uint64_t w;
        if (live[j] && (!_ts_ptable_remove(t, live[j], &w) || w != live[j] / 2))
            misses++;
    }
    printf("  churn: %d window-full, %d misses, %zu slots left\n", failures, misses, occupied(t));
    CHECK(failures == 0);
    CHECK(misses == 0);
    CHECK(occupied(t) == 0);
    free_table(t);
}

typedef struct worker {
    ts_ptable_t *t;
    int id;
    int errors;
    int full;
} worker_t;

static void *
worker_main(void *arg)
{
    worker_t *w = arg;
    enum { LIVE = 512 };
    uint64_t live[LIVE] = {0};
    for (uint64_t i = 0; i < 300000; i++) {
        int j = (int)(i % LIVE);
        uint64_t got;
        if (live[j]) {
            if (!_ts_ptable_remove(w->t, live[j], &got) || got != (live[j] ^ 0xABCDEF))
                w->errors++;
            if (_ts_ptable_remove(w->t, live[j], &got)) /* second remove must miss */
                w->errors++;
        }
        live[j] = (((uint64_t)w->id << 40) | (i + 1)) << 4;
        if (_ts_ptable_insert(w->t, live[j], live[j] ^ 0xABCDEF) != 0) {
            w->full++;
            live[j] = 0;
        }
    }
    for (int j = 0; j < LIVE; j++) {
        uint64_t got;
        if (live[j] && !_ts_ptable_remove(w->t, live[j], &got))
            w->errors++;
    }
    return NULL;
}

static void
test_concurrent(void)
{
    ts_ptable_t *t = new_table(13); /* 8192 slots for 2048 live keys */
    pthread_t th[4];
    worker_t w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker_t){t, i + 1, 0, 0};
        pthread_create(&th[i], NULL, worker_main, &w[i]);
    }
    int errors = 0, full = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        errors += w[i].errors;
        full += w[i].full;
    }
    printf("  4 threads x 300k insert/remove: %d errors, %d window-full, %zu slots left\n", errors,
           full, occupied(t));
    CHECK(errors == 0);
    CHECK(occupied(t) == 0);
    free_table(t);
}

int
main(void)
{
    RUN(test_basic);
    RUN(test_window_full);
    RUN(test_churn);
    RUN(test_concurrent);
    return CHECK_SUMMARY();
}

/* Unit tests for hashmap.h: the two-key open-addressing map (put, get, grow,
 * delete, churn). */
#include "check.h"
#include "hashmap.h"

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

int
main(void)
{
    RUN(test_hashmap_put_get_grow);
    RUN(test_hashmap_delete_keeps_others);
    return CHECK_SUMMARY();
}

/* ptr_table.c -- fixed-window lock-free pointer table; see ptr_table.h.
 * Atomics only, so that a signal handler may call any of it. */
#include "ptr_table.h"

void
_ts_ptable_init(ts_ptable_t *t, ts_ptable_slot_t *slots, unsigned bits)
{
    t->slots = slots;
    t->bits = bits;
}

int
_ts_ptable_insert(ts_ptable_t *t, uint64_t key, uint64_t weight)
{
    uint64_t mask = (1ull << t->bits) - 1, h = _ts_ptable_home(t, key);
    for (unsigned i = 0; i < TS_PTABLE_WINDOW; i++) {
        ts_ptable_slot_t *s = &t->slots[(h + i) & mask];
        uint64_t expected = 0;
        if (atomic_load_explicit(&s->key, memory_order_relaxed) != 0)
            continue;
        if (atomic_compare_exchange_strong_explicit(&s->key, &expected, key,
                                                    memory_order_acq_rel,
                                                    memory_order_relaxed)) {
            atomic_store_explicit(&s->weight, weight, memory_order_release);
            return 0;
        }
    }
    return -1;
}

int
_ts_ptable_remove(ts_ptable_t *t, uint64_t key, uint64_t *weight)
{
    uint64_t mask = (1ull << t->bits) - 1, h = _ts_ptable_home(t, key);
    for (unsigned i = 0; i < TS_PTABLE_WINDOW; i++) {
        ts_ptable_slot_t *s = &t->slots[(h + i) & mask];
        if (atomic_load_explicit(&s->key, memory_order_acquire) != key)
            continue;
        uint64_t w = atomic_load_explicit(&s->weight, memory_order_acquire);
        uint64_t expected = key;
        if (atomic_compare_exchange_strong_explicit(&s->key, &expected, 0,
                                                    memory_order_acq_rel,
                                                    memory_order_relaxed)) {
            *weight = w;
            return 1;
        }
    }
    return 0;
}

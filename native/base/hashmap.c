/* hashmap.c -- see hashmap.h. */
#include "hashmap.h"

#include <stdlib.h>

static uint64_t
mix(uint64_t k1, uint64_t k2)
{
    uint64_t h = k1 * 0x9E3779B97F4A7C15ull ^ (k2 + 0x632BE59BD9B4E019ull);
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ull;
    h ^= h >> 32;
    return h;
}

void
ts_hashmap_init(ts_hashmap_t *m)
{
    m->entries = NULL;
    m->cap = 0;
    m->count = 0;
}

void
ts_hashmap_clear(ts_hashmap_t *m)
{
    free(m->entries);
    ts_hashmap_init(m);
}

static ts_hashmap_entry_t *
find_slot(ts_hashmap_entry_t *entries, size_t cap, uint64_t k1, uint64_t k2)
{
    size_t i = (size_t)mix(k1, k2) & (cap - 1);
    while (entries[i].used && !(entries[i].k1 == k1 && entries[i].k2 == k2))
        i = (i + 1) & (cap - 1);
    return &entries[i];
}

int
ts_hashmap_get(const ts_hashmap_t *m, uint64_t k1, uint64_t k2, uint64_t *value)
{
    if (m->cap == 0)
        return 0;
    ts_hashmap_entry_t *e = find_slot(m->entries, m->cap, k1, k2);
    if (!e->used)
        return 0;
    *value = e->value;
    return 1;
}

static int
grow(ts_hashmap_t *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    ts_hashmap_entry_t *entries = calloc(cap, sizeof *entries);
    if (!entries)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->entries[i].used)
            *find_slot(entries, cap, m->entries[i].k1, m->entries[i].k2) = m->entries[i];
    }
    free(m->entries);
    m->entries = entries;
    m->cap = cap;
    return 0;
}

int
ts_hashmap_put(ts_hashmap_t *m, uint64_t k1, uint64_t k2, uint64_t value)
{
    if ((m->count + 1) * 10 > m->cap * 7 && grow(m) < 0)
        return -1;
    ts_hashmap_entry_t *e = find_slot(m->entries, m->cap, k1, k2);
    if (!e->used) {
        e->used = 1;
        e->k1 = k1;
        e->k2 = k2;
        m->count++;
    }
    e->value = value;
    return 0;
}

int
ts_hashmap_del(ts_hashmap_t *m, uint64_t k1, uint64_t k2, uint64_t *value)
{
    if (m->cap == 0)
        return 0;
    ts_hashmap_entry_t *e = find_slot(m->entries, m->cap, k1, k2);
    if (!e->used)
        return 0;
    if (value)
        *value = e->value;
    size_t mask = m->cap - 1;
    size_t hole = (size_t)(e - m->entries);
    /* backward-shift deletion: move later members of the probe run into the
     * hole when their home slot does not lie cyclically in (hole, j] */
    for (size_t j = (hole + 1) & mask; m->entries[j].used; j = (j + 1) & mask) {
        size_t home = (size_t)mix(m->entries[j].k1, m->entries[j].k2) & mask;
        int home_in_between = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!home_in_between) {
            m->entries[hole] = m->entries[j];
            hole = j;
        }
    }
    m->entries[hole].used = 0;
    m->count--;
    return 1;
}

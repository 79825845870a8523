/* hashmap.h -- open-addressing map from a pair of 64-bit keys to a 64-bit value.
 *
 * Used by the drain for its caches: code object -> code info index, and
 * (code object, byte offset) -> line number.  Linear probing, power-of-two
 * capacity, grows at 70% load.  No deletion (the caches only grow, and are
 * bounded by their users), except through ts_hashmap_del, which shifts
 * entries back so lookups never need tombstones.  Not thread-safe: one owner (the drain, under the
 * GIL).
 */
#ifndef TRISCOPE_HASHMAP_H
#define TRISCOPE_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct ts_hashmap_entry {
    uint64_t k1, k2, value;
    uint8_t used;
} ts_hashmap_entry_t;

typedef struct ts_hashmap {
    ts_hashmap_entry_t *entries;
    size_t cap;   /* 0 or a power of two */
    size_t count;
} ts_hashmap_t;

/* An empty map; allocates on first insert. */
void ts_hashmap_init(ts_hashmap_t *m);

/* Releases the table; the map is empty and reusable afterwards. */
void ts_hashmap_clear(ts_hashmap_t *m);

/* Looks (k1, k2) up.  Returns 1 and sets *value if present, else 0. */
int ts_hashmap_get(const ts_hashmap_t *m, uint64_t k1, uint64_t k2, uint64_t *value);

/* Removes (k1, k2).  Returns 1 if it was present (its value in *value when
 * value is not NULL), else 0. */
int ts_hashmap_del(ts_hashmap_t *m, uint64_t k1, uint64_t k2, uint64_t *value);

/* Inserts or replaces.  Returns 0, or -1 on allocation failure (map unchanged). */
int ts_hashmap_put(ts_hashmap_t *m, uint64_t k1, uint64_t k2, uint64_t value);

#endif

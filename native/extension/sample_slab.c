/* sample_slab.c -- see sample_slab.h. */
#include "sample_slab.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>

/* Owner: ts_slab_init writes the base once, before any hook can run; the
 * overflow flag is set by any allocating thread.  Both are read by the
 * PyMem hooks (see sample_slab.h). */
uintptr_t ts_slab_base;
_Atomic int ts_slab_overflow;

/* Owner: whichever thread holds `lock`.  The free list (slots linked
 * through their first word) and the bump index of slots never used; both
 * under `lock`, which fork takes around itself
 * (pthread_atfork) so a child never inherits it held or the list half
 * updated. */
static atomic_flag lock = ATOMIC_FLAG_INIT;
static void *free_list;
static size_t bumped;

static void
lock_take(void)
{
    while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
        ;
}

static void
lock_give(void)
{
    atomic_flag_clear_explicit(&lock, memory_order_release);
}

int
ts_slab_init(void)
{
    if (ts_slab_base != 0)
        return 0;
    void *region = mmap(NULL, TS_SLAB_BYTES, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (region == MAP_FAILED)
        return -1;
    pthread_atfork(lock_take, lock_give, lock_give);
    ts_slab_base = (uintptr_t)region;
    return 0;
}

void *
ts_slab_alloc(void)
{
    if (ts_slab_base == 0)
        return NULL;
    void *p = NULL;
    lock_take();
    if (free_list != NULL) {
        p = free_list;
        free_list = *(void **)p;
    }
    else if (bumped < TS_SLAB_SLOTS) {
        p = (void *)(ts_slab_base + bumped++ * (uintptr_t)TS_SLAB_SLOT);
    }
    lock_give();
    if (p == NULL)
        atomic_store_explicit(&ts_slab_overflow, 1, memory_order_relaxed);
    return p;
}

void
ts_slab_free(void *p)
{
    lock_take();
    *(void **)p = free_list;
    free_list = p;
    lock_give();
}

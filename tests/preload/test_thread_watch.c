/* Thread watching (ts_thread_watch_t, mem_protocol.h): run preloaded
 * (LD_PRELOAD=<library>) or with `--attach LIBRARY`, which loads it the way
 * --cpu-only does (attach_threads: pthread_create and dlsym only).
 *
 * Plays the extension's part: registers a watch whose on_start and on_end
 * record what they see, with memory counting OFF, then starts threads that
 * return, call pthread_exit, or are cancelled, and checks that each thread
 * called on_start in itself before its start routine and on_end in itself
 * once as it ended, with its creator's frames as birth frames; that a
 * thread created while its creator is busy (triscope's own) is not
 * watched; and, attached, that the allocator was left alone.
 */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "mem_protocol.h"
#include "os.h"

#define N_THREADS 600

static const ts_mem_api_t *api; /* main thread sets once */

/* One per thread: what its callbacks and its routine saw.  Written by that
 * thread; read by the main thread after joining it. */
typedef struct record {
    pid_t start_tid, routine_tid, end_tid;
    int n_birth, birth_offset, started_before_routine, ends;
} record_t;

static record_t records[N_THREADS + 1];
static _Atomic int next_record;  /* on_start hands records out */
static _Atomic int creator_marker; /* the fake frame's offset */

static int
fake_capture(ts_frame_t *out, int max)
{
    if (max < 1)
        return 0;
    out[0].code = (const void *)0xC0DE;
    out[0].offset = atomic_load(&creator_marker);
    out[0].firstlineno = 1;
    return 1;
}

static __thread record_t *mine; /* the calling thread's record */

static void *
on_start(const ts_frame_t *birth, int n)
{
    int i = atomic_fetch_add(&next_record, 1);
    if (i >= N_THREADS + 1)
        return NULL;
    record_t *r = &records[i];
    r->start_tid = ts_os_thread_id();
    r->n_birth = n;
    r->birth_offset = n > 0 ? (int)birth[0].offset : -1;
    mine = r;
    return r;
}

static void
on_end(void *cookie)
{
    record_t *r = cookie;
    r->end_tid = ts_os_thread_id();
    r->ends++;
}

static const ts_thread_watch_t watch = {on_start, on_end, fake_capture};

static void *
routine(void *arg)
{
    long how = (long)arg;
    if (mine != NULL) {
        mine->routine_tid = ts_os_thread_id();
        mine->started_before_routine = 1;
    }
    if (how == 1)
        pthread_exit(NULL);
    if (how == 2) {
        for (;;) {
            pthread_testcancel();
            usleep(100);
        }
    }
    return NULL;
}

static void
test_every_thread_is_watched(void)
{
    CHECK(!api->active()); /* memory counting stays off throughout */
    CHECK(api->watch_threads(&watch) == 0);
    CHECK(api->watch_threads(&watch) == 0); /* once per process: accepted again */
    atomic_store(&creator_marker, 77);
    pthread_t threads[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) {
        CHECK(pthread_create(&threads[i], NULL, routine, (void *)(long)(i % 3)) == 0);
        if (i % 3 == 2)
            pthread_cancel(threads[i]);
        if (i % 10 == 9) /* keep at most ten alive */
            for (int j = i - 9; j <= i; j++)
                pthread_join(threads[j], NULL);
    }
    int n = atomic_load(&next_record);
    CHECK(n == N_THREADS);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        record_t *r = &records[i];
        bad += r->ends != 1 || r->start_tid == 0 || r->start_tid != r->end_tid
            || r->start_tid == ts_os_thread_id() || r->n_birth != 1 || r->birth_offset != 77
            || (r->started_before_routine && r->routine_tid != r->start_tid);
    }
    CHECK(bad == 0);
}

static void
test_busy_creator_is_not_watched(void)
{
    ts_mem_tls_t *t = (ts_mem_tls_t *)((char *)ts_os_thread_pointer() + api->tls_offset());
    int before = atomic_load(&next_record);
    t->busy++;
    pthread_t th;
    CHECK(pthread_create(&th, NULL, routine, (void *)0L) == 0);
    pthread_join(th, NULL);
    t->busy--;
    CHECK(atomic_load(&next_record) == before);
}

/* Attached for threads only: malloc is still libc's, pthread_create ours. */
static void
test_threads_only_attach_leaves_malloc(void *libc_malloc, void *libc_pthread_create)
{
    CHECK(api->preloaded() == 0);
    void *(*volatile m)(size_t) = malloc;
    int (*volatile pc)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *) =
        pthread_create;
    CHECK((void *)m == libc_malloc);
    CHECK((void *)pc != libc_pthread_create);
    CHECK(api->attach_threads() == 0); /* idempotent */
}

int
main(int argc, char **argv)
{
    void *libc_malloc = NULL, *libc_pthread_create = NULL;
    if (argc == 3 && strcmp(argv[1], "--attach") == 0) {
        libc_malloc = dlsym(RTLD_DEFAULT, "malloc");
        libc_pthread_create = dlsym(RTLD_DEFAULT, "pthread_create");
        void *h = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
        const ts_mem_api_t *(*get)(void) = NULL;
        if (h)
            *(void **)&get = dlsym(h, "triscope_preload_api");
        api = get ? get() : NULL;
        if (api == NULL || api->attach_threads() != 0) {
            fprintf(stderr, "cannot attach %s for threads\n", argv[2]);
            return 1;
        }
    }
    else {
        const ts_mem_api_t *(*get)(void);
        *(void **)&get = dlsym(RTLD_DEFAULT, "triscope_preload_api");
        api = get ? get() : NULL;
    }
    CHECK(api != NULL && api->abi_version == TS_MEM_ABI_VERSION);
    if (api == NULL)
        return CHECK_SUMMARY();
    if (libc_malloc != NULL) {
        test_threads_only_attach_leaves_malloc(libc_malloc, libc_pthread_create);
        fprintf(stderr, "ok   test_threads_only_attach_leaves_malloc (checked above)\n");
    }
    RUN(test_every_thread_is_watched);
    RUN(test_busy_creator_is_not_watched);
    return CHECK_SUMMARY();
}

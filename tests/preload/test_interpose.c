/* Interposition tests: run with LD_PRELOAD=<triscope preload library>.
 *
 * Plays the extension's part: finds triscope_preload_api() with
 * dlsym(RTLD_DEFAULT), registers a fake frame reader, starts counting and
 * drains the event ring itself (with its own thread's `busy` raised through
 * tls_offset(), as the extension's drain will).  Checks that every
 * interposed function behaves exactly like libc, that the sampled weights
 * add up to the bytes allocated and copied, that frees of sampled pointers
 * come back, that native threads carry their creator's frames, and that
 * fork and thousands of threads are harmless.
 *
 * `test_interpose --bench` instead times malloc/free and memcpy (run it
 * with and without the preload to compare).
 */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "mem_protocol.h"
#include "os.h"

static const ts_mem_api_t *api; /* main thread sets once */

/* Fake frame reader: one frame whose offset is the thread's marker; threads
 * that pretend to be native (no Python) return no frames. */
static __thread int fake_native;
static __thread int marker = 1;

static int
fake_capture(ts_frame_t *out, int max)
{
    if (fake_native || max < 1)
        return 0;
    out[0].code = (const void *)0xC0DE;
    out[0].offset = marker;
    out[0].firstlineno = 1;
    return 1;
}

static ts_mem_tls_t *
my_tls(void)
{
    return (ts_mem_tls_t *)((char *)ts_os_thread_pointer() + api->tls_offset());
}

/* What the drain saw.  Main thread only. */
typedef struct seen {
    uint64_t n[4];            /* per kind */
    double weight[4];         /* per kind */
    uint64_t python, birth77, no_frames, bad_frames, huge;
} seen_t;
static seen_t seen;

static void
drain(void)
{
    ts_mem_tls_t *t = my_tls();
    t->busy++;
    const ts_mem_event_t *e;
    while ((e = api->peek()) != NULL) {
        if (e->kind >= 1 && e->kind <= 3) {
            seen.n[e->kind]++;
            seen.weight[e->kind] += (double)e->weight;
        }
        if (e->kind == TS_MEM_EV_ALLOC && e->python)
            seen.python++;
        if (e->kind == TS_MEM_EV_ALLOC && e->size >= (1ull << 40))
            seen.huge++;
        if (e->kind != TS_MEM_EV_FREE) {
            if (e->n_frames == 0)
                seen.no_frames++;
            else if (e->frames[0].code != (const void *)0xC0DE)
                seen.bad_frames++;
            else if (e->birth && e->frames[0].offset == 77)
                seen.birth77++;
        }
        api->pop();
    }
    t->busy--;
}

static void
reset_seen(void)
{
    drain();
    memset(&seen, 0, sizeof seen);
}

static void
test_api(void)
{
    CHECK(api != NULL);
    CHECK(api->abi_version == TS_MEM_ABI_VERSION);
    CHECK(api->filter != NULL);
    ts_mem_tls_t *t = my_tls();
    CHECK(t->depth == 0 && t->busy == 0);
    CHECK(!api->active());
    api->start(); /* before configure: stays off */
    CHECK(!api->active());
    api->configure(64 * 1024, 64 * 1024, fake_capture);
    api->start();
    CHECK(api->active());
    api->stop();
    CHECK(!api->active());
}

static void
test_libc_semantics(void)
{
    api->configure(4096, 4096, fake_capture);
    api->start();
    reset_seen();
    void *p = malloc(0);
    CHECK(p != NULL);
    free(p);
    unsigned char *c = calloc(1000, 7);
    int zero = 1;
    for (int i = 0; i < 7000; i++)
        zero &= c[i] == 0;
    CHECK(c && zero);
    free(c);
    volatile size_t half = SIZE_MAX / 2; /* hidden from the compiler's checks */
    void *(*volatile reallocarray_)(void *, size_t, size_t) = reallocarray;
    errno = 0;
    CHECK(calloc(half, 4) == NULL && errno == ENOMEM);
    /* realloc chain keeps the contents */
    unsigned char *r = NULL;
    int ok = 1;
    for (size_t n = 1; n < 200000; n = n * 3 / 2 + 1) {
        size_t old = r ? malloc_usable_size(r) : 0;
        (void)old;
        r = realloc(r, n);
        if (!r) {
            ok = 0;
            break;
        }
        r[n - 1] = (unsigned char)n;
        for (size_t k = 1; k < n; k = k * 3 / 2 + 1)
            ok &= r[k - 1] == (unsigned char)k;
    }
    CHECK(ok);
    CHECK(malloc_usable_size(r) >= 1);
    errno = 0;
    CHECK(reallocarray_(r, half, 3) == NULL && errno == ENOMEM);
    r = reallocarray_(r, 100, 10);
    CHECK(r != NULL);
    CHECK(realloc(r, 0) == NULL); /* glibc frees */
    void *a = memalign(64, 100);
    CHECK(a && ((uintptr_t)a & 63) == 0);
    free(a);
    CHECK(posix_memalign(&a, 4096, 10000) == 0 && ((uintptr_t)a & 4095) == 0);
    free(a);
    CHECK(posix_memalign(&a, 3, 10) == EINVAL);
    a = aligned_alloc(256, 512);
    CHECK(a && ((uintptr_t)a & 255) == 0);
    free(a);
    long page = sysconf(_SC_PAGESIZE);
    a = valloc(100);
    CHECK(a && ((uintptr_t)a % (uintptr_t)page) == 0);
    free(a);
    a = pvalloc(100);
    CHECK(a && ((uintptr_t)a % (uintptr_t)page) == 0 && malloc_usable_size(a) >= (size_t)page);
    free(a);
    CHECK(malloc_usable_size(NULL) == 0);
    free(NULL);
    /* a huge request fails like libc and is not counted */
    errno = 0;
    volatile size_t tib = 1ull << 40;
    void *huge = malloc(tib);
    CHECK(huge == NULL && errno == ENOMEM);
    /* a sampled allocation leaves errno alone */
    errno = 1234;
    void *big = malloc(1 << 20); /* >= R: always sampled */
    CHECK(big != NULL && errno == 1234);
    free(big);
    /* copies */
    char buf[64] = "abcdefghijklmnopqrstuvwxyz";
    memmove(buf + 2, buf, 26);
    CHECK(memcmp(buf, "ababcdefghijklmnopqrstuvwxyz", 28) == 0);
    memmove(buf, buf + 2, 26);
    CHECK(memcmp(buf, "abcdefghijklmnopqrstuvwxyz", 26) == 0);
    char dst[64];
    void *(*volatile cp)(void *, const void *, size_t) = memcpy;
    CHECK(cp(dst, buf, 29) == dst && strcmp(dst, buf) == 0);
    api->stop();
    drain();
    CHECK(seen.huge == 0);
    CHECK(seen.n[TS_MEM_EV_ALLOC] > 0);
    CHECK(seen.bad_frames == 0);
}

static void
test_alloc_weights(void)
{
    const uint64_t R = 64 * 1024;
    api->configure(R, 0, fake_capture);
    reset_seen();
    ts_mem_counters_t before;
    api->counters(&before);
    api->start();
    enum { BATCH = 1000 };
    void *live[BATCH];
    double true_bytes = 0;
    uint64_t x = 88172645463325252ull;
    for (int round = 0; round < 300; round++) {
        for (int i = 0; i < BATCH; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            size_t n = 16 + x % 8000;
            switch (i % 4) {
            case 0: live[i] = malloc(n); break;
            case 1: live[i] = calloc(1, n); break;
            case 2: live[i] = realloc(malloc(8), n); true_bytes += 8; break;
            default: live[i] = memalign(32, n); break;
            }
            true_bytes += (double)n;
        }
        for (int i = 0; i < BATCH; i++)
            free(live[i]);
        drain();
    }
    api->stop();
    drain();
    ts_mem_counters_t after;
    api->counters(&after);
    double ratio = seen.weight[TS_MEM_EV_ALLOC] / true_bytes;
    printf("  malloc family at R=64 KiB: %.0f MB allocated, %llu ALLOC events, est/true %.4f; "
           "%llu FREE events, freed weight / allocated weight %.4f; dropped %llu, table_full %llu\n",
           true_bytes / 1e6, (unsigned long long)seen.n[TS_MEM_EV_ALLOC], ratio,
           (unsigned long long)seen.n[TS_MEM_EV_FREE],
           seen.weight[TS_MEM_EV_FREE] / seen.weight[TS_MEM_EV_ALLOC],
           (unsigned long long)(after.dropped_events - before.dropped_events),
           (unsigned long long)(after.table_full - before.table_full));
    CHECK_NEAR(ratio, 1.0, 0.03);
    CHECK(seen.n[TS_MEM_EV_FREE] == seen.n[TS_MEM_EV_ALLOC]);
    CHECK(seen.weight[TS_MEM_EV_FREE] == seen.weight[TS_MEM_EV_ALLOC]);
    CHECK(after.dropped_events == before.dropped_events);
    CHECK(after.sampled_live == before.sampled_live);
    CHECK(seen.no_frames == 0 && seen.bad_frames == 0);
    CHECK(seen.n[TS_MEM_EV_COPY] == 0);
}

static void
test_copy_weights(void)
{
    const uint64_t R = 64 * 1024;
    api->configure(0, R, fake_capture);
    reset_seen();
    api->start();
    size_t n = 10000;
    char *a = malloc(n + 64), *b = malloc(n + 64);
    memset(a, 1, n + 64);
    void *(*volatile cp)(void *, const void *, size_t) = memcpy;
    void *(*volatile mv)(void *, const void *, size_t) = memmove;
    double true_bytes = 0;
    for (int i = 0; i < 100000; i++) {
        size_t k = n - (size_t)(i % 977);
        if (i & 1)
            cp(b, a, k);
        else
            mv(a + 1, a, k);
        true_bytes += (double)k;
        if (i % 1000 == 0)
            drain();
    }
    api->stop();
    drain();
    free(a);
    free(b);
    double ratio = seen.weight[TS_MEM_EV_COPY] / true_bytes;
    printf("  memcpy/memmove at R=64 KiB: %.0f MB copied, %llu COPY events, est/true %.4f\n",
           true_bytes / 1e6, (unsigned long long)seen.n[TS_MEM_EV_COPY], ratio);
    CHECK_NEAR(ratio, 1.0, 0.03);
    CHECK(seen.n[TS_MEM_EV_ALLOC] == 0);
}

static void
test_extension_path(void)
{
    const uint64_t R = 64 * 1024;
    api->configure(R, 0, fake_capture);
    reset_seen();
    api->start();
    ts_mem_tls_t *t = my_tls();
    /* inside a PyMem hook (depth > 0) libc allocations are not counted */
    t->depth++;
    void *p = malloc(1 << 20);
    t->depth--;
    drain();
    CHECK(seen.n[TS_MEM_EV_ALLOC] == 0);
    /* the hook reports it itself: >= R is always recorded at its size */
    t->alloc_countdown -= 1 << 20;
    api->sample_alloc(p, 1 << 20, 1);
    drain();
    CHECK(seen.n[TS_MEM_EV_ALLOC] == 1 && seen.python == 1);
    CHECK(seen.weight[TS_MEM_EV_ALLOC] == (double)(1 << 20));
    CHECK(api->filter[ts_mem_filter_index(p)] != 0);
    api->note_free(p); /* the hook's free path */
    t->depth++;
    free(p);
    t->depth--;
    drain();
    CHECK(seen.n[TS_MEM_EV_FREE] == 1 && seen.weight[TS_MEM_EV_FREE] == (double)(1 << 20));
    /* busy > 0: nothing counts */
    t->busy++;
    p = malloc(1 << 20);
    free(p);
    t->busy--;
    drain();
    CHECK(seen.n[TS_MEM_EV_ALLOC] == 1);
    api->stop();
}

static void
test_before_start(void)
{
    api->configure(4096, 0, fake_capture);
    reset_seen();
    void *early[200];
    for (int i = 0; i < 200; i++)
        early[i] = malloc(100000);
    api->start();
    for (int i = 0; i < 200; i++)
        free(early[i]);
    api->stop();
    drain();
    CHECK(seen.n[TS_MEM_EV_FREE] == 0);
    CHECK(seen.n[TS_MEM_EV_ALLOC] == 0);
    /* and the converse: sampled while on, freed after stop, still matched */
    api->start();
    void *p = malloc(1 << 20);
    api->stop();
    free(p);
    drain();
    CHECK(seen.n[TS_MEM_EV_ALLOC] == 1 && seen.n[TS_MEM_EV_FREE] == 1);
}

static void *
native_grandchild(void *arg)
{
    (void)arg;
    fake_native = 1;
    free(malloc(1 << 20));
    return NULL;
}

static void *
native_thread(void *arg)
{
    fake_native = 1; /* no Python frames on this thread */
    void *p = malloc(1 << 20);
    free(p);
    if (arg) {
        pthread_t g;
        pthread_create(&g, NULL, native_grandchild, NULL);
        pthread_join(g, NULL);
    }
    return (void *)0x5;
}

static void
test_birth_frames(void)
{
    api->configure(64 * 1024, 0, fake_capture);
    reset_seen();
    pthread_t th;
    void *ret = NULL;
    /* created while counting is off: no birth frames */
    pthread_create(&th, NULL, native_thread, NULL);
    api->start();
    pthread_join(th, &ret);
    CHECK(ret == (void *)0x5);
    drain();
    CHECK(seen.no_frames == 1 && seen.birth77 == 0);
    /* created while counting: the creator's frames, and its grandchild's */
    marker = 77;
    pthread_create(&th, NULL, native_thread, (void *)1);
    pthread_join(th, &ret);
    CHECK(ret == (void *)0x5);
    marker = 1;
    api->stop();
    drain();
    printf("  native threads: %llu events with birth frames, %llu with none\n",
           (unsigned long long)seen.birth77, (unsigned long long)seen.no_frames);
    CHECK(seen.birth77 == 2);
    CHECK(seen.no_frames == 1);
}

static _Atomic int stop_workers;

static void *
alloc_worker(void *arg)
{
    (void)arg;
    void *keep[64] = {0};
    unsigned i = 0;
    while (!atomic_load(&stop_workers)) {
        unsigned j = i++ % 64;
        free(keep[j]);
        keep[j] = malloc(16 + (i * 37) % 20000);
    }
    for (int j = 0; j < 64; j++)
        free(keep[j]);
    return NULL;
}

static void
test_fork_while_allocating(void)
{
    api->configure(64 * 1024, 64 * 1024, fake_capture);
    reset_seen();
    api->start();
    pthread_t th[4];
    atomic_store(&stop_workers, 0);
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, alloc_worker, NULL);
    int children_ok = 0;
    for (int k = 0; k < 20; k++) {
        pid_t pid = fork();
        if (pid == 0) {
            /* the child: counting off, empty ring, allocator works */
            int bad = api->active() || api->peek() != NULL;
            ts_mem_counters_t c;
            api->counters(&c);
            bad |= c.sampled_live != 0 || c.events != 0;
            for (int i = 0; i < 1000; i++)
                free(malloc((size_t)i * 13));
            bad |= api->peek() != NULL;
            /* the child may profile itself afresh */
            api->start();
            void *p = malloc(1 << 20);
            const ts_mem_event_t *e = api->peek();
            bad |= e == NULL || e->kind != TS_MEM_EV_ALLOC || e->ptr != (uint64_t)(uintptr_t)p;
            api->stop();
            _exit(bad ? 3 : 0);
        }
        int status = 0;
        if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)
            && WEXITSTATUS(status) == 0)
            children_ok++;
        drain();
    }
    atomic_store(&stop_workers, 1);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    free(malloc(1 << 20)); /* the parent still counts */
    api->stop();
    drain();
    printf("  fork x20 with 4 allocating threads: %d children ok; parent saw %llu ALLOC events\n",
           children_ok, (unsigned long long)seen.n[TS_MEM_EV_ALLOC]);
    CHECK(children_ok == 20);
    CHECK(seen.n[TS_MEM_EV_ALLOC] > 0);
}

static void *
short_thread(void *arg)
{
    free(malloc((size_t)(uintptr_t)arg));
    return arg;
}

static void
test_many_threads(void)
{
    api->configure(64 * 1024, 64 * 1024, fake_capture);
    reset_seen();
    api->start();
    int ok = 0;
    for (int i = 0; i < 10000; i += 50) {
        pthread_t th[50];
        for (int k = 0; k < 50; k++)
            if (pthread_create(&th[k], NULL, short_thread, (void *)(uintptr_t)(1000 + i + k)) != 0)
                th[k] = 0;
        for (int k = 0; k < 50; k++) {
            void *r = NULL;
            if (th[k] && pthread_join(th[k], &r) == 0 && r == (void *)(uintptr_t)(1000 + i + k))
                ok++;
        }
        drain();
    }
    api->stop();
    drain();
    printf("  10000 short threads: %d joined with the right result\n", ok);
    CHECK(ok == 10000);
}

static void
test_ring_full_drops(void)
{
    api->configure(4096, 0, fake_capture);
    reset_seen();
    ts_mem_counters_t before, after;
    api->counters(&before);
    api->start();
    for (int i = 0; i < 6000; i++) /* >= R: one event each, never drained */
        free(malloc(8192));
    api->stop();
    api->counters(&after);
    drain();
    uint64_t dropped = after.dropped_events - before.dropped_events;
    printf("  6000 sampled malloc/free pairs into a 4096-event ring, not drained: %llu dropped\n",
           (unsigned long long)dropped);
    /* 2048 malloc/free pairs fill the ring; each later ALLOC is dropped and
     * its pointer not remembered, so its free pushes nothing */
    CHECK(seen.n[TS_MEM_EV_ALLOC] + seen.n[TS_MEM_EV_FREE] == 4096);
    CHECK(dropped == 6000 - 2048);
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Times malloc/free pairs and small memcpys; prints ns per operation. */
static int
bench(const char *label)
{
    enum { N = 20000000 };
    void *(*volatile mal)(size_t) = malloc;
    void (*volatile fre)(void *) = free;
    void *(*volatile cp)(void *, const void *, size_t) = memcpy;
    void *slots[16] = {0};
    double t0 = now_s();
    for (int i = 0; i < N; i++) {
        fre(slots[i & 15]);
        slots[i & 15] = mal(16 + (size_t)(i & 1023));
    }
    double t1 = now_s();
    char a[256], b[256];
    memset(a, 1, sizeof a);
    for (int i = 0; i < N; i++)
        cp(b + (i & 7), a, 64 + (size_t)(i & 127));
    double t2 = now_s();
    for (int i = 0; i < 16; i++)
        fre(slots[i]);
    printf("bench %s: malloc+free %.2f ns/pair, memcpy(64..191 B) %.2f ns\n", label,
           (t1 - t0) / N * 1e9, (t2 - t1) / N * 1e9);
    return 0;
}

/* --attach mode: the library was dlopen'ed into this running process and
 * patched it (got_patch.c) instead of being preloaded. */
static const char *late_lib_path; /* main thread sets once */
static void *(*malloc_before_attach)(size_t); /* libc's, looked up before */

/* Loads the preload library at path like the extension does; NULL if that
 * fails. */
static const ts_mem_api_t *
attach(const char *path)
{
    *(void **)&malloc_before_attach = dlsym(RTLD_DEFAULT, "malloc");
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return NULL;
    }
    const ts_mem_api_t *(*get)(void);
    *(void **)&get = dlsym(h, "triscope_preload_api");
    const ts_mem_api_t *a = get ? get() : NULL;
    if (a && a->attach() != 0) {
        fprintf(stderr, "attach failed\n");
        return NULL;
    }
    return a;
}

static void
test_attach_patched(void)
{
    CHECK(api->preloaded() == 0);
    ts_got_stats_t st;
    api->got_stats(&st);
    printf("  attach sweep: %llu objects, %llu slots seen, %llu patched, %llu foreign, "
           "%llu unwritable\n", (unsigned long long)st.objects, (unsigned long long)st.seen,
           (unsigned long long)st.patched, (unsigned long long)st.foreign,
           (unsigned long long)st.unwritable);
    CHECK(st.sweeps >= 1 && st.objects >= 2 && st.patched >= 4);
    CHECK(api->attach() == 0); /* idempotent */
    /* A look-up by name hands out the hook, as LD_PRELOAD would. */
    void *(*m)(size_t);
    *(void **)&m = dlsym(RTLD_DEFAULT, "malloc");
    CHECK(m != NULL && m != malloc_before_attach);
}

/* A library loaded after the attach: its malloc and memcpy are counted
 * once something was looked up in it; RTLD_NEXT and RUNPATH still work. */
static void
test_attach_late_library(void)
{
    void *h = dlopen(late_lib_path, RTLD_NOW | RTLD_LOCAL);
    CHECK(h != NULL);
    if (!h) {
        fprintf(stderr, "  %s\n", dlerror());
        return;
    }
    void *(*lmalloc)(size_t), (*lfree)(void *), *(*lcopy)(void *, const void *, size_t);
    void *(*lnext)(const char *), *(*lopen)(const char *), *(*ldefault)(const char *);
    *(void **)&lmalloc = dlsym(h, "ts_late_malloc");
    *(void **)&lfree = dlsym(h, "ts_late_free");
    *(void **)&lcopy = dlsym(h, "ts_late_copy");
    *(void **)&lnext = dlsym(h, "ts_late_next");
    *(void **)&lopen = dlsym(h, "ts_late_open_by_name");
    *(void **)&ldefault = dlsym(h, "ts_late_default");
    CHECK(lmalloc && lfree && lcopy && lnext && lopen && ldefault);
    if (!(lmalloc && lfree && lcopy && lnext && lopen && ldefault))
        return;
    reset_seen();
    api->configure(64 * 1024, 64 * 1024, fake_capture);
    api->start();
    void *big = lmalloc(8 << 20); /* >= R: always sampled */
    static char src[1 << 20], dst[1 << 20];
    for (int i = 0; i < 16; i++)
        lcopy(dst, src, sizeof dst);
    lfree(big);
    api->stop();
    drain();
    CHECK(seen.n[TS_MEM_EV_ALLOC] >= 1 && seen.weight[TS_MEM_EV_ALLOC] >= (8 << 20));
    CHECK(seen.n[TS_MEM_EV_FREE] >= 1);
    CHECK_NEAR(seen.weight[TS_MEM_EV_COPY], 16.0 * sizeof dst, 0.5 * 16.0 * sizeof dst);
    /* RTLD_NEXT from the late library finds late_probe.so's definition (2);
     * had the hook become the caller, it would find none. */
    int (*next_probe)(void);
    *(void **)&next_probe = lnext("ts_late_probe");
    CHECK(next_probe != NULL && next_probe() == 2);
    /* RTLD_DEFAULT from the late library searches its own local scope too:
     * its own definition (1); had the hook become the caller, none. */
    int (*own_probe)(void);
    *(void **)&own_probe = ldefault("ts_late_probe");
    CHECK(own_probe != NULL && own_probe() == 1);
    /* ... and hands out the hook for a hooked function. */
    CHECK(ldefault("malloc") != NULL && ldefault("malloc") != (void *)malloc_before_attach);
    /* Bare name, found through the late library's RUNPATH only. */
    void *sub = lopen("late_probe_sub.so");
    CHECK(sub != NULL);
    if (sub)
        dlclose(sub);
}

int
main(int argc, char **argv)
{
    api = NULL;
    int attached = 0;
    if (argc > 3 && strcmp(argv[1], "--attach") == 0) {
        late_lib_path = argv[3];
        api = attach(argv[2]);
        if (!api)
            return 2;
        attached = 1;
        argc = 1;
    }
    const ts_mem_api_t *(*get)(void) =
        (const ts_mem_api_t *(*)(void))dlsym(RTLD_DEFAULT, "triscope_preload_api");
    if (get && !attached)
        api = get();
    if (argc > 1 && strcmp(argv[1], "--bench") == 0) {
        if (api && argc > 2 && strcmp(argv[2], "on") == 0) {
            api->configure(512 * 1024, 512 * 1024, fake_capture);
            api->start();
            int rc = bench("preload, counting on (R=512 KiB)");
            api->stop();
            return rc;
        }
        return bench(api ? "preload, counting off" : "no preload");
    }
    if (!api) {
        fprintf(stderr, "triscope_preload_api not found: run with LD_PRELOAD, or with "
                        "--attach <preload library> <late_lib.so>\n");
        return 2;
    }
    RUN(test_api);
    if (attached) {
        RUN(test_attach_patched);
        RUN(test_attach_late_library);
    }
    RUN(test_libc_semantics);
    RUN(test_alloc_weights);
    RUN(test_copy_weights);
    RUN(test_extension_path);
    RUN(test_before_start);
    RUN(test_birth_frames);
    RUN(test_fork_while_allocating);
    RUN(test_many_threads);
    RUN(test_ring_full_drops);
    return CHECK_SUMMARY();
}

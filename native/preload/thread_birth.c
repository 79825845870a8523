/* thread_birth.c -- pthread_create: where native threads come from.
 *
 * Problem: a thread started by C code (a BLAS pool, a compression worker)
 * has no Python frames, so its allocations would land in "<native>" with no
 * line.  The line that created it is the best answer.
 *
 * Approach: while counting is on, pthread_create captures the creating
 * thread's frames (through the extension's capture callback, or the
 * creator's own birth frames if it is itself a native thread) into a small
 * block from the real malloc, and starts the thread at a trampoline that
 * copies them into the new thread's TLS (birth_frames, has_birth), frees
 * the block and calls the user's start routine with the user's argument.
 * The recorder uses the birth frames when a capture on that thread finds no
 * Python frames, and marks such events birth = 1.
 *
 * Thread watching (ts_thread_watch_t, mem_protocol.h): once the extension
 * registered a watch, every thread goes through the trampoline, counting on
 * or off: it calls the watch's on_start in the new thread before the start
 * routine, and stores the cookie it returns under a pthread key whose
 * destructor calls on_end in the same thread as it ends (the start routine
 * returned, pthread_exit -- which CPython's threads call -- or
 * cancellation).  Threads created while the creator is busy (triscope's own
 * threads: the drain, NVML's) are neither recorded nor watched.  With
 * counting off and no watch, pthread_create is a pure pass-through.
 */
#define TS_HOOKS_HOME_THREAD_BIRTH 1 /* hooks.h: the alias defined here */
#include <errno.h>
#include <pthread.h>

#include "hooks.h"
#include "mem_protocol.h"
#include "real.h"
#include "recorder.h"

typedef struct birth {
    void *(*start)(void *);
    void *arg;
    uint16_t n_frames;
    uint8_t watched; /* call the watch's on_start in the new thread */
    ts_frame_t frames[TS_MEM_MAX_FRAMES];
} birth_t;

/* Owner: watch_threads sets it once (release); read by pthread_create, the
 * trampoline and the key destructor. */
static _Atomic(const ts_thread_watch_t *) watch;
/* Owner: watch_threads creates it before publishing `watch`; read after. */
static pthread_key_t end_key;
/* Owner: the first watch_threads call claims it (one watch per process). */
static _Atomic int watch_claimed;

/* The key destructor: the thread is ending.  Not async-signal-safe. */
static void
thread_ending(void *cookie)
{
    const ts_thread_watch_t *w = atomic_load_explicit(&watch, memory_order_acquire);
    ts_mem_tls_t *t = &_ts_tls;
    t->busy++;
    w->on_end(cookie);
    t->busy--;
}

static void *
trampoline(void *arg)
{
    birth_t *b = arg;
    void *(*start)(void *) = b->start;
    void *user_arg = b->arg;
    ts_mem_tls_t *t = &_ts_tls;
    if (b->n_frames > 0) {
        for (int i = 0; i < b->n_frames; i++)
            t->birth_frames[i] = b->frames[i];
        t->n_birth_frames = b->n_frames;
        t->has_birth = 1;
    }
    const ts_thread_watch_t *w =
        b->watched ? atomic_load_explicit(&watch, memory_order_acquire) : NULL;
    if (w != NULL) {
        t->busy++;
        void *cookie = w->on_start(b->frames, b->n_frames);
        if (cookie != NULL)
            pthread_setspecific(end_key, cookie);
        t->busy--;
    }
    _ts_real.free(b);
    return start(user_arg);
}

/* A birth block for a thread about to be created, or NULL when there is
 * nothing to pass on (or no memory: the thread then simply has no birth). */
static birth_t *
capture_birth(void *(*start)(void *), void *arg, int watched)
{
    ts_mem_tls_t *t = &_ts_tls;
    if (t->busy != 0)
        return NULL;
    birth_t *b = _ts_real.malloc(sizeof *b);
    if (!b)
        return NULL;
    uint8_t birth;
    t->busy++;
    _ts_rec_frames(t, b->frames, &b->n_frames, &birth);
    t->busy--;
    if (b->n_frames == 0 && !watched) {
        _ts_real.free(b);
        return NULL;
    }
    b->start = start;
    b->arg = arg;
    b->watched = (uint8_t)watched;
    return b;
}

/* In a fork child: the forking thread's cookie names a slot of the
 * parent's session. */
static void
forget_cookie_in_child(void)
{
    pthread_setspecific(end_key, NULL);
}

int
_ts_birth_watch(const ts_thread_watch_t *w)
{
    int expected = 0;
    if (!atomic_compare_exchange_strong(&watch_claimed, &expected, 1))
        return atomic_load_explicit(&watch, memory_order_acquire) != NULL ? 0 : -1;
    if (pthread_key_create(&end_key, thread_ending) != 0)
        return -1;
    pthread_atfork(NULL, NULL, forget_cookie_in_child);
    if (w->capture != NULL)
        _ts_rec_set_capture(w->capture);
    atomic_store_explicit(&watch, w, memory_order_release);
    return 0;
}

__attribute__((visibility("default"))) int
pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
    int (*f)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *) =
        __atomic_load_n(&_ts_real.pthread_create, __ATOMIC_RELAXED);
    if (__builtin_expect(f == NULL, 0)) {
        _ts_real_resolve();
        f = __atomic_load_n(&_ts_real.pthread_create, __ATOMIC_RELAXED);
        if (f == NULL)
            return EAGAIN; /* no pthread_create behind us: cannot happen with glibc */
    }
    int watched = atomic_load_explicit(&watch, memory_order_relaxed) != NULL;
    if (__builtin_expect(atomic_load_explicit(&_ts_ctl.active_gen, memory_order_relaxed) == 0, 1)
        && !watched)
        return f(thread, attr, start, arg);
    birth_t *b = capture_birth(start, arg, watched);
    if (!b)
        return f(thread, attr, start, arg);
    int rc = f(thread, attr, trampoline, b);
    if (rc != 0)
        _ts_real.free(b);
    return rc;
}

/* _ts_hook_pthread_create (hooks.def, home THREAD_BIRTH). */
#define TS_HOOK TS_HOOK_ALIAS_IF_HERE
#include "hooks.def"
#undef TS_HOOK

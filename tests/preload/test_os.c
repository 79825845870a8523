/* Tests of the OS seam (native/base/os.h, os_linux.c) that the preload and
 * the extension share: thread pointer against the TLS model, thread ids and
 * the kernel's CPU-clock encoding both ways, the thread-directed sigevent
 * (a timer made with it signals the right thread). */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "os.h"

static __thread __attribute__((tls_model("initial-exec"))) int tls_probe;

/* Owner: the signal handler writes it; the main thread reads it. */
static _Atomic pid_t signalled_tid;
static void *_Atomic signalled_value;

static void
on_signal(int signo, siginfo_t *si, void *uc)
{
    (void)signo;
    (void)uc;
    atomic_store(&signalled_value, si->si_value.sival_ptr);
    atomic_store(&signalled_tid, ts_os_thread_id());
}

/* The offset of an initial-exec TLS variable from the thread pointer is the
 * same in every thread. */
static void *
offset_in_thread(void *arg)
{
    (void)arg;
    return (void *)((char *)&tls_probe - (char *)ts_os_thread_pointer());
}

static void
test_thread_pointer(void)
{
    void *here = offset_in_thread(NULL);
    void *there = NULL;
    pthread_t t;
    CHECK(pthread_create(&t, NULL, offset_in_thread, NULL) == 0);
    pthread_join(t, &there);
    CHECK(here == there);
    CHECK(ts_os_thread_pointer() != NULL);
}

static void
test_cpu_clocks(void)
{
    pid_t tid = ts_os_thread_id();
    CHECK(tid > 0);
    CHECK(ts_os_thread_id() == tid);
    clockid_t clock;
    CHECK(pthread_getcpuclockid(pthread_self(), &clock) == 0);
    CHECK(ts_os_tid_from_cpu_clock(clock) == tid);
    CHECK(ts_os_cpu_clock_of_tid(tid) == clock);
    CHECK(ts_os_clock_ns(ts_os_cpu_clock_of_tid(tid)) > 0);
    CHECK(ts_os_clock_ns(CLOCK_MONOTONIC) > 0);
    CHECK(ts_os_clock_ns((clockid_t)-1000) == 0); /* no such clock */
}

static void
test_sigevent_for_thread(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGRTMIN + 3, &sa, NULL) == 0);
    int marker;
    struct sigevent sev;
    ts_os_sigevent_for_thread(&sev, ts_os_thread_id(), SIGRTMIN + 3, &marker);
    CHECK(sev.sigev_notify == SIGEV_THREAD_ID);
    timer_t timer;
    CHECK(timer_create(CLOCK_MONOTONIC, &sev, &timer) == 0);
    struct itimerspec its = {.it_value = {.tv_sec = 0, .tv_nsec = 1000000}};
    CHECK(timer_settime(timer, 0, &its, NULL) == 0);
    for (int i = 0; i < 2000 && atomic_load(&signalled_tid) == 0; i++)
        usleep(1000);
    CHECK(atomic_load(&signalled_tid) == ts_os_thread_id());
    CHECK(atomic_load(&signalled_value) == &marker);
    timer_delete(timer);
}

/* The kinds themselves are exercised by test_interpose --attach (its sweep
 * patches only the slots the seam classifies); here: type 0 (R_*_NONE on
 * every architecture) is no slot, and this architecture can be patched. */
static void
test_reloc_kinds(void)
{
    CHECK(ts_os_reloc_kind(0) == TS_OS_RELOC_OTHER);
#if defined(__x86_64__) || defined(__aarch64__)
    CHECK(TS_OS_HAVE_GOT_PATCH == 1);
#endif
}

int
main(void)
{
    RUN(test_thread_pointer);
    RUN(test_cpu_clocks);
    RUN(test_sigevent_for_thread);
    RUN(test_reloc_kinds);
    return CHECK_SUMMARY();
}

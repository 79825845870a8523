/* drain_thread.c -- the drain thread and the SIGTERM hand-off (see
 * drain_thread.h).  Owns the thread, its wake-up pipe, the pass function it
 * runs, the SIGTERM handler and its Python callback. */
#include "drain_thread.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mem_hooks.h"
#include "os.h"
#include "rng.h"

#define WAKE_STOP 'S'
#define WAKE_TERM 'T'

/* Owner: created by start (GIL holder), read by the drain thread, written
 * by stop and by the SIGTERM handler (one-byte writes). */
static int wake_fds[2] = {-1, -1};
/* Owner: the GIL holder (start, stop, fork hooks). */
static pthread_t thread;             /* valid while thread_alive */
static int thread_alive;
/* Owner: written by stop (any thread), read by the drain thread. */
static _Atomic int stop_requested;
/* Owner: the drain thread writes them; any thread reads. */
static _Atomic(const void *) drain_tstate; /* its thread state */
static _Atomic pid_t drain_tid;            /* its kernel thread id */
/* Owner: start (GIL holder) writes them before the thread exists; the
 * thread reads them (immutable while it runs). */
static uint64_t interval_ns;
static ts_drain_pass_fn pass_fn;
/* Owner: watch_sigterm (GIL holder) writes them; the SIGTERM handler reads
 * watched_pid, the drain thread calls term_callback (GIL held). */
static pid_t watched_pid;            /* the process whose SIGTERM we handle */
static PyObject *term_callback;      /* strong reference */
static int sigterm_installed;

/* Gives `signo` back its default action.  Async-signal-safe. */
static void
restore_default(int signo)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(signo, &dfl, NULL);
}

/* Ends the process by `signo`'s default action, as if nobody had handled
 * it.  Async-signal-safe. */
static void
die_by_default(int signo)
{
    restore_default(signo);
    kill(getpid(), signo); /* delivered to a thread that does not block it */
}

/* The SIGTERM handler (getpid, write, sigaction, kill).  Async-signal-safe. */
static void
on_sigterm(int signo)
{
    int saved_errno = errno;
    if (getpid() == watched_pid && wake_fds[1] >= 0) {
        char c = WAKE_TERM;
        if (write(wake_fds[1], &c, 1) == 1)
            goto out;
    }
    /* Not our process (a fork child), or no drain thread: act as if we were
     * never here. */
    die_by_default(signo);
out:
    errno = saved_errno;
}

/* Runs the SIGTERM callback, then ends the process.  Drain thread, GIL
 * held.  Not async-signal-safe. */
static void
run_terminate(void)
{
    int die = 1;
    if (term_callback) {
        PyObject *r = PyObject_CallObject(term_callback, NULL);
        if (!r)
            PyErr_Clear();
        /* False: another thread is already ending the process (it is
         * writing the profile and waits for this thread): let it. */
        die = r != Py_False;
        Py_XDECREF(r);
    }
    ts_drain_unwatch_sigterm();
    if (die)
        die_by_default(SIGTERM);
}

static void *
drain_main(void *arg)
{
    (void)arg;
    atomic_store(&drain_tid, ts_os_thread_id());
    ts_mem_busy_enter(); /* everything this thread allocates is triscope's */
    PyGILState_STATE gil = PyGILState_Ensure();
    atomic_store(&drain_tstate, (const void *)PyThreadState_Get());
    PyThreadState *self = PyEval_SaveThread();
    ts_rng_t rng;
    ts_rng_seed(&rng, ts_os_clock_ns(CLOCK_MONOTONIC));
    int terminate = 0;
    while (!atomic_load(&stop_requested) && !terminate) {
        uint64_t ns = ts_rng_exponential_ns(&rng, interval_ns);
        /* jitter around the mean without the exponential's long tail */
        ns = interval_ns / 2 + ns / 2;
        struct timespec timeout = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
        struct pollfd pfd = {.fd = wake_fds[0], .events = POLLIN};
        int rc = ppoll(&pfd, 1, &timeout, NULL);
        if (rc > 0) {
            char buf[16];
            ssize_t n = read(wake_fds[0], buf, sizeof buf);
            for (ssize_t i = 0; i < n; i++)
                terminate |= buf[i] == WAKE_TERM;
        }
        if (atomic_load(&stop_requested))
            break;
        PyEval_RestoreThread(self);
        if (terminate)
            run_terminate();
        else
            pass_fn();
        self = PyEval_SaveThread();
    }
    PyEval_RestoreThread(self);
    atomic_store(&drain_tstate, NULL);
    PyGILState_Release(gil);
    ts_mem_busy_leave();
    return NULL;
}

/* pthread_join returns when the kernel clears the thread's tid, slightly
 * before the thread leaves the process's thread count; CPython 3.12+ reads
 * that count right after fork() to decide whether to warn.  Waits (at most
 * 100 ms) until the thread is no longer listed. */
static void
wait_until_reaped(pid_t tid)
{
    for (int i = 0; i < 1000 && tid > 0 && ts_os_thread_listed(tid); i++) {
        struct timespec pause = {0, 100000};
        nanosleep(&pause, NULL);
    }
}

int
ts_drain_thread_start(uint64_t ns, ts_drain_pass_fn pass, ts_error_t *err)
{
    if (thread_alive)
        return 0;
    if (wake_fds[0] < 0 && pipe2(wake_fds, O_CLOEXEC | O_NONBLOCK) < 0)
        return ts_error_set(err, TS_ERR_OS, errno, "cannot create the drain thread's pipe: %s",
                            strerror(errno));
    interval_ns = ns;
    pass_fn = pass;
    atomic_store(&stop_requested, 0);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&thread, NULL, drain_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return ts_error_set(err, TS_ERR_OS, rc, "cannot start the drain thread: %s", strerror(rc));
    thread_alive = 1;
    return 0;
}

int
ts_drain_thread_is_current(void)
{
    return thread_alive && pthread_equal(thread, pthread_self());
}

const void *
ts_drain_thread_state(void)
{
    return atomic_load(&drain_tstate);
}

void
ts_drain_thread_stop(void)
{
    if (!thread_alive)
        return;
    atomic_store(&stop_requested, 1);
    if (ts_drain_thread_is_current())
        return; /* it ends after this pass; nobody joins it (detach) */
    char c = WAKE_STOP;
    if (write(wake_fds[1], &c, 1) < 0) {
        /* the pipe is non-blocking and nearly empty: cannot fail usefully */
    }
    Py_BEGIN_ALLOW_THREADS
    pthread_join(thread, NULL);
    wait_until_reaped(atomic_load(&drain_tid));
    Py_END_ALLOW_THREADS
    thread_alive = 0;
}

/* Fills *err from errno after a failed sigaction. */
static int
sigaction_failed(ts_error_t *err)
{
    return ts_error_set(err, TS_ERR_OS, errno, "cannot handle SIGTERM: %s", strerror(errno));
}

int
ts_drain_watch_sigterm(PyObject *callback, ts_error_t *err)
{
    struct sigaction current;
    if (sigaction(SIGTERM, NULL, &current) < 0)
        return sigaction_failed(err);
    if (current.sa_handler != SIG_DFL && current.sa_handler != on_sigterm)
        return 0; /* the program handles SIGTERM itself: leave it alone */
    Py_XINCREF(callback);
    Py_XSETREF(term_callback, callback);
    watched_pid = getpid();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigterm;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) < 0)
        return sigaction_failed(err);
    sigterm_installed = 1;
    return 0;
}

void
ts_drain_unwatch_sigterm(void)
{
    struct sigaction current;
    if (sigterm_installed && sigaction(SIGTERM, NULL, &current) == 0
        && current.sa_handler == on_sigterm)
        restore_default(SIGTERM);
    sigterm_installed = 0;
}

void
ts_drain_release_sigterm(void)
{
    int pending = 0;
    if (!thread_alive && wake_fds[0] >= 0) {
        char buf[16];
        ssize_t n;
        while ((n = read(wake_fds[0], buf, sizeof buf)) > 0) {
            for (ssize_t i = 0; i < n; i++)
                pending |= buf[i] == WAKE_TERM;
        }
    }
    int ours = sigterm_installed;
    ts_drain_unwatch_sigterm();
    if (pending && ours)
        kill(getpid(), SIGTERM); /* default action now: the process ends as it should have */
}

void
ts_drain_after_fork_child(void)
{
    ts_drain_unwatch_sigterm();
    thread_alive = 0;
    atomic_store(&drain_tstate, NULL);
    if (wake_fds[0] >= 0) {
        close(wake_fds[0]);
        close(wake_fds[1]);
        wake_fds[0] = wake_fds[1] = -1;
    }
}

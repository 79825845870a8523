/* os_linux.h -- the operating-system and architecture seam.  The only place
 * that reads a ucontext or names a Linux-specific clock encoding.
 * Everything here is async-signal-safe. */
#ifndef TRISCOPE_OS_LINUX_H
#define TRISCOPE_OS_LINUX_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <ucontext.h>

#if !defined(__linux__)
#error "triscope's sampler needs Linux (per-thread CPU-clock timers, SIGEV_THREAD_ID)"
#endif

/* The interrupted instruction pointer from a signal handler's context. */
static inline uintptr_t
ts_os_context_ip(const void *ucontext)
{
    const ucontext_t *uc = ucontext;
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#else
    (void)uc;
    return 0; /* unknown architecture: every sample classifies by GIL/opcode only */
#endif
}

/* Kernel thread id encoded in a thread CPU-clock id (the kernel ABI:
 * clockid = (~tid << 3) | CPUCLOCK_PERTHREAD_MASK | CPUCLOCK_SCHED). */
static inline pid_t
ts_os_tid_from_cpu_clock(clockid_t clock)
{
    return (pid_t)~(clock >> 3);
}

static inline uint64_t
ts_os_clock_ns(clockid_t clock)
{
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif

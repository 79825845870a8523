/* os_linux_inline.h -- owns the inline part of the Linux seam (os.h): the
 * functions hot paths call (the signal handler, the allocator hooks).
 * Included only by os.h. */
#ifndef TRISCOPE_OS_LINUX_INLINE_H
#define TRISCOPE_OS_LINUX_INLINE_H

#ifndef TRISCOPE_OS_H
#error "include os.h, not os_linux_inline.h"
#endif

#include <stdint.h>
#include <time.h>
#include <ucontext.h>

#if defined(__has_builtin)
#if __has_builtin(__builtin_thread_pointer)
#define TS_OS_HAVE_BUILTIN_THREAD_POINTER 1
#endif
#endif

/* Relocation kinds are known (os_linux.c) on these architectures. */
#if defined(__x86_64__) || defined(__aarch64__)
#define TS_OS_HAVE_GOT_PATCH 1
#else
#define TS_OS_HAVE_GOT_PATCH 0
#endif

/* The calling thread's thread pointer: what the ABI's TLS model is based
 * on, %fs:0 (the TCB's self pointer) on x86_64, TPIDR_EL0 on aarch64.  The
 * extension reaches the preload's per-thread block as thread pointer +
 * tls_offset() (mem_protocol.h), so both sides read it with this one
 * function.  On x86_64 one load, whatever the compiler; elsewhere the
 * compiler's builtin where it has one.  Async-signal-safe. */
static inline void *
ts_os_thread_pointer(void)
{
#if defined(__x86_64__)
    void *tp;
    __asm__("mov %%fs:0, %0" : "=r"(tp));
    return tp;
#elif defined(TS_OS_HAVE_BUILTIN_THREAD_POINTER)
    return __builtin_thread_pointer();
#elif defined(__aarch64__)
    void *tp;
    __asm__("mrs %0, tpidr_el0" : "=r"(tp));
    return tp;
#else
#error "triscope: no thread pointer for this architecture"
#endif
}

/* The interrupted instruction pointer from a signal handler's context.
 * Async-signal-safe. */
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

/* `clock` in nanoseconds, 0 on error.  Async-signal-safe. */
static inline uint64_t
ts_os_clock_ns(clockid_t clock)
{
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif

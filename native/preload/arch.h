/* arch.h -- the one architecture seam of the preload library: reading the
 * thread pointer.
 *
 * The extension reaches the preload's per-thread block as
 * thread_pointer + tls_offset() (see mem_protocol.h), so both sides must
 * agree on what "thread pointer" means: the value the ABI's TLS model is
 * based on -- %fs:0 (the TCB's self pointer) on x86_64, TPIDR_EL0 on
 * aarch64.  __builtin_thread_pointer() returns exactly that where the
 * compiler supports it; otherwise read the register by hand.  Nothing else in
 * native/preload tests an architecture macro.
 */
#ifndef TRISCOPE_PRELOAD_ARCH_H
#define TRISCOPE_PRELOAD_ARCH_H

#if defined(__has_builtin)
#if __has_builtin(__builtin_thread_pointer)
#define TS_HAVE_BUILTIN_THREAD_POINTER 1
#endif
#endif

/* The calling thread's thread pointer.  Async-signal-safe; called from
 * malloc. */
static inline void *
ts_thread_pointer(void)
{
#if defined(TS_HAVE_BUILTIN_THREAD_POINTER)
    return __builtin_thread_pointer();
#elif defined(__x86_64__)
    void *tp;
    __asm__("mov %%fs:0, %0" : "=r"(tp));
    return tp;
#elif defined(__aarch64__)
    void *tp;
    __asm__("mrs %0, tpidr_el0" : "=r"(tp));
    return tp;
#else
#error "triscope preload: no thread pointer for this architecture"
#endif
}

#endif

/* os.h -- the operating-system and architecture seam: owns every fact about
 * the platform that the rest of triscope needs (the thread pointer, signal
 * contexts, per-thread CPU clocks and timers, thread ids, random bits,
 * relocation types).
 *
 * Contract.  Every platform provides, in os_<platform>.c and, for what must
 * stay inline on hot paths, os_<platform>_inline.h (included only here):
 *
 *   ts_os_thread_pointer()      the ABI's thread pointer, the base the
 *                               initial-exec TLS model adds offsets to;
 *                               inline.  Async-signal-safe.
 *   ts_os_context_ip(uc)        the interrupted instruction pointer in a
 *                               signal handler's ucontext (0 if unknown);
 *                               inline.  Async-signal-safe.
 *   ts_os_clock_ns(clock)       a clock's reading in ns (0 on error);
 *                               inline.  Async-signal-safe.
 *   ts_os_thread_id()           the calling thread's kernel thread id.
 *                               Async-signal-safe.
 *   ts_os_thread_listed(t)      whether kernel thread t is still among the
 *                               process's threads (a joined thread can
 *                               linger there briefly).  Not async-signal-safe.
 *   ts_os_cpu_clock_of_tid(t)   the CPU-time clock of kernel thread t, and
 *   ts_os_tid_from_cpu_clock(c) its inverse for a thread's CPU clock (from
 *                               pthread_getcpuclockid).  Async-signal-safe.
 *   ts_os_sigevent_for_thread() fills a sigevent that delivers a signal,
 *                               with a pointer value, to one kernel thread
 *                               (for timer_create).  Async-signal-safe.
 *   ts_os_random_u64()          64 unpredictable bits from the kernel's
 *                               random source (for names no one else can
 *                               guess).  Not async-signal-safe.
 *   ts_os_reloc_kind(type)      classifies an ELF relocation type of this
 *                               architecture; TS_OS_HAVE_GOT_PATCH is 1
 *                               where the kinds are known (else every type
 *                               is TS_OS_RELOC_OTHER).  Async-signal-safe.
 *
 * Nothing outside this header and the per-platform files contains inline
 * assembly, register names, relocation type names, libc-private names or
 * kernel ABI encodings.  The implementations call no allocator and no
 * function the preload library interposes (os_linux.c is linked into it,
 * built with -fno-builtin): system calls and clock reads only.
 */
#ifndef TRISCOPE_OS_H
#define TRISCOPE_OS_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* What ts_os_reloc_kind says about a relocation: a PLT call slot, the
 * address of a symbol taken through the GOT, a 64-bit absolute address, or
 * anything else. */
typedef enum ts_os_reloc {
    TS_OS_RELOC_OTHER = 0,
    TS_OS_RELOC_JUMP_SLOT,
    TS_OS_RELOC_GLOB_DAT,
    TS_OS_RELOC_ABS64,
} ts_os_reloc_t;

#if defined(__linux__)
#include "os_linux_inline.h"
#else
#error "triscope needs Linux (per-thread CPU-clock timers, SIGEV_THREAD_ID)"
#endif

/* The calling thread's kernel thread id.  Async-signal-safe. */
pid_t ts_os_thread_id(void);

/* 1 while kernel thread `tid` is still listed among this process's threads
 * (the count that CPython 3.12+ reads after fork() to decide whether to
 * warn), 0 once it is gone.  Not async-signal-safe. */
int ts_os_thread_listed(pid_t tid);

/* The CPU-time clock of kernel thread `tid` (of this process).
 * Async-signal-safe. */
clockid_t ts_os_cpu_clock_of_tid(pid_t tid);

/* The kernel thread id a thread CPU clock (pthread_getcpuclockid) belongs
 * to.  Async-signal-safe. */
pid_t ts_os_tid_from_cpu_clock(clockid_t clock);

/* Fills *sev so that a timer made with it sends `signo`, with `value` as
 * si_value.sival_ptr, to kernel thread `tid` only.  Async-signal-safe. */
void ts_os_sigevent_for_thread(struct sigevent *sev, pid_t tid, int signo, void *value);

/* 64 bits from the kernel's random source (getrandom), or, should it be
 * unavailable, a mix of the clocks, the pid and an address: never the same
 * twice in a process.  Not async-signal-safe. */
uint64_t ts_os_random_u64(void);

/* The kind of relocation `type` (ELF64_R_TYPE of an r_info) on this
 * architecture.  Async-signal-safe. */
ts_os_reloc_t ts_os_reloc_kind(unsigned long type);

#endif

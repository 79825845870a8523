/* os_linux.c -- owns the out-of-line part of the Linux seam (os.h): thread
 * ids, the kernel's encoding of per-thread CPU clocks, thread-directed
 * timer signals, random bits, and the relocation types of x86_64 and aarch64.
 *
 * Linked into the extension and into the preload library: no allocation,
 * no call of anything the preload interposes (memcpy, malloc & co), so
 * nothing here may copy structures by assignment. */
#include "os.h"

#include <elf.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel ABI of thread CPU clocks (also what glibc's
 * pthread_getcpuclockid returns):
 * clockid = (~tid << 3) | CPUCLOCK_PERTHREAD_MASK (4) | CPUCLOCK_SCHED (2). */
#define CPUCLOCK_PERTHREAD_SCHED 6

pid_t
ts_os_thread_id(void)
{
    return (pid_t)syscall(SYS_gettid);
}

int
ts_os_thread_listed(pid_t tid)
{
    /* "/proc/self/task/<tid>", formatted without stdio (this file is linked
     * into the preload library, which must not allocate). */
    static const char prefix[] = "/proc/self/task/";
    char path[sizeof prefix + 12], digits[12];
    int n = 0;
    unsigned long v = tid > 0 ? (unsigned long)tid : 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0 && n < (int)sizeof digits);
    size_t len = sizeof prefix - 1;
    for (size_t i = 0; i < len; i++)
        path[i] = prefix[i];
    while (n > 0)
        path[len++] = digits[--n];
    path[len] = '\0';
    return access(path, F_OK) == 0;
}

clockid_t
ts_os_cpu_clock_of_tid(pid_t tid)
{
    return (clockid_t)(((unsigned)~tid << 3) | CPUCLOCK_PERTHREAD_SCHED);
}

pid_t
ts_os_tid_from_cpu_clock(clockid_t clock)
{
    return (pid_t)~(clock >> 3);
}

void
ts_os_sigevent_for_thread(struct sigevent *sev, pid_t tid, int signo, void *value)
{
    unsigned char *bytes = (unsigned char *)sev;
    for (size_t i = 0; i < sizeof *sev; i++)
        bytes[i] = 0;
    sev->sigev_notify = SIGEV_THREAD_ID;
    sev->sigev_signo = signo;
    sev->sigev_value.sival_ptr = value;
#if defined(sigev_notify_thread_id)
    sev->sigev_notify_thread_id = tid;
#else
    sev->_sigev_un._tid = tid; /* glibc's name; the kernel's headers and musl
                                  call it sigev_notify_thread_id */
#endif
}

uint64_t
ts_os_random_u64(void)
{
    /* Owner: any thread (atomic); the fallback's counter. */
    static unsigned long calls;
    uint64_t v = 0;
    if (getrandom(&v, sizeof v, GRND_NONBLOCK) == (ssize_t)sizeof v)
        return v;
    v = ts_os_clock_ns(CLOCK_REALTIME) ^ (ts_os_clock_ns(CLOCK_MONOTONIC) << 21);
    v ^= (uint64_t)getpid() << 40 ^ (uint64_t)(uintptr_t)&v;
    v += __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED) * 0x9E3779B97F4A7C15ULL;
    v ^= v >> 31;
    v *= 0xBF58476D1CE4E5B9ULL;
    return v ^ (v >> 29);
}

ts_os_reloc_t
ts_os_reloc_kind(unsigned long type)
{
#if defined(__x86_64__)
    switch (type) {
    case R_X86_64_JUMP_SLOT: return TS_OS_RELOC_JUMP_SLOT;
    case R_X86_64_GLOB_DAT: return TS_OS_RELOC_GLOB_DAT;
    case R_X86_64_64: return TS_OS_RELOC_ABS64;
    default: return TS_OS_RELOC_OTHER;
    }
#elif defined(__aarch64__)
    switch (type) {
    case R_AARCH64_JUMP_SLOT: return TS_OS_RELOC_JUMP_SLOT;
    case R_AARCH64_GLOB_DAT: return TS_OS_RELOC_GLOB_DAT;
    case R_AARCH64_ABS64: return TS_OS_RELOC_ABS64;
    default: return TS_OS_RELOC_OTHER;
    }
#else
    (void)type;
    return TS_OS_RELOC_OTHER;
#endif
}

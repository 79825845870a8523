/* safe_read.h -- copy memory that may have been freed or unmapped, without
 * faulting.
 *
 * Code-object pointers captured by the signal handler are unowned: by the
 * time the drain resolves them the object may be gone.  Before taking a
 * reference to a pointer it has never seen, the drain copies the object's
 * header with ts_safe_read and checks it looks like a live code object.
 * process_vm_readv(getpid()) returns EFAULT instead of faulting; where a
 * seccomp policy forbids it, a write() into a pipe does the same job.
 * ts_safe_read is Not async-signal-safe. (Its fallback lazily creates a
 * pipe.)  Used by the drain only.
 */
#ifndef TRISCOPE_SAFE_READ_H
#define TRISCOPE_SAFE_READ_H

#include <stddef.h>

/* Copies n bytes from src into dst.  Returns 0, or -1 if any byte of the
 * source range is unreadable. */
int ts_safe_read(void *dst, const void *src, size_t n);

/* The same with process_vm_readv only: -1 also where that syscall is not
 * allowed.  Async-signal-safe. (One system call, no state.) */
int ts_safe_read_syscall(void *dst, const void *src, size_t n);

#endif

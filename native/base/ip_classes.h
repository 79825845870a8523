/* ip_classes.h -- what kind of machine code an instruction pointer is in.
 *
 * Built once when profiling starts, with dl_iterate_phdr (which may lock),
 * and read-only while the sampling signal can fire; a lookup is a binary
 * search over a small sorted array.  Libraries loaded later are not in
 * the table and classify as TS_IP_OTHER, which is what they are: extension
 * modules and their dependencies.
 */
#ifndef TRISCOPE_IP_CLASSES_H
#define TRISCOPE_IP_CLASSES_H

#include <stdint.h>

enum ts_ip_class {
    TS_IP_OTHER = 0,   /* extension modules, other libraries: native code */
    TS_IP_INTERP = 1,  /* the interpreter: libpython or the python executable */
    TS_IP_RUNTIME = 2, /* libc, libm, the dynamic loader, the vDSO: helpers the
                          interpreter itself calls all the time */
};

/* (Re)builds the table.  Call only while the sampling signal cannot fire.
 * The object containing `self` (triscope's own extension, whose allocator
 * wrappers run inside the interpreter's allocations) counts as interpreter
 * code, and triscope's preload library as runtime; self may be NULL.
 * Returns 0, or -1 if no interpreter text was found. */
int ts_ip_classes_build(const void *self);

/* Classifies ip.  Async-signal-safe. */
enum ts_ip_class ts_ip_classify(uintptr_t ip);

#endif

/* A library the attach-mode tests load AFTER the preload patched the
 * process (test_interpose --attach): its calls must reach the hooks too,
 * dlsym(RTLD_NEXT/RTLD_DEFAULT) from it must still mean "after/from this
 * library", and a
 * dlopen by bare name from it must still search its own RUNPATH.  Built by
 * tests/preload/run.sh with RUNPATH=$ORIGIN/late_sub and a DT_NEEDED on
 * late_probe.so, which defines ts_late_probe; so does this library. */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

__attribute__((visibility("default"))) int ts_late_probe(void) { return 1; }

__attribute__((visibility("default"))) void *
ts_late_malloc(size_t n)
{
    return malloc(n);
}

__attribute__((visibility("default"))) void
ts_late_free(void *p)
{
    free(p);
}

__attribute__((visibility("default"))) void *
ts_late_copy(void *dst, const void *src, size_t n)
{
    return memcpy(dst, src, n);
}

/* The next definition of name after this library.  Not a tail call: the
 * loader must see this library as the caller. */
__attribute__((visibility("default"))) void *
ts_late_next(const char *name)
{
    void *volatile found = dlsym(RTLD_NEXT, name); /* volatile: no tail call */
    return found;
}

/* name in this library's own default scope (global, then its local one). */
__attribute__((visibility("default"))) void *
ts_late_default(const char *name)
{
    void *volatile found = dlsym(RTLD_DEFAULT, name); /* volatile: no tail call */
    return found;
}

/* dlopen by bare name: found only through this library's RUNPATH. */
__attribute__((visibility("default"))) void *
ts_late_open_by_name(const char *name)
{
    return dlopen(name, RTLD_NOW | RTLD_LOCAL);
}

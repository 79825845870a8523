/* Unit tests for ip_classes.h: classifying a native instruction pointer as
 * interpreter, runtime or other. */
#include "check.h"
#include "ip_classes.h"

#include <sys/mman.h>
#include <unistd.h>

static void
test_ip_classes(void)
{
    /* The test binary is the "main executable", which for Python is the
     * interpreter; libc's text is runtime; an anonymous mapping is other. */
    CHECK(ts_ip_classes_build(NULL) == 0);
    CHECK(ts_ip_classify((uintptr_t)&test_ip_classes) == TS_IP_INTERP);
    void *libc_fn = (void *)&getpid; /* not intercepted by the sanitizers */
    CHECK(ts_ip_classify((uintptr_t)libc_fn) == TS_IP_RUNTIME);
    char *anon = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ts_ip_classify((uintptr_t)anon) == TS_IP_OTHER);
    CHECK(ts_ip_classify(0) == TS_IP_OTHER);
    munmap(anon, 4096);
}

int
main(void)
{
    RUN(test_ip_classes);
    return CHECK_SUMMARY();
}

/* Unit tests for safe_read.h: copying memory that may be unmapped without
 * faulting. */
#include "check.h"
#include "safe_read.h"

#include <string.h>
#include <sys/mman.h>

static void
test_safe_read(void)
{
    char src[64] = "hello, safe read", dst[64] = {0};
    CHECK(ts_safe_read(dst, src, sizeof src) == 0 && strcmp(dst, src) == 0);
    CHECK(ts_safe_read(dst, NULL, 8) == -1);
    long page = 4096;
    char *p = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    munmap(p + page, (size_t)page);
    CHECK(ts_safe_read(dst, p + page, 8) == -1);          /* unmapped */
    CHECK(ts_safe_read(dst, p + page - 4, 8) == -1);      /* straddles */
    CHECK(ts_safe_read(dst, p + page - 8, 8) == 0);
    munmap(p, (size_t)page);
}

int
main(void)
{
    RUN(test_safe_read);
    return CHECK_SUMMARY();
}

/* A native thread (no Python state) that allocates: built by the tests and
 * loaded with ctypes.  start_allocating(mb) starts a pthread that mallocs
 * and frees `mb` MB in 1 MB blocks; join_allocating() waits for it. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_t worker;
/* Published so the compiler cannot drop the malloc/free pairs as dead. */
char *volatile last_block;

static void *
run(void *arg)
{
    long mb = (long)arg;
    for (long i = 0; i < mb; i++) {
        char *p = malloc(1 << 20);
        if (p)
            memset(p, 1, 64);
        last_block = p;
        free(last_block);
    }
    return NULL;
}

int
start_allocating(long mb)
{
    return pthread_create(&worker, NULL, run, (void *)mb);
}

int
join_allocating(void)
{
    return pthread_join(worker, NULL);
}

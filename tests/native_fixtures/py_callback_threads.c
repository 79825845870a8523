/* A C library that starts its own pthreads, each calling back into Python:
 * built by the tests and loaded with ctypes (tests/programs/thread_life.py).
 * run_threads(n, batch, cb) starts n threads, `batch` at a time, each
 * calling cb(i) (a ctypes callback: it takes the GIL and makes a thread
 * state for the thread), and joins them.  Returns 0, or an errno. */
#include <pthread.h>

typedef void (*callback_t)(int);

typedef struct job {
    callback_t cb;
    int i;
} job_t;

static void *
run(void *arg)
{
    job_t *j = arg;
    j->cb(j->i);
    return NULL;
}

int
run_threads(int n, int batch, callback_t cb)
{
    pthread_t threads[64];
    job_t jobs[64];
    if (batch > 64)
        batch = 64;
    for (int done = 0; done < n; done += batch) {
        int k = n - done < batch ? n - done : batch;
        for (int i = 0; i < k; i++) {
            jobs[i].cb = cb;
            jobs[i].i = done + i;
            int rc = pthread_create(&threads[i], NULL, run, &jobs[i]);
            if (rc != 0)
                return rc;
        }
        for (int i = 0; i < k; i++)
            pthread_join(threads[i], NULL);
    }
    return 0;
}

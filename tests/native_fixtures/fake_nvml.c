/* A fake libnvidia-ml.so.1 for the GPU tests: exports the NVML functions
 * triscope uses and answers from environment variables, so attribution can
 * be tested without a GPU.  Built by tests/python/test_gpu.py with
 * `cc -shared -fPIC` and loaded through TRISCOPE_NVML_LIBRARY.
 *
 *   FAKE_NVML_INIT_FAIL=1      nvmlInit_v2 fails (NVML_ERROR_DRIVER_NOT_LOADED)
 *   FAKE_NVML_COUNT=N          number of devices (default 1)
 *   FAKE_NVML_NAME=S           device 0's name (default "Fake GPU"); device
 *                              i > 0 is named "S #i", its UUID is
 *                              "GPU-fake-i-0000"
 *   FAKE_NVML_UTIL_FILE=PATH   utilisation %, read from this file at each
 *                              call (missing or unreadable: 0)
 *   FAKE_NVML_MEM_BYTES=N      this process's GPU memory (default 0)
 *   FAKE_NVML_PER_PROCESS=0    per-process queries answer NOT_SUPPORTED
 *   FAKE_NVML_ENTRY=24|32      size of a process-list entry (default 24)
 *   FAKE_NVML_LOG=PATH         appends "name\n" for each call made
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define OK 0
#define NOT_SUPPORTED 3
#define INSUFFICIENT_SIZE 7
#define DRIVER_NOT_LOADED 9

typedef struct { unsigned gpu, memory; } util_t;
typedef struct { unsigned long long total, free, used; } mem_t;
typedef struct {
    unsigned pid;
    unsigned long long ts;
    unsigned sm, mem, enc, dec;
} proc_util_t;

static long
env_long(const char *name, long dflt)
{
    const char *v = getenv(name);
    return v && *v ? strtol(v, NULL, 10) : dflt;
}

static void
logcall(const char *name)
{
    const char *path = getenv("FAKE_NVML_LOG");
    if (!path)
        return;
    FILE *f = fopen(path, "a");
    if (f) {
        fprintf(f, "%s\n", name);
        fclose(f);
    }
}

static unsigned
utilisation(void)
{
    const char *path = getenv("FAKE_NVML_UTIL_FILE");
    unsigned u = 0;
    FILE *f = path ? fopen(path, "r") : NULL;
    if (f) {
        if (fscanf(f, "%u", &u) != 1)
            u = 0;
        fclose(f);
    }
    return u > 100 ? 100 : u;
}

static unsigned long long
mem_bytes(void)
{
    const char *v = getenv("FAKE_NVML_MEM_BYTES");
    return v && *v ? strtoull(v, NULL, 10) : 0;
}

int nvmlInit_v2(void)
{
    logcall("nvmlInit_v2");
    return env_long("FAKE_NVML_INIT_FAIL", 0) ? DRIVER_NOT_LOADED : OK;
}

int nvmlShutdown(void)
{
    logcall("nvmlShutdown");
    return OK;
}

int nvmlDeviceGetCount_v2(unsigned *count)
{
    *count = (unsigned)env_long("FAKE_NVML_COUNT", 1);
    return OK;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned index, void **dev)
{
    *dev = (void *)(unsigned long)(index + 1);
    return OK;
}

int nvmlDeviceGetName(void *dev, char *buf, unsigned len)
{
    const char *name = getenv("FAKE_NVML_NAME");
    unsigned long index = (unsigned long)dev - 1;
    if (index == 0)
        snprintf(buf, len, "%s", name ? name : "Fake GPU");
    else
        snprintf(buf, len, "%s #%lu", name ? name : "Fake GPU", index);
    return OK;
}

int nvmlDeviceGetUUID(void *dev, char *buf, unsigned len)
{
    snprintf(buf, len, "GPU-fake-%lu-0000", (unsigned long)dev - 1);
    return OK;
}

int nvmlDeviceGetUtilizationRates(void *dev, util_t *u)
{
    (void)dev;
    logcall("nvmlDeviceGetUtilizationRates");
    u->gpu = utilisation();
    u->memory = 0;
    return OK;
}

int nvmlDeviceGetMemoryInfo(void *dev, mem_t *m)
{
    (void)dev;
    m->total = 80ULL << 30;
    m->used = mem_bytes();
    m->free = m->total - m->used;
    return OK;
}

int nvmlDeviceGetProcessUtilization(void *dev, proc_util_t *buf, unsigned *count,
                                    unsigned long long last_seen)
{
    (void)dev;
    logcall("nvmlDeviceGetProcessUtilization");
    if (!env_long("FAKE_NVML_PER_PROCESS", 1))
        return NOT_SUPPORTED;
    if (*count < 2 || !buf) {
        *count = 2;
        return INSUFFICIENT_SIZE;
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    unsigned long long now = (unsigned long long)tv.tv_sec * 1000000ULL + (unsigned long long)tv.tv_usec;
    if (now <= last_seen)
        now = last_seen + 1;
    memset(buf, 0, 2 * sizeof *buf);
    buf[0].pid = (unsigned)getpid();
    buf[0].ts = now;
    buf[0].sm = utilisation();
    buf[1].pid = 1; /* another process, always idle */
    buf[1].ts = now;
    *count = 2;
    return OK;
}

int nvmlDeviceGetComputeRunningProcesses_v3(void *dev, unsigned *count, void *buf)
{
    (void)dev;
    logcall("nvmlDeviceGetComputeRunningProcesses_v3");
    if (!env_long("FAKE_NVML_PER_PROCESS", 1))
        return NOT_SUPPORTED;
    long entry = env_long("FAKE_NVML_ENTRY", 24);
    if (*count < 2 || !buf) {
        *count = 2;
        return INSUFFICIENT_SIZE;
    }
    /* two processes: another one first, then us */
    unsigned char *e = buf;
    memset(e, 0, (size_t)(2 * entry));
    unsigned other = 1;
    unsigned long long other_mem = 123ULL << 20;
    memcpy(e, &other, sizeof other);
    memcpy(e + 8, &other_mem, sizeof other_mem);
    unsigned me = (unsigned)getpid();
    unsigned long long mine = mem_bytes();
    memcpy(e + entry, &me, sizeof me);
    memcpy(e + entry + 8, &mine, sizeof mine);
    *count = 2;
    return OK;
}

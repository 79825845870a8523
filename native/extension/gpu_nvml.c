/* gpu_nvml.c -- NVML reached at run time (see gpu_nvml.h).  Owns the
 * loaded library, its function table, the visible devices, the poll
 * buffers and the mode reported.
 *
 * Design.  NVML is reached through a table of function pointers filled by
 * dlsym, with the few struct layouts it needs declared here (from the NVML
 * API reference; see docs/design/engine.md, "GPU").  Two pitfalls shape the
 * code:
 *   - nvmlProcessInfo_t (the _v3 process list) changed size between
 *     drivers (24 bytes on current ones, 32 on some 535 builds).  The
 *     buffer is prefilled with a sentinel byte and the driver's entry size
 *     is learned from how many bytes it wrote, the first time it lists any
 *     process; until then 24 is assumed.
 *   - per-process utilisation samples arrive about every 200 ms, so a
 *     poll often finds none; the previous figure is kept for up to a
 *     second before the process counts as idle.
 * Once a per-process query answers anything but success, "not found" or
 * "insufficient size", the session falls back to device-wide figures for
 * good (mode "device").
 */
#include "gpu_nvml.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NVML_SUCCESS 0
#define NVML_ERROR_NOT_FOUND 6
#define NVML_ERROR_INSUFFICIENT_SIZE 7
#define NVML_VALUE_NOT_AVAILABLE 0xFFFFFFFFFFFFFFFFULL

#define MAX_DEVICES 64
#define MAX_PROCS 256
#define MAX_ENTRY 64        /* the largest process-info entry we accept */
#define MAX_UTIL_SAMPLES 256
#define SENTINEL 0xA5
#define KEEP_UTIL_US 1000000ULL

typedef void *nvml_device_t;
typedef struct { unsigned gpu, memory; } nvml_utilization_t;
typedef struct { unsigned long long total, free, used; } nvml_memory_t;
typedef struct {
    unsigned pid;
    unsigned long long time_stamp; /* microseconds, CLOCK_REALTIME */
    unsigned sm_util, mem_util, enc_util, dec_util;
} nvml_process_util_t;

typedef struct nvml_api {
    int (*init)(void);
    int (*shutdown)(void);
    int (*count)(unsigned *);
    int (*handle)(unsigned, nvml_device_t *);
    int (*name)(nvml_device_t, char *, unsigned);
    int (*uuid)(nvml_device_t, char *, unsigned);
    int (*utilization)(nvml_device_t, nvml_utilization_t *);
    int (*memory)(nvml_device_t, nvml_memory_t *);
    int (*process_util)(nvml_device_t, nvml_process_util_t *, unsigned *, unsigned long long);
    int (*processes)(nvml_device_t, unsigned *, void *);
} nvml_api_t;

typedef struct gpu_device {
    nvml_device_t handle;
    unsigned long long last_seen_us; /* newest utilisation sample read */
    double last_util;                /* this process's last SM utilisation */
    unsigned long long last_util_us; /* when it was sampled */
} gpu_device_t;

/* Owner: the GIL holder (engine start, the drain, engine stop); all of
 * the following. */
static void *library;                    /* dlopen handle, kept once loaded */
static nvml_api_t api;
static int initialised;                  /* nvmlInit succeeded, not shut down */
static gpu_device_t devices[MAX_DEVICES];
static int n_devices;
static int per_process;                  /* per-process queries still answer */
static int entry_size;                   /* learned nvmlProcessInfo_t size, or 0 */
static const char *mode = "absent";
static char device_name[96];
static unsigned char proc_buf[MAX_PROCS * MAX_ENTRY];
static nvml_process_util_t util_buf[MAX_UTIL_SAMPLES];

static unsigned long long
now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (unsigned long long)t.tv_sec * 1000000ULL + (unsigned long long)t.tv_nsec / 1000;
}

static void *
sym(const char *name, const char *fallback)
{
    void *p = dlsym(library, name);
    if (!p && fallback)
        p = dlsym(library, fallback);
    return p;
}

/* Loads the library and fills the table; 0, or -1 if a required function
 * is missing.  Optional: the two per-process queries. */
static int
load(void)
{
    if (!library) {
        const char *path = getenv("TRISCOPE_NVML_LIBRARY");
        library = dlopen(path && *path ? path : "libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!library)
            return -1;
    }
    *(void **)&api.init = sym("nvmlInit_v2", "nvmlInit");
    *(void **)&api.shutdown = sym("nvmlShutdown", NULL);
    *(void **)&api.count = sym("nvmlDeviceGetCount_v2", "nvmlDeviceGetCount");
    *(void **)&api.handle = sym("nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex");
    *(void **)&api.name = sym("nvmlDeviceGetName", NULL);
    *(void **)&api.uuid = sym("nvmlDeviceGetUUID", NULL);
    *(void **)&api.utilization = sym("nvmlDeviceGetUtilizationRates", NULL);
    *(void **)&api.memory = sym("nvmlDeviceGetMemoryInfo", NULL);
    *(void **)&api.process_util = sym("nvmlDeviceGetProcessUtilization", NULL);
    *(void **)&api.processes = sym("nvmlDeviceGetComputeRunningProcesses_v3", NULL);
    if (!api.init || !api.shutdown || !api.count || !api.handle || !api.utilization || !api.memory)
        return -1;
    return 0;
}

/* The index of the device whose UUID starts with the len bytes at
 * prefix ("GPU-..."), or -1. */
static long
index_of_uuid(unsigned count, const char *prefix, size_t len)
{
    char uuid[96];
    for (unsigned i = 0; api.uuid && i < count; i++) {
        nvml_device_t h;
        if (api.handle(i, &h) == NVML_SUCCESS && api.uuid(h, uuid, sizeof uuid) == NVML_SUCCESS
            && strlen(uuid) >= len && strncmp(uuid, prefix, len) == 0)
            return i;
    }
    return -1;
}

/* Indices CUDA_VISIBLE_DEVICES lets the program use: fills out[] and
 * returns how many, or -1 for "all" (unset, or MIG instances, which are
 * not mapped). */
static int
visible_indices(unsigned count, unsigned *out, int cap)
{
    const char *env = getenv("CUDA_VISIBLE_DEVICES");
    if (!env)
        return -1;
    int n = 0;
    const char *p = env;
    while (*p && n < cap) {
        while (*p == ' ')
            p++;
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p && strncmp(p, "GPU-", 4) == 0) {
            end = (char *)p + strcspn(p, ", ");
            v = index_of_uuid(count, p, (size_t)(end - p));
        }
        else if (end == p) { /* "MIG-..." or something else */
            return n == 0 && *p ? -1 : n;
        }
        if (v < 0 || (unsigned long)v >= count)
            break; /* CUDA stops at the first invalid entry */
        out[n++] = (unsigned)v;
        p = end;
        while (*p == ' ')
            p++;
        if (*p != ',')
            break;
        p++;
    }
    return n;
}

int
ts_gpu_open(void)
{
    if (initialised)
        return n_devices;
    n_devices = 0;
    device_name[0] = '\0';
    mode = "absent";
    if (load() < 0) {
        mode = library ? "unreadable" : "absent"; /* missing functions, or no driver */
        return 0;
    }
    if (api.init() != NVML_SUCCESS) {
        mode = "unreadable";
        return 0;
    }
    initialised = 1;
    unsigned count = 0;
    if (api.count(&count) != NVML_SUCCESS) {
        ts_gpu_close();
        mode = "unreadable";
        return 0;
    }
    if (count > MAX_DEVICES)
        count = MAX_DEVICES;
    unsigned idx[MAX_DEVICES];
    int n = visible_indices(count, idx, MAX_DEVICES);
    if (n < 0) {
        for (unsigned i = 0; i < count; i++)
            idx[i] = i;
        n = (int)count;
    }
    unsigned long long t = now_us();
    for (int i = 0; i < n; i++) {
        nvml_device_t h;
        if (api.handle(idx[i], &h) != NVML_SUCCESS)
            continue;
        memset(&devices[n_devices], 0, sizeof devices[n_devices]);
        devices[n_devices].handle = h;
        devices[n_devices].last_seen_us = t; /* older history is not ours to charge */
        if (n_devices == 0 && api.name && api.name(h, device_name, sizeof device_name) != NVML_SUCCESS)
            device_name[0] = '\0';
        device_name[sizeof device_name - 1] = '\0';
        n_devices++;
    }
    if (n_devices == 0) {
        ts_gpu_close();
        mode = "absent";
        return 0;
    }
    per_process = api.process_util && api.processes;
    mode = per_process ? "per-process" : "device";
    return n_devices;
}

/* This process's SM utilisation on one device; -1 if the driver refuses. */
static double
process_util(gpu_device_t *d, unsigned pid, unsigned long long now)
{
    unsigned count = MAX_UTIL_SAMPLES;
    int rc = api.process_util(d->handle, util_buf, &count, d->last_seen_us);
    if (rc == NVML_ERROR_NOT_FOUND || rc == NVML_ERROR_INSUFFICIENT_SIZE)
        count = 0; /* no sample since last_seen_us, or (rarely) too many */
    else if (rc != NVML_SUCCESS)
        return -1;
    double sum = 0;
    int mine = 0;
    for (unsigned i = 0; i < count && i < MAX_UTIL_SAMPLES; i++) {
        if (util_buf[i].time_stamp > d->last_seen_us)
            d->last_seen_us = util_buf[i].time_stamp;
        if (util_buf[i].pid == pid) {
            sum += util_buf[i].sm_util;
            mine++;
        }
    }
    if (mine) {
        d->last_util = sum / mine;
        d->last_util_us = now;
    }
    else if (now - d->last_util_us > KEEP_UTIL_US) {
        d->last_util = 0;
    }
    return d->last_util;
}

/* This process's GPU memory on one device in bytes; -1 if refused. */
static double
process_memory(gpu_device_t *d, unsigned pid)
{
    unsigned count = MAX_PROCS;
    int stride = entry_size ? entry_size : 24;
    if (entry_size == 0)
        memset(proc_buf, SENTINEL, sizeof proc_buf);
    else
        count = (unsigned)(sizeof proc_buf / (size_t)entry_size);
    if (count > MAX_PROCS)
        count = MAX_PROCS;
    int rc = api.processes(d->handle, &count, proc_buf);
    if (rc == NVML_ERROR_INSUFFICIENT_SIZE)
        return 0; /* more than MAX_PROCS processes on this GPU: not read */
    if (rc != NVML_SUCCESS)
        return -1;
    if (count > MAX_PROCS)
        count = MAX_PROCS;
    if (entry_size == 0 && count > 0) {
        size_t last = sizeof proc_buf;
        while (last > 0 && proc_buf[last - 1] == SENTINEL)
            last--;
        size_t per = (last + count - 1) / count;
        per = (per + 7) / 8 * 8;
        entry_size = per >= 24 && per <= MAX_ENTRY ? (int)per : 24;
        stride = entry_size;
    }
    for (unsigned i = 0; i < count; i++) {
        const unsigned char *e = proc_buf + (size_t)i * (size_t)stride;
        unsigned p;
        unsigned long long used;
        memcpy(&p, e, sizeof p);
        memcpy(&used, e + 8, sizeof used); /* after the pid and its padding */
        if (p == pid)
            return used == NVML_VALUE_NOT_AVAILABLE ? 0.0 : (double)used;
    }
    return 0.0;
}

int
ts_gpu_poll(ts_gpu_reading_t *r)
{
    if (!initialised || n_devices == 0)
        return 0;
    unsigned pid = (unsigned)getpid();
    unsigned long long now = now_us();
    double util = 0, bytes = 0;
    int read = 0;
    if (per_process) {
        for (int i = 0; i < n_devices && per_process; i++) {
            double u = process_util(&devices[i], pid, now);
            double b = u < 0 ? -1 : process_memory(&devices[i], pid);
            if (u < 0 || b < 0) {
                per_process = 0;
                mode = "device";
                break;
            }
            util = u > util ? u : util;
            bytes += b;
            read = 1;
        }
        if (!per_process) {
            util = bytes = 0;
            read = 0;
        }
    }
    if (!per_process) {
        for (int i = 0; i < n_devices; i++) {
            nvml_utilization_t u;
            nvml_memory_t m;
            if (api.utilization(devices[i].handle, &u) == NVML_SUCCESS) {
                util = u.gpu > util ? u.gpu : util;
                read = 1;
            }
            if (api.memory(devices[i].handle, &m) == NVML_SUCCESS) {
                bytes += (double)m.used;
                read = 1;
            }
        }
    }
    if (!read)
        return 0;
    r->util_percent = util > 100 ? 100 : util;
    r->memory_mb = bytes / (1024.0 * 1024.0);
    return 1;
}

const char *
ts_gpu_device_name(void)
{
    return device_name;
}

const char *
ts_gpu_mode(void)
{
    return mode;
}

void
ts_gpu_close(void)
{
    if (initialised && api.shutdown)
        api.shutdown();
    initialised = 0;
}

void
ts_gpu_forget(void)
{
    initialised = 0;
    n_devices = 0;
}

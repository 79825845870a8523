/* gpu_nvml.h -- NVIDIA GPU utilisation and memory through NVML, loaded at
 * run time.
 *
 * No CUDA header or library is needed to build or install triscope: the
 * NVML library ("libnvidia-ml.so.1", or the path in the environment
 * variable TRISCOPE_NVML_LIBRARY) is opened with dlopen when profiling
 * starts, and its functions are looked up by name.  Every call made here
 * may lock and allocate inside the driver: call only from the drain (GIL
 * held), never from a signal handler.
 *
 * What a poll reports, over the visible GPUs (CUDA_VISIBLE_DEVICES, when it
 * lists indices or GPU UUIDs, else all):
 *   "per-process"  this process's SM utilisation (the highest over the
 *                  GPUs) and GPU memory (the sum), from
 *                  nvmlDeviceGetProcessUtilization and
 *                  nvmlDeviceGetComputeRunningProcesses_v3;
 *   "device"       the whole device's utilisation and used memory, when
 *                  the driver does not answer per-process queries.
 * Without a GPU the mode is "absent"; if NVML is there but fails, it is
 * "unreadable".
 */
#ifndef TRISCOPE_GPU_NVML_H
#define TRISCOPE_GPU_NVML_H

typedef struct ts_gpu_reading {
    double util_percent; /* 0..100 */
    double memory_mb;    /* this process's (or the devices') GPU memory */
} ts_gpu_reading_t;

/* Loads and initialises NVML and finds the visible devices.  Returns the
 * number of devices (0: none, or NVML missing or failing; see
 * ts_gpu_mode()).  Idempotent until ts_gpu_close().  Not async-signal-safe. */
int ts_gpu_open(void);

/* One poll.  Returns 1 and fills r, or 0 if nothing could be read.
 * Not async-signal-safe. */
int ts_gpu_poll(ts_gpu_reading_t *r);

/* The first visible device's name ("" if none).  Not async-signal-safe. */
const char *ts_gpu_device_name(void);

/* "per-process", "device", "absent" or "unreadable" (before any open:
 * "absent").  Not async-signal-safe. */
const char *ts_gpu_mode(void);

/* Shuts NVML down (the library stays loaded).  Keeps the device name and
 * mode for the report.  Not async-signal-safe. */
void ts_gpu_close(void);

/* In a fork child: forget the parent's NVML session without calling NVML.
 * Not async-signal-safe. */
void ts_gpu_forget(void);

#endif

"""GPU attribution program for tests/python/test_gpu.py (with the fake NVML
of tests/native_fixtures/fake_nvml.c).  The fake reports the utilisation
written to the file named by FAKE_NVML_UTIL_FILE: 95 % while the "gpu_busy"
line runs, 0 % while the "cpu_only" line runs.  Both lines spin on the CPU,
as a thread waiting for a GPU does by default.  Prints a fixed line."""
import os
import sys
import time

UTIL = os.environ.get("FAKE_NVML_UTIL_FILE")
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 1.5


def set_util(percent):
    if UTIL:
        with open(UTIL, "w") as f:
            f.write("%d\n" % percent)


def gpu_busy(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end: pass  # TRUTH:gpu_busy


def cpu_only(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end: pass  # TRUTH:cpu_only


set_util(95)
gpu_busy(SECONDS)
set_util(0)
cpu_only(SECONDS)
print("gpu_lines done")

"""GPU attribution program for tests/python/test_gpu.py (with the fake NVML
of tests/native_fixtures/fake_nvml.c).  The fake reports the utilisation
written to the file named by FAKE_NVML_UTIL_FILE: 95 % while the "gpu_busy"
line runs, 0 % while the "cpu_only" line runs.  Both lines spin on the CPU,
as a thread waiting for a GPU does by default.  Then 80 % while the main
thread sleeps ("gpu_wait": no thread runs, so the main thread is charged),
and 50 % while a worker spins ("worker_busy") and the main thread waits for
it ("join": not running, so normally not charged).  Prints a fixed line."""
import os
import sys
import threading
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


def worker(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end: pass  # TRUTH:worker_busy


set_util(95)
gpu_busy(SECONDS)
set_util(0)
cpu_only(SECONDS)
set_util(80)
time.sleep(SECONDS)  # TRUTH:gpu_wait
set_util(50)
t = threading.Thread(target=worker, args=(SECONDS,))
t.start()
t.join()  # TRUTH:join
print("gpu_lines done")

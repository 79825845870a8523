import resource; _R0 = resource.getrusage(resource.RUSAGE_SELF)  # first statement

"""Ground truth for threads that start and end quickly: the process's own
CPU time (getrusage, from the first statement to the end) and the number of
threads it started, against which a profile's total charged CPU and its
n_threads are checked.

Usage: thread_life.py MODE TRUTH.json [LIBRARY.so]

  empty   the main thread burns ~1 s of CPU, then starts and joins 2,000
          threads that do nothing (one at a time)
  short   the main thread burns ~0.5 s, then 300 threads of 1-5 ms of
          Python work each, ten at a time
  pool    the main thread burns ~0.5 s, then a ThreadPoolExecutor of 8
          workers runs 400 tasks of 1-3 ms
  raw     as short, with _thread.start_new_thread instead of threading
  native  as short, but the threads are a C library's own pthreads
          (tests/native_fixtures/py_callback_threads.c) calling a Python
          callback through ctypes

TRISCOPE_TEST_SCALE multiplies the amounts of work (not the thread counts).
Lines carry "# TRUTH:<name>" markers.
"""

import _thread
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

SCALE = float(os.environ.get("TRISCOPE_TEST_SCALE", "1"))


def spin(n):
    acc = 0
    for i in range(n): acc += i * i % 7  # TRUTH:spin
    return acc


def calibrate():
    """Iterations of spin() per millisecond of CPU."""
    n = 20000
    while True:
        c = time.thread_time()
        spin(n)
        dt = time.thread_time() - c
        if dt > 0.02:
            return n / (dt * 1000.0)
        n *= 2


def burn(seconds, per_ms):
    spin(int(seconds * 1000 * per_ms * SCALE))  # TRUTH:burn


def nothing():
    pass


def work(ms, per_ms):
    spin(int(ms * per_ms * SCALE))  # TRUTH:work


def run_empty(per_ms):
    burn(1.0, per_ms)
    for _ in range(2000):
        t = threading.Thread(target=nothing)  # TRUTH:empty_create
        t.start()  # TRUTH:empty_start
        t.join()
    return 2000


def run_short(per_ms):
    burn(0.5, per_ms)
    started = 0
    for batch in range(30):
        threads = [threading.Thread(target=work, args=(1 + (batch + i) % 5, per_ms)) for i in range(10)]
        for t in threads:
            t.start()  # TRUTH:short_start
        for t in threads:
            t.join()
        started += len(threads)
    return started


def run_pool(per_ms):
    burn(0.5, per_ms)
    with ThreadPoolExecutor(max_workers=8) as ex:
        list(ex.map(work, [1 + i % 3 for i in range(400)], [per_ms] * 400))  # TRUTH:pool_map
        started = len(ex._threads)
    return started


def run_raw(per_ms):
    burn(0.5, per_ms)
    started = 0
    for batch in range(30):
        done = threading.Semaphore(0)

        def task(ms, done=done):
            work(ms, per_ms)
            done.release()

        for i in range(10):
            _thread.start_new_thread(task, (1 + (batch + i) % 5,))  # TRUTH:raw_start
        for i in range(10):
            done.acquire()
        started += 10
    time.sleep(0.05)  # the last threads leave after releasing
    return started


def run_native(per_ms, library):
    import ctypes

    lib = ctypes.CDLL(library)
    callback_type = ctypes.CFUNCTYPE(None, ctypes.c_int)

    def callback(i):
        work(1 + i % 5, per_ms)

    cb = callback_type(callback)
    burn(0.5, per_ms)
    rc = lib.run_threads(300, 10, cb)  # TRUTH:native_start
    if rc != 0:
        sys.exit("run_threads failed: %d" % rc)
    return 300


def main():
    mode, truth_path = sys.argv[1], sys.argv[2]
    per_ms = calibrate()
    if mode == "native":
        started = run_native(per_ms, sys.argv[3])
    else:
        started = {"empty": run_empty, "short": run_short, "pool": run_pool,
                   "raw": run_raw}[mode](per_ms)
    r = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r.ru_utime - _R0.ru_utime) + (r.ru_stime - _R0.ru_stime)
    with open(truth_path, "w") as f:
        json.dump({"mode": mode, "process_cpu_s": cpu, "threads_started": started}, f)


main()

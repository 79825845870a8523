"""Stress run of the preload library under a real interpreter, counting on.

Run with LD_PRELOAD=<preload library>.  Plays a minimal extension through
ctypes (configure R = 64 KiB, start, drain), then: 4 threads allocate and
copy; the main thread forks children (os.fork: they must run and exit 0),
spawns subprocesses (subprocess uses vfork/posix_spawn: no atfork handlers
run, the child must still exec cleanly), and, once the threads are done,
uses multiprocessing's fork start method.  Prints "ok <events>" and exits 0 when everything survived.
"""
import faulthandler
import multiprocessing
import os
import subprocess
import sys
import threading
import warnings

from preload_api import drain, load_api


def square(x):
    data = bytes(1000 + x * 1000)
    return x * x + len(data) * 0


def main():
    # 3.12+ warns about fork() with threads running; that is the point here.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    # run.sh gives this 300 s: a hang prints every thread's stack first
    faulthandler.dump_traceback_later(240, exit=True)
    api = load_api()
    api.configure(64 * 1024, 64 * 1024, None)
    api.start()
    events = 0
    stop = threading.Event()

    def churn():
        keep = []
        i = 0
        while not stop.is_set():
            keep.append(bytearray(1000 + i % 20000) + b"y" * (i % 500))
            if len(keep) > 100:
                keep.pop(0)
            i += 1

    workers = [threading.Thread(target=churn) for _ in range(4)]
    for w in workers:
        w.start()
    ok = True
    for k in range(10):
        pid = os.fork()
        if pid == 0:
            data = [bytearray(5000) for _ in range(1000)]
            os._exit(0 if api.active() == 0 and len(data) == 1000 else 3)
        _, status = os.waitpid(pid, 0)
        ok &= os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        out = subprocess.run(["sh", "-c", "echo hi"], capture_output=True, text=True).stdout
        ok &= out == "hi\n"
        out = subprocess.run([sys.executable, "-c", "print(6*7)"], capture_output=True,
                             text=True).stdout
        ok &= out == "42\n"
        events += drain(api, limit=5000)
    stop.set()
    for w in workers:
        w.join()
    # A fork-based Pool only once the allocating threads are done: forking a
    # Pool while other threads run can deadlock a worker in CPython itself
    # (locks held by those threads at fork time), with or without a
    # preload; the os.fork loop above covers fork during allocation.
    with multiprocessing.get_context("fork").Pool(2) as pool:
        ok &= pool.map(square, range(20)) == [x * x for x in range(20)]
    api.stop()
    events += drain(api)
    print("ok" if ok else "FAILED", events)
    return 0 if ok and events > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

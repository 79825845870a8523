"""Stress: Python threads allocate while the main thread forks children and
starts many short threads; everything must finish with the same output as
without a profiler.

    python mem_threads_fork.py
"""
import os
import sys
import threading

stop = threading.Event()


def allocate():
    kept = []
    while not stop.is_set():
        kept.append(bytearray(20_000))
        if len(kept) > 50:
            kept.clear()
        stop.wait(0.0005)


workers = [threading.Thread(target=allocate) for _ in range(4)]
for w in workers:
    w.start()
for i in range(10):
    pid = os.fork()
    if pid == 0:
        data = [bytes(1000) for _ in range(1000)]
        os._exit(0 if len(data) == 1000 else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 if hasattr(os, "waitstatus_to_exitcode") else status == 0
short = [threading.Thread(target=lambda: bytearray(10_000)) for _ in range(2000)]
for t in short:
    t.start()
for t in short:
    t.join()
stop.set()
for w in workers:
    w.join()
print("done", len(short))
sys.stdout.flush()

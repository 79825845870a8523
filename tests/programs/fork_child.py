"""Forks once: the child prints and leaves by sys.exit(0); the parent waits.

Only the parent may print a profile.  The parent's hot line is marked
TRUTH:fork_parent_loop so tests can count how many reports mention it.
"""
import os
import sys
import time


def spin(seconds):
    end = time.perf_counter() + seconds
    acc = 0
    while time.perf_counter() < end:
        for i in range(10_000): acc += i % 3  # TRUTH:fork_parent_loop
    return acc


spin(0.4)
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    print("child running", flush=True)
    time.sleep(0.1)
    sys.exit(0)
_, status = os.waitpid(pid, 0)
print("parent: child exit status", os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8, flush=True)
spin(0.4)
print("parent done", flush=True)

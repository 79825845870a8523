"""Ends in a chosen way after ~0.3 s of CPU work.

Usage: exit_code.py MODE [ARG]
  int N      sys.exit(N)
  none       sys.exit()
  str MSG    sys.exit(MSG)  (MSG on stderr, status 1)
  fall       falls off the end (status 0)
  raise      uncaught ValueError (traceback, status 1)
  kbd        raise KeyboardInterrupt (dies by SIGINT like plain python)
  os_exit N  os._exit(N)  (no atexit, no cleanup)
An atexit handler prints "atexit ran" to stdout (except for os._exit).
"""
import atexit
import os
import sys
import time


@atexit.register
def _bye():
    print("atexit ran", flush=True)


def work(seconds):
    end = time.perf_counter() + seconds
    acc = 0
    while time.perf_counter() < end:
        for i in range(10_000): acc += i % 3  # TRUTH:exit_work
    return acc


mode = sys.argv[1]
arg = sys.argv[2] if len(sys.argv) > 2 else None
work(0.3)
print("before exit", mode, flush=True)
if mode == "int":
    sys.exit(int(arg))
elif mode == "none":
    sys.exit()
elif mode == "str":
    sys.exit(arg)
elif mode == "fall":
    pass
elif mode == "raise":
    raise ValueError("exit_code.py raised on purpose")
elif mode == "kbd":
    raise KeyboardInterrupt
elif mode == "os_exit":
    sys.stdout.flush()
    os._exit(int(arg))
else:
    sys.exit("unknown mode " + mode)

"""Stress: many entries into the interpreter from C (slot methods, key
functions, map callbacks, generators), each of which sets up a new
interpreter entry frame -- a window in which a sampling signal sees a
half-built frame chain.  A profiler that reads frames in its signal handler
must survive this.

Usage: reentry.py [SECONDS]   (CPU seconds, default 2.0)
"""
import functools
import sys
import time


class Num:
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def __add__(self, other):
        return Num(self.v + other.v)

    def __lt__(self, other):
        return self.v < other.v


def gen(n):
    for i in range(n):
        yield i


seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
end = time.thread_time() + seconds
data = [Num(i * 7919 % 1000) for i in range(2000)]
total = 0
while time.thread_time() < end:
    acc = functools.reduce(lambda a, b: a + b, data)  # TRUTH:reentry_reduce
    s = sorted(data, key=lambda n: -n.v)  # TRUTH:reentry_sorted
    m = max(data)  # TRUTH:reentry_max
    total += sum(map(lambda n: n.v, data)) + sum(gen(2000))  # TRUTH:reentry_map
print("reentry ok", total > 0, acc.v, s[0].v, m.v)

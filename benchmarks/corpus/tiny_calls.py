"""Many tiny calls of every kind: functions, methods, lambdas, properties and
builtins, a few bytecodes each.  argv[1]: units of work."""
import sys


class Point:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y

    def norm1(self):
        return abs(self.x) + abs(self.y)

    @property
    def flipped(self):
        return Point(self.y, self.x)


def add(a, b):
    return a + b


def work(n):
    acc = 0
    inc = lambda v: v + 1  # noqa: E731
    p = Point(3, -4)
    for i in range(n):
        acc = add(acc, p.norm1())
        acc = inc(acc) & 0xffff
        p = p.flipped
        acc = max(acc, min(i, 7))
    return acc


print(sum(work(100_000) for _ in range(int(sys.argv[1]))))

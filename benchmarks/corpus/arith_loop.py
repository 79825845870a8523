"""CPU-bound pure Python: integer arithmetic in one loop.  argv[1]: units of work."""
import sys


def work(n):
    acc = 0
    for i in range(n):
        acc += i * i % 7
        acc ^= i >> 3
    return acc


print(sum(work(500_000) for _ in range(int(sys.argv[1]))) & 0xff)

"""Threads: two pure-Python threads sharing the GIL and one thread in zlib
(native, GIL released) beside them; the main thread waits.  argv[1]: units
of work."""
import sys
import threading
import zlib


def py_loop(n):
    acc = 1
    for i in range(n):
        acc = (acc * 31 + i) & 0xFFFF
    return acc


def compress_loop(k, data):
    return sum(len(zlib.compress(data, 6)) for _ in range(k))


units = int(sys.argv[1])
data = bytes(i * 7 % 251 for i in range(1 << 20))
workers = [threading.Thread(target=py_loop, args=(300_000 * units,)),
           threading.Thread(target=py_loop, args=(300_000 * units,)),
           threading.Thread(target=compress_loop, args=(3 * units, data))]
for t in workers:
    t.start()
for t in workers:
    t.join()
print(units)

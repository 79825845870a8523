"""A small program with a known shape, for trying triscope:

    triscope demo/demo.py

- `python_work` spends its time interpreting Python bytecode,
- `native_work` inside zlib's C code (which releases the GIL),
- `wait` sleeping (system time: off the CPU),
- two threads run Python and native work at the same time.
"""
import os
import threading
import time
import zlib


def python_work(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def native_work(data, rounds):
    size = 0
    for _ in range(rounds):
        size += len(zlib.compress(data, 6))
    return size


def wait(seconds):
    time.sleep(seconds)


def main():
    data = os.urandom(1 << 18) * 16
    python_work(2_000_000)
    native_work(data, 2)
    wait(0.5)
    workers = [
        threading.Thread(target=python_work, args=(1_500_000,)),
        threading.Thread(target=native_work, args=(data, 2)),
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


if __name__ == "__main__":
    main()

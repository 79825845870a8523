"""Allocation- and copy-heavy Python loop, timed.  Run it under the preload
library (or without) to measure triscope's interposition overhead:

    python3 bench_python.py            # counting off (pass-through)
    python3 bench_python.py --count    # counting on, through the preload API

With --count the script plays a minimal extension through ctypes: it
configures R = 512 KiB for allocations and copies (no frame reader), starts
counting and drains the event ring every few thousand iterations.  Without
the extension only the libc-level allocations (> 512 bytes) and copies are
seen.  Prints one line: "<CPU seconds of the loop> <events>" (CPU time, not
wall time, so that a busy machine disturbs the ratio less).
"""
import sys
import time

from preload_api import drain as drain_events, load_api


def workload(n, drain):
    keep = []
    total = 0
    for i in range(n):
        b = bytearray(600 + i % 6000)          # > 512 B: PyMem_RawMalloc -> malloc
        s = bytes(b) + b"x" * (i % 300)          # copies
        lst = [i] * (i % 700)                    # list storage through realloc/malloc
        d = {j: str(j) for j in range(i % 24)}   # small objects (pymalloc)
        keep.append((s, lst, d))
        if len(keep) > 200:
            keep.pop(0)
        total += len(s)
        if i % 4000 == 0:
            drain()
    return total


def main():
    count = "--count" in sys.argv
    events = 0
    api = None
    if count:
        api = load_api()
        api.configure(512 * 1024, 512 * 1024, None)

    def drain():
        nonlocal events
        if api is not None:
            events += drain_events(api)

    if api is not None:
        api.start()
    t0 = time.process_time()
    workload(150000, drain)
    t1 = time.process_time()
    if api is not None:
        api.stop()
        drain()
    print(f"{t1 - t0:.4f} {events}")


if __name__ == "__main__":
    main()

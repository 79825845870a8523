import time; _T0_WALL = time.perf_counter(); _T0_CPU = time.thread_time()  # first statement

"""Ground truth: three worker threads with different, known CPU consumption.

Usage: threads.py [--scale S] TRUTH.json

  thread_a     pure-Python loop (one line), ~1.1 s of CPU at scale 1
  thread_b     a different pure-Python loop (one line), ~0.7 s of CPU
  thread_zlib  zlib.compress loop (native, releases the GIL), ~1.8 s of CPU

The two Python threads share the GIL, so they take roughly twice their CPU
time in wall time; the zlib thread runs in parallel on another core.  The
whole program takes about 2.5 s of wall time on two or more cores.

Each worker records its own CPU seconds (time.thread_time) and wall seconds
around its hot line; the main thread records its own CPU time too, so the
truth gives every thread's share of the process's CPU time.  Hot lines carry
"# TRUTH:<name>" markers.  TRISCOPE_TEST_SCALE multiplies the scale.
"""

import json
import os
import sys
import threading
import zlib


def parse_args(argv):
    scale = float(os.environ.get("TRISCOPE_TEST_SCALE", "1"))
    args = list(argv[1:])
    if "--scale" in args:
        i = args.index("--scale")
        scale *= float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        sys.exit("usage: threads.py [--scale S] TRUTH.json")
    return scale, args[0]


def probe_rate(fn, n):
    t = time.perf_counter()
    fn(n)
    return n / max(time.perf_counter() - t, 1e-6)


def loop_a(n):
    acc = 0
    for i in range(n): acc += i * i % 7  # TRUTH:thread_a
    return acc


def loop_b(n):
    acc = 0
    for i in range(n): acc ^= (i << 3) + 11  # TRUTH:thread_b
    return acc


def loop_zlib(k, buf):
    out = b""
    for _ in range(k): out = zlib.compress(buf, 6)  # TRUTH:thread_zlib
    return len(out)


def worker(name, fn, args, results, start):
    start.wait()
    c0 = time.thread_time()
    w0 = time.perf_counter()
    fn(*args)
    results[name] = {
        "cpu_s": time.thread_time() - c0,
        "wall_s": time.perf_counter() - w0,
        "native_id": threading.get_native_id(),
    }


def main():
    scale, truth_path = parse_args(sys.argv)
    table = bytes(65 + (i & 15) for i in range(256))
    buf = os.urandom(1 << 20).translate(table)  # 1 MB per call: ~50 ms each

    # Calibration (main thread, before the workers exist).
    rate_a = probe_rate(loop_a, 200_000)
    rate_b = probe_rate(loop_b, 200_000)
    t = time.perf_counter(); zlib.compress(buf, 6); z_call = max(time.perf_counter() - t, 1e-6)
    n_a = int(rate_a * 1.1 * scale)
    n_b = int(rate_b * 0.7 * scale)
    k_z = max(1, round(1.8 * scale / z_call))

    results = {}
    start = threading.Event()
    threads = [
        threading.Thread(target=worker, args=("thread_a", loop_a, (n_a,), results, start)),
        threading.Thread(target=worker, args=("thread_b", loop_b, (n_b,), results, start)),
        threading.Thread(target=worker, args=("thread_zlib", loop_zlib, (k_z, buf), results, start)),
    ]
    for th in threads:
        th.start()
    start.set()
    for th in threads:
        th.join()  # TRUTH:join

    main_cpu = time.thread_time() - _T0_CPU
    total_wall = time.perf_counter() - _T0_WALL
    threads_cpu = {name: r["cpu_s"] for name, r in results.items()}
    threads_cpu["main"] = main_cpu
    total_cpu = sum(threads_cpu.values())
    truth = {
        "program": "threads",
        "scale": scale,
        "ncpus": os.cpu_count(),
        "iterations": {"thread_a": n_a, "thread_b": n_b, "thread_zlib": k_z},
        "threads": results,
        "main_cpu_s": main_cpu,
        "total_cpu_s": total_cpu,
        "cpu_share": {name: c / total_cpu for name, c in threads_cpu.items()},
        "total_wall_s": total_wall,
    }
    with open(truth_path, "w") as f:
        json.dump(truth, f, indent=1)


main()

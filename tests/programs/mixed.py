import time; _T0_WALL = time.perf_counter(); _T0_CPU = time.thread_time()  # first statement

"""Ground truth: one thread, four phases whose CPU split is known.

Usage: mixed.py [--scale S] TRUTH.json

Phases (targets at scale 1; iteration counts are calibrated at start-up so
each phase hits its target on slow and fast machines alike):
  python_loop  ~1.2 s  pure-Python arithmetic, the whole loop on one line
  zlib         ~1.0 s  zlib.compress of an 8 MB compressible buffer
                        (native code, releases the GIL)
  hashlib      ~0.7 s  hashlib.sha256 of a 64 MB buffer (native, no GIL)
  sleep        ~1.0 s  time.sleep (off-CPU: system time)
Total about 4 s.  Every measured line carries a "# TRUTH:<name>" marker so
tests find its line number by scanning this file.

The truth file gives, per phase, the wall seconds (perf_counter) and this
thread's CPU seconds (thread_time) spent on the marked line, and the
program's total wall and CPU time from its first statement to the end.
Environment variable TRISCOPE_TEST_SCALE multiplies the scale.
"""

import hashlib
import json
import os
import sys
import zlib


def parse_args(argv):
    scale = float(os.environ.get("TRISCOPE_TEST_SCALE", "1"))
    args = list(argv[1:])
    if "--scale" in args:
        i = args.index("--scale")
        scale *= float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        sys.exit("usage: mixed.py [--scale S] TRUTH.json")
    return scale, args[0]


def make_compressible(n):
    # Random bytes folded onto a 16-letter alphabet: ~4 bits of entropy per
    # byte, so deflate works hard (no long matches) but still compresses.
    table = bytes(65 + (i & 15) for i in range(256))
    return os.urandom(n).translate(table)


def calibrate_python(target_s):
    # Same loop shape as the measured line, short probe.
    probe = 300_000
    acc = 0
    t = time.perf_counter()
    for i in range(probe): acc += i * i % 7
    dt = max(time.perf_counter() - t, 1e-6)
    return max(1000, int(probe * target_s / dt))


def calibrate_call(fn, arg_full, arg_probe, frac, target_s):
    t = time.perf_counter()
    fn(arg_probe)
    dt = max(time.perf_counter() - t, 1e-6) / frac
    return max(1, round(target_s / dt))


def main():
    scale, truth_path = parse_args(sys.argv)
    phases = {}

    def record(name, w0, c0):
        phases[name] = {
            "wall_s": time.perf_counter() - w0,
            "cpu_s": time.thread_time() - c0,
        }

    zbuf = make_compressible(8 << 20)
    hbuf = bytes(64 << 20)
    n_py = calibrate_python(1.2 * scale)
    k_z = calibrate_call(lambda b: zlib.compress(b, 6), zbuf, zbuf[: 1 << 20], 1 / 8, 1.0 * scale)
    k_h = calibrate_call(lambda b: hashlib.sha256(b).digest(), hbuf, hbuf[: 8 << 20], 1 / 8, 0.7 * scale)
    sleep_s = 1.0 * scale

    acc = 0
    w0 = time.perf_counter(); c0 = time.thread_time()
    for i in range(n_py): acc += i * i % 7  # TRUTH:python_loop
    record("python_loop", w0, c0)

    w0 = time.perf_counter(); c0 = time.thread_time()
    for _ in range(k_z): out = zlib.compress(zbuf, 6)  # TRUTH:zlib
    record("zlib", w0, c0)

    w0 = time.perf_counter(); c0 = time.thread_time()
    for _ in range(k_h): digest = hashlib.sha256(hbuf).digest()  # TRUTH:hashlib
    record("hashlib", w0, c0)

    w0 = time.perf_counter(); c0 = time.thread_time()
    time.sleep(sleep_s)  # TRUTH:sleep
    record("sleep", w0, c0)

    truth = {
        "program": "mixed",
        "scale": scale,
        "iterations": {"python_loop": n_py, "zlib": k_z, "hashlib": k_h},
        "check": [acc, len(out), digest.hex()[:8]],
        "phases": phases,
        "total_wall_s": time.perf_counter() - _T0_WALL,
        "total_cpu_s": time.thread_time() - _T0_CPU,
    }
    with open(truth_path, "w") as f:
        json.dump(truth, f, indent=1)


main()

"""Soak: allocate and free 4 MB in a loop for SECONDS, and report this
process's resident memory at a quarter of the run and at the end.  The
program's own memory is flat, so any growth is the profiler's.

    python mem_churn_soak.py SECONDS TRUTH.json
"""
import json
import sys
import time

MB = 1024 * 1024


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


seconds = float(sys.argv[1])
start = time.monotonic()
rounds = 0
rss_quarter = None
while time.monotonic() - start < seconds:
    chunk = bytearray(4 * MB); rounds += 1; del chunk  # TRUTH:churn
    if rss_quarter is None and time.monotonic() - start >= seconds / 4:
        rss_quarter = rss_mb()
with open(sys.argv[2], "w") as f:
    json.dump({"rounds": rounds, "allocated_mb": rounds * 4.0,
               "rss_quarter_mb": rss_quarter, "rss_end_mb": rss_mb()}, f)

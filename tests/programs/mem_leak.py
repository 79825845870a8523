"""Leak ground truth: one line keeps growing a list that is never freed, a
second churns (allocates and frees), a third makes one big allocation that
lives to the end.  Only the first is a leak.

    python mem_leak.py TRUTH.json
"""
import itertools
import json
import sys
import time

MB = 1024 * 1024
kept = []
big = None
c = "y"
for step in range(40):
    kept.append(bytearray(2 * MB))  # TRUTH:leak
    for _ in itertools.repeat(None, 20): tmp = c * 100000; del tmp  # TRUTH:churn
    if big is None:
        big = bytearray(30 * MB)  # TRUTH:held
    time.sleep(0.01)
with open(sys.argv[1], "w") as f:
    json.dump({"leak_mb": len(kept) * 2.0}, f)

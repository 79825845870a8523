"""Spends time in a pure-Python standard-library module and in a helper.

Usage: libcalls.py [SECONDS_PER_PHASE]   (default 0.8)
  TRUTH:fraction_call  calls fractions.Fraction arithmetic (pure Python,
                       outside the program's directory) for ~SECONDS
  TRUTH:helper_call    calls proghelper.spin (a sibling module) for ~SECONDS
By default only files under the program's directory are profiled, so the
time spent in fractions.py is charged to the fraction_call line.
"""
import sys
import time
from fractions import Fraction

import proghelper

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 0.8

# Calibrate both phases with short probes.
t = time.perf_counter()
acc = Fraction(0)
for i in range(1, 2001): acc += Fraction(1, i % 97 + 1)
n_frac = max(100, int(2000 * seconds / max(time.perf_counter() - t, 1e-6)))
t = time.perf_counter()
proghelper.spin(200_000)
n_spin = max(1000, int(200_000 * seconds / max(time.perf_counter() - t, 1e-6)))

acc = Fraction(0)
for i in range(1, n_frac): acc += Fraction(1, i % 97 + 1)  # TRUTH:fraction_call
r = proghelper.spin(n_spin)  # TRUTH:helper_call
print("libcalls done", acc > 0, r > 0)

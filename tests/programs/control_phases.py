"""Three equal busy phases; before phases 2 and 3 the program waits for a
line on stdin, so a test can switch profiling on and off (from another
process, or with --off) at the boundaries.  Prints "phase N" as each phase
is about to wait or begin."""
import sys
import time


def phase_one():
    end = time.process_time() + 0.6
    while time.process_time() < end:  # TRUTH:one
        pass


def phase_two():
    end = time.process_time() + 0.6
    while time.process_time() < end:  # TRUTH:two
        pass


def phase_three():
    end = time.process_time() + 0.6
    while time.process_time() < end:  # TRUTH:three
        pass


phase_one()
print("phase 1 done", flush=True)
sys.stdin.readline()
phase_two()
print("phase 2 done", flush=True)
sys.stdin.readline()
phase_three()
print("phase 3 done", flush=True)

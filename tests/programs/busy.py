"""Quiet CPU work: prints nothing unless asked.

Usage: busy.py SECONDS [--ready]
  SECONDS  how much CPU time (this thread's, time.thread_time) to burn
           (float; "inf" = until killed); wall time is longer on a loaded
           machine
  --ready  print "ready" (flushed) once the work has started, for tests
           that send signals.
The hot line is in function hot() and is marked TRUTH:busy; a second,
lighter line is marked TRUTH:busy_light.
"""
import sys
import time


def hot(n):
    acc = 0
    for i in range(n): acc += i * i % 7  # TRUTH:busy
    return acc


def light(n):
    return sum(range(n))  # TRUTH:busy_light


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    ready = "--ready" in sys.argv
    end = time.thread_time() + seconds
    first = True
    while time.thread_time() < end:
        hot(200_000)
        light(20_000)
        if first and ready:
            print("ready", flush=True)
            first = False


main()

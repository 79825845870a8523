"""The program's own ITIMER_PROF/SIGPROF timer must keep working.

Counts SIGPROF ticks (10 ms of process CPU time each) during ~1 s of busy
CPU work.  Prints JSON with the ticks and the process CPU time consumed.
"""
import json
import signal
import time

ticks = 0


def on_prof(signum, frame):
    global ticks
    ticks += 1


initial = str(signal.getsignal(signal.SIGPROF))
signal.signal(signal.SIGPROF, on_prof)
c0 = time.process_time()
signal.setitimer(signal.ITIMER_PROF, 0.01, 0.01)
x = 0
while time.process_time() - c0 < 1.0: x += 1  # TRUTH:prof_busy
signal.setitimer(signal.ITIMER_PROF, 0)
cpu_s = time.process_time() - c0
print(json.dumps({
    "initial_handler": initial,
    "ticks": ticks,
    "cpu_s": cpu_s,
    "interval_s": 0.01,
    "handler_still_ours": signal.getsignal(signal.SIGPROF) is on_prof,
}))

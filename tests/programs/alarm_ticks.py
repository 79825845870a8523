"""The program's own ITIMER_REAL/SIGALRM timer must keep working.

Counts SIGALRM ticks (10 ms interval) during a 1 s busy loop and during a
0.3 s time.sleep (which PEP 475 resumes after each tick).  Prints JSON,
including the main thread's CPU time during the busy loop: while the thread
is descheduled (loaded machine) ticks coalesce, in plain python too.
"""
import json
import signal
import time

ticks = 0


def on_alarm(signum, frame):
    global ticks
    ticks += 1


initial = str(signal.getsignal(signal.SIGALRM))
signal.signal(signal.SIGALRM, on_alarm)
signal.setitimer(signal.ITIMER_REAL, 0.01, 0.01)
t0 = time.perf_counter()
c0 = time.thread_time()
x = 0
while time.perf_counter() - t0 < 1.0: x += 1  # TRUTH:alarm_busy
busy_s = time.perf_counter() - t0
busy_cpu_s = time.thread_time() - c0
busy_ticks = ticks
t1 = time.perf_counter()
time.sleep(0.3)
sleep_s = time.perf_counter() - t1
signal.setitimer(signal.ITIMER_REAL, 0)
print(json.dumps({
    "initial_handler": initial,
    "busy_s": busy_s,
    "busy_cpu_s": busy_cpu_s,
    "busy_ticks": busy_ticks,
    "sleep_s": sleep_s,
    "sleep_ticks": ticks - busy_ticks,
    "interval_s": 0.01,
    "handler_still_ours": signal.getsignal(signal.SIGALRM) is on_alarm,
}))

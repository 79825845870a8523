"""Next to nothing, a 0.1 s sleep: what a profiler costs to start and stop
(the sleep gives an attaching profiler such as py-spy time to attach)."""
import time

time.sleep(0.1)

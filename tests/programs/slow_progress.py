"""Runs for about argv[1] seconds of CPU in small steps, printing each step."""
import sys
import time

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
end = time.monotonic() + seconds
steps = 0
while time.monotonic() < end:
    stop = time.process_time() + 0.05
    while time.process_time() < stop:
        steps += 1  # TRUTH:step
print("done", steps > 0, flush=True)

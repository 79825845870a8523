"""triscope.start()/stop(), the context manager and snapshot() around chosen
loops; works under `triscope --off` and in a plain python process.  Prints
one JSON line: the elapsed time and per-line CPU of each snapshot."""
import json
import sys
import time

import triscope


def outside():
    end = time.process_time() + 0.4
    while time.process_time() < end:  # TRUTH:outside
        pass


def inside():
    end = time.process_time() + 0.4
    while time.process_time() < end:  # TRUTH:inside
        pass


def in_block():
    end = time.process_time() + 0.4
    while time.process_time() < end:  # TRUTH:in_block
        pass


def cpu_by_line(snap):
    me = [f for path, f in snap["files"].items() if path.endswith("api_phases.py")]
    return {str(r["lineno"]): r["n_cpu_percent_python"] + r["n_cpu_percent_c"]
            for f in me for r in f["lines"]}


outside()
triscope.start()
inside()
triscope.stop()
outside()
first = triscope.snapshot()
with triscope.profiling() as p:
    in_block()
outside()
print(json.dumps({"first_elapsed": first["elapsed_time_sec"], "first": cpu_by_line(first),
                  "block_elapsed": p.profile["elapsed_time_sec"], "block": cpu_by_line(p.profile),
                  "argv": sys.argv[1:]}), flush=True)

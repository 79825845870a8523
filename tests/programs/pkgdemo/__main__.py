"""Run as: python -m pkgdemo [args]  (with tests/programs on sys.path or as cwd).

Prints what the module sees of its launch as one JSON line, then does ~0.5 s
of CPU work on the line marked TRUTH:pkg_loop.
"""
import json
import sys
import time

print(json.dumps({
    "argv": sys.argv,
    "path0": sys.path[0],
    "name": __name__,
    "package": __package__,
    "spec_name": __spec__.name if __spec__ else None,
    "main_is_globals": sys.modules["__main__"].__dict__ is globals(),
}, sort_keys=True), flush=True)

end = time.perf_counter() + 0.5
acc = 0
while time.perf_counter() < end:
    for i in range(10_000): acc += i * i % 7  # TRUTH:pkg_loop

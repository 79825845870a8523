"""A Python child started by spawn_children.py: spins on its TRUTH line,
allocates 40 MB on another, and reports the interpreter flags it was
given."""
import json
import sys
import time

end = time.process_time() + 0.4
while time.process_time() < end:  # TRUTH:child
    pass
keep = [bytearray(1 << 20) for _ in range(40)]  # TRUTH:child_alloc
print(json.dumps({"unbuffered": not sys.stdout.line_buffering and sys.flags.verbose == 0,
                  "warnoptions": sys.warnoptions, "argv": sys.argv[1:],
                  "user_sitecustomize": getattr(sys, "user_sitecustomize_ran", False)}), flush=True)

"""Starts children three ways: a Python interpreter through subprocess
(with -u and -W flags, as test runners do), a non-Python program (which
prints its environment's LD_PRELOAD), and os.fork with work in the child
ended by os._exit.  Prints what the children printed."""
import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
child = subprocess.run([sys.executable, "-u", "-W", "ignore::DeprecationWarning",
                        os.path.join(here, "child_work.py"), "arg"],
                       capture_output=True, text=True, check=True)
print("python child:", child.stdout.strip(), flush=True)
print("python child stderr:", repr(child.stderr), flush=True)
env = subprocess.run(["sh", "-c", "echo \"LD_PRELOAD=[${LD_PRELOAD:-}]\""],
                     capture_output=True, text=True, check=True).stdout
print("shell child:", env.strip(), flush=True)
pid = os.fork()
if pid == 0:
    end = time.process_time() + 0.4
    while time.process_time() < end:  # TRUTH:forked
        pass
    os._exit(7)
_, status = os.waitpid(pid, 0)
print("fork child exit:", os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8, flush=True)
end = time.process_time() + 0.2
while time.process_time() < end:  # TRUTH:parent
    pass

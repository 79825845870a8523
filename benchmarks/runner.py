"""Run one command and measure it: wall time around the child process and its
peak resident set size (ru_maxrss from wait4: the largest single process of
the command's tree that was waited for, i.e. the profiler or the program,
whichever is bigger)."""

import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass


@dataclass
class Run:
    cmd: list
    rc: int            # exit status; negative: killed by that signal
    wall_s: float
    maxrss_mb: float
    timed_out: bool
    stderr_tail: str   # the last lines of stderr, kept when the run failed
    error: str = ""    # set by the caller when a run that exited 0 still failed

    @property
    def ok(self):
        return self.rc == 0 and not self.timed_out and not self.error

    def why(self):
        """One line saying how a failed run failed."""
        if self.error:
            return self.error
        if self.timed_out:
            return "timed out"
        last = self.stderr_tail.strip().splitlines()[-1:]
        return f"exit status {self.rc}" + (f": {last[0][:200]}" if last else "")


def clean_env(extra=None):
    """The environment for measured runs: no profiler or Python path settings
    inherited from whoever started the harness."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TRISCOPE_", "PYTHON", "SCALENE", "PYSPY", "MEMRAY"))
           and k not in ("LD_PRELOAD", "VIRTUAL_ENV")}
    env["PYTHONHASHSEED"] = "0"
    env.update(extra or {})
    return env


def run(cmd, *, cwd, env, timeout):
    """Run cmd with stdout discarded; returns a Run.  The command gets its own
    process group, which is killed whole when it runs past timeout seconds."""
    cmd = [str(c) for c in cmd]
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        except OSError as exc:  # e.g. a peer's executable is missing
            return Run(cmd, 127, 0.0, 0.0, False, "", error=f"cannot start {cmd[0]}: {exc.strerror}")
        expired = threading.Event()

        def kill():
            expired.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        try:  # leftovers of the group (a profiler's helper) must not outlive the run
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        tail = ""
        if proc.returncode != 0 or expired.is_set():
            err.seek(0)
            tail = "\n".join(err.read().decode("utf-8", "replace").splitlines()[-15:])
    return Run(cmd, proc.returncode, wall, usage.ru_maxrss / 1024.0, expired.is_set(), tail)

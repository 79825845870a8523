"""``triscope --on --pid N`` / ``triscope --off --pid N``: resume or
suspend the profiling of running process N (through its control file,
triscope.control); a ControlError (exit status 1) if it cannot be reached."""
import sys

from triscope import control


def main(opts):
    """Sends opts.control, ("on" | "off", pid); exits."""
    state, pid = opts.control
    control.send(pid, state)
    sys.exit(0)

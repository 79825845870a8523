"""What a profiling run is asked to do: the Options record and its
defaults, the one source of truth for them (the command line's defaults
and help, the engine's sampling rates, child processes' settings), and the
output file name pattern.

triscope is a line-level CPU, GPU and memory profiler; this module holds no
parser (``command_run`` builds the command line from it) and imports
nothing heavy, so that child interpreters and ``triscope.start()`` read
their options without argparse.
"""
import os


class Options:
    """The validated command line (a plain record: importing dataclasses
    would cost the profiled program ~10 ms of start-up)."""

    def __init__(self):
        self.script = None           # path as given, or None with -m
        self.module = None           # with -m
        self.args = []
        self.outfile = None
        self.format = "text"         # "text", "json" or "html"
        self.cpu_only = False
        self.gpu = True              # poll NVIDIA GPUs when NVML finds one
        self.reduced_profile = False
        self.profile_all = False
        self.profile_only = ""
        self.profile_exclude = ""
        self.use_virtual_time = False
        self.cpu_percent_threshold = 1.0
        self.cpu_sampling_rate = 0.01
        self.allocation_sampling_rate = 256 * 1024  # mean bytes allocated between memory samples
        self.copy_sampling_rate = 1024 * 1024       # mean bytes copied between copy samples
        self.malloc_threshold = 1.0
        self.start_off = False       # --off: start with sampling suspended
        self.profile_interval = 0.0  # seconds between interim profiles; 0: none
        self.children = True         # profile Python child processes too
        self.control = None          # ("on" | "off", pid): control another run


DEFAULTS = Options()  # read only: the defaults the command line shows and applies

# The fields the command line sets as given (the parser's dest is the
# field's name); the others are derived (format, gpu, script, module, args,
# control).
FROM_COMMAND_LINE = (
    "outfile", "cpu_only", "reduced_profile", "profile_all", "profile_only", "profile_exclude",
    "use_virtual_time", "cpu_percent_threshold", "cpu_sampling_rate", "allocation_sampling_rate",
    "copy_sampling_rate", "malloc_threshold", "start_off", "profile_interval", "children")

# The fields a Python child process takes from its parent's options
# (triscope.children writes them, triscope.child_session reads them).
INHERITED_BY_CHILDREN = (
    "cpu_sampling_rate", "use_virtual_time", "profile_all", "profile_only", "profile_exclude",
    "allocation_sampling_rate", "copy_sampling_rate", "malloc_threshold")


def copy_fields(target, source, names, get=getattr):
    """Sets each of names on target from source (get(source, name))."""
    for name in names:
        setattr(target, name, get(source, name))


def expand_outfile(pattern, pid=None, host=None):
    """The outfile name pattern with ``%p`` replaced by pid (default: this
    process's), ``%h`` by host (default: socket.gethostname()) and ``%%`` by
    ``%``, so that the processes of one program (fork children, MPI ranks on
    several hosts) each write their own profile.  Any other ``%`` stays as it
    is.  None stays None (standard output)."""
    if pattern is None or "%" not in pattern:
        return pattern
    out, i = [], 0
    while i < len(pattern):
        pair = pattern[i:i + 2]
        if pair == "%p":
            out.append(str(os.getpid() if pid is None else pid))
        elif pair == "%h":
            if host is None:
                import socket

                host = socket.gethostname()
            out.append(host)
        elif pair == "%%":
            out.append("%")
        else:
            out.append(pattern[i])
            i += 1
            continue
        i += 2
    return "".join(out)

"""Command-line options: parsing and validation, nothing else.

Every problem becomes a UsageError carrying one line for stderr; the caller
prints it and exits with status 2.  Option names follow Scalene 1.x.
"""
import argparse
import os

from triscope import __version__


class UsageError(Exception):
    """A bad command line: the message is one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise UsageError(message)


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
        self.allocation_sampling_rate = 256 * 1024
        self.copy_sampling_rate = 1024 * 1024
        self.malloc_threshold = 1.0
        self.start_off = False       # --off: start with sampling suspended
        self.profile_interval = 0.0  # seconds between interim profiles; 0: none
        self.children = True         # profile Python child processes too
        self.control = None          # ("on" | "off", pid): control another run


def _build_parser():
    p = _Parser(
        prog="triscope",
        usage="triscope [options] prog.py [args ...]  |  triscope [options] -m module [args ...]",
        description="Line-level CPU profiler for Python: Python vs native vs system time per line.",
    )
    out = p.add_argument_group("output")
    out.add_argument("--outfile", "-o", metavar="FILE",
                     help="write the profile here (format from --json/--html/--cli, else the extension)")
    out.add_argument("--json", action="store_true", help="write the profile as JSON")
    out.add_argument("--html", action="store_true", help="write a self-contained HTML report")
    out.add_argument("--cli", action="store_true", help="write the text report (the default)")
    out.add_argument("--reduced-profile", action="store_true",
                     help="show only lines above the thresholds")
    out.add_argument("--cpu-percent-threshold", type=float, default=1.0, metavar="PCT",
                     help="lines under this CPU %% count as idle (default 1)")
    what = p.add_argument_group("what to profile")
    what.add_argument("--cpu-only", action="store_true", help="profile CPU time only (no memory, no GPU)")
    what.add_argument("--gpu", dest="gpu", action="store_true", default=None,
                      help="profile NVIDIA GPU utilisation and memory (default: on when a GPU is found)")
    what.add_argument("--no-gpu", dest="gpu", action="store_false", help="do not poll GPUs")
    what.add_argument("--profile-all", action="store_true",
                      help="show every file, libraries included (not only the program's directory)")
    what.add_argument("--profile-only", default="", metavar="S1,S2",
                      help="show only files whose path contains one of these substrings")
    what.add_argument("--profile-exclude", default="", metavar="S1,S2",
                      help="hide files whose path contains one of these substrings")
    what.add_argument("--use-virtual-time", action="store_true",
                      help="count CPU time only (no system/off-CPU time)")
    what.add_argument("--cpu-sampling-rate", type=float, default=0.01, metavar="SECONDS",
                      help="mean interval between CPU samples (default 0.01)")
    what.add_argument("--allocation-sampling-rate", type=int, default=256 * 1024, metavar="BYTES",
                      help="mean bytes allocated between memory samples (default 262144)")
    what.add_argument("--copy-sampling-rate", type=int, default=1024 * 1024, metavar="BYTES",
                      help="mean bytes copied between copy samples (default 1048576)")
    out.add_argument("--malloc-threshold", type=float, default=1.0, metavar="MB",
                     help="with --reduced-profile, lines allocating less than MB count as idle (default 1)")
    ctl = p.add_argument_group("control")
    ctl.add_argument("--off", action="store_true",
                     help="start with profiling suspended (resume: triscope --on --pid N, or triscope.start())")
    ctl.add_argument("--on", action="store_true", help="with --pid: resume profiling of process N")
    ctl.add_argument("--pid", type=int, metavar="N",
                     help="with --on/--off: resume or suspend the profiling of running process N")
    ctl.add_argument("--profile-interval", type=float, default=0.0, metavar="SECONDS",
                     help="rewrite the output file every SECONDS while the program runs")
    ctl.add_argument("--no-children", dest="children", action="store_false",
                     help="do not profile the Python processes the program starts")
    p.add_argument("--version", action="version", version="triscope " + __version__)
    p.add_argument("-m", dest="module", metavar="MODULE", help="run a library module as a script")
    return p


def _takes_value(parser):
    """Option strings that consume the next argument."""
    return {opt for action in parser._actions if action.nargs is None and action.option_strings
            and not isinstance(action, (argparse._StoreTrueAction, argparse._VersionAction,
                                        argparse._HelpAction))
            for opt in action.option_strings}


def _split(parser, argv):
    """Splits argv into (triscope's options, target, program args).  The
    target is `-m MODULE` or the first non-option; everything after it
    belongs to the program, even if it looks like a triscope option."""
    takes_value = _takes_value(parser)
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            return argv[:i], argv[i + 1:i + 2], argv[i + 2:]
        if arg == "-m" or (arg.startswith("-m") and not arg.startswith("--")):
            module = argv[i + 1:i + 2] if arg == "-m" else [arg[2:]]
            rest = argv[i + 2:] if arg == "-m" else argv[i + 1:]
            if not module:
                raise UsageError("argument -m: expected a module name")
            return argv[:i], ["-m"] + module, rest
        if not arg.startswith("-") or arg == "-":
            return argv[:i], [arg], argv[i + 1:]
        i += 2 if arg in takes_value else 1
    return argv, [], []


def _choose_format(ns):
    if sum((ns.json, ns.html, ns.cli)) > 1:
        raise UsageError("choose only one of --json, --html and --cli")
    if ns.html or (not ns.json and not ns.cli and ns.outfile and ns.outfile.lower().endswith((".html", ".htm"))):
        return "html"
    if ns.json:
        return "json"
    if ns.cli:
        return "text"
    if ns.outfile and ns.outfile.lower().endswith(".json"):
        return "json"
    return "text"


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


def _check_outfile(path):
    if os.path.isdir(path):
        raise UsageError(f"cannot write the profile to '{path}': it is a directory")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise UsageError(f"cannot write the profile to '{path}': directory '{parent}' does not exist")
    if not os.access(parent, os.W_OK | os.X_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write the profile to '{path}': permission denied")


def _check_script(path):
    if not os.path.exists(path):
        raise UsageError(f"can't open file '{path}': No such file or directory")
    if os.path.isdir(path):
        raise UsageError(f"'{path}' is a directory, not a Python script")
    if not os.access(path, os.R_OK):
        raise UsageError(f"can't open file '{path}': Permission denied")


def parse(argv):
    """Parses triscope's command line (without the program name)."""
    parser = _build_parser()
    own, target, program_args = _split(parser, list(argv))
    ns = parser.parse_args(own)
    o = Options()
    if ns.on and ns.off:
        raise UsageError("choose only one of --on and --off")
    if ns.pid is not None:
        if not (ns.on or ns.off):
            raise UsageError("--pid needs --on or --off")
        if target:
            raise UsageError("--on/--off --pid N controls a running process; give no program")
        if ns.pid <= 0:
            raise UsageError("--pid must be a process id")
        o.control = ("on" if ns.on else "off", ns.pid)
        return o
    if ns.on:
        raise UsageError("--on needs --pid N (profiling is on by default)")
    if target[:1] == ["-m"]:
        o.module = target[1]
    elif target:
        o.script = target[0]
        _check_script(o.script)
    else:
        raise UsageError("no program to profile: give a script (triscope prog.py) or -m module")
    o.args = list(program_args)
    _apply(ns, o)
    return o


def _apply(ns, o):
    """Checks the parsed options and copies them into o."""
    if not 0.0001 <= ns.cpu_sampling_rate <= 10:
        raise UsageError("--cpu-sampling-rate must be between 0.0001 and 10 seconds")
    if not 0 <= ns.cpu_percent_threshold <= 100:
        raise UsageError("--cpu-percent-threshold must be between 0 and 100")
    if not 4096 <= ns.allocation_sampling_rate <= 1 << 34:
        raise UsageError("--allocation-sampling-rate must be between 4096 and 17179869184 bytes")
    if not 4096 <= ns.copy_sampling_rate <= 1 << 34:
        raise UsageError("--copy-sampling-rate must be between 4096 and 17179869184 bytes")
    if ns.malloc_threshold < 0:
        raise UsageError("--malloc-threshold must not be negative")
    if ns.profile_interval < 0 or (ns.profile_interval and not ns.outfile):
        raise UsageError("--profile-interval needs --outfile and a positive number of seconds")
    o.format = _choose_format(ns)
    if ns.outfile:
        _check_outfile(expand_outfile(ns.outfile))
    o.outfile = ns.outfile
    o.cpu_only = ns.cpu_only
    o.gpu = (not ns.cpu_only) if ns.gpu is None else ns.gpu
    o.reduced_profile = ns.reduced_profile
    o.profile_all = ns.profile_all
    o.profile_only = ns.profile_only
    o.profile_exclude = ns.profile_exclude
    o.use_virtual_time = ns.use_virtual_time
    o.cpu_percent_threshold = ns.cpu_percent_threshold
    o.cpu_sampling_rate = ns.cpu_sampling_rate
    o.allocation_sampling_rate = ns.allocation_sampling_rate
    o.copy_sampling_rate = ns.copy_sampling_rate
    o.malloc_threshold = ns.malloc_threshold
    o.start_off = ns.off
    o.profile_interval = ns.profile_interval
    o.children = ns.children


def parse_magic(tokens):
    """For the IPython magics: triscope's options at the front of tokens,
    then the statement.  Returns (Options, statement tokens)."""
    parser = _build_parser()
    takes_value = _takes_value(parser)
    i = 0
    while i < len(tokens) and tokens[i].startswith("--"):
        i += 2 if tokens[i] in takes_value else 1
    ns = parser.parse_args(tokens[:i])
    o = Options()
    if ns.outfile:
        raise UsageError("the magics show the report inline; --outfile is not available")
    if ns.pid is not None or ns.on or ns.off or ns.profile_interval:
        raise UsageError("--on/--off/--pid/--profile-interval are not available in the magics")
    _apply(ns, o)
    return o, tokens[i:]

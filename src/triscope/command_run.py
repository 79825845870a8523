"""``triscope [options] prog.py [args ...]`` and ``triscope [options] -m
module [args ...]``: the run command's command line (also read by the
IPython magics), then the run itself (target.py).  ``--on/--off --pid N``
is parsed here too and handed to command_control.

Every problem is a UsageError (exit status 2) or, once the command line is
good, an EngineError or ProfileError (exit status 1).  Option names follow
Scalene 1.x.
"""
import os
import sys

from triscope import arguments, options
from triscope.errors import EngineError, ProfileError, UsageError
from triscope.version import __version__

PROG = "triscope"


def build_parser():
    d = options.DEFAULTS
    p = arguments.Parser(
        prog=PROG,
        usage="triscope [options] prog.py [args ...]  |  triscope [options] -m module [args ...]",
        description="Line-level CPU, GPU and memory profiler for Python: "
                    "Python vs native vs system time per line.",
    )
    out = p.add_argument_group("output")
    out.add_argument("--outfile", "-o", metavar="FILE",
                     help="write the profile here (format from --json/--html/--cli, else the extension)")
    out.add_argument("--json", action="store_true", help="write the profile as JSON")
    out.add_argument("--html", action="store_true", help="write a self-contained HTML report")
    out.add_argument("--cli", action="store_true", help="write the text report (the default)")
    arguments.add_report_options(out)
    what = p.add_argument_group("what to profile")
    what.add_argument("--cpu-only", action="store_true", help="profile CPU time only (no memory, no GPU)")
    what.add_argument("--gpu", dest="gpu", action="store_true", default=None,
                      help="profile NVIDIA GPU utilisation and memory (default: on when a GPU is found)")
    what.add_argument("--no-gpu", dest="gpu", action="store_false", help="do not poll GPUs")
    what.add_argument("--profile-all", action="store_true",
                      help="show every file, libraries included (not only the program's directory)")
    what.add_argument("--profile-only", default=d.profile_only, metavar="S1,S2",
                      help="show only files whose path contains one of these substrings")
    what.add_argument("--profile-exclude", default=d.profile_exclude, metavar="S1,S2",
                      help="hide files whose path contains one of these substrings")
    what.add_argument("--use-virtual-time", action="store_true",
                      help="count CPU time only (no system/off-CPU time)")
    what.add_argument("--cpu-sampling-rate", type=float, default=d.cpu_sampling_rate, metavar="SECONDS",
                      help=f"mean interval between CPU samples (default {d.cpu_sampling_rate})")
    what.add_argument("--allocation-sampling-rate", type=int, default=d.allocation_sampling_rate,
                      metavar="BYTES",
                      help=f"mean bytes allocated between memory samples (default {d.allocation_sampling_rate})")
    what.add_argument("--copy-sampling-rate", type=int, default=d.copy_sampling_rate, metavar="BYTES",
                      help=f"mean bytes copied between copy samples (default {d.copy_sampling_rate})")
    ctl = p.add_argument_group("control")
    ctl.add_argument("--off", dest="start_off", action="store_true",
                     help="start with profiling suspended (resume: triscope --on --pid N, or triscope.start())")
    ctl.add_argument("--on", action="store_true", help="with --pid: resume profiling of process N")
    ctl.add_argument("--pid", type=int, metavar="N",
                     help="with --on/--off: resume or suspend the profiling of running process N")
    ctl.add_argument("--profile-interval", type=float, default=d.profile_interval, metavar="SECONDS",
                     help="rewrite the output file every SECONDS while the program runs")
    ctl.add_argument("--no-children", dest="children", action="store_false",
                     help="do not profile the Python processes the program starts")
    p.add_argument("--version", action="version", version="triscope " + __version__)
    p.add_argument("-m", dest="module", metavar="MODULE", help="run a library module as a script")
    return p


def _split(parser, argv):
    """Splits argv into (triscope's options, target, program args).  The
    target is `-m MODULE` or the first non-option; everything after it
    belongs to the program, even if it looks like a triscope option."""
    takes_value = arguments.takes_value(parser)
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


def _check_script(path):
    if not os.path.exists(path):
        raise UsageError(f"can't open file '{path}': No such file or directory")
    if os.path.isdir(path):
        raise UsageError(f"'{path}' is a directory, not a Python script")
    if not os.access(path, os.R_OK):
        raise UsageError(f"can't open file '{path}': Permission denied")


def parse(argv):
    """Parses triscope's command line (without the program name) into an
    Options; UsageError if it is bad."""
    parser = build_parser()
    own, target, program_args = _split(parser, list(argv))
    ns = parser.parse_args(own)
    o = options.Options()
    if ns.on and ns.start_off:
        raise UsageError("choose only one of --on and --off")
    if ns.pid is not None:
        if not (ns.on or ns.start_off):
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
    arguments.check_ranges(ns)
    if ns.profile_interval < 0 or (ns.profile_interval and not ns.outfile):
        raise UsageError("--profile-interval needs --outfile and a positive number of seconds")
    o.format = arguments.choose_format(ns)
    if ns.outfile:
        arguments.check_outfile(options.expand_outfile(ns.outfile))
    options.copy_fields(o, ns, options.FROM_COMMAND_LINE)
    o.gpu = (not ns.cpu_only) if ns.gpu is None else ns.gpu


def parse_magic(tokens):
    """For the IPython magics: triscope's options at the front of tokens,
    then the statement.  Returns (Options, statement tokens)."""
    parser = build_parser()
    takes_value = arguments.takes_value(parser)
    i = 0
    while i < len(tokens) and tokens[i].startswith("--"):
        i += 2 if tokens[i] in takes_value else 1
    ns = parser.parse_args(tokens[:i])
    o = options.Options()
    if ns.outfile:
        raise UsageError("the magics show the report inline; --outfile is not available")
    if ns.pid is not None or ns.on or ns.start_off or ns.profile_interval:
        raise UsageError("--on/--off/--pid/--profile-interval are not available in the magics")
    _apply(ns, o)
    return o, tokens[i:]


def main(argv):
    """Runs the command; returns when the target has run (the interpreter
    then exits and the profile is written at exit)."""
    opts = parse(argv)
    if opts.control:
        from triscope import command_control

        command_control.main(opts)
    if sys.platform != "linux":
        raise ProfileError("triscope currently runs on Linux only")
    from triscope import native_loader, target

    native = native_loader.load()
    if not opts.cpu_only and not native.preload_present():
        opts.cpu_only = True
    try:
        return target.run(native, opts)
    except RuntimeError as e:
        error = EngineError.from_engine(e)
        if error is None:
            raise
        raise error

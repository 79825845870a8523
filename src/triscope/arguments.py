"""What the subcommands' command lines share: the parser that turns every
problem into a UsageError (one line, exit status 2), the options of how a
report is drawn, the range checks, the report format chosen from flags and
the output file's name, and the check that an output file can be written.
"""
import argparse
import os

from triscope.errors import UsageError
from triscope.options import DEFAULTS


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are UsageErrors (no usage dump)."""

    def error(self, message):
        raise UsageError(message)


def takes_value(parser):
    """Option strings that consume the next argument."""
    return {opt for action in parser._actions if action.nargs is None and action.option_strings
            and not isinstance(action, (argparse._StoreTrueAction, argparse._VersionAction,
                                        argparse._HelpAction))
            for opt in action.option_strings}


def add_report_options(group):
    """The options of how a report is drawn (run, view and merge)."""
    group.add_argument("--reduced-profile", action="store_true", help="show only lines above the thresholds")
    group.add_argument("--cpu-percent-threshold", type=float, default=DEFAULTS.cpu_percent_threshold,
                       metavar="PCT",
                       help=f"lines under this CPU %% count as idle (default {DEFAULTS.cpu_percent_threshold:g})")
    group.add_argument("--malloc-threshold", type=float, default=DEFAULTS.malloc_threshold, metavar="MB",
                       help="with --reduced-profile, lines allocating less than MB count as idle "
                       f"(default {DEFAULTS.malloc_threshold:g})")


# (dest, whether a value is allowed, the message if not): checked in this
# order, for the dests the parser has.
_RANGES = (
    ("cpu_sampling_rate", lambda v: 0.0001 <= v <= 10,
     "--cpu-sampling-rate must be between 0.0001 and 10 seconds"),
    ("cpu_percent_threshold", lambda v: 0 <= v <= 100, "--cpu-percent-threshold must be between 0 and 100"),
    ("allocation_sampling_rate", lambda v: 4096 <= v <= 1 << 34,
     "--allocation-sampling-rate must be between 4096 and 17179869184 bytes"),
    ("copy_sampling_rate", lambda v: 4096 <= v <= 1 << 34,
     "--copy-sampling-rate must be between 4096 and 17179869184 bytes"),
    ("malloc_threshold", lambda v: not v < 0, "--malloc-threshold must not be negative"),
)


def check_ranges(ns):
    """Raises UsageError for the first option out of its range."""
    for dest, allowed, message in _RANGES:
        if hasattr(ns, dest) and not allowed(getattr(ns, dest)):
            raise UsageError(message)


# (flag's dest, its option, the format it asks for, outfile endings that imply it)
_FORMATS = (("json", "--json", "json", (".json",)),
            ("html", "--html", "html", (".html", ".htm")),
            ("cli", "--cli", "text", ()))


def choose_format(ns, file_default="text"):
    """The report format: the one format flag given, else the one the
    outfile's name implies (among the formats the parser has flags for),
    else file_default for a file and "text" for standard output."""
    offered = [f for f in _FORMATS if hasattr(ns, f[0])]
    given = [f for f in offered if getattr(ns, f[0])]
    if len(given) > 1:
        names = [f[1] for f in offered]
        raise UsageError("choose only one of %s and %s" % (", ".join(names[:-1]), names[-1]))
    if given:
        return given[0][2]
    if not ns.outfile:
        return "text"
    name = ns.outfile.lower()
    for _, _, fmt, endings in offered:
        if endings and name.endswith(endings):
            return fmt
    return file_default


def check_report_command(ns, file_default="text"):
    """The checks `view` and `merge` make of their parsed command line: the
    format (choose_format), the ranges, and the outfile.  Returns the format."""
    fmt = choose_format(ns, file_default)
    check_ranges(ns)
    if ns.outfile:
        check_outfile(ns.outfile)
    return fmt


def check_outfile(path):
    """Raises UsageError unless a profile can be written at path: a device
    or FIFO (or a link to one) is written in place and needs only to be
    writable; a file (or a symlink's final target) is replaced, so its
    directory must be writable (native/profile/profile_output.h)."""
    if os.path.isdir(path):
        raise UsageError(f"cannot write the profile to '{path}': it is a directory")
    if os.path.exists(path) and not os.path.isfile(path):
        if not os.access(path, os.W_OK):
            raise UsageError(f"cannot write the profile to '{path}': permission denied")
        return
    parent = os.path.dirname(os.path.realpath(path))
    if not os.path.isdir(parent):
        raise UsageError(f"cannot write the profile to '{path}': directory '{parent}' does not exist")
    if not os.access(parent, os.W_OK | os.X_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write the profile to '{path}': permission denied")

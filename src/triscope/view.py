"""``triscope view PROFILE.json``: draw a saved JSON profile again, as the
text report or the HTML report.

The C writers draw every text and HTML report from the JSON profile, so the
report drawn here is the one the run drew from the same options, byte for
byte.  Reading the profile is C too (native/profile/model_from_json.c): a
file that is missing, truncated, corrupt or not a profile at all gets one
line on stderr and exit status 1; a bad command line exit status 2.  Never
a traceback.

``triscope view`` is a subcommand: to profile a script named ``view``, give
it a path (``triscope ./view``).
"""
import argparse
import os
import shutil
import sys

from triscope import options


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise options.UsageError(message)


def _build_parser():
    p = _Parser(
        prog="triscope view",
        usage="triscope view PROFILE.json [--html | --cli] [--outfile FILE] "
              "[--reduced-profile] [--cpu-percent-threshold PCT] [--malloc-threshold MB]",
        description="Draw a saved JSON profile as the text report (default) or the HTML report.",
    )
    p.add_argument("profile", metavar="PROFILE.json", help="a profile written with --json")
    p.add_argument("--html", action="store_true", help="draw the HTML report")
    p.add_argument("--cli", action="store_true", help="draw the text report (the default)")
    p.add_argument("--outfile", "-o", metavar="FILE",
                   help="write the report here (HTML if FILE ends in .html), not to standard output")
    add_report_options(p)
    return p


def add_report_options(p):
    """The options of how a report is drawn (shared with ``triscope merge``)."""
    p.add_argument("--reduced-profile", action="store_true", help="show only lines above the thresholds")
    p.add_argument("--malloc-threshold", type=float, default=1.0, metavar="MB",
                   help="with --reduced-profile, lines allocating less than MB count as idle (default 1)")
    p.add_argument("--cpu-percent-threshold", type=float, default=1.0, metavar="PCT",
                   help="lines under this CPU %% count as idle (default 1)")


def check_thresholds(ns):
    """Raises UsageError for a threshold out of range."""
    if ns.malloc_threshold < 0:
        raise options.UsageError("--malloc-threshold must not be negative")
    if not 0 <= ns.cpu_percent_threshold <= 100:
        raise options.UsageError("--cpu-percent-threshold must be between 0 and 100")


def report_kwargs(ns, fmt):
    """The report arguments of _native.render_profile and merge_profiles:
    colour and width from the terminal when drawing to one."""
    to_tty = ns.outfile is None and os.isatty(1)
    if to_tty:
        width = shutil.get_terminal_size((132, 24)).columns
    else:
        try:
            width = int(os.environ.get("COLUMNS", "132") or 132)
        except ValueError:
            width = 132
    return dict(format=fmt, reduced=ns.reduced_profile, threshold=ns.cpu_percent_threshold,
                malloc_threshold=ns.malloc_threshold or 1e-9,
                color=to_tty and fmt == "text" and not os.environ.get("NO_COLOR"),
                width=max(40, width))


def _fail(message, status):
    print(f"triscope view: error: {message}", file=sys.stderr)
    sys.exit(status)


def _parse(argv):
    ns = _build_parser().parse_args(argv)
    if ns.html and ns.cli:
        raise options.UsageError("choose only one of --html and --cli")
    check_thresholds(ns)
    html = ns.html or (not ns.cli and bool(ns.outfile) and ns.outfile.lower().endswith((".html", ".htm")))
    ns.format = "html" if html else "text"
    if ns.outfile:
        options._check_outfile(ns.outfile)
    return ns


def main(argv):
    """Runs ``triscope view`` with argv (the words after "view"); exits."""
    try:
        ns = _parse(argv)
    except options.UsageError as e:
        _fail(str(e), 2)
    try:
        with open(ns.profile, "rb") as f:
            data = f.read()
    except OSError as e:
        _fail(f"cannot read '{ns.profile}': {e.strerror or e}", 1)
    try:
        from triscope import _native
    except ImportError as e:
        _fail(f"the C engine (triscope._native) cannot be loaded: {e}", 1)
    kwargs = dict(report_kwargs(ns, ns.format), path=ns.outfile)
    try:
        if ns.format == "html":
            from triscope import html_assets

            kwargs["html_assets"] = html_assets.load()
        sys.stdout.flush()
        _native.render_profile(data, **kwargs)
    except ValueError as e:
        _fail(f"{ns.profile}: {e}", 1)
    except BrokenPipeError:
        sys.exit(0)  # `triscope view p.json | head`
    except OSError as e:
        where = ns.outfile or "standard output"
        _fail(f"cannot write the report to {where}: {e.strerror or e}", 1)
    sys.exit(0)

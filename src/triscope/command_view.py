"""``triscope view PROFILE.json``: draw a saved JSON profile again, as the
text report or the HTML report.

The C writers draw every text and HTML report from the JSON profile, so the
report drawn here is the one the run drew from the same options, byte for
byte.  Reading the profile is C too (native/profile/model_from_json.c): a
file that is missing, truncated, corrupt or not a profile at all is a
ProfileError (one line, exit status 1); a bad command line a UsageError
(exit status 2).  Never a traceback.

``triscope view`` is a subcommand: to profile a script named ``view``, give
it a path (``triscope ./view``).
"""
import sys

from triscope import arguments, native_loader, report_style
from triscope.errors import ProfileError

PROG = "triscope view"


def _build_parser():
    p = arguments.Parser(
        prog=PROG,
        usage="triscope view PROFILE.json [--html | --cli] [--outfile FILE] "
              "[--reduced-profile] [--cpu-percent-threshold PCT] [--malloc-threshold MB]",
        description="Draw a saved JSON profile as the text report (default) or the HTML report.",
    )
    p.add_argument("profile", metavar="PROFILE.json", help="a profile written with --json")
    p.add_argument("--html", action="store_true", help="draw the HTML report")
    p.add_argument("--cli", action="store_true", help="draw the text report (the default)")
    p.add_argument("--outfile", "-o", metavar="FILE",
                   help="write the report here (HTML if FILE ends in .html), not to standard output")
    arguments.add_report_options(p)
    return p


def _parse(argv):
    ns = _build_parser().parse_args(argv)
    ns.format = arguments.check_report_command(ns)
    return ns


def main(argv):
    """Runs ``triscope view`` with argv (the words after "view"); exits."""
    ns = _parse(argv)
    try:
        with open(ns.profile, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ProfileError(f"cannot read '{ns.profile}': {e.strerror or e}")
    native = native_loader.import_native()
    try:
        kwargs = report_style.report_kwargs(ns.format, ns, report_style.is_terminal(ns.outfile))
        kwargs["path"] = ns.outfile
        sys.stdout.flush()
        native.render_profile(data, **kwargs)
    except ValueError as e:
        raise ProfileError(f"{ns.profile}: {e}")
    except BrokenPipeError:
        sys.exit(0)  # `triscope view p.json | head`
    except OSError as e:
        where = ns.outfile or "standard output"
        raise ProfileError(f"cannot write the report to {where}: {e.strerror or e}")
    sys.exit(0)

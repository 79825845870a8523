"""``triscope merge A.json B.json ... [-o FILE]``: merge the JSON profiles
of several processes (fork or multiprocessing children, MPI ranks, runs on
other hosts) into one profile.

Reading, merging and writing are C (native/extension/binding_merge.c; the
rules per field are in docs/merge.md).  The result is a JSON profile when
written to a file (unless --cli or --html, or an .html name, asks for a
report), and the text report on standard output; either is what ``triscope
view`` would draw from the merged JSON.  A bad command line (no inputs, an
output in a missing directory) is a UsageError (one line, exit status 2); a
missing, corrupt or foreign input, or an output that cannot be written, a
ProfileError (one line, exit status 1), with nothing written.  Never a
traceback.
"""
import sys

from triscope import arguments, native_loader, report_style
from triscope.errors import ProfileError

PROG = "triscope merge"


def _build_parser():
    p = arguments.Parser(
        prog=PROG,
        usage="triscope merge PROFILE.json [PROFILE.json ...] [--outfile FILE] "
              "[--json | --html | --cli] [--reduced-profile] [--cpu-percent-threshold PCT]",
        description="Merge JSON profiles of several processes into one profile.",
    )
    p.add_argument("profiles", metavar="PROFILE.json", nargs="+", help="profiles written with --json")
    p.add_argument("--outfile", "-o", metavar="FILE",
                   help="write the merged profile here (JSON unless --cli/--html or a .html name), "
                        "not the text report to standard output")
    p.add_argument("--json", action="store_true", help="write the merged JSON profile")
    p.add_argument("--html", action="store_true", help="draw the HTML report")
    p.add_argument("--cli", action="store_true", help="draw the text report")
    arguments.add_report_options(p)
    return p


def main(argv):
    """Runs ``triscope merge`` with argv (the words after "merge"); exits."""
    ns = _build_parser().parse_args(argv)
    fmt = arguments.check_report_command(ns, file_default="json")
    native = native_loader.import_native()
    try:
        kwargs = report_style.report_kwargs(fmt, ns, report_style.is_terminal(ns.outfile))
        sys.stdout.flush()
        native.merge_profiles(ns.profiles, ns.outfile, **kwargs)
    except ValueError as e:
        raise ProfileError(str(e))
    except BrokenPipeError:
        sys.exit(0)  # `triscope merge a.json b.json | head`
    except OSError as e:
        if e.filename is None:  # an input: the message names it
            raise ProfileError(e.strerror or str(e))
        where = ns.outfile or "standard output"
        raise ProfileError(f"cannot write the merged profile to {where}: {e.strerror or e}")
    sys.exit(0)

"""``triscope merge A.json B.json ... [-o FILE]``: merge the JSON profiles
of several processes (fork or multiprocessing children, MPI ranks, runs on
other hosts) into one profile.

Reading, merging and writing are C (native/extension/binding_merge.c; the
rules per field are in docs/merge.md).  The result is a JSON profile when
written to a file (unless --cli or --html, or an .html name, asks for a
report), and the text report on standard output; either is what ``triscope
view`` would draw from the merged JSON.  A bad command line (no inputs, an
output in a missing directory) is one line on stderr and exit status 2; a
missing, corrupt or foreign input, or an output that cannot be written,
one line and exit status 1, with nothing written.  Never a traceback.
"""
import sys

from triscope import options, view


def _build_parser():
    p = view._Parser(
        prog="triscope merge",
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
    view.add_report_options(p)
    return p


def _format(ns):
    if sum((ns.json, ns.html, ns.cli)) > 1:
        raise options.UsageError("choose only one of --json, --html and --cli")
    if ns.html or ns.json or ns.cli:
        return "html" if ns.html else "json" if ns.json else "text"
    if ns.outfile is None:
        return "text"
    return "html" if ns.outfile.lower().endswith((".html", ".htm")) else "json"


def _fail(message, status):
    print(f"triscope merge: error: {message}", file=sys.stderr)
    sys.exit(status)


def main(argv):
    """Runs ``triscope merge`` with argv (the words after "merge"); exits."""
    try:
        ns = _build_parser().parse_args(argv)
        fmt = _format(ns)
        view.check_thresholds(ns)
        if ns.outfile:
            options._check_outfile(ns.outfile)
    except options.UsageError as e:
        _fail(str(e), 2)
    try:
        from triscope import _native
    except ImportError as e:
        _fail(f"the C engine (triscope._native) cannot be loaded: {e}", 1)
    kwargs = view.report_kwargs(ns, fmt)
    try:
        if fmt == "html":
            from triscope import html_assets

            kwargs["html_assets"] = html_assets.load()
        sys.stdout.flush()
        _native.merge_profiles(ns.profiles, ns.outfile, **kwargs)
    except ValueError as e:
        _fail(str(e), 1)
    except BrokenPipeError:
        sys.exit(0)  # `triscope merge a.json b.json | head`
    except OSError as e:
        if e.filename is None:  # an input: the message names it
            _fail(e.strerror or str(e), 1)
        where = ns.outfile or "standard output"
        _fail(f"cannot write the merged profile to {where}: {e.strerror or e}", 1)
    sys.exit(0)

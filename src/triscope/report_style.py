"""How a report is drawn: the arguments of the C report writers that the
report options (--reduced-profile and the thresholds) and the terminal
decide, for a run, ``triscope view`` and ``triscope merge`` alike.  The
width: COLUMNS, else the terminal's size, else 132 columns (without
shutil, whose imports cost ~6 ms); colour only on a terminal, only for the
text report, never with NO_COLOR set."""
import os
import sys

_FALLBACK_COLUMNS = 132


def _columns_from_environment():
    try:
        return int(os.environ.get("COLUMNS", "") or _FALLBACK_COLUMNS)
    except ValueError:
        return _FALLBACK_COLUMNS


def _terminal_columns():
    """As shutil.get_terminal_size: a positive COLUMNS wins, then the size
    of the terminal on standard output."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or _FALLBACK_COLUMNS
    except (AttributeError, ValueError, OSError):
        return _FALLBACK_COLUMNS


def is_terminal(outfile):
    """Whether a report for outfile (None: standard output) goes to a terminal."""
    return outfile is None and os.isatty(1)


def report_kwargs(fmt, opts, to_tty):
    """format, reduced, threshold, malloc_threshold, color and width for the
    C writers, from opts (an Options or a parsed command line with the
    report options), and html_assets for the HTML format."""
    width = _terminal_columns() if to_tty else _columns_from_environment()
    kwargs = dict(format=fmt, reduced=opts.reduced_profile, threshold=opts.cpu_percent_threshold,
                  malloc_threshold=opts.malloc_threshold or 1e-9,  # 0 would mean "the default"
                  color=bool(to_tty and fmt == "text" and not os.environ.get("NO_COLOR")),
                  width=max(40, width))
    if fmt == "html":
        from triscope import html_assets

        kwargs["html_assets"] = html_assets.load()
    return kwargs

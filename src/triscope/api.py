"""The in-process interface: ``@profile``, ``start()``/``stop()``, the
``profiling()`` context manager and ``snapshot()``; and the record of this
process's session, which they act on.

Under ``triscope prog.py`` these act on the command's session: ``stop()``
suspends sampling and ``start()`` resumes it (``triscope --off prog.py``
starts suspended), and the profile written at exit covers only the enabled
stretches.  In a plain ``python`` process the first ``start()`` starts a
session of its own (CPU, and memory when the preload library can be loaded into it),
which ``snapshot()`` reads and nothing writes at exit.

``@profile`` returns the function itself (no wrapper, no cost); once any
function is decorated, reports show only decorated functions, all their
lines.  Under the command it is also a builtin, so programs written for
line_profiler-style decorators run unchanged.
"""
import os
import sys

from triscope.decorated import profile  # noqa: F401 - part of the interface

_session = None   # Owner: attach() and start() (main thread); a session.Session, or None


def attach(session):
    """Called by whoever started this process's session (target.py,
    child_session.py) once it has started."""
    global _session
    _session = session


def _plain_session():
    """A session of this process's own, for start() outside the command."""
    from triscope import launcher, native_loader, options, session

    native = native_loader.load()
    opts = options.Options()
    opts.cpu_only = launcher.attach_in_process() is not None
    opts.gpu = False
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    entry_dir = os.path.dirname(os.path.realpath(main_file)) if main_file else os.getcwd()
    return session.PlainSession(native, opts, main_file or "<python>", entry_dir)


def start():
    """Starts (or resumes) profiling."""
    global _session
    if _session is None:
        _session = _plain_session()
        _session.start()
    else:
        _session.set_enabled(True)


def stop():
    """Suspends profiling; the statistics so far are kept."""
    if _session is not None:
        _session.set_enabled(False)


def snapshot():
    """The profile gathered so far, as a dict in triscope's JSON schema."""
    if _session is None:
        raise RuntimeError("triscope: nothing profiled yet; call triscope.start() first")
    return _session.snapshot()


class profiling:
    """``with triscope.profiling() as p: ...`` profiles the block; ``p.profile``
    is then the snapshot taken when it ended."""

    def __init__(self):
        self.profile = None

    def __enter__(self):
        start()
        return self

    def __exit__(self, *exc):
        stop()
        self.profile = snapshot()
        return False

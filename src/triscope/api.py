"""The in-process interface: ``@profile``, ``start()``/``stop()``, the
``profiling()`` context manager and ``snapshot()``.

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

_decorated = []   # code objects of the functions decorated with @profile
_session = None   # runner._Session of this process, or None


def profile(func):
    """Marks func for the report; returns it unchanged."""
    target = getattr(func, "__func__", func)  # staticmethod / classmethod
    code = getattr(target, "__code__", None)
    if code is None:
        raise TypeError("@profile decorates functions and methods")
    _decorated.append(code)
    return func


def _last_line(code):
    last = code.co_firstlineno
    if hasattr(code, "co_lines"):
        last = max([line for _, _, line in code.co_lines() if line is not None] + [last])
    else:
        import dis

        last = max([line for _, line in dis.findlinestarts(code)] + [last])
    for const in code.co_consts:
        if hasattr(const, "co_firstlineno"):
            last = max(last, _last_line(const))
    return last


def selection():
    """The decorated functions as (file, first line, last line), or None
    when nothing is decorated (then everything is reported)."""
    if not _decorated:
        return None
    return [(code.co_filename, code.co_firstlineno, _last_line(code)) for code in _decorated]


def attach(session):
    """Called by the runner once its session has started."""
    global _session
    _session = session


def _plain_session():
    """A session of this process's own, for start() outside the command."""
    from triscope import cli, launcher, options, runner

    native = cli.load_native_or_raise()
    opts = options.Options()
    opts.cpu_only = launcher.attach_in_process() is not None
    opts.gpu = False
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    entry_dir = os.path.dirname(os.path.realpath(main_file)) if main_file else os.getcwd()
    return runner.PlainSession(native, opts, main_file or "<python>", entry_dir)


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

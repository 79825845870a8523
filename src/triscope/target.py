"""Running the program under the profiler as ``__main__``.

The target must not be able to tell it is profiled: it gets the argv,
sys.path[0], ``__main__`` module, exit status and traceback that
``python prog.py`` (or ``python -m module``) would give it.  The session
(session.py) starts just before the target's first line; its profile is
written from an atexit hook registered before the target starts, so it runs
after the program's own atexit hooks and after non-daemon threads have been
joined.
"""
import importlib.machinery
import os
import sys
import types

from triscope import api
from triscope.session import Session

_HERE = os.path.dirname(os.path.abspath(__file__))


def _strip_own_frames(tb):
    """Drops the leading traceback entries that belong to triscope."""
    while tb is not None and os.path.dirname(os.path.abspath(tb.tb_frame.f_code.co_filename)) == _HERE:
        tb = tb.tb_next
    return tb


def _report_uncaught(session, exc):
    if isinstance(exc, KeyboardInterrupt):
        session.kill_with_sigint = True
    exc.__traceback__ = _strip_own_frames(exc.__traceback__)
    sys.excepthook(type(exc), exc, exc.__traceback__)
    raise SystemExit(1)


def _fresh_main_module(path):
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__builtins__ = __builtins__
    main.__cached__ = None
    if path:
        main.__loader__ = importlib.machinery.SourceFileLoader("__main__", path)
    sys.modules["__main__"] = main
    return main


def compile_script(path):
    """Compiles the target, or prints the SyntaxError the way Python does and
    exits with status 1."""
    with open(path, "rb") as f:
        source = f.read()
    try:
        return compile(source, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        import traceback

        traceback.print_exception(type(e), e, None)
        sys.exit(1)


def _start(session):
    session.start()
    api.attach(session)


def run(native, opts):
    """Runs the target under the profiler; returns only through SystemExit or
    normal completion (the interpreter then exits and the atexit hook writes
    the profile)."""
    keep_alive = sys.modules.get("__main__")  # triscope's own __main__ must outlive the swap
    import builtins

    if not hasattr(builtins, "profile"):
        builtins.profile = api.profile
    if opts.module:
        import runpy

        # As `python -m` does (runpy._run_module_as_main), but keeping the
        # module's code object alive until the profile is written: samples
        # taken in it are resolved after it returns.
        sys.argv = ["-m"] + opts.args
        sys.path[0] = os.getcwd()
        try:
            mod_name, spec, code = runpy._get_module_details(opts.module, runpy._Error)
        except runpy._Error as exc:
            sys.exit("%s: %s" % (sys.executable, exc))
        sys.argv[0] = spec.origin
        session = Session(native, opts, "-m " + opts.module, os.getcwd())
        session.code = code
        main = _fresh_main_module(None)
        _start(session)
        try:
            runpy._run_code(code, main.__dict__, None, "__main__", spec)
        except SystemExit:
            raise
        except BaseException as e:  # noqa: B902 - the target's uncaught exception
            _report_uncaught(session, e)
        return keep_alive
    # Since 3.9 `python prog.py` names the script by its absolute (not
    # normalised) path in __file__, code objects and tracebacks.
    path = opts.script if os.path.isabs(opts.script) else os.path.join(os.getcwd(), opts.script)
    code = compile_script(path)
    entry_dir = os.path.dirname(os.path.realpath(path))
    sys.argv = [opts.script] + opts.args
    sys.path[0] = entry_dir
    session = Session(native, opts, opts.script, entry_dir)
    session.code = code  # alive until the profile is written (see above)
    main = _fresh_main_module(path)
    _start(session)
    try:
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except BaseException as e:  # noqa: B902 - the target's uncaught exception
        _report_uncaught(session, e)
    return keep_alive

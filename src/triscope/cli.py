"""The ``triscope`` command: parse options, check the interpreter, run.

Bad input never produces a traceback from triscope: one line on stderr and
exit status 2 (usage) or 1 (the program itself could not start).
"""
import sys

from triscope import options


def _fail(message, status=2):
    print(f"triscope: error: {message}", file=sys.stderr)
    sys.exit(status)


def _load_native():
    if not (3, 9) <= sys.version_info[:2] <= (3, 13):
        _fail("triscope supports CPython 3.9 to 3.13; this is %d.%d.%d" % sys.version_info[:3], 1)
    try:
        import sysconfig

        if sysconfig.get_config_var("Py_GIL_DISABLED"):
            _fail("the free-threaded CPython build is not supported yet; use a build with the GIL", 1)
        from triscope import _native
    except ImportError as e:
        _fail(f"the C engine (triscope._native) cannot be loaded: {e}", 1)
    why = _native.unsupported_reason()
    if why:
        _fail(why, 1)
    return _native


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["view"]:  # a subcommand; a script named view is run as ./view
        from triscope import view

        view.main(argv[1:])
    if argv[:1] == ["merge"]:  # likewise
        from triscope import merge

        merge.main(argv[1:])
    try:
        opts = options.parse(argv)
    except options.UsageError as e:
        _fail(str(e))
    if sys.platform != "linux":
        _fail("triscope currently runs on Linux only", 1)
    from triscope import launcher

    if launcher.in_stage_two():
        launcher.restore_environment()
    elif not opts.cpu_only:
        # Returns only on failure; the program's stderr stays untouched and
        # the profile says "memory": false.
        launcher.reexec_with_preload(argv)
        opts.cpu_only = True
    native = _load_native()
    if not opts.cpu_only and not native.preload_present():
        opts.cpu_only = True
    from triscope import runner

    try:
        runner.run(native, opts)
    except RuntimeError as e:
        if str(e).startswith("triscope:"):
            _fail(str(e)[len("triscope: "):], 1)
        raise

"""The ``triscope`` command: parse options, check the interpreter, run.

Bad input never produces a traceback from triscope: one line on stderr and
exit status 2 (usage) or 1 (the program itself could not start).
"""
import sys


def _fail(message, status=2):
    print(f"triscope: error: {message}", file=sys.stderr)
    sys.exit(status)


def load_native_or_raise():
    """The C engine, or RuntimeError("triscope: why not")."""
    if not (3, 9) <= sys.version_info[:2] <= (3, 13):
        raise RuntimeError("triscope: triscope supports CPython 3.9 to 3.13; this is %d.%d.%d"
                           % sys.version_info[:3])
    import sysconfig

    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        raise RuntimeError("triscope: the free-threaded CPython build is not supported yet; use a build with the GIL")
    try:
        from triscope import _native
    except ImportError as e:
        raise RuntimeError(f"triscope: the C engine (triscope._native) cannot be loaded: {e}")
    why = _native.unsupported_reason()
    if why:
        raise RuntimeError("triscope: " + why)
    return _native


def _load_native():
    try:
        return load_native_or_raise()
    except RuntimeError as e:
        _fail(str(e)[len("triscope: "):], 1)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    from triscope import launcher

    if launcher.in_stage_two():
        launcher.restore_environment()
    elif sys.platform == "linux" and launcher.wants_preload(argv):
        why = launcher.attach_in_process()
        if why is not None:
            # Re-execute under LD_PRELOAD instead; returns only on failure,
            # and then the profile says "memory": false.
            launcher.reexec_with_preload(argv)
    from triscope import options

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
    if opts.control:
        from triscope import control

        try:
            control.send(opts.control[1], opts.control[0])
        except control.ControlError as e:
            _fail(str(e), 1)
        sys.exit(0)
    if sys.platform != "linux":
        _fail("triscope currently runs on Linux only", 1)
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

"""Stage 2 of a run: start the engine, run the target as ``__main__``,
write the profile however the program ends.

The target must not be able to tell it is profiled: it gets the argv,
sys.path[0], ``__main__`` module, exit status and traceback that
``python prog.py`` would give it.  The profile is written from an atexit
hook registered before the target starts, so it runs after the program's
own atexit hooks and after non-daemon threads have been joined; SIGTERM is
handled in C (see native/extension/drain_thread.h); a fork child never
writes its parent's profile.
"""
import _thread
import atexit
import importlib.machinery
import os
import signal
import sys
import types

from triscope import __version__, api, options, scope


_fork_session = None  # the session the at-fork hooks act on (set by configure)


def _before_fork():
    _fork_session.native.before_fork()


def _after_fork_parent():
    _fork_session.native.after_fork_parent()


def _after_fork_child():
    _fork_session._after_fork_child()


def _finish_at_os_exit(session):
    """Makes os._exit write the profile first (wrapped once per process; the
    session decides whether this process has one to write).  Buffered
    output stays unflushed, as os._exit leaves it."""
    real = os._exit
    if getattr(real, "_triscope", False):
        return

    def _exit(status):
        try:
            session.finish(flush=False)
        except BaseException:  # noqa: B902 - the process must still exit
            pass
        real(status)

    _exit._triscope = True
    os._exit = _exit


def _terminal_columns():
    """Width of the terminal (COLUMNS wins, as in shutil, which costs ~6 ms
    of imports to start)."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 132
    except (AttributeError, ValueError, OSError):
        return 132


class _Session:
    """State of the one profiling run in this process (main thread only)."""

    def __init__(self, native, opts, program, entry_dir):
        self.native = native
        self.opts = opts
        self.program = program
        self.entry_dir = entry_dir
        self.pid = os.getpid()
        self.finished = False
        self.kill_with_sigint = False
        self.code = None  # the target's top-level code object
        self.control_path = None  # see triscope.control
        self.children_dir = None  # where child processes leave their profiles (triscope.children)
        self.write_dir = None     # in a child: where to leave this process's profile
        self._finishing = _thread.allocate_lock()  # one finish at a time (see _finish_on_sigterm)

    def configure(self):
        o = self.opts
        self.native.configure(
            interval=o.cpu_sampling_rate, virtual_time=o.use_virtual_time,
            root=self.entry_dir, profile_all=o.profile_all,
            only=o.profile_only or None, exclude=o.profile_exclude or None,
            library_dirs=scope.library_dirs(), never_dirs=scope.never_dirs(),
            call_opcodes=scope.call_opcodes(), memory=not o.cpu_only,
            alloc_sample_bytes=o.allocation_sampling_rate,
            copy_sample_bytes=o.copy_sampling_rate, gpu=o.gpu)
        global _fork_session
        if _fork_session is None:
            os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_parent,
                                after_in_child=_after_fork_child)
        _fork_session = self

    def start(self):
        from triscope import control

        o = self.opts
        self.configure()
        if o.children:
            from triscope import children

            self.children_dir = children.prepare(self)
        atexit.register(self.finish)
        self.native.watch_sigterm(self._finish_on_sigterm)
        _finish_at_os_exit(self)
        self.native.start()
        if o.start_off:
            self.native.pause()
        api.attach(self)
        self.control_path = control.register(self.pid, "off" if o.start_off else "on")
        if self.control_path:
            self.native.watch_control(self.control_path)
            if o.start_off or control.in_background():
                state = "off: resume it with" if o.start_off else "on: suspend it with"
                verb = "--on" if o.start_off else "--off"
                print(f"triscope: profiling of process {self.pid} is {state} "
                      f"`triscope {verb} --pid {self.pid}`", file=sys.stderr)
        if o.profile_interval:
            self.native.set_periodic(self._write_interim, o.profile_interval)

    def set_enabled(self, on):
        """triscope.start()/stop() in the program: resume or suspend sampling,
        and say so in the control file so that `--on/--off --pid` still act."""
        if self.finished or os.getpid() != self.pid:
            return
        if on:
            self.native.unpause()
        else:
            self.native.pause()
        if self.control_path:
            from triscope import control

            control.register(self.pid, "on" if on else "off")
            self.native.watch_control(self.control_path)

    def snapshot(self):
        """The profile so far, as the dict the JSON report holds."""
        import json
        import tempfile

        fd, path = tempfile.mkstemp(prefix="triscope-snapshot-", suffix=".json")
        os.close(fd)
        try:
            self.native.write_report(path=path, **self._report_kwargs("json", False))
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        finally:
            os.unlink(path)

    def _after_fork_child(self):
        self.native.after_fork_child()
        self.finished = True  # the child never writes the parent's profile
        if self.opts.children and (self.children_dir or self.write_dir):
            self._become_child(self.write_dir or self.children_dir)

    def _become_child(self, directory):
        """In a fork child: a fresh session of the child's own, written into
        the parent's children directory when the child ends."""
        self.pid = os.getpid()
        self._finishing = _thread.allocate_lock()
        self.write_dir, self.children_dir, self.control_path = directory, None, None
        self.finished = self.kill_with_sigint = False
        self.native.watch_sigterm(self._finish_on_sigterm)
        self.native.start()
        _finish_at_os_exit(self)

    def _write_interim(self):
        """--profile-interval: rewrites the output file (atomically) with the
        profile so far.  Runs on the drain thread."""
        if self.finished or os.getpid() != self.pid:
            return
        try:
            self.native.write_report(path=self._outfile(), **self._report_kwargs(self.opts.format, False))
        except OSError:
            pass  # the final write reports problems

    def _finish_on_sigterm(self):
        """SIGTERM, on the drain thread.  If another thread is finishing (a
        multiprocessing worker leaving by os._exit as it is terminated), it
        writes the profile and ends the process: returns False so that the
        drain thread neither waits for it (it waits for the drain thread)
        nor kills the process under it."""
        if not self._finishing.acquire(False):
            return False
        try:
            self._finish_locked()
        finally:
            self._finishing.release()
        return True

    def finish(self, flush=True):
        """Stops sampling and writes the profile, once, in the original
        process.  flush=False (from os._exit): the program's buffered output
        is left unflushed, as os._exit leaves it."""
        with self._finishing:
            self._finish_locked(flush)

    def _finish_locked(self, flush=True):
        if self.finished or os.getpid() != self.pid:
            return
        self.finished = True
        self.native.set_periodic(None)
        self.native.watch_control(None)
        from triscope import control

        control.unregister(self.control_path)
        self.native.stop()
        for stream in (sys.stdout, sys.stderr) if flush else ():
            try:
                stream.flush()
            except Exception:
                pass
        self._write()
        if self.children_dir:
            from triscope import children

            children.cleanup(self.children_dir)
        # A SIGTERM that came while the profile was being written ends the
        # process now, as it would have without triscope.
        self.native.unwatch_sigterm()
        if self.kill_with_sigint:
            # `python prog.py` dies by SIGINT after an uncaught KeyboardInterrupt.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)

    def _outfile(self):
        if self.write_dir:
            from triscope import children

            return children.profile_path(self.write_dir)
        return options.expand_outfile(self.opts.outfile)

    def _report_kwargs(self, fmt, to_tty):
        o = self.opts
        width = _terminal_columns() if to_tty else int(os.environ.get("COLUMNS", "132") or 132)
        kwargs = dict(
            format=fmt, program=self.program, entrypoint_dir=self.entry_dir,
            args=list(o.args), reduced=o.reduced_profile, threshold=o.cpu_percent_threshold,
            malloc_threshold=o.malloc_threshold or 1e-9,  # 0 would mean "the default"
            color=to_tty and fmt == "text" and not os.environ.get("NO_COLOR"),
            width=max(40, width), cpu_only=not self.native.memory(),
            python_version="%d.%d.%d" % sys.version_info[:3], version=__version__,
            ncpus=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
            selection=api.selection())
        if fmt == "html":
            from triscope import html_assets

            kwargs["html_assets"] = html_assets.load()
        return kwargs

    def _write(self):
        o = self.opts
        if self.write_dir:  # a child: JSON for the parent, quietly
            try:
                self.native.write_report(path=self._outfile(), **self._report_kwargs("json", False))
            except OSError:
                pass
            return
        kwargs = self._report_kwargs(o.format, o.outfile is None and os.isatty(1))
        if self.children_dir:
            from triscope import children

            found = children.collected(self.children_dir)
            if found:
                kwargs["merge_paths"] = found
        try:
            self.native.write_report(path=self._outfile(), **kwargs)
            return
        except OSError as e:
            where = o.outfile or "standard output"
            reason = e.strerror or str(e)
        # Never lose a profile: fall back to a temporary file and say where.
        import tempfile

        suffix = {"json": ".json", "html": ".html"}.get(o.format, ".txt")
        fd, fallback = tempfile.mkstemp(prefix="triscope-profile-", suffix=suffix)
        os.close(fd)
        try:
            self.native.write_report(path=fallback, **kwargs)
            print(f"triscope: could not write the profile to {where} ({reason}); wrote it to {fallback}",
                  file=sys.stderr)
        except OSError as e2:
            print(f"triscope: could not write the profile to {where} ({reason}) nor to {fallback} ({e2.strerror})",
                  file=sys.stderr)


class ChildSession(_Session):
    """A Python child process of a profiled program (triscope.children)."""

    def __init__(self, native, opts, program, entry_dir, write_dir):
        super().__init__(native, opts, program, entry_dir)
        self.write_dir = write_dir

    def start(self):
        self.configure()
        atexit.register(self.finish)
        self.native.watch_sigterm(self._finish_on_sigterm)
        self.native.start()
        _finish_at_os_exit(self)


class PlainSession(_Session):
    """triscope.start() in a plain `python` process: profiles until stop(),
    keeps the statistics for snapshot(), writes nothing at exit."""

    def start(self):
        self.configure()
        atexit.register(self.native.stop)
        self.native.start()

    def set_enabled(self, on):
        if os.getpid() != self.pid:
            return
        if on:
            self.native.resume()
        else:
            self.native.stop()


def _strip_own_frames(tb):
    """Drops the leading traceback entries that belong to triscope."""
    here = os.path.dirname(os.path.abspath(__file__))
    while tb is not None and os.path.dirname(os.path.abspath(tb.tb_frame.f_code.co_filename)) == here:
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
        session = _Session(native, opts, "-m " + opts.module, os.getcwd())
        session.code = code
        main = _fresh_main_module(None)
        session.start()
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
    session = _Session(native, opts, opts.script, entry_dir)
    session.code = code  # alive until the profile is written (see above)
    main = _fresh_main_module(path)
    session.start()
    try:
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except BaseException as e:  # noqa: B902 - the target's uncaught exception
        _report_uncaught(session, e)
    return keep_alive

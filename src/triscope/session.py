"""The lifecycle of the one profiling session of a process: configure and
start the engine, suspend and resume, follow a fork, finish once however
the program ends, and write the profile (falling back to a temporary file
rather than lose it).

Session is the command's (target.py starts it), ChildSession a Python
child process's (child_session.py), PlainSession ``triscope.start()`` in a
plain ``python`` process (api.py).  The hooks into the process (fork,
os._exit) are process_hooks.py; running the program is target.py.  SIGTERM
is handled in C (see native/extension/drain_thread.h).
"""
import _thread
import atexit
import os
import signal
import sys

from triscope import decorated, options, process_hooks, report_style, scope
from triscope.version import __version__


class Session:
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
        self.child_outfile = None  # in a child: its profile's name there, once taken
        self._finishing = _thread.allocate_lock()  # one finish at a time (see _finish_on_sigterm)

    def configure(self):
        """Configures the engine from the options (the one call of
        configure: the sampling rates always come from options.py) and makes
        the at-fork hooks act on this session.  Without memory profiling the
        preload library is still attached, for its pthread_create hook
        alone: threads are registered as they start and end."""
        o = self.opts
        if o.cpu_only:
            from triscope import launcher

            launcher.attach_threads_in_process()  # else the sweep finds threads
        self.native.configure(
            interval=o.cpu_sampling_rate, virtual_time=o.use_virtual_time,
            root=self.entry_dir, profile_all=o.profile_all,
            only=o.profile_only or None, exclude=o.profile_exclude or None,
            library_dirs=scope.library_dirs(), never_dirs=scope.never_dirs(),
            call_opcodes=scope.call_opcodes(), memory=not o.cpu_only,
            alloc_sample_bytes=o.allocation_sampling_rate,
            copy_sample_bytes=o.copy_sampling_rate, gpu=o.gpu)
        process_hooks.follow_forks(self)

    def start(self):
        from triscope import control

        o = self.opts
        self.configure()
        if o.children:
            from triscope import children

            self.children_dir = children.prepare(self)
        atexit.register(self.finish)
        self.native.watch_sigterm(self._finish_on_sigterm)
        process_hooks.finish_at_os_exit(self)
        self.native.start()
        if o.start_off:
            self.native.pause()
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
            self.native.write_report(path=path, **self.report_kwargs("json", False))
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        finally:
            os.unlink(path)

    def after_fork_child(self):
        """In a fork child, from the at-fork hook (process_hooks)."""
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
        self.child_outfile = None
        self.finished = self.kill_with_sigint = False
        self.native.watch_sigterm(self._finish_on_sigterm)
        self.native.start()
        process_hooks.finish_at_os_exit(self)

    def _write_interim(self):
        """--profile-interval: rewrites the output file (atomically) with the
        profile so far.  Runs on the drain thread."""
        if self.finished or os.getpid() != self.pid:
            return
        try:
            self.native.write_report(path=self._outfile(), **self.report_kwargs(self.opts.format, False))
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
        self.write_profile()
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
            if self.child_outfile is None:  # one name per child, however often written
                from triscope import children

                self.child_outfile = children.profile_path(self.write_dir)
            return self.child_outfile
        return options.expand_outfile(self.opts.outfile)

    def report_kwargs(self, fmt, to_tty):
        """The arguments of native.write_report but the path."""
        o = self.opts
        kwargs = report_style.report_kwargs(fmt, o, to_tty)
        kwargs.update(
            program=self.program, entrypoint_dir=self.entry_dir, args=list(o.args),
            cpu_only=not self.native.memory(),
            python_version="%d.%d.%d" % sys.version_info[:3], version=__version__,
            ncpus=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
            selection=decorated.selection())
        return kwargs

    def write_profile(self):
        """Writes the final profile (from finish)."""
        o = self.opts
        if self.write_dir:  # a child: JSON for the parent, quietly
            try:
                self.native.write_report(path=self._outfile(), **self.report_kwargs("json", False))
            except OSError:
                pass
            return
        kwargs = self.report_kwargs(o.format, report_style.is_terminal(o.outfile))
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
        # mkstemp creates it 0600, exclusively, without following links; the
        # write replaces it keeping that mode (it holds source and argv).
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


class ChildSession(Session):
    """A Python child process of a profiled program (triscope.children)."""

    def __init__(self, native, opts, program, entry_dir, write_dir):
        super().__init__(native, opts, program, entry_dir)
        self.write_dir = write_dir

    def start(self):
        self.configure()
        atexit.register(self.finish)
        self.native.watch_sigterm(self._finish_on_sigterm)
        self.native.start()
        process_hooks.finish_at_os_exit(self)


class PlainSession(Session):
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



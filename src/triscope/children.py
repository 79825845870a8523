"""Profiling the processes a profiled program starts, and merging their
profiles into its own.

- fork (os.fork, multiprocessing "fork", the workers a forkserver forks):
  the at-fork hook starts a fresh session in the child;
- new Python interpreters (subprocess running python, multiprocessing
  "spawn" and "forkserver", ProcessPoolExecutor): the parent puts
  triscope/_boot first on PYTHONPATH and describes the session in
  TRISCOPE_CHILDREN; the child's sitecustomize starts a session.

A child session writes its profile (JSON) into the parent's temporary
directory when it ends: at exit, at SIGTERM (Pool.terminate), or in
os._exit (wrapped by runner.py), which multiprocessing's workers end with and which runs no atexit
hook.  The parent merges every profile found there into its own report.
Child interpreters profile memory the way the command does, by loading the
preload library into themselves (launcher.attach_in_process), so nothing is
put in LD_PRELOAD for non-Python children to inherit; fork children keep the
parent's.  Non-Python children only see two environment variables.
"""
import json
import os
import sys

ENV = "TRISCOPE_CHILDREN"
_BOOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_boot")


def prepare(session):
    """In the top-level session, before the target starts: returns the
    directory the children write into."""
    o = session.opts
    base = os.environ.get("TMPDIR") or "/tmp"
    directory = os.path.join(base, f"triscope-children-{os.getpid()}-{os.urandom(6).hex()}")
    os.mkdir(directory, 0o700)
    os.environ[ENV] = json.dumps({
        "dir": directory, "root": session.entry_dir, "interval": o.cpu_sampling_rate,
        "virtual_time": o.use_virtual_time, "profile_all": o.profile_all,
        "only": o.profile_only, "exclude": o.profile_exclude, "memory": not o.cpu_only,
        "alloc_rate": o.allocation_sampling_rate, "copy_rate": o.copy_sampling_rate,
        "malloc_threshold": o.malloc_threshold,
        "package": os.path.dirname(os.path.dirname(os.path.abspath(__file__)))})
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = _BOOT + (os.pathsep + old if old else "")
    return directory


def profile_path(directory):
    return os.path.join(directory, f"child-{os.getpid()}.json")


def collected(directory):
    """The child profiles written so far."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [os.path.join(directory, n) for n in names if n.startswith("child-") and n.endswith(".json")]


def cleanup(directory):
    """Removes the directory and the files in it (children write nothing
    else there; shutil would cost ~6 ms of imports at every exit)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        try:
            os.unlink(os.path.join(directory, name))
        except OSError:
            pass
    try:
        os.rmdir(directory)
    except OSError:
        pass


def start_in_child():
    """From _boot/sitecustomize.py in a new interpreter."""
    raw = os.environ.get(ENV)
    if not raw:
        return
    config = json.loads(raw)
    from triscope import api, cli, launcher, options, runner

    try:
        native = cli.load_native_or_raise()
    except RuntimeError:
        return  # another interpreter than the parent's: run unprofiled
    o = options.Options()
    o.cpu_only = not config.get("memory") or launcher.attach_in_process() is not None
    o.gpu = False
    o.format = "json"
    o.cpu_sampling_rate = config["interval"]
    o.use_virtual_time = config["virtual_time"]
    o.profile_all = config["profile_all"]
    o.profile_only = config["only"]
    o.profile_exclude = config["exclude"]
    o.allocation_sampling_rate = config["alloc_rate"]
    o.copy_sampling_rate = config["copy_rate"]
    o.malloc_threshold = config["malloc_threshold"]
    session = runner.ChildSession(native, o, " ".join(sys.argv) or "<child>", config["root"], config["dir"])
    session.start()
    api.attach(session)

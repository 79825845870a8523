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
Child interpreters are profiled for CPU only (the preload library is not
passed on, so that non-Python children never see it); fork children keep
memory profiling.  Non-Python children only see two environment variables.
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
        "only": o.profile_only, "exclude": o.profile_exclude,
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
    import shutil

    shutil.rmtree(directory, ignore_errors=True)


def start_in_child():
    """From _boot/sitecustomize.py in a new interpreter."""
    raw = os.environ.get(ENV)
    if not raw:
        return
    config = json.loads(raw)
    from triscope import api, cli, options, runner

    try:
        native = cli.load_native_or_raise()
    except RuntimeError:
        return  # another interpreter than the parent's: run unprofiled
    o = options.Options()
    o.cpu_only = True
    o.gpu = False
    o.format = "json"
    o.cpu_sampling_rate = config["interval"]
    o.use_virtual_time = config["virtual_time"]
    o.profile_all = config["profile_all"]
    o.profile_only = config["only"]
    o.profile_exclude = config["exclude"]
    session = runner.ChildSession(native, o, " ".join(sys.argv) or "<child>", config["root"], config["dir"])
    session.start()
    api.attach(session)

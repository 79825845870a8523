"""Profiling the processes a profiled program starts, and merging their
profiles into its own: the parent's side (the directory the children write
into and the environment that tells them about it; the child's side is
child_session.py).

- fork (os.fork, multiprocessing "fork", the workers a forkserver forks):
  the at-fork hook starts a fresh session in the child;
- new Python interpreters (subprocess running python, multiprocessing
  "spawn" and "forkserver", ProcessPoolExecutor): the parent puts
  triscope/_boot first on PYTHONPATH and describes the session in
  TRISCOPE_CHILDREN; the child's sitecustomize starts a session.

A child session writes its profile (JSON) into the parent's temporary
directory when it ends: at exit, at SIGTERM (Pool.terminate), or in
os._exit (wrapped by process_hooks.py), which multiprocessing's workers end with and which runs no atexit
hook.  The parent merges every profile found there into its own report.
Child interpreters profile memory the way the command does, by loading the
preload library into themselves (launcher.attach_in_process), so nothing is
put in LD_PRELOAD for non-Python children to inherit; fork children keep the
parent's.  Non-Python children only see two environment variables.
"""
import json
import os

from triscope import options

ENV = "TRISCOPE_CHILDREN"
_BOOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_boot")


def prepare(session):
    """In the top-level session, before the target starts: returns the
    directory the children write into."""
    o = session.opts
    base = os.environ.get("TMPDIR") or "/tmp"
    directory = os.path.join(base, f"triscope-children-{os.getpid()}-{os.urandom(6).hex()}")
    os.mkdir(directory, 0o700)
    config = {name: getattr(o, name) for name in options.INHERITED_BY_CHILDREN}
    config.update(dir=directory, root=session.entry_dir, memory=not o.cpu_only)
    os.environ[ENV] = json.dumps(config)
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

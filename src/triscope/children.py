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
    """A name of this process's own for its profile in directory: the pid
    and 64 random bits, the file created (empty, 0600) exclusively and
    without following links, so that a pid reused during the run (a later
    child with an earlier one's pid) never takes an earlier child's file.
    The profile is then written over it (keeping it 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    while True:
        path = os.path.join(directory, f"child-{os.getpid()}-{os.urandom(8).hex()}.json")
        try:
            os.close(os.open(path, flags, 0o600))
            return path
        except FileExistsError:
            continue


def collected(directory):
    """The child profiles written so far: every child-*.json in directory
    but the empty ones (names taken by children that have not written yet)."""
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return []
    found = []
    for e in entries:
        if e.name.startswith("child-") and e.name.endswith(".json"):
            try:
                if e.stat(follow_symlinks=False).st_size > 0:
                    found.append(e.path)
            except OSError:
                pass
    return found


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

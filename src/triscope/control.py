"""Suspending and resuming a profiled process from another one.

Each profiled process owns a control file, /tmp/triscope-UID/PID.control,
holding "on" or "off"; its drain thread reads it every 50 ms and pauses or
resumes sampling when the content changes (native/extension/
session_control.h).  `triscope --off --pid N` / `--on --pid N` rewrite the
file atomically.  No signal is sent, so nothing can collide with the
program's own signals; the directory is created 0700 and must belong to the
user, so only the same user (or root) can control a process.  This module
owns the control files; command_control is the command that sends.
"""
import os

from triscope.errors import ControlError

_BASE = "/tmp"


def _directory(create):
    uid = os.getuid()
    path = os.path.join(_BASE, f"triscope-{uid}")
    if create:
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    import stat

    if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid or st.st_mode & 0o077:
        raise ControlError(f"{path} is not a private directory of this user; refusing to use it")
    return path


def _control_file(directory, pid):
    return os.path.join(directory, f"{pid}.control")


def _write_atomically(path, text):
    tmp = f"{path}.tmp-{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)
    os.replace(tmp, path)


def register(pid, state):
    """Creates this process's control file; returns its path, or None if the
    directory cannot be used (control from outside is then unavailable)."""
    try:
        directory = _directory(create=True)
        path = _control_file(directory, pid)
        _write_atomically(path, state)
        return path
    except (OSError, ControlError):
        return None


def unregister(path):
    if path:
        try:
            os.unlink(path)
        except OSError:
            pass


def send(pid, state):
    """`triscope --on/--off --pid N`: asks process N to resume or suspend."""
    try:
        st = os.stat(f"/proc/{pid}")
    except FileNotFoundError:
        raise ControlError(f"no process {pid}")
    if st.st_uid != os.getuid() and os.getuid() != 0:
        raise ControlError(f"process {pid} belongs to another user")
    directory = _directory(create=False)
    path = _control_file(directory, pid) if directory else None
    if path is None or not os.path.exists(path):
        raise ControlError(f"process {pid} is not being profiled by triscope")
    try:
        _write_atomically(path, state)
    except OSError as e:
        raise ControlError(f"cannot write {path}: {e.strerror}")


def in_background():
    """True when this process runs in a terminal's background job."""
    for fd in (0, 1, 2):
        try:
            return os.tcgetpgrp(fd) != os.getpgrp()
        except OSError:
            continue
    return False

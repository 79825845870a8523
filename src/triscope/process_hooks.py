"""The process-level hooks of a session: the at-fork handlers (registered
once per process, acting on the latest session) and the os._exit wrapper
that writes the profile first.  A fork child never writes its parent's
profile: the session decides, in after_fork_child."""
import os

_fork_session = None  # Owner: follow_forks() (main thread); read by the at-fork handlers.


def _before_fork():
    _fork_session.native.before_fork()


def _after_fork_parent():
    _fork_session.native.after_fork_parent()


def _after_fork_child():
    _fork_session.after_fork_child()


def follow_forks(session):
    """Makes the at-fork handlers act on session."""
    global _fork_session
    if _fork_session is None:
        os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_parent,
                            after_in_child=_after_fork_child)
    _fork_session = session


def finish_at_os_exit(session):
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

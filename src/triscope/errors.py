"""The problems triscope reports as one line, never as a traceback.

Each class carries the exit status of the command; ``cli.main`` is the one
place that prints ``PROG: error: MESSAGE`` and exits with it.  ``message``
is the line without any prefix.
"""


class TriscopeError(Exception):
    """A problem with one line to say and an exit status (1 unless a
    subclass says otherwise)."""

    status = 1

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class UsageError(TriscopeError):
    """A bad command line (or magic line): exit status 2."""

    status = 2


class ProfileError(TriscopeError):
    """A profile that cannot be read, merged or written, or a program that
    cannot be profiled here: exit status 1."""


class ControlError(TriscopeError):
    """``triscope --on/--off --pid N`` cannot reach process N: exit status 1."""


class EngineError(TriscopeError, RuntimeError):
    """The C engine cannot be loaded or cannot start here: exit status 1.

    A RuntimeError whose str() starts with "triscope: ", as the library
    interface (``triscope.start()``) has always raised."""

    _PREFIX = "triscope: "

    def __str__(self):
        return self._PREFIX + self.message

    @classmethod
    def from_engine(cls, exc):
        """The engine's own RuntimeError (its message is "triscope: why",
        native/extension/engine.c) as an EngineError; None for any other."""
        text = str(exc)
        if not text.startswith(cls._PREFIX):
            return None
        return cls(text[len(cls._PREFIX):])

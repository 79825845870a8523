"""Stage 1 of a run with memory profiling: re-execute the interpreter with
the preload library, and stage 2's undoing of that, so that programs the
target starts inherit neither the preload nor triscope's variables.

The preload library must be in the process from its first instruction
(LD_PRELOAD is read by the dynamic loader only at exec), hence the re-exec.
Paths with spaces or colons cannot be written in LD_PRELOAD; the library's
directory then goes into LD_LIBRARY_PATH and LD_PRELOAD names the file only.
"""
import importlib.util
import os
import sys

_STAGE = "TRISCOPE_STAGE"
_SAVED = "TRISCOPE_SAVED_ENV"
_NAMES = ("LD_PRELOAD", "LD_LIBRARY_PATH")


def preload_library():
    """The ONE place that locates the preload library: next to the compiled
    extension, as the build installed it.  None if it is missing."""
    spec = importlib.util.find_spec("triscope._preload")
    origin = spec.origin if spec else None
    return origin if origin and os.path.isfile(origin) else None


def in_stage_two():
    return os.environ.get(_STAGE) == "2"


def reexec_with_preload(argv):
    """Replaces this process with `python -m triscope argv...` under the
    preload library.  Returns (only) if that is impossible, with a reason."""
    import json
    import subprocess

    lib = preload_library()
    if lib is None:
        return "the preload library (triscope._preload) is not installed"
    env = dict(os.environ)
    env[_SAVED] = json.dumps({name: os.environ.get(name) for name in _NAMES})
    env[_STAGE] = "2"
    if " " in lib or ":" in lib:
        directory, name = os.path.split(lib)
        env["LD_LIBRARY_PATH"] = directory + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
        entry = name
    else:
        entry = lib
    env["LD_PRELOAD"] = entry + (":" + env["LD_PRELOAD"] if env.get("LD_PRELOAD") else "")
    args = [sys.executable] + subprocess._args_from_interpreter_flags() + ["-m", "triscope"] + list(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(sys.executable, args, env)
    except OSError as e:
        return f"cannot re-execute {sys.executable}: {e.strerror}"


def restore_environment():
    """Stage 2: put back the variables stage 1 changed, so that children of
    the target see the environment the user gave."""
    saved = os.environ.pop(_SAVED, None)
    os.environ.pop(_STAGE, None)
    if saved is None:
        return
    import json

    try:
        values = json.loads(saved)
    except ValueError:
        return
    for name in _NAMES:
        if values.get(name) is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = values[name]

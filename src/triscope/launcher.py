"""Getting the preload library (memory and copy profiling; threads
registered as they start) into the process before the target starts.

Without memory profiling (--cpu-only) the library is attached all the same,
with only its pthread_create hook patched in (attach_threads_in_process,
called by session.py): no re-exec and no allocator hooks, so --cpu-only
costs what it did, and threads still register at birth.

First choice: load it into this very process and let it patch the GOT of
every loaded object (native/preload/got_patch.c): no second interpreter
start-up, nothing in the environment for the target's children to inherit.

Fallback, when that is impossible (no static TLS left for the library, an
unsupported platform) or asked for with TRISCOPE_ATTACH=preload: stage 1
re-executes the interpreter with LD_PRELOAD, and stage 2 undoes the
environment change so that programs the target starts inherit neither the
preload nor triscope's variables.  Paths with spaces or colons cannot be
written in LD_PRELOAD; the library's directory then goes into
LD_LIBRARY_PATH and LD_PRELOAD names the file only.

This module owns that decision and both stages' environment handling.  The
decision is made from the command line alone (no argparse, no json):
a re-exec costs a whole interpreter start-up, so what runs before it stays
lean, and every check and error message is left to the options parser.
"""
import importlib.machinery
import os
import sys

_STAGE = "TRISCOPE_STAGE"
_SAVED = "TRISCOPE_SAVED_"  # + name: the user's value; absent: it was unset
_NAMES = ("LD_PRELOAD", "LD_LIBRARY_PATH")

# triscope's options that take a value (tests check this against the parser
# in command_run.py)
VALUE_OPTIONS = frozenset((
    "--outfile", "-o", "--cpu-percent-threshold", "--profile-only", "--profile-exclude",
    "--cpu-sampling-rate", "--allocation-sampling-rate", "--copy-sampling-rate",
    "--malloc-threshold", "--pid", "--profile-interval"))
# options that need no memory preload (or run no program); --cpu-only still
# attaches it for threads only, from session.py
_NO_PRELOAD = frozenset(("--cpu-only", "--help", "-h", "--version", "--pid", "--on"))


def wants_preload(argv):
    """Whether a run with these arguments (not a subcommand's) profiles
    memory: a program is given and triscope's own options (those before it)
    do not say otherwise."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--" or arg == "-" or not arg.startswith("-") or (arg.startswith("-m") and not arg.startswith("--")):
            return True
        if arg.split("=", 1)[0] in _NO_PRELOAD:
            return False
        i += 2 if arg in VALUE_OPTIONS else 1
    return False


def preload_library():
    """The ONE place that locates the preload library: next to the compiled
    extension, as the build installed it.  None if it is missing."""
    here = os.path.dirname(os.path.abspath(__file__))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = os.path.join(here, "_preload" + suffix)
        if os.path.isfile(path):
            return path
    return None


def attach_in_process():
    """Loads the preload library into this process and patches it in.
    Returns None on success, else why not (then re-execute instead)."""
    return _attach("attach_memory")


def attach_threads_in_process():
    """--cpu-only (or memory impossible): loads the preload library for its
    pthread_create hook alone, so that threads register as they start
    (native/extension/thread_life.h); the allocator is left alone.  Returns
    None on success, else why not (threads are then found by the drain's
    periodic sweep, and threads shorter than a drain interval are missed)."""
    return _attach("attach_threads")


def _attach(how):
    if os.environ.get("TRISCOPE_ATTACH") == "preload":
        return "TRISCOPE_ATTACH=preload"
    lib = preload_library()
    if lib is None:
        return "the preload library (triscope._preload) is not installed"
    from triscope import native_loader
    from triscope.errors import EngineError

    try:
        native = native_loader.import_native()
    except EngineError as e:
        return e.message
    return getattr(native, how)(lib)


def in_stage_two():
    return os.environ.get(_STAGE) == "2"


def reexec_with_preload(argv):
    """Replaces this process with `python -m triscope argv...` under the
    preload library.  Returns (only) if that is impossible (no library, no
    exec); the run then profiles CPU only and its profile says "memory":
    false."""
    import subprocess

    lib = preload_library()
    if lib is None:
        return
    env = dict(os.environ)
    for name in _NAMES:
        if name in env:
            env[_SAVED + name] = env[name]
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
    except OSError:
        pass


def restore_environment():
    """Stage 2: put back the variables stage 1 changed, so that children of
    the target see the environment the user gave."""
    os.environ.pop(_STAGE, None)
    for name in _NAMES:
        saved = os.environ.pop(_SAVED + name, None)
        if saved is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = saved

"""Which files count as the user's program: the inputs of the C file filter.

The rules themselves live in C (native/profile/file_filter.c); this module
only collects the directories Python knows about: the program's root, the
standard library and site-packages (libraries, even inside the project
directory), and triscope itself (never shown).
"""
import os
import site
import sys
import sysconfig


def _real(path):
    return os.path.realpath(path) if path else ""


def library_dirs():
    dirs = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            dirs.add(_real(sysconfig.get_paths()[key]))
        except KeyError:
            pass
    try:
        dirs.update(_real(p) for p in site.getsitepackages())
    except AttributeError:  # some virtualenv versions
        pass
    user_site = getattr(site, "getusersitepackages", lambda: "")()
    if user_site:
        dirs.add(_real(user_site))
    if sys.prefix != getattr(sys, "base_prefix", sys.prefix):
        dirs.add(_real(sys.prefix))  # a virtual environment, wherever it lives
    return sorted(d for d in dirs if d)


def never_dirs():
    return [_real(os.path.dirname(os.path.abspath(__file__)))]


# Specialised CALL forms the interpreter executes inline (list.append, len,
# isinstance, type(x)) or that only push a Python frame: their time is the
# interpreter's own, not a C function's.
_INLINE_CALLS = ("INTRINSIC", "LIST_APPEND", "_LEN", "ISINSTANCE", "TYPE_1", "_PY_",
                 "PYFUNC", "BOUND_METHOD", "ALLOC_AND_ENTER_INIT")


def call_opcodes():
    """A 256-byte table: 1 for opcodes that call C code (the CALL family),
    whose samples are native time of the line that made the call."""
    import dis
    import opcode

    names = dict(opcode.opmap)
    names.update(getattr(dis, "_all_opmap", {}))
    names.update(getattr(opcode, "_specialized_opmap", {}))
    table = bytearray(256)
    for name, num in names.items():
        if "CALL" in name and not any(part in name for part in _INLINE_CALLS) and 0 <= num < 256:
            table[num] = 1
    return bytes(table)

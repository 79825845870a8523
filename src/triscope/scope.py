"""Which files count as the user's program: the inputs of the C file filter.

The rules themselves live in C (native/common/file_filter.c); this module
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


def call_opcodes():
    """A 256-byte table: 1 for opcodes that call other code (CALL family),
    whose samples are native time of the line that made the call."""
    import dis
    import opcode

    names = dict(opcode.opmap)
    names.update(getattr(dis, "_all_opmap", {}))
    names.update(getattr(opcode, "_specialized_opmap", {}))
    table = bytearray(256)
    for name, num in names.items():
        if ("CALL" in name and "INTRINSIC" not in name) and 0 <= num < 256:
            table[num] = 1
    return bytes(table)

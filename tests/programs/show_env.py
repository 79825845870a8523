"""Prints, as one JSON line, what a script sees of its own launch.

Usage: show_env.py [args...]
Tests compare this line under triscope with the same line under plain
python: they must be identical.
"""
import json
import os
import signal
import sys
import threading


def handler_name(sig):
    h = signal.getsignal(sig)
    if h is signal.default_int_handler:
        return "default_int_handler"
    return str(h)


main_mod = sys.modules["__main__"]
print(json.dumps({
    "argv": sys.argv,
    "path0": sys.path[0],
    "name": __name__,
    "file": __file__,
    "package": __package__,
    "spec_is_none": __spec__ is None,
    "main_module_is_globals": main_mod.__dict__ is globals(),
    "main_module_file": getattr(main_mod, "__file__", None),
    "active_threads": threading.active_count(),
    "trace": repr(sys.gettrace()),
    "profile": repr(sys.getprofile()),
    "switchinterval": sys.getswitchinterval(),
    "recursionlimit": sys.getrecursionlimit(),
    "stdout_encoding": sys.stdout.encoding,
    "stdout_line_buffering": sys.stdout.line_buffering,
    # what the loader and triscope's launcher could have left behind
    "loader_env": {k: v for k, v in os.environ.items()
                   if k in ("LD_PRELOAD", "LD_LIBRARY_PATH") or k.startswith(("TRISCOPE_STAGE", "TRISCOPE_SAVED"))},
    "handlers": {name: handler_name(getattr(signal, name))
                 for name in ("SIGALRM", "SIGPROF", "SIGVTALRM", "SIGINT", "SIGTERM", "SIGCHLD")},
}, sort_keys=True))

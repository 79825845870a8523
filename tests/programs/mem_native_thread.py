"""A native thread with no Python state allocates 300 MB; its memory must be
charged to the line that started it (or to <native>), never dropped.

    python mem_native_thread.py LIBRARY.so TRUTH.json
"""
import ctypes
import json
import sys

lib = ctypes.CDLL(sys.argv[1])
lib.start_allocating(300)  # TRUTH:start
lib.join_allocating()
with open(sys.argv[2], "w") as f:
    json.dump({"native_mb": 300.0}, f)

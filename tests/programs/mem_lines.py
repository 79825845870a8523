"""Memory ground truth: each marked line allocates a volume this program
computes itself, from the sizes of the objects it creates.

    python mem_lines.py TRUTH.json [SCALE]

- objects: ~200 MB of small str objects (449 bytes each), kept in a list:
  only Python's allocators see these (pymalloc serves blocks <= 512 bytes).
  Truth = sum of sys.getsizeof of the strings + the list's final size (the
  list's reallocations are counted by their growth, i.e. its final size).
- native: 400 MB malloc'ed through ctypes in 4 MB blocks: only the C
  allocator sees these.  Truth = 400 MB.
- churn: 800 MB of bytearrays allocated and freed 4 MB at a time.  Truth =
  800 MB allocated (plus the tiny bytearray headers).
- copy: 1.3 GB copied by slice assignment between two 13 MB bytearrays.
  Truth = 100 x 13 MB.
"""
import ctypes
import itertools
import json
import sys

MB = 1024 * 1024
scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
truth = {}

c = "x"
n = int(200 * MB * scale) // sys.getsizeof(c * 400)
objects = [c * 400 for _ in itertools.repeat(None, n)]  # TRUTH:objects
truth["objects"] = (sum(map(sys.getsizeof, objects)) + sys.getsizeof(objects)) / MB

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
blocks = int(100 * scale)
native = [libc.malloc(4 * MB) for _ in itertools.repeat(None, blocks)]  # TRUTH:native
truth["native"] = blocks * 4.0

rounds = int(200 * scale)
for _ in itertools.repeat(None, rounds): chunk = bytearray(4 * MB); del chunk  # TRUTH:churn
truth["churn"] = rounds * (4 * MB + 1) / MB

src = bytearray(13 * MB)
dst = bytearray(13 * MB)
copies = int(100 * scale)
for _ in itertools.repeat(None, copies): dst[:] = src  # TRUTH:copy
truth["copy"] = copies * 13.0

for p in native:
    libc.free(p)
del objects
with open(sys.argv[1], "w") as f:
    json.dump(truth, f)

"""Small Python blocks (pymalloc's sizes) made three ways -- malloc (str),
calloc (bytes(n) is zeroed) and realloc (lists grown by append) -- and all
freed again.  The sampled ones live apart from pymalloc (the engine's sample
slab), so this checks that each way's frees still reach the profile: the
footprint must come back down and no line may look like a leak.

    python mem_small_paths.py TRUTH.json
"""
import itertools
import json
import sys

ROUNDS = 3
N = 200_000
calloc_bytes = 0
for _ in range(ROUNDS):
    zeroed = [bytes(200) for _ in itertools.repeat(None, N)]  # TRUTH:calloc
    calloc_bytes += sum(map(sys.getsizeof, zeroed)) + sys.getsizeof(zeroed)
    words = [str(i) * 3 for i in range(N)]  # TRUTH:malloc
    grown = []
    for i in range(N // 10):
        row = []
        for j in range(50):
            row.append(j)  # TRUTH:realloc
        grown.append(row)
    del zeroed, words, grown, row
with open(sys.argv[1], "w") as f:
    json.dump({"calloc_mb": calloc_bytes / 2**20}, f)

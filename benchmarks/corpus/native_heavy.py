"""Native-heavy: most of the time inside C code called from a few lines
(zlib, hashlib, list.sort).  argv[1]: units of work."""
import hashlib
import random
import sys
import zlib

rng = random.Random(1)
# 1 MiB over a 16-letter alphabet: compressible, but deflate works for it
text = rng.randbytes(1 << 20).translate(bytes(65 + (i & 15) for i in range(256)))
blob = bytes(16 << 20)
floats = [rng.random() for _ in range(200_000)]


def unit():
    packed = zlib.compress(text, 6)
    digest = hashlib.sha256(blob).digest()
    ordered = sorted(floats)
    return len(packed) + digest[0] + int(ordered[100] * 1000)


print(sum(unit() for _ in range(int(sys.argv[1]))))

"""Allocation and copy heavy: 64 KiB buffers copied, joined and sliced.
argv[1]: units of work."""
import sys


def work(rounds):
    total = 0
    chunk = b"x" * 65536
    for _ in range(rounds):
        parts = [bytearray(chunk) for _ in range(64)]
        blob = b"".join(parts)
        total += len(blob[1000:2_000_000])
    return total


print(sum(work(100) for _ in range(int(sys.argv[1]))))

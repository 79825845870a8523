"""Allocation-heavy: many small dicts, strings and lists, built and dropped.
argv[1]: units of work."""
import sys


def work(rounds):
    total = 0
    for _ in range(rounds):
        rows = [{"id": i, "name": "row%d" % i, "tags": [i, i + 1]} for i in range(50_000)]
        total += sum(len(row["name"]) for row in rows)
    return total


print(sum(work(2) for _ in range(int(sys.argv[1]))))

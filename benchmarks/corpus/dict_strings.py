"""Dict and string work: formatting, hashing, sorting, joining.  argv[1]:
units of work."""
import sys


def work(rounds):
    total = 0
    for _ in range(rounds):
        d = {}
        for i in range(20_000):
            k = "k" + str(i % 5000)
            d[k] = d.get(k, 0) + len(k)
        words = sorted(d, key=d.__getitem__)
        total += len(" ".join(words[:100]).split())
    return total


print(sum(work(8) for _ in range(int(sys.argv[1]))))

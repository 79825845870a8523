"""Many tiny calls: naive recursive Fibonacci.  argv[1]: units of work."""
import sys


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


print(sum(fib(25) for _ in range(int(sys.argv[1]))))

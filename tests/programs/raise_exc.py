"""Dies of an uncaught exception raised two calls deep, after some work."""
import time


def inner(value):
    end = time.perf_counter() + 0.3
    acc = 0
    while time.perf_counter() < end:
        for i in range(10_000): acc += i % 3  # TRUTH:raise_work
    raise ValueError(f"boom {value}")


def outer():
    try:
        inner(42)
    except ValueError as e:
        raise RuntimeError("outer failed") from e


print("about to fail", flush=True)
outer()

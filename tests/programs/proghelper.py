"""Helper module next to libcalls.py (inside the program's directory)."""


def spin(n):
    acc = 0
    for i in range(n): acc += i * i % 7  # TRUTH:helper_loop
    return acc

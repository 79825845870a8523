"""Two equally busy functions; only one is decorated with @profile (a
builtin under triscope, imported otherwise)."""
import time

try:
    profile
except NameError:
    from triscope import profile


def spin(seconds):
    end = time.process_time() + seconds
    n = 0
    while time.process_time() < end:
        n += 1  # TRUTH:spin
    return n


def plain_work():
    total = 0
    for i in range(600_000):
        total += i % 7  # TRUTH:plain
    return total


@profile
def chosen_work():
    total = 0
    for i in range(600_000):
        total += i % 7  # TRUTH:chosen
    return total


plain_work()
chosen_work()
spin(0.1)

"""Two equally busy functions; only one is decorated with @profile (a
builtin under triscope, imported otherwise)."""
import time

try:
    profile
except NameError:
    from triscope import profile


def spin(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:  # TRUTH:spin
        pass


def plain_work():
    end = time.process_time() + 0.3
    while time.process_time() < end:  # TRUTH:plain
        pass


@profile
def chosen_work():
    end = time.process_time() + 0.3
    while time.process_time() < end:  # TRUTH:chosen
        pass
    return end


plain_work()
chosen_work()
spin(0.1)

"""Started in Python child processes of a profiled program (this directory
is put first on their PYTHONPATH by triscope.children): starts profiling
the child, then hands over to the interpreter's own sitecustomize, if any.
Never raises: a child that cannot be profiled runs unprofiled."""


def _boot():
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    try:
        from triscope import children

        children.start_in_child()
    except Exception:
        pass
    sys.modules.pop("sitecustomize", None)
    try:
        import sitecustomize  # noqa: F401 - the interpreter's own, if any
    except ImportError:
        pass


_boot()
del _boot

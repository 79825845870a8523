"""Started in Python child processes of a profiled program (this directory
is put first on their PYTHONPATH by triscope.children): starts profiling
the child (triscope.child_session), then runs the interpreter's own
sitecustomize, if there is one, which then stands as the `sitecustomize`
module.  Never raises: a child that cannot be profiled runs unprofiled."""


def _boot():
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    try:
        from triscope import child_session

        child_session.start_in_child()
    except Exception:
        pass
    # The interpreter's own sitecustomize, found as `import sitecustomize`
    # would have found it without this directory.
    import importlib.machinery
    import importlib.util

    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", sys.path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module  # the import of this file then yields it
    spec.loader.exec_module(module)


_boot()
del _boot

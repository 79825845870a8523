"""triscope: a line-level CPU, GPU and memory profiler for Python.

Run ``triscope prog.py`` (or ``python -m triscope prog.py``).  The engine is
C (``triscope._native``); this package is the thin shell around it.  This
file is the facade: the library interface (api.py) and the IPython
extension (magics.py) are imported on first use.
"""

from triscope.version import __version__  # noqa: F401

_API = ("profile", "start", "stop", "snapshot", "profiling")


def __getattr__(name):
    # Imported on first use: `import triscope` stays cheap for the programs
    # it profiles.
    if name in _API:
        from triscope import api

        return getattr(api, name)
    if name in ("load_ipython_extension", "unload_ipython_extension"):
        from triscope import magics

        return getattr(magics, name)
    raise AttributeError(f"module 'triscope' has no attribute '{name}'")

"""triscope: a line-level CPU, GPU and memory profiler for Python.

Run ``triscope prog.py`` (or ``python -m triscope prog.py``).  The engine is
C (``triscope._native``); this package is the thin shell around it.
"""

__version__ = "0.1.0"

"""The one place that imports the C engine (``triscope._native``) and says,
as an EngineError, why it cannot be used in this interpreter."""
import sys

from triscope.errors import EngineError

SUPPORTED = ((3, 9), (3, 13))  # the CPython versions the engine knows, first and last


def import_native():
    """The compiled extension, or EngineError if it cannot be imported."""
    try:
        from triscope import _native
    except ImportError as e:
        raise EngineError(f"the C engine (triscope._native) cannot be loaded: {e}")
    return _native


def load():
    """The engine, ready to profile this interpreter, or EngineError."""
    if not SUPPORTED[0] <= sys.version_info[:2] <= SUPPORTED[1]:
        raise EngineError("triscope supports CPython %d.%d to %d.%d; this is %d.%d.%d"
                          % (SUPPORTED[0] + SUPPORTED[1] + sys.version_info[:3]))
    import sysconfig

    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        raise EngineError("the free-threaded CPython build is not supported yet; use a build with the GIL")
    native = import_native()
    why = native.unsupported_reason()
    if why:
        raise EngineError(why)
    return native

"""The preload library's API (native/base/mem_protocol.h) through ctypes,
for the Python-level tests and benchmarks that play a minimal extension.
Only the leading members they use are declared."""
import ctypes


class Api(ctypes.Structure):
    _fields_ = [
        ("abi_version", ctypes.c_uint32),
        ("tls_offset", ctypes.CFUNCTYPE(ctypes.c_ssize_t)),
        ("configure", ctypes.CFUNCTYPE(None, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_void_p)),
        ("start", ctypes.CFUNCTYPE(None)),
        ("stop", ctypes.CFUNCTYPE(None)),
        ("active", ctypes.CFUNCTYPE(ctypes.c_int)),
        ("sample_alloc", ctypes.c_void_p),
        ("note_free", ctypes.c_void_p),
        ("filter", ctypes.c_void_p),
        # PYFUNCTYPE: called without releasing the GIL.  With CFUNCTYPE every
        # call drops it, and a draining thread competing with busy threads
        # then waits up to a switch interval (5 ms) per event.
        ("peek", ctypes.PYFUNCTYPE(ctypes.c_void_p)),
        ("pop", ctypes.PYFUNCTYPE(None)),
    ]


def load_api():
    """The preloaded library's API; raises AttributeError when the library
    is not preloaded."""
    fn = ctypes.CDLL(None).triscope_preload_api
    fn.restype = ctypes.POINTER(Api)
    return fn().contents


def drain(api, limit=None):
    """Consumes the complete events (at most limit: while other threads keep
    allocating, the ring may never be empty); returns how many."""
    n = 0
    while (limit is None or n < limit) and api.peek():
        api.pop()
        n += 1
    return n

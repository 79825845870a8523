"""The functions marked with ``@profile``: the mark itself and the
selection the reports are limited to once any function is marked.

Imports nothing, so that ``@triscope.profile`` costs a program nothing."""

_decorated = []   # Owner: profile() appends (any thread); selection() reads at report time.


def profile(func):
    """Marks func for the report; returns it unchanged."""
    target = getattr(func, "__func__", func)  # staticmethod / classmethod
    code = getattr(target, "__code__", None)
    if code is None:
        raise TypeError("@profile decorates functions and methods")
    _decorated.append(code)
    return func


def _last_line(code):
    last = code.co_firstlineno
    if hasattr(code, "co_lines"):
        last = max([line for _, _, line in code.co_lines() if line is not None] + [last])
    else:
        import dis

        last = max([line for _, line in dis.findlinestarts(code)] + [last])
    for const in code.co_consts:
        if hasattr(const, "co_firstlineno"):
            last = max(last, _last_line(const))
    return last


def selection():
    """The decorated functions as (file, first line, last line), or None
    when nothing is decorated (then everything is reported)."""
    if not _decorated:
        return None
    return [(code.co_filename, code.co_firstlineno, _last_line(code)) for code in _decorated]

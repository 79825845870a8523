"""Profiling a new Python interpreter started by a profiled program: the
child's side of triscope.children.  _boot/sitecustomize.py calls
start_in_child(), which reads the parent's settings from TRISCOPE_CHILDREN
and starts a ChildSession; a child that cannot be profiled runs unprofiled.
Nothing else is imported unless TRISCOPE_CHILDREN is set.
"""
import os

from triscope import children


def start_in_child():
    """From _boot/sitecustomize.py in a new interpreter."""
    raw = os.environ.get(children.ENV)
    if not raw:
        return
    import json
    import sys

    from triscope import api, launcher, native_loader, options
    from triscope.errors import EngineError
    from triscope.session import ChildSession

    config = json.loads(raw)
    try:
        native = native_loader.load()
    except EngineError:
        return  # another interpreter than the parent's: run unprofiled
    o = options.Options()
    o.cpu_only = not config.get("memory") or launcher.attach_in_process() is not None
    o.gpu = False
    o.format = "json"
    options.copy_fields(o, config, options.INHERITED_BY_CHILDREN, get=dict.__getitem__)
    session = ChildSession(native, o, " ".join(sys.argv) or "<child>", config["root"], config["dir"])
    session.start()
    api.attach(session)

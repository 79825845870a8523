"""IPython / Jupyter magics: ``%load_ext triscope``, then

    %scrun [options] statement      profile one statement
    %%triscope [options]            profile the cell

The report is shown inline: the HTML report in a notebook (in a sandboxed
iframe, so its script cannot touch the notebook), the text report in a
terminal IPython.  The cell is written to a temporary file first, so the
report can show its source.  Memory is profiled by loading the preload
library into the running kernel (launcher.attach_in_process); where that is
impossible the magic says so and profiles CPU.
"""
import html
import os
import shlex
import tempfile

from triscope import command_run, session
from triscope.errors import UsageError

_NO_MEMORY = ("triscope: memory profiling is unavailable in this kernel ({}); profiling CPU only "
              "(a kernel started with LD_PRELOAD set to triscope's _preload library profiles memory too)")


class Report:
    """What a magic returns: HTML in a notebook, text in a terminal."""

    def __init__(self, text, page):
        self.text = text
        self.page = page

    def _repr_html_(self):
        return ('<iframe sandbox="allow-scripts" style="width:100%;height:600px;border:0" srcdoc="'
                + html.escape(self.page, quote=True) + '"></iframe>')

    def __repr__(self):
        return self.text


class _CellSession(session.Session):
    """One cell's profile: no atexit writer, no control file, no children."""

    def start(self):
        self.configure()
        self.native.start()


def _run(code_text, opts, namespace, counter=[0]):
    from triscope import launcher, native_loader

    native = native_loader.load()
    notes = []
    why = None if opts.cpu_only else launcher.attach_in_process()
    if why is not None:
        opts.cpu_only = True
        notes.append(_NO_MEMORY.format(why))
    opts.children = False
    counter[0] += 1
    directory = tempfile.mkdtemp(prefix="triscope-cell-")
    path = os.path.join(directory, f"cell{counter[0]}.py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(code_text)
    code = compile(code_text, path, "exec", dont_inherit=True)
    cell = _CellSession(native, opts, f"cell {counter[0]}", directory)
    cell.start()
    try:
        exec(code, namespace)
    finally:
        native.stop()
        outputs = {}
        for fmt in ("text", "html"):
            out = os.path.join(directory, "report." + fmt)
            kwargs = cell.report_kwargs(fmt, False)
            native.write_report(path=out, **kwargs)
            with open(out, encoding="utf-8") as f:
                outputs[fmt] = f.read()
        import shutil

        shutil.rmtree(directory, ignore_errors=True)
    return Report(outputs["text"], outputs["html"]), notes


def _magic(line, cell, shell):
    try:
        opts, rest = command_run.parse_magic(shlex.split(line or ""))
    except (UsageError, ValueError) as e:
        print(f"triscope: error: {e}")
        return None
    source = cell if cell is not None else " ".join(rest)
    if cell is not None and rest:
        print("triscope: error: %%triscope takes options only; the cell is the code")
        return None
    if not source.strip():
        print("triscope: error: nothing to profile")
        return None
    report, notes = _run(source, opts, shell.user_ns)
    for note in notes:
        print(note)
    return report


def load_ipython_extension(ipython):
    ipython.register_magic_function(lambda line: _magic(line, None, ipython), "line", "scrun")
    ipython.register_magic_function(lambda line, cell: _magic(line, cell, ipython), "cell", "triscope")


def unload_ipython_extension(ipython):
    pass

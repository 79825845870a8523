"""The configurations measured: plain Python, triscope's two modes and each
peer profiler, as the command line that runs a program under it.

A tool's `status` is "ok" or says why it is not measured (install failed,
crashed on the probe program); runs that fail later are reported per
program by the overhead and accuracy tables."""

from dataclasses import dataclass, field

from . import runner

# A program of a few tenths of a second that every tool must profile before it
# is measured: Python, native code and a sleep.
PROBE = """\
import time, zlib
acc = 0
for i in range(300_000): acc += i % 7
zlib.compress(bytes(1 << 20))
time.sleep(0.05)
"""


@dataclass
class Tool:
    name: str            # key in the results and column heading
    package: str         # distribution installed into the peers venv; "" for none
    outfile: str         # name of the profile it writes in the work directory
    argv: object         # (ctx, out, program argv) -> command line
    status: str = "ok"
    version: str = ""
    notes: list = field(default_factory=list)

    def command(self, ctx, out, prog):
        return [str(a) for a in self.argv(ctx, out, prog)]


class Context:
    """Where the interpreters and executables are.  `plain` is the triscope
    venv's interpreter: the baseline, and the interpreter cProfile and py-spy
    run the program with; Python-level peers run with the peers venv's."""

    def __init__(self, tvenv, pvenv):
        self.plain = tvenv.python
        self.tbin = tvenv.bin
        self.pbin = pvenv.bin
        self.pyspy_extra = []   # ["--nonblocking"] where ptrace may not stop the program


def _scalene(cpu_only):
    def argv(ctx, out, prog):
        rest = ["---", *prog[1:]] if len(prog) > 1 else []
        return [ctx.pbin("scalene"), "run", *(["--cpu-only"] if cpu_only else []), "-o", out,
                prog[0], *rest]
    return argv


def all_tools():
    """Every configuration, in the order runs alternate and columns appear."""
    return [
        Tool("python", "", "", lambda c, o, p: [c.plain, *p]),
        Tool("triscope --cpu-only", "", "triscope-cpu.json",
             lambda c, o, p: [c.tbin("triscope"), "--cpu-only", "--json", "-o", o, *p]),
        Tool("triscope", "", "triscope.json",
             lambda c, o, p: [c.tbin("triscope"), "--json", "-o", o, *p]),
        Tool("scalene --cpu-only", "scalene", "scalene-cpu.json", _scalene(True)),
        Tool("scalene", "scalene", "scalene.json", _scalene(False)),
        Tool("py-spy", "py-spy", "py-spy.txt",
             lambda c, o, p: [c.pbin("py-spy"), "record", "-o", o, "-f", "raw", "-r", "100",
                              "--full-filenames", *c.pyspy_extra, "--", c.plain, *p]),
        Tool("pyinstrument", "pyinstrument", "pyinstrument.txt",
             lambda c, o, p: [c.pbin("pyinstrument"), "-o", o, *p]),
        Tool("memray", "memray", "memray.bin",
             lambda c, o, p: [c.pbin("memray"), "run", "-q", "-f", "-o", o, *p]),
        Tool("cProfile", "", "cprofile.prof",
             lambda c, o, p: [c.plain, "-m", "cProfile", "-o", o, *p]),
    ]


def is_triscope(name):
    return name.startswith("triscope")


def probe(tools, ctx, workdir, log):
    """Run each installed tool on PROBE; one that fails gets a status saying
    how.  py-spy that cannot stop the program (ptrace refused) is tried again
    with --nonblocking, which samples without pausing it."""
    prog = workdir / "probe.py"
    prog.write_text(PROBE)
    for tool in tools:
        if tool.status != "ok":
            continue
        res, _ = run_tool(tool, ctx, workdir, [prog], timeout=120)
        if not res.ok and tool.name == "py-spy":
            ctx.pyspy_extra = ["--nonblocking"]
            retry, _ = run_tool(tool, ctx, workdir, [prog], timeout=120)
            if retry.ok:
                tool.notes.append(f"plain py-spy failed ({res.why()}); measured with --nonblocking")
                res = retry
        if not res.ok:
            tool.status = f"crashed on the probe program: {res.why()}"
        log(f"probe {tool.name}: {tool.status}")


def run_tool(tool, ctx, workdir, prog, timeout=600):
    """Run prog (an argv list) under tool in workdir; returns (Run, path of
    the profile it wrote or None).  A run that exits 0 without writing its
    profile counts as failed."""
    out = workdir / tool.outfile if tool.outfile else None
    if out is not None and out.exists():
        out.unlink()
    res = runner.run(tool.command(ctx, out, prog), cwd=workdir, env=runner.clean_env(), timeout=timeout)
    if res.ok and out is not None and not out.exists():
        res.error = f"exit status 0 but no profile written ({out.name})"
    return res, out

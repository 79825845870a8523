"""The overhead corpus: the programs in this directory, and a subset of the
pyperformance benchmarks run in-process (pyperf's worker mode: one process,
a fixed number of loops, no calibration, no child processes).

Every program takes a number of units of work; the harness calibrates it so
that each program does about the same wall time of work on the machine at
hand (see overhead.calibrate)."""

import shutil
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> what it stresses; each is HERE/<name>.py, argv[1] = units.
# "startup" (empty.py) does no work: it measures start-up and shutdown, which
# the report shows apart and leaves out of the overall ratios.
STARTUP = "startup"
OWN = {
    "arith_loop": "CPU-bound pure Python",
    "fib_calls": "many tiny calls (recursion)",
    "tiny_calls": "many tiny calls (methods, lambdas, properties)",
    "dict_strings": "dicts and strings",
    "alloc_objects": "allocation-heavy: small objects",
    "alloc_buffers": "allocation and copy heavy: 64 KiB buffers",
    "native_heavy": "native-heavy: zlib, hashlib, sort",
    "threads": "threads: 2 Python + 1 zlib",
}

# pyperformance benchmarks that need nothing but pyperf.
PYPERFORMANCE = ("richards", "nbody", "raytrace", "json_dumps")


@dataclass
class Program:
    name: str
    what: str
    script: Path
    pyperf: bool = False
    calibrate: bool = True   # False: one unit, however long it takes

    def argv(self, units):
        if self.pyperf:
            return [self.script, "--worker", "--loops", str(units), "--values", "1",
                    "--warmups", "0"]
        return [self.script, str(units)]


def own_programs():
    return ([Program(STARTUP, "a 0.1 s sleep: start-up and shutdown", HERE / "empty.py", calibrate=False)] +
            [Program(name, what, HERE / f"{name}.py") for name, what in OWN.items()])


def pyperformance_programs(venv_path, workdir):
    """Copies of the chosen pyperformance benchmarks (from the pyperformance
    package installed in the venv at venv_path) in workdir/pyperformance/;
    [] if the package is not there."""
    found = sorted(Path(venv_path).glob("lib/python*/site-packages/pyperformance/data-files/benchmarks"))
    if not found:
        return []
    programs = []
    for name in PYPERFORMANCE:
        src = found[0] / f"bm_{name}"
        if not (src / "run_benchmark.py").exists():
            continue
        dst = workdir / "pyperformance" / f"bm_{name}"
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
        programs.append(Program(f"pyperf:{name}", "pyperformance, in-process", dst / "run_benchmark.py",
                                pyperf=True))
    return programs

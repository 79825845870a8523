"""Overhead of triscope: wall time with and without it.

Not a test; run it by hand (see benchmarks/README.md):

    python benchmarks/overhead.py [--mode cpu-only|full] [-n REPS] [--python PY]
                                  [--rate SECONDS] [--only NAME[,NAME]] [--keep DIR]
                                  [--installed]

Runs each program below (CPU-bound pure Python, and allocation- and
copy-heavy code) under plain ``PY prog.py`` and under
``PY -m triscope [--cpu-only] --json --outfile F prog.py`` (``--mode full``,
the default when memory profiling matters, leaves out --cpu-only: CPU, memory
and copy profiling with the preload library), alternating
plain/profiled (A B A B ...) so drifts in machine speed hit both equally, and
prints per program:
  - median wall time plain and profiled (seconds, measured around the child
    process by this script),
  - slowdown = median profiled / median plain,
  - per-sample cost in microseconds = (median profiled - median plain) /
    n_samples, with n_samples (the median over the profiled runs) from the
    profile's "triscope" object,
  - spread = (max - min) / median of the plain runs, in %: the machine's
    noise; a slowdown or per-sample cost smaller than it means nothing.
Standard library only.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Each program runs ~1-2 s under plain CPython 3.11 on a 2-3 GHz core.
PROGRAMS = {
    "arith_loop": '''
def work(n):
    acc = 0
    for i in range(n):
        acc += i * i % 7
        acc ^= i >> 3
    return acc
print(work(8_000_000) & 0xff)
''',
    "fib_calls": '''
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(34))
''',
    "dict_strings": '''
def work(rounds):
    total = 0
    for r in range(rounds):
        d = {}
        for i in range(20_000):
            k = "k" + str(i % 5000)
            d[k] = d.get(k, 0) + len(k)
        words = sorted(d, key=d.__getitem__)
        total += len(" ".join(words[:100]).split())
    return total
print(work(120))
''',
    "alloc_objects": '''
def work(rounds):
    total = 0
    for r in range(rounds):
        rows = [{"id": i, "name": "row%d" % i, "tags": [i, i + 1]} for i in range(50_000)]
        total += sum(len(row["name"]) for row in rows)
    return total
print(work(25))
''',
    "alloc_buffers": '''
def work(rounds):
    total = 0
    chunk = b"x" * 65536
    for r in range(rounds):
        parts = [bytearray(chunk) for _ in range(64)]
        blob = b"".join(parts)
        total += len(blob[1000:2_000_000])
    return total
print(work(1500))
''',
}


def run_once(cmd, env):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    return dt


def print_memory_accuracy(python, env, workdir):
    """Memory accuracy beside the overhead: tests/programs/mem_lines.py
    measures what its marked lines allocate and copy; print the profile's
    figures next to that truth."""
    program = REPO / "tests" / "programs" / "mem_lines.py"
    truth_path, out = workdir / "mem_truth.json", workdir / "mem_profile.json"
    subprocess.run([python, "-m", "triscope", "--json", "--outfile", str(out), str(program),
                    str(truth_path)], env=env, check=True, stdout=subprocess.DEVNULL)
    truth, prof = json.loads(truth_path.read_text()), json.loads(out.read_text())
    marks = {}
    for lineno, text in enumerate(program.read_text().splitlines(), start=1):
        if "# TRUTH:" in text:
            marks[text.split("# TRUTH:")[1].strip()] = lineno
    lines = {rec["lineno"]: rec for entry in prof["files"].values() for rec in entry["lines"]}
    print()
    print(f"{'memory line':<14} {'truth MB':>9} {'measured':>9} {'error %':>8} {'python share':>13}")
    for name in ("objects", "native", "churn", "copy"):
        rec = lines.get(marks[name], {})
        if name == "copy":
            measured = rec.get("n_copy_mb_s", 0.0) * prof["elapsed_time_sec"]
        else:
            measured = rec.get("n_malloc_mb", 0.0)
        err = 100.0 * (measured - truth[name]) / truth[name]
        share = "" if name == "copy" else f"{rec.get('n_python_fraction', 0.0):.2f}"
        print(f"{name:<14} {truth[name]:9.1f} {measured:9.1f} {err:8.1f} {share:>13}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mode", choices=("cpu-only", "full"), default="cpu-only",
                    help="cpu-only: --cpu-only profiling; full: CPU, memory and copy (default cpu-only)")
    ap.add_argument("-n", "--reps", type=int, default=5, help="repetitions of each A/B pair (default 5)")
    ap.add_argument("--python", default=sys.executable, help="interpreter to use (default: this one)")
    ap.add_argument("--rate", type=float, default=None,
                    help="pass --cpu-sampling-rate SECONDS to triscope (default: its own default)")
    ap.add_argument("--only", default="", help="comma-separated program names: " + ",".join(PROGRAMS))
    ap.add_argument("--keep", default=None, help="directory to keep the programs and profiles in")
    ap.add_argument("--installed", action="store_true",
                    help="use the triscope the interpreter finds (default: put this repo's src/ first)")
    args = ap.parse_args()

    names = [n for n in PROGRAMS if not args.only or n in args.only.split(",")]
    if not names:
        sys.exit(f"no such program; choose from {', '.join(PROGRAMS)}")
    env = dict(os.environ)
    if not args.installed:
        env["PYTHONPATH"] = str(REPO / "src") + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="triscope-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)

    version = subprocess.run([args.python, "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True).stdout.strip()
    print(f"python {version} ({args.python}), mode {args.mode}, {args.reps} reps, "
          f"cpus {os.cpu_count()}, rate {args.rate or 'default'}")
    header = (f"{'program':<14} {'plain s':>8} {'triscope s':>10} {'slowdown':>9} {'samples':>8} "
              f"{'us/sample':>10} {'spread %':>9}")
    print(header)
    print("-" * len(header))
    for name in names:
        prog = workdir / f"{name}.py"
        prog.write_text(PROGRAMS[name])
        out = workdir / f"{name}.json"
        plain_cmd = [args.python, str(prog)]
        prof_cmd = [args.python, "-m", "triscope", "--json", "--outfile", str(out)]
        if args.mode == "cpu-only":
            prof_cmd.insert(3, "--cpu-only")
        if args.rate:
            prof_cmd += ["--cpu-sampling-rate", str(args.rate)]
        prof_cmd.append(str(prog))
        run_once(plain_cmd, env)  # warm caches (page cache, .pyc)
        plain, prof, samples = [], [], []
        for _ in range(args.reps):
            plain.append(run_once(plain_cmd, env))
            prof.append(run_once(prof_cmd, env))
            profile = json.loads(out.read_text())
            if args.mode == "full" and not profile.get("memory"):
                sys.exit("memory profiling did not run (is the preload library built?)")
            samples.append(profile["triscope"]["n_samples"])
        mp, mt, ns = statistics.median(plain), statistics.median(prof), statistics.median(samples)
        per_sample = (mt - mp) / ns * 1e6 if ns else float("nan")
        spread = 100.0 * (max(plain) - min(plain)) / mp  # run-to-run noise of plain runs
        print(f"{name:<14} {mp:8.3f} {mt:10.3f} {mt / mp:9.3f} {ns:8.0f} {per_sample:10.1f} {spread:9.1f}")
        sys.stdout.flush()
    if args.mode == "full":
        print_memory_accuracy(args.python, env, workdir)
    if args.keep:
        print(f"programs and profiles kept in {workdir}")


if __name__ == "__main__":
    main()

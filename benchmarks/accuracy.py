"""Accuracy: the ground-truth programs of tests/programs/ measure what their
marked lines ("# TRUTH:name") do and write it to a truth file; each profiler
runs them, and its per-line figures are compared with that truth.

Metrics (each an absolute error: percentage points (pp) of the profile's own
total, or % of the true volume):
  split    mixed.py: Python / native / system time of each phase's line, in
           percent of the run's wall time (as tests/python/test_accuracy.py).
  cpu      mixed.py and threads.py: each marked line's share of the
           profile's CPU time against the line's (thread's) share of the
           program's CPU time.
  alloc    mem_lines.py: MB allocated per line.
  copy     mem_lines.py: MB copied by the copy line.
  pyshare  mem_lines.py: Python allocators' share of each line's MB.
py-spy gives only samples per line, so it is compared on `cpu` alone."""

import json
import os
import re
import statistics
from pathlib import Path

from .envs import REPO
from .peers import run_tool

PROGRAMS = REPO / "tests" / "programs"
# program -> metrics it measures
TRUTH_PROGRAMS = {"mixed.py": ("split", "cpu"), "threads.py": ("cpu",),
                  "mem_lines.py": ("alloc", "copy", "pyshare")}
METRICS = {  # metric -> (title, unit)
    "split": ("Python/native/system time per line (mixed.py)", "pp"),
    "cpu": ("CPU share per line or thread (mixed.py, threads.py)", "pp"),
    "alloc": ("MB allocated per line (mem_lines.py)", "%"),
    "copy": ("MB copied (mem_lines.py)", "%"),
    "pyshare": ("Python share of a line's allocations (mem_lines.py)", "pp"),
}
# The tools compared and the metrics each can be judged on.
ACCURACY_TOOLS = {"triscope": tuple(METRICS), "scalene": tuple(METRICS), "py-spy": ("cpu",)}


def truth_lines(path):
    found = {}
    for lineno, text in enumerate(Path(path).read_text().splitlines(), start=1):
        m = re.search(r"# TRUTH:(\w+)", text)
        if m:
            found[m.group(1)] = lineno
    return found


def _same_file(a, b):
    return os.path.realpath(a) == os.path.realpath(b)


class JsonProfile:
    """A triscope or Scalene JSON profile (same field names) of one file."""

    def __init__(self, path, program):
        prof = json.loads(Path(path).read_text())
        entries = [e for key, e in prof["files"].items() if _same_file(key, program)]
        if not entries:
            raise ValueError(f"{program.name} not in the profile")
        self.lines = {rec["lineno"]: rec for rec in entries[0]["lines"]}
        self.elapsed = prof["elapsed_time_sec"]
        cpu = sum(rec.get("n_cpu_percent_python", 0.0) + rec.get("n_cpu_percent_c", 0.0)
                  for e in prof["files"].values() for rec in e["lines"])
        ts = prof.get("triscope")  # triscope: CPU time in no profiled file
        if ts and ts.get("total_time_s"):
            cpu += 100.0 * ts["unattributed_s"] / ts["total_time_s"]
        self.cpu_total = cpu

    def _get(self, lineno, key):
        return float(self.lines.get(lineno, {}).get(key, 0.0))

    def split(self, lineno):
        return tuple(self._get(lineno, k) for k in ("n_cpu_percent_python", "n_cpu_percent_c", "n_sys_percent"))

    def cpu_share(self, lineno):
        cpu = self._get(lineno, "n_cpu_percent_python") + self._get(lineno, "n_cpu_percent_c")
        return 100.0 * cpu / self.cpu_total if self.cpu_total else 0.0

    def malloc_mb(self, lineno):
        return self._get(lineno, "n_malloc_mb")

    def copy_mb(self, lineno):
        return self._get(lineno, "n_copy_mb_s") * self.elapsed

    def python_share(self, lineno):
        return 100.0 * self._get(lineno, "n_python_fraction")


class PySpyProfile:
    """py-spy's raw (folded) output: 'frame;frame;... count' per stack, frames
    'function (path:line)', innermost last; a sample counts for the innermost
    frame in the program's file."""

    FRAME = re.compile(r"\((.*):(\d+)\)$")

    def __init__(self, path, program):
        self.counts, self.total = {}, 0
        for text in Path(path).read_text().splitlines():
            stack, _, count = text.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            self.total += int(count)
            for frame in reversed(stack.split(";")):
                m = self.FRAME.search(frame)
                if m and _same_file(m.group(1), program):
                    lineno = int(m.group(2))
                    self.counts[lineno] = self.counts.get(lineno, 0) + int(count)
                    break

    def cpu_share(self, lineno):
        return 100.0 * self.counts.get(lineno, 0) / self.total if self.total else 0.0


def _expected_split(ph, total_wall, python):
    """(python, native, system) percent of the wall time for one phase of
    mixed.py: its CPU seconds are Python (python true: the pure-Python loop)
    or native, its wall seconds off the CPU system time."""
    cpu = 100.0 * ph["cpu_s"] / total_wall
    off = 100.0 * max(ph["wall_s"] - ph["cpu_s"], 0.0) / total_wall
    return (cpu, 0.0, off) if python else (0.0, cpu, off)


def cells(program, truth, prof, metrics):
    """[(metric, item, truth, measured)] for one run."""
    lines = truth_lines(PROGRAMS / program)
    out = []
    if "split" in metrics:
        for name, ph in truth["phases"].items():
            exp = _expected_split(ph, truth["total_wall_s"], name == "python_loop")
            for col, e, g in zip(("python", "native", "system"), exp, prof.split(lines[name])):
                out.append(("split", f"{name} {col}", e, g))
    if "cpu" in metrics:
        if "phases" in truth:
            shares = {n: 100.0 * ph["cpu_s"] / truth["total_cpu_s"] for n, ph in truth["phases"].items()}
        else:
            shares = {n: 100.0 * truth["cpu_share"][n] for n in ("thread_a", "thread_b", "thread_zlib")}
        for name, share in shares.items():
            out.append(("cpu", f"{program}: {name}", share, prof.cpu_share(lines[name])))
    if "alloc" in metrics:
        for name in ("objects", "native", "churn"):
            out.append(("alloc", name, truth[name], prof.malloc_mb(lines[name])))
            out.append(("pyshare", name, 0.0 if name == "native" else 100.0,
                        prof.python_share(lines[name])))
    if "copy" in metrics:
        out.append(("copy", "copy", truth["copy"], prof.copy_mb(lines["copy"])))
    return out


def error(metric, truth, measured):
    if METRICS[metric][1] == "%":
        return 100.0 * abs(measured - truth) / truth if truth else 0.0
    return abs(measured - truth)


def measure(tools, ctx, workdir, reps, log):
    """Runs every truth program under every accuracy tool that is ok, reps
    times, alternating tools; returns {"cells": [...], "failures": [...]}."""
    by_name = {t.name: t for t in tools}
    cells_out, failures = [], []
    truth_path = workdir / "truth.json"
    for rep in range(reps):
        for program, prog_metrics in TRUTH_PROGRAMS.items():
            for name, tool_metrics in ACCURACY_TOOLS.items():
                tool = by_name.get(name)
                metrics = [m for m in prog_metrics if m in tool_metrics]
                if tool is None or tool.status != "ok" or not metrics:
                    continue
                if truth_path.exists():
                    truth_path.unlink()
                res, out = run_tool(tool, ctx, workdir, [PROGRAMS / program, truth_path], timeout=300)
                try:
                    if not res.ok:
                        raise RuntimeError(res.why())
                    truth = json.loads(truth_path.read_text())
                    reader = PySpyProfile if name == "py-spy" else JsonProfile
                    got = cells(program, truth, reader(out, PROGRAMS / program), metrics)
                except (RuntimeError, OSError, ValueError, KeyError) as exc:
                    failures.append({"tool": name, "program": program, "rep": rep,
                                     "error": f"{type(exc).__name__}: {exc}",
                                     "stderr_tail": res.stderr_tail})
                    log(f"accuracy {program} under {name}: FAILED ({exc})")
                    continue
                for metric, item, t, m in got:
                    cells_out.append({"tool": name, "program": program, "rep": rep, "metric": metric,
                                      "item": item, "truth": t, "measured": m,
                                      "error": error(metric, t, m)})
            log(f"accuracy {program}, repetition {rep + 1}/{reps} done")
    return {"cells": cells_out, "failures": failures}


def summarize(raw):
    """Per (metric, item, tool): medians over the repetitions; per (metric,
    tool): the mean and largest of those median errors."""
    groups = {}
    for c in raw["cells"]:
        groups.setdefault((c["metric"], c["item"], c["tool"]), []).append(c)
    items = {key: {"truth": statistics.median(c["truth"] for c in cs),
                   "measured": statistics.median(c["measured"] for c in cs),
                   "error": statistics.median(c["error"] for c in cs), "n": len(cs)}
             for key, cs in groups.items()}
    per_metric = {}
    for (metric, _, tool), s in items.items():
        per_metric.setdefault((metric, tool), []).append(s["error"])
    totals = {key: {"mean_error": statistics.fmean(errs), "max_error": max(errs), "n": len(errs)}
              for key, errs in per_metric.items()}
    return items, totals

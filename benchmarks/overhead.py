"""Overhead: every corpus program under plain Python and under every tool,
runs alternating (python, tool 1, python, tool 2, ..., python) so that a
drift in the machine's speed hits the profiled run and the plain runs it is
compared with alike; per program the median over the rounds of wall time /
wall time of the plain runs around it (interpreter start-up included), and
each configuration's median peak RSS."""

import math
import statistics

from .corpus import STARTUP
from .peers import is_triscope, run_tool


def calibrate(program, plain, ctx, workdir, target_s):
    """Units of work that make the program run about target_s seconds of
    work under plain Python (start-up excluded): from the wall times of 1
    and 6 units, t = start-up + units * per_unit."""
    times = {}
    for units in (1, 6):
        res, _ = run_tool(plain, ctx, workdir, program.argv(units), timeout=300)
        if not res.ok:
            return None, res.why()
        times[units] = res.wall_s
    per_unit = (times[6] - times[1]) / 5
    if per_unit <= 0:
        return 6, ""
    return max(1, min(100_000, round(target_s / per_unit))), ""


def measure(programs, tools, ctx, workdir, rounds, target_s, log):
    """{program name: {"what", "units", "runs": {tool name: [run dicts]}}}.
    rounds: {"triscope": rounds of triscope's configurations, "peers":
    rounds of the others}: more for triscope, whose ratios are close to 1
    and so need more runs to be told from the noise.
    Each round runs python, tool 1, python, tool 2, ..., python: every
    profiled run has a plain run right before and right after it, and its
    run dict holds the mean of the two as "ref_s".  A tool that fails on a
    program is not run on it again."""
    plain = tools[0]
    results = {}
    for program in programs:
        units, why = calibrate(program, plain, ctx, workdir, target_s) if program.calibrate else (1, "")
        entry = results[program.name] = {"what": program.what, "units": units, "runs": {}}
        if units is None:
            entry["error"] = f"plain Python failed: {why}"
            log(f"{program.name}: {entry['error']}")
            continue
        sequence = []  # (tool name, run dict) in the order they ran
        failed = set()

        def once(tool):
            res, _ = run_tool(tool, ctx, workdir, program.argv(units))
            rec = {"wall_s": res.wall_s, "maxrss_mb": res.maxrss_mb, "ok": res.ok,
                   "error": "" if res.ok else res.why(), "stderr_tail": res.stderr_tail}
            entry["runs"].setdefault(tool.name, []).append(rec)
            sequence.append((tool.name, rec))
            if not res.ok:
                failed.add(tool.name)

        for r in range(max(rounds.values())):
            for tool in tools[1:]:
                n = rounds["triscope" if is_triscope(tool.name) else "peers"]
                if r < n and tool.status == "ok" and tool.name not in failed and plain.name not in failed:
                    once(plain)
                    once(tool)
        if plain.name not in failed:
            once(plain)
        _pair_with_plain(sequence, plain.name)
        summary = summarize_program(entry)
        log(f"{program.name} ({units} units): " + ", ".join(
            f"{name} {s['ratio']:.3f}" if s["ok"] and s["ratio"] else f"{name} FAILED"
            for name, s in summary.items()))
    return results


def _pair_with_plain(sequence, plain_name):
    """Give each profiled run the mean wall time of the plain runs around it."""
    plain_at = [i for i, (name, rec) in enumerate(sequence) if name == plain_name and rec["ok"]]
    for i, (name, rec) in enumerate(sequence):
        if name == plain_name:
            continue
        around = [sequence[j][1]["wall_s"] for j in plain_at if j in (i - 1, i + 1)]
        rec["ref_s"] = statistics.fmean(around) if around else None


def summarize_program(entry):
    """{tool: {"ok", "median_s", "ratio", "extra_ms", "rss_mb", "n", "error"}}
    for one program's runs: ratio is the median over the profiled runs of
    wall time / that of the plain runs around it, extra_ms the median of the
    difference (None when those failed)."""
    out = {}
    for name, runs in entry["runs"].items():
        bad = [r for r in runs if not r["ok"]]
        if bad:
            out[name] = {"ok": False, "error": bad[0]["error"], "n": len(runs)}
            continue
        refs = [r for r in runs if r.get("ref_s")]
        out[name] = {"ok": True, "n": len(runs), "error": "",
                     "median_s": statistics.median(r["wall_s"] for r in runs),
                     "rss_mb": statistics.median(r["maxrss_mb"] for r in runs),
                     "ratio": 1.0 if name == "python" else None, "extra_ms": 0.0 if name == "python" else None}
        if refs:
            out[name]["ratio"] = statistics.median(r["wall_s"] / r["ref_s"] for r in refs)
            out[name]["extra_ms"] = 1000.0 * statistics.median(r["wall_s"] - r["ref_s"] for r in refs)
    if out.get("python", {}).get("ok") and len(entry["runs"]["python"]) >= 2:
        q1, q2, q3 = statistics.quantiles([r["wall_s"] for r in entry["runs"]["python"]], n=4)
        out["python"]["iqr_pct"] = 100.0 * (q3 - q1) / q2  # the machine's run-to-run noise
    return out


def overall(summaries, tool_names):
    """Per tool over the programs it ran on (the empty start-up program left
    out): median and geometric mean of the per-program ratios, median peak
    RSS ratio, and programs it failed on."""
    out = {}
    for name in tool_names:
        ratios, rss, failed = [], [], []
        for prog, s in summaries.items():
            if prog == STARTUP or name not in s or "python" not in s or not s["python"]["ok"]:
                continue
            if s[name]["ok"] and s[name]["ratio"] is not None:
                ratios.append(s[name]["ratio"])
                rss.append(s[name]["rss_mb"] / s["python"]["rss_mb"])
            else:
                failed.append(prog)
        out[name] = {
            "median_ratio": statistics.median(ratios) if ratios else None,
            "geomean_ratio": math.exp(statistics.fmean(map(math.log, ratios))) if ratios else None,
            "median_rss_ratio": statistics.median(rss) if rss else None,
            "programs": len(ratios), "failed": failed,
        }
    return out

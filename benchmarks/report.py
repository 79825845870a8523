"""The results as markdown tables (results.md) and raw numbers (results.json),
with the machine, Python version and date they were measured on."""

import json
import os
import platform
import subprocess
import time

from .accuracy import ACCURACY_TOOLS, METRICS
from .corpus import STARTUP
from .envs import REPO


def machine():
    """A description of this machine from public sources only (/proc, uname)."""
    model, virtual = platform.processor() or platform.machine(), False
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model in ("", platform.machine()):
                    model = line.split(":", 1)[1].strip()
                virtual = virtual or (line.startswith("flags") and " hypervisor" in line)
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{model}, {os.cpu_count()} CPUs{mem}, {platform.system()} {platform.release()} "
            f"{platform.machine()}" + (", virtual machine" if virtual else ""))


def git_commit():
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()
        except OSError:  # no git: not a reason to stop
            return ""
    rev = git("rev-parse", "--short", "HEAD")
    return (rev + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")) or "unknown"


def now_utc():
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _ratio(x):
    return "–" if x is None else f"{x:.2f}×"


def _cell(summary, tool, key):
    """A program's ratio or peak RSS under a tool; "–" where it did not run."""
    s = summary.get(tool)
    if s is None:
        return "–"
    if not s["ok"]:
        return "**failed**"
    return _ratio(s["ratio"]) if key == "ratio" else f"{s[key]:.0f}"


def _extra_ms(s):
    if s is None:
        return "–"
    if not s["ok"] or s["extra_ms"] is None:
        return "**failed**"
    return f"+{s['extra_ms']:.0f} ms"


def _overhead_section(data):
    ov = data["overhead"]
    names = [t["name"] for t in data["tools"] if t["status"] == "ok"]
    profiled = names[1:]
    rows, rss_rows = [], []
    for prog, s in ov["summary"].items():
        base = s.get("python", {})
        if prog == STARTUP:
            continue
        if not base.get("ok"):
            rows.append([prog, ov["programs"][prog].get("error", "plain Python failed")] + [""] * len(profiled))
            continue
        noise = f" ({base['iqr_pct']:.0f} %)" if "iqr_pct" in base else ""
        rows.append([prog, f"{base['median_s']:.2f}{noise}"] + [_cell(s, n, "ratio") for n in profiled])
        rss_rows.append([prog] + [_cell(s, n, "rss_mb") for n in names])
    allt = ov["overall"]
    rows.append(["**median**", ""] + [f"**{_ratio(allt[n]['median_ratio'])}**" for n in profiled])
    rows.append(["geometric mean", ""] + [_ratio(allt[n]["geomean_ratio"]) for n in profiled])
    rss_rows.append(["median ratio to python"] + [_ratio(allt[n]["median_rss_ratio"]) for n in names])
    st = data["settings"]
    out = [f"## Overhead\n\nWall time under each profiler / wall time of the plain Python runs right "
           f"before and after it (runs alternate: python, profiler 1, python, profiler 2, ..., python), "
           f"median over {st['rounds']} rounds per program for triscope, {st['peer_rounds']} for the others; "
           f"interpreter start-up and writing the "
           f"profile included. The python column is the plain median in seconds and, in parentheses, the "
           f"interquartile range of the plain runs in percent of it: the machine's run-to-run noise, "
           f"against which a single program's ratio must be read.\n",
           _table(["program", "python s (noise)"] + profiled, rows),
           "\nPeak RSS in MB (median; ru_maxrss of the largest single process: the program, or the "
           "profiler's own process where it is bigger):\n",
           _table(["program"] + names, rss_rows)]
    start = ov["summary"].get(STARTUP, {})
    if start.get("python", {}).get("ok"):
        out += ["\nStart-up and shutdown: wall time of a program that only sleeps 0.1 s under plain Python, "
                "and what each profiler adds to it (median of the differences to the plain runs around it):\n",
                _table(["", "python"] + profiled,
                       [["corpus/empty.py", f"{1000 * start['python']['median_s']:.0f} ms"] +
                        [_extra_ms(start.get(n)) for n in profiled]])]
    failed = [f"- {t['name']} not measured: {t['status']}" for t in data["tools"] if t["status"] != "ok"]
    failed += [f"- {n} failed on {prog}: {s[n]['error']}"
               for prog, s in ov["summary"].items() for n in profiled if n in s and not s[n]["ok"]]
    if failed:
        out.append("\nFailures:\n\n" + "\n".join(failed))
    return "\n".join(out)


def _accuracy_section(data):
    acc = data["accuracy"]
    tools = list(ACCURACY_TOOLS)
    totals = {(t["metric"], t["tool"]): t for t in acc["totals"]}
    rows = []
    for metric, (title, unit) in METRICS.items():
        cells = []
        for tool in tools:
            t = totals.get((metric, tool))
            cells.append(f"{t['mean_error']:.1f} (max {t['max_error']:.1f})" if t else "–")
        rows.append([title, unit] + cells)
    out = [f"## Accuracy\n\nMean absolute error against the programs' own measurements (largest error in "
           f"parentheses), each item the median of {data['settings']['reps']} run(s); pp = percentage "
           f"points, % = percent of the true volume. – : not measured by that profiler.\n",
           _table(["metric", "unit"] + tools, rows)]
    items = {}
    for it in acc["items"]:
        items.setdefault((it["metric"], it["item"]), {})[it["tool"]] = it
    detail = []
    for (metric, item), by_tool in items.items():
        detail.append([metric, item] + [
            f"{by_tool[t]['measured']:.1f} / {by_tool[t]['truth']:.1f} → {by_tool[t]['error']:.1f}"
            if t in by_tool else "–" for t in tools])
    out += ["\nPer item, for each profiler: its figure / the truth measured in the same run → the error "
            "(medians over the runs):\n",
            _table(["metric", "item"] + tools, detail)]
    if acc["raw"]["failures"]:
        out.append("\nFailures:\n\n" + "\n".join(
            f"- {f['tool']} on {f['program']}: {f['error']}" for f in acc["raw"]["failures"]))
    return "\n".join(out)


def render(data):
    meta, st = data["meta"], data["settings"]
    tool_rows = [[t["name"], t["version"] or "–", t["status"] + "".join("; " + n for n in t["notes"])]
                 for t in data["tools"]]
    parts = [f"# Benchmarks: triscope and its peers\n\n"
             f"- date: {meta['date']}\n- machine: {meta['machine']}\n- Python: {meta['python']}\n"
             f"- triscope: {meta['triscope']}\n- settings: {st['rounds']} overhead rounds for triscope, "
             f"{st['peer_rounds']} for the others, "
             f"~{st['target_s']} s of work per program, {st['reps']} accuracy repetition(s); "
             f"harness run took {data['elapsed_s'] / 60:.1f} min\n",
             "## Profilers\n", _table(["configuration", "version", "status"], tool_rows)]
    if meta.get("pyperformance"):
        parts.append(f"\npyperformance: {meta['pyperformance']}")
    if data.get("overhead"):
        parts.append("\n" + _overhead_section(data))
    if data.get("accuracy"):
        parts.append("\n" + _accuracy_section(data))
    return "\n".join(parts) + "\n"


def write(outdir, data):
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "results.json").write_text(json.dumps(data, indent=1) + "\n")
    md = render(data)
    (outdir / "results.md").write_text(md)
    return md

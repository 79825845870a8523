"""triscope's benchmarks beside its peers: python -m benchmarks [options]
(make bench; make bench-smoke for a run of a few minutes).

Builds two virtual environments under --work (triscope from this checkout;
the peers from the package index), then measures overhead (benchmarks/
corpus and some pyperformance benchmarks under every profiler) and accuracy
(tests/programs' ground-truth programs under triscope, Scalene and py-spy),
and writes results.md and results.json to --out.  See benchmarks/README.md.

Exit status 1 when triscope itself failed to install or to run (a peer that
fails is reported in the tables instead), 0 otherwise: the numbers are
measured, not judged."""

import argparse
import sys
import time
from pathlib import Path

from . import accuracy, corpus, envs, overhead, peers, report

SMOKE_PROGRAM = "arith_loop"


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true",
                    help=f"one program ({SMOKE_PROGRAM}), one round, one accuracy repetition")
    ap.add_argument("--rounds", type=int, default=7,
                    help="alternating runs per program of each triscope configuration (7)")
    ap.add_argument("--peer-rounds", type=int, default=4,
                    help="alternating runs per program of each other profiler (4)")
    ap.add_argument("--reps", type=int, default=3, help="runs of each accuracy program per profiler (3)")
    ap.add_argument("--target", type=float, default=1.0,
                    help="seconds of work per overhead program under plain Python (1.0)")
    ap.add_argument("--programs", default="", help="comma-separated corpus programs (default all)")
    ap.add_argument("--tools", default="",
                    help="comma-separated configurations besides python (default all), e.g. 'triscope,py-spy'")
    ap.add_argument("--no-pyperformance", action="store_true", help="leave the pyperformance programs out")
    ap.add_argument("--skip-overhead", action="store_true")
    ap.add_argument("--skip-accuracy", action="store_true")
    ap.add_argument("--python", default=sys.executable, help="interpreter the venvs are made from (this one)")
    ap.add_argument("--work", type=Path, default=envs.REPO / ".bench",
                    help="venvs and scratch files (.bench)")
    ap.add_argument("--out", type=Path, default=None, help="results.md and results.json (WORK/results)")
    args = ap.parse_args(argv)
    if args.smoke:
        args.rounds = args.peer_rounds = args.reps = 1
        args.programs = args.programs or SMOKE_PROGRAM
    args.out = args.out or args.work / "results"
    return args


def make_log():
    t0 = time.monotonic()

    def log(msg):
        print(f"[{time.monotonic() - t0:7.1f}s] {msg}", file=sys.stderr, flush=True)
    return log


def set_up(args, log):
    """Venvs, tools with their versions and status, and the context to run
    them in.  Returns (tools, ctx, peers venv, meta), meta: what the report
    says about the Python, triscope and pyperformance measured."""
    tools = peers.all_tools()
    if args.tools:
        wanted = set(args.tools.split(","))
        unknown = wanted - {t.name for t in tools}
        if unknown:
            sys.exit(f"unknown configuration(s): {', '.join(sorted(unknown))}; "
                     f"choose from {', '.join(t.name for t in tools[1:])}")
        tools = [t for t in tools if t.name == "python" or t.name in wanted]
    tvenv = envs.triscope_venv(args.work / "venv-triscope", args.python, log)
    packages = list(dict.fromkeys(t.package for t in tools if t.package))
    if not args.no_pyperformance and not args.skip_overhead:
        packages.append("pyperformance")
    pvenv, installed = envs.peers_venv(args.work / "venv-peers", args.python, packages, log)
    meta = {"python": tvenv.python_version(),
            "triscope": f"{tvenv.version('triscope')} (commit {report.git_commit()})"}
    for tool in tools:
        if tool.package:
            tool.version, why = installed[tool.package]
            tool.status = why or "ok"
        elif peers.is_triscope(tool.name):
            tool.version = tvenv.version("triscope")
        else:
            tool.version = meta["python"]
    pyperf = installed.get("pyperformance")
    pyperf_status = ""
    if pyperf:
        pyperf_status = pyperf[1] or f"pyperformance {pyperf[0]}"
        if not pyperf[1]:
            ok, why = tvenv.pip_install(f"pyperf=={pvenv.version('pyperf')}")
            pyperf_status += "" if ok else f"; pyperf for the baseline failed to install: {why}"
    meta["pyperformance"] = pyperf_status
    ctx = peers.Context(tvenv, pvenv)
    rundir = args.work / "run"
    rundir.mkdir(parents=True, exist_ok=True)
    peers.probe(tools, ctx, rundir, log)
    return tools, ctx, pvenv, meta


def select_programs(args, pvenv, pyperf_status, log):
    programs = corpus.own_programs()
    if pyperf_status and "failed" not in pyperf_status:
        programs += corpus.pyperformance_programs(pvenv.path, args.work / "run")
    if args.programs:
        wanted = args.programs.split(",")
        programs = [p for p in programs if p.name in wanted]
        if not programs:
            sys.exit(f"no such program: {args.programs}")
    log("programs: " + ", ".join(p.name for p in programs))
    return programs


def main(argv=None):
    args = parse_args(argv)
    log = make_log()
    t0 = time.monotonic()
    try:
        tools, ctx, pvenv, meta = set_up(args, log)
    except envs.SetupError as exc:
        log(f"setup failed: {exc}")
        return 1
    rundir = args.work / "run"
    data = {"meta": {"date": report.now_utc(), "machine": report.machine(), **meta},
            "settings": {"rounds": args.rounds, "peer_rounds": args.peer_rounds, "reps": args.reps,
                         "target_s": args.target, "smoke": args.smoke},
            "tools": [{"name": t.name, "package": t.package, "version": t.version, "status": t.status,
                       "notes": t.notes} for t in tools]}
    if not args.skip_overhead:
        programs = select_programs(args, pvenv, meta["pyperformance"], log)
        rounds = {"triscope": args.rounds, "peers": args.peer_rounds}
        raw = overhead.measure(programs, tools, ctx, rundir, rounds, args.target, log)
        summary = {name: overhead.summarize_program(entry) for name, entry in raw.items()}
        data["overhead"] = {"programs": raw, "summary": summary,
                            "overall": overhead.overall(summary, [t.name for t in tools])}
    if not args.skip_accuracy:
        raw = accuracy.measure(tools, ctx, rundir, args.reps, log)
        items, totals = accuracy.summarize(raw)
        data["accuracy"] = {
            "raw": raw,
            "items": [dict(metric=m, item=i, tool=t, **v) for (m, i, t), v in items.items()],
            "totals": [dict(metric=m, tool=t, **v) for (m, t), v in totals.items()]}
    data["elapsed_s"] = time.monotonic() - t0
    md = report.write(args.out, data)
    print(md)
    log(f"wrote {args.out / 'results.md'} and results.json")
    return 1 if triscope_failed(data) else 0


def triscope_failed(data):
    """Whether triscope failed to install, on the probe, or on any run."""
    bad = [t for t in data["tools"] if peers.is_triscope(t["name"]) and t["status"] != "ok"]
    for summary in data.get("overhead", {}).get("summary", {}).values():
        bad += [n for n, s in summary.items() if peers.is_triscope(n) and not s["ok"]]
    bad += [f for f in data.get("accuracy", {}).get("raw", {}).get("failures", []) if f["tool"] == "triscope"]
    return bool(bad)


if __name__ == "__main__":
    sys.exit(main())

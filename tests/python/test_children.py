"""Child processes: fork, multiprocessing (fork, spawn, forkserver, Pool),
ProcessPoolExecutor and subprocess running python are profiled and merged
into the parent's profile; non-Python children are left alone;
--no-children turns it all off."""

import json
import os

import pytest

from conftest import (PROGRAMS, base_env, describe, find_file, line_record, pct, profile_json,
                      run_plain, truth_lines)


def _cpu_seconds(profile, rec):
    p, n, _ = pct(rec)
    return (p + n) * profile["triscope"]["total_time_s"] / 100.0


def _all_cpu_seconds(profile):
    total = profile["triscope"]["unattributed_s"]
    for entry in profile["files"].values():
        total += sum(_cpu_seconds(profile, r) for r in entry["lines"])
    return total


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver", "executor"])
def test_pool_workers_carry_the_cpu(engine, tmp_path, method):
    prog = PROGRAMS / "pool_work.py"
    proc, prof = profile_json(["--json", prog, method, "0.15"], tmp_path, timeout=180)
    assert proc.stdout == f"{method} 16\n" and proc.stderr == "", describe(proc)
    _, entry = find_file(prof, prog)
    loop = truth_lines(prog)["worker"]
    worker = sum(_cpu_seconds(prof, line_record(entry, n)) for n in (loop, loop + 1))
    everything = _all_cpu_seconds(prof)
    # 16 tasks x 0.15 s of CPU; the workers' loop must carry >= 80 % of all
    # the CPU the merged profile holds (parent included)
    assert worker >= 0.8 * everything, (worker, everything, describe(proc))
    assert 16 * 0.15 * 0.8 <= worker <= 16 * 0.15 * 1.3, (worker, describe(proc))


def _child_lines(prof, truth):
    _, parent = find_file(prof, PROGRAMS / "spawn_children.py")
    _, child = find_file(prof, PROGRAMS / "child_work.py", required=False)
    return {
        "child": _cpu_seconds(prof, line_record(child, truth["child"])) if child else 0.0,
        "forked": _cpu_seconds(prof, line_record(parent, truth["forked"])),
        "parent": _cpu_seconds(prof, line_record(parent, truth["parent"])),
    }


def test_subprocess_and_fork_children_are_merged(engine, tmp_path):
    prog = PROGRAMS / "spawn_children.py"
    truth = dict(truth_lines(prog), **truth_lines(PROGRAMS / "child_work.py"))
    # a sitecustomize of the user's: children must still run it
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import sys\nsys.user_sitecustomize_ran = True\n")
    env = {"PYTHONPATH": str(site) + os.pathsep + base_env().get("PYTHONPATH", "")}
    plain = run_plain([prog], env=env)
    proc, prof = profile_json(["--json", prog], tmp_path, timeout=120, env=env)
    assert proc.stdout == plain.stdout and proc.stderr == plain.stderr == "", describe(proc) + describe(plain)
    lines = proc.stdout.splitlines()
    child = json.loads(lines[0].split("python child: ", 1)[1])
    assert child == {"unbuffered": True, "warnoptions": ["ignore::DeprecationWarning"], "argv": ["arg"],
                     "user_sitecustomize": True}, lines
    assert lines[1] == "python child stderr: ''", lines
    assert lines[2] == "shell child: LD_PRELOAD=[]", lines
    assert lines[3] == "fork child exit: 7", lines
    got = _child_lines(prof, truth)
    assert 0.3 <= got["child"] <= 0.6, (got, describe(proc))    # 0.4 s in a python child
    assert 0.3 <= got["forked"] <= 0.6, (got, describe(proc))   # 0.4 s in a fork child (os._exit)
    assert 0.12 <= got["parent"] <= 0.35, (got, describe(proc))  # 0.2 s in the parent
    # the python child profiles memory too (the preload loaded into it, not
    # inherited through LD_PRELOAD: the shell child saw none): 40 MB
    _, child = find_file(prof, PROGRAMS / "child_work.py")
    allocated = line_record(child, truth["child_alloc"])["n_malloc_mb"]
    assert 40 * 0.85 <= allocated <= 40 * 1.15, (allocated, describe(proc))


def test_no_children(engine, tmp_path):
    prog = PROGRAMS / "spawn_children.py"
    truth = dict(truth_lines(prog), **truth_lines(PROGRAMS / "child_work.py"))
    proc, prof = profile_json(["--json", "--no-children", prog], tmp_path, timeout=120)
    got = _child_lines(prof, truth)
    assert got["child"] == 0 and got["forked"] == 0, (got, describe(proc))
    assert got["parent"] > 0.1, got

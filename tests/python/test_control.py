"""Control surfaces: @profile, triscope.start()/stop()/snapshot() and the
context manager (under `triscope --off` and in plain python), suspending
and resuming from another process (--off/--on --pid), and interim profiles
(--profile-interval)."""

import json
import os
import subprocess
import time

import pytest

from conftest import (PROGRAMS, PY, REPO, base_env, describe, find_file, line_record, load_json,
                      pct, popen_triscope, profile_json, run_plain, run_triscope, truth_lines)


def _cpu(rec):
    p, n, _ = pct(rec)
    return p + n


# --------------------------------------------------------------------------
# @profile

def test_decorated_function_alone_is_reported(engine, tmp_path):
    prog = PROGRAMS / "decorated.py"
    truth = truth_lines(prog)
    proc, prof = profile_json(["--cpu-only", "--json", prog], tmp_path)
    assert prof["triscope"].get("selected_only") is True
    assert len(prof["files"]) == 1, sorted(prof["files"])
    _, entry = find_file(prof, prog)
    listed = {r["lineno"] for r in entry["lines"]}
    # all lines of chosen_work (decorator line to return), nothing else
    first = truth["chosen"] - 3
    assert listed == set(range(first, truth["chosen"] + 3)), (listed, describe(proc))
    # chosen_work runs 0.3 s of the program's ~0.7 s of CPU
    assert [f["line"] for f in entry["functions"]] == ["chosen_work"]
    assert _cpu(entry["functions"][0]) > 25, describe(proc)
    loop = _cpu(line_record(entry, truth["chosen"])) + _cpu(line_record(entry, truth["chosen"] + 1))
    assert loop > 20, describe(proc)
    text = run_triscope(["--cpu-only", prog])
    assert "while time.process_time() < end:  # TRUTH:chosen" in text.stdout
    assert "TRUTH:plain" not in text.stdout and "TRUTH:spin" not in text.stdout, text.stdout


def test_decorated_program_runs_unprofiled(engine):
    proc = run_plain([PROGRAMS / "decorated.py"])
    assert proc.returncode == 0 and proc.stderr == "", describe(proc)


# --------------------------------------------------------------------------
# start / stop / snapshot / context manager

def _check_api_result(data, truth, final=None):
    first, block = data["first"], data["block"]
    # first snapshot: only the enabled stretch (inside, 0.4 s of CPU)
    assert first.get(str(truth["inside"]), 0) > 50, data
    assert first.get(str(truth["outside"]), 0) == 0, data
    assert 0.3 <= data["first_elapsed"] <= 0.75, data
    # the block adds 0.4 s to the same session
    assert block.get(str(truth["in_block"]), 0) > 25, data
    assert block.get(str(truth["outside"]), 0) == 0, data
    assert 0.7 <= data["block_elapsed"] <= 1.3, data
    if final is not None:
        assert 0.7 <= final["elapsed_time_sec"] <= 1.3, final["elapsed_time_sec"]


@pytest.mark.parametrize("mode", ["--cpu-only", "full"])
def test_start_stop_under_off(engine, tmp_path, mode):
    prog = PROGRAMS / "api_phases.py"
    truth = truth_lines(prog)
    out = tmp_path / "p.json"
    args = ["--off", "--json", "-o", out] + ([mode] if mode != "full" else []) + [prog, "x"]
    proc = run_triscope(args)
    assert proc.returncode == 0, describe(proc)
    assert proc.stderr.count("\n") == 1 and "--on --pid" in proc.stderr, describe(proc)
    data = json.loads(proc.stdout.splitlines()[-1])
    assert data["argv"] == ["x"]
    final = load_json(out)
    _check_api_result(data, truth, final)
    _, entry = find_file(final, prog)
    assert _cpu(line_record(entry, truth["outside"])) == 0, describe(proc)


def test_start_stop_in_plain_python(engine):
    prog = PROGRAMS / "api_phases.py"
    proc = run_plain([prog])
    assert proc.returncode == 0 and proc.stderr == "", describe(proc)
    _check_api_result(json.loads(proc.stdout.splitlines()[-1]), truth_lines(prog))


def test_snapshot_before_start_says_why(engine):
    proc = run_plain(["-c", "import triscope\ntry:\n triscope.snapshot()\nexcept RuntimeError as e:\n print(e)"])
    assert "call triscope.start() first" in proc.stdout, describe(proc)


# --------------------------------------------------------------------------
# --off / --on --pid from another process

def _triscope(*args):
    return subprocess.run([PY, "-m", "triscope", *map(str, args)], capture_output=True, text=True,
                          env=base_env(), cwd=str(REPO), timeout=60)


def test_on_off_from_another_process(engine, tmp_path):
    prog = PROGRAMS / "control_phases.py"
    truth = truth_lines(prog)
    out = tmp_path / "p.json"
    proc = subprocess.Popen([PY, "-m", "triscope", "--off", "--json", "-o", str(out), str(prog)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=base_env(), cwd=str(REPO))
    try:
        assert proc.stdout.readline() == "phase 1 done\n"
        switch_on = _triscope("--on", "--pid", proc.pid)
        assert switch_on.returncode == 0 and switch_on.stderr == "", describe(switch_on)
        time.sleep(0.3)  # > the 50 ms the control file is polled at
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.stdout.readline() == "phase 2 done\n"
        switch_off = _triscope("--off", "--pid", proc.pid)
        assert switch_off.returncode == 0, describe(switch_off)
        time.sleep(0.3)
        proc.stdin.write("\n")
        proc.stdin.flush()
        rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and rest == "phase 3 done\n", (rest, err)
    prof = load_json(out)
    _, entry = find_file(prof, prog)
    one, two, three = (_cpu(line_record(entry, truth[k])) for k in ("one", "two", "three"))
    assert one == 0 and three == 0, (one, two, three)
    assert two > 50, (one, two, three)
    # enabled from --on to --off: 0.6 s of work plus the two 0.3 s waits
    assert 0.8 <= prof["elapsed_time_sec"] <= 2.5, prof["elapsed_time_sec"]
    assert not os.path.exists(f"/tmp/triscope-{os.getuid()}/{proc.pid}.control")


def test_control_errors_are_one_line(engine):
    gone = _triscope("--on", "--pid", 4194304 + 1)
    assert gone.returncode == 1 and gone.stderr.startswith("triscope: error: no process"), describe(gone)
    stranger = _triscope("--off", "--pid", os.getpid())  # pytest itself: not profiled
    assert stranger.returncode == 1 and "not being profiled" in stranger.stderr, describe(stranger)
    for args in (["--pid", "5"], ["--on", PROGRAMS / "short.py"], ["--on", "--off", "--pid", "5"],
                 ["--off", "--pid", "5", PROGRAMS / "short.py"]):
        bad = _triscope(*args)
        assert bad.returncode == 2 and bad.stderr.count("\n") == 1, describe(bad)
        assert "Traceback" not in bad.stderr


# --------------------------------------------------------------------------
# --profile-interval

def test_interim_profiles_are_whole_and_grow(engine, tmp_path):
    prog = PROGRAMS / "slow_progress.py"
    truth = truth_lines(prog)
    out = tmp_path / "p.json"
    proc = popen_triscope(["--profile-interval", "0.3", "--json", "-o", out, prog, "2.5"])
    seen = []
    try:
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if out.exists():
                prof = json.loads(out.read_text())  # never half a file
                seen.append(prof["elapsed_time_sec"])
            time.sleep(0.05)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and stdout == "done True\n", (stdout, stderr)
    mid_run = sorted(set(seen))
    assert len(mid_run) >= 3, mid_run
    assert mid_run[0] < 1.5, mid_run
    final = load_json(out)
    assert final["elapsed_time_sec"] >= 2.4
    _, entry = find_file(final, prog)
    inner_loop = _cpu(line_record(entry, truth["step"])) + _cpu(line_record(entry, truth["step"] - 1))
    assert inner_loop > 70, inner_loop


def test_profile_interval_needs_outfile(engine):
    bad = run_triscope(["--profile-interval", "1", PROGRAMS / "short.py"])
    assert bad.returncode == 2 and "--outfile" in bad.stderr, describe(bad)

"""The profiled program behaves exactly as it does without triscope.

Each test runs a program from tests/programs/ both under plain python and
under triscope (profile to a file, so stdout is the program's own) and
compares what the program sees and does: argv, sys.path[0], __file__,
stdout/stderr, stdin, exit status, tracebacks, its own signal timers,
threads, fork.
"""

import json
import os
import signal
import threading
import time

import pytest

from conftest import (PROGRAMS, REPO, describe, find_file, line_record, load_json,
                      pct, popen_plain, popen_triscope, run_plain, run_triscope,
                      truth_lines)


def _json_line(stdout):
    for line in stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    pytest.fail(f"no JSON line in program output:\n{stdout}")


# --------------------------------------------------------------------------
# launch environment

@pytest.mark.parametrize("how", ["relative", "absolute", "symlink", "reexec"])
def test_script_sees_same_launch(engine, tmp_path, how):
    """argv (argv[0] as given), sys.path[0], __name__, __file__, __package__,
    __spec__, the __main__ module, signal handlers, threads, trace hooks,
    the loader's variables.  "reexec": through the LD_PRELOAD fallback, which
    must put the environment back as it found it."""
    script = PROGRAMS / "show_env.py"
    if how == "relative":
        arg = os.path.relpath(script, REPO)
    elif how == "absolute":
        arg = str(script)
    elif how == "reexec":
        arg = str(script)
    else:
        link_dir = tmp_path / "links"
        link_dir.mkdir()
        (link_dir / "show_env_link.py").symlink_to(script)
        arg = str(link_dir / "show_env_link.py")
    args = [arg, "one", "two words", "--flag", "-m"]
    # a user's LD_LIBRARY_PATH must survive the re-exec too
    env = {"TRISCOPE_ATTACH": "preload", "LD_LIBRARY_PATH": str(tmp_path)} if how == "reexec" else None
    plain = run_plain(args, env=env)
    assert plain.returncode == 0, describe(plain)
    prof = run_triscope(["--outfile", tmp_path / "p.json", *args], env=env)
    assert prof.returncode == 0, describe(prof)
    want, got = _json_line(plain.stdout), _json_line(prof.stdout)
    diffs = {k: (want.get(k), got.get(k)) for k in set(want) | set(got) if want.get(k) != got.get(k)}
    assert not diffs, f"differences (plain, triscope): {json.dumps(diffs, indent=1)}" + describe(prof)
    assert prof.stdout == plain.stdout, "stdout differs" + describe(prof)
    assert prof.stderr == plain.stderr, "stderr differs" + describe(prof)


def test_module_sees_same_launch(engine, tmp_path):
    """-m pkgdemo: argv[0] is the module's file, sys.path[0] the cwd, the
    package and spec are set, and its hot line is profiled."""
    args = ["-m", "pkgdemo", "x", "--y"]
    plain = run_plain(args, cwd=PROGRAMS)
    assert plain.returncode == 0, describe(plain)
    out = tmp_path / "p.json"
    prof = run_triscope(["--outfile", out, *args], cwd=PROGRAMS)
    assert prof.returncode == 0, describe(prof)
    assert _json_line(prof.stdout) == _json_line(plain.stdout), describe(prof)
    profile = load_json(out)
    main_py = PROGRAMS / "pkgdemo" / "__main__.py"
    _, entry = find_file(profile, main_py, cwd=PROGRAMS)
    lineno = truth_lines(main_py)["pkg_loop"]
    p, n, s = pct(line_record(entry, lineno))
    assert p + n >= 30.0, f"pkg_loop line: python {p} native {n} (expected >= 30 of ~0.55 s run)"


def test_stdin_passthrough(engine, tmp_path):
    data = "first line here\n" + "".join(f"row {i} \u00e9\u4e2d\n" for i in range(20000))
    plain = run_plain([PROGRAMS / "read_stdin.py"], input=data)
    prof = run_triscope(["--outfile", tmp_path / "p.json", PROGRAMS / "read_stdin.py"], input=data)
    assert plain.returncode == 0, describe(plain)
    assert prof.returncode == 0, describe(prof)
    assert prof.stdout == plain.stdout, describe(prof)
    assert prof.stdout.startswith("FIRST LINE HERE\n")


# --------------------------------------------------------------------------
# exit status, tracebacks, atexit

@pytest.mark.parametrize("mode,arg", [
    ("int", "3"), ("int", "0"), ("none", None), ("str", "bad thing happened"),
    ("fall", None), ("raise", None), ("kbd", None),
])
def test_exit_like_plain_python(engine, tmp_path, mode, arg):
    """Same status, stdout (incl. atexit output), stderr (incl. traceback
    with no triscope frames); the profile is written anyway."""
    args = [PROGRAMS / "exit_code.py", mode] + ([arg] if arg else [])
    plain = run_plain(args)
    out = tmp_path / "p.json"
    prof = run_triscope(["--outfile", out, *args])
    assert prof.returncode == plain.returncode, \
        f"exit status {prof.returncode}, plain python {plain.returncode}" + describe(prof)
    assert prof.stdout == plain.stdout, describe(prof)
    assert prof.stderr == plain.stderr, f"stderr differs; plain python gave:\n{plain.stderr}" + describe(prof)
    assert out.exists(), "profile not written" + describe(prof)
    profile = load_json(out)
    _, entry = find_file(profile, PROGRAMS / "exit_code.py")
    p, n, _ = pct(line_record(entry, truth_lines(PROGRAMS / "exit_code.py")["exit_work"]))
    assert p + n > 10.0, f"work line (0.3 s of ~0.35 s) shows only {p + n:.1f}%"


def test_os_exit_status(engine, tmp_path):
    """os._exit(n) skips all cleanup; its status must still come through,
    and the profile is still written."""
    prof = run_triscope(["--outfile", tmp_path / "p.json", PROGRAMS / "exit_code.py", "os_exit", "5"])
    assert prof.returncode == 5, describe(prof)
    assert prof.stdout == "before exit os_exit\n", describe(prof)
    assert "Traceback" not in prof.stderr, describe(prof)
    assert load_json(tmp_path / "p.json")["elapsed_time_sec"] > 0


def test_chained_traceback_identical(engine, tmp_path):
    script = PROGRAMS / "raise_exc.py"
    plain = run_plain([script])
    prof = run_triscope(["--outfile", tmp_path / "p.json", script])
    assert plain.returncode == 1
    assert prof.returncode == 1, describe(prof)
    assert prof.stderr == plain.stderr, f"plain python stderr:\n{plain.stderr}" + describe(prof)
    frames = [l for l in prof.stderr.splitlines() if l.lstrip().startswith('File "')]
    assert all("raise_exc.py" in f for f in frames), f"foreign frames: {frames}"
    assert (tmp_path / "p.json").exists()


# --------------------------------------------------------------------------
# signals sent to the process

def _start_and_wait_ready(proc, timeout=30):
    watchdog = threading.Timer(timeout, proc.kill)  # readline() has no timeout
    watchdog.start()
    try:
        line = proc.stdout.readline()  # blocks until "ready" or EOF
    finally:
        watchdog.cancel()
    if line.strip() != "ready":
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"program did not start within {timeout}s: {line!r}{out!r}\nstderr:\n{err}")


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_killed_by_signal_writes_profile(engine, tmp_path, signame):
    """SIGTERM: dies by SIGTERM (-15) with a valid profile.  SIGINT:
    KeyboardInterrupt as in plain python (same status), profile written."""
    sig = getattr(signal, signame)
    args = [PROGRAMS / "busy.py", "inf", "--ready"]

    plain = popen_plain(args)
    _start_and_wait_ready(plain)
    time.sleep(0.3)
    plain.send_signal(sig)
    _, plain_err = plain.communicate(timeout=30)

    out = tmp_path / "p.json"
    proc = popen_triscope(["--outfile", out, *args])
    _start_and_wait_ready(proc)
    time.sleep(0.7)
    proc.send_signal(sig)
    try:
        stdout, stderr = proc.communicate(timeout=30)
    except Exception:
        proc.kill()
        raise
    info = f"\nreturncode {proc.returncode} (plain {plain.returncode})\nstdout:\n{stdout}\nstderr:\n{stderr}"
    if signame == "SIGTERM":
        assert proc.returncode == -signal.SIGTERM, info
    else:
        assert proc.returncode == plain.returncode, info
        assert stderr.rstrip().endswith("KeyboardInterrupt"), info
    assert out.exists(), "no profile after " + signame + info
    profile = load_json(out)
    _, entry = find_file(profile, PROGRAMS / "busy.py")
    p, n, _ = pct(line_record(entry, truth_lines(PROGRAMS / "busy.py")["busy"]))
    assert p > 30.0, f"hot line python {p:.1f}% after {signame}" + info


# --------------------------------------------------------------------------
# the program's own timers and signal handlers

def test_program_itimer_real_sigalrm(engine, tmp_path):
    plain = run_plain([PROGRAMS / "alarm_ticks.py"])
    prof = run_triscope(["--outfile", tmp_path / "p.json", PROGRAMS / "alarm_ticks.py"])
    assert prof.returncode == 0, describe(prof)
    want, got = _json_line(plain.stdout), _json_line(prof.stdout)
    info = f"\nplain: {want}\ntriscope: {got}" + describe(prof)
    assert got["initial_handler"] == want["initial_handler"], info
    assert got["handler_still_ours"], info
    # Each 10 ms tick runs the handler unless two ticks arrive before the
    # main thread checks for signals (coalescing), which needs a >10 ms
    # stall.  Stalls from the machine (thread descheduled) show as wall time
    # without CPU time, so the lower bound counts only the loop's CPU time;
    # 85% of it leaves room for a few short stalls.
    upper = got["busy_s"] / got["interval_s"]
    lower = 0.85 * got["busy_cpu_s"] / got["interval_s"] - 3
    assert lower <= got["busy_ticks"] <= upper + 2, info
    assert got["sleep_s"] >= 0.299, f"time.sleep(0.3) cut short by signals" + info
    assert got["sleep_ticks"] >= 0.85 * 0.3 / got["interval_s"], info


def test_program_itimer_prof_sigprof(engine, tmp_path):
    plain = run_plain([PROGRAMS / "sigprof_ticks.py"])
    prof = run_triscope(["--outfile", tmp_path / "p.json", PROGRAMS / "sigprof_ticks.py"])
    assert prof.returncode == 0, describe(prof)
    want, got = _json_line(plain.stdout), _json_line(prof.stdout)
    info = f"\nplain: {want}\ntriscope: {got}" + describe(prof)
    assert got["initial_handler"] == want["initial_handler"], "SIGPROF taken over" + info
    assert got["handler_still_ours"], info
    # ITIMER_PROF counts the process's CPU time, which cpu_s (process_time)
    # measures too, including any profiler helper thread's CPU.
    expected = got["cpu_s"] / got["interval_s"]
    assert 0.85 * expected <= got["ticks"] <= 1.1 * expected + 2, info


# --------------------------------------------------------------------------
# fork

def test_fork_child_prints_no_profile(engine):
    """Text report on stdout: the parent's report appears once; the child
    (leaving by sys.exit(0)) prints none.  No fork() DeprecationWarning about
    threads on 3.12+ (the profiler's helper thread must not be visible)."""
    proc = run_triscope([PROGRAMS / "fork_child.py"])
    assert proc.returncode == 0, describe(proc)
    out = proc.stdout
    assert "child running" in out and "parent: child exit status 0" in out \
        and "parent done" in out, describe(proc)
    n = out.count("acc += i % 3")
    assert n == 1, f"parent's hot line appears {n} times in stdout (want exactly 1 report)" + describe(proc)
    assert "DeprecationWarning" not in proc.stderr, describe(proc)
    assert "Traceback" not in proc.stderr, describe(proc)


def test_fork_json(engine, tmp_path):
    out = tmp_path / "p.json"
    proc = run_triscope(["--outfile", out, PROGRAMS / "fork_child.py"])
    assert proc.returncode == 0, describe(proc)
    plain = run_plain([PROGRAMS / "fork_child.py"])
    assert sorted(proc.stdout.splitlines()) == sorted(plain.stdout.splitlines()), describe(proc)
    assert proc.stderr == "", describe(proc)
    profile = load_json(out)
    _, entry = find_file(profile, PROGRAMS / "fork_child.py")
    p, n, _ = pct(line_record(entry, truth_lines(PROGRAMS / "fork_child.py")["fork_parent_loop"]))
    assert p + n > 30.0, f"parent's loop (0.8 s of ~1 s) shows {p + n:.1f}%"


def test_os_exit_leaves_buffers_unflushed(engine, tmp_path):
    """The profile is written at os._exit, but the program's buffered output
    is dropped exactly as plain python drops it."""
    buffered = {"PYTHONUNBUFFERED": ""}  # empty: off
    plain = run_plain([PROGRAMS / "os_exit_unflushed.py"], env=buffered)
    prof = run_triscope(["--outfile", tmp_path / "p.json", PROGRAMS / "os_exit_unflushed.py"], env=buffered)
    assert (prof.returncode, prof.stdout, prof.stderr) == (plain.returncode, plain.stdout, plain.stderr) == (3, "", ""), describe(prof)
    assert (tmp_path / "p.json").exists()

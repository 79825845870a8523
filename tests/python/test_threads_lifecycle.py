"""Threads that start and end quickly (tests/programs/thread_life.py): the
CPU a profile charges and the threads it counts, against the program's own
getrusage and its count of the threads it started.

Every thread registers itself as it starts (the preload's pthread_create
hook, native/extension/thread_life.h) and publishes its last CPU as it
ends, so the profile's CPU -- Python + native over all lines, plus
unattributed -- is the process's CPU but what the profiler itself uses (its
drain thread, a few percent), the part of the main thread's last sampling
interval cut off at stop, and interpreter start-up before profiling
begins.  Hence 0.85-1.10 of the process's CPU.  Before, on CPython 3.10 and
3.11 a new thread's state carried its creator's ids and the profile charged
3-5x the CPU for "empty"; threads shorter than a drain interval were never
registered and "short" lost half of it.

Each mode runs in full mode and with --cpu-only (where only pthread_create
is patched in).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import PROGRAMS, base_env, describe, line_table, load_json, pct, run_triscope

PROGRAM = PROGRAMS / "thread_life.py"
FIXTURE = Path(__file__).resolve().parents[1] / "native_fixtures" / "py_callback_threads.c"
LOW, HIGH = 0.85, 1.10


@pytest.fixture(scope="module")
def callback_library(tmp_path_factory):
    if shutil.which("cc") is None:
        pytest.skip("needs a C compiler")
    lib = tmp_path_factory.mktemp("fixture") / "py_callback_threads.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", lib, FIXTURE, "-lpthread"], check=True)
    return lib


def _charged_cpu(prof):
    """Seconds of CPU the profile charges: Python + native on every line of
    every file, plus unattributed."""
    ts = prof["triscope"]
    pp = sum(p + n for e in prof["files"].values() for r in e.get("lines", []) for p, n, _ in [pct(r)])
    return pp / 100.0 * ts["total_time_s"] + ts["unattributed_s"]


def _run(mode, tmp_path, cpu_only, *extra):
    truth_path = tmp_path / "truth.json"
    out = tmp_path / "profile.json"
    opts = ["--cpu-only"] if cpu_only else []
    proc = run_triscope(["--outfile", out, *opts, PROGRAM, mode, truth_path, *extra], timeout=180)
    assert proc.returncode == 0, describe(proc)
    assert out.exists(), "no profile written" + describe(proc)
    prof = load_json(out)
    truth = json.loads(truth_path.read_text())
    return prof, truth


def _report(prof, truth, charged):
    entry = next((e for k, e in prof["files"].items() if k.endswith("thread_life.py")), {"lines": []})
    return (f"\ncharged {charged:.3f} s, process {truth['process_cpu_s']:.3f} s "
            f"(ratio {charged / truth['process_cpu_s']:.3f}); truth {json.dumps(truth)}"
            f"\ntriscope: {prof['triscope']}\n" + line_table(entry))


def _check(prof, truth, expected_threads):
    charged = _charged_cpu(prof)
    rep = _report(prof, truth, charged)
    print(rep)
    ratio = charged / truth["process_cpu_s"]
    assert LOW <= ratio <= HIGH, f"charged CPU / process CPU = {ratio:.3f}" + rep
    n = prof["triscope"]["n_threads"]
    assert abs(n - expected_threads) <= max(1, 0.1 * expected_threads), \
        f"n_threads {n}, expected {expected_threads}" + rep
    return rep


@pytest.mark.parametrize("cpu_only", [False, True], ids=["full", "cpu_only"])
@pytest.mark.parametrize("mode", ["empty", "short", "raw"])
def test_short_threads_are_charged_once(engine, tmp_path, mode, cpu_only):
    prof, truth = _run(mode, tmp_path, cpu_only)
    _check(prof, truth, truth["threads_started"] + 1)  # + the main thread


@pytest.mark.parametrize("cpu_only", [False, True], ids=["full", "cpu_only"])
def test_thread_pool_with_short_tasks(engine, tmp_path, cpu_only):
    prof, truth = _run("pool", tmp_path, cpu_only)
    _check(prof, truth, truth["threads_started"] + 1)


@pytest.mark.parametrize("cpu_only", [False, True], ids=["full", "cpu_only"])
def test_c_library_threads_calling_python(engine, tmp_path, callback_library, cpu_only):
    prof, truth = _run("native", tmp_path, cpu_only, callback_library)
    _check(prof, truth, truth["threads_started"] + 1)


def test_without_the_birth_hook_no_thread_is_charged_its_creators_cpu(engine, tmp_path):
    """With the preload library kept out (TRISCOPE_ATTACH=preload with
    --cpu-only: no re-exec, no attach) threads are found only by the
    drain's sweep.  Short threads are then missed (a known limit), but the
    sweep must still never arm a timer on a thread state that has not
    started (before 3.12 it carries its creator's ids): no over-charge."""
    truth_path = tmp_path / "truth.json"
    out = tmp_path / "profile.json"
    proc = run_triscope(["--outfile", out, "--cpu-only", PROGRAM, "empty", truth_path], timeout=180,
                        env=base_env({"TRISCOPE_ATTACH": "preload"}))
    assert proc.returncode == 0, describe(proc)
    prof, truth = load_json(out), json.loads(truth_path.read_text())
    charged = _charged_cpu(prof)
    rep = _report(prof, truth, charged)
    assert charged / truth["process_cpu_s"] <= HIGH, rep
    n = prof["triscope"]["n_threads"]
    assert abs(n - 2001) <= 200, f"n_threads {n}" + rep

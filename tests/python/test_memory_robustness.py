"""Memory profiling must never change what the program does, and must stay
bounded however long the program runs."""
import re

import pytest

from conftest import PROGRAMS, describe, find_file, line_record, load_json, profile_json, run_plain, run_triscope, truth_lines

pytestmark = pytest.mark.usefixtures("engine")


def test_churn_keeps_profiler_memory_flat(tmp_path):
    """20 s of 4 MB allocate/free (the issue's ten-minute soak, shortened for
    CI; `python tests/programs/mem_churn_soak.py 600 t.json` under triscope
    runs the full one).  The program's own footprint is constant, so its RSS
    must not grow by more than a few MB between a quarter of the run and the
    end: everything the engine keeps per event (live pointers, timelines,
    rings) is bounded or released."""
    program = PROGRAMS / "mem_churn_soak.py"
    truth_path = tmp_path / "truth.json"
    proc, prof = profile_json([program, 20, truth_path], tmp_path, timeout=120)
    truth = load_json(truth_path)
    growth = truth["rss_end_mb"] - truth["rss_quarter_mb"]
    print("RSS at 1/4: %.1f MB, at end: %.1f MB, allocated %.0f MB in %d rounds"
          % (truth["rss_quarter_mb"], truth["rss_end_mb"], truth["allocated_mb"], truth["rounds"]))
    assert growth < 8, truth
    _, entry = find_file(prof, program)
    rec = line_record(entry, truth_lines(program)["churn"])
    assert rec["n_malloc_mb"] == pytest.approx(truth["allocated_mb"], rel=0.15)
    assert entry.get("leaks", {}) == {}, entry.get("leaks")
    assert rec["n_peak_mb"] < 16


def test_threads_fork_and_short_threads_behave_as_without_profiler(tmp_path):
    program = PROGRAMS / "mem_threads_fork.py"
    plain = run_plain([program], timeout=120)
    proc, prof = profile_json([program], tmp_path, timeout=180)
    assert proc.stdout == plain.stdout, describe(proc)
    # the program forks while multi-threaded: 3.12+ warns in both runs, with
    # different pids
    same = lambda text: re.sub(r"pid=\d+", "pid=N", text)
    assert same(proc.stderr) == same(plain.stderr), describe(proc)
    assert prof["memory"] is True
    assert prof["max_footprint_mb"] > 0


def test_test_suite_outcome_unchanged_under_memory_profiling(tmp_path):
    """A whole pytest session (the standalone program tests) run under
    triscope with memory profiling must report the same outcome."""
    args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", str(PROGRAMS.parent / "python" / "test_programs_standalone.py")]
    plain = run_plain(args, timeout=300)
    out = tmp_path / "p.json"
    prof = run_triscope(["--outfile", out, *args], timeout=300)
    last = lambda text: [l for l in text.splitlines() if " passed" in l or " failed" in l][-1:]
    assert prof.returncode == plain.returncode, describe(prof)
    assert [l.split(" in ")[0] for l in last(prof.stdout.split("Line │")[0])] == \
        [l.split(" in ")[0] for l in last(plain.stdout)], describe(prof)
    assert load_json(out)["memory"] is True

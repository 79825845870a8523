"""``triscope merge``: profiles of separate processes merged into one, and
``--outfile`` name patterns (``%p``, ``%h``, ``%%``).

- Two runs of two different short programs, merged: the merged profile
  holds both programs' files, every line with the seconds it had in its own
  profile (seconds = percent x total_time_s / 100, exact up to the JSON's
  round trip), and the total time of both.
- A profile merged with itself: every line's seconds doubled.
- Errors: a corrupt or missing input is one line on stderr and exit status
  1, with nothing written; an output in a missing directory one line and
  exit status 2.
- A run's own profile takes in child profiles (write_report's merge_paths):
  an unreadable one is skipped with a one-line warning.
"""
import os
import socket

import pytest

from conftest import PY, _run, describe, load_json, run_triscope

BUSY = "import time\nend = time.perf_counter() + {secs}\nwhile time.perf_counter() < end:\n    pass\n"
LOOP = "total = 0\nfor i in range({n}):\n    total += i * i\nprint(total)\n"


def merge(*args):
    return run_triscope(["merge", *map(str, args)])


def one_line_error(proc, status, *needles):
    assert proc.returncode == status, describe(proc)
    assert "Traceback" not in proc.stderr, describe(proc)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("triscope merge: error: "), describe(proc)
    for needle in needles:
        assert needle in lines[0], describe(proc)
    assert proc.stdout == "", describe(proc)


def line_seconds(profile):
    """{(file, lineno): (python, native, system) seconds} of the lines with time."""
    total = profile["triscope"]["total_time_s"]
    out = {}
    for path, entry in profile["files"].items():
        for rec in entry["lines"]:
            s = tuple(rec[k] * total / 100 for k in ("n_cpu_percent_python", "n_cpu_percent_c",
                                                     "n_sys_percent"))
            if any(s):
                out[(path, rec["lineno"])] = s
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory, engine):
    """Two profiles of two different programs: (dir, a.json, b.json)."""
    d = tmp_path_factory.mktemp("merge")
    (d / "busy.py").write_text(BUSY.format(secs=0.3))
    (d / "loop.py").write_text(LOOP.format(n=400000))
    for prog, name in (("busy.py", "a.json"), ("loop.py", "b.json")):
        proc = run_triscope(["--cpu-only", "--json", "-o", d / name, d / prog], cwd=d)
        assert proc.returncode == 0, describe(proc)
    return d, d / "a.json", d / "b.json"


def test_two_programs(runs):
    d, a_path, b_path = runs
    out = d / "merged.json"
    proc = merge(a_path, b_path, "-o", out)
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == "", describe(proc)
    a, b, m = load_json(a_path), load_json(b_path), load_json(out)
    assert set(m["files"]) == set(a["files"]) | set(b["files"])
    assert {os.path.basename(f) for f in m["files"]} == {"busy.py", "loop.py"}
    want = {**line_seconds(a), **line_seconds(b)}
    got = line_seconds(m)
    assert want and set(got) == set(want)
    for key, secs in want.items():
        assert got[key] == pytest.approx(secs, abs=1e-9), key
    tri = m["triscope"]
    assert tri["total_time_s"] == pytest.approx(a["triscope"]["total_time_s"]
                                                + b["triscope"]["total_time_s"], abs=1e-9)
    assert tri["n_samples"] == a["triscope"]["n_samples"] + b["triscope"]["n_samples"]
    # the runs were one after the other: the span covers both
    end = max(p["start_time_absolute"] + p["elapsed_time_sec"] for p in (a, b))
    assert m["start_time_absolute"] == min(a["start_time_absolute"], b["start_time_absolute"])
    assert m["elapsed_time_sec"] == pytest.approx(end - m["start_time_absolute"], abs=1e-6)


def test_text_report_on_stdout(runs):
    _, a_path, b_path = runs
    proc = merge(a_path, b_path)
    assert proc.returncode == 0, describe(proc)
    assert "busy.py: % of time" in proc.stdout and "loop.py: % of time" in proc.stdout


def test_merge_with_itself_doubles(runs):
    d, a_path, _ = runs
    out = d / "twice.json"
    proc = merge(a_path, a_path, "--json", "-o", out)
    assert proc.returncode == 0, describe(proc)
    once, twice = line_seconds(load_json(a_path)), line_seconds(load_json(out))
    assert once and set(once) == set(twice)
    for key, secs in once.items():
        assert twice[key] == pytest.approx(tuple(2 * s for s in secs), abs=1e-9), key


@pytest.mark.parametrize("args, needle", [
    ([], "required: PROFILE.json"),
    (["a.json", "--json", "--html"], "only one of"),
    (["a.json", "-o", "/nonexistent-dir/m.json"], "does not exist"),
])
def test_usage_errors(engine, args, needle):
    one_line_error(merge(*args), 2, needle)


def test_corrupt_input(runs, tmp_path):
    _, a_path, _ = runs
    bad = tmp_path / "bad.json"
    bad.write_text('{"files": {"x.py": {"lines": [')
    out = tmp_path / "m.json"
    one_line_error(merge(a_path, bad, "-o", out), 1, str(bad), "not valid JSON")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json"]  # nothing written


def test_missing_input(runs, tmp_path):
    _, a_path, _ = runs
    one_line_error(merge(a_path, tmp_path / "nope.json"), 1, "cannot read", "nope.json")


def test_outfile_pid_pattern(engine, tmp_path):
    prog = tmp_path / "pid.py"
    prog.write_text("import os\nprint(os.getpid())\n")
    proc = run_triscope(["--cpu-only", "--json", "--outfile", "prof-%p.json", prog], cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    pid = int(proc.stdout.split()[0])
    assert [p.name for p in tmp_path.glob("prof-*")] == [f"prof-{pid}.json"]
    assert "files" in load_json(tmp_path / f"prof-{pid}.json")


def test_expand_outfile(engine):
    code = ("from triscope.options import expand_outfile as e\n"
            "print(e('p-%p-%h-%%p-%x.json', 12, 'node'), e(None), e('%h'))")
    proc = _run([PY, "-c", code])
    assert proc.returncode == 0, describe(proc)
    assert proc.stdout.split() == ["p-12-node-%p-%x.json", "None", socket.gethostname()]


# The run's writer, patched to take in child profiles (argv[1], comma-separated).
HARNESS = """
import sys
from triscope import cli, session

children = sys.argv.pop(1).split(",")
original = session.Session.write_profile

def write_with_children(self):
    native = self.native

    class Native:
        def __getattr__(self, name):
            return getattr(native, name)

        def write_report(self, **kw):
            native.write_report(merge_paths=children, **kw)

    self.native = Native()
    original(self)

session.Session.write_profile = write_with_children
cli.main(sys.argv[1:])
"""


def test_run_takes_in_child_profiles(runs, tmp_path):
    _, _, b_path = runs
    harness = tmp_path / "harness.py"
    harness.write_text(HARNESS)
    prog = tmp_path / "parent.py"
    prog.write_text(BUSY.format(secs=0.1))
    bad = tmp_path / "gone.json"
    out = tmp_path / "parent.json"
    proc = _run([PY, harness, f"{b_path},{bad}", "--cpu-only", "--json", "-o", out, prog])
    assert proc.returncode == 0, describe(proc)
    assert proc.stderr.splitlines() == [
        f"triscope: warning: skipped child profile {bad}: No such file or directory"], describe(proc)
    merged, child = load_json(out), load_json(b_path)
    assert {os.path.basename(f) for f in merged["files"]} == {"parent.py", "loop.py"}
    want = line_seconds(child)
    got = line_seconds(merged)
    for key, secs in want.items():
        assert got[key] == pytest.approx(secs, abs=1e-9), key

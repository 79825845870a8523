"""``triscope view``: a saved JSON profile drawn again.

- Round trip: one run writes its JSON, text and HTML reports (a harness
  makes the run's writer write all three from the same measurements); view
  on the JSON draws byte-identical text and HTML.
- Golden files: the terminal report of a hand-built profile with memory and
  GPU data (tests/python/data/memory_gpu_profile.json) at 80 and 200
  columns, compared with tests/python/golden/.  After an intended change of
  the format, regenerate them with TRISCOPE_UPDATE_GOLDEN=1.
- Errors: a missing, empty, truncated, corrupt or foreign file is one line
  on stderr and exit status 1; a bad command line exit status 2; never a
  traceback.
"""
import json
import os
from pathlib import Path

import pytest

from conftest import PROGRAMS, PY, REPO, _run, describe, run_triscope

DATA = REPO / "tests" / "python" / "data"
GOLDEN = REPO / "tests" / "python" / "golden"
FIXTURE = DATA / "memory_gpu_profile.json"

# Runs triscope with its writer patched to write the same profile as JSON,
# text and HTML: <outfile>.json, <outfile>.txt, <outfile>.html.
HARNESS = """
import sys
from triscope import cli, session

original = session.Session.write_profile

def write_all(self):
    base = self.opts.outfile
    for fmt in ("json", "text", "html"):
        self.opts.format, self.opts.outfile = fmt, base + "." + ("txt" if fmt == "text" else fmt)
        original(self)

session.Session.write_profile = write_all
cli.main(sys.argv[1:])
"""


def view(*args, env=None):
    return run_triscope(["view", *map(str, args)], env=env)


def one_line_error(proc, status, *needles):
    assert proc.returncode == status, describe(proc)
    assert "Traceback" not in proc.stderr, describe(proc)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, describe(proc)
    assert lines[0].startswith("triscope view: error: "), describe(proc)
    for needle in needles:
        assert needle in lines[0], describe(proc)
    assert proc.stdout == "", describe(proc)


@pytest.mark.parametrize("reduced", [False, True], ids=["full", "reduced"])
def test_round_trip_is_byte_identical(engine, tmp_path, reduced):
    harness = tmp_path / "harness.py"
    harness.write_text(HARNESS)
    base = tmp_path / "run"
    flags = ["--reduced-profile"] if reduced else []
    env = {"COLUMNS": "100"}
    proc = _run([PY, harness, "--cpu-only", "--outfile", base, *flags, PROGRAMS / "html_markup.py"], env=env)
    assert proc.returncode == 0, describe(proc)
    saved = {ext: Path(f"{base}.{ext}").read_bytes() for ext in ("json", "txt", "html")}
    assert reduced or b"window.__pwned" in saved["txt"]

    text = view(f"{base}.json", "--cli", *flags, env=env)
    assert text.returncode == 0, describe(text)
    assert text.stdout.encode() == saved["txt"]

    out = tmp_path / "again.html"
    page = view(f"{base}.json", "--html", "--outfile", out, *flags)
    assert page.returncode == 0, describe(page)
    assert out.read_bytes() == saved["html"]
    # and the page embeds the JSON byte for byte
    assert saved["json"].rstrip(b"\n") in saved["html"]


@pytest.mark.parametrize("width", [80, 200])
def test_terminal_report_golden(engine, width):
    proc = view(FIXTURE, env={"COLUMNS": str(width)})
    assert proc.returncode == 0, describe(proc)
    golden = GOLDEN / f"memory_gpu_{width}.txt"
    if os.environ.get("TRISCOPE_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(proc.stdout, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    assert proc.stdout == expected, f"--- got:\n{proc.stdout}\n--- expected ({golden}):\n{expected}"
    rows = [r for r in proc.stdout.splitlines() if "│" in r or "┼" in r]
    assert rows and max(len(r) for r in rows) == width  # (no wide characters in the rows' text)


def test_reduced_view_of_full_profile(engine):
    proc = view(FIXTURE, "--reduced-profile", "--cpu-percent-threshold", "5", env={"COLUMNS": "120"})
    assert proc.returncode == 0, describe(proc)
    assert "Reduced profile: lines below 5.0% are hidden" in proc.stdout
    assert "cache.append" in proc.stdout  # 400 MB allocated: shown though under 5%
    assert "import numpy" not in proc.stdout
    assert "util.py" not in proc.stdout  # nothing there


def test_outfile_and_format(engine, tmp_path):
    out = tmp_path / "r.html"
    proc = view(FIXTURE, "-o", out)  # .html: the HTML report
    assert proc.returncode == 0 and proc.stdout == "", describe(proc)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    txt = tmp_path / "r.txt"
    proc = view(FIXTURE, "--outfile", txt)
    assert proc.returncode == 0, describe(proc)
    assert txt.read_text(encoding="utf-8").startswith("triscope: app.py")


def test_scalene_profile(engine, tmp_path):
    doc = {"program": "s.py", "elapsed_time_sec": 2.0, "memory": False, "gpu": False,
           "files": {"s.py": {"percent_cpu_time": 60.0, "functions": [], "leaks": {},
                              "lines": [{"lineno": 2, "line": "x = f()", "n_cpu_percent_python": 60.0,
                                         "n_cpu_percent_c": 0.0, "n_sys_percent": 0.0}]}}}
    path = tmp_path / "scalene.json"
    path.write_text(json.dumps(doc, indent=2))
    proc = view(path)
    assert proc.returncode == 0, describe(proc)
    assert "x = f()" in proc.stdout and "60.0%" in proc.stdout


def test_run_report_ignores_program_locale(engine, tmp_path):
    prog = tmp_path / "german.py"
    prog.write_text("import locale, time\n"
                    "try:\n"
                    "    locale.setlocale(locale.LC_ALL, 'de_DE.UTF-8')\n"
                    "except locale.Error:\n"
                    "    pass\n"
                    "end = time.perf_counter() + 0.4\n"
                    "while time.perf_counter() < end:\n"
                    "    pass\n")
    proc = run_triscope(["--cpu-only", prog])
    assert proc.returncode == 0, describe(proc)
    assert "% of time = " in proc.stdout, describe(proc)
    assert "," not in proc.stdout.split("% of time = ")[1].split("\n")[0], describe(proc)


# ---------------------------------------------------------------- errors

def test_missing_file(engine, tmp_path):
    one_line_error(view(tmp_path / "nope.json"), 1, "cannot read", "No such file")


def test_directory(engine, tmp_path):
    one_line_error(view(tmp_path), 1, "cannot read")


@pytest.mark.parametrize("content, needle", [
    (b"", "not valid JSON (line 1, column 1: unexpected end of data)"),
    (b"\x00\xff\xfe garbage \x89PNG", "not valid JSON"),
    (b'{"files": {"a.py": {"lines": [', "not valid JSON"),
    (b'{"name": "left-pad", "version": "1.3.0"}', "not a triscope or Scalene profile"),
    (b"[1, 2, 3]", "not a triscope or Scalene profile"),
    (b'{"files": {}, "elapsed_time_sec": 1, "triscope": {"schema_version": 7}}', "upgrade triscope"),
], ids=["empty", "binary", "truncated", "foreign", "array", "newer"])
def test_bad_profiles(engine, tmp_path, content, needle):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    one_line_error(view(path), 1, needle)
    one_line_error(view(path, "--html", "-o", tmp_path / "x.html"), 1, needle)
    assert not (tmp_path / "x.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.json"]  # no temporary left behind


def test_truncated_real_profile(engine, tmp_path):
    data = FIXTURE.read_bytes()
    for cut in (1, len(data) // 3, len(data) // 2, len(data) - 3):
        path = tmp_path / "cut.json"
        path.write_bytes(data[:cut])
        one_line_error(view(path), 1, "not valid JSON")


@pytest.mark.parametrize("args, needle", [
    ([], "required: PROFILE.json"),
    (["p.json", "--bogus"], "unrecognized arguments: --bogus"),
    (["p.json", "--html", "--cli"], "only one of --html and --cli"),
    (["p.json", "--cpu-percent-threshold", "200"], "between 0 and 100"),
    (["p.json", "--cpu-percent-threshold", "x"], "invalid float value"),
    (["p.json", "--outfile", "/nonexistent-dir/r.txt"], "does not exist"),
])
def test_usage_errors(engine, args, needle):
    one_line_error(view(*args), 2, needle)


def test_script_named_view_runs_with_a_path(engine, tmp_path):
    script = tmp_path / "view"
    script.write_text("print('I am view')\n")
    proc = run_triscope(["--cpu-only", "./view"], cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert proc.stdout.startswith("I am view"), describe(proc)

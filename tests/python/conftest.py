"""Shared helpers for the end-to-end tests.

Every test runs triscope in a child process, exactly as a user would:
``[PY, "-m", "triscope", ...]``.  PY is the interpreter running pytest, or
the one named by the environment variable TRISCOPE_PYTHON, so one pytest
installation can test every CPython on the machine:

    TRISCOPE_PYTHON=/root/.pyenv/versions/3.9.18/bin/python python3 -m pytest tests/python

``src/`` is put first on PYTHONPATH, so an in-place build (the extension
next to the package sources) is found without installing; set
TRISCOPE_TEST_INSTALLED=1 to test the installed package instead.  Tests that need
the engine use the ``engine`` fixture: it skips them, with the reason, when
``triscope._native`` cannot be imported by PY -- unless
TRISCOPE_REQUIRE_ENGINE=1, in which case it fails them.

Ground-truth programs live in tests/programs/.  Measured lines there carry a
``# TRUTH:<name>`` comment; ``truth_lines()`` maps names to line numbers.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROGRAMS = REPO / "tests" / "programs"
SRC = REPO / "src"
PY = os.environ.get("TRISCOPE_PYTHON") or sys.executable

DEFAULT_TIMEOUT = 90


# --------------------------------------------------------------------------
# running things

def base_env(extra=None):
    env = dict(os.environ)
    if os.environ.get("TRISCOPE_TEST_INSTALLED") != "1":
        old = env.get("PYTHONPATH")
        env["PYTHONPATH"] = str(SRC) + (os.pathsep + old if old else "")
    env.pop("PYTHONSTARTUP", None)
    env["NO_COLOR"] = "1"
    env.setdefault("PYTHONHASHSEED", "0")
    if extra:
        env.update(extra)
    return env


def _run(cmd, *, cwd=None, timeout=DEFAULT_TIMEOUT, input=None, env=None):
    try:
        return subprocess.run(
            cmd,
            cwd=str(cwd or REPO),
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=base_env(env),
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(
            f"timed out after {timeout}s: {cmd!r}\n"
            f"stdout: {e.stdout!r}\nstderr: {e.stderr!r}"
        )


def run_triscope(args, *, cwd=None, timeout=DEFAULT_TIMEOUT, input=None, env=None):
    """Runs ``PY -m triscope *args``; returns the CompletedProcess (text mode)."""
    return _run([PY, "-m", "triscope", *map(str, args)],
                cwd=cwd, timeout=timeout, input=input, env=env)


def run_plain(args, *, cwd=None, timeout=DEFAULT_TIMEOUT, input=None, env=None):
    """Runs ``PY *args`` without triscope, for comparison."""
    return _run([PY, *map(str, args)], cwd=cwd, timeout=timeout, input=input, env=env)


def popen_triscope(args, *, cwd=None, env=None):
    return subprocess.Popen(
        [PY, "-m", "triscope", *map(str, args)],
        cwd=str(cwd or REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=base_env(env),
    )


def popen_plain(args, *, cwd=None, env=None):
    return subprocess.Popen(
        [PY, *map(str, args)],
        cwd=str(cwd or REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=base_env(env),
    )


def describe(proc):
    """Everything about a finished run, for assertion messages."""
    return (f"\n--- command: {proc.args!r}\n--- returncode: {proc.returncode}"
            f"\n--- stdout:\n{proc.stdout}\n--- stderr:\n{proc.stderr}")


def load_json(path):
    """Loads a profile; fails the test (with the text) if it is not JSON."""
    text = Path(path).read_text()
    try:
        return json.loads(text)
    except ValueError as e:
        pytest.fail(f"{path} is not valid JSON ({e}); first 2000 chars:\n{text[:2000]}")


def profile_json(args, tmp_path, *, name="profile.json", ok_codes=(0,), **kw):
    """Runs triscope with --outfile <tmp>/name (JSON) and returns (proc, profile)."""
    out = Path(tmp_path) / name
    proc = run_triscope(["--outfile", out, *args], **kw)
    assert proc.returncode in ok_codes, describe(proc)
    assert out.exists(), "no profile written" + describe(proc)
    return proc, load_json(out)


# --------------------------------------------------------------------------
# reading ground truth and profiles

_TRUTH_RE = re.compile(r"#\s*TRUTH:([A-Za-z0-9_]+)")


def truth_lines(path):
    """{name: lineno} for every ``# TRUTH:name`` marker in a source file."""
    found = {}
    for i, text in enumerate(Path(path).read_text().splitlines(), start=1):
        m = _TRUTH_RE.search(text)
        if m:
            assert m.group(1) not in found, f"duplicate TRUTH marker {m.group(1)} in {path}"
            found[m.group(1)] = i
    return found


def source_line(path, lineno):
    return Path(path).read_text().splitlines()[lineno - 1]


def _same_file(key, target, cwd):
    cand = Path(key)
    if not cand.is_absolute():
        cand = Path(cwd or REPO) / cand
    try:
        return os.path.samefile(cand, target)
    except OSError:
        return False


def find_file(profile, target, *, cwd=None, required=True):
    """The ``files`` entry of profile for the source file target (a Path).

    Keys are paths as the code objects name them; they are matched with
    os.path.samefile (relative keys against cwd), then by real path, then by
    a unique basename.  Returns (key, entry); entry is None if absent and
    not required.
    """
    files = profile.get("files", {})
    target = Path(target)
    for key, entry in files.items():
        if _same_file(key, target, cwd):
            return key, entry
    real = os.path.realpath(target)
    for key, entry in files.items():
        if os.path.realpath(key) == real:
            return key, entry
    same_base = [k for k in files if os.path.basename(k) == target.name]
    if len(same_base) == 1:
        return same_base[0], files[same_base[0]]
    if required:
        pytest.fail(f"{target} not among the profiled files: {sorted(files)}")
    return None, None


ZERO_LINE = {"n_cpu_percent_python": 0.0, "n_cpu_percent_c": 0.0, "n_sys_percent": 0.0}


def line_record(entry, lineno):
    """The line record for lineno, or zeros when the profile omits the line."""
    for rec in entry.get("lines", []):
        if rec.get("lineno") == lineno:
            return rec
    return dict(ZERO_LINE, lineno=lineno, line="<absent>")


def pct(rec):
    """(python, native, system) percentages of a line or function record."""
    return (float(rec.get("n_cpu_percent_python", 0.0)),
            float(rec.get("n_cpu_percent_c", 0.0)),
            float(rec.get("n_sys_percent", 0.0)))


def line_table(entry, limit=25):
    """The busiest lines of a file entry as text, for failure messages."""
    rows = sorted(entry.get("lines", []), key=lambda r: -sum(pct(r)))[:limit]
    out = ["  line   python  native  system  source"]
    for r in rows:
        p, n, s = pct(r)
        if p + n + s <= 0:
            continue
        out.append(f"  {r.get('lineno'):>4} {p:8.2f} {n:7.2f} {s:7.2f}  {str(r.get('line', ''))[:60].strip()}")
    return "\n".join(out)


def all_line_records(profile):
    for key, entry in profile.get("files", {}).items():
        for rec in entry.get("lines", []):
            yield key, rec


# --------------------------------------------------------------------------
# fixtures

@pytest.fixture(scope="session")
def engine():
    """Skips (or, with TRISCOPE_REQUIRE_ENGINE=1, fails) when triscope is not importable."""
    probe = subprocess.run(
        [PY, "-c", "import triscope, triscope._native, os; print(os.path.dirname(triscope.__file__))"],
        capture_output=True, text=True, env=base_env(), cwd=str(REPO), timeout=60,
    )
    if probe.returncode != 0:
        msg = f"triscope._native not importable by {PY}:\n{probe.stderr.strip()[-1500:]}"
        if os.environ.get("TRISCOPE_REQUIRE_ENGINE") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return {"package_dir": probe.stdout.strip().splitlines()[-1], "python": PY}


@pytest.fixture(scope="session")
def py_version():
    out = subprocess.run([PY, "-c", "import platform; print(platform.python_version())"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()

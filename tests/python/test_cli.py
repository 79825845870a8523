"""Command line: options, output-format selection, filters, bad input."""

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import (run_plain, PROGRAMS, PY, REPO, all_line_records, base_env, describe, find_file,
                      line_record, load_json, pct, profile_json, run_triscope,
                      truth_lines)

BUSY = PROGRAMS / "busy.py"
BUSY_LINE = "acc += i * i % 7"     # source text of busy.py's hot line
LIBCALLS = PROGRAMS / "libcalls.py"
HELPER = PROGRAMS / "proghelper.py"


def _is_json(text):
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


def _one_line_error(proc, *needles):
    """Bad input: non-zero exit, one line on stderr naming the problem, no traceback."""
    info = describe(proc)
    assert proc.returncode != 0, info
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, info
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, f"want exactly one line on stderr, got {len(lines)}" + info
    for needle in needles:
        assert needle.lower() in lines[0].lower(), f"error line does not name {needle!r}" + info


# --------------------------------------------------------------------------
# --help, --version, console script

def test_help(engine):
    proc = run_triscope(["--help"])
    assert proc.returncode == 0, describe(proc)
    for opt in ("--outfile", "--json", "--cpu-only", "--reduced-profile", "--profile-all",
                "--profile-only", "--profile-exclude", "--use-virtual-time",
                "--cpu-percent-threshold", "--cpu-sampling-rate", "-m"):
        assert opt in proc.stdout, f"--help does not mention {opt}" + describe(proc)


def test_version_matches_json(engine, tmp_path):
    proc = run_triscope(["--version"])
    assert proc.returncode == 0, describe(proc)
    assert re.search(r"\d+\.\d+", proc.stdout), describe(proc)
    _, profile = profile_json([BUSY, "0.2"], tmp_path)
    assert profile["triscope"]["version"] in proc.stdout, \
        f"JSON version {profile['triscope']['version']!r} not in --version output" + describe(proc)


def test_console_script(engine, tmp_path):
    exe = Path(PY).parent / "triscope"
    if not exe.exists():
        found = shutil.which("triscope")
        if not found or Path(found).resolve().parent != Path(PY).resolve().parent:
            pytest.skip(f"no triscope console script next to {PY} (package not installed)")
        exe = Path(found)
    import subprocess
    out = tmp_path / "p.json"
    proc = subprocess.run([str(exe), "--outfile", str(out), str(BUSY), "0.3"],
                          capture_output=True, text=True, timeout=60, env=base_env(), cwd=str(REPO))
    assert proc.returncode == 0, describe(proc)
    load_json(out)


# --------------------------------------------------------------------------
# output format: flag, else --outfile extension, else text on stdout

def test_default_text_on_stdout(engine):
    proc = run_triscope([BUSY, "0.6"])
    assert proc.returncode == 0, describe(proc)
    assert not _is_json(proc.stdout), "default output is JSON, want text" + describe(proc)
    assert BUSY_LINE in proc.stdout, "hot line's source not in the text report" + describe(proc)
    assert "busy.py" in proc.stdout, describe(proc)
    assert "\x1b[" not in proc.stdout, "colour escapes on a pipe / with NO_COLOR" + describe(proc)


def test_cli_flag_text_on_stdout(engine):
    proc = run_triscope(["--cli", BUSY, "0.4"])
    assert proc.returncode == 0, describe(proc)
    assert BUSY_LINE in proc.stdout and not _is_json(proc.stdout), describe(proc)


def test_json_flag_on_stdout(engine):
    proc = run_triscope(["--json", BUSY, "0.4"])
    assert proc.returncode == 0, describe(proc)
    assert _is_json(proc.stdout), "--json without --outfile: stdout is not JSON" + describe(proc)
    find_file(json.loads(proc.stdout), BUSY)


@pytest.mark.parametrize("name,extra,want_json", [
    ("p.json", [], True),
    ("p.txt", [], False),
    ("p.out", [], False),
    ("p.txt", ["--json"], True),
    ("p.json", ["--cli"], False),
])
def test_outfile_format_selection(engine, tmp_path, name, extra, want_json):
    out = tmp_path / name
    proc = run_triscope(["--outfile", out, *extra, BUSY, "0.4"])
    assert proc.returncode == 0, describe(proc)
    assert proc.stdout == "", "stdout must be the program's own (busy.py prints nothing)" + describe(proc)
    assert out.exists(), describe(proc)
    text = out.read_text()
    if want_json:
        assert _is_json(text), f"{name} {extra}: want JSON, got:\n{text[:1500]}"
    else:
        assert not _is_json(text), f"{name} {extra}: want text, got JSON"
        assert BUSY_LINE in text, f"hot line not in text report:\n{text[:3000]}"


def test_html_outfile(engine, tmp_path):
    """--html writes the self-contained HTML report to the outfile, and
    nothing on standard output."""
    out = tmp_path / "p.html"
    proc = run_triscope(["--html", "--outfile", out, BUSY, "0.2"])
    assert proc.returncode == 0, describe(proc)
    assert "Traceback" not in proc.stderr, describe(proc)
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>"), describe(proc)
    assert "</html>" in page and "busy.py" in page, describe(proc)


# --------------------------------------------------------------------------
# JSON schema

TOP_KEYS = {"program": str, "elapsed_time_sec": (int, float), "files": dict,
            "memory": bool, "gpu": bool, "triscope": dict}
TS_KEYS = {"schema_version": (int, str), "version": str, "python_version": str,
           "mode": str, "sampling_interval_s": (int, float), "total_time_s": (int, float),
           "unattributed_s": (int, float), "n_samples": int, "n_dropped": int,
           "n_threads": int, "ncpus": int}
FILE_KEYS = {"percent_cpu_time": (int, float), "lines": list, "functions": list,
             "leaks": (dict, list), "imports": list}
REC_KEYS = {"lineno": int, "line": str, "n_cpu_percent_python": (int, float),
            "n_cpu_percent_c": (int, float), "n_sys_percent": (int, float)}


def _check_types(obj, spec, where):
    for key, typ in spec.items():
        assert key in obj, f"{where}: missing key {key!r}; has {sorted(obj)}"
        val = obj[key]
        types = typ if isinstance(typ, tuple) else (typ,)
        ok = isinstance(val, types) and (bool in types or not isinstance(val, bool))
        assert ok, f"{where}.{key} = {val!r} is {type(val).__name__}, want {typ}"


def test_json_schema(engine, tmp_path, py_version):
    proc, prof = profile_json(["--cpu-only", BUSY, "1.0"], tmp_path)
    _check_types(prof, TOP_KEYS, "top")
    assert prof["memory"] is False and prof["gpu"] is False
    ts = prof["triscope"]
    _check_types(ts, TS_KEYS, "triscope")
    assert ts["python_version"] == py_version, ts
    assert ts["mode"] == "wall", ts
    assert abs(ts["sampling_interval_s"] - 0.01) <= 0.002, ts
    assert ts["total_time_s"] > 0.9 and ts["unattributed_s"] >= 0, ts
    assert ts["n_dropped"] >= 0 and ts["n_threads"] >= 1, ts
    assert ts["ncpus"] == len(os.sched_getaffinity(0)) or ts["ncpus"] == os.cpu_count(), ts
    # busy.py burns 1 s of CPU; at 10 ms that is ~100 timer expirations
    # (n_samples counts signals, so coalesced expirations count once).
    # 0.6-1.5x allows for start-up and timer granularity while catching a
    # wrong interval (2x) or lost samples.
    assert 60 <= ts["n_samples"] <= 150, f"n_samples {ts['n_samples']} for ~1 s of CPU"
    assert abs(prof["elapsed_time_sec"] - ts["total_time_s"]) <= 0.2 * ts["total_time_s"], ts
    assert prof["files"], "no files"
    total_pct = 0.0
    for path, entry in prof["files"].items():
        _check_types(entry, FILE_KEYS, f"files[{path}]")
        for rec in entry["lines"]:
            _check_types(rec, REC_KEYS, f"{path}:line")
            p, n, s = pct(rec)
            assert min(p, n, s) >= 0 and p + n + s <= 100.0001, rec
            total_pct += p + n + s
        linenos = [r["lineno"] for r in entry["lines"]]
        assert linenos == sorted(set(linenos)), f"{path}: line records unsorted or repeated"
        for rec in entry["functions"]:
            _check_types(rec, REC_KEYS, f"{path}:function")
            p, n, s = pct(rec)
            assert min(p, n, s) >= 0 and p + n + s <= 100.0001, rec
    unattr = 100.0 * ts["unattributed_s"] / ts["total_time_s"]
    assert abs(total_pct + unattr - 100.0) <= 2.0, \
        f"line percents {total_pct:.2f} + unattributed {unattr:.2f} should be ~100"
    # Per-line source text and per-function aggregation.
    _, entry = find_file(prof, BUSY)
    marks = truth_lines(BUSY)
    hot = line_record(entry, marks["busy"])
    assert BUSY_LINE in hot["line"], hot
    funcs = {f["line"]: f for f in entry["functions"]}
    assert "hot" in funcs, f"function 'hot' missing: {sorted(funcs)}"
    assert funcs["hot"]["lineno"] == marks["busy"] - 2, funcs["hot"]
    fh, lh = sum(pct(funcs["hot"])), sum(pct(hot))
    assert lh <= fh + 0.01 and fh - lh <= 2.0, f"function hot {fh:.2f}% vs its hot line {lh:.2f}%"
    assert lh > 50.0, f"hot line {lh:.2f}% of a ~1 s busy loop"


def test_sampling_rate_option(engine, tmp_path):
    _, prof = profile_json(["--cpu-sampling-rate", "0.005", BUSY, "1.0"], tmp_path)
    ts = prof["triscope"]
    assert abs(ts["sampling_interval_s"] - 0.005) <= 0.001, ts
    cpu_pct = sum(p + n for _, r in all_line_records(prof) for p, n, _s in [pct(r)])
    cpu_s = cpu_pct / 100.0 * ts["total_time_s"]
    info = f"\n{ts}\nCPU charged to lines {cpu_s:.3f}s"
    # busy.py burns 1 s of CPU; all of it is charged (weighted samples), not
    # n_samples * interval.  A CPU-clock timer cannot fire more often than
    # its interval; it may fire less often (the kernel checks CPU timers at
    # its scheduler tick, 100-1000 Hz, and coalesces expirations into one
    # signal with an overrun count), so n_samples is bounded above by
    # CPU/interval and below by one per 10 ms tick at HZ=100 (with margin).
    assert 0.9 <= cpu_s <= 1.2, "CPU seconds charged" + info
    assert 0.6 * cpu_s / 0.01 <= ts["n_samples"] <= 1.1 * cpu_s / 0.005 + 5, "n_samples" + info


def test_reduced_profile_has_fewer_lines(engine, tmp_path):
    _, full = profile_json([BUSY, "0.5"], tmp_path, name="full.json")
    _, red = profile_json(["--reduced-profile", BUSY, "0.5"], tmp_path, name="red.json")
    _, fe = find_file(full, BUSY)
    _, re_ = find_file(red, BUSY)
    n_full, n_red = len(fe["lines"]), len(re_["lines"])
    assert n_red < n_full, f"reduced {n_red} lines, full {n_full}"
    hot = truth_lines(BUSY)["busy"]
    assert any(r["lineno"] == hot for r in re_["lines"]), "hot line missing from reduced profile"


def test_cpu_only(engine, tmp_path):
    _, prof = profile_json(["--cpu-only", BUSY, "0.3"], tmp_path)
    assert prof["memory"] is False


def test_too_brief(engine):
    proc = run_triscope([PROGRAMS / "short.py"])
    assert proc.returncode == 0, describe(proc)
    assert "short 2" in proc.stdout, describe(proc)
    assert "ran too briefly" in (proc.stdout + proc.stderr).lower(), describe(proc)
    assert "Traceback" not in proc.stderr, describe(proc)


# --------------------------------------------------------------------------
# which files are profiled

def _libcalls(tmp_path, name, *opts):
    _, prof = profile_json([*opts, LIBCALLS, "0.8"], tmp_path, name=name)
    return prof


def _keys(prof):
    return sorted(prof["files"])


def _has(prof, basename):
    return any(os.path.basename(k) == basename for k in prof["files"])


def test_default_shows_program_dir_only(engine, tmp_path):
    """fractions.py (stdlib) hidden: its time goes to the calling user line;
    proghelper.py (program dir) shown with its own line."""
    prof = _libcalls(tmp_path, "default.json")
    assert not _has(prof, "fractions.py"), _keys(prof)
    for k in prof["files"]:
        assert os.path.realpath(k).startswith(str(PROGRAMS.resolve())), f"file outside program dir: {k}"
    marks, hmarks = truth_lines(LIBCALLS), truth_lines(HELPER)
    _, main = find_file(prof, LIBCALLS)
    _, helper = find_file(prof, HELPER)
    frac = pct(line_record(main, marks["fraction_call"]))
    call = pct(line_record(main, marks["helper_call"]))
    loop = pct(line_record(helper, hmarks["helper_loop"]))
    # Each phase is ~0.8 s of a ~1.9 s run (~40%); bounds at half of that.
    info = f"\nfraction_call {frac}\nhelper_call {call}\nhelper_loop {loop}\nfiles {_keys(prof)}"
    # fractions.py's time is mostly Python, partly native (math.gcd, _abc).
    assert frac[0] + frac[1] >= 20.0, "fractions.py's time not charged to the caller" + info
    assert frac[0] >= 10.0, info
    assert loop[0] >= 20.0, info
    assert sum(call) < 5.0, "callee's time charged to the caller line too" + info


def test_profile_all(engine, tmp_path):
    prof = _libcalls(tmp_path, "all.json", "--profile-all")
    assert _has(prof, "fractions.py"), _keys(prof)
    key = next(k for k in prof["files"] if os.path.basename(k) == "fractions.py")
    frac_pct = sum(sum(pct(r)) for r in prof["files"][key]["lines"])
    assert frac_pct >= 15.0, f"fractions.py lines total {frac_pct:.1f}% (~40% expected)"
    pkg_dir = os.path.realpath(engine["package_dir"])
    own = [k for k in prof["files"] if os.path.realpath(k).startswith(pkg_dir + os.sep)]
    assert not own, f"triscope's own files in the profile: {own}"


def test_profile_only(engine, tmp_path):
    prof = _libcalls(tmp_path, "only.json", "--profile-only", "proghelper,nosuchthing")
    assert _has(prof, "proghelper.py"), _keys(prof)
    assert not _has(prof, "fractions.py"), _keys(prof)
    for k in prof["files"]:
        assert "proghelper" in k or "nosuchthing" in k, f"--profile-only let {k} through"


def test_profile_exclude(engine, tmp_path):
    prof = _libcalls(tmp_path, "excl.json", "--profile-exclude", "proghelper")
    assert not _has(prof, "proghelper.py"), _keys(prof)
    _, main = find_file(prof, LIBCALLS)
    call = pct(line_record(main, truth_lines(LIBCALLS)["helper_call"]))
    assert call[0] >= 20.0, f"excluded callee's time not charged to the caller: {call}"
    assert call[1] < 5.0, f"excluded pure-Python callee counted as native: {call}"


# --------------------------------------------------------------------------
# bad input

def test_missing_script(engine):
    _one_line_error(run_triscope(["/nonexistent/nope_script.py"]), "nope_script.py")


def test_directory_as_script(engine, tmp_path):
    d = tmp_path / "adir"
    d.mkdir()
    _one_line_error(run_triscope([d]), "adir")


def test_missing_module(engine):
    _one_line_error(run_triscope(["-m", "no_such_module_xyz"]), "no_such_module_xyz")


def test_syntax_error_reported_like_python(engine, tmp_path):
    bad = tmp_path / "bad_syntax.py"
    bad.write_text("print('ok')\ndef f(:\n    pass\n")
    proc = run_triscope([bad])
    assert proc.returncode == 1, describe(proc)
    assert "SyntaxError" in proc.stderr and "bad_syntax.py" in proc.stderr, describe(proc)
    assert "Traceback" not in proc.stderr, describe(proc)
    assert "ok" not in proc.stdout, "program ran despite the syntax error" + describe(proc)


def test_unknown_option(engine):
    proc = run_triscope(["--no-such-option", BUSY, "0.1"])
    assert proc.returncode == 2, describe(proc)
    _one_line_error(proc, "--no-such-option")


def test_no_program(engine):
    """No program: a usage error, exit status 2, one line naming it."""
    proc = run_triscope([])
    assert proc.returncode == 2, describe(proc)
    _one_line_error(proc, "no program")


@pytest.mark.parametrize("value", ["abc", "-1", "0"])
def test_bad_sampling_rate(engine, value):
    proc = run_triscope(["--cpu-sampling-rate", value, BUSY, "0.1"])
    _one_line_error(proc, "sampling")


def test_outfile_in_missing_dir(engine):
    proc = run_triscope(["--outfile", "/nonexistent-dir/x.json", BUSY, "0.2"])
    _one_line_error(proc, "/nonexistent-dir")


def test_outfile_is_directory(engine, tmp_path):
    d = tmp_path / "outdir.json"
    d.mkdir()
    proc = run_triscope(["--outfile", d, BUSY, "0.2"])
    _one_line_error(proc, "outdir.json")


def test_stage_one_knows_which_options_take_values(engine):
    """Stage 1 decides about the re-exec without argparse; its list of
    value-taking options must be the parser's."""
    proc = run_plain(["-c", "from triscope import arguments, command_run, launcher\n"
                      "print(sorted((arguments.takes_value(command_run.build_parser()) - {\"-m\"})"
                      " ^ launcher.VALUE_OPTIONS))"])
    assert proc.returncode == 0 and proc.stdout.strip() == "[]", describe(proc)


def test_readme_states_the_sampling_defaults():
    """README's options table gives the allocation and copy sampling
    defaults of options.py, the one source of truth (the engine has none)."""
    stated = {}
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `(--allocation-sampling-rate|--copy-sampling-rate) BYTES` \|.*?\(default (\d+)", line)
        if m:
            stated[m.group(1)] = int(m.group(2))
    proc = run_plain(["-c", "from triscope.options import DEFAULTS as d\n"
                      "print(d.allocation_sampling_rate, d.copy_sampling_rate)"])
    assert proc.returncode == 0, describe(proc)
    alloc, copy = map(int, proc.stdout.split())
    assert stated == {"--allocation-sampling-rate": alloc, "--copy-sampling-rate": copy}, stated
    assert (alloc, copy) == (256 * 1024, 1024 * 1024)


def test_every_engine_configure_passes_the_sampling_rates():
    """The engine has no sampling defaults: each call of native.configure
    in the package passes both rates (from options.py)."""
    import ast

    calls = []
    for path in sorted((REPO / "src" / "triscope").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "configure" and node.keywords):
                calls.append((path.name, node.lineno, {k.arg for k in node.keywords}))
    assert calls, "no call of native.configure found"
    for name, line, keywords in calls:
        assert {"alloc_sample_bytes", "copy_sample_bytes"} <= keywords, f"{name}:{line} {sorted(keywords)}"

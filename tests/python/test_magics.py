"""The IPython magics (%load_ext triscope, %%triscope, %scrun), driven
through IPython's InteractiveShell in a child interpreter."""

import os
import subprocess

import pytest

from conftest import PY, describe, run_plain

SCRIPT = r'''
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
ip.run_line_magic("load_ext", "triscope")
cell = """import time
def hot():
    end = time.process_time() + 0.4
    while time.process_time() < end:  # the hot line
        pass
hot()
result = 6 * 7
"""
report = ip.run_cell_magic("triscope", "--cpu-only", cell)
print("=== cell report")
print(repr(report))
print("=== html", "<iframe sandbox" in report._repr_html_() and "srcdoc=" in report._repr_html_())
print("=== namespace", ip.user_ns["result"])
line_report = ip.run_line_magic("scrun", "hot()")
print("=== line report")
print(repr(line_report))
print("=== bad option")
print(ip.run_line_magic("scrun", "--bogus hot()"))
'''


@pytest.fixture(scope="module")
def ipython():
    probe = subprocess.run([PY, "-c", "import IPython"], capture_output=True, text=True)
    if probe.returncode != 0:
        if os.environ.get("TRISCOPE_REQUIRE_ENGINE") == "1":
            pytest.fail("IPython is not installed for " + PY)
        pytest.skip("IPython is not installed for " + PY)


def _hot_row(report_text):
    rows = [r for r in report_text.splitlines() if "# the hot line" in r]
    assert len(rows) == 1, report_text
    return rows[0]


def test_cell_and_line_magics(engine, ipython):
    proc = run_plain(["-c", SCRIPT])
    assert proc.returncode == 0, describe(proc)
    out = proc.stdout
    cell = out.split("=== cell report")[1].split("=== html")[0]
    row = _hot_row(cell)
    assert row.lstrip().startswith(">"), cell  # marked hot
    # python + native + system (off-CPU time while the busy machine ran others)
    assert sum(float(p.strip().rstrip("%")) for p in row.split("│")[1:4] if p.strip()) > 80, cell
    assert "=== html True" in out, out
    assert "=== namespace 42" in out, out
    line = out.split("=== line report")[1].split("=== bad option")[0]
    assert "hot()" in line and "%" in line, line
    assert "triscope: error: unrecognized arguments: --bogus" in out.split("=== bad option")[1], out
    assert "Traceback" not in proc.stderr, describe(proc)


def test_magic_says_when_memory_is_unavailable(engine, ipython):
    script = SCRIPT.replace('"--cpu-only"', '""')
    proc = run_plain(["-c", script], env={"TRISCOPE_ATTACH": "preload"})  # in-process loading refused
    assert proc.returncode == 0, describe(proc)
    assert "memory profiling is unavailable in this kernel (TRISCOPE_ATTACH=preload)" in proc.stdout, \
        describe(proc)


@pytest.mark.parametrize("how", ["attached", "preloaded"])
def test_magic_profiles_memory(engine, ipython, how):
    """A plain kernel gets memory profiling by loading the preload library
    into itself; a kernel started with it in LD_PRELOAD uses that."""
    env = {}
    if how == "preloaded":
        probe = run_plain(["-c", "from triscope import launcher; print(launcher.preload_library())"])
        lib = probe.stdout.strip()
        assert probe.returncode == 0 and lib.endswith(".so"), describe(probe)
        env = {"LD_PRELOAD": lib}
    script = SCRIPT.replace("result = 6 * 7", "result = 6 * 7\\nblob = [str(i) * 20 for i in range(300000)]")
    script = script.replace('"--cpu-only"', '""')
    proc = run_plain(["-c", script], env=env)
    assert proc.returncode == 0, describe(proc)
    assert "memory profiling is unavailable" not in proc.stdout, describe(proc)
    cell = proc.stdout.split("=== cell report")[1].split("=== html")[0]
    assert "Memory: peak" in cell, cell
    rows = [r for r in cell.splitlines() if "blob = [str(i)" in r]
    assert len(rows) == 1, cell
    allocated = rows[0].split("│")[4].strip()  # the "Memory MB" column
    assert allocated and float(allocated) > 20, (allocated, cell)

"""The HTML report in a real browser.

Headless Chromium (Debian's ``chromium``; .ci/run installs it) opens each
report from file:// with the network made unreachable, and ``--dump-dom``
prints the page after its script ran.  Opened with ``#selftest``, the
report's own script (src/triscope/report/report.js) clicks a column header
and checks the sort order, toggles the reduced view, and checks that no
extra <script> or <img> element exists and that no injected code set
``window.__pwned``; it writes the verdict into a pre element with the id
"selftest", which is what these tests read.  Console errors are captured with
``--enable-logging=stderr`` and an "Uncaught" there fails the test.

Profiles with memory and GPU data come from a hand-built fixture
(tests/python/data/memory_gpu_profile.json) drawn with ``triscope view``:
the engine does not measure them yet.
"""
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DEFAULT_TIMEOUT, PROGRAMS, REPO, describe, run_triscope, source_line, truth_lines

DATA = REPO / "tests" / "python" / "data"
FIXTURE = DATA / "memory_gpu_profile.json"
MARKUP = PROGRAMS / "html_markup.py"
PWN_SCRIPT = "</script><script>window.__pwned=1</script>"
PWN_IMG = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="session")
def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    msg = "no headless Chromium (apt-get install chromium)"
    if os.environ.get("TRISCOPE_REQUIRE_BROWSER") == "1":
        pytest.fail(msg)
    pytest.skip(msg)


def browse(chromium, page, tmp_path, fragment="#selftest"):
    """Loads page in headless Chromium without network; returns (dom, log)."""
    profile_dir = tmp_path / "chromium-profile"
    cmd = [chromium, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
           "--disable-extensions", "--disable-background-networking", "--disable-sync",
           "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
           f"--user-data-dir={profile_dir}", "--enable-logging=stderr", "--v=0",
           "--virtual-time-budget=5000", "--dump-dom", Path(page).resolve().as_uri() + fragment]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=DEFAULT_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium timed out on {page}")
    assert proc.returncode == 0, f"chromium failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    return proc.stdout, proc.stderr


def console_errors(log):
    return [line for line in log.splitlines() if "Uncaught" in line or ":ERROR:CONSOLE" in line]


def selftest(dom):
    """The text of <pre id="selftest">, unescaped."""
    found = re.findall(r'<pre id="selftest">(.*?)</pre>', dom, re.S)
    assert found, "the page's self-test did not run:\n" + dom[-3000:]
    return html.unescape(found[-1])


def source_cells(dom):
    """The text of every source cell of the line tables, unescaped."""
    return [html.unescape(c) for c in re.findall(r'<td class="src">(.*?)</td>', dom, re.S)]


def view_html(fixture, out, *args):
    proc = run_triscope(["view", fixture, "--html", "--outfile", out, *args])
    assert proc.returncode == 0, describe(proc)
    return Path(out).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def markup_report(engine, tmp_path_factory):
    """An HTML report from a real run of tests/programs/html_markup.py."""
    out = tmp_path_factory.mktemp("html") / "report.html"
    proc = run_triscope(["--cpu-only", "--html", "--outfile", out, MARKUP])
    assert proc.returncode == 0, describe(proc)
    return out


def test_run_report_works_in_a_browser(chromium, markup_report, tmp_path):
    dom, log = browse(chromium, markup_report, tmp_path)
    assert not console_errors(log), "\n".join(console_errors(log))
    verdict = selftest(dom)
    assert verdict.startswith("SELFTEST PASSED"), verdict
    for check in ("click sorts descending", "second click sorts ascending", "reduced toggle changes",
                  "only the page's own scripts exist", "no image elements", "no injected code ran"):
        assert "ok " + check in verdict, verdict


def test_hot_line_source_is_shown(chromium, markup_report, tmp_path):
    dom, _ = browse(chromium, markup_report, tmp_path, fragment="")
    truth = truth_lines(MARKUP)
    loop = [source_line(MARKUP, truth[k]) for k in ("loop", "body")]
    cells = source_cells(dom)
    assert any(text in cells for text in loop), cells
    hot = re.findall(r'<tr class="hot[^"]*">.*?<td class="src">(.*?)</td>', dom, re.S)
    assert any(html.unescape(h) in loop for h in hot), hot


def test_markup_in_source_is_text(chromium, markup_report, tmp_path):
    dom, log = browse(chromium, markup_report, tmp_path)
    cells = source_cells(dom)
    assert any(PWN_SCRIPT in c for c in cells), cells
    assert any(PWN_IMG in c for c in cells), cells
    assert "<img" not in dom
    assert dom.count("<script") == 3  # profile, options, the report's script
    shown = int(re.search(r"markup lines shown as text: (\d+)", selftest(dom)).group(1))
    assert shown >= 2
    assert not console_errors(log)


def test_page_is_self_contained(markup_report):
    page = markup_report.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page, re.I)
    assert "@TRISCOPE_" not in page
    # the embedded profile is exactly the JSON profile: it parses, and the
    # program's markup is only there escaped
    body = re.search(r'<script type="application/json" id="profile">(.*?)</script>', page, re.S).group(1)
    profile = json.loads(body)
    assert "triscope" in profile and profile["memory"] is False
    assert PWN_SCRIPT not in page and PWN_IMG not in page


def test_memory_and_gpu_columns(chromium, tmp_path):
    page = view_html(FIXTURE, tmp_path / "fixture.html")
    dom, log = browse(chromium, tmp_path / "fixture.html", tmp_path)
    assert not console_errors(log), "\n".join(console_errors(log))
    verdict = selftest(dom)
    assert verdict.startswith("SELFTEST PASSED"), verdict
    headers = [html.unescape(h) for h in re.findall(r'<th class="[^"]*sortable[^"]*"[^>]*>(.*?)</th>', dom)]
    for name in ("MB", "peak", "timeline", "copy MB/s", "GPU %", "GPU MB"):
        assert name in headers, headers
    assert 'class="footprint-chart"' in dom and 'class="sparkline"' in dom
    assert "leak 95%" in dom and "Possible leaks" in dom
    assert "NVIDIA H200 (per-process)" in dom
    cells = source_cells(dom)
    assert any(PWN_SCRIPT in c for c in cells) and any(PWN_IMG in c for c in cells)
    assert "http://" not in page and "https://" not in page


def test_cpu_only_report_has_no_memory_columns(chromium, markup_report, tmp_path):
    dom, _ = browse(chromium, markup_report, tmp_path, fragment="")
    assert ">timeline<" not in dom and ">GPU %<" not in dom
    assert 'class="footprint-chart"' not in dom


def test_reduced_option_starts_reduced(chromium, tmp_path):
    view_html(FIXTURE, tmp_path / "reduced.html", "--reduced-profile")
    dom, _ = browse(chromium, tmp_path / "reduced.html", tmp_path, fragment="")
    assert re.search(r'<input type="checkbox" id="reduced-toggle"', dom)
    hidden = re.findall(r'<tr[^>]*hidden=""', dom)
    assert hidden, "no line hidden in the reduced view"

"""Output files are never clobbered (issue 15, items 1, 2 and 13): every
output (the run's profile, ``view -o``, ``merge -o``, child profiles, the
fallback) goes through native/profile/profile_output.c, which

- writes a device, FIFO, or a symlink to one, in place: as root,
  ``-o /dev/null`` leaves /dev/null a character device;
- otherwise writes a temporary file with an unguessable name (a link
  planted at the old ``PATH.tmp-PID`` name is never followed) and renames
  it over the destination, keeping an existing file's mode (0600 stays
  0600; a new file gets 0666 & ~umask) and replacing a symlink's target,
  not the link;
- and child profiles get names of their own even when a pid is reused
  during the run, and the parent merges every one of them.
(The C details -- O_EXCL|O_NOFOLLOW|O_CLOEXEC, every candidate name --
are tests/c/test_profile_output.c.)
"""
import json
import os
import re
import stat
import subprocess
import textwrap
import threading

import pytest

from conftest import (PROGRAMS, PY, REPO, base_env, describe, find_file, line_record, load_json,
                      pct, run_plain, run_triscope, truth_lines)

BUSY = PROGRAMS / "busy.py"


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def dev_null_guard():
    """Root only: puts /dev/null back as the character device should a test
    fail by replacing it (it would break every other process)."""
    if os.geteuid() != 0:
        pytest.skip("needs root: as another user /dev is not writable")
    yield
    st = os.lstat("/dev/null")
    if not stat.S_ISCHR(st.st_mode):
        os.unlink("/dev/null")
        os.mknod("/dev/null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.chmod("/dev/null", 0o666)
        pytest.fail("/dev/null was replaced by a regular file (restored)")


@pytest.mark.parametrize("fmt", [[], ["--json"], ["--html"]])
def test_dev_null_stays_a_device(engine, dev_null_guard, fmt):
    proc = run_triscope([*fmt, "-o", "/dev/null", BUSY, "0.1"])
    assert proc.returncode == 0 and proc.stderr == "", describe(proc)
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_view_and_merge_to_dev_null(engine, dev_null_guard, tmp_path):
    prof = tmp_path / "p.json"
    proc = run_triscope(["--json", "-o", prof, BUSY, "0.1"])
    assert proc.returncode == 0, describe(proc)
    for args in (["view", prof, "-o", "/dev/null"], ["merge", prof, prof, "-o", "/dev/null"]):
        proc = run_triscope(args)
        assert proc.returncode == 0 and proc.stderr == "", describe(proc)
        assert stat.S_ISCHR(os.lstat("/dev/null").st_mode), args


def test_fifo_output_written_in_place(engine, tmp_path):
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    proc = run_triscope(["--json", "-o", fifo, BUSY, "0.1"])
    reader.join(30)
    assert proc.returncode == 0 and proc.stderr == "", describe(proc)
    assert got and json.loads(got[0])["triscope"], got
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["out.json"]


def test_dev_stdout_to_a_pipe(engine):
    """/dev/stdout -> /proc/self/fd/1 -> "pipe:[...]": written in place."""
    proc = run_triscope(["--json", "-o", "/dev/stdout", BUSY, "0.1"])
    assert proc.returncode == 0 and proc.stderr == "", describe(proc)
    assert json.loads(proc.stdout)["triscope"]
    assert os.path.islink("/dev/stdout")


def test_existing_0600_output_stays_0600(engine, tmp_path):
    out = tmp_path / "out.json"
    out.write_text("old")
    os.chmod(out, 0o600)
    proc = run_triscope(["-o", out, BUSY, "0.1"])
    assert proc.returncode == 0, describe(proc)
    assert _mode(out) == 0o600
    load_json(out)
    for args, name in ((["view", out, "-o"], "view.txt"), (["merge", out, out, "-o"], "merged.json")):
        dest = tmp_path / name
        dest.write_text("old")
        os.chmod(dest, 0o600)
        proc = run_triscope([*args, dest])
        assert proc.returncode == 0, describe(proc)
        assert _mode(dest) == 0o600 and dest.read_text() != "old", args
    assert sorted(os.listdir(tmp_path)) == ["merged.json", "out.json", "view.txt"]


def test_new_output_gets_the_umask(engine, tmp_path):
    out = tmp_path / "out.json"
    cmd = [PY, "-m", "triscope", "-o", str(out), str(BUSY), "0.1"]
    proc = subprocess.run(cmd, env=base_env(), capture_output=True, text=True, timeout=90,
                          preexec_fn=lambda: os.umask(0o027))
    assert proc.returncode == 0, describe(proc)
    assert _mode(out) == 0o640


def test_periodic_rewrites_keep_the_mode(engine, tmp_path):
    out = tmp_path / "out.json"
    out.write_text("")
    os.chmod(out, 0o600)
    proc = run_triscope(["--profile-interval", "0.05", "-o", out, BUSY, "0.4"])
    assert proc.returncode == 0, describe(proc)
    assert _mode(out) == 0o600
    load_json(out)
    assert os.listdir(tmp_path) == ["out.json"]


def test_symlink_output_stays_a_symlink(engine, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    target = real / "target.json"
    target.write_text("old")
    os.chmod(target, 0o600)
    link = tmp_path / "link.json"
    link.symlink_to(os.path.join("real", "target.json"))
    proc = run_triscope(["-o", link, BUSY, "0.1"])
    assert proc.returncode == 0, describe(proc)
    assert link.is_symlink() and os.readlink(link) == os.path.join("real", "target.json")
    assert load_json(target)["triscope"] and _mode(target) == 0o600
    proc = run_triscope(["view", target, "-o", link])
    assert proc.returncode == 0, describe(proc)
    assert link.is_symlink() and "triscope" in target.read_text()
    assert os.listdir(real) == ["target.json"]


def test_planted_link_at_the_old_temporary_name_is_not_followed(engine, tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious")
    out = tmp_path / "out.json"
    popen = subprocess.Popen([PY, "-m", "triscope", "-o", str(out), str(BUSY), "0.3"],
                             env=base_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # the name the profile used to be written through (pids are guessable)
    os.symlink(victim, f"{out}.tmp-{popen.pid}")
    stdout, stderr = popen.communicate(timeout=90)
    assert popen.returncode == 0, (stdout, stderr)
    assert victim.read_text() == "precious"
    load_json(out)


def test_fallback_file_is_private(engine, tmp_path):
    """The never-lose-a-profile fallback (the output's directory gone by the
    end) is created 0600: it holds the program's source and arguments."""
    outdir = tmp_path / "gone"
    outdir.mkdir()
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    prog = tmp_path / "prog.py"
    prog.write_text(f"import os\nos.rmdir({str(outdir)!r})\n")
    proc = run_triscope(["--json", "-o", outdir / "out.json", prog], env={"TMPDIR": str(tmpdir)})
    assert "wrote it to" in proc.stderr, describe(proc)
    (fallback,) = tmpdir.iterdir()
    assert _mode(fallback) == 0o600, oct(_mode(fallback))
    assert load_json(fallback)["triscope"]


def test_every_descriptor_the_engine_opens_is_close_on_exec():
    """Item 2: outputs and the control file (and every other file the
    engine opens) are opened with O_CLOEXEC, and there is no stdio fopen or
    plain dup, whose descriptors a program's child would inherit."""
    bad = []
    for sub in ("base", "profile", "extension"):
        for path in sorted((REPO / "native" / sub).rglob("*.c")):
            text = re.sub(r"/\*.*?\*/|//[^\n]*", lambda c: re.sub(r"[^\n]", " ", c.group()),
                          path.read_text(encoding="utf-8"), flags=re.S)  # comments blanked
            for m in re.finditer(r"\b(open|openat|fopen|dup|dup2|mkstemp)\s*\(", text):
                depth, i = 0, m.end() - 1
                while True:  # the call's arguments, to its closing parenthesis
                    depth += {"(": 1, ")": -1}.get(text[i], 0)
                    if depth == 0:
                        break
                    i += 1
                call = text[m.start():i + 1]
                if m.group(1) not in ("open", "openat") or "O_CLOEXEC" not in call:
                    line = text.count("\n", 0, m.start()) + 1
                    bad.append(f"{path.relative_to(REPO)}:{line}: {' '.join(call.split())}")
    assert not bad, "\n".join(bad)


# --------------------------------------------------------------------------
# child profiles: a name of each child's own (item 13)

def test_child_profile_names_are_unique_for_one_pid(tmp_path):
    code = textwrap.dedent(f"""
        import os, stat
        from triscope import children
        d = {str(tmp_path)!r}
        names = [children.profile_path(d) for _ in range(50)]
        assert len(set(names)) == 50, names
        for n in names:
            base = os.path.basename(n)
            assert base.startswith("child-%d-" % os.getpid()) and base.endswith(".json"), n
            st = os.lstat(n)
            assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600, n
        # taken but not yet written: not merged
        assert children.collected(d) == [], children.collected(d)
        for n in names[:3]:
            with open(n, "w") as f:
                f.write("{{}}")
        assert children.collected(d) == sorted(names[:3]), children.collected(d)
        print("ok")
    """)
    proc = run_plain(["-c", code])
    assert proc.stdout == "ok\n", describe(proc)


PID_REUSE = '''\
import os, sys, time, types

def alpha():
    end = time.thread_time() + 0.3
    while time.thread_time() < end: pass  # TRUTH:alpha

def beta():
    end = time.thread_time() + 0.3
    while time.thread_time() < end: pass  # TRUTH:beta

for work in (alpha, beta):
    pid = os.fork()
    if pid == 0:
        # both children tell triscope.children the same pid, as when the
        # kernel reuses a pid during the run
        from triscope import children
        children.os = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os)})
        children.os.getpid = lambda: 4242
        work()
        os._exit(0)
    os.waitpid(pid, 0)
print("done")
'''


def test_children_with_one_pid_are_all_merged(engine, tmp_path):
    prog = tmp_path / "pid_reuse.py"
    prog.write_text(PID_REUSE)
    truth = truth_lines(prog)
    out = tmp_path / "out.json"
    proc = run_triscope(["--json", "-o", out, prog], timeout=120)
    assert proc.returncode == 0 and proc.stdout == "done\n", describe(proc)
    prof = load_json(out)
    _, entry = find_file(prof, prog)
    for name in ("alpha", "beta"):
        p, n, _ = pct(line_record(entry, truth[name]))
        assert p + n > 0, (name, describe(proc))

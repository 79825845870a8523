"""The harness's two virtual environments: one with triscope built from this
checkout (it also runs the plain-Python baseline and cProfile), one with the
peers installed from the package index."""

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


class SetupError(Exception):
    """Something the harness cannot run without failed to install."""


class Venv:
    def __init__(self, path):
        self.path = Path(path).absolute()
        self.python = self.path / "bin" / "python"

    def bin(self, name):
        return self.path / "bin" / name

    def create(self, base_python, log):
        if self.python.exists():
            return
        log(f"creating {self.path}")
        proc = subprocess.run([base_python, "-m", "venv", str(self.path)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise SetupError(f"python -m venv {self.path} failed: {proc.stderr.strip()[-500:]}")

    def pip_install(self, *args):
        """pip install ARGS; returns (ok, the last line pip said about why not)."""
        proc = subprocess.run([str(self.python), "-m", "pip", "install", "--quiet",
                               "--disable-pip-version-check", *args],
                              capture_output=True, text=True)
        if proc.returncode == 0:
            return True, ""
        lines = [ln for ln in (proc.stderr + proc.stdout).splitlines()
                 if ln.strip() and "WARNING: Location" not in ln]
        return False, (lines[-1].strip() if lines else f"pip exit status {proc.returncode}")

    def version(self, dist):
        """Installed version of a distribution, or '' if it is not installed."""
        proc = subprocess.run([str(self.python), "-c",
                               "import sys, importlib.metadata as m; print(m.version(sys.argv[1]))", dist],
                              capture_output=True, text=True)
        return proc.stdout.strip() if proc.returncode == 0 else ""

    def python_version(self):
        proc = subprocess.run([str(self.python), "-c", "import platform; print("
                               "platform.python_implementation(), platform.python_version())"],
                              capture_output=True, text=True)
        return proc.stdout.strip()


def triscope_venv(path, base_python, log):
    """A venv with triscope from this checkout (always reinstalled, so the
    checkout's current code is what gets measured)."""
    env = Venv(path)
    env.create(base_python, log)
    log("installing triscope from the checkout")
    ok, why = env.pip_install("--force-reinstall", "--no-deps", str(REPO))
    if not ok:
        raise SetupError(f"pip install . (triscope) failed: {why}")
    return env


def peers_venv(path, base_python, packages, log):
    """A venv with each of packages installed on its own, so that one that
    fails does not keep the others out.  Returns (venv, {package: (version,
    '' or why it failed)})."""
    env = Venv(path)
    env.create(base_python, log)
    installed = {}
    for package in packages:
        log(f"installing {package} into the peers venv")
        ok, why = env.pip_install(package)
        installed[package] = (env.version(package), "" if ok else f"install failed: {why}")
    return env, installed


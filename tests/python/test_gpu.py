"""GPU profiling without a GPU: a fake NVML library (tests/native_fixtures/
fake_nvml.c, built here with cc) is loaded through TRISCOPE_NVML_LIBRARY
and answers with scripted figures, so attribution, modes and the failure
paths are tested anywhere.  The real thing: tests/gpu/check_on_gpu.sh."""

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import (PROGRAMS, describe, find_file, line_record, profile_json, run_plain,
                      run_triscope, truth_lines)

pytestmark = pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")

PROGRAM = PROGRAMS / "gpu_lines.py"
FAKE_NAME = "Fake Test GPU H9"
MEM_BYTES = 3 << 30  # 3072 MB


@pytest.fixture(scope="module")
def fake_nvml(tmp_path_factory):
    out = tmp_path_factory.mktemp("nvml") / "libnvidia-ml.so.1"
    src = Path(__file__).resolve().parents[1] / "native_fixtures" / "fake_nvml.c"
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o", out, src], check=True)
    return out


def _env(lib, tmp_path, **extra):
    env = {"TRISCOPE_NVML_LIBRARY": str(lib), "FAKE_NVML_NAME": FAKE_NAME,
           "FAKE_NVML_MEM_BYTES": str(MEM_BYTES),
           "FAKE_NVML_UTIL_FILE": str(tmp_path / "util"),
           "FAKE_NVML_LOG": str(tmp_path / "calls.log")}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _gpu_lines(prof):
    _, entry = find_file(prof, PROGRAM)
    lines = truth_lines(PROGRAM)
    return line_record(entry, lines["gpu_busy"]), line_record(entry, lines["cpu_only"])


def _check_attribution(prof, proc, mode):
    assert prof["gpu"] is True, describe(proc)
    assert prof["triscope"]["gpu_name"] == FAKE_NAME
    assert prof["triscope"]["gpu_mode"] == mode
    busy, cpu = _gpu_lines(prof)
    print("busy line:", {k: v for k, v in busy.items() if "gpu" in k})
    print("cpu line:", {k: v for k, v in cpu.items() if "gpu" in k})
    assert busy["n_gpu_percent"] >= 70, busy
    assert cpu["n_gpu_percent"] <= 15, cpu
    assert busy["n_gpu_peak_memory_mb"] == pytest.approx(MEM_BYTES / 2**20, rel=0.10)
    assert busy["n_gpu_avg_memory_mb"] == pytest.approx(MEM_BYTES / 2**20, rel=0.10)


def test_per_process_utilisation_and_memory_reach_the_running_line(engine, fake_nvml, tmp_path):
    proc, prof = profile_json([PROGRAM], tmp_path, env=_env(fake_nvml, tmp_path))
    _check_attribution(prof, proc, "per-process")
    _, entry = find_file(prof, PROGRAM)
    lines = truth_lines(PROGRAM)
    rec = lambda name: line_record(entry, lines[name])
    # nothing runs: the main thread's line is charged
    assert 70 <= rec("gpu_wait")["n_gpu_percent"] <= 90, rec("gpu_wait")
    # a worker runs while the main thread waits for it (join): the worker's line
    # (the join line may get a poll or two while the new thread is starting)
    assert 40 <= rec("worker_busy")["n_gpu_percent"] <= 60, rec("worker_busy")
    # the function records carry the same figures
    _, entry = find_file(prof, PROGRAM)
    fn = {f["line"]: f for f in entry["functions"]}
    assert fn["gpu_busy"]["n_gpu_percent"] >= 70 and fn["cpu_only"]["n_gpu_percent"] <= 15


def test_device_wide_figures_when_per_process_queries_are_not_supported(engine, fake_nvml, tmp_path):
    proc, prof = profile_json([PROGRAM], tmp_path,
                              env=_env(fake_nvml, tmp_path, FAKE_NVML_PER_PROCESS=0))
    _check_attribution(prof, proc, "device")


def test_process_list_entry_size_is_probed(engine, fake_nvml, tmp_path):
    # a driver writing 32-byte nvmlProcessInfo_t entries (some 535 builds)
    proc, prof = profile_json([PROGRAM, "0.6"], tmp_path,
                              env=_env(fake_nvml, tmp_path, FAKE_NVML_ENTRY=32))
    busy, _ = _gpu_lines(prof)
    assert busy["n_gpu_peak_memory_mb"] == pytest.approx(MEM_BYTES / 2**20, rel=0.10), describe(proc)


def test_text_report_names_the_gpu(engine, fake_nvml, tmp_path):
    proc = run_triscope([PROGRAM, "0.6"], env=_env(fake_nvml, tmp_path))
    assert proc.returncode == 0, describe(proc)
    assert FAKE_NAME in proc.stdout, describe(proc)


def test_no_library_means_no_gpu(engine, tmp_path):
    proc, prof = profile_json([PROGRAM, "0.3"], tmp_path,
                              env={"TRISCOPE_NVML_LIBRARY": str(tmp_path / "missing.so")})
    assert prof["gpu"] is False and prof["triscope"]["gpu_mode"] == "absent"
    assert proc.stderr == "", describe(proc)


def test_failing_nvml_init_changes_nothing(engine, fake_nvml, tmp_path):
    env = _env(fake_nvml, tmp_path, FAKE_NVML_INIT_FAIL=1)
    plain = run_plain([PROGRAM, "0.3"], env=env)
    proc, prof = profile_json([PROGRAM, "0.3"], tmp_path, env=env)
    assert prof["gpu"] is False and prof["triscope"]["gpu_mode"] == "unreadable"
    assert (proc.returncode, proc.stdout, proc.stderr) == (plain.returncode, plain.stdout, plain.stderr)


def test_no_devices_means_no_gpu(engine, fake_nvml, tmp_path):
    _, prof = profile_json([PROGRAM, "0.3"], tmp_path, env=_env(fake_nvml, tmp_path, FAKE_NVML_COUNT=0))
    assert prof["gpu"] is False and prof["triscope"]["gpu_mode"] == "absent"


def test_cuda_visible_devices_empty_hides_every_gpu(engine, fake_nvml, tmp_path):
    _, prof = profile_json([PROGRAM, "0.3"], tmp_path,
                           env=_env(fake_nvml, tmp_path, FAKE_NVML_COUNT=2, CUDA_VISIBLE_DEVICES=""))
    assert prof["gpu"] is False


@pytest.mark.parametrize("visible", ["1", "1,0", "GPU-fake-1", "GPU-fake-1-0000,0"])
def test_cuda_visible_devices_keeps_only_those_gpus(engine, fake_nvml, tmp_path, visible):
    # the first visible device names the profile: device 1 here
    _, prof = profile_json([PROGRAM, "0.3"], tmp_path,
                           env=_env(fake_nvml, tmp_path, FAKE_NVML_COUNT=2, CUDA_VISIBLE_DEVICES=visible))
    assert prof["gpu"] is True and prof["triscope"]["gpu_name"] == FAKE_NAME + " #1"


@pytest.mark.parametrize("visible", ["5", "GPU-nope"])
def test_cuda_visible_devices_naming_no_gpu_means_no_gpu(engine, fake_nvml, tmp_path, visible):
    _, prof = profile_json([PROGRAM, "0.3"], tmp_path,
                           env=_env(fake_nvml, tmp_path, FAKE_NVML_COUNT=2, CUDA_VISIBLE_DEVICES=visible))
    assert prof["gpu"] is False and prof["triscope"]["gpu_mode"] == "absent"


@pytest.mark.parametrize("flag", ["--no-gpu", "--cpu-only"])
def test_gpu_off_never_calls_nvml(engine, fake_nvml, tmp_path, flag):
    _, prof = profile_json([flag, PROGRAM, "0.3"], tmp_path, env=_env(fake_nvml, tmp_path))
    assert prof["gpu"] is False and prof["triscope"]["gpu_mode"] == "off"
    assert not (tmp_path / "calls.log").exists()


def test_gpu_flag_overrides_cpu_only(engine, fake_nvml, tmp_path):
    _, prof = profile_json(["--cpu-only", "--gpu", PROGRAM, "0.3"], tmp_path,
                           env=_env(fake_nvml, tmp_path))
    assert prof["gpu"] is True and prof["memory"] is False


def test_nvml_is_shut_down_at_the_end(engine, fake_nvml, tmp_path):
    profile_json([PROGRAM, "0.3"], tmp_path, env=_env(fake_nvml, tmp_path))
    calls = (tmp_path / "calls.log").read_text().split()
    assert calls[0] == "nvmlInit_v2" and calls[-1] == "nvmlShutdown", calls

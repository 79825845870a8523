#!/usr/bin/env bash
# GPU profiling on a real NVIDIA GPU (the CI tests use a fake NVML instead:
# tests/python/test_gpu.py).  Needs a CUDA machine with PyTorch installed in
# $PYTHON (default python3) and 13 GiB of free GPU memory.
#
#   tests/gpu/check_on_gpu.sh          # from anywhere in the repository
#
# Installs this checkout into $PYTHON (pip install --no-build-isolation .),
# profiles a program with a GPU-heavy line (bf16 matmuls, waited for on the
# same line), a CPU-only line and a line that holds a 12 GiB tensor, prints
# each line's figures next to the truth, and exits 1 if any check fails.
set -euo pipefail
PY=${PYTHON:-python3}
cd "$(dirname "$0")/../.."

"$PY" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else "no CUDA device for torch")'
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.used,memory.total --format=csv
"$PY" -m pip install -q --no-build-isolation .

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/gpu_prog.py" <<'EOF'
import json
import sys
import time

import torch

dev = torch.device("cuda")
a = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16)
torch.cuda.synchronize()
truth = {}


def gpu_heavy(seconds):
    end = time.perf_counter() + seconds
    # one line: a poll sees a thread where it dropped the GIL (often a loop head)
    while time.perf_counter() < end: (a @ a).float().sum().item()  # TRUTH:gpu_heavy


def cpu_only(seconds):
    end = time.perf_counter() + seconds
    x = 0
    while time.perf_counter() < end: x += 1  # TRUTH:cpu_only


def hold(seconds):
    big = torch.ones(12 << 30, dtype=torch.uint8, device=dev)
    torch.cuda.synchronize()
    truth["hold_reserved_mb"] = torch.cuda.memory_reserved() / 2**20
    free, total = torch.cuda.mem_get_info()
    truth["hold_device_used_mb"] = (total - free) / 2**20
    time.sleep(seconds)  # TRUTH:hold
    del big


for name, fn in (("gpu_heavy", gpu_heavy), ("cpu_only", cpu_only), ("hold", hold)):
    t0 = time.perf_counter()
    fn(3.0)
    truth[name + "_s"] = time.perf_counter() - t0
with open(sys.argv[1], "w") as f:
    json.dump(truth, f)
EOF

(cd "$work" && "$PY" -m triscope --json --outfile prof.json gpu_prog.py truth.json)
(cd "$work" && "$PY" -m triscope --no-gpu --json --outfile off.json gpu_prog.py truth_off.json)

"$PY" - "$work" <<'EOF'
import json
import os
import re
import sys

work = sys.argv[1]
prog = os.path.join(work, "gpu_prog.py")
prof = json.load(open(os.path.join(work, "prof.json")))
off = json.load(open(os.path.join(work, "off.json")))
truth = json.load(open(os.path.join(work, "truth.json")))
marks = {m.group(1): i for i, text in enumerate(open(prog).read().splitlines(), 1)
         for m in [re.search(r"TRUTH:(\w+)", text)] if m}
entry = next(v for k, v in prof["files"].items() if os.path.realpath(k) == os.path.realpath(prog))
recs = {r["lineno"]: r for r in entry["lines"]}
tri = prof["triscope"]
print("gpu=%s device=%r mode=%s" % (prof["gpu"], tri["gpu_name"], tri["gpu_mode"]))
print("truth:", json.dumps(truth))
print("%-10s %8s %10s %10s   %s" % ("line", "GPU %", "avg MB", "peak MB", "expected"))
expect = {"gpu_heavy": "GPU % >= 70", "cpu_only": "GPU % <= 15",
          "hold": "peak MB >= 12288 (12 GiB tensor + context), <= device used + 10%"}
for name, line in marks.items():
    r = recs.get(line, {})
    print("%-10s %8.1f %10.1f %10.1f   %s" % (name, r.get("n_gpu_percent", 0), r.get("n_gpu_avg_memory_mb", 0),
                                             r.get("n_gpu_peak_memory_mb", 0), expect[name]))
fails = []
if not prof["gpu"]:
    fails.append("gpu is false")
if off["gpu"] or off["triscope"]["gpu_mode"] != "off":
    fails.append("--no-gpu still polled")
rec = lambda n: recs.get(marks[n], {})
if rec("gpu_heavy").get("n_gpu_percent", 0) < 70:
    fails.append("gpu_heavy line under 70 %")
if rec("cpu_only").get("n_gpu_percent", 100) > 15:
    fails.append("cpu_only line over 15 %")
peak = rec("hold").get("n_gpu_peak_memory_mb", 0)
if not 12288 <= peak <= truth["hold_device_used_mb"] * 1.10:
    fails.append("hold line peak %.0f MB outside [12288, %.0f]" % (peak, truth["hold_device_used_mb"] * 1.10))
print("FAIL: " + "; ".join(fails) if fails else "PASS")
sys.exit(1 if fails else 0)
EOF

"""The profiler survives what programs do to the interpreter under it."""

from conftest import (PROGRAMS, describe, find_file, line_record, pct,
                      profile_json, truth_lines)

REENTRY = PROGRAMS / "reentry.py"


def test_reentrant_calls_dense_sampling(engine, tmp_path):
    """Many interpreter entries from C (slot methods, key functions, map
    callbacks, generators) sampled every 1 ms: every sample may land while
    an entry frame is half built.  The handler must not crash, and the time
    must stay in reentry.py (all frames involved are in that file): a frame
    walk that gives up on such samples loses them to "unattributed".
    """
    proc, prof = profile_json(["--cpu-sampling-rate", "0.001", REENTRY, "2.0"], tmp_path)
    assert "reentry ok True" in proc.stdout, describe(proc)
    _, entry = find_file(prof, REENTRY)
    in_file = sum(sum(pct(r)) for r in entry["lines"])
    ts = prof["triscope"]
    assert in_file >= 90.0, f"reentry.py holds {in_file:.1f}% of the time; triscope: {ts}"
    marks = truth_lines(REENTRY)
    loop = sum(sum(pct(line_record(entry, marks[m])))
               for m in ("reentry_reduce", "reentry_sorted", "reentry_max", "reentry_map"))
    assert loop >= 25.0, f"the loop's four lines hold only {loop:.1f}%"

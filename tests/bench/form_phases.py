"""Where the form's upload spends its time: the "peluit:<name>" performance measures of the
upload worker and its encryption lane (js/src/phases.js), read from a Chromium trace
(category blink.user_timing), and the CPU seconds of each kind of process over the same run.

A measure is a begin/end pair of async trace events on one thread; names are kinds of work
(encrypt, sha256, blob, pow:uploads, post:uploads, wait-plan, put, wait-room, wait-encrypted,
wait-puts, prepare, upload, report, pow:finalize, post:finalize). For each name: how many,
their summed duration, and the wall time at least one of them ran (their union), which is
what can be compared with click -> receipt when spans overlap (three PUTs at once)."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PREFIX = "peluit:"
# the order the table is printed in: the upload worker's own path, then the work beside it
ORDER = (
    "prepare", "upload", "wait-room", "wait-encrypted", "wait-puts", "report",
    "pow:finalize", "post:finalize",
    "encrypt", "sha256", "blob", "pow:uploads", "post:uploads", "wait-plan", "put",
)  # fmt: skip


@dataclass
class Phase:
    name: str
    threads: set[int]
    spans: list[tuple[float, float]]  # seconds on the trace clock

    @property
    def total(self) -> float:
        return sum(end - start for start, end in self.spans)

    @property
    def union(self) -> float:
        covered, reach = 0.0, float("-inf")
        for start, end in sorted(self.spans):
            if end > reach:
                covered += end - max(start, reach)
                reach = end
        return covered


def phases(trace: bytes) -> dict[str, Phase]:
    """The peluit measures of a trace (Browser.stop_tracing's JSON), by name."""
    events: list[dict[str, Any]] = json.loads(trace).get("traceEvents", [])
    open_: dict[tuple[int, str, str], list[float]] = defaultdict(list)
    found: dict[str, Phase] = {}
    for e in sorted(events, key=lambda e: e.get("ts", 0)):
        name = e.get("name", "")
        if "blink.user_timing" not in e.get("cat", "") or not name.startswith(PREFIX):
            continue
        name = name.removeprefix(PREFIX)
        key = (e["tid"], str(e.get("id2", e.get("id"))), name)
        phase = found.setdefault(name, Phase(name, set(), []))
        ts = e["ts"] / 1e6
        if e["ph"] == "b":
            open_[key].append(ts)
        elif e["ph"] == "e" and open_[key]:
            phase.spans.append((open_[key].pop(), ts))
            phase.threads.add(e["tid"])
        elif e["ph"] == "n":  # a zero-length measure
            phase.spans.append((ts, ts))
            phase.threads.add(e["tid"])
    return found


def print_phases(found: dict[str, Phase], seconds: float) -> None:
    """The table, against `seconds` (click -> receipt)."""
    print(
        f"   where the time goes (performance measures of the workers, s; click -> receipt "
        f"{seconds:.2f} s):"
    )
    print(f"   {'phase':<15} {'count':>5} {'summed':>7} {'wall':>6} {'wall %':>6}  threads")
    names = [n for n in ORDER if n in found] + sorted(set(found) - set(ORDER))
    for name in names:
        p = found[name]
        print(
            f"   {name:<15} {len(p.spans):>5} {p.total:7.2f} {p.union:6.2f} "
            f"{100 * p.union / seconds:5.0f}%  {len(p.threads)}"
        )


# --- CPU seconds by kind of process


def _process_kind(pid: int) -> str:
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    kind = "browser"
    for part in b" ".join(argv).split():
        if part.startswith(b"--type="):
            kind = part.removeprefix(b"--type=").decode()
        elif part.startswith(b"--utility-sub-type="):
            kind = part.removeprefix(b"--utility-sub-type=").decode().split(".")[0]
    return kind


def cpu_seconds(pids: list[int]) -> dict[int, tuple[str, float]]:
    """Each process's kind and its user + system CPU seconds so far."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, tuple[str, float]] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out[pid] = (_process_kind(pid), (int(fields[11]) + int(fields[12])) / tick)
        except (OSError, IndexError, ValueError):
            continue
    return out


def cpu_by_kind(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    spent: dict[str, float] = defaultdict(float)
    for pid, (kind, seconds) in after.items():
        spent[kind] += seconds - before.get(pid, (kind, 0.0))[1]
    return {k: v for k, v in sorted(spent.items(), key=lambda kv: -kv[1]) if v >= 0.01}

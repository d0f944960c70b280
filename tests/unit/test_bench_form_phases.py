"""The form benchmark's phase breakdown: the workers' "peluit:" measures read from a trace."""

from __future__ import annotations

import json

import pytest

from tests.bench import form_phases

pytestmark = pytest.mark.unit


def _pair(name: str, tid: int, local: str, start_us: int, end_us: int) -> list[dict[str, object]]:
    common = {
        "cat": "blink.user_timing",
        "name": name,
        "tid": tid,
        "pid": 1,
        "id2": {"local": local},
    }
    return [{**common, "ph": "b", "ts": start_us}, {**common, "ph": "e", "ts": end_us}]


def test_measures_are_paired_per_thread_and_overlaps_count_once_in_wall_time() -> None:
    events = [
        # three PUTs at once on one thread (the same local id, as Chromium reuses it)
        *_pair("peluit:put", 7, "0x3", 0, 1_000_000),
        *_pair("peluit:put", 7, "0x3", 500_000, 1_500_000),
        *_pair("peluit:put", 7, "0x3", 3_000_000, 3_250_000),
        # the encryption lane, another thread with the same local id
        *_pair("peluit:encrypt", 9, "0x3", 200_000, 300_000),
        {"cat": "blink.user_timing", "name": "peluit:wait-room", "ph": "n", "tid": 7, "ts": 5},
        # not ours: other user timing and other categories are left out
        *_pair("someone-else", 7, "0x4", 0, 9_000_000),
        {"cat": "toplevel", "name": "peluit:put", "ph": "X", "tid": 7, "ts": 0, "dur": 9},
    ]
    found = form_phases.phases(json.dumps({"traceEvents": events}).encode())

    assert set(found) == {"put", "encrypt", "wait-room"}
    put = found["put"]
    assert len(put.spans) == 3
    assert put.total == pytest.approx(2.25)
    assert put.union == pytest.approx(1.75)  # 0 -> 1.5 s and 3 -> 3.25 s
    assert put.threads == {7}
    assert found["encrypt"].total == pytest.approx(0.1)
    assert found["wait-room"].total == 0


def test_cpu_by_kind_is_what_each_kind_spent_between_two_readings() -> None:
    before = {1: ("renderer", 2.0), 2: ("browser", 1.0)}
    after = {1: ("renderer", 5.5), 2: ("browser", 1.25), 3: ("renderer", 0.5), 4: ("gpu", 0.001)}
    assert form_phases.cpu_by_kind(before, after) == {"renderer": 4.0, "browser": 0.25}

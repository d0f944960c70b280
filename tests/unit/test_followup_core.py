"""The follow-up service's own promises: a missing case costs what a found one costs (the same
store calls in the same order, the same minimum time), and the thread's numbering."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from peluit.core import thread
from peluit.core.errors import ReceiptNotFoundError
from peluit.core.followup import FollowupService
from peluit.core.reads import ReadMarkers, unread
from peluit.core.receipt import ReceiptCode
from peluit.core.submission import SubmissionService
from peluit.store.port import ObjectInfo
from tests.support.factory import Team, finalization, make_team, submission_id
from tests.support.fakes import FixedClock, MemoryStore, before_first_write

pytestmark = pytest.mark.unit

_CASE = re.compile(r"cases/[0-9a-z]{16}/")
_LOOKUP = re.compile(r"lookup/[0-9a-f]{64}")


class Recording:
    """A MemoryStore that notes each call as (method, key with ids blanked)."""

    def __init__(self, inner: MemoryStore) -> None:
        self.inner = inner
        self.calls: list[tuple[str, str]] = []

    def _note(self, method: str, key: str) -> None:
        self.calls.append((method, _LOOKUP.sub("lookup/H", _CASE.sub("cases/C/", key))))

    def get(self, key: str) -> bytes:
        self._note("get", key)
        return self.inner.get(key)

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        self._note("list", prefix)
        return self.inner.list(prefix)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture(scope="module")
def team() -> Team:
    return make_team()


def filed(team: Team, store: MemoryStore, clock: FixedClock) -> ReceiptCode:
    code = ReceiptCode.generate()
    request = finalization(
        "pengaduan",
        team.report("pengaduan"),
        lookup_hash=code.lookup_hash(),
        reply=code.reply_identity().recipient().encode(),
    )
    SubmissionService(team.config, store, clock).finalize(submission_id(), request)
    return code


class Pacing:
    """A monotonic clock that the store calls move forward, and a sleep that records."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        self.now += 0.01
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_found_and_not_found_make_the_same_store_calls(team: Team) -> None:
    clock = FixedClock()
    store = MemoryStore(clock)
    code = filed(team, store, clock)
    recording = Recording(store)
    service = FollowupService(team.config, recording, clock, floor=0)

    service.status(code.lookup_token())
    found = list(recording.calls)
    recording.calls.clear()
    with pytest.raises(ReceiptNotFoundError):
        service.status(os.urandom(32))
    missing = list(recording.calls)
    assert (
        found
        == missing
        == [
            ("get", "lookup/H.json"),
            ("get", "cases/C/state.json"),
            ("list", "cases/C/thread/"),
        ]
    )


def test_every_answer_waits_for_the_floor_found_or_not(team: Team) -> None:
    clock = FixedClock()
    store = MemoryStore(clock)
    code = filed(team, store, clock)
    pacing = Pacing()
    service = FollowupService(
        team.config, store, clock, floor=0.4, sleep=pacing.sleep, monotonic=pacing.monotonic
    )
    service.status(code.lookup_token())
    with pytest.raises(ReceiptNotFoundError):
        service.status(os.urandom(32))
    with pytest.raises(ReceiptNotFoundError):
        service.post_message(os.urandom(32), b"anything")
    assert len(pacing.slept) == 3
    assert all(0.35 < s <= 0.4 for s in pacing.slept)


def test_a_token_of_the_wrong_length_finds_nothing(team: Team) -> None:
    clock = FixedClock()
    store = MemoryStore(clock)
    code = filed(team, store, clock)
    service = FollowupService(team.config, store, clock, floor=0)
    with pytest.raises(ReceiptNotFoundError):
        service.status(code.lookup_token()[:31])


def test_thread_numbers_are_unique_whoever_writes() -> None:
    store = MemoryStore()
    case = "k3v92m7qx0ab4fzt"
    first = thread.append(store, case, "rina", b"a")
    store.put_new(f"cases/{case}/thread/00002.seq", b"")  # a writer that stopped after claiming
    second = thread.append(store, case, "pelapor", b"b")
    third = thread.append(store, case, "pelapor", b"b", once=True)
    assert (first.seq, second.seq, third.seq) == (1, 3, 3)
    assert [(m.seq, m.sender) for m in thread.messages(store, case)] == [
        (1, "rina"),
        (3, "pelapor"),
    ]


def test_identical_messages_racing_for_a_number_are_stored_once() -> None:
    store = MemoryStore()
    case = "k3v92m7qx0ab4fzt"
    # the same post, sent twice at once, claims number 1 a moment earlier
    raced = before_first_write(
        store,
        f"cases/{case}/thread/00001.seq",
        lambda: thread.append(store, case, "pelapor", b"sama", once=True),
    )
    mine = thread.append(store, case, "pelapor", b"sama", once=True)
    assert [m.seq for m in raced] == [mine.seq] == [1]
    assert [(m.seq, m.sender) for m in thread.messages(store, case)] == [(1, "pelapor")]
    assert store.keys(f"cases/{case}/thread/") == [
        f"cases/{case}/thread/00001-pelapor.age",
        f"cases/{case}/thread/00001.seq",
    ]


def test_an_identical_message_whose_writer_is_still_writing_is_not_stored_twice() -> None:
    store = MemoryStore()
    case = "k3v92m7qx0ab4fzt"
    # between this writer's claim and its message, the same post lists the thread
    raced = before_first_write(
        store,
        f"cases/{case}/thread/00001-pelapor.age",
        lambda: thread.append(store, case, "pelapor", b"sama", once=True),
    )
    mine = thread.append(store, case, "pelapor", b"sama", once=True)
    assert [m.seq for m in raced] == [mine.seq] == [1]
    assert [m.seq for m in thread.messages(store, case)] == [1]
    assert store.objects[f"cases/{case}/thread/00001-pelapor.age"] == b"sama"


def test_a_post_whose_writer_stopped_after_claiming_is_finished_by_its_retry() -> None:
    store = MemoryStore()
    case = "k3v92m7qx0ab4fzt"
    store.put_new(f"cases/{case}/thread/00001.seq", thread.claim_bytes("pelapor", b"sama"))
    again = thread.append(store, case, "pelapor", b"sama", once=True)
    other = thread.append(store, case, "pelapor", b"lain", once=True)
    assert (again.seq, other.seq) == (1, 2)
    assert store.objects[f"cases/{case}/thread/00001-pelapor.age"] == b"sama"


def test_read_markers_move_forward_only_and_count_the_reporters_messages() -> None:
    store = MemoryStore()
    case = "k3v92m7qx0ab4fzt"
    for sender in ("rina", "pelapor", "agus", "pelapor"):
        thread.append(store, case, sender, sender.encode())
    messages = thread.messages(store, case)
    markers = ReadMarkers(store)
    assert markers.last_read(case, "rina") == 0
    assert unread(messages, 0) == 2
    assert markers.advance(case, "rina", 2) == 2
    assert markers.advance(case, "rina", 1) == 2
    assert unread(messages, markers.last_read(case, "rina")) == 1
    store.objects[f"reads/{case}/rina.json"] = b"garbage"
    assert markers.last_read(case, "rina") == 0

"""The audit log: contiguous, hash-chained, free of free text, and tamper-evident."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest

from peluit.core import layout
from peluit.core.audit import GENESIS, AuditLog, verify_chain
from peluit.core.canonical import canonical
from peluit.core.errors import AuditChainError
from peluit.store.port import ObjectInfo
from tests.support.fakes import FixedClock, MemoryStore

pytestmark = pytest.mark.unit

CASE = "k3v92m7qx0ab4fzt"
NOTE = "cd" * 32


@pytest.fixture
def clock() -> FixedClock:
    # 20:00 UTC on 2 March is 3 March in Jakarta
    return FixedClock(datetime(2025, 3, 2, 20, 0, tzinfo=UTC))


@pytest.fixture
def store(clock: FixedClock) -> MemoryStore:
    return MemoryStore(clock)


@pytest.fixture
def log(store: MemoryStore, clock: FixedClock) -> AuditLog:
    return AuditLog(store, clock, "Asia/Jakarta")


def fill(log: AuditLog, count: int) -> None:
    for n in range(count):
        log.append("rina", "case.read", CASE if n % 2 else None)


def event(store: MemoryStore, seq: int) -> dict[str, object]:
    value: dict[str, object] = json.loads(store.objects[layout.audit_event(seq)])
    return value


def test_events_are_numbered_from_zero_and_each_links_to_the_one_before(
    log: AuditLog, store: MemoryStore
) -> None:
    fill(log, 5)

    assert store.keys("audit/") == [
        *(layout.audit_event(n) for n in range(5)),
        layout.audit_head(),
    ]
    assert event(store, 0)["prev"] == GENESIS
    for seq in range(1, 5):
        previous = store.objects[layout.audit_event(seq - 1)]
        assert event(store, seq)["prev"] == hashlib.sha256(previous).hexdigest()
    assert verify_chain(store).events == 5


def test_an_event_holds_the_local_day_actor_action_case_and_only_whitelisted_detail(
    log: AuditLog, store: MemoryStore
) -> None:
    log.append("rina", "status.change", CASE, **{"from": "diterima", "to": "ditolak"})

    assert event(store, 0) == {
        "version": 1,
        "seq": 0,
        "day": "2025-03-03",
        "actor": "rina",
        "action": "status.change",
        "case": CASE,
        "prev": GENESIS,
        "detail": {"from": "diterima", "to": "ditolak"},
    }
    assert store.objects[layout.audit_event(0)] == canonical(event(store, 0))


@pytest.mark.parametrize(
    ("actor", "action", "detail"),
    [
        ("rina", "status.change", {"reason": "pelapor adalah tetangga saya"}),
        ("rina", "status.change", {"to": "Ditolak karena duplikat"}),
        ("rina", "case.delete", {}),
        ("Rina Wati", "case.read", {}),
        ("rina", "case.read", {"object": "x" * 200}),
    ],
)
def test_free_text_unknown_actions_and_non_ids_never_reach_the_log(
    log: AuditLog, store: MemoryStore, actor: str, action: str, detail: dict[str, str]
) -> None:
    with pytest.raises(ValueError, match="audit"):
        log.append(actor, action, CASE, **detail)
    assert store.objects == {}


class RacingStore(MemoryStore):
    """Another writer ("agus") takes the sequence number just before each of our next
    `times` event writes."""

    def __init__(self, clock: FixedClock, times: int) -> None:
        super().__init__(clock)
        self.times = times

    def put_new(self, key: str, data: bytes) -> ObjectInfo:
        if key.startswith("audit/0") and self.times:
            self.times -= 1
            super().put_new(key, _rival_event(self, int(key[6:14])))
        return super().put_new(key, data)


def _rival_event(store: MemoryStore, seq: int) -> bytes:
    prev = GENESIS
    if seq:
        prev = hashlib.sha256(store.objects[layout.audit_event(seq - 1)]).hexdigest()
    return canonical(
        {
            "version": 1,
            "seq": seq,
            "day": "2025-03-03",
            "actor": "agus",
            "action": "case.read",
            "case": CASE,
            "prev": prev,
            "detail": {},
        }
    )


def test_a_writer_that_loses_the_race_takes_the_next_number_and_links_to_the_winner(
    clock: FixedClock,
) -> None:
    store = RacingStore(clock, times=2)
    AuditLog(store, clock, "Asia/Jakarta").append("rina", "case.read", CASE)

    actors = [event(store, n)["actor"] for n in range(3)]
    assert actors == ["agus", "agus", "rina"]
    assert verify_chain(store).events == 3


def test_a_stale_or_lying_head_hint_never_breaks_the_chain(
    log: AuditLog, store: MemoryStore
) -> None:
    fill(log, 4)
    for hint in (0, 2, 9, 1000):
        store.objects[layout.audit_head()] = canonical({"next": hint, "last_sha256": NOTE})
        log.append("rina", "me.read")
    store.objects[layout.audit_head()] = b"not json"
    log.append("rina", "me.read")
    del store.objects[layout.audit_head()]
    log.append("rina", "me.read")

    assert verify_chain(store).events == 10


def test_the_end_of_a_long_log_is_found_without_a_hint(log: AuditLog, store: MemoryStore) -> None:
    fill(log, 37)
    del store.objects[layout.audit_head()]
    log.append("rina", "me.read")
    assert event(store, 37)["action"] == "me.read"
    assert verify_chain(store).events == 38


def test_an_empty_log_verifies_as_empty(store: MemoryStore) -> None:
    assert verify_chain(store).events == 0


# -- tampering ------------------------------------------------------------------------------


def broken(store: MemoryStore) -> AuditChainError:
    with pytest.raises(AuditChainError) as caught:
        verify_chain(store)
    return caught.value


def test_an_edited_event_is_named(log: AuditLog, store: MemoryStore) -> None:
    fill(log, 6)
    edited = event(store, 2)
    edited["actor"] = "agus"
    store.objects[layout.audit_event(2)] = canonical(edited)

    error = broken(store)
    assert error.seq == 3
    assert "event 3" in str(error)
    assert "event 2" in str(error)


def test_an_edit_that_is_not_canonical_json_is_named_at_the_event(
    log: AuditLog, store: MemoryStore
) -> None:
    fill(log, 3)
    store.objects[layout.audit_event(1)] = json.dumps(event(store, 1), indent=1).encode()
    error = broken(store)
    assert error.seq == 1
    assert "altered" in str(error)


def test_an_edited_last_event_is_caught_by_the_head_record(
    log: AuditLog, store: MemoryStore
) -> None:
    fill(log, 3)
    edited = event(store, 2)
    edited["action"] = "me.read"
    store.objects[layout.audit_event(2)] = canonical(edited)

    error = broken(store)
    assert error.seq == 2
    assert "last one, was altered" in str(error)


def test_a_deleted_event_is_named_as_missing(log: AuditLog, store: MemoryStore) -> None:
    fill(log, 6)
    del store.objects[layout.audit_event(3)]

    error = broken(store)
    assert error.seq == 3
    assert "event 3" in str(error)
    assert "missing" in str(error)


def test_events_deleted_from_the_end_are_noticed(log: AuditLog, store: MemoryStore) -> None:
    fill(log, 6)
    del store.objects[layout.audit_event(5)]
    del store.objects[layout.audit_event(4)]

    error = broken(store)
    assert "removed from its end" in str(error)


def test_reordered_events_are_named(log: AuditLog, store: MemoryStore) -> None:
    fill(log, 6)
    a, b = layout.audit_event(2), layout.audit_event(3)
    store.objects[a], store.objects[b] = store.objects[b], store.objects[a]

    error = broken(store)
    assert error.seq == 2
    assert "reordered" in str(error)


def test_a_stray_object_in_the_audit_area_is_reported(log: AuditLog, store: MemoryStore) -> None:
    fill(log, 2)
    store.objects["audit/notes.txt"] = b"x"
    assert "not an audit event" in str(broken(store))


def test_a_rewritten_history_is_caught_by_an_anchor_kept_outside(
    log: AuditLog, store: MemoryStore
) -> None:
    fill(log, 4)
    anchor = (3, verify_chain(store).head_sha256)
    assert verify_chain(store, anchor).events == 4

    # Rewrite everything from event 1, head record included: the chain itself is consistent.
    for seq in (3, 2, 1):
        del store.objects[layout.audit_event(seq)]
    del store.objects[layout.audit_head()]
    for _ in range(3):
        log.append("agus", "me.read")
    assert verify_chain(store).events == 4

    with pytest.raises(AuditChainError, match="differs from the anchor"):
        verify_chain(store, anchor)
    with pytest.raises(AuditChainError, match="no longer in the log"):
        verify_chain(store, (9, NOTE))

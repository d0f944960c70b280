"""The workflow's transition table, pair by pair, and what every change records."""

from __future__ import annotations

import itertools
import json
from datetime import date

import pytest

from peluit.core import errors, workflow
from peluit.core.casestate import CaseState, StateFormatError
from peluit.core.workflow import (
    DITELAAH,
    DITERIMA,
    DITERUSKAN,
    DITOLAK,
    DIVERIFIKASI,
    SELESAI,
    STATUSES,
    Transition,
    apply_transition,
    check_transition,
)

pytestmark = pytest.mark.unit

ALLOWED = {
    (DITERIMA, DIVERIFIKASI),
    (DIVERIFIKASI, DITELAAH),
    (DITELAAH, DITERUSKAN),
    (DITERUSKAN, SELESAI),
    (DITERIMA, DITOLAK),
    (DIVERIFIKASI, DITOLAK),
    (DITELAAH, DITOLAK),
    (DITERUSKAN, DITOLAK),
}
NOTE = "ab" * 32


def state(status: str = DITERIMA) -> CaseState:
    return CaseState(
        {
            "version": 1,
            "channel": "pengaduan",
            "status": status,
            "received": "2025-03-03",
            "files": 0,
            "identity": False,
            "tags": [],
            "history": [{"status": DITERIMA, "on": "2025-03-03"}],
        }
    )


@pytest.mark.parametrize(("current", "to"), list(itertools.product(STATUSES, STATUSES)))
def test_every_pair_of_statuses_is_allowed_exactly_as_the_table_says(current: str, to: str) -> None:
    target = "kpk" if to == DITERUSKAN else None
    if (current, to) in ALLOWED:
        check_transition(current, to, target)
        assert apply_transition(state(current), Transition(to, target, "rina", date.today(), NOTE))
    else:
        with pytest.raises(errors.InvalidTransitionError):
            check_transition(current, to, target)


def test_the_table_in_the_module_is_the_documented_one() -> None:
    table = {(a, b) for a, targets in workflow.TRANSITIONS.items() for b in targets}
    assert table == ALLOWED
    assert {SELESAI, DITOLAK} == workflow.FINAL
    assert all(not workflow.TRANSITIONS[s] for s in workflow.FINAL)


def test_a_final_status_says_it_is_final() -> None:
    with pytest.raises(errors.InvalidTransitionError, match="final"):
        check_transition(SELESAI, DITOLAK, None)


@pytest.mark.parametrize("target", ["apip", "kpk", "aph"])
def test_forwarding_takes_one_of_the_three_targets(target: str) -> None:
    check_transition(DITELAAH, DITERUSKAN, target)


@pytest.mark.parametrize("target", [None, "polisi", "KPK", ""])
def test_forwarding_without_a_known_target_is_refused(target: str | None) -> None:
    with pytest.raises(errors.TransitionInputError):
        check_transition(DITELAAH, DITERUSKAN, target)


def test_a_target_on_any_other_transition_is_refused() -> None:
    with pytest.raises(errors.TransitionInputError):
        check_transition(DITERIMA, DIVERIFIKASI, "kpk")


def test_an_unknown_status_is_an_input_error_not_a_transition_error() -> None:
    with pytest.raises(errors.TransitionInputError):
        check_transition(DITERIMA, "dihapus", None)


def test_a_change_records_day_actor_note_and_target_and_keeps_the_rest() -> None:
    before = state(DITELAAH).replaced(tags=["prioritas"], sla="kept")
    after = apply_transition(before, Transition(DITERUSKAN, "aph", "agus", date(2025, 3, 5), NOTE))

    assert after.status == DITERUSKAN
    assert after.target == "aph"
    assert after.history[-1] == {
        "status": DITERUSKAN,
        "on": "2025-03-05",
        "by": "agus",
        "note": NOTE,
        "target": "aph",
    }
    assert after.history[:-1] == before.history
    assert after.raw["sla"] == "kept"
    assert after.tags == ["prioritas"]
    assert before.status == DITELAAH  # states are values


def test_refusing_records_the_reason_note_without_a_target() -> None:
    after = apply_transition(state(), Transition(DITOLAK, None, "rina", date(2025, 3, 4), NOTE))
    assert after.history[-1] == {"status": DITOLAK, "on": "2025-03-04", "by": "rina", "note": NOTE}
    assert after.target is None


def test_state_json_round_trips_canonically() -> None:
    # with a field Peluit does not know, which it keeps as it is
    original = state().replaced(tags=["prioritas"], extra={"b": 1, "a": "é"})
    written = original.to_bytes()

    # sorted keys, no spaces, ASCII only: fixed bytes, not the code's own output read back
    assert written == (
        b'{"channel":"pengaduan","extra":{"a":"\\u00e9","b":1},"files":0,'
        b'"history":[{"on":"2025-03-03","status":"diterima"}],"identity":false,'
        b'"received":"2025-03-03","status":"diterima","tags":["prioritas"],"version":1}'
    )
    assert CaseState.parse(written) == original
    # The same state as another writer might have stored it: other key order, spaces, raw UTF-8.
    loose = json.dumps(dict(reversed(original.raw.items())), indent=2, ensure_ascii=False)
    assert loose.encode() != written
    assert CaseState.parse(loose.encode()).to_bytes() == written


@pytest.mark.parametrize("data", [b"", b"[]", b'{"status": "diterima"}', b"{bad"])
def test_a_damaged_state_json_is_refused(data: bytes) -> None:
    with pytest.raises(StateFormatError):
        CaseState.parse(data)

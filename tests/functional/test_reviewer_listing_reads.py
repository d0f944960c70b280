"""What a listing page reads: a case's state and its thread listing, and a person's read
marker only for a case with messages (a marker never passes the newest one, so without
messages there is none to read). The reviewer API, signed, over the in-memory store."""

from __future__ import annotations

import pytest

from peluit.core import layout
from peluit.store.port import ObjectInfo
from tests.support.fakes import MemoryStore
from tests.support.review import Deployment, ReviewTeam, make_review_team

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def review_team() -> ReviewTeam:
    return make_review_team()


@pytest.fixture
def deployment(review_team: ReviewTeam, monkeypatch: pytest.MonkeyPatch) -> Deployment:
    for variable in ("POWERTOOLS_DEV", "POWERTOOLS_DEBUG", "POWERTOOLS_EVENT_HANDLER_DEBUG"):
        monkeypatch.delenv(variable, raising=False)
    return Deployment(review_team)


def _reads(store: MemoryStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every key read with `get` or `get_with_info` from now on."""
    seen: list[str] = []
    get, get_with_info = store.get, store.get_with_info

    def recorded_get(key: str) -> bytes:
        seen.append(key)
        return get(key)

    def recorded_get_with_info(key: str) -> tuple[bytes, ObjectInfo]:
        seen.append(key)
        return get_with_info(key)

    monkeypatch.setattr(store, "get", recorded_get)
    monkeypatch.setattr(store, "get_with_info", recorded_get_with_info)
    return seen


def test_a_page_of_cases_without_messages_reads_their_states_and_no_read_marker(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = {deployment.submit() for _ in range(3)}
    seen = _reads(deployment.store, monkeypatch)
    page = deployment.client("rina").list_cases()
    assert {c.case for c in page.cases} == made
    assert all(
        c.thread.model_dump() == {"unread": 0, "last_read": 0, "last_seq": 0} for c in page.cases
    )
    assert {layout.case_state(case) for case in made} <= set(seen)
    assert [key for key in seen if key.startswith("reads/")] == []

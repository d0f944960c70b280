"""What a listing page reads: a case's state and its thread listing, and a person's read
marker only for a case with messages (a marker never passes the newest one, so without
messages there is none to read). The reviewer API, signed, over the in-memory store."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from peluit.core import layout
from peluit.review import compose
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


def _listed(store: MemoryStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every prefix listed with `list` or `list_keys` from now on."""
    seen: list[str] = []
    listing, listing_keys = store.list, store.list_keys

    def recorded_list(prefix: str) -> Iterator[ObjectInfo]:
        seen.append(prefix)
        return listing(prefix)

    def recorded_list_keys(prefix: str, start_after: str | None = None) -> Iterator[str]:
        seen.append(prefix)
        return listing_keys(prefix, start_after)

    monkeypatch.setattr(store, "list", recorded_list)
    monkeypatch.setattr(store, "list_keys", recorded_list_keys)
    return seen


def _say(deployment: Deployment, case: str, text: str) -> None:
    client = deployment.client("rina")
    view = client.get_case(case)
    client.post_message(
        case, compose.message(deployment.config, view.channel, str(view.reply_recipient), text)
    )


def test_a_page_of_cases_without_messages_lists_no_thread_only_the_thread_index(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = {deployment.submit() for _ in range(3)}
    listed = _listed(deployment.store, monkeypatch)
    page = deployment.client("rina").list_cases()
    assert {c.case for c in page.cases} == made
    assert [p for p in listed if "/thread/" in p] == []
    assert layout.thread_index_prefix("pengaduan") in listed


def test_a_message_marks_its_case_and_the_listing_shows_it_among_cases_without(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = [deployment.submit() for _ in range(2)]
    spoken = deployment.submit()
    quiet.append(deployment.submit())
    _say(deployment, spoken, "Mohon lengkapi bukti")
    state = json.loads(deployment.store.get(layout.case_state(spoken)))
    marker = layout.thread_index(state["channel"], state["received"], spoken)
    assert deployment.store.get(marker) == b""  # written before the message
    listed = _listed(deployment.store, monkeypatch)
    threads = {c.case: c.thread.last_seq for c in deployment.client("agus").list_cases().cases}
    assert threads == {spoken: 1} | {case: 0 for case in quiet}
    assert [p for p in listed if "/thread/" in p] == [layout.case_thread_prefix(spoken)]


def test_a_case_finalized_before_the_thread_index_still_shows_its_messages(
    deployment: Deployment,
) -> None:
    case = deployment.submit()
    _say(deployment, case, "Terima kasih")
    store = deployment.store
    state = json.loads(store.get(layout.case_state(case)))
    del state["thread_index"]  # as finalization wrote states before it, with no marker
    store.objects[layout.case_state(case)] = json.dumps(state).encode()
    del store.objects[layout.thread_index(state["channel"], state["received"], case)]
    [line] = deployment.client("agus").list_cases().cases
    assert line.thread.model_dump() == {"unread": 0, "last_read": 0, "last_seq": 1}


def test_pages_of_two_channels_each_show_which_cases_have_messages(
    deployment: Deployment,
) -> None:
    cases = [deployment.submit(channel) for channel in ["pengaduan", "pelayanan"] * 4]
    spoken = set(cases[1::3])
    for case in spoken:
        _say(deployment, case, "Mohon hubungi kami")
    client, cursor = deployment.client("rina"), None
    seen: dict[str, int] = {}
    while True:
        page = client.list_cases(cursor=cursor, limit=2)
        seen |= {c.case: c.thread.last_seq for c in page.cases}
        if (cursor := page.next_cursor) is None:
            break
    assert seen == {case: 1 if case in spoken else 0 for case in cases}

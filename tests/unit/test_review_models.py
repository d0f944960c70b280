"""The reviewer API's listing line, built without validation for speed, is the line that
validation would give."""

from __future__ import annotations

import json

import pytest

from peluit.api.review_models import CaseListItemOut, CasePageOut, CaseSummaryOut, ThreadOut
from peluit.core.casestate import CaseState
from peluit.core.ids import case_id
from peluit.core.review import ThreadProgress

pytestmark = pytest.mark.unit

CASE = case_id("0123456789abcdef0123456789abcdef")
STATE = {
    "version": 1,
    "channel": "pengaduan",
    "status": "ditindaklanjuti",
    "received": "2025-03-03",
    "files": 2,
    "identity": True,
    "tags": ["prioritas"],
    "target": "inspektorat",
    "history": [
        {"status": "diterima", "on": "2025-03-03"},
        {"status": "diverifikasi", "on": "2025-03-04", "by": "rina", "note": "ab" * 32},
    ],
    "kept": "a field Peluit does not know",
}


def test_a_listing_line_is_what_validating_its_fields_gives() -> None:
    state = CaseState.parse(json.dumps(STATE).encode())
    progress = ThreadProgress(2, 3, 5)
    line = CaseListItemOut.listed(CASE, state, progress)
    validated = CaseListItemOut(  # each part built and validated on its own
        **CaseSummaryOut.of(CASE, state).model_dump(),
        thread=ThreadOut.of(progress),
        history=state.history,
    )
    assert line == validated
    assert line.model_dump() == validated.model_dump()
    assert line.model_dump()["thread"] == {"unread": 2, "last_read": 3, "last_seq": 5}
    assert line.model_dump()["target"] == "inspektorat"
    page = CasePageOut(cases=[line], next_cursor=None)
    assert json.loads(page.model_dump_json())["cases"][0] == validated.model_dump()


def test_a_listing_line_of_a_state_without_target_has_none() -> None:
    state = CaseState.parse(json.dumps({**STATE, "target": None}).encode())
    line = CaseListItemOut.listed(CASE, state, ThreadProgress(0, 0, 0))
    assert line == CaseListItemOut.model_validate(line.model_dump())
    assert line.target is None

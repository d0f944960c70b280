"""How the desk arranges the reviewer API's answers (peluit/review/answers.py): rows with
deadlines, readable reasons, message days."""

from __future__ import annotations

from datetime import date

import pytest

from peluit.api.review_models import CaseSummaryOut, ThreadEntryOut, ThreadOut
from peluit.config import parse_config
from peluit.review import answers
from tests.support.factory import example_text

pytestmark = pytest.mark.unit

CASE = "1vtvetjheekrmgb2"
THREAD = ThreadOut(unread=2, last_read=1, last_seq=3)


def summary(channel: str = "pengaduan", received: str = "2026-03-02") -> CaseSummaryOut:
    return CaseSummaryOut(
        case=CASE,
        reference="1VTV-ETJH-EEKR-MGB2",
        channel=channel,
        status="diterima",
        received=received,
        files=2,
        identity=True,
        tags=["uji"],
        target=None,
    )


def test_a_row_carries_the_summary_the_unread_count_and_deadlines() -> None:
    row = answers.case_row(parse_config(example_text()), date(2026, 3, 3), summary(), THREAD, None)

    assert (row.case, row.reference, row.files, row.identity) == (
        CASE,
        "1VTV-ETJH-EEKR-MGB2",
        2,
        True,
    )
    assert (row.unread, row.tags, row.test, row.area) == (2, ("uji",), True, None)
    assert row.deadlines is not None


@pytest.mark.parametrize(
    ("channel", "received"), [("hilang", "2026-03-02"), ("pengaduan", "kemarin")]
)
def test_no_deadlines_for_an_unknown_channel_or_an_unreadable_day(
    channel: str, received: str
) -> None:
    config = parse_config(example_text())
    row = answers.case_row(config, date(2026, 3, 3), summary(channel, received), THREAD, None)
    assert row.deadlines is None
    assert row.received == received


def test_only_reasons_the_caller_may_read_are_fetched() -> None:
    entries = [
        {"status": "diterima", "on": "2026-03-02"},
        {"status": "diverifikasi", "on": "2026-03-03", "note": "a" * 64},
        {"status": "ditolak", "on": "2026-03-04", "note": "b" * 64},
    ]
    keys = answers.note_keys(entries, {f"notes/{'a' * 64}.age": object()})
    assert keys == [None, f"notes/{'a' * 64}.age", None]

    history = answers.history(entries, ["", "Lengkap.", None])
    assert [(h.status, h.on, h.reason) for h in history] == [
        ("diterima", "2026-03-02", ""),
        ("diverifikasi", "2026-03-03", "Lengkap."),
        ("ditolak", "2026-03-04", None),
    ]


def test_a_message_day_that_is_not_a_date_is_none() -> None:
    entries = [
        ThreadEntryOut(seq=1, sender="pelapor", on="2026-03-02"),
        ThreadEntryOut(seq=2, sender="rina", on="Senin"),
        ThreadEntryOut(seq=3, sender="rina", on=None),
    ]
    assert answers.message_days(entries) == {1: "2026-03-02", 2: None, 3: None}

"""Case deadlines: acknowledgement in working days while `diterima`, feedback in days until
the case is final, overdue from the day after."""

from __future__ import annotations

from datetime import date

import pytest

from peluit.config.models import Sla
from peluit.review.sla import deadlines

pytestmark = pytest.mark.unit

SLA = Sla(acknowledge_working_days=3, feedback_days=90)
FRIDAY = date(2025, 3, 7)


def test_acknowledgement_counts_working_days_across_a_weekend() -> None:
    due = deadlines("diterima", FRIDAY, SLA, FRIDAY)
    assert due.acknowledge_due == date(2025, 3, 12)  # Mon, Tue, Wed
    assert due.feedback_due == date(2025, 6, 5)
    assert (due.age_days, due.overdue) == (0, False)


def test_acknowledgement_is_overdue_from_the_day_after_its_due_date() -> None:
    assert not deadlines("diterima", FRIDAY, SLA, date(2025, 3, 12)).acknowledge_overdue
    late = deadlines("diterima", FRIDAY, SLA, date(2025, 3, 13))
    assert late.acknowledge_overdue
    assert late.overdue
    assert late.age_days == 6


def test_a_case_moved_on_from_diterima_has_no_acknowledgement_deadline() -> None:
    due = deadlines("diverifikasi", FRIDAY, SLA, date(2025, 4, 1))
    assert due.acknowledge_due is None
    assert not due.acknowledge_overdue


def test_feedback_is_overdue_after_feedback_days_unless_the_case_is_final() -> None:
    today = date(2025, 6, 6)
    assert deadlines("ditelaah", FRIDAY, SLA, today).feedback_overdue
    for final in ("selesai", "ditolak"):
        due = deadlines(final, FRIDAY, SLA, today)
        assert due.feedback_due is None
        assert not due.overdue


def test_acknowledgement_skips_the_organisations_holidays() -> None:
    # Independence Day 2026 is a Monday: three working days from Friday 14 August end on Thursday
    friday = date(2026, 8, 14)
    plain = deadlines("diterima", friday, SLA, friday)
    assert plain.acknowledge_due == date(2026, 8, 19)
    due = deadlines("diterima", friday, SLA, friday, holidays={date(2026, 8, 17)})
    assert due.acknowledge_due == date(2026, 8, 20)
    # a holiday on a weekend changes nothing; the feedback deadline counts calendar days
    weekend = deadlines("diterima", friday, SLA, friday, holidays={date(2026, 8, 15)})
    assert weekend.acknowledge_due == date(2026, 8, 19)
    assert due.feedback_due == plain.feedback_due

"""Statistics from known cases: counts per channel, status, month and KPK area; deadlines
met, late and overdue; medians in working days; test reports left out."""

from __future__ import annotations

from datetime import date

import pytest

from peluit.config.models import Sla
from peluit.stats.compute import Period, PeriodError, Rules, compute, months, working_days_between
from peluit.stats.records import NO_AREA, UNKNOWN_AREA, CaseRecord, RecordError, record

pytestmark = pytest.mark.unit

SLA = Sla(acknowledge_working_days=3, feedback_days=90)
RULES = Rules(
    sla={"pengaduan": SLA, "gratifikasi": SLA},
    channels=["pengaduan", "gratifikasi"],
    areas=["pengadaan", "perizinan"],
)
TODAY = date(2025, 6, 30)  # a Monday


def case(
    ref: str,
    received: str,
    changes: list[tuple[str, str]],
    area: str,
    channel: str = "pengaduan",
    tags: tuple[str, ...] = (),
    target: str | None = None,
) -> CaseRecord:
    history = [{"status": "diterima", "on": received}]
    history += [{"status": s, "on": on, "by": "rina", "note": "0" * 64} for s, on in changes]
    return record(
        case=ref.lower() * 4,
        reference=ref,
        channel=channel,
        status=changes[-1][0] if changes else "diterima",
        target=target,
        received=received,
        history=history,
        tags=tags,
        area=area,
    )


# R1 acknowledged after 2 working days, refused after 4; R2 acknowledged late (5 working days)
# and its feedback is overdue; R3 waits past its acknowledgement; R4 is within its time; R5 was
# moved on the day it came and closed 3 working days later; T is a test report.
CASES = [
    case(
        "R1", "2025-03-03", [("diverifikasi", "2025-03-05"), ("ditolak", "2025-03-07")], "pengadaan"
    ),
    case(
        "R2",
        "2025-03-03",
        [("diverifikasi", "2025-03-10"), ("ditelaah", "2025-03-20")],
        "pengadaan",
    ),
    case("R3", "2025-06-23", [], "perizinan"),
    case("R4", "2025-06-27", [], NO_AREA, channel="gratifikasi"),
    case(
        "R5",
        "2025-04-01",
        [
            ("diverifikasi", "2025-04-01"),
            ("ditelaah", "2025-04-02"),
            ("diteruskan", "2025-04-03"),
            ("selesai", "2025-04-04"),
        ],
        UNKNOWN_AREA,
        target="kpk",
    ),
    case("T1", "2025-03-04", [], "pengadaan", tags=("uji",)),
]


def test_counts_per_channel_status_month_and_area_leave_test_reports_out() -> None:
    stats = compute(CASES, RULES, Period(), TODAY)
    assert (stats.cases, stats.tests_left_out) == (5, 1)
    assert stats.by_channel == {"pengaduan": 4, "gratifikasi": 1}
    assert stats.by_status == {
        "diterima": 2,
        "diverifikasi": 0,
        "ditelaah": 1,
        "diteruskan": 0,
        "selesai": 1,
        "ditolak": 1,
    }
    assert stats.by_month == {"2025-03": 2, "2025-04": 1, "2025-05": 0, "2025-06": 2}
    assert stats.by_area == {"pengadaan": 2, "perizinan": 1, NO_AREA: 1, UNKNOWN_AREA: 1}
    assert stats.forwarded_to == {"kpk": 1}


def test_deadlines_met_late_overdue_and_running_give_the_on_time_share() -> None:
    stats = compute(CASES, RULES, Period(), TODAY)
    ack = stats.acknowledgement
    assert (ack.met, ack.late, ack.overdue, ack.running) == (2, 1, 1, 1)
    assert ack.on_time_percent == 50.0
    feedback = stats.feedback
    assert (feedback.met, feedback.late, feedback.overdue, feedback.running) == (2, 0, 1, 2)
    assert feedback.on_time_percent == 66.7


def test_medians_are_in_working_days_from_the_day_received() -> None:
    stats = compute(CASES, RULES, Period(), TODAY)
    assert (stats.acknowledged, stats.median_days_to_acknowledge) == (3, 2.0)  # 2, 5, 0
    assert (stats.closed, stats.median_days_to_close) == (2, 3.5)  # 4, 3


def test_overdue_cases_are_listed_most_overdue_first() -> None:
    stats = compute(CASES, RULES, Period(), TODAY)
    assert stats.overdue == 2
    assert stats.overdue_cases == ["R2", "R3"]  # feedback due 1 June; acknowledgement 26 June


def test_a_period_selects_by_the_day_received_both_ends_included() -> None:
    stats = compute(CASES, RULES, Period(date(2025, 4, 1), date(2025, 6, 27)), TODAY)
    assert stats.cases == 3
    assert stats.by_month == {"2025-04": 1, "2025-05": 0, "2025-06": 2}
    assert compute(CASES, RULES, Period(date(2025, 7, 1), None), TODAY).cases == 0


def test_nothing_to_count_gives_no_percentages_or_medians() -> None:
    stats = compute([], RULES, Period(), TODAY)
    assert stats.cases == 0
    assert stats.acknowledgement.on_time_percent is None
    assert stats.median_days_to_close is None
    assert stats.by_month == {}


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(PeriodError):
        Period(date(2025, 2, 1), date(2025, 1, 1))


def test_working_days_skip_weekends_and_holidays() -> None:
    friday, wednesday = date(2025, 3, 7), date(2025, 3, 12)
    assert working_days_between(friday, wednesday) == 3
    assert working_days_between(friday, wednesday, {date(2025, 3, 11)}) == 2
    assert working_days_between(friday, friday) == 0
    assert working_days_between(wednesday, friday) == 0


def test_holidays_move_the_acknowledgement_deadline() -> None:
    holiday = Rules(sla=RULES.sla, holidays={date(2025, 3, 6)}, channels=RULES.channels)
    late = case("R6", "2025-03-03", [("diverifikasi", "2025-03-07")], "pengadaan")
    assert compute([late], RULES, Period(), TODAY).acknowledgement.late == 1
    assert compute([late], holiday, Period(), TODAY).acknowledgement.met == 1


def test_months_run_across_a_year_end() -> None:
    assert months(date(2024, 11, 30), date(2025, 1, 2)) == ["2024-11", "2024-12", "2025-01"]


def test_a_status_change_before_the_day_received_is_a_server_fault() -> None:
    with pytest.raises(RecordError):
        case("R7", "2025-03-03", [("diverifikasi", "2025-03-01")], "pengadaan")


def test_a_final_case_without_its_day_is_a_server_fault() -> None:
    with pytest.raises(RecordError):
        record(
            case="a" * 16,
            reference="X",
            channel="pengaduan",
            status="selesai",
            target=None,
            received="2025-03-03",
            history=[],
            tags=[],
            area=NO_AREA,
        )

"""Statistics of a set of cases: counts, deadlines met, medians, overdue cases. Pure.

Deadlines follow the console's rules (`peluit.review.sla`): the personal acknowledgement is
due `acknowledge_working_days` working days after the day received (Monday to Friday, except
the organisation's holidays) and is given when the case first leaves `diterima`; feedback is
due `feedback_days` calendar days after it and is given when the case becomes final
(`selesai` or `ditolak`). A deadline is *met* when it was given on or before its day, *late*
when given after it, *overdue* when not given and its day has passed, *running* otherwise.
"On time (%)" is met out of met + late + overdue: a case still within its time counts nowhere.

Cases tagged `uji` (test reports, ADR 0015) are left out of everything and only counted as
left out. The period selects cases by the day they were received (both ends included).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from peluit.config.models import Sla
from peluit.core import workflow
from peluit.core.dates import add_working_days
from peluit.review.sla import deadlines

from .records import NO_AREA, UNKNOWN_AREA, CaseRecord

Outcome = Literal["met", "late", "overdue", "running"]
OUTCOMES: tuple[Outcome, ...] = ("met", "late", "overdue", "running")


class PeriodError(ValueError):
    """A period whose start is after its end."""


@dataclass(frozen=True)
class Period:
    """Cases received from `start` to `end`, both included; None: open on that side."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise PeriodError(f"the period starts ({self.start}) after it ends ({self.end})")

    def holds(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def label(self) -> str:
        """`2026-01-01 → 2026-06-30`; an open end is `…` (language-neutral: it is shown as is
        in Indonesian and English)."""
        start = self.start.isoformat() if self.start else "…"
        return f"{start} → {self.end.isoformat() if self.end else '…'}"


@dataclass(frozen=True)
class Rules:
    """What the local configuration says: each channel's SLA, the holidays, the channels and
    KPK areas to list (in order, zero counts included)."""

    sla: Mapping[str, Sla]
    holidays: Collection[date] = frozenset()
    channels: Sequence[str] = ()
    areas: Sequence[str] = ()


@dataclass(frozen=True)
class Deadline:
    """How one kind of deadline went over the counted cases."""

    met: int = 0
    late: int = 0
    overdue: int = 0
    running: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.late + self.overdue

    @property
    def on_time_percent(self) -> float | None:
        """Met out of met + late + overdue, one decimal; None when nothing is decided."""
        if not self.decided:
            return None
        return round(100 * self.met / self.decided, 1)


@dataclass(frozen=True)
class Statistics:
    period: Period
    as_of: date
    cases: int
    tests_left_out: int
    by_channel: dict[str, int]
    by_status: dict[str, int]
    by_month: dict[str, int]  # YYYY-MM of the day received
    by_area: dict[str, int]  # KPK area id, NO_AREA, UNKNOWN_AREA
    forwarded_to: dict[str, int]  # apip / kpk / aph, of cases forwarded (now or before closing)
    acknowledgement: Deadline
    feedback: Deadline
    median_days_to_acknowledge: float | None  # working days, of acknowledged cases
    median_days_to_close: float | None  # working days, of final cases
    acknowledged: int
    closed: int
    overdue: int  # cases with an acknowledgement or feedback deadline overdue today
    overdue_cases: list[str] = field(default_factory=list)  # their references, most overdue first


def working_days_between(start: date, end: date, holidays: Collection[date] = frozenset()) -> int:
    """Working days after `start` up to and including `end` (0 when `end` <= `start`): the
    counterpart of `add_working_days` (add_working_days(s, n) is the first day with n)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            count += 1
    return count


def acknowledge_due(record: CaseRecord, sla: Sla, holidays: Collection[date]) -> date:
    return add_working_days(record.received, sla.acknowledge_working_days, holidays)


def feedback_due(record: CaseRecord, sla: Sla) -> date:
    return record.received + timedelta(days=sla.feedback_days)


def outcome(given: date | None, due: date, today: date) -> Outcome:
    if given is not None:
        return "met" if given <= due else "late"
    return "overdue" if today > due else "running"


def months(start: date, end: date) -> list[str]:
    """Every YYYY-MM from `start`'s month to `end`'s."""
    found = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _tally(outcomes: Iterable[Outcome]) -> Deadline:
    counted = Counter(outcomes)
    return Deadline(counted["met"], counted["late"], counted["overdue"], counted["running"])


def counted(records: Iterable[CaseRecord], rules: Rules, period: Period) -> list[CaseRecord]:
    """The records statistics count: in the period, not a test, on a configured channel."""
    return [
        r for r in records if not r.test and period.holds(r.received) and r.channel in rules.sla
    ]


def compute(records: Iterable[CaseRecord], rules: Rules, period: Period, today: date) -> Statistics:
    everything = [r for r in records if period.holds(r.received)]
    cases = counted(everything, rules, period)
    by_channel = {c: 0 for c in rules.channels} | dict(Counter(r.channel for r in cases))
    by_status = {s: 0 for s in workflow.STATUSES} | dict(Counter(r.status for r in cases))
    areas = [*rules.areas, NO_AREA, UNKNOWN_AREA]
    by_area = {a: 0 for a in areas} | dict(Counter(r.area for r in cases))
    if cases:
        first = period.start or min(r.received for r in cases)
        last = period.end or max(r.received for r in cases)
        by_month = {m: 0 for m in months(first, last)}
    else:
        by_month = {}
    for r in cases:
        by_month[r.received.strftime("%Y-%m")] = by_month.get(r.received.strftime("%Y-%m"), 0) + 1
    holidays = rules.holidays
    acknowledge = []
    feedback = []
    to_acknowledge = []
    to_close = []
    late: list[tuple[date, str]] = []
    for r in cases:
        sla = rules.sla[r.channel]
        acknowledge.append(outcome(r.acknowledged, acknowledge_due(r, sla, holidays), today))
        feedback.append(outcome(r.closed, feedback_due(r, sla), today))
        if r.acknowledged is not None:
            to_acknowledge.append(working_days_between(r.received, r.acknowledged, holidays))
        if r.closed is not None:
            to_close.append(working_days_between(r.received, r.closed, holidays))
        now = deadlines(r.status, r.received, sla, today, holidays)
        if now.overdue:
            passed = [
                d
                for d, over in (
                    (now.acknowledge_due, now.acknowledge_overdue),
                    (now.feedback_due, now.feedback_overdue),
                )
                if over and d is not None
            ]
            late.append((min(passed), r.reference))
    return Statistics(
        period=period,
        as_of=today,
        cases=len(cases),
        tests_left_out=sum(1 for r in everything if r.test),
        by_channel=by_channel,
        by_status=by_status,
        by_month=dict(sorted(by_month.items())),
        by_area=by_area,
        forwarded_to=dict(sorted(Counter(r.target for r in cases if r.target).items())),
        acknowledgement=_tally(acknowledge),
        feedback=_tally(feedback),
        median_days_to_acknowledge=_median(to_acknowledge),
        median_days_to_close=_median(to_close),
        acknowledged=len(to_acknowledge),
        closed=len(to_close),
        overdue=len(late),
        overdue_cases=[reference for _, reference in sorted(late)],
    )

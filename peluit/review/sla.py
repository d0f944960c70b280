"""Deadlines of a case, from its channel's SLA (`peluit.toml`, `[channels.sla]`).

* acknowledgement: `acknowledge_working_days` working days (Monday to Friday, except the
  organisation's `holidays`) after the day received, and only while the case is still
  `diterima`: moving it on is the acknowledgement;
* feedback to the reporter: `feedback_days` calendar days after the day received, until
  the case is final (`selesai` or `ditolak`).

A deadline is overdue from the day after it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from peluit.config.models import Sla
from peluit.core import workflow
from peluit.core.dates import add_working_days


@dataclass(frozen=True)
class Deadlines:
    received: date
    age_days: int
    acknowledge_due: date | None  # None once the case left `diterima`
    feedback_due: date | None  # None once the case is final
    today: date

    @property
    def acknowledge_overdue(self) -> bool:
        return self.acknowledge_due is not None and self.today > self.acknowledge_due

    @property
    def feedback_overdue(self) -> bool:
        return self.feedback_due is not None and self.today > self.feedback_due

    @property
    def overdue(self) -> bool:
        return self.acknowledge_overdue or self.feedback_overdue


def deadlines(
    status: str,
    received: date,
    sla: Sla,
    today: date,
    holidays: Collection[date] = frozenset(),
) -> Deadlines:
    acknowledge = (
        add_working_days(received, sla.acknowledge_working_days, holidays)
        if status == workflow.DITERIMA
        else None
    )
    feedback = (
        None
        if status in workflow.FINAL
        else date.fromordinal(received.toordinal() + sla.feedback_days)
    )
    return Deadlines(received, (today - received).days, acknowledge, feedback, today)

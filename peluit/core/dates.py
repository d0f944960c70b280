"""Dates as coarse as the workflow allows: a calendar day in the organisation's time zone."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_date(clock: Clock, timezone: str) -> date:
    return clock().astimezone(ZoneInfo(timezone)).date()


def add_working_days(start: date, days: int, holidays: Collection[date] = frozenset()) -> date:
    """`days` working days after `start`: Monday to Friday, except `holidays`."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            days -= 1
    return current

"""The periods public statistics may cover: one whole calendar month, quarter or year that has
ended (docs/adr/0055). Fixed, closed periods leave nothing to subtract: two documents whose
periods differ by a day (1 January to 5 December, then to 6 December) would show the one case
received on that day, its channel and its area. Pure.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .compute import Period


class StatsPeriodError(ValueError):
    """A period public statistics cannot cover: not a whole month, quarter or year, or not
    over yet."""


class StatsPeriodOverlapError(ValueError):
    """A period that overlaps one already published without being the same period."""


_FORM = re.compile(r"^(?P<year>[0-9]{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])))?$")


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def parse(text: str) -> Period:
    """`2026` (a year), `2026-Q3` (a quarter) or `2026-11` (a month)."""
    found = _FORM.match(text)
    if found is None:
        raise StatsPeriodError(
            f"{text!r} is not a month (2026-11), a quarter (2026-Q3) or a year (2026)"
        )
    year = int(found["year"])
    if found["month"]:
        month = int(found["month"])
        return Period(date(year, month, 1), _month_end(year, month))
    if found["quarter"]:
        first = 3 * int(found["quarter"]) - 2
        return Period(date(year, first, 1), _month_end(year, first + 2))
    return Period(date(year, 1, 1), date(year, 12, 31))


def kind(start: date | None, end: date | None) -> str:
    """ "month", "quarter" or "year", or `StatsPeriodError` for anything else."""
    if start is None or end is None:
        raise StatsPeriodError("public statistics cover a period with a first and a last day")
    if start.day == 1 and end == _month_end(start.year, start.month):
        return "month"
    if start.day == 1 and start.month % 3 == 1 and end == _month_end(start.year, start.month + 2):
        return "quarter"
    if (start.month, start.day) == (1, 1) and end == date(start.year, 12, 31):
        return "year"
    raise StatsPeriodError(
        f"{start} to {end} is not a whole month, quarter or year; public statistics cover "
        "only those"
    )


def check_publishable(start: date | None, end: date | None, today: date) -> str:
    """The period's kind if it is whole and over (its last day before `today`)."""
    found = kind(start, end)
    if end is not None and end >= today:
        raise StatsPeriodError(
            f"the period ends {end}; its statistics are published once it is over "
            f"(from {end + timedelta(days=1)})"
        )
    return found


def overlaps(a: Period, b: Period) -> bool:
    """Whether two periods share a day (an open end reaches as far as it goes)."""
    a_start, a_end = a.start or date.min, a.end or date.max
    b_start, b_end = b.start or date.min, b.end or date.max
    return a_start <= b_end and b_start <= a_end

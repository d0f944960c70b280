"""The case list as a reviewer works it: ordered by what is due, filtered, counted, searched.

Pure: it arranges rows the desk already has. The search runs over text this console has
decrypted in this session (reports' answers, messages); the words searched for never leave
this module, let alone the machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from peluit.review.views import CaseRow

MAX_QUERY = 200


@dataclass(frozen=True)
class Filters:
    """What the reviewer asked for on the cases page (all optional)."""

    channel: str | None = None
    status: str | None = None
    area: str | None = None
    overdue: bool = False
    unread: bool = False
    query: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        return cls(
            channel=query.get("channel") or None,
            status=query.get("status") or None,
            area=query.get("area") or None,
            overdue=query.get("overdue") == "1",
            unread=query.get("unread") == "1",
            query=" ".join(query.get("q", "").split())[:MAX_QUERY],
        )

    @property
    def any(self) -> bool:
        return bool(
            self.channel or self.status or self.area or self.overdue or self.unread or self.query
        )


@dataclass(frozen=True)
class Summary:
    """Counts of the rows shown; test reports (`uji`) are not counted."""

    cases: int
    overdue: int
    unread: int
    tests: int
    of: int  # cases before the filters


def next_due(row: CaseRow) -> date | None:
    """The nearest deadline still running (or passed): acknowledgement or feedback."""
    due = row.deadlines
    if due is None:
        return None
    days = [d for d in (due.acknowledge_due, due.feedback_due) if d is not None]
    return min(days) if days else None


def overdue(row: CaseRow) -> bool:
    return row.deadlines is not None and row.deadlines.overdue


def order(rows: Iterable[CaseRow]) -> list[CaseRow]:
    """Overdue first (the longest overdue on top), then by the nearest due date (on the same
    day, the one waiting longest first), then cases without a deadline (final), newest
    first; the reference breaks the remaining ties."""

    def key(row: CaseRow) -> tuple[int, int, int, str]:
        due = next_due(row)
        group = 0 if overdue(row) else 1 if due is not None else 2
        try:
            received = date.fromisoformat(row.received).toordinal()
        except ValueError:
            received = 0
        waited = -received if group == 2 else received
        return (group, due.toordinal() if due else 0, waited, row.reference)

    return sorted(rows, key=key)


def matches(query: str, texts: Iterable[str]) -> bool:
    """Every word of `query` appears (ignoring case) in one of `texts`."""
    words = query.casefold().split()
    if not words:
        return True
    haystack = "\n".join(texts).casefold()
    return all(word in haystack for word in words)


def select(
    rows: Iterable[CaseRow], filters: Filters, texts: Callable[[CaseRow], list[str]]
) -> list[CaseRow]:
    """The rows that pass every filter, in due-date order. `texts(row)` gives what this
    console has decrypted of the case (asked only when there is a query)."""
    chosen = []
    for row in rows:
        if filters.channel and row.channel != filters.channel:
            continue
        if filters.status and row.status != filters.status:
            continue
        if filters.area and (row.area is None or row.area.id != filters.area):
            continue
        if filters.overdue and not overdue(row):
            continue
        if filters.unread and not row.unread:
            continue
        if filters.query and not matches(filters.query, [row.reference, *texts(row)]):
            continue
        chosen.append(row)
    return order(chosen)


def summarize(shown: list[CaseRow], total: int) -> Summary:
    counted = [row for row in shown if not row.test]
    return Summary(
        cases=len(counted),
        overdue=sum(1 for row in counted if overdue(row)),
        unread=sum(row.unread for row in counted),
        tests=len(shown) - len(counted),
        of=total,
    )

"""One case as statistics see it: plaintext metadata, plus the KPK area once decrypted.

Nothing here is case content except the KPK area, which exists only inside the encrypted
report: the reviewer tool decrypts it and it never leaves the machine except as a count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from peluit.core import workflow

AreaState = Literal["known", "none", "unknown"]
NO_AREA = "tanpa-bidang"  # the channel does not ask for one, or the reporter did not choose
UNKNOWN_AREA = "tidak-diketahui"  # the report could not be decrypted with this person's key


class RecordError(ValueError):
    """A listed case whose metadata cannot be counted (a damaged state, a server fault)."""


@dataclass(frozen=True)
class CaseRecord:
    case: str
    reference: str
    channel: str
    status: str
    target: str | None
    received: date
    acknowledged: date | None  # the day the case first left `diterima`
    closed: date | None  # the day it became final (`selesai` or `ditolak`)
    area: str  # a configured KPK area id, NO_AREA or UNKNOWN_AREA
    test: bool = False  # tagged `uji` (peluit smoke): left out of every count

    @property
    def final(self) -> bool:
        return self.status in workflow.FINAL


def _day(value: object, what: str) -> date:
    if not isinstance(value, str):
        raise RecordError(f"{what} is not a day")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{what} {value!r} is not a day (YYYY-MM-DD)") from None


def milestones(
    received: date, history: Sequence[Mapping[str, Any]]
) -> tuple[date | None, date | None]:
    """(acknowledged, closed) from a state's history: the first change away from `diterima`
    (moving a case on is its acknowledgement, as `peluit.review.sla` counts it) and the first
    final status. A day before `received` is a server fault."""
    acknowledged: date | None = None
    closed: date | None = None
    for entry in history:
        status = entry.get("status")
        if status == workflow.DITERIMA or not isinstance(status, str):
            continue
        on = _day(entry.get("on"), f"the day of status {status!r}")
        if on < received:
            raise RecordError(f"status {status!r} on {on} is before the case was received")
        if acknowledged is None:
            acknowledged = on
        if status in workflow.FINAL and closed is None:
            closed = on
    return acknowledged, closed


def record(
    *,
    case: str,
    reference: str,
    channel: str,
    status: str,
    target: str | None,
    received: str,
    history: Sequence[Mapping[str, Any]],
    tags: Sequence[str],
    area: str,
) -> CaseRecord:
    day = _day(received, "the day received")
    acknowledged, closed = milestones(day, history)
    if status in workflow.FINAL and closed is None:
        raise RecordError(f"case {reference} is {status} without a day it became so")
    return CaseRecord(
        case=case,
        reference=reference,
        channel=channel,
        status=status,
        target=target,
        received=day,
        acknowledged=acknowledged,
        closed=closed,
        area=area,
        test=workflow.TEST_TAG in tags,
    )

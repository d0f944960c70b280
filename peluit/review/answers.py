"""The reviewer API's answers as people see them: a listed case as a row with its deadlines,
a case's history with the reasons decrypted, the day of each message. Pure: the desk fetches
and decrypts, this module only arranges what it got (`peluit.api.review_models`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from peluit.api.review_models import CaseOut, CaseSummaryOut, ThreadEntryOut, ThreadOut
from peluit.config import Config
from peluit.core.ids import case_reference
from peluit.core.report import ReportDocument

from .reading import kpk_area
from .sla import deadlines
from .views import CaseRow, HistoryEntry

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def case_row(
    config: Config,
    today: date,
    summary: CaseSummaryOut,
    thread: ThreadOut,
    document: ReportDocument | None,
) -> CaseRow:
    """A listed (or opened) case as a row: its deadlines counted from the day it was received
    in working days of the local configuration, its KPK area when its report was read."""
    found = config.channel(summary.channel)
    try:
        received: date | None = date.fromisoformat(summary.received)
    except ValueError:
        received = None
    due = (
        deadlines(summary.status, received, found.sla, today, config.organisation.holidays)
        if found is not None and received is not None
        else None
    )
    return CaseRow(
        case=summary.case,
        reference=case_reference(summary.case),
        channel=summary.channel,
        status=summary.status,
        target=summary.target,
        received=summary.received,
        files=summary.files,
        identity=summary.identity,
        deadlines=due,
        area=kpk_area(config, document) if document else None,
        unread=thread.unread,
        tags=tuple(summary.tags),
    )


def note_keys(
    entries: Sequence[Mapping[str, Any]], objects: Mapping[str, object]
) -> list[str | None]:
    """Each history entry's encrypted reason (`notes/{sha256}.age`), if the caller may read it."""
    return [
        key if (key := f"notes/{e.get('note')}.age") in objects and e.get("note") else None
        for e in entries
    ]


def history(
    entries: Sequence[Mapping[str, Any]], reasons: Sequence[str | None]
) -> list[HistoryEntry]:
    """The case's history, each entry with its reason as decrypted here (None: none, or not
    readable)."""
    return [
        HistoryEntry(
            status=str(e.get("status")),
            on=str(e.get("on")),
            by=e.get("by"),
            target=e.get("target"),
            reason=reason,
        )
        for e, reason in zip(entries, reasons, strict=True)
    ]


def message_days(entries: Sequence[ThreadEntryOut]) -> dict[int, str | None]:
    """The case view's `messages` as {seq: day}; a day that is not YYYY-MM-DD is None."""
    return {e.seq: e.on if e.on is not None and _DAY.fullmatch(e.on) else None for e in entries}


def additions(view: CaseOut) -> list[dict[str, object]]:
    """The view's added evidence as `content.assemble` checks it (the API's JSON shape)."""
    return [a.model_dump() for a in view.additions]

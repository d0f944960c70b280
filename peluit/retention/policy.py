"""Which cases are past their channel's retention period: pure, from each case's plaintext
workflow metadata (channel, received day, status, tags), never its content.

A case is *due* on `received + retention_days` (calendar days). Only a due case whose status is
final (selesai, ditolak) may be disposed of; a due case still open is reported so the team
can close it or decide to keep it (a case under investigation is never disposed of)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from peluit.config import Config
from peluit.core import workflow
from peluit.core.casestate import CaseState


@dataclass(frozen=True)
class RetentionRow:
    case: str
    channel: str
    received: date
    status: str
    test: bool
    keep_until: date  # the first day the case may be disposed of
    due: bool  # today is on or after keep_until

    @property
    def disposable(self) -> bool:
        return self.due and self.status in workflow.FINAL


def keep_until(config: Config, channel: str, received: date) -> date:
    found = config.channel(channel)
    days = (
        found.retention_days
        if found is not None
        else max(c.retention_days for c in config.channels)
    )
    return received + timedelta(days=days)


def row(config: Config, case: str, state: CaseState, today: date) -> RetentionRow:
    received = date.fromisoformat(state.received)
    until = keep_until(config, state.channel, received)
    return RetentionRow(
        case,
        state.channel,
        received,
        state.status,
        workflow.TEST_TAG in state.tags,
        until,
        today >= until,
    )


def lock_days(config: Config) -> int:
    """The case bucket's Object Lock period `peluit deploy` sets: the shortest channel's
    `retention_days`, so that no case is locked past its own period (a longer channel's cases
    are kept past the lock by the disposal rule, which only a signed approval opens)."""
    return min(c.retention_days for c in config.channels)


def due_rows(rows: Iterable[RetentionRow]) -> list[RetentionRow]:
    return sorted((r for r in rows if r.due), key=lambda r: (r.keep_until, r.case))

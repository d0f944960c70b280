"""The published statistics on the server: one signed document per published period, all kept
in `published/stats.json` in the case store (`peluit-stats-history/1`); the public API serves
the one whose period ends last.

The server checks what it can without reading any case: the document is well formed (no
count of 1 to 4 fits `peluit-stats/1`), its shown numbers pin no hidden count
(`peluit.stats.disclosure`), its period is one whole month, quarter or year that is over by
the server's own date, and it does not overlap a period already published unless it is that
very period (a republication replaces that period's document): periods that overlap would
show the cases of their difference (docs/adr/0055). It is signed by the roster key of the
reviewer who sends it, and it covers only channels that person reviews. Each publication is
audited (`stats.publish`, with the SHA-256 of the document). The numbers themselves are the
reviewer's, computed on their machine from decrypted reports (docs/adr/0041).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from peluit.config import Config
from peluit.core.audit import AuditLog
from peluit.core.canonical import canonical
from peluit.core.dates import Clock, local_date
from peluit.core.errors import NotPermittedError
from peluit.store.errors import ObjectNotFoundError, PreconditionFailedError
from peluit.store.port import ObjectStore

from .compute import Period
from .disclosure import StatsDisclosureError, check_document
from .document import SignedStats
from .periods import (
    StatsPeriodError,
    StatsPeriodOverlapError,
    check_publishable,
    kind,
    overlaps,
)
from .signature import StatsSignatureError, check_signer

KEY = "published/stats.json"
HISTORY: Literal["peluit-stats-history/1"] = "peluit-stats-history/1"
ATTEMPTS = 8
MAX_DOCUMENTS = 1200  # a century of months


class StatsNotPublishedError(LookupError):
    """No statistics were published yet (or what is stored is not a document)."""


class StatsBusyError(RuntimeError):
    """Other publications kept winning the race to replace the document."""


class History(BaseModel):
    """What `published/stats.json` holds: every published period's document, oldest first."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    format: Literal["peluit-stats-history/1"] = HISTORY
    documents: Annotated[list[SignedStats], Field(max_length=MAX_DOCUMENTS)]


def _period(signed: SignedStats) -> Period:
    period = signed.document.period
    return Period(
        date.fromisoformat(period.start) if period.start else None,
        date.fromisoformat(period.end) if period.end else None,
    )


def _whole(period: Period) -> bool:
    try:
        kind(period.start, period.end)
    except StatsPeriodError:
        return False
    return True


def _parse(data: bytes) -> History:
    try:
        return History.model_validate_json(data)
    except ValidationError:
        pass
    try:  # a single document, as stored before histories were kept
        return History(documents=[SignedStats.model_validate_json(data)])
    except ValidationError:
        raise StatsNotPublishedError("the stored statistics are not a document") from None


def with_publication(history: History, signed: SignedStats) -> History:
    """`history` with `signed` added, or in place of the same period's document;
    `StatsPeriodOverlapError` if it overlaps another published period."""
    period = _period(signed)
    kept = []
    for stored in history.documents:
        other = _period(stored)
        if other == period or not _whole(other):
            continue  # replaced; or stored before ADR 0055 for any period: not kept
        if overlaps(other, period):
            raise StatsPeriodOverlapError(
                f"{period.label()} overlaps the published period {other.label()}; only that "
                "very period can be published again"
            )
        kept.append(stored)
    documents = sorted([*kept, signed], key=lambda d: _period(d).end or date.max)
    return History(documents=documents)


class PublishedStats:
    def __init__(self, config: Config, store: ObjectStore, clock: Clock) -> None:
        self._config = config
        self._store = store
        self._clock = clock
        self._audit = AuditLog(store, clock, config.organisation.timezone)

    def _read(self) -> tuple[History, str | None]:
        try:
            data, info = self._store.get_with_info(KEY)
        except ObjectNotFoundError:
            return History(documents=[]), None
        return _parse(data), info.etag

    def publish(self, actor: str, signed: SignedStats) -> SignedStats:
        if signed.document.signer != actor:
            raise NotPermittedError("a reviewer publishes statistics signed by their own key")
        person = next((p for p in self._config.people if p.id == actor), None)
        if person is None or "reviewer" not in person.roles:
            raise NotPermittedError("only reviewers publish statistics")
        check_signer(self._config, signed)  # StatsSignatureError: 422
        check_document(signed.document)  # StatsDisclosureError: 422
        period = _period(signed)
        today = local_date(self._clock, self._config.organisation.timezone)
        check_publishable(period.start, period.end, today)  # StatsPeriodError: 422
        check_publishable(period.start, period.end, date.fromisoformat(signed.document.as_of))
        history, _ = self._read()
        with_publication(history, signed)  # StatsPeriodOverlapError: 409, before the audit
        data = canonical(signed.model_dump(mode="json"))
        self._audit.append(actor, "stats.publish", object_sha256=hashlib.sha256(data).hexdigest())
        for _ in range(ATTEMPTS):
            history, etag = self._read()
            updated = with_publication(history, signed)
            try:
                self._store.replace(KEY, canonical(updated.model_dump(mode="json")), etag)
            except PreconditionFailedError:
                continue  # another publication came first: ours is the newer, write it again
            return signed
        raise StatsBusyError("the statistics document kept changing; try again")

    def history(self) -> list[SignedStats]:
        """Every published period's document, the period ending last last."""
        try:
            return list(self._read()[0].documents)
        except StatsNotPublishedError:
            return []

    def current(self) -> SignedStats:
        """The document of the published period that ends last."""
        history, _ = self._read()
        if not history.documents:
            raise StatsNotPublishedError("no statistics have been published")
        return history.documents[-1]


__all__ = [
    "KEY",
    "History",
    "PublishedStats",
    "StatsBusyError",
    "StatsDisclosureError",
    "StatsNotPublishedError",
    "StatsPeriodError",
    "StatsPeriodOverlapError",
    "StatsSignatureError",
]

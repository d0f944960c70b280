"""Reading every indexed case's workflow metadata from the store, for the retention report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from peluit.config import Config
from peluit.core.cases import CaseFiles
from peluit.core.errors import CaseNotFoundError
from peluit.store.port import ObjectStore

from .policy import RetentionRow, row


def rows(config: Config, store: ObjectStore, today: date) -> Iterator[RetentionRow]:
    """Every case the channels' indexes list (once, under the day its state names)."""
    cases = CaseFiles(store)
    seen: set[str] = set()
    for entry in cases.index([c.id for c in config.channels]):
        if entry.case in seen:
            continue
        try:
            state, _ = cases.load(entry.case)
        except CaseNotFoundError:
            continue  # indexed, not yet complete
        if state.received != entry.received:
            continue  # a second index entry: the case is listed under its own day
        seen.add(entry.case)
        yield row(config, entry.case, state, today)

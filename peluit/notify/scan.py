"""Reading what the plan needs from the store: the channel index, each case's state.json,
its thread's listing (who wrote, never what) and the read markers. Nothing is decrypted and
nothing of a report, identity block or message body is read."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date

from peluit.config.models import Config
from peluit.core import thread, workflow
from peluit.core.cases import CaseFiles
from peluit.core.casestate import StateFormatError
from peluit.core.errors import CaseNotFoundError
from peluit.core.reads import ReadMarkers
from peluit.store.port import ObjectStore

from .plan import CaseFacts

_log = logging.getLogger(__name__)


def cases(config: Config, store: ObjectStore) -> Iterator[CaseFacts]:
    """Every indexed case of the configured channels, once, without test reports (`uji`)."""
    files = CaseFiles(store)
    seen: set[str] = set()
    for entry in files.index([c.id for c in config.channels]):
        if entry.case in seen:
            continue
        try:
            state, _ = files.load(entry.case)
        except (CaseNotFoundError, StateFormatError):
            _log.warning("notify: an indexed case without a readable state was skipped")
            continue
        if state.channel != entry.channel or state.received != entry.received:
            continue  # indexed under a second day (a retried finalization); its own comes too
        seen.add(entry.case)
        if workflow.TEST_TAG in state.tags:
            continue
        reporter = tuple(m.seq for m in thread.messages(store, entry.case) if m.from_reporter)
        yield CaseFacts(
            entry.case, state.channel, state.status, date.fromisoformat(state.received), reporter
        )


def last_read(store: ObjectStore) -> ReadMarkers:
    return ReadMarkers(store)

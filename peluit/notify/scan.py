"""Reading what the plan needs from the store: the channel index, each case's state.json,
its thread's listing (who wrote, never what), the read markers and the emergency revocation
list. Nothing is decrypted and nothing of a report, identity block or message body is read.

Among the cases the scan lists only the prefixes it needs (the notify role may list nothing
else there, not `lookup/`: infra/peluit.yaml), so it never asks for a key that may be missing:
S3 answers such a request 404 only to a role that may list the whole bucket. The read markers
and the revocation list are listed first and read only when they are there."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date

from peluit.config.models import Config
from peluit.core import layout, revocation, thread, workflow
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


class ListedReadMarkers:
    """`ReadMarkers.last_read`, reading a marker only when the listing of its case's markers
    (`reads/<case>/`) shows it, once per case."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store
        self._markers = ReadMarkers(store)
        self._listed: dict[str, frozenset[str]] = {}

    def last_read(self, case: str, person: str) -> int:
        if case not in self._listed:
            prefix = layout.read_markers_prefix(case)
            self._listed[case] = frozenset(self._store.list_keys(prefix))
        if layout.read_marker(case, person) not in self._listed[case]:
            return 0
        return self._markers.last_read(case, person)


def last_read(store: ObjectStore) -> ListedReadMarkers:
    return ListedReadMarkers(store)


def revoked(store: ObjectStore) -> frozenset[str]:
    """Who is on the emergency revocation list (ADR 0045); `RevocationListError` when it is
    not a list, so that the scan fails (and its alarm shows) rather than mail everyone."""
    if revocation.KEY not in set(store.list_keys(revocation.KEY)):
        return frozenset()
    return revocation.revoked(store)

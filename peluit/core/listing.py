"""The paging parts of the reviewer listing (`ReviewService.list_cases`): its cursor, a batch's
shares of work, the thread index markers of a batch (ADR 0056), and a case's own state."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from peluit.store.port import ObjectStore

from . import layout, parallel
from .cases import CaseFiles, IndexEntry
from .casestate import CaseState, StateFormatError
from .errors import CaseNotFoundError, InvalidCursorError
from .ids import CASE_ID_PATTERN

T = TypeVar("T")
_CURSOR = re.compile(rf"([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})\.({CASE_ID_PATTERN})")


def after(cursor: str | None) -> IndexEntry | None:
    """The index entry a cursor names (the last one of the previous page)."""
    if cursor is None:
        return None
    match = _CURSOR.fullmatch(cursor)
    if not match:
        raise InvalidCursorError("this paging cursor was not given out by the server")
    return IndexEntry(match.group(1), match.group(2), "")


def cursor_of(entry: IndexEntry) -> str:
    return f"{entry.received}.{entry.case}"


def shares(batch: Sequence[T], store: object) -> list[Sequence[T]]:
    """The batch in as many consecutive shares as the pool has threads, if the store's reads
    wait (`parallel.reads_wait`): as many calls in flight as one task per item gave, without
    a future (and a thread switch) for each; else in one share, read in the caller's thread."""
    if not parallel.reads_wait(store):
        return [batch]
    size = -(-len(batch) // parallel.WORKERS)
    return [batch[n : n + size] for n in range(0, len(batch), size)]


def thread_markers(
    store: ObjectStore, batch: Sequence[IndexEntry], before: IndexEntry | None
) -> set[str]:
    """The thread index markers of the batch's cases (`thread.mark_active`): one listing per
    channel, from the entry before the batch to the batch's last, as the markers sort as the
    case index does (ADR 0056)."""
    markers: set[str] = set()
    for channel in sorted({e.channel for e in batch}):
        start = layout.thread_index(channel, before.received, before.case) if before else None
        end = layout.thread_index(channel, batch[-1].received, batch[-1].case)
        for key in store.list_keys(layout.thread_index_prefix(channel), start):
            if key > end:
                break
            markers.add(key)
    return markers


def state_if_complete(cases: CaseFiles, entry: IndexEntry) -> CaseState | None:
    """The case's state if it is complete and `entry` is its own index entry (its channel and
    the day it was received: a second entry for another day is passed over)."""
    try:
        state, _ = cases.load(entry.case)
    except (CaseNotFoundError, StateFormatError):  # not complete yet, or damaged
        return None
    if state.channel != entry.channel or state.received != entry.received:
        return None
    return state

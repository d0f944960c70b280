"""What each reviewer or overseer has seen of a case's thread, for unread counts.

    reads/{case}/{person}.json   {"version": 1, "seq": 7}

`seq` is the highest thread message the person has marked as seen; it only moves forward
(a conditional write, retried on a race). Unread = the reporter's messages after it: a
reporter's message or added evidence (whose manifest is a message) counts once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from peluit.store.errors import ObjectNotFoundError, PreconditionFailedError
from peluit.store.port import ObjectStore

from . import layout
from .canonical import canonical
from .errors import StateConflictError
from .thread import Message

ATTEMPTS = 8


def unread(thread: Sequence[Message], last_read: int) -> int:
    """The reporter's messages after `last_read`."""
    return sum(1 for m in thread if m.from_reporter and m.seq > last_read)


class ReadMarkers:
    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    def last_read(self, case: str, person: str) -> int:
        try:
            data = self._store.get(layout.read_marker(case, person))
        except ObjectNotFoundError:
            return 0
        return _seq_of(data)

    def advance(self, case: str, person: str, seq: int) -> int:
        """Mark messages up to `seq` as seen; returns the marker afterwards (never lower)."""
        key = layout.read_marker(case, person)
        for _ in range(ATTEMPTS):
            try:
                data, info = self._store.get_with_info(key)
                current, etag = _seq_of(data), info.etag
            except ObjectNotFoundError:
                current, etag = 0, None
            if seq <= current:
                return current
            try:
                self._store.replace(key, canonical({"version": 1, "seq": seq}), etag)
            except PreconditionFailedError:
                continue
            return seq
        raise StateConflictError("the read marker kept changing; try again")


def _seq_of(data: bytes) -> int:
    try:
        value = json.loads(data).get("seq")
    except (ValueError, AttributeError):
        return 0
    return value if isinstance(value, int) and value >= 0 else 0

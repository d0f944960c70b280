"""Reading a case's stored parts for the review side: state, reply key, objects, index."""

from __future__ import annotations

import hashlib
import heapq
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from peluit.store.errors import ObjectExistsError, ObjectNotFoundError
from peluit.store.port import ObjectInfo, ObjectStore

from . import layout
from .casestate import CaseState
from .errors import CaseNotFoundError, ReplyKeyMissingError, StateConflictError
from .ids import CASE_ID, ROSTER_ID_PATTERN

_INDEX_KEY = re.compile(rf"index/cases/({ROSTER_ID_PATTERN})/([0-9]{{8}})/(.+)")


@dataclass(frozen=True)
class IndexEntry:
    """A case as the channel index lists it: the day it was received, its id, its channel."""

    received: str
    case: str
    channel: str


@dataclass(frozen=True)
class Reporter:
    """What `reply.json` holds of the reporter's signatures (core/reporter_signature.py): the
    key, its signature over the report and identity block, and the identity block's SHA-256.
    The server only passes these on; the review tool verifies them."""

    key: str  # hex
    report_signature: str  # hex
    identity_sha256: str | None
    statement: int = 1  # 2: the signature covers the case id and the reply key too


class CaseFiles:
    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    def load(self, case: str) -> tuple[CaseState, ObjectInfo]:
        """The case's state and its version; `CaseNotFoundError` until it is complete."""
        if not CASE_ID.fullmatch(case):
            raise CaseNotFoundError("no such case")
        try:
            data, info = self._store.get_with_info(layout.case_state(case))
        except ObjectNotFoundError:
            raise CaseNotFoundError("no such case") from None
        return CaseState.parse(data), info

    def reply_recipient(self, case: str) -> str:
        try:
            entry = json.loads(self._store.get(layout.case_reply(case)))
        except ObjectNotFoundError:
            raise ReplyKeyMissingError("this case has no reply key") from None
        return str(entry["reply_recipient"])

    def reporter(self, case: str) -> Reporter | None:
        """The reporter's key and report signature from `reply.json`, as stored at
        finalization; None for a case from before signatures (or without `reply.json`)."""
        try:
            entry = json.loads(self._store.get(layout.case_reply(case)))
        except (ObjectNotFoundError, ValueError):
            return None
        key, signature = entry.get("reporter_key"), entry.get("report_signature")
        identity = entry.get("identity_sha256")
        if not (isinstance(key, str) and isinstance(signature, str)):
            return None
        statement = 2 if entry.get("statement") == 2 else 1
        return Reporter(key, signature, identity if isinstance(identity, str) else None, statement)

    def objects(self, case: str) -> list[ObjectInfo]:
        """Every stored object of the case, keys relative to `cases/{case}/`."""
        prefix = layout.case_prefix(case)
        return [
            ObjectInfo(info.key.removeprefix(prefix), info.size, info.etag)
            for info in self._store.list(prefix)
        ]

    def put_note(self, case: str, data: bytes) -> str:
        """Store an encrypted reason under its SHA-256 (create-only, a retry is fine)."""
        digest = hashlib.sha256(data).digest()
        put_same(self._store, layout.case_note(case, digest), data)
        return digest.hex()

    def index(self, channels: list[str], after: IndexEntry | None = None) -> Iterator[IndexEntry]:
        """The indexed cases of `channels` in listing order (`order_key`: newest day first,
        then case id), only those after `after`, read lazily: the index's keys sort in that
        order (layout.case_index), so each channel is listed from `after` on, and a caller
        that stops early reads no further. A case indexed under two days (a finalization
        retried across midnight) comes twice; the caller keeps the entry whose day is the
        case's own."""
        return heapq.merge(*(self._channel(c, after) for c in channels), key=order_key)

    def _channel(self, channel: str, after: IndexEntry | None) -> Iterator[IndexEntry]:
        start = layout.case_index(channel, after.received, after.case) if after else None
        for key in self._store.list_keys(layout.case_index_prefix(channel), start_after=start):
            match = _INDEX_KEY.fullmatch(key)
            if not match or match.group(1) != channel or not CASE_ID.fullmatch(match[3]):
                continue
            received = layout.index_day_received(match.group(2))
            if received is not None:
                yield IndexEntry(received, match.group(3), channel)


def order_key(entry: IndexEntry) -> tuple[int, str]:
    """Newest first, then by case id."""
    year, month, day = (int(part) for part in entry.received.split("-"))
    return (-(year * 10000 + month * 100 + day), entry.case)


def put_same(store: ObjectStore, key: str, data: bytes) -> None:
    """Create-only write that accepts an identical object already there (a retry)."""
    try:
        store.put_new(key, data)
    except ObjectExistsError:
        if store.sha256(key) != hashlib.sha256(data).digest():
            raise StateConflictError("a different object is already stored there") from None

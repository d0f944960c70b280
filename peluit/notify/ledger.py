"""What has been told to whom: create-only markers under `notify/` (short-lived, in the
staging bucket on AWS, expired by a lifecycle rule after `MARKER_DAYS`).

A marker's name is a SHA-256 of the person and the event key, so the store holds neither a
case id nor a roster id in the clear there; it is empty. A mail is sent first and its events
marked after, so a failed send is retried at the next scan (at least once, never lost).
"""

from __future__ import annotations

import contextlib
import hashlib
from datetime import date
from typing import Final

from peluit.store.errors import ObjectExistsError, ObjectNotFoundError
from peluit.store.port import ObjectStore

from .plan import Event

PREFIX: Final = "notify/"
MARKER_DAYS: Final = 35  # infra/peluit.yaml expire-notify; longer than NEW_CASE_DAYS


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{PREFIX}{kind}/{digest}"


def event_key(person: str, event: Event) -> str:
    return _key("sent", person, event.key)


def digest_key(person: str, day: date) -> str:
    return _key("digest", person, day.isoformat())


class Ledger:
    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    def told(self, person: str, event: Event) -> bool:
        return self._exists(event_key(person, event))

    def mark(self, person: str, event: Event) -> None:
        self._create(event_key(person, event))

    def digest_sent(self, person: str, day: date) -> bool:
        return self._exists(digest_key(person, day))

    def mark_digest(self, person: str, day: date) -> None:
        self._create(digest_key(person, day))

    def _exists(self, key: str) -> bool:
        try:
            self._store.head(key)
        except ObjectNotFoundError:
            return False
        return True

    def _create(self, key: str) -> None:
        # A scan that overlapped this one may have marked it first: the same fact.
        with contextlib.suppress(ObjectExistsError):
            self._store.put_new(key, b"")

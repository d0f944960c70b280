"""The published statistics on the server: one signed document (`published/stats.json` in the
case store), replaced by each publication, read by the public API for the site.

The server checks what it can without reading any case: the document is well formed (no
count of 1 to 4 fits `peluit-stats/1`), it is signed by the roster key of the reviewer who
sends it, and it covers only channels that person reviews. Each publication is audited
(`stats.publish`, with the SHA-256 of what was stored). The numbers themselves are the
reviewer's, computed on their machine from decrypted reports (docs/adr/0041).
"""

from __future__ import annotations

import hashlib

from pydantic import ValidationError

from peluit.config import Config
from peluit.core.audit import AuditLog
from peluit.core.canonical import canonical
from peluit.core.dates import Clock
from peluit.core.errors import NotPermittedError
from peluit.store.errors import ObjectNotFoundError, PreconditionFailedError
from peluit.store.port import ObjectStore

from .document import SignedStats
from .signature import StatsSignatureError, check_signer

KEY = "published/stats.json"
ATTEMPTS = 8


class StatsNotPublishedError(LookupError):
    """No statistics were published yet (or what is stored is not a document)."""


class StatsBusyError(RuntimeError):
    """Other publications kept winning the race to replace the document."""


class PublishedStats:
    def __init__(self, config: Config, store: ObjectStore, clock: Clock) -> None:
        self._config = config
        self._store = store
        self._audit = AuditLog(store, clock, config.organisation.timezone)

    def publish(self, actor: str, signed: SignedStats) -> SignedStats:
        if signed.document.signer != actor:
            raise NotPermittedError("a reviewer publishes statistics signed by their own key")
        person = next((p for p in self._config.people if p.id == actor), None)
        if person is None or "reviewer" not in person.roles:
            raise NotPermittedError("only reviewers publish statistics")
        check_signer(self._config, signed)  # StatsSignatureError: 422
        data = canonical(signed.model_dump(mode="json"))
        self._audit.append(actor, "stats.publish", object_sha256=hashlib.sha256(data).hexdigest())
        for _ in range(ATTEMPTS):
            try:
                _, info = self._store.get_with_info(KEY)
                etag: str | None = info.etag
            except ObjectNotFoundError:
                etag = None
            try:
                self._store.replace(KEY, data, etag)
            except PreconditionFailedError:
                continue  # another publication came first: ours is the newer, write it again
            return signed
        raise StatsBusyError("the statistics document kept changing; try again")

    def current(self) -> SignedStats:
        try:
            data = self._store.get(KEY)
        except ObjectNotFoundError:
            raise StatsNotPublishedError("no statistics have been published") from None
        try:
            return SignedStats.model_validate_json(data)
        except ValidationError:
            raise StatsNotPublishedError("the stored statistics are not a document") from None


__all__ = [
    "KEY",
    "PublishedStats",
    "StatsBusyError",
    "StatsNotPublishedError",
    "StatsSignatureError",
]

"""Single-use request nonces, remembered in the store to refuse replayed requests.

Each accepted signed request creates `nonces/{sha256(keyid:nonce)}` (empty) with a
create-only write; a second request with the same key id and nonce finds it and is
refused. Signatures older than five minutes are refused anyway, so the objects only need
to live a little longer than that: production expires them with an S3 lifecycle rule on
`nonces/` (one day). The hash keeps key ids and nonces out of the object names.
"""

from __future__ import annotations

from peluit.store.errors import ObjectExistsError, ObjectNotFoundError
from peluit.store.port import ObjectStore

from . import layout
from .errors import ReplayedRequestError


class NonceLedger:
    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    def check_unused(self, key_id: str, nonce: str) -> None:
        """A read-only early refusal of a replay; `spend` remains the atomic check."""
        try:
            self._store.head(layout.nonce(key_id, nonce))
        except ObjectNotFoundError:
            return
        raise ReplayedRequestError("this signed request was already used")

    def spend(self, key_id: str, nonce: str) -> None:
        """Record the nonce; `ReplayedRequestError` if it was recorded before."""
        try:
            self._store.put_new(layout.nonce(key_id, nonce), b"")
        except ObjectExistsError:
            raise ReplayedRequestError("this signed request was already used") from None

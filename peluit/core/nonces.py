"""Single-use request nonces, remembered in the store to refuse replayed requests.

Each accepted signed request creates `nonces/{sha256(keyid:nonce)}` (empty) with a
create-only write; a second request with the same key id and nonce finds it and is
refused. Signatures older than five minutes are refused anyway, so the objects only need
to live a little longer than that: production expires them with an S3 lifecycle rule on
`nonces/` (one day). The hash keeps key ids and nonces out of the object names.

Admission is structural, not a call each service method must remember (issue 18, finding 7):

* `Admission` spends one request's nonce, once;
* `AdmittingStore` is the store view the reviewer API's services are built on: its first write
  of a request (`put_new`, `put_new_stream`, `replace`, `copy_new`, and `presign_put`, which
  hands out a write) spends the request's nonce before writing, so a replay fails before it
  changes anything, whichever route or helper writes;
* the resolver spends the nonce of a request that wrote nothing before its answer leaves
  (`peluit.api.reviewer`), so a read is not replayable either.

The services still authorise before their first write, so a refused request spends nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import BinaryIO

from peluit.store.errors import ObjectExistsError, ObjectNotFoundError
from peluit.store.port import ObjectInfo, ObjectStore, UploadTicket

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


class Admission:
    """One signed request's nonce, spent at most once (and again refused if it was before)."""

    def __init__(self, ledger: NonceLedger, key_id: str, nonce: str) -> None:
        self._ledger = ledger
        self._key_id = key_id
        self._nonce = nonce
        self.spent = False

    def __call__(self) -> None:
        if not self.spent:
            self._ledger.spend(self._key_id, self._nonce)  # ReplayedRequestError: not spent
            self.spent = True


_current: ContextVar[Admission | None] = ContextVar("peluit_admission", default=None)


@contextmanager
def admitting(admission: Admission) -> Iterator[Admission]:
    """Within this block (one request, one thread), `AdmittingStore` writes spend `admission`."""
    token = _current.set(admission)
    try:
        yield admission
    finally:
        _current.reset(token)


def _admit() -> None:
    admission = _current.get()
    if admission is not None:  # outside a request (a command, a test of the core): no nonce
        admission()


class AdmittingStore:
    """`store`, with every write preceded by the current request's admission."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store
        # whether reads wait on a network, as `store` says (core/parallel.py `reads_wait`)
        self.reads_wait = bool(getattr(store, "reads_wait", True))

    # -- writes: admitted first ------------------------------------------------------------

    def put_new(self, key: str, data: bytes) -> ObjectInfo:
        _admit()
        return self._store.put_new(key, data)

    def put_new_stream(self, key: str, src: BinaryIO, size: int) -> ObjectInfo:
        _admit()
        return self._store.put_new_stream(key, src, size)

    def replace(self, key: str, data: bytes, if_match: str | None) -> ObjectInfo:
        _admit()
        return self._store.replace(key, data, if_match)

    def copy_new(self, source: str, dest: str) -> ObjectInfo:
        _admit()
        return self._store.copy_new(source, dest)

    def presign_put(
        self, key: str, size: int, sha256: bytes, expires_in: timedelta
    ) -> UploadTicket:
        _admit()
        return self._store.presign_put(key, size, sha256, expires_in)

    # -- reads ------------------------------------------------------------------------------

    def get(self, key: str) -> bytes:
        return self._store.get(key)

    def get_with_info(self, key: str) -> tuple[bytes, ObjectInfo]:
        return self._store.get_with_info(key)

    def open(self, key: str) -> BinaryIO:
        return self._store.open(key)

    def read_range(self, key: str, start: int, length: int) -> bytes:
        return self._store.read_range(key, start, length)

    def head(self, key: str) -> ObjectInfo:
        return self._store.head(key)

    def sha256(self, key: str) -> bytes:
        return self._store.sha256(key)

    def list_keys(self, prefix: str, start_after: str | None = None) -> Iterator[str]:
        return self._store.list_keys(prefix, start_after)

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        return self._store.list(prefix)

    def presign_get(self, key: str, expires_in: timedelta) -> str:
        return self._store.presign_get(key, expires_in)

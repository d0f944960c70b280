"""The object store port: what the core needs from S3 or a local directory, nothing more."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import BinaryIO, Protocol, runtime_checkable


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    etag: str  # opaque version token for conditional writes


@dataclass(frozen=True)
class UploadTicket:
    """What a browser needs to PUT one object directly to the store."""

    url: str
    method: str
    headers: dict[str, str] = field(default_factory=dict)


class ObjectStore(Protocol):
    """Every method validates its keys (`keys.validate_key`, `keys.validate_prefix`) before
    anything else and raises `InvalidKeyError` for one outside the grammar. Writes are whole
    or absent: a failed write leaves nothing at its key."""

    def put_new(self, key: str, data: bytes) -> ObjectInfo:
        """Create `key` with `data`; raise `ObjectExistsError` if it exists. Atomic."""

    def put_new_stream(self, key: str, src: BinaryIO, size: int) -> ObjectInfo:
        """Create `key` from exactly `size` bytes of `src`, never reading further;
        `ValueError` if `src` ends sooner, `ObjectExistsError` if the key exists."""

    def replace(self, key: str, data: bytes, if_match: str | None) -> ObjectInfo:
        """Write `key`; with `if_match`, only if its current etag is that, else
        `PreconditionFailedError` (also when absent). With None, only if absent (else
        `PreconditionFailedError`, not `ObjectExistsError`)."""

    def get(self, key: str) -> bytes:
        """Whole object; `ObjectNotFoundError` if absent."""

    def get_with_info(self, key: str) -> tuple[bytes, ObjectInfo]:
        """Whole object and its info (etag for a later `replace`)."""

    def open(self, key: str) -> BinaryIO:
        """A readable stream of the object (caller closes); `ObjectNotFoundError` if absent."""

    def read_range(self, key: str, start: int, length: int) -> bytes:
        """Up to `length` bytes from `start` (empty past the end); `ValueError` if either
        is negative, `ObjectNotFoundError` if absent (even for `length` 0)."""

    def head(self, key: str) -> ObjectInfo:
        """Info without content; `ObjectNotFoundError` if absent."""

    def sha256(self, key: str) -> bytes:
        """SHA-256 of the content (S3: the stored full-object checksum when present)."""

    def copy_new(self, source: str, dest: str) -> ObjectInfo:
        """Server-side copy to a new key; `ObjectExistsError` if `dest` exists."""

    def list_keys(self, prefix: str, start_after: str | None = None) -> Iterator[str]:
        """The keys `list` would give, without sizes or etags (cheap on every adapter); with
        `start_after`, only the keys after it in key order. Read lazily: a caller that stops
        early pays only for what it read."""

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        """Every object whose key starts with `prefix` (a plain string prefix: "a/b" also
        matches "a/bc"), in key order. The prefix is validated at the call, the store read
        as the iterator is consumed. Keys outside the grammar are never listed."""

    def presign_put(
        self, key: str, size: int, sha256: bytes, expires_in: timedelta
    ) -> UploadTicket:
        """A URL that accepts exactly one create-only PUT of `size` bytes hashing to `sha256`.

        The client sends `headers` verbatim (Content-Length it sets from the body).
        `ValueError` for a negative size, a digest that is not 32 bytes, or `expires_in`
        not within (0, 7 days] (S3: at least one second)."""

    def presign_get(self, key: str, expires_in: timedelta) -> str:
        """A URL that allows GETs of `key` until it expires, without other credentials.

        Does not check that the object exists. `ValueError` for `expires_in` not within
        (0, 7 days] (S3: at least one second)."""


class PreparedWrite(Protocol):
    """A create-only write made ready (its bytes written and flushed where the store keeps
    files) but not yet visible: no read, listing or key shows anything of it until `commit`."""

    def commit(self) -> ObjectInfo:
        """Make the object appear, whole and in one step, as `put_new` would;
        `ObjectExistsError` if the key exists by then. At most once."""

    def discard(self) -> None:
        """Drop what was made ready, unless committed; may be called again."""


@runtime_checkable
class PreparesWrites(Protocol):
    """What a store that can make writes ready ahead offers besides `ObjectStore` (the local
    store: temp files written and fsynced while earlier steps run, ADR 0060). A store
    without it (S3, where a PUT is one round trip) is written to with `put_new`."""

    def prepare_new(self, key: str, data: bytes) -> PreparedWrite:
        """`data` made ready for a later create-only `commit` at `key`; the key's validity is
        checked now (`InvalidKeyError`), whether it exists only at `commit`."""

    def prepare_copy(self, source: str, dest: str, sha256: bytes | None = None) -> PreparedWrite:
        """`copy_new(source, dest)` made ready for a later `commit`, which raises what
        `copy_new` would (`ObjectExistsError`, `ObjectNotFoundError`, ...); with `sha256`, the
        digest the caller checked the source to have: another one is `ObjectChangedError`."""

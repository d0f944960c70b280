"""Test doubles for the object store port and the clock.

`MemoryStore` keeps objects in a dict and behaves like the real adapters where the
core can tell: create-only writes, etags, conditional replace, key validation, and
presigned uploads bound to a size and a SHA-256 that `upload` (the browser's PUT)
enforces. `CrashingStore` wraps it to stop a process mid-way through its writes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO, TypeVar
from urllib.parse import parse_qs, urlsplit

from peluit.core.dates import Clock
from peluit.store.errors import (
    DownloadRejectedError,
    ObjectExistsError,
    ObjectNotFoundError,
    PreconditionFailedError,
    StoreError,
    UploadRejectedError,
)
from peluit.store.keys import validate_key, validate_prefix
from peluit.store.port import ObjectInfo, ObjectStore, UploadTicket

UPLOAD_SCHEME = "memory://upload/"
DOWNLOAD_SCHEME = "memory://download/"


@dataclass
class FixedClock:
    """A clock that stands still until a test moves it."""

    now: datetime = field(default_factory=lambda: datetime(2025, 3, 3, 2, 30, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass(frozen=True)
class IssuedTicket:
    key: str
    size: int
    sha256: bytes
    expires: datetime


def _etag(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class MemoryStore:
    """An in-memory `ObjectStore`: `objects` maps each key to its bytes."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.objects: dict[str, bytes] = {}
        self.tickets: dict[str, IssuedTicket] = {}
        self.downloads: dict[str, tuple[str, datetime]] = {}
        self._clock: Clock = clock or FixedClock()

    # -- test helpers ---------------------------------------------------------------------

    def snapshot(self) -> dict[str, bytes]:
        """A copy of every object, to compare with after an operation that must not write."""
        return dict(self.objects)

    def keys(self, prefix: str = "") -> list[str]:
        return sorted(k for k in self.objects if k.startswith(prefix))

    def upload(self, url: str, data: bytes) -> ObjectInfo:
        """What the browser's PUT to a presigned URL does: enforce the signed terms, create."""
        ticket = self.tickets.get(url)
        if ticket is None:
            raise UploadRejectedError("no such upload URL was issued")
        if self._clock() >= ticket.expires:
            raise UploadRejectedError("the upload URL has expired")
        if len(data) != ticket.size:
            raise UploadRejectedError("the upload has the wrong size")
        if hashlib.sha256(data).digest() != ticket.sha256:
            raise UploadRejectedError("the upload has the wrong SHA-256")
        return self.put_new(ticket.key, data)

    def download(self, url: str) -> bytes:
        """What a GET of a presigned download URL does: check it was issued and is live."""
        issued = self.downloads.get(url)
        if issued is None:
            raise DownloadRejectedError("no such download URL was issued")
        key, expires = issued
        if self._clock() >= expires:
            raise DownloadRejectedError("the download URL has expired")
        return self._data(key)

    # -- the port -------------------------------------------------------------------------

    def put_new(self, key: str, data: bytes) -> ObjectInfo:
        validate_key(key)
        if key in self.objects:
            raise ObjectExistsError(key)
        self.objects[key] = bytes(data)
        return self._info(key)

    def put_new_stream(self, key: str, src: BinaryIO, size: int) -> ObjectInfo:
        validate_key(key)
        data = src.read(size)
        if len(data) != size:
            raise StoreError("the stream ended before the declared size")
        return self.put_new(key, data)

    def replace(self, key: str, data: bytes, if_match: str | None) -> ObjectInfo:
        validate_key(key)
        current = self.objects.get(key)
        if if_match is None:
            if current is not None:
                raise PreconditionFailedError(key)
        elif current is None or _etag(current) != if_match:
            raise PreconditionFailedError(key)
        self.objects[key] = bytes(data)
        return self._info(key)

    def get(self, key: str) -> bytes:
        return self._data(key)

    def get_with_info(self, key: str) -> tuple[bytes, ObjectInfo]:
        return self._data(key), self._info(key)

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self._data(key))

    def read_range(self, key: str, start: int, length: int) -> bytes:
        return self._data(key)[start : start + length]

    def head(self, key: str) -> ObjectInfo:
        self._data(key)
        return self._info(key)

    def sha256(self, key: str) -> bytes:
        return hashlib.sha256(self._data(key)).digest()

    def copy_new(self, source: str, dest: str) -> ObjectInfo:
        return self.put_new(dest, self._data(source))

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        validate_prefix(prefix)
        return iter([self._info(k) for k in self.keys(prefix)])

    def list_keys(self, prefix: str, start_after: str | None = None) -> Iterator[str]:
        validate_prefix(prefix)
        return iter([k for k in self.keys(prefix) if start_after is None or k > start_after])

    def presign_put(
        self, key: str, size: int, sha256: bytes, expires_in: timedelta
    ) -> UploadTicket:
        validate_key(key)
        url = f"{UPLOAD_SCHEME}{key}?size={size}&sha256={sha256.hex()}"
        self.tickets[url] = IssuedTicket(key, size, sha256, self._clock() + expires_in)
        headers = {
            "Content-Length": str(size),
            "x-amz-checksum-sha256": base64.b64encode(sha256).decode(),
        }
        return UploadTicket(url=url, method="PUT", headers=headers)

    def presign_get(self, key: str, expires_in: timedelta) -> str:
        validate_key(key)
        if not timedelta(0) < expires_in <= timedelta(days=7):
            raise ValueError("expires_in must be positive and at most 7 days")
        url = f"{DOWNLOAD_SCHEME}{key}?n={len(self.downloads)}"
        self.downloads[url] = (key, self._clock() + expires_in)
        return url

    # -- internals ------------------------------------------------------------------------

    def _data(self, key: str) -> bytes:
        validate_key(key)
        try:
            return self.objects[key]
        except KeyError:
            raise ObjectNotFoundError(key) from None

    def _info(self, key: str) -> ObjectInfo:
        data = self.objects[key]
        return ObjectInfo(key=key, size=len(data), etag=_etag(data))


def ticket_terms(url: str) -> tuple[str, int, bytes]:
    """The key, size and SHA-256 a fake upload URL is bound to."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != UPLOAD_SCHEME:
        raise ValueError(f"not a memory store upload URL: {url}")
    query = parse_qs(parts.query, strict_parsing=True)
    return parts.path.removeprefix("/"), int(query["size"][0]), bytes.fromhex(query["sha256"][0])


class SimulatedCrashError(Exception):
    """The process 'died' at this write; nothing after it ran."""


class CrashingStore:
    """Passes everything to `inner`, but raises `SimulatedCrashError` at the `crash_at`-th
    write (1-based), without performing it. Reads are never affected. Writes a request runs
    at the same time (core/parallel.py) are counted as they come, so the writes that ran
    beside the crashing one are done, as when a process dies in the middle of a step."""

    def __init__(
        self, inner: MemoryStore, crash_at: int, crash_on: Callable[[str], bool] | None = None
    ) -> None:
        """`crash_on`: crash instead at every write to a key it is true of (a step whose
        writes run at the same time, in no fixed order, stopped at one kind of write)."""
        self.inner = inner
        self.crash_at = crash_at
        self.crash_on = crash_on
        self.writes = 0
        self._lock = threading.Lock()

    def _write(self, key: str) -> None:
        with self._lock:
            self.writes += 1
            crash = self.writes == self.crash_at
        if crash or (self.crash_on is not None and self.crash_on(key)):
            raise SimulatedCrashError(f"crash at write {self.crash_at} ({key})")

    def put_new(self, key: str, data: bytes) -> ObjectInfo:
        self._write(key)
        return self.inner.put_new(key, data)

    def put_new_stream(self, key: str, src: BinaryIO, size: int) -> ObjectInfo:
        self._write(key)
        return self.inner.put_new_stream(key, src, size)

    def replace(self, key: str, data: bytes, if_match: str | None) -> ObjectInfo:
        self._write(key)
        return self.inner.replace(key, data, if_match)

    def copy_new(self, source: str, dest: str) -> ObjectInfo:
        self._write(dest)
        return self.inner.copy_new(source, dest)

    def get(self, key: str) -> bytes:
        return self.inner.get(key)

    def get_with_info(self, key: str) -> tuple[bytes, ObjectInfo]:
        return self.inner.get_with_info(key)

    def open(self, key: str) -> BinaryIO:
        return self.inner.open(key)

    def read_range(self, key: str, start: int, length: int) -> bytes:
        return self.inner.read_range(key, start, length)

    def head(self, key: str) -> ObjectInfo:
        return self.inner.head(key)

    def sha256(self, key: str) -> bytes:
        return self.inner.sha256(key)

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        return self.inner.list(prefix)

    def list_keys(self, prefix: str, start_after: str | None = None) -> Iterator[str]:
        return self.inner.list_keys(prefix, start_after)

    def presign_put(
        self, key: str, size: int, sha256: bytes, expires_in: timedelta
    ) -> UploadTicket:
        return self.inner.presign_put(key, size, sha256, expires_in)

    def presign_get(self, key: str, expires_in: timedelta) -> str:
        return self.inner.presign_get(key, expires_in)


# mypy checks here that both fakes implement the port.
_memory_is_a_store: type[ObjectStore] = MemoryStore
_crashing_is_a_store: type[ObjectStore] = CrashingStore


class ExpiresBeforeCopy:
    """Staging expires between the check of a segment and its copy."""

    def __init__(self, inner: MemoryStore) -> None:
        self.inner = inner

    def copy_new(self, source: str, dest: str) -> ObjectInfo:
        self.inner.objects.pop(source, None)
        return self.inner.copy_new(source, dest)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


T = TypeVar("T")


def before_first_write(store: MemoryStore, at: str, action: Callable[[], T]) -> list[T]:
    """Make `store` run `action` once, just before its first create-only write of key `at`: a
    concurrent request that gets there a moment earlier. The list receives what it returned."""
    original = store.put_new
    results: list[T] = []
    started = False

    def put_new(key: str, data: bytes) -> ObjectInfo:
        nonlocal started
        if key == at and not started:
            started = True
            results.append(action())
        return original(key, data)

    store.put_new = put_new  # type: ignore[method-assign]
    return results

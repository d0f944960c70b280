"""Decrypting an attachment as a stream, checked against the report's manifest.

The manifest inside `report.age` (authenticated by its decryption) names every segment's
ciphertext size and SHA-256, in order, and the plaintext size. Each segment is fetched
whole (about 8 MiB), checked against its entry before a byte of it is decrypted, then
decrypted chunk by chunk with `age.iter_decrypt`, which yields only authenticated chunks.

The iterator ends normally only when every segment matched and authenticated to its
final chunk and the plaintext has exactly the manifest's size; otherwise it raises
`IntegrityError` part-way. A consumer must treat what it got as incomplete and unusable
unless iteration ended without an exception. The server can therefore neither swap,
reorder, drop nor append segments, even ones encrypted to the same people.

The next segments are fetched and checked while the current one is decrypted (`AHEAD` at
most, each on a thread of its own: a fetch mostly waits on the network, and hashing leaves
the interpreter free), so the download runs at the pace of the slowest of fetching, checking
and decrypting rather than of their sum. At most `AHEAD` + 1 segments are held in memory.
"""

from __future__ import annotations

import collections
import hashlib
import io
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from peluit import age
from peluit.core.report import FileEntry

from .errors import IntegrityError

FetchSegment = Callable[[int], bytes]
AHEAD = 3  # segments fetched and checked ahead of the one being decrypted


def _checked(entry: FileEntry, index: int, data: bytes) -> bytes:
    expected = entry.segments[index]
    if len(data) != expected.size or hashlib.sha256(data).hexdigest() != expected.sha256:
        raise IntegrityError(
            f"segment {index} of {entry.name!r} is not the one the report's manifest names"
        )
    return data


def _opened(
    data: bytes, identity: age.Identity, rekeyed: Callable[[bytes], list[bytes]] | None
) -> Iterator[bytes]:
    """The segment's chunks; if the key opens none of its stanzas, those of a copy with a
    rekeyed header (`peluit.review.rekey`: the same payload, so the same checked bytes)."""
    chunks = age.iter_decrypt(io.BytesIO(data), [identity])
    try:
        first = next(chunks, None)
    except age.NoMatchError:
        for candidate in rekeyed(data) if rekeyed else []:
            opened = age.iter_decrypt(io.BytesIO(candidate), [identity])
            try:
                head = next(opened, None)
            except age.NoMatchError:
                continue
            if head is not None:
                yield head
                yield from opened
            return
        raise
    if first is not None:
        yield first
        yield from chunks


def decrypt_attachment(
    entry: FileEntry,
    fetch: FetchSegment,
    identity: age.Identity,
    rekeyed: Callable[[bytes], list[bytes]] | None = None,
) -> Iterator[bytes]:
    """Authenticated plaintext chunks of the attachment; see the module docstring."""
    if not entry.segments:
        raise IntegrityError(f"the manifest of {entry.name!r} lists no segments")

    def fetched(index: int) -> bytes:
        return _checked(entry, index, fetch(index))

    total = 0
    count = len(entry.segments)
    with ThreadPoolExecutor(max_workers=AHEAD, thread_name_prefix="peluit-segment") as pool:
        ahead: collections.deque[Future[bytes]] = collections.deque(
            pool.submit(fetched, index) for index in range(min(AHEAD, count))
        )
        for index in range(count):
            data = ahead.popleft().result()
            if index + AHEAD < count:
                ahead.append(pool.submit(fetched, index + AHEAD))
            try:
                for chunk in _opened(data, identity, rekeyed):
                    total += len(chunk)
                    if total > entry.size:
                        raise IntegrityError(f"{entry.name!r} is longer than its manifest says")
                    yield chunk
            except age.AgeError as exc:
                raise IntegrityError(f"segment {index} of {entry.name!r}: {exc}") from None
    if total != entry.size:
        raise IntegrityError(f"{entry.name!r} is shorter than its manifest says")

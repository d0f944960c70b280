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
and decrypting rather than of their sum. At most `AHEAD` + 1 segments are held in memory:
`decrypt_segments` reads them into `AHEAD` + 1 buffers allocated once per attachment (as
large as its largest segment, which the manifest gives) and reused in turn, each only after
the segment it held was decrypted to its end; chunks are decrypted straight from them
(`age.iter_decrypt_view`) into plaintext of their own, so nothing yielded refers to a buffer.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from peluit import age
from peluit.core.report import FileEntry

from .errors import IntegrityError
from .transport import MAX_DOWNLOAD_BYTES

FetchSegment = Callable[[int], bytes]
# Segment `index` read into `buffer` (as large as the largest segment) where it can be, or
# anywhere else: a view of its bytes.
FillSegment = Callable[[int, bytearray], memoryview]
AHEAD = 3  # segments fetched and checked ahead of the one being decrypted
MAX_SEGMENT_BYTES = MAX_DOWNLOAD_BYTES  # no segment is downloaded whole beyond this
_Piece = TypeVar("_Piece", bytes, memoryview)


KEEP_BYTES = 16 * 1024 * 1024  # a buffer larger than this is not kept after its attachment


class SegmentBuffers:
    """Buffers for segments, kept between attachments: memory new to the process costs a page
    fault per 4 KiB page the first time it is written, about 20 ms for an 8 MiB segment's four
    buffers. They hold ciphertext only (what the server stores), never plaintext. At most
    `keep` wait here, none larger than `keep_bytes` (the default 8 MiB segments: 32 MiB in
    all), each reused only for a segment no larger than itself."""

    def __init__(self, keep: int = AHEAD + 1, keep_bytes: int = KEEP_BYTES) -> None:
        self._keep = keep
        self._keep_bytes = keep_bytes
        self._idle: list[bytearray] = []
        self._lock = threading.Lock()

    def take(self, count: int, size: int) -> list[bytearray]:
        """`count` buffers of at least `size` bytes."""
        with self._lock:
            fit = [b for b in self._idle if len(b) >= size][:count]
            taken = {id(b) for b in fit}  # by identity: equal contents are other buffers
            self._idle = [b for b in self._idle if id(b) not in taken]
        return fit + [bytearray(size) for _ in range(count - len(fit))]

    def give_back(self, buffers: list[bytearray]) -> None:
        kept = [b for b in buffers if len(b) <= self._keep_bytes]
        with self._lock:
            self._idle = sorted([*kept, *self._idle], key=len)[-self._keep :]


BUFFERS = SegmentBuffers()


def _checked(entry: FileEntry, index: int, data: memoryview) -> memoryview:
    expected = entry.segments[index]
    if len(data) != expected.size or hashlib.sha256(data).hexdigest() != expected.sha256:
        raise IntegrityError(
            f"segment {index} of {entry.name!r} is not the one the report's manifest names"
        )
    return data


def _opened(
    data: memoryview,
    opener: Callable[[bytes | memoryview], Iterator[_Piece]],
    rekeyed: Callable[[bytes], list[bytes]] | None,
) -> Iterator[_Piece]:
    """The segment's chunks; if the key opens none of its stanzas, those of a copy with a
    rekeyed header (`peluit.review.rekey`: the same payload, so the same checked bytes)."""
    chunks = opener(data)
    try:
        first = next(chunks, None)
    except age.NoMatchError:
        for candidate in rekeyed(bytes(data)) if rekeyed else []:
            opened = opener(candidate)
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
    """Authenticated plaintext chunks of the attachment; see the module docstring. Each
    segment as `fetch` returns it, in memory of its own."""

    def fetched(index: int) -> memoryview:
        return _checked(entry, index, memoryview(fetch(index)))

    def opener(data: bytes | memoryview) -> Iterator[bytes]:
        return age.iter_decrypt_view(data, [identity])

    yield from _decrypted(entry, fetched, opener, rekeyed)


def decrypt_segments(
    entry: FileEntry,
    fill: FillSegment,
    identity: age.Identity,
    rekeyed: Callable[[bytes], list[bytes]] | None = None,
) -> Iterator[bytes]:
    """`decrypt_attachment`, each segment read by `fill` into one of the reused buffers."""

    def opener(data: bytes | memoryview) -> Iterator[bytes]:
        return age.iter_decrypt_view(data, [identity])

    with _buffers(entry) as held:
        yield from _decrypted(entry, _filled(entry, fill, held), opener, rekeyed)


def decrypt_segments_into(
    entry: FileEntry,
    fill: FillSegment,
    identity: age.Identity,
    out: bytearray,
    rekeyed: Callable[[bytes], list[bytes]] | None = None,
) -> Iterator[memoryview]:
    """`decrypt_segments`, the plaintext decrypted into `out` (a multiple of 64 KiB long):
    views of it, each valid only until the next one is asked for (`out` is then written
    again), for a consumer that writes each one out before it asks for the next."""

    def opener(data: bytes | memoryview) -> Iterator[memoryview]:
        return age.iter_decrypt_view_into(data, [identity], out)

    with _buffers(entry) as held:
        yield from _decrypted(entry, _filled(entry, fill, held), opener, rekeyed)


@contextlib.contextmanager
def _buffers(entry: FileEntry) -> Iterator[list[bytearray]]:
    """The segments' buffers, taken from `BUFFERS` and given back after."""
    if not entry.segments:
        raise IntegrityError(f"the manifest of {entry.name!r} lists no segments")
    largest = max(segment.size for segment in entry.segments)
    if largest > MAX_SEGMENT_BYTES:
        raise IntegrityError(
            f"the manifest of {entry.name!r} lists a segment larger than {MAX_SEGMENT_BYTES} "
            "bytes, more than any download"
        )
    held = BUFFERS.take(min(AHEAD + 1, len(entry.segments)), largest)
    try:
        yield held
    finally:
        BUFFERS.give_back(held)


def _filled(
    entry: FileEntry, fill: FillSegment, held: list[bytearray]
) -> Callable[[int], memoryview]:
    """Segment i read into held[i % (AHEAD + 1)] and checked. `_decrypted` asks for segment
    i + AHEAD once segment i - 1, whose buffer that is, was decrypted to its end."""

    def fetched(index: int) -> memoryview:
        return _checked(entry, index, fill(index, held[index % len(held)]))

    return fetched


def _decrypted(
    entry: FileEntry,
    fetched: Callable[[int], memoryview],
    opener: Callable[[bytes | memoryview], Iterator[_Piece]],
    rekeyed: Callable[[bytes], list[bytes]] | None,
) -> Iterator[_Piece]:
    if not entry.segments:
        raise IntegrityError(f"the manifest of {entry.name!r} lists no segments")
    count = len(entry.segments)
    total = 0
    with ThreadPoolExecutor(max_workers=AHEAD, thread_name_prefix="peluit-segment") as pool:
        ahead: collections.deque[Future[memoryview]] = collections.deque(
            pool.submit(fetched, index) for index in range(min(AHEAD, count))
        )
        for index in range(count):
            data = ahead.popleft().result()
            if index + AHEAD < count:  # into the buffer of segment index - 1, decrypted
                ahead.append(pool.submit(fetched, index + AHEAD))
            try:
                for chunk in _opened(data, opener, rekeyed):
                    total += len(chunk)
                    if total > entry.size:
                        raise IntegrityError(f"{entry.name!r} is longer than its manifest says")
                    yield chunk
            except age.AgeError as exc:
                raise IntegrityError(f"segment {index} of {entry.name!r}: {exc}") from None
    if total != entry.size:
        raise IntegrityError(f"{entry.name!r} is shorter than its manifest says")

"""An attachment decrypts only if every segment is the one the report's manifest names and
authenticates to its end; otherwise the stream raises part-way and never ends normally."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterator

import pytest

from peluit import age
from peluit.core.report import FileEntry, SegmentEntry
from peluit.review.attachments import (
    AHEAD,
    MAX_SEGMENT_BYTES,
    FillSegment,
    SegmentBuffers,
    decrypt_attachment,
    decrypt_segments,
    decrypt_segments_into,
)
from peluit.review.errors import IntegrityError

pytestmark = pytest.mark.unit

KEY = age.HybridIdentity.generate()
PIECE = 70_000  # two age chunks per segment


def _sealed(pieces: list[bytes]) -> list[bytes]:
    return [age.encrypt(p, [KEY.recipient()]) for p in pieces]


def _entry(name: str, size: int, segments: list[bytes]) -> FileEntry:
    entries = [SegmentEntry(size=len(s), sha256=hashlib.sha256(s).hexdigest()) for s in segments]
    return FileEntry(name=name, size=size, segments=entries)


@pytest.fixture(scope="module")
def pieces() -> list[bytes]:
    return [os.urandom(PIECE), os.urandom(PIECE), os.urandom(1234)]


@pytest.fixture(scope="module")
def stored(pieces: list[bytes]) -> list[bytes]:
    return _sealed(pieces)


def _fill(segments: list[bytes]) -> FillSegment:
    """Segments read into the buffer handed over, as the real transport does."""

    def fill(index: int, buffer: bytearray) -> memoryview:
        data = segments[index]
        buffer[: len(data)] = data
        return memoryview(buffer)[: len(data)]

    return fill


def _drain(entry: FileEntry, segments: list[bytes]) -> tuple[bytes, Exception | None]:
    """What `decrypt_attachment` yields and the error it ends with; read into reused buffers
    (`decrypt_segments`), the same bytes and the same error: every test here holds for both."""
    got, error = _collect(decrypt_attachment(entry, lambda i: segments[i], KEY))
    into, into_error = _collect(decrypt_segments(entry, _fill(segments), KEY))
    assert into == got
    assert (type(into_error), str(into_error)) == (type(error), str(error))
    out = bytearray(64 * 1024)  # views of it, each copied before the next is asked for
    views = decrypt_segments_into(entry, _fill(segments), KEY, out)
    viewed, viewed_error = _collect(bytes(view) for view in views)
    assert viewed == got
    assert (type(viewed_error), str(viewed_error)) == (type(error), str(error))
    return got, error


def _collect(chunks: Iterator[bytes]) -> tuple[bytes, Exception | None]:
    got = b""
    try:
        for chunk in chunks:
            got += chunk
    except IntegrityError as exc:
        return got, exc
    return got, None


def test_matching_segments_decrypt_to_the_original(
    pieces: list[bytes], stored: list[bytes]
) -> None:
    plain = b"".join(pieces)
    got, error = _drain(_entry("a.bin", len(plain), stored), stored)
    assert error is None
    assert got == plain


def test_an_empty_attachment_is_one_empty_segment() -> None:
    [empty] = _sealed([b""])
    assert _drain(_entry("kosong.txt", 0, [empty]), [empty]) == (b"", None)


def test_a_segment_swapped_for_another_real_one_stops_before_its_first_byte(
    pieces: list[bytes], stored: list[bytes]
) -> None:
    entry = _entry("a.bin", sum(map(len, pieces)), stored)
    other = _sealed([pieces[1]])[0]  # same plaintext, same recipient, other ciphertext
    got, error = _drain(entry, [stored[0], other, stored[2]])
    assert isinstance(error, IntegrityError)
    assert got == pieces[0]


def test_reordered_segments_are_refused(pieces: list[bytes], stored: list[bytes]) -> None:
    entry = _entry("a.bin", sum(map(len, pieces)), stored)
    got, error = _drain(entry, [stored[1], stored[0], stored[2]])
    assert isinstance(error, IntegrityError)
    assert got == b""


def test_a_manifest_that_lies_about_the_size_fails_at_the_end(
    pieces: list[bytes], stored: list[bytes]
) -> None:
    size = sum(map(len, pieces))
    for claimed in (size + 1, size - 1):
        _, error = _drain(_entry("a.bin", claimed, stored), stored)
        assert isinstance(error, IntegrityError)


def test_a_truncated_segment_whose_hash_was_made_to_match_still_fails_to_authenticate(
    pieces: list[bytes], stored: list[bytes]
) -> None:
    cut = [*stored[:2], stored[2][:-20]]
    got, error = _drain(_entry("a.bin", sum(map(len, pieces)), cut), cut)
    assert isinstance(error, IntegrityError)
    assert got == pieces[0] + pieces[1]


def test_a_segment_for_other_people_is_refused(pieces: list[bytes]) -> None:
    foreign = [age.encrypt(pieces[0], [age.HybridIdentity.generate().recipient()])]
    _, error = _drain(_entry("a.bin", PIECE, foreign), foreign)
    assert isinstance(error, IntegrityError)


def test_segments_fetched_ahead_at_once_and_out_of_order_come_out_in_order() -> None:
    """Later segments arrive first (the first fetch is the slowest): the plaintext is still
    the file in order, and the fetches overlap, `AHEAD` at most."""
    pieces = [os.urandom(PIECE) for _ in range(6)]
    sealed = _sealed(pieces)
    lock = threading.Lock()
    running, most = 0, 0

    def fetch(index: int) -> bytes:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05 if index == 0 else 0.01)
        with lock:
            running -= 1
        return sealed[index]

    plain = b"".join(pieces)
    entry = _entry("b.bin", len(plain), sealed)
    assert b"".join(decrypt_attachment(entry, fetch, KEY)) == plain
    assert 1 < most <= AHEAD


def test_a_slow_reader_gets_every_segment_whole_while_later_ones_fill_the_buffers() -> None:
    """Fetches race ahead into the reused buffers (each fill returns at once) while the
    reader takes its time: a buffer is refilled only once the segment it held was decrypted
    to its end, so nothing decrypts from a buffer overwritten under it."""
    pieces = [os.urandom(PIECE) for _ in range(4 * (AHEAD + 1))]
    sealed = _sealed(pieces)
    filled: list[tuple[int, int]] = []
    fill = _fill(sealed)

    def recording(index: int, buffer: bytearray) -> memoryview:
        filled.append((index, id(buffer)))
        return fill(index, buffer)

    got = b""
    for chunk in decrypt_segments(_entry("c.bin", len(pieces) * PIECE, sealed), recording, KEY):
        time.sleep(0.002)
        got += chunk
    assert got == b"".join(pieces)
    assert len({buffer for _, buffer in filled}) == AHEAD + 1


def test_the_buffers_are_kept_for_the_next_attachment() -> None:
    """A second download reads into the buffers of the first: no new memory to fault in."""
    pieces = [os.urandom(PIECE) for _ in range(AHEAD + 2)]
    sealed = _sealed(pieces)
    entry = _entry("d.bin", len(pieces) * PIECE, sealed)
    fill = _fill(sealed)
    seen: list[set[int]] = [set(), set()]
    for ids in seen:

        def recording(index: int, buffer: bytearray, ids: set[int] = ids) -> memoryview:
            ids.add(id(buffer))
            return fill(index, buffer)

        assert b"".join(decrypt_segments(entry, recording, KEY)) == b"".join(pieces)
    assert seen[0] == seen[1]


def test_a_manifest_naming_a_segment_larger_than_any_download_is_refused_before_a_fetch() -> None:
    fetched: list[int] = []

    def fill(index: int, buffer: bytearray) -> memoryview:
        fetched.append(index)
        return memoryview(buffer)

    huge = FileEntry(
        name="besar.bin",
        size=1,
        segments=[SegmentEntry(size=MAX_SEGMENT_BYTES + 1, sha256="0" * 64)],
    )
    with pytest.raises(IntegrityError, match="larger than"):
        next(decrypt_segments(huge, fill, KEY))
    assert fetched == []


def test_kept_buffers_are_at_most_a_few_and_none_larger_than_the_limit() -> None:
    pool = SegmentBuffers(keep=2, keep_bytes=1000)
    pool.give_back([bytearray(10), bytearray(1000), bytearray(1001), bytearray(500)])
    taken = pool.take(3, 400)
    assert sorted(map(len, taken)) == [400, 500, 1000]  # the two kept, and one new
    pool.give_back(taken)
    assert sorted(map(len, pool.take(2, 1))) == [500, 1000]

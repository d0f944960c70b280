"""An attachment decrypts only if every segment is the one the report's manifest names and
authenticates to its end; otherwise the stream raises part-way and never ends normally."""

from __future__ import annotations

import hashlib
import os
import threading
import time

import pytest

from peluit import age
from peluit.core.report import FileEntry, SegmentEntry
from peluit.review.attachments import AHEAD, decrypt_attachment
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


def _drain(entry: FileEntry, segments: list[bytes]) -> tuple[bytes, Exception | None]:
    got = b""
    try:
        for chunk in decrypt_attachment(entry, lambda i: segments[i], KEY):
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

"""A download sent with `Content-Length` gives exactly the bytes it announced, or fails; its
pieces, views of a buffer the decryption reuses, are sent as the bytes they held."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from peluit.review.console.server import STREAM_PIECE, LengthMismatchError, coalesced, exactly

pytestmark = pytest.mark.unit


def test_the_announced_bytes_pass_through_unchanged() -> None:
    assert list(exactly(iter([b"abc", b"de"]), 5)) == [b"abc", b"de"]


def test_a_stream_longer_than_announced_fails_before_the_extra_bytes() -> None:
    given = exactly(iter([b"abc", b"def"]), 5)
    assert next(given) == b"abc"
    with pytest.raises(LengthMismatchError, match="longer"):
        next(given)


def test_a_stream_ending_short_fails_at_its_end() -> None:
    with pytest.raises(LengthMismatchError, match="shorter"):
        list(exactly(iter([b"abc"]), 5))


def _views_of_one_buffer(pieces: list[bytes]) -> Iterator[memoryview]:
    """Each piece written into the same buffer, as the attachment's decryption does: a view
    is good only until the next one is asked for."""
    buffer = bytearray(max(map(len, pieces)))
    for piece in pieces:
        buffer[: len(piece)] = piece
        yield memoryview(buffer)[: len(piece)]
        buffer[:] = b"\xee" * len(buffer)  # what writing the next piece would do


def test_views_of_one_reused_buffer_come_out_as_the_bytes_they_held() -> None:
    """Large pieces go on as they are, to be written before the next is asked for; small
    ones are copied and gathered into writes of about a MiB (fewer system calls)."""
    pieces = [os.urandom(n) for n in (STREAM_PIECE, 1000, 70_000, STREAM_PIECE, 5, 7)]
    written = [bytes(piece) for piece in coalesced(_views_of_one_buffer(pieces))]
    assert b"".join(written) == b"".join(pieces)
    assert [len(w) for w in written] == [STREAM_PIECE, 71_000, STREAM_PIECE, 12]


def test_small_pieces_are_gathered_into_writes_of_a_mib() -> None:
    pieces = [os.urandom(64 * 1024) for _ in range(40)]
    written = list(coalesced(_views_of_one_buffer(pieces)))
    assert b"".join(written) == b"".join(pieces)
    assert [len(w) for w in written] == [STREAM_PIECE, STREAM_PIECE, 8 * 64 * 1024]

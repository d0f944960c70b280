"""The payload is read in 64 KiB chunks, and only authenticated chunks ever come out.

Every damaged payload ends the iteration with `PayloadError`; what was yielded
before that is exactly the chunks that authenticated, never a byte more.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import pytest

from peluit import age
from peluit.age.stream import CHUNK_SIZE, SEALED_CHUNK_SIZE, TAG_SIZE
from tests.support import agefiles
from tests.support.agefiles import MeteredReader

pytestmark = pytest.mark.unit

NONCE_SIZE = 16
IDENTITY = age.X25519Identity(bytes(range(32)))
# three full chunks and a short final one: four sealed chunks
PLAINTEXT = hashlib.shake_256(b"stream").digest(3 * CHUNK_SIZE + 100)
CHUNKS = agefiles.split(PLAINTEXT)
FILE = age.encrypt(PLAINTEXT, [IDENTITY.recipient()])
PAYLOAD_AT = age.inspect(FILE).header_length + NONCE_SIZE  # offset of the first sealed chunk
SEALED_LENGTH = len(FILE) - PAYLOAD_AT


def _drain(data: bytes | io.BytesIO) -> tuple[list[bytes], age.AgeError | None]:
    """Every chunk `iter_decrypt` yields, and the error it ended with (None if it finished).
    For a file in memory, `iter_decrypt_view` must yield the same chunks and end with the
    same error (type and message): every test here holds for both."""
    src = io.BytesIO(data) if isinstance(data, bytes) else data
    out, error = _collect(age.iter_decrypt(src, [IDENTITY]))
    if isinstance(data, bytes):
        in_view, view_error = _collect(age.iter_decrypt_view(memoryview(data), [IDENTITY]))
        assert in_view == out
        assert (type(view_error), str(view_error)) == (type(error), str(error))
        # into a buffer of two chunks, reused: each view copied before the next is asked for
        into = bytearray(2 * CHUNK_SIZE)
        views, into_error = _collect(
            bytes(v) for v in age.iter_decrypt_view_into(memoryview(data), [IDENTITY], into)
        )
        assert b"".join(views) == b"".join(out)
        assert (type(into_error), str(into_error)) == (type(error), str(error))
    return out, error


def _collect(chunks: Iterator[bytes]) -> tuple[list[bytes], age.AgeError | None]:
    out: list[bytes] = []
    try:
        for chunk in chunks:
            out.append(chunk)
    except age.AgeError as exc:
        return out, exc
    return out, None


def _chunk_start(index: int) -> int:
    return PAYLOAD_AT + index * SEALED_CHUNK_SIZE


def test_reference_file_has_four_chunks_the_last_one_short() -> None:
    assert len(CHUNKS) == 4
    assert SEALED_LENGTH == 3 * SEALED_CHUNK_SIZE + 100 + TAG_SIZE


@pytest.mark.parametrize(
    "size",
    [1, 100, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 3 * CHUNK_SIZE + 100],
)
def test_iter_decrypt_yields_one_64_kib_chunk_at_a_time(size: int) -> None:
    plaintext = PLAINTEXT[:size]
    chunks, error = _drain(age.encrypt(plaintext, [IDENTITY.recipient()]))
    assert error is None
    assert chunks == agefiles.split(plaintext)
    assert all(len(c) == CHUNK_SIZE for c in chunks[:-1])
    assert 0 < len(chunks[-1]) <= CHUNK_SIZE


def test_empty_plaintext_decrypts_to_nothing() -> None:
    chunks, error = _drain(age.encrypt(b"", [IDENTITY.recipient()]))
    assert error is None
    assert b"".join(chunks) == b""


def test_iter_decrypt_reads_at_most_one_chunk_ahead_of_what_it_yielded() -> None:
    plaintext = bytes(12 * CHUNK_SIZE + 7)
    src = MeteredReader(age.encrypt(plaintext, [IDENTITY.recipient()]))
    payload_at = age.inspect(src.getvalue()).header_length + NONCE_SIZE
    header_read = 16 * 1024  # the header parser's read size: it may overshoot by that much
    received = 0
    for index, chunk in enumerate(age.iter_decrypt(src, [IDENTITY])):
        received += len(chunk)
        bound = payload_at + (index + 2) * SEALED_CHUNK_SIZE
        assert src.bytes_read <= max(bound, header_read)
    assert received == len(plaintext)


def test_iter_encrypt_yields_bounded_pieces_and_reads_at_most_two_chunks_ahead() -> None:
    src = MeteredReader(bytes(10 * CHUNK_SIZE + 1))
    pieces = age.iter_encrypt(src, [IDENTITY.recipient()])
    header_and_nonce = next(pieces)
    assert src.bytes_read == 0
    for index, piece in enumerate(pieces):
        assert len(piece) <= SEALED_CHUNK_SIZE
        assert src.bytes_read <= (index + 2) * CHUNK_SIZE
    assert age.inspect(header_and_nonce).header_length == len(header_and_nonce) - NONCE_SIZE


def _expected_chunks_before(cut: int) -> int:
    """How many chunks authenticate when the sealed payload is cut after `cut` bytes.

    A chunk is only known not to be the final one once the next one has begun, so a
    cut exactly at a chunk boundary also costs the chunk before it.
    """
    full, rest = divmod(cut, SEALED_CHUNK_SIZE)
    return full if rest else max(full - 1, 0)


TRUNCATIONS = sorted(
    {index * SEALED_CHUNK_SIZE for index in range(4)}
    | {
        index * SEALED_CHUNK_SIZE + offset
        for index in range(3)
        for offset in (1, TAG_SIZE - 1, TAG_SIZE, TAG_SIZE + 1, CHUNK_SIZE // 2, CHUNK_SIZE)
    }
    | {3 * SEALED_CHUNK_SIZE + offset for offset in (1, TAG_SIZE - 1, TAG_SIZE, 100, 115)}
)


@pytest.mark.parametrize("cut", TRUNCATIONS)
def test_truncation_at_every_chunk_boundary_and_mid_chunk_raises_after_authentic_chunks_only(
    cut: int,
) -> None:
    assert cut < SEALED_LENGTH
    chunks, error = _drain(FILE[: PAYLOAD_AT + cut])
    assert isinstance(error, age.PayloadError)
    assert chunks == CHUNKS[: _expected_chunks_before(cut)]


@pytest.mark.parametrize("cut", [0, 1, NONCE_SIZE - 1])
def test_file_cut_inside_the_payload_nonce_is_a_header_error(cut: int) -> None:
    # CCTV stream_no_nonce / stream_short_nonce classify this as a header failure
    chunks, error = _drain(FILE[: PAYLOAD_AT - NONCE_SIZE + cut])
    assert isinstance(error, age.HeaderError)
    assert chunks == []


@pytest.mark.parametrize("index", range(4))
@pytest.mark.parametrize("where", ["first byte", "middle", "tag"])
def test_flipped_byte_in_any_chunk_raises_after_the_chunks_before_it(
    index: int, where: str
) -> None:
    end = PAYLOAD_AT + SEALED_LENGTH if index == 3 else _chunk_start(index + 1)
    position = {
        "first byte": _chunk_start(index),
        "middle": (_chunk_start(index) + end) // 2,
        "tag": end - 1,
    }[where]
    damaged = bytearray(FILE)
    damaged[position] ^= 0x01
    chunks, error = _drain(bytes(damaged))
    assert isinstance(error, age.PayloadError)
    assert chunks == CHUNKS[:index]


def test_a_chunk_decrypted_into_a_buffer_that_fails_to_authenticate_is_erased_from_it() -> None:
    """The cipher writes a chunk's plaintext before it checks the tag: a chunk that fails
    leaves none of it behind in the reused buffer (only the chunk before it was yielded)."""
    damaged = bytearray(FILE)
    damaged[_chunk_start(1) + 10] ^= 0x01  # chunk 1 decrypts to itself, but one byte
    into = bytearray(2 * CHUNK_SIZE)
    views = age.iter_decrypt_view_into(memoryview(bytes(damaged)), [IDENTITY], into)
    got, error = _collect(bytes(view) for view in views)
    assert isinstance(error, age.PayloadError)
    assert got == [CHUNKS[0]]
    assert CHUNKS[1][100:200] not in into


def test_flipped_byte_in_the_payload_nonce_raises_before_any_output() -> None:
    damaged = bytearray(FILE)
    damaged[PAYLOAD_AT - 1] ^= 0x80
    chunks, error = _drain(bytes(damaged))
    assert isinstance(error, age.PayloadError)
    assert chunks == []


def test_any_flipped_header_byte_is_refused_before_any_output() -> None:
    small = age.encrypt(b"x" * 100, [IDENTITY.recipient()])
    header_length = age.inspect(small).header_length
    for position in range(header_length):
        damaged = bytearray(small)
        damaged[position] ^= 0x01
        chunks, error = _drain(bytes(damaged))
        assert isinstance(error, age.HeaderError | age.HmacError | age.NoMatchError), position
        assert chunks == [], position


@pytest.mark.parametrize("size", [0, 100, CHUNK_SIZE, 2 * CHUNK_SIZE, 2 * CHUNK_SIZE + 100])
@pytest.mark.parametrize(
    "trailer",
    [b"\x00", bytes(TAG_SIZE), bytes(TAG_SIZE + 1), bytes(SEALED_CHUNK_SIZE), b"\xff" * 70_000],
    ids=["1 byte", "a tag", "a tag and 1", "a whole chunk", "over a chunk"],
)
def test_appended_trailing_data_raises_and_withholds_the_final_chunk(
    size: int, trailer: bytes
) -> None:
    plaintext = PLAINTEXT[:size]
    data = age.encrypt(plaintext, [IDENTITY.recipient()])
    chunks, error = _drain(data + trailer)
    assert isinstance(error, age.PayloadError)
    assert chunks == agefiles.split(plaintext)[:-1]


def test_copy_of_the_final_full_chunk_appended_is_diagnosed_as_trailing_data() -> None:
    data = age.encrypt(PLAINTEXT[:CHUNK_SIZE], [IDENTITY.recipient()])
    chunks, error = _drain(data + data[-SEALED_CHUNK_SIZE:])
    assert isinstance(error, age.PayloadError)
    assert "trailing" in str(error)
    assert chunks == []


def test_dropped_short_final_chunk_raises_after_the_chunks_before_it() -> None:
    chunks, error = _drain(FILE[: _chunk_start(3)])
    assert isinstance(error, age.PayloadError)
    assert chunks == CHUNKS[:2]


def test_dropped_full_final_chunk_raises_after_the_chunks_before_it() -> None:
    data = age.encrypt(PLAINTEXT[: 3 * CHUNK_SIZE], [IDENTITY.recipient()])
    payload_at = age.inspect(data).header_length + NONCE_SIZE
    chunks, error = _drain(data[: payload_at + 2 * SEALED_CHUNK_SIZE])
    assert isinstance(error, age.PayloadError)
    assert chunks == CHUNKS[:1]


def test_dropped_middle_chunk_raises_after_the_chunk_before_it() -> None:
    data = FILE[: _chunk_start(1)] + FILE[_chunk_start(2) :]
    chunks, error = _drain(data)
    assert isinstance(error, age.PayloadError)
    assert chunks == CHUNKS[:1]


def test_swapped_chunks_raise_before_the_first_swapped_one() -> None:
    first, second = FILE[_chunk_start(1) : _chunk_start(2)], FILE[_chunk_start(2) : _chunk_start(3)]
    data = FILE[: _chunk_start(1)] + second + first + FILE[_chunk_start(3) :]
    chunks, error = _drain(data)
    assert isinstance(error, age.PayloadError)
    assert chunks == CHUNKS[:1]


# Payloads no honest writer produces, sealed with the right key: only the framing is wrong.
HEADER = agefiles.header(agefiles.wrapped(IDENTITY.recipient()))
A, B = b"a" * CHUNK_SIZE, b"b" * CHUNK_SIZE


@pytest.mark.parametrize(
    ("chunks", "authentic"),
    [
        ([(A, False), (b"", True)], 1),  # empty final chunk after a full one
        ([(b"x", True), (b"y", True)], 0),  # two final chunks
        ([(A, True), (B, True)], 0),
        ([(A, False), (B, True), (b"z", True)], 1),
        ([(A, False)], 0),  # no final chunk at all
        ([(A, False), (B, False)], 1),
        ([(b"x", False)], 0),  # a short chunk not marked final
        ([], 0),  # nonce only
    ],
    ids=[
        "empty final after full",
        "two short finals",
        "two full finals",
        "final then another",
        "one full non-final",
        "two full non-final",
        "short non-final",
        "no chunks",
    ],
)
def test_misframed_payload_sealed_with_the_right_key_raises(
    chunks: list[tuple[bytes, bool]], authentic: int
) -> None:
    yielded, error = _drain(HEADER + agefiles.seal(chunks))
    assert isinstance(error, age.PayloadError)
    assert yielded == [c for c, _ in chunks[:authentic]]


def test_hand_sealed_payload_with_correct_framing_decrypts() -> None:
    yielded, error = _drain(HEADER + agefiles.seal([(A, False), (B, False), (b"end", True)]))
    assert error is None
    assert yielded == [A, B, b"end"]


def test_decrypt_stream_leaves_only_authenticated_chunks_in_the_output() -> None:
    damaged = bytearray(FILE)
    damaged[_chunk_start(2) + 10] ^= 0x01
    out = io.BytesIO()
    with pytest.raises(age.PayloadError):
        age.decrypt_stream(io.BytesIO(bytes(damaged)), out, [IDENTITY])
    assert out.getvalue() == PLAINTEXT[: 2 * CHUNK_SIZE]

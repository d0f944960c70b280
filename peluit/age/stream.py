"""The age payload: ChaCha20-Poly1305 STREAM over 64 KiB chunks, in constant memory.

`open_chunks` yields each plaintext chunk only after it authenticated, and
finishes (StopIteration) only after a chunk marked final authenticated. A
truncated, extended or altered payload raises `PayloadError` instead of ending,
so a consumer knows its output is complete exactly when iteration ends normally.
"""

from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from .errors import PayloadError

CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE
_MAX_COUNTER = 1 << 88


def _nonce(counter: int, last: bool) -> bytes:
    if counter >= _MAX_COUNTER:
        raise PayloadError("payload has too many chunks")
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class Reader:
    """Reads exact amounts from a stream, starting with bytes already read past the header."""

    def __init__(self, src: BinaryIO, prefix: bytes = b"") -> None:
        self._src = src
        self._prefix = prefix

    def read(self, size: int) -> bytes:
        """Read `size` bytes, or fewer only at the end of the stream."""
        if self._prefix:
            head, self._prefix = self._prefix[:size], self._prefix[size:]
            if len(head) == size:
                return head
            parts = [head]
            got = len(head)
        else:
            data = self._src.read(size)
            if len(data) == size or not data:
                return data
            parts = [data]
            got = len(data)
        while got < size:
            data = self._src.read(size - got)
            if not data:
                break
            parts.append(data)
            got += len(data)
        return b"".join(parts)


def seal_chunks(key: bytes, src: Reader) -> Iterator[bytes]:
    """Encrypt `src` to sealed chunks, reading one chunk ahead to mark the final one."""
    aead = ChaCha20Poly1305(key)
    counter = 0
    chunk = src.read(CHUNK_SIZE)
    while True:
        ahead = src.read(CHUNK_SIZE) if len(chunk) == CHUNK_SIZE else b""
        last = not ahead
        yield aead.encrypt(_nonce(counter, last), chunk, None)
        if last:
            return
        counter += 1
        chunk = ahead


def open_chunks(key: bytes, src: Reader) -> Iterator[bytes]:
    """Decrypt sealed chunks from `src`; see the module docstring for the completion rule."""
    aead = ChaCha20Poly1305(key)
    counter = 0
    chunk = src.read(SEALED_CHUNK_SIZE)
    while True:
        ahead = src.read(SEALED_CHUNK_SIZE) if len(chunk) == SEALED_CHUNK_SIZE else b""
        last = not ahead
        if len(chunk) < TAG_SIZE or (last and counter > 0 and len(chunk) == TAG_SIZE):
            raise PayloadError("payload is truncated")
        try:
            plain = aead.decrypt(_nonce(counter, last), chunk, None)
        except InvalidTag:
            raise _explain_failure(aead, counter, chunk, last) from None
        yield plain
        if last:
            return
        counter += 1
        chunk = ahead


def _framed(payload: memoryview) -> Iterator[tuple[int, memoryview, bool]]:
    """The sealed chunks of a payload in memory, as (counter, chunk, last): a chunk is the
    last one exactly when it ends the payload, as `open_chunks` finds when nothing follows it.
    `PayloadError` for a truncated one, as `open_chunks` raises it."""
    total = len(payload)
    counter = 0
    start = 0
    while True:
        end = min(start + SEALED_CHUNK_SIZE, total)
        last = end == total
        chunk = payload[start:end]
        if len(chunk) < TAG_SIZE or (last and counter > 0 and len(chunk) == TAG_SIZE):
            raise PayloadError("payload is truncated")
        yield counter, chunk, last
        if last:
            return
        counter += 1
        start = end


def open_view(key: bytes, payload: memoryview) -> Iterator[bytes]:
    """`open_chunks` over a payload already in memory: each sealed chunk is decrypted straight
    from its slice of `payload` (no copy of the ciphertext), with the same completion rule and
    errors."""
    aead = ChaCha20Poly1305(key)
    for counter, chunk, last in _framed(payload):
        try:
            plain = aead.decrypt(_nonce(counter, last), chunk, None)
        except InvalidTag:
            raise _explain_failure(aead, counter, chunk, last) from None
        yield plain


def open_view_into(key: bytes, payload: memoryview, out: bytearray) -> Iterator[memoryview]:
    """`open_view`, the plaintext decrypted into `out` (a whole number of chunks long): views
    of `out` holding consecutive authenticated chunks, each valid only until the next one is
    asked for (`out` is then written again). On a failure, the chunks that authenticated before
    it come first, then the error; the unauthenticated output of the failed chunk is erased."""
    if not out or len(out) % CHUNK_SIZE:
        raise ValueError("the output buffer must hold a whole number of chunks")
    aead = ChaCha20Poly1305(key)
    sink = memoryview(out)
    filled = 0
    try:
        for counter, chunk, last in _framed(payload):
            size = len(chunk) - TAG_SIZE
            if filled + size > len(sink):
                yield sink[:filled]
                filled = 0
            target = sink[filled : filled + size]
            try:
                aead.decrypt_into(_nonce(counter, last), chunk, None, target)
            except InvalidTag:
                target[:] = bytes(size)  # decrypted but not authentic: never kept
                raise _explain_failure(aead, counter, chunk, last) from None
            filled += size
    except PayloadError:
        if filled:
            yield sink[:filled]
        raise
    yield sink[:filled]


def _explain_failure(
    aead: ChaCha20Poly1305, counter: int, chunk: bytes | memoryview, last: bool
) -> PayloadError:
    if not last:
        try:
            aead.decrypt(_nonce(counter, True), chunk, None)
        except InvalidTag:
            pass
        else:
            return PayloadError("trailing data after the end of the encrypted payload")
    return PayloadError("payload is truncated or altered")


def sealed_size(plaintext_size: int) -> int:
    """Size of the STREAM ciphertext (without the 16-byte nonce) for a plaintext size."""
    if plaintext_size < 0:
        raise ValueError("a size cannot be negative")
    chunks = max(1, -(-plaintext_size // CHUNK_SIZE))
    return plaintext_size + chunks * TAG_SIZE


def plaintext_size(sealed: int) -> int:
    """Inverse of `sealed_size`; raises `PayloadError` for a size no valid payload has."""
    if sealed < 0:
        raise PayloadError("payload size is impossible for age STREAM")
    full, rem = divmod(sealed, SEALED_CHUNK_SIZE)
    if rem == 0 and full > 0:
        return full * CHUNK_SIZE
    if rem < TAG_SIZE or (rem == TAG_SIZE and full > 0):
        raise PayloadError("payload size is impossible for age STREAM")
    return full * CHUNK_SIZE + rem - TAG_SIZE

"""Age files built by hand, and stream stand-ins, for the age unit tests.

The age module never reveals a file key, so a test that wants a hostile stanza
inside a header whose MAC verifies, or chunks sealed in a wrong order, builds the
file here from the primitives the spec names, with a known file key and nonce.
"""

from __future__ import annotations

import hmac
import io
from collections.abc import Iterable
from hashlib import sha256

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from peluit.age import b64
from peluit.age.format import encode_stanza
from peluit.age.keyschedule import header_mac_key, payload_key
from peluit.age.recipient import Recipient
from peluit.age.stream import CHUNK_SIZE

VERSION = b"age-encryption.org/v1\n"
FILE_KEY = bytes(range(16))
NONCE = bytes(range(100, 116))


def stanza(arg_line: bytes, body_text: bytes) -> bytes:
    """`-> arg_line` and the body text wrapped at 64 columns, exactly as given: no checks."""
    lines = [body_text[i : i + 64] for i in range(0, len(body_text), 64)]
    if len(body_text) % 64 == 0:
        lines.append(b"")
    return b"-> " + arg_line + b"\n" + b"".join(line + b"\n" for line in lines)


def wrapped(recipient: Recipient, file_key: bytes = FILE_KEY) -> bytes:
    """The stanzas `recipient` writes for `file_key`, serialised."""
    return b"".join(encode_stanza(s) for s in recipient.wrap(file_key))


def mac_input(stanzas: bytes) -> bytes:
    return VERSION + stanzas + b"---"


def header(stanzas: bytes, file_key: bytes = FILE_KEY) -> bytes:
    """The version line, `stanzas` as given, and a MAC line that verifies for `file_key`."""
    text = mac_input(stanzas)
    mac = hmac.new(header_mac_key(file_key), text, sha256).digest()
    return text + b" " + b64.encode(mac) + b"\n"


def seal(
    chunks: Iterable[tuple[bytes, bool]], file_key: bytes = FILE_KEY, nonce: bytes = NONCE
) -> bytes:
    """The nonce, then each (plaintext, is_last) chunk sealed with the next counter."""
    aead = ChaCha20Poly1305(payload_key(file_key, nonce))
    out = [nonce]
    for counter, (chunk, last) in enumerate(chunks):
        chunk_nonce = counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
        out.append(aead.encrypt(chunk_nonce, chunk, None))
    return b"".join(out)


def split(plaintext: bytes) -> list[bytes]:
    """The plaintext chunks age writes: 64 KiB each, the last one shorter or full, never
    empty unless the whole plaintext is."""
    return [plaintext[i : i + CHUNK_SIZE] for i in range(0, len(plaintext), CHUNK_SIZE)] or [b""]


def payload(plaintext: bytes, file_key: bytes = FILE_KEY, nonce: bytes = NONCE) -> bytes:
    pieces = split(plaintext)
    return seal(((p, i == len(pieces) - 1) for i, p in enumerate(pieces)), file_key, nonce)


def age_file(stanzas: bytes, plaintext: bytes = b"", file_key: bytes = FILE_KEY) -> bytes:
    """A complete file: header around `stanzas` with a verifying MAC, then the payload."""
    return header(stanzas, file_key) + payload(plaintext, file_key)


class EndlessReader(io.BytesIO):
    """A stream that never ends: `prefix`, then `fill` repeated for ever. Counts what it gave."""

    def __init__(self, prefix: bytes = b"", fill: bytes = b"A") -> None:
        super().__init__()
        self._prefix = prefix
        self._fill = fill
        self._offset = 0  # where in `fill` the next byte comes from
        self.bytes_read = 0

    def read(self, size: int | None = -1, /) -> bytes:
        if size is None or size < 0:
            raise AssertionError("unbounded read of an endless stream")
        head, self._prefix = self._prefix[:size], self._prefix[size:]
        need = size - len(head)
        repeats = (self._offset + need) // len(self._fill) + 1
        tail = (self._fill * repeats)[self._offset : self._offset + need]
        self._offset = (self._offset + need) % len(self._fill)
        data = head + tail
        self.bytes_read += len(data)
        return data


class MeteredReader(io.BytesIO):
    """A BytesIO that counts what was read and, given `max_read`, returns short reads."""

    def __init__(self, data: bytes, max_read: int | None = None) -> None:
        super().__init__(data)
        self._max_read = max_read
        self.bytes_read = 0

    def read(self, size: int | None = -1, /) -> bytes:
        if self._max_read is not None and (size is None or size < 0 or size > self._max_read):
            size = self._max_read
        data = super().read(size)
        self.bytes_read += len(data)
        return data

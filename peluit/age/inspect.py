"""What the server may learn from an age file without any key: its header's shape.

The server cannot tell *which* keys a hybrid stanza is for (they are anonymous by
design); it can check that every stanza is hybrid, that there are as many as the
channel has recipients, that the MAC line and payload are well formed in size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO

from . import hybrid
from .errors import PayloadError, RecipientPolicyError
from .format import DEFAULT_LIMITS, HeaderLimits, read_header
from .keyschedule import PAYLOAD_NONCE_SIZE
from .stream import plaintext_size, sealed_size


@dataclass(frozen=True)
class HeaderInfo:
    """The shape of an age header."""

    stanza_types: tuple[str, ...]
    header_length: int

    @property
    def recipient_count(self) -> int:
        return len(self.stanza_types)

    def payload_plaintext_size(self, file_size: int) -> int:
        """Plaintext size implied by a total file size; raises `PayloadError` if impossible."""
        sealed = file_size - self.header_length - PAYLOAD_NONCE_SIZE
        if sealed < 0:
            raise PayloadError("file ends before the payload")
        return plaintext_size(sealed)


def inspect(source: bytes | BinaryIO, limits: HeaderLimits = DEFAULT_LIMITS) -> HeaderInfo:
    """Parse the header only; raises `HeaderError` for anything that is not an age v1 header."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    header, _ = read_header(stream, limits)
    return HeaderInfo(tuple(s.type for s in header.stanzas), header.length)


_VERSION_LINE_SIZE = len(b"age-encryption.org/v1\n")
_MAC_LINE_SIZE = len(b"--- ") + 43 + 1
# "-> mlkem768x25519 " + base64(1120 bytes) + LF, then base64(32-byte body) + LF
_HYBRID_STANZA_SIZE = len(f"-> {hybrid.TYPE} ") + 1494 + 1 + 43 + 1


def hybrid_header_size(count: int) -> int:
    """Exact header size of a file for `count` hybrid recipients (the encoding is canonical)."""
    return _VERSION_LINE_SIZE + count * _HYBRID_STANZA_SIZE + _MAC_LINE_SIZE


def hybrid_file_size(count: int, plaintext: int) -> int:
    """Exact size of an age file for `count` hybrid recipients and `plaintext` bytes."""
    return hybrid_header_size(count) + PAYLOAD_NONCE_SIZE + sealed_size(plaintext)


def require_hybrid_recipients(info: HeaderInfo, count: int) -> None:
    """Refuse unless the header has exactly `count` stanzas, all ML-KEM-768 + X25519."""
    others = sorted({t for t in info.stanza_types if t != hybrid.TYPE})
    if others:
        raise RecipientPolicyError(
            f"only {hybrid.TYPE} recipients are accepted, found {', '.join(others)}"
        )
    if info.recipient_count != count:
        raise RecipientPolicyError(
            f"expected exactly {count} recipients, found {info.recipient_count}"
        )

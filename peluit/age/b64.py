"""Canonical unpadded base64 (RFC 4648 section 3.5), as the age header uses it."""

import base64
import binascii
import re

from .errors import HeaderError

_ALPHABET = re.compile(rb"[A-Za-z0-9+/]*")


def encode(data: bytes) -> bytes:
    """Encode without `=` padding."""
    return base64.b64encode(data).rstrip(b"=")


def decode(text: bytes) -> bytes:
    """Decode, refusing padding, foreign characters and non-canonical trailing bits."""
    if not _ALPHABET.fullmatch(text) or len(text) % 4 == 1:
        raise HeaderError("invalid base64")
    try:
        data = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error as exc:
        raise HeaderError("invalid base64") from exc
    if encode(data) != text:
        raise HeaderError("non-canonical base64")
    return data

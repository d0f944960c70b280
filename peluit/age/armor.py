"""Strict ASCII armor (RFC 7468 section 3, label "AGE ENCRYPTED FILE")."""

import base64
import binascii

from .errors import ArmorError

BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
END = b"-----END AGE ENCRYPTED FILE-----"
_COLUMNS = 64
_WHITESPACE = b" \t\r\n"


def is_armored(data: bytes) -> bool:
    return data.lstrip(_WHITESPACE).startswith(BEGIN)


def armor(data: bytes) -> bytes:
    text = base64.b64encode(data)
    lines = [text[i : i + _COLUMNS] for i in range(0, len(text), _COLUMNS)]
    return b"\n".join([BEGIN, *lines, END]) + b"\n"


def dearmor(data: bytes) -> bytes:
    """Decode, allowing only surrounding whitespace and LF or CRLF line ends."""
    stripped = data.strip(_WHITESPACE)
    lines = stripped.replace(b"\r\n", b"\n").split(b"\n")
    if b"\r" in b"".join(lines):
        raise ArmorError("stray carriage return in armor")
    if len(lines) < 2 or lines[0] != BEGIN or lines[-1] != END:
        raise ArmorError("missing or malformed armor boundary lines")
    body = lines[1:-1]
    if body and (
        any(len(line) != _COLUMNS for line in body[:-1]) or not 0 < len(body[-1]) <= _COLUMNS
    ):
        raise ArmorError("armor lines must be 64 columns, the last one at most 64")
    text = b"".join(body)
    try:
        decoded = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ArmorError("invalid base64 in armor") from exc
    if base64.b64encode(decoded) != text:
        raise ArmorError("non-canonical base64 in armor")
    return decoded

"""The age v1 header: strict, bounded parsing and canonical serialisation.

Parsing stops at the MAC line and hands back whatever it read past it, so a
caller streaming a file continues with the payload without re-reading.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from hashlib import sha256
from typing import BinaryIO

from . import b64
from .errors import HeaderError, HmacError

VERSION_LINE = b"age-encryption.org/v1"
_MAGIC = b"age-encryption.org/"
_COLUMNS = 64
_MAC_B64_LEN = 43
_READ_SIZE = 16 * 1024


@dataclass(frozen=True)
class HeaderLimits:
    """Bounds that make a hostile header cheap to refuse."""

    max_bytes: int = 128 * 1024
    max_stanzas: int = 64


DEFAULT_LIMITS = HeaderLimits()


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza: its arguments and its decoded body."""

    args: tuple[str, ...]
    body: bytes

    @property
    def type(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class Header:
    """A parsed header; `mac_input` is every byte up to and including `---`."""

    stanzas: tuple[Stanza, ...]
    mac: bytes
    mac_input: bytes
    length: int

    def verify_mac(self, mac_key: bytes) -> None:
        expected = hmac.new(mac_key, self.mac_input, sha256).digest()
        if not hmac.compare_digest(expected, self.mac):
            raise HmacError("header MAC does not verify")


_ARG = re.compile(rb"[\x21-\x7e]+")


def _is_arg(arg: bytes) -> bool:
    return _ARG.fullmatch(arg) is not None


class _Lines:
    """Reads LF-terminated lines from a stream, never more than `limit` bytes in all."""

    def __init__(self, src: BinaryIO, limit: int) -> None:
        self._src = src
        self._limit = limit
        self._buf = bytearray()
        self._pos = 0
        self._eof = False

    def line(self) -> bytes:
        while True:
            end = self._buf.find(b"\n", self._pos)
            if end >= 0:
                line = bytes(self._buf[self._pos : end])
                self._pos = end + 1
                return line
            if len(self._buf) >= self._limit:
                raise HeaderError(f"header is larger than {self._limit} bytes")
            if self._eof:
                raise HeaderError("file ends inside the header")
            chunk = self._src.read(min(_READ_SIZE, self._limit - len(self._buf)))
            if not chunk:
                self._eof = True
            self._buf += chunk
            if not self._buf.startswith(_MAGIC[: len(self._buf)]):
                raise HeaderError("not an age file")

    @property
    def consumed(self) -> int:
        return self._pos

    def transcript(self, end: int) -> bytes:
        return bytes(self._buf[:end])

    def rest(self) -> bytes:
        return bytes(self._buf[self._pos :])


def read_header(src: BinaryIO, limits: HeaderLimits = DEFAULT_LIMITS) -> tuple[Header, bytes]:
    """Parse the header from `src`; return it and the bytes already read beyond it."""
    lines = _Lines(src, limits.max_bytes)
    first = lines.line()
    if first != VERSION_LINE:
        if first.startswith(b"age-encryption.org/"):
            raise HeaderError("unsupported age version")
        raise HeaderError("not an age file")
    stanzas: list[Stanza] = []
    while True:
        start = lines.consumed
        line = lines.line()
        if line.startswith(b"-> "):
            if len(stanzas) >= limits.max_stanzas:
                raise HeaderError(f"header has more than {limits.max_stanzas} stanzas")
            stanzas.append(_read_stanza(line, lines))
        elif line.startswith(b"---"):
            if not stanzas:
                raise HeaderError("header has no recipient stanza")
            if line[3:4] != b" " or len(line) != 4 + _MAC_B64_LEN:
                raise HeaderError("malformed MAC line")
            mac = b64.decode(line[4:])
            header = Header(
                stanzas=tuple(stanzas),
                mac=mac,
                mac_input=lines.transcript(start + 3),
                length=lines.consumed,
            )
            return header, lines.rest()
        else:
            raise HeaderError("malformed header line")


def _read_stanza(arg_line: bytes, lines: _Lines) -> Stanza:
    args = arg_line[3:].split(b" ")
    if not all(_is_arg(a) for a in args):
        raise HeaderError("malformed stanza arguments")
    body_lines: list[bytes] = []
    while True:
        line = lines.line()
        if len(line) > _COLUMNS:
            raise HeaderError("stanza body line is longer than 64 columns")
        body_lines.append(line)
        if len(line) < _COLUMNS:
            break
    body = b64.decode(b"".join(body_lines))
    return Stanza(args=tuple(a.decode("ascii") for a in args), body=body)


def encode_stanza(stanza: Stanza) -> bytes:
    """Serialise one stanza with its body wrapped at 64 columns."""
    if not stanza.args or not all(_is_arg(a.encode("ascii")) for a in stanza.args):
        raise HeaderError("stanza arguments must be non-empty printable ASCII")
    text = b64.encode(stanza.body)
    out = [b"-> " + " ".join(stanza.args).encode("ascii") + b"\n"]
    out += [text[i : i + _COLUMNS] + b"\n" for i in range(0, len(text), _COLUMNS)]
    if len(text) % _COLUMNS == 0:
        out.append(b"\n")
    return b"".join(out)


def encode_header(stanzas: list[Stanza], mac_key: bytes) -> bytes:
    """Serialise a header and compute its MAC."""
    mac_input = VERSION_LINE + b"\n" + b"".join(encode_stanza(s) for s in stanzas) + b"---"
    mac = hmac.new(mac_key, mac_input, sha256).digest()
    return mac_input + b" " + b64.encode(mac) + b"\n"

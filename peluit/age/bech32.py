"""Bech32 (BIP 173) without the 90 character limit, as age encodes keys."""

import base64
import re

from .errors import KeyFormatError

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _generator_table() -> tuple[int, ...]:
    """For each value of the checksum's top five bits, the XOR of the generators they select."""
    table = []
    for top in range(32):
        mixed = 0
        for i, gen in enumerate(_GENERATOR):
            if (top >> i) & 1:
                mixed ^= gen
        table.append(mixed)
    return tuple(table)


_TABLE = _generator_table()
_WORDS = {c: i for i, c in enumerate(_CHARSET)}
# A bech32 word as a base-32 digit of Python's int(): 5-bit words to bytes in one step.
_AS_DIGITS = str.maketrans(_CHARSET, "0123456789abcdefghijklmnopqrstuv")
_PRINTABLE = re.compile("[!-~]*")  # characters 33 to 126
_FROM_BASE32 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _CHARSET)


def _polymod(values: list[int], chk: int = 1) -> int:
    table = _TABLE
    for value in values:
        chk = ((chk & 0x1FFFFFF) << 5) ^ value ^ table[chk >> 25]
    return chk


# Two words at a time: the checksum step is linear (XOR), so two steps from `chk` are its low
# 20 bits shifted by 10, the two words, and what its top 10 bits become in two steps (a table).
_TABLE2 = tuple(_polymod([0, 0], top << 20) for top in range(1024))
_PAIRS = {a + b: _WORDS[a] << 5 | _WORDS[b] for a in _CHARSET for b in _CHARSET}
_TWO = re.compile("..", re.DOTALL)


def _polymod_text(hrp: str, text: str) -> int:
    """`_polymod` of the expanded `hrp` and the words of `text` (bech32 characters), two words
    a step; `KeyError` for a character that is not one."""
    chk = _polymod(_expand_hrp(hrp))
    if len(text) % 2:
        chk = _polymod([_WORDS[text[0]]], chk)
        text = text[1:]
    table = _TABLE2
    for pair in map(_PAIRS.__getitem__, _TWO.findall(text)):
        chk = ((chk & 0xFFFFF) << 10) ^ pair ^ table[chk >> 20]
    return chk


def _expand_hrp(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def encode(hrp: str, data: bytes) -> str:
    """Encode `data` under the lower-case human-readable part `hrp`."""
    # RFC 4648 base32 cuts bytes into 5-bit words as BIP 173 does, the last one padded with 0s
    text = base64.b32encode(data).decode("ascii").rstrip("=").translate(_FROM_BASE32)
    words = [_WORDS[c] for c in text]
    check = _polymod([*_expand_hrp(hrp), *words, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = "".join(_CHARSET[(check >> 5 * (5 - i)) & 31] for i in range(6))
    return hrp + "1" + text + checksum


def decode(text: str) -> tuple[str, bytes]:
    """Decode to (lower-case hrp, data); mixed case, bad characters or checksum raise."""
    if text.lower() != text and text.upper() != text:
        raise KeyFormatError("mixed-case Bech32 string")
    lowered = text.lower()
    sep = lowered.rfind("1")
    if sep < 1 or sep + 7 > len(lowered) or not _PRINTABLE.fullmatch(lowered):
        raise KeyFormatError("malformed Bech32 string")
    hrp, rest = lowered[:sep], lowered[sep + 1 :]
    try:
        checksum = _polymod_text(hrp, rest)
    except KeyError as exc:
        raise KeyFormatError("invalid Bech32 character") from exc
    if checksum != 1:
        raise KeyFormatError("invalid Bech32 checksum")
    return hrp, _words_to_bytes(rest[:-6])


def _words_to_bytes(text: str) -> bytes:
    """The data part's 5-bit words (as bech32 characters) to bytes, as BIP 173 converts them
    back: fewer than five padding bits, all zero."""
    size, spare = divmod(5 * len(text), 8)
    if spare >= 5:
        raise KeyFormatError("invalid Bech32 padding")
    value = int(text.translate(_AS_DIGITS), 32) if text else 0
    if value & ((1 << spare) - 1):
        raise KeyFormatError("invalid Bech32 padding")
    return (value >> spare).to_bytes(size, "big")

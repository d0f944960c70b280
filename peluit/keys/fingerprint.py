"""A short fingerprint of a person's two public keys, for comparing aloud or on paper.

SHA-256 over a label, the hybrid age recipient's 1,216 raw bytes and the Ed25519 key's
32 raw bytes. Shown as 20 Crockford base32 characters (100 bits) in five groups of four,
`K3V9-2M7Q-X0AB-4FZT-9QRS`, or, for people who prefer digits (or a phone keypad), as
30 decimal digits in six groups of five. Either way an attacker who wants a roster entry
with the same fingerprint needs about 2^100 tries.
"""

from __future__ import annotations

import hashlib

from peluit import age

from .signing import parse_public_key

_LABEL = b"peluit/fingerprint/v1\x00"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CHARS = 20
_DIGITS = 30


def _digest(age_recipient: str, signing_key: str) -> bytes:
    recipient = age.HybridRecipient.parse(age_recipient).public
    signing = parse_public_key(signing_key).public_bytes_raw()
    return hashlib.sha256(_LABEL + recipient + signing).digest()


def _groups(text: str, size: int) -> str:
    return "-".join(text[i : i + size] for i in range(0, len(text), size))


def fingerprint(age_recipient: str, signing_key: str) -> str:
    """Five groups of four Crockford base32 characters (the first 100 bits of the hash)."""
    number = int.from_bytes(_digest(age_recipient, signing_key), "big") >> (256 - 5 * _CHARS)
    chars = "".join(_CROCKFORD[(number >> (5 * i)) & 31] for i in reversed(range(_CHARS)))
    return _groups(chars, 4)


def numeric_fingerprint(age_recipient: str, signing_key: str) -> str:
    """Six groups of five digits (the first 128 bits of the hash, modulo 10^30)."""
    number = int.from_bytes(_digest(age_recipient, signing_key)[:16], "big") % 10**_DIGITS
    return _groups(f"{number:0{_DIGITS}d}", 5)

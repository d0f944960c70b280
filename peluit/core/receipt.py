"""The reporter's receipt code and what is derived from it.

A receipt code is 128 random bits written as 26 Crockford base32 characters plus one
check character, shown in groups: `7K3M-Q9XD-…`. From the 16 bytes, HKDF-SHA256
(salt "peluit/receipt/v1") derives:

* info "lookup": the 32-byte lookup token; the server stores only SHA-256(token);
* info "reply-identity": the 32-byte seed of the reporter's hybrid reply identity
  (`AGE-SECRET-KEY-PQ-1…`), whose recipient goes with the report;
* info "reporter-signing": the 32-byte Ed25519 private key the reporter signs what they send
  with (`peluit/core/reporter_signature.py`), whose public key goes with the report.

The check character is the first 5 bits of SHA-256("peluit/receipt-check/v1" || bytes):
it catches a typo with probability 31/32 before anything is sent. The browser
(js/src/receipt.js) implements exactly the same; tests hold the two together.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from peluit.age import HybridIdentity

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: i for i, c in enumerate(ALPHABET)} | {
    "O": 0,
    "I": 1,
    "L": 1,  # Crockford: letters people confuse with digits
}
SALT = b"peluit/receipt/v1"
CHECK_LABEL = b"peluit/receipt-check/v1"
SECRET_SIZE = 16
DATA_CHARS = 26
GROUP = 4


class ReceiptCodeError(ValueError):
    """A receipt code that is malformed or whose check character does not match."""


def _check_char(secret: bytes) -> str:
    return ALPHABET[hashlib.sha256(CHECK_LABEL + secret).digest()[0] >> 3]


def _hkdf(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=info).derive(secret)


@dataclass(frozen=True)
class ReceiptCode:
    secret: bytes

    @classmethod
    def generate(cls) -> ReceiptCode:
        return cls(os.urandom(SECRET_SIZE))

    @classmethod
    def parse(cls, text: str) -> ReceiptCode:
        """Accept any case, spaces and dashes; refuse a wrong length, character or check."""
        chars = [c for c in text.upper() if c not in " -\t\n"]
        if len(chars) != DATA_CHARS + 1:
            raise ReceiptCodeError(f"a receipt code has {DATA_CHARS + 1} characters")
        try:
            values = [_DECODE[c] for c in chars]
        except KeyError:
            raise ReceiptCodeError("a receipt code uses only digits and letters") from None
        number = 0
        for value in values[:DATA_CHARS]:
            number = number << 5 | value
        if number >> (SECRET_SIZE * 8):
            raise ReceiptCodeError("not a receipt code")
        code = cls(number.to_bytes(SECRET_SIZE, "big"))
        if ALPHABET[values[-1]] != _check_char(code.secret):
            raise ReceiptCodeError("the receipt code has a typo (its check character differs)")
        return code

    def __str__(self) -> str:
        number = int.from_bytes(self.secret, "big")
        data = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(DATA_CHARS)))
        text = data + _check_char(self.secret)
        return "-".join(text[i : i + GROUP] for i in range(0, len(text), GROUP))

    def lookup_token(self) -> bytes:
        return _hkdf(self.secret, b"lookup")

    def lookup_hash(self) -> bytes:
        return hashlib.sha256(self.lookup_token()).digest()

    def reply_identity(self) -> HybridIdentity:
        return HybridIdentity(_hkdf(self.secret, b"reply-identity"))

    def signing_seed(self) -> bytes:
        """The Ed25519 private key (RFC 8032 seed) of the reporter's signatures."""
        return _hkdf(self.secret, b"reporter-signing")

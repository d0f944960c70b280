"""Witness cosignatures (c2sp.org/tlog-cosignature, Ed25519, signature type 0x04).

The signature is u64 timestamp || Ed25519 signature over

    cosignature/v1
    time <timestamp>
    <the checkpoint's note text>

"As of that time, this is the largest consistent tree head I have seen for this log."
"""

from __future__ import annotations

import base64

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from .errors import NoteFormatError
from .keys import COSIGNATURE_V1, key_id
from .note import check_key_name

_MAX_TIME = (1 << 63) - 1


def signed_message(text: bytes, timestamp: int) -> bytes:
    return b"cosignature/v1\ntime %d\n" % timestamp + text


def cosignature_time(signature: bytes) -> int:
    if len(signature) != 8 + 64:
        raise NoteFormatError("a cosignature is a timestamp and a 64-byte signature")
    return int.from_bytes(signature[:8], "big")


class CosignatureVerifier:
    kind = COSIGNATURE_V1

    def __init__(self, name: str, public: ed25519.Ed25519PublicKey) -> None:
        self.name = check_key_name(name)
        self.public = public
        self.key_id = key_id(name, self.kind, public.public_bytes_raw())

    def verify(self, text: bytes, signature: bytes) -> bool:
        if len(signature) != 72:
            return False
        timestamp = cosignature_time(signature)
        if timestamp > _MAX_TIME:
            return False
        try:
            self.public.verify(signature[8:], signed_message(text, timestamp))
        except InvalidSignature:
            return False
        return True

    def vkey(self) -> str:
        material = base64.b64encode(bytes([self.kind]) + self.public.public_bytes_raw())
        return f"{self.name}+{self.key_id:08x}+{material.decode()}"


class CosignatureSigner:
    """Signs at the time the caller gives (a clock is the caller's business)."""

    kind = COSIGNATURE_V1

    def __init__(self, name: str, private: ed25519.Ed25519PrivateKey, timestamp: int) -> None:
        if not 0 <= timestamp <= _MAX_TIME:
            raise NoteFormatError("a cosignature's time is 0 to 2^63-1")
        self.name = check_key_name(name)
        self.private = private
        self.timestamp = timestamp
        self.key_id = key_id(name, self.kind, private.public_key().public_bytes_raw())

    def sign(self, text: bytes) -> bytes:
        stamp = self.timestamp.to_bytes(8, "big")
        return stamp + self.private.sign(signed_message(text, self.timestamp))

    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self.name, self.private.public_key())

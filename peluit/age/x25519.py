"""The X25519 recipient type (`age1…`, `AGE-SECRET-KEY-1…`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from . import b64, bech32
from .errors import HeaderError, KeyFormatError
from .format import Stanza
from .keyschedule import hkdf

TYPE = "X25519"
_INFO = b"age-encryption.org/v1/X25519"
_ZERO_NONCE = bytes(12)
RECIPIENT_HRP = "age"
IDENTITY_HRP = "age-secret-key-"


_PROBE = X25519PrivateKey.from_private_bytes(bytes(range(32)))


def check_public_key(public: bytes) -> None:
    """Refuse a low-order point: every shared secret with it is zero, so it protects nothing."""
    try:
        secret = _PROBE.exchange(X25519PublicKey.from_public_bytes(public))
    except ValueError:  # cryptography refuses an all-zero shared secret
        secret = bytes(32)
    if secret == bytes(32):
        raise KeyFormatError("the X25519 key is a low-order point")


@dataclass(frozen=True)
class X25519Recipient:
    public: bytes

    stanza_type = TYPE
    post_quantum = False

    @classmethod
    def parse(cls, text: str) -> X25519Recipient:
        hrp, data = bech32.decode(text)
        if hrp != RECIPIENT_HRP or text != text.lower() or len(data) != 32:
            raise KeyFormatError("not an X25519 age recipient")
        check_public_key(data)
        return cls(data)

    def encode(self) -> str:
        return bech32.encode(RECIPIENT_HRP, self.public)

    def wrap(self, file_key: bytes) -> list[Stanza]:
        ephemeral = X25519PrivateKey.generate()
        share = ephemeral.public_key().public_bytes_raw()
        secret = ephemeral.exchange(X25519PublicKey.from_public_bytes(self.public))
        key = hkdf(secret, share + self.public, _INFO)
        body = ChaCha20Poly1305(key).encrypt(_ZERO_NONCE, file_key, None)
        return [Stanza((TYPE, b64.encode(share).decode()), body)]


class X25519Identity:
    def __init__(self, scalar: bytes) -> None:
        if len(scalar) != 32:
            raise KeyFormatError("an X25519 identity is 32 bytes")
        self._scalar = scalar
        self._key = X25519PrivateKey.from_private_bytes(scalar)
        self._public = self._key.public_key().public_bytes_raw()

    @classmethod
    def generate(cls) -> X25519Identity:
        return cls(os.urandom(32))

    @classmethod
    def parse(cls, text: str) -> X25519Identity:
        hrp, data = bech32.decode(text)
        if hrp != IDENTITY_HRP or text != text.upper():
            raise KeyFormatError("not an X25519 age identity")
        return cls(data)

    def encode(self) -> str:
        return bech32.encode(IDENTITY_HRP, self._scalar).upper()

    def recipient(self) -> X25519Recipient:
        return X25519Recipient(self._public)

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != TYPE:
                continue
            if len(stanza.args) != 2:
                raise HeaderError("X25519 stanza must have exactly two arguments")
            share = b64.decode(stanza.args[1].encode())
            if len(share) != 32:
                raise HeaderError("X25519 share must be 32 bytes")
            if len(stanza.body) != 32:
                raise HeaderError("X25519 stanza body must be 32 bytes")
            try:
                secret = self._key.exchange(X25519PublicKey.from_public_bytes(share))
            except ValueError as exc:  # cryptography refuses an all-zero shared secret
                raise HeaderError("X25519 share is a low-order point") from exc
            if secret == bytes(32):
                raise HeaderError("X25519 share is a low-order point")
            key = hkdf(secret, share + self._public, _INFO)
            try:
                return ChaCha20Poly1305(key).decrypt(_ZERO_NONCE, stanza.body, None)
            except InvalidTag:
                continue
        return None

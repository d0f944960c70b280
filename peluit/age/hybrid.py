"""The post-quantum hybrid recipient type ML-KEM-768 + X25519 (`age1pq1…`, `AGE-SECRET-KEY-PQ-1…`).

The file key is sealed with HPKE (RFC 9180) base mode, KEM MLKEM768-X25519 from
draft-ietf-hpke-pq, HKDF-SHA256, ChaCha20Poly1305, info
"age-encryption.org/mlkem768x25519"; the identity is a 32-byte seed expanded with
SHAKE256 to the ML-KEM-768 seed (64 bytes) and the X25519 scalar (32 bytes).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

from . import b64, bech32
from .errors import HeaderError, KeyFormatError
from .format import Stanza
from .x25519 import check_public_key

TYPE = "mlkem768x25519"
RECIPIENT_HRP = "age1pq"
IDENTITY_HRP = "age-secret-key-pq-"
_INFO = b"age-encryption.org/mlkem768x25519"
_MLKEM_PUBLIC_SIZE = 1184
PUBLIC_SIZE = _MLKEM_PUBLIC_SIZE + 32
ENC_SIZE = 1088 + 32
_SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)


@dataclass(frozen=True)
class HybridRecipient:
    public: bytes

    stanza_type = TYPE
    post_quantum = True

    @classmethod
    def parse(cls, text: str) -> HybridRecipient:
        hrp, data = bech32.decode(text)
        if hrp != RECIPIENT_HRP or text != text.lower() or len(data) != PUBLIC_SIZE:
            raise KeyFormatError("not a hybrid (age1pq1) age recipient")
        cls(data)._hpke_key()  # refuse an encoding that is not a valid ML-KEM key
        check_public_key(data[_MLKEM_PUBLIC_SIZE:])
        return cls(data)

    def encode(self) -> str:
        return bech32.encode(RECIPIENT_HRP, self.public)

    def _hpke_key(self) -> hpke.MLKEM768X25519PublicKey:
        try:
            return hpke.MLKEM768X25519PublicKey(
                mlkem.MLKEM768PublicKey.from_public_bytes(self.public[:_MLKEM_PUBLIC_SIZE]),
                x25519.X25519PublicKey.from_public_bytes(self.public[_MLKEM_PUBLIC_SIZE:]),
            )
        except ValueError as exc:
            raise KeyFormatError("hybrid recipient holds an invalid key") from exc

    def wrap(self, file_key: bytes) -> list[Stanza]:
        sealed = _SUITE.encrypt(file_key, self._hpke_key(), info=_INFO)
        enc, body = sealed[:ENC_SIZE], sealed[ENC_SIZE:]
        return [Stanza((TYPE, b64.encode(enc).decode()), body)]


class HybridIdentity:
    def __init__(self, seed: bytes) -> None:
        if len(seed) != 32:
            raise KeyFormatError("a hybrid identity is a 32-byte seed")
        self._seed = seed
        expanded = hashlib.shake_256(seed).digest(96)
        mlkem_key = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
        x_key = x25519.X25519PrivateKey.from_private_bytes(expanded[64:])
        self._x_key = x_key
        self._key = hpke.MLKEM768X25519PrivateKey(mlkem_key, x_key)
        self._public = (
            mlkem_key.public_key().public_bytes_raw() + x_key.public_key().public_bytes_raw()
        )

    @classmethod
    def generate(cls) -> HybridIdentity:
        return cls(os.urandom(32))

    @classmethod
    def parse(cls, text: str) -> HybridIdentity:
        hrp, data = bech32.decode(text)
        if hrp != IDENTITY_HRP or text != text.upper():
            raise KeyFormatError("not a hybrid (AGE-SECRET-KEY-PQ-1) age identity")
        return cls(data)

    def encode(self) -> str:
        return bech32.encode(IDENTITY_HRP, self._seed).upper()

    def recipient(self) -> HybridRecipient:
        return HybridRecipient(self._public)

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != TYPE:
                continue
            if len(stanza.args) != 2:
                raise HeaderError("mlkem768x25519 stanza must have exactly two arguments")
            enc = b64.decode(stanza.args[1].encode())
            if len(enc) != ENC_SIZE:
                raise HeaderError("mlkem768x25519 encapsulated key must be 1120 bytes")
            if len(stanza.body) != 32:
                raise HeaderError("mlkem768x25519 stanza body must be 32 bytes")
            self._refuse_low_order(enc[-32:])
            try:
                return _SUITE.decrypt(enc + stanza.body, self._key, info=_INFO)
            except InvalidTag:
                continue
        return None

    def _refuse_low_order(self, share: bytes) -> None:
        """cryptography's HPKE reports an all-zero X25519 secret as a wrong key; we refuse it."""
        try:
            secret = self._x_key.exchange(x25519.X25519PublicKey.from_public_bytes(share))
        except ValueError as exc:
            raise HeaderError("mlkem768x25519 share has a low-order X25519 point") from exc
        if secret == bytes(32):
            raise HeaderError("mlkem768x25519 share has a low-order X25519 point")

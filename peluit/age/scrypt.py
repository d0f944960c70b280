"""The scrypt passphrase recipient type, used only for Peluit key files.

A hostile file can name any work factor; `max_work_factor` (log2 N, default 20,
about 1 GiB and a second or two) bounds what reading it may cost.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from . import b64
from .errors import HeaderError
from .format import Stanza

TYPE = "scrypt"
_LABEL = b"age-encryption.org/v1/scrypt"
_ZERO_NONCE = bytes(12)
_DECIMAL = re.compile(r"[1-9][0-9]*")
DEFAULT_WORK_FACTOR = 18
DEFAULT_MAX_WORK_FACTOR = 20


def _wrap_key(passphrase: bytes, salt: bytes, work_factor: int) -> bytes:
    kdf = Scrypt(salt=_LABEL + salt, length=32, n=1 << work_factor, r=8, p=1)
    return kdf.derive(passphrase)


class ScryptRecipient:
    stanza_type = TYPE
    post_quantum = True  # symmetric: a quantum adversary gains only Grover's square root

    def __init__(self, passphrase: str, work_factor: int = DEFAULT_WORK_FACTOR) -> None:
        if not passphrase:
            raise ValueError("passphrase must not be empty")
        if not 1 <= work_factor <= 30:
            raise ValueError("scrypt work factor must be between 1 and 30")
        self._passphrase = passphrase.encode()
        self._work_factor = work_factor

    def wrap(self, file_key: bytes) -> list[Stanza]:
        salt = os.urandom(16)
        key = _wrap_key(self._passphrase, salt, self._work_factor)
        body = ChaCha20Poly1305(key).encrypt(_ZERO_NONCE, file_key, None)
        return [Stanza((TYPE, b64.encode(salt).decode(), str(self._work_factor)), body)]


class ScryptIdentity:
    def __init__(self, passphrase: str, max_work_factor: int = DEFAULT_MAX_WORK_FACTOR) -> None:
        self._passphrase = passphrase.encode()
        self._max_work_factor = max_work_factor

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != TYPE:
                continue
            if len(stanzas) != 1:
                raise HeaderError("an scrypt stanza must be the only stanza")
            if len(stanza.args) != 3:
                raise HeaderError("scrypt stanza must have exactly three arguments")
            salt = b64.decode(stanza.args[1].encode())
            if len(salt) != 16:
                raise HeaderError("scrypt salt must be 16 bytes")
            if len(stanza.args[2]) > 2 or not _DECIMAL.fullmatch(stanza.args[2]):
                raise HeaderError("scrypt work factor is not a plain decimal number")
            work_factor = int(stanza.args[2])
            if work_factor > self._max_work_factor:
                raise HeaderError(
                    f"scrypt work factor {work_factor} is above the limit {self._max_work_factor}"
                )
            if len(stanza.body) != 32:
                raise HeaderError("scrypt stanza body must be 32 bytes")
            key = _wrap_key(self._passphrase, salt, work_factor)
            try:
                return ChaCha20Poly1305(key).decrypt(_ZERO_NONCE, stanza.body, None)
            except InvalidTag:
                return None
        return None

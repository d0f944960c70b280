"""Ed25519 keys for notes: the log's signature (type 0x01, c2sp.org/signed-note) and the
verifier and signer key strings

    vkey: <name>+<hex key ID>+base64(type || 32-byte public key)
    skey: PRIVATE+KEY+<name>+<hex key ID>+base64(type || 32-byte private key)

(the skey form is golang.org/x/mod/sumdb/note's). Key ID = SHA-256(name || 0x0A || type ||
public key)[:4], big-endian.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from .errors import NoteFormatError
from .note import check_key_name

ED25519 = 0x01
COSIGNATURE_V1 = 0x04  # timestamped Ed25519 cosignature (cosignature.py)
_SKEY_PREFIX = "PRIVATE+KEY+"


def key_id(name: str, kind: int, public: bytes) -> int:
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([kind]) + public).digest()
    return int.from_bytes(digest[:4], "big")


def _raw_public(key: ed25519.Ed25519PublicKey) -> bytes:
    return key.public_bytes_raw()


class Ed25519Verifier:
    kind = ED25519

    def __init__(self, name: str, public: ed25519.Ed25519PublicKey) -> None:
        self.name = check_key_name(name)
        self.public = public
        self.key_id = key_id(name, self.kind, _raw_public(public))

    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            self.public.verify(signature, text)
        except InvalidSignature:
            return False
        return True

    def vkey(self) -> str:
        material = base64.b64encode(bytes([self.kind]) + _raw_public(self.public)).decode()
        return f"{self.name}+{self.key_id:08x}+{material}"


class Ed25519Signer:
    kind = ED25519

    def __init__(self, name: str, private: ed25519.Ed25519PrivateKey) -> None:
        self.name = check_key_name(name)
        self.private = private
        self.key_id = key_id(name, self.kind, _raw_public(private.public_key()))

    def sign(self, text: bytes) -> bytes:
        return self.private.sign(text)

    def verifier(self) -> Ed25519Verifier:
        return Ed25519Verifier(self.name, self.private.public_key())

    def skey(self) -> str:
        material = base64.b64encode(bytes([self.kind]) + self.private.private_bytes_raw())
        return f"{_SKEY_PREFIX}{self.name}+{self.key_id:08x}+{material.decode()}"


def split_key(text: str, what: str) -> tuple[str, int, int, bytes]:
    name, plus1, rest = text.partition("+")
    hex_id, plus2, encoded = rest.partition("+")
    if not (plus1 and plus2) or len(hex_id) != 8 or hex_id != hex_id.lower():
        raise NoteFormatError(f"a {what} is NAME+KEYID+KEY")
    try:
        kid = int(hex_id, 16)
        blob = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error):
        raise NoteFormatError(f"a {what} has a hex key ID and a base64 key") from None
    if len(blob) != 33 or base64.b64encode(blob).decode("ascii") != encoded:
        raise NoteFormatError(f"a {what} holds a type byte and a 32-byte Ed25519 key")
    return check_key_name(name), kid, blob[0], blob[1:]


def parse_skey(text: str) -> Ed25519Signer:
    text = text.strip()
    if not text.startswith(_SKEY_PREFIX):
        raise NoteFormatError("a signer key starts with PRIVATE+KEY+")
    name, kid, kind, raw = split_key(text.removeprefix(_SKEY_PREFIX), "signer key")
    if kind != ED25519:
        raise NoteFormatError("a log's signer key is Ed25519 (type 0x01)")
    signer = Ed25519Signer(name, ed25519.Ed25519PrivateKey.from_private_bytes(raw))
    if signer.key_id != kid:
        raise NoteFormatError(f"the key ID of {name} does not match its key")
    return signer

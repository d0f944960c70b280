"""Ed25519 signing keys as they appear in the roster: `ed25519:<base64 of the 32-byte key>`."""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives.asymmetric import ed25519

from .errors import SigningKeyFormatError

PREFIX = "ed25519:"
KEY_SIZE = 32


def encode_public_key(key: ed25519.Ed25519PublicKey) -> str:
    return PREFIX + base64.b64encode(key.public_bytes_raw()).decode("ascii")


def parse_public_key(text: str) -> ed25519.Ed25519PublicKey:
    """Parse `ed25519:<base64>` strictly (canonical padded base64, exactly 32 bytes)."""
    if not text.startswith(PREFIX):
        raise SigningKeyFormatError("a signing key starts with 'ed25519:'")
    encoded = text.removeprefix(PREFIX)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise SigningKeyFormatError("a signing key is base64 after 'ed25519:'") from None
    if len(raw) != KEY_SIZE or base64.b64encode(raw).decode("ascii") != encoded:
        raise SigningKeyFormatError("a signing key is 32 bytes in canonical base64")
    try:
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise SigningKeyFormatError("not a valid Ed25519 public key") from None


def encode_private_key(key: ed25519.Ed25519PrivateKey) -> str:
    return base64.b64encode(key.private_bytes_raw()).decode("ascii")


def parse_private_key(text: str) -> ed25519.Ed25519PrivateKey:
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise SigningKeyFormatError("the private signing key is not base64") from None
    if len(raw) != KEY_SIZE:
        raise SigningKeyFormatError("the private signing key is not 32 bytes")
    return ed25519.Ed25519PrivateKey.from_private_bytes(raw)

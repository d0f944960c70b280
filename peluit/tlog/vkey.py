"""Reading a verifier key (vkey): the log's key or a witness's, by its type byte."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ed25519

from .cosignature import CosignatureVerifier
from .errors import NoteFormatError
from .keys import COSIGNATURE_V1, ED25519, Ed25519Verifier, split_key
from .note import Verifier


def parse_vkey(text: str) -> Verifier:
    """A log key (type 0x01) or a witness's cosignature key (type 0x04)."""
    name, kid, kind, raw = split_key(text.strip(), "verifier key")
    try:
        public = ed25519.Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise NoteFormatError("not an Ed25519 public key") from None
    verifier: Ed25519Verifier | CosignatureVerifier
    if kind == ED25519:
        verifier = Ed25519Verifier(name, public)
    elif kind == COSIGNATURE_V1:
        verifier = CosignatureVerifier(name, public)
    else:
        raise NoteFormatError(f"an unknown key type 0x{kind:02x} (0x01 or 0x04 here)")
    if verifier.key_id != kid:
        raise NoteFormatError(f"the key ID of {name} does not match its key")
    return verifier

"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures (type 0x01).

A note is a text ending in a newline, a blank line, then one signature line per signer:
`— <key name> <base64(4-byte key ID || 64-byte signature)>`. The key ID is the first four
bytes of SHA-256(key name || 0x0A || 0x01 || 32-byte public key). A verifier ignores
signatures from keys it does not know and rejects the note when a known key's signature fails.

A note that nobody has signed yet is kept as its text alone (the spec needs one signature or
more for a *signed* note): `parse_note` reads it as a note with no signatures, so that the
first signer can add theirs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from .errors import NoteFormatError, SignatureError

ED25519 = 0x01
MAX_NOTE_BYTES = 1024 * 1024  # a manifest of a few hundred files and its signatures
MAX_SIGNATURES = 100  # the spec asks verifiers to accept at least 16
_DASH = "\u2014 "
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_KEY_NAME = re.compile(r"^[^\s+]+$")
_SIGNATURE_SIZE = 4 + 64


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes  # 4 bytes
    signature: bytes  # for Ed25519: 64 bytes

    def line(self) -> str:
        encoded = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{_DASH}{self.name} {encoded}\n"


@dataclass(frozen=True)
class Note:
    text: str  # ends in a newline
    signatures: tuple[Signature, ...] = ()

    def encode(self) -> bytes:
        if not self.signatures:
            return self.text.encode("utf-8")
        lines = "".join(s.line() for s in self.signatures)
        return f"{self.text}\n{lines}".encode()


@dataclass(frozen=True)
class Verifier:
    """A known key: its name and Ed25519 public key."""

    name: str
    public_key: ed25519.Ed25519PublicKey

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public_key)

    def vkey(self) -> str:
        """`<name>+<hex key ID>+<base64(0x01 || public key)>` (the spec's verifier key)."""
        raw = bytes([ED25519]) + self.public_key.public_bytes_raw()
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(raw).decode('ascii')}"


def check_key_name(name: str) -> str:
    if not _KEY_NAME.fullmatch(name):
        raise NoteFormatError(f"key name {name!r}: non-empty, without spaces or '+'")
    return name


def key_id(name: str, public_key: ed25519.Ed25519PublicKey) -> bytes:
    material = name.encode("utf-8") + b"\n" + bytes([ED25519]) + public_key.public_bytes_raw()
    return hashlib.sha256(material).digest()[:4]


def check_text(text: str) -> str:
    if not text.endswith("\n"):
        raise NoteFormatError("a note's text ends in a newline")
    if _CONTROL.search(text):
        raise NoteFormatError("a note holds no control characters other than newline")
    return text


def sign(text: str, name: str, private_key: ed25519.Ed25519PrivateKey) -> Signature:
    check_text(text)
    check_key_name(name)
    return Signature(name, key_id(name, private_key.public_key()), private_key.sign(text.encode()))


def parse_note(data: bytes) -> Note:
    """The note in `data`: text and signatures (none for a note not signed yet)."""
    if len(data) > MAX_NOTE_BYTES:
        raise NoteFormatError(f"the note is larger than {MAX_NOTE_BYTES} bytes")
    try:
        whole = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteFormatError("a note is UTF-8 text") from None
    check_text(whole)
    text, sep, tail = whole.rpartition("\n\n")
    if not sep or not tail.startswith(_DASH):
        return Note(whole)  # not signed yet: the whole file is the text
    text += "\n"
    signatures = tuple(_parse_line(line) for line in tail.splitlines())
    if len(signatures) > MAX_SIGNATURES:
        raise NoteFormatError(f"more than {MAX_SIGNATURES} signatures")
    return Note(text, signatures)


def _parse_line(line: str) -> Signature:
    if not line.startswith(_DASH):
        raise NoteFormatError(f"not a signature line: {line[:60]!r}")
    name, space, encoded = line.removeprefix(_DASH).partition(" ")
    check_key_name(name)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise NoteFormatError(f"the signature of {name} is not base64") from None
    if not space or len(raw) < 5:
        raise NoteFormatError(f"the signature line of {name} is too short")
    return Signature(name, raw[:4], raw[4:])


def verified_by(note: Note, verifiers: list[Verifier]) -> list[str]:
    """The names of the known keys whose signatures verify, in the note's order.

    Signatures from unknown keys (name and key ID not both known) are ignored; a known key's
    signature that fails is a SignatureError: the text is not what that signer signed."""
    known = {(v.name, v.key_id): v for v in verifiers}
    names: list[str] = []
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not _verifies(verifier, sig, note.text):
            raise SignatureError(
                f"the signature of {sig.name} does not verify: the release was changed "
                "after they signed it"
            )
        if sig.name not in names:
            names.append(sig.name)
    return names


def _verifies(verifier: Verifier, sig: Signature, text: str) -> bool:
    if len(sig.signature) != _SIGNATURE_SIZE - 4:
        return False
    try:
        verifier.public_key.verify(sig.signature, text.encode("utf-8"))
    except InvalidSignature:
        return False
    return True


def add_signature(note: Note, signature: Signature) -> Note:
    """The note with `signature` added; a second signature by the same key is refused."""
    if any((s.name, s.key_id) == (signature.name, signature.key_id) for s in note.signatures):
        raise NoteFormatError(f"{signature.name} has already signed this release")
    return Note(note.text, (*note.signatures, signature))

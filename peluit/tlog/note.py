"""Signed notes (c2sp.org/signed-note): a text, a blank line, then signature lines

    — <key name> base64(4-byte key ID || signature)

A note is read only through keys the reader trusts: a signature by a known key (same name
and same key ID) must verify or the whole note is refused; signatures by unknown keys are
ignored; a note no known key signed is refused.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Protocol

from .errors import NoteFormatError, NoteSignatureError

MAX_NOTE = 1 << 20
MAX_SIGNATURES = 100
_DASH = "\u2014 "
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


class Verifier(Protocol):
    name: str
    key_id: int

    def verify(self, text: bytes, signature: bytes) -> bool: ...


class Signer(Protocol):
    name: str
    key_id: int

    def sign(self, text: bytes) -> bytes: ...


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: int
    signature: bytes  # after the key ID

    def line(self) -> str:
        blob = self.key_id.to_bytes(4, "big") + self.signature
        return f"{_DASH}{self.name} {base64.b64encode(blob).decode('ascii')}\n"


@dataclass(frozen=True)
class Note:
    text: str  # ends in a newline
    signatures: tuple[Signature, ...]

    def encode(self) -> bytes:
        return (self.text + "\n" + "".join(s.line() for s in self.signatures)).encode("utf-8")


def check_key_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name) or _CONTROL.search(name):
        raise NoteFormatError(f"a key name is not empty and has no spaces or '+': {name!r}")
    return name


def _signature(line: str) -> Signature:
    if not line.startswith(_DASH):
        raise NoteFormatError("a signature line starts with an em dash and a space")
    name, space, encoded = line.removeprefix(_DASH).rpartition(" ")
    if not space:
        raise NoteFormatError("a signature line is '— NAME SIGNATURE'")
    check_key_name(name)
    try:
        blob = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise NoteFormatError("a signature is base64") from None
    if len(blob) < 5 or base64.b64encode(blob).decode("ascii") != encoded:
        raise NoteFormatError("a signature is a key ID and a signature, in canonical base64")
    return Signature(name, int.from_bytes(blob[:4], "big"), blob[4:])


def parse_note(data: bytes) -> Note:
    """Split a signed note into its text and signatures (nothing is verified here)."""
    if len(data) > MAX_NOTE:
        raise NoteFormatError(f"a note is at most {MAX_NOTE} bytes")
    try:
        message = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteFormatError("a note is UTF-8") from None
    if _CONTROL.search(message):
        raise NoteFormatError("a note has no control characters but newlines")
    if not message.endswith("\n"):
        raise NoteFormatError("a note ends in a newline")
    split = message.rfind("\n\n")
    if split < 0:
        raise NoteFormatError("a note has a blank line before its signatures")
    text, block = message[: split + 1], message[split + 2 :]
    lines = block.removesuffix("\n").split("\n")
    if not block or len(lines) > MAX_SIGNATURES:
        raise NoteFormatError(f"a note has 1 to {MAX_SIGNATURES} signatures")
    return Note(text, tuple(_signature(line) for line in lines))


def open_note(data: bytes, verifiers: list[Verifier]) -> tuple[Note, list[Verifier]]:
    """The note and the known keys whose signatures on it verify (at least one)."""
    note = parse_note(data)
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: list[Verifier] = []
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not verifier.verify(note.text.encode("utf-8"), sig.signature):
            raise NoteSignatureError(f"the signature of {sig.name} on this note is not valid")
        if verifier not in verified:
            verified.append(verifier)
    if not verified:
        names = ", ".join(sorted({v.name for v in verifiers})) or "none"
        raise NoteSignatureError(f"no signature on this note by a known key ({names})")
    return note, verified


def sign_note(text: str, signers: list[Signer], keep: tuple[Signature, ...] = ()) -> Note:
    """The text signed by each of `signers`; `keep` are other signatures to carry along
    (a signer's earlier signature on the same text is replaced)."""
    if not text.endswith("\n") or _CONTROL.search(text):
        raise NoteFormatError("a note's text ends in a newline and has no control characters")
    mine = {(s.name, s.key_id) for s in signers}
    kept = tuple(s for s in keep if (s.name, s.key_id) not in mine)
    made = tuple(Signature(s.name, s.key_id, s.sign(text.encode("utf-8"))) for s in signers)
    return Note(text, made + kept)
